import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { RunCoordinator } from 'node-cron';
import type { DbOrTx } from '../db/client.js';
import { cronRuns } from '../db/schema/index.js';
import type { Clock } from '../shared/clock.js';

/** What a finished run says about itself (cron_runs.outcome). */
export type RunOutcome = 'sent' | 'late' | 'skipped' | 'done';

/**
 * node-cron's RunCoordinator in PostgreSQL (or PGlite), over the `cron_runs` table: one row per
 * (job name, slot); whoever inserts it runs the job, every other instance is told no.
 *
 * node-cron asks `shouldRun(key, ttlMs)` with key = `<task name>:<fire instant as ISO>`. The
 * slot stored is not that instant but what the job says the instant belongs to (`slotOf`): the
 * local date for the daily digest, the ISO week for the bulletin. So node-cron's timer and the
 * scheduler's own catch-up (which fires the same slot minutes or hours later, after downtime)
 * compete for the same row and a digest is planned once whichever path comes first.
 *
 * The lease: a row that was claimed but never finished (its instance died mid-run) may be taken
 * over once it is older than `ttlMs`, by one statement that only updates an unfinished, expired
 * row; so two instances cannot both take it over. A claim started more than a lease ahead of
 * now (the clock was set back since) counts as expired too, not after the jump plus the lease. Jobs are idempotent anyway (outbox keys), so
 * a takeover can at worst repeat planning, never a message.
 */
export type PgRunCoordinator = RunCoordinator & {
  readonly instance: string;
  /** Claims a slot for this instance; returns the claim time (the run's "now") or null when taken. */
  claim(input: { name: string; slot: string; ttlMs: number; now?: Date }): Promise<Date | null>;
  /** The claim time of a slot this instance holds (node-cron path: shouldRun came first). */
  claimedAt(name: string, slot: string): Date | null;
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

/** Splits node-cron's key `<name>:<ISO instant>` (task names never contain ':'). */
export function parseCoordinatorKey(key: string): { name: string; instant: Date } {
  const i = key.indexOf(':');
  const instant = new Date(key.slice(i + 1));
  if (i <= 0 || Number.isNaN(instant.getTime())) throw new Error(`not a node-cron coordination key: ${key}`);
  return { name: key.slice(0, i), instant };
}

export function createPgRunCoordinator(deps: {
  db: DbOrTx;
  clock: Clock;
  instance: string;
  /** The slot a fire instant of job `name` belongs to. */
  slotOf: (name: string, instant: Date) => string;
}): PgRunCoordinator {
  const { db, clock, instance } = deps;
  const held = new Map<string, Date>();
  const heldKey = (name: string, slot: string) => `${name}\u0000${slot}`;

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
    if (rows.length === 0) return null;
    held.set(heldKey(input.name, input.slot), now);
    return now;
  }

  const mine = (name: string, slot: string) => and(eq(cronRuns.name, name), eq(cronRuns.slot, slot), eq(cronRuns.instance, instance));

  return {
    instance,
    claim,
    claimedAt: (name, slot) => held.get(heldKey(name, slot)) ?? null,

    async shouldRun(key: string, ttlMs: number): Promise<boolean> {
      const { name, instant } = parseCoordinatorKey(key);
      return (await claim({ name, slot: deps.slotOf(name, instant), ttlMs })) !== null;
    },

    async onComplete(key: string): Promise<void> {
      const { name, instant } = parseCoordinatorKey(key);
      const slot = deps.slotOf(name, instant);
      held.delete(heldKey(name, slot));
      await db
        .update(cronRuns)
        .set({ finishedAt: clock.now() })
        .where(and(mine(name, slot), isNull(cronRuns.finishedAt)));
    },

    async finish(input) {
      held.delete(heldKey(input.name, input.slot));
      await db.update(cronRuns).set({ finishedAt: clock.now(), outcome: input.outcome }).where(mine(input.name, input.slot));
    },

    async release(input) {
      held.delete(heldKey(input.name, input.slot));
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
