import { bigserial, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { items } from './items.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Every warning, nag and escalation the sweep planned: one row per (item, unit, kind, slot), so a
 * second sweep (or a second instance) plans nothing twice. The bulletin counts nags from here.
 * unitId 0 means "the item as a whole" (e.g. a nag to the confirming leader).
 */
export const reminders = pgTable(
  'reminders',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    unitId: integer('unit_id').notNull().default(0),
    /** warning | ack_nag | overdue_nag | report_nag | confirm_nag | escalation */
    kind: text('kind').notNull(),
    /** What makes it unique in time: the date warned about, the nag's working day, the rung... */
    slot: text('slot').notNull(),
    /** Escalation rung (1-4) the message went to. */
    rung: integer('rung').notNull().default(1),
    /** blue | yellow | red */
    colour: text('colour'),
    plannedAt: ts('planned_at').notNull(),
  },
  (t) => [uniqueIndex('reminders_unique').on(t.itemId, t.unitId, t.kind, t.slot), index('reminders_unit_idx').on(t.unitId, t.kind, t.plannedAt)],
);

/**
 * The scheduler's run coordinator (src/scheduler/run-coordinator.ts): a scheduled job runs once per
 * (name, slot) across all instances — the first tick to insert the row runs it.
 */
export const cronRuns = pgTable(
  'cron_runs',
  {
    name: text('name').notNull(),
    slot: text('slot').notNull(),
    instance: text('instance').notNull(),
    startedAt: ts('started_at').notNull(),
    finishedAt: ts('finished_at'),
    /** sent | late | skipped */
    outcome: text('outcome'),
  },
  (t) => [primaryKey({ columns: [t.name, t.slot] }), index('cron_runs_started_idx').on(t.name, t.startedAt)],
);
