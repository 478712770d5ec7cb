import { asc, count, eq, max } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { calendarDays, calendarYears } from '../db/schema/index.js';
import type { Clock } from '../shared/clock.js';
import type { ImportedSchedule } from './model/working-calendar.js';
import type { YMD } from './model/ymd.js';

export type CalendarYearRecord = typeof calendarYears.$inferSelect;

export type StoredSchedule = ImportedSchedule & { record: CalendarYearRecord };

/** Storage of imported holiday schedules (calendar_years, calendar_days). */
export function createCalendarRepository({ db, clock }: { db: DbOrTx; clock: Clock }) {
  return {
    /** Replaces a year whole: its row and all its days. Run inside a transaction. */
    async replaceYear(input: { schedule: ImportedSchedule; source: string; via: 'cli' | 'telegram'; importedBy: number | null }): Promise<CalendarYearRecord> {
      const { schedule } = input;
      await db.delete(calendarYears).where(eq(calendarYears.year, schedule.year));
      const [record] = await db
        .insert(calendarYears)
        .values({ year: schedule.year, source: input.source, via: input.via, importedBy: input.importedBy, importedAt: clock.now() })
        .returning();
      const names = schedule.names ?? {};
      const rows = [
        ...schedule.daysOff.map((date: YMD) => ({ year: schedule.year, date, kind: 'off', name: names[date] ?? '' })),
        ...schedule.workdays.map((date: YMD) => ({ year: schedule.year, date, kind: 'work', name: names[date] ?? '' })),
      ];
      if (rows.length > 0) await db.insert(calendarDays).values(rows);
      return record!;
    },

    /** Every imported year with its days. */
    async listSchedules(): Promise<StoredSchedule[]> {
      const [years, days] = await Promise.all([
        db.select().from(calendarYears).orderBy(asc(calendarYears.year)),
        db.select().from(calendarDays).orderBy(asc(calendarDays.date)),
      ]);
      return years.map((record) => {
        const mine = days.filter((d) => d.year === record.year);
        const names: Record<YMD, string> = {};
        for (const d of mine) if (d.name) names[d.date] = d.name;
        return {
          year: record.year,
          daysOff: mine.filter((d) => d.kind === 'off').map((d) => d.date),
          workdays: mine.filter((d) => d.kind === 'work').map((d) => d.date),
          names,
          record,
        };
      });
    },

    /** A cheap fingerprint of the imported schedules: changes whenever a year is imported or removed. */
    async version(): Promise<string> {
      const [row] = await db.select({ n: count(), last: max(calendarYears.importedAt) }).from(calendarYears);
      return `${row?.n ?? 0}:${row?.last?.getTime() ?? 0}`;
    },
  };
}
