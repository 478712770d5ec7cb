import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A year's official holiday schedule as the office imported it (`duban calendar import`,
 * `/calendar`): it wins over chinese-days' data and the statutory fallback for that year.
 * Re-importing a year replaces it whole.
 */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  /** Where it came from: the file name, and the notice it names when it names one. */
  source: text('source').notNull(),
  /** 'cli' or 'telegram'. */
  via: text('via').notNull(),
  /** The Telegram user who imported it (null from the command line). */
  importedBy: bigint('imported_by', { mode: 'number' }),
  importedAt: ts('imported_at').notNull(),
});

/**
 * The days of an imported year: days off ('off') and make-up working days ('work'). Dates are
 * 'YYYY-MM-DD' text, calendar dates with no zone (plain `date` columns have timezone bugs in
 * drizzle's string mode).
 */
export const calendarDays = pgTable(
  'calendar_days',
  {
    year: integer('year')
      .notNull()
      .references(() => calendarYears.year, { onDelete: 'cascade' }),
    date: text('date').notNull(),
    /** off | work */
    kind: text('kind').notNull(),
    name: text('name').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.date] }), index('calendar_days_year_idx').on(t.year)],
);
