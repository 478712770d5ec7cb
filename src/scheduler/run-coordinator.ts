import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { cronRuns } from '../db/schema/index.js';
import type { Clock } from '../shared/clock.js';

/** What a finished run says about itself (cron_runs.outcome). */
export type RunOutcome = 'sent' | 'late' | 'skipped' | 'done';

/**
 * Once per slot across instances, over the `cron_runs` table (PostgreSQL or PGlite): one row per
 * (job name, slot); whichever instance's tick inserts it runs the job, every other instance is told
 * no. The slot is what the job says a fire belongs to (the local date for the daily digest, the ISO
 * week for the bulletin, the fire instant for the sweep), so a tick on time and a tick catching up
 * hours later (after downtime, after the clock moved) compete for the same row.
 *
 * The lease: a row that was claimed but never finished (its instance died mid-run) may be taken
 * over once it is older than `ttlMs`, by one statement that only updates an unfinished, expired
 * row; so two instances cannot both take it over. A claim started more than a lease ahead of
 * now (the clock was set back since) counts as expired too, not after the jump plus the lease. Jobs
 * are idempotent anyway (outbox keys), so a takeover can at worst repeat planning, never a message.
 */
export type RunCoordinator = {
  readonly instance: string;
  /** Claims a slot for this instance; returns the claim time (the run's "now") or null when taken. */
  claim(input: { name: string; slot: string; ttlMs: number; now?: Date }): Promise<Date | null>;
  /** Records the outcome of a run this instance holds. */
  finish(input: { name: string; slot: string; outcome: RunOutcome }): Promise<void>;
  /** Gives a claimed, unfinished slot back (the run failed), so a later tick may try again. */
  release(input: { name: string; slot: string }): Promise<void>;
  /** Records a slot as skipped without running it; false when someone already has it. */
  skip(input: { name: string; slot: string }): Promise<boolean>;
  /**
   * Whether a slot too old to run was really missed: the job has run here before (a fresh
   * installation missed nothing) and no later slot of it has run (after the clock was set back,
   * an earlier slot is history, not a miss). Skipped slots do not count as runs. Slots of one job
   * order as their strings do (ISO dates, weeks and instants).
   */
  wasMissed?(name: string, slot: string): Promise<boolean>;
  /** Deletes a job's finished rows older than `before` (the minute-by-minute sweep piles up). */
  prune(input: { name: string; before: Date }): Promise<number>;
};

export function createPgRunCoordinator(deps: { db: DbOrTx; clock: Clock; instance: string }): RunCoordinator {
  const { db, clock, instance } = deps;

  async function claim(input: { name: string; slot: string; ttlMs: number; now?: Date }): Promise<Date | null> {
    const now = input.now ?? clock.now();
    const expired = new Date(now.getTime() - input.ttlMs).toISOString();
    // A claim started more than a lease after now was made before the clock was set back: its
    // lease would otherwise run for the whole jump too.
    const fromTheFuture = new Date(now.getTime() + input.ttlMs).toISOString();
    const rows = await db
      .insert(cronRuns)
      .values({ name: input.name, slot: input.slot, instance, startedAt: now })
      .onConflictDoUpdate({
        target: [cronRuns.name, cronRuns.slot],
        set: { instance, startedAt: now },
        setWhere: sql`${cronRuns.finishedAt} is null and (${cronRuns.startedAt} < ${expired}::timestamptz or ${cronRuns.startedAt} > ${fromTheFuture}::timestamptz)`,
      })
      .returning({ startedAt: cronRuns.startedAt });
    return rows.length === 0 ? null : now;
  }

  const mine = (name: string, slot: string) => and(eq(cronRuns.name, name), eq(cronRuns.slot, slot), eq(cronRuns.instance, instance));

  return {
    instance,
    claim,

    async finish(input) {
      await db.update(cronRuns).set({ finishedAt: clock.now(), outcome: input.outcome }).where(mine(input.name, input.slot));
    },

    async release(input) {
      await db.delete(cronRuns).where(and(mine(input.name, input.slot), isNull(cronRuns.finishedAt)));
    },

    async wasMissed(name, slot) {
      const [row] = await db
        .select({ ran: sql<boolean>`count(*) > 0`, later: sql<boolean>`coalesce(bool_or(${cronRuns.slot} > ${slot}), false)` })
        .from(cronRuns)
        .where(and(eq(cronRuns.name, name), sql`${cronRuns.outcome} is distinct from 'skipped'`));
      return Boolean(row?.ran) && !row?.later;
    },

    async skip(input) {
      const now = clock.now();
      const rows = await db
        .insert(cronRuns)
        .values({ name: input.name, slot: input.slot, instance, startedAt: now, finishedAt: now, outcome: 'skipped' })
        .onConflictDoNothing()
        .returning({ slot: cronRuns.slot });
      return rows.length > 0;
    },

    async prune(input) {
      const rows = await db
        .delete(cronRuns)
        .where(and(eq(cronRuns.name, input.name), lt(cronRuns.startedAt, input.before), sql`${cronRuns.finishedAt} is not null`))
        .returning({ slot: cronRuns.slot });
      return rows.length;
    },
  };
}
