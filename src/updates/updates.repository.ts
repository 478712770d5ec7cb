import { and, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Update } from 'grammy/types';
import type { DbOrTx } from '../db/client.js';
import { processedUpdates } from '../db/schema/index.js';
import { rowsOf } from '../db/rows.js';
import type { Clock } from '../shared/clock.js';

/** How long we remember a handled update id. Telegram keeps undelivered updates for 24 hours. */
export const UPDATE_MEMORY_MS = 48 * 60 * 60 * 1000;

/** An update taken from the inbox to be handled again (its lease had run out). */
export type PendingUpdate = { update: Update; attempts: number };

/**
 * The inbox of updates (table processed_updates; see its schema comment). Time comes from the
 * caller's clock: the inbox runs on real time, like the outbox dispatcher, so that leases
 * expire for every instance alike whatever the business clock says.
 */
export function createUpdatesRepository({ db, clock }: { db: DbOrTx; clock: Clock }) {
  const leaseEnd = (leaseMs: number) => new Date(clock.now().getTime() + leaseMs);
  return {
    /**
     * Writes the updates to the inbox (one statement) and returns the ids this caller now holds a
     * lease on: the new ones, and those written before but neither handled nor leased any more (a
     * redelivery after a crash). Ids handled already, or being handled elsewhere, are not returned.
     */
    async receive(updates: readonly Update[], leaseMs: number): Promise<Set<number>> {
      if (updates.length === 0) return new Set();
      const now = clock.now();
      const rows = await db
        .insert(processedUpdates)
        .values(updates.map((u) => ({ updateId: u.update_id, receivedAt: now, payload: JSON.stringify(u), leaseUntil: leaseEnd(leaseMs), attempts: 1 })))
        .onConflictDoUpdate({
          target: processedUpdates.updateId,
          set: { leaseUntil: sql`excluded.lease_until`, attempts: sql`${processedUpdates.attempts} + 1` },
          setWhere: sql`${processedUpdates.handledAt} is null and (${processedUpdates.leaseUntil} is null or ${processedUpdates.leaseUntil} < ${now.toISOString()}::timestamptz)`,
        })
        .returning({ updateId: processedUpdates.updateId });
      return new Set(rows.map((r) => r.updateId));
    },

    /**
     * Marks the update's effects as applied; called inside the transaction that applies them.
     * False when they were applied before (by an earlier run of the same update).
     */
    async markApplied(updateId: number): Promise<boolean> {
      const rows = await db
        .update(processedUpdates)
        .set({ appliedAt: clock.now() })
        .where(and(eq(processedUpdates.updateId, updateId), sql`${processedUpdates.appliedAt} is null`))
        .returning({ updateId: processedUpdates.updateId });
      return rows.length > 0;
    },

    /** The updates are done with (answered, refused, or failed for good): never handled again. */
    async markHandled(updateIds: readonly number[]): Promise<void> {
      if (updateIds.length === 0) return;
      await db
        .update(processedUpdates)
        .set({ handledAt: clock.now(), leaseUntil: null, payload: null })
        .where(inArray(processedUpdates.updateId, [...updateIds]));
    },

    /** Gives the leases up, so that the next look for pending updates takes them at once. */
    async release(updateIds: readonly number[]): Promise<void> {
      if (updateIds.length === 0) return;
      await db
        .update(processedUpdates)
        .set({ leaseUntil: clock.now() })
        .where(and(inArray(processedUpdates.updateId, [...updateIds]), sql`${processedUpdates.handledAt} is null`));
    },

    /** Extends the leases of updates still being handled. */
    async renew(updateIds: readonly number[], leaseMs: number): Promise<void> {
      if (updateIds.length === 0) return;
      await db
        .update(processedUpdates)
        .set({ leaseUntil: leaseEnd(leaseMs) })
        .where(and(inArray(processedUpdates.updateId, [...updateIds]), sql`${processedUpdates.handledAt} is null`));
    },

    /**
     * Takes up to `limit` updates that were written but not handled and whose lease ran out (their
     * instance died, or the database failed under their handler), oldest first, leasing them to
     * the caller. Several instances may look at once: each update goes to one of them.
     */
    async takePending(leaseMs: number, limit: number): Promise<PendingUpdate[]> {
      const now = clock.now().toISOString();
      const result = await db.execute(sql`
        update processed_updates p
           set lease_until = ${leaseEnd(leaseMs).toISOString()}::timestamptz, attempts = p.attempts + 1
          from (select update_id from processed_updates
                 where handled_at is null and lease_until < ${now}::timestamptz
                 order by update_id limit ${limit}
                 for update skip locked) due
         where p.update_id = due.update_id
        returning p.update_id, p.payload, p.attempts`);
      return rowsOf<{ update_id: string | number; payload: string; attempts: number }>(result)
        .map((r) => ({ update: JSON.parse(r.payload) as Update, attempts: Number(r.attempts) }))
        .sort((a, b) => a.update.update_id - b.update.update_id);
    },

    /** How many updates wait to be handled, and since when (for /readyz and the metrics). */
    async pending(): Promise<{ count: number; oldest: Date | null }> {
      const [row] = await db
        .select({ count: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${processedUpdates.receivedAt})` })
        .from(processedUpdates)
        .where(sql`${processedUpdates.handledAt} is null`);
      return { count: row?.count ?? 0, oldest: row?.oldest ? new Date(row.oldest) : null };
    },

    /** Forgets handled ids older than UPDATE_MEMORY_MS; returns how many. */
    async prune(): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - UPDATE_MEMORY_MS);
      const rows = await db
        .delete(processedUpdates)
        .where(and(lt(processedUpdates.receivedAt, cutoff), isNotNull(processedUpdates.handledAt)))
        .returning({ updateId: processedUpdates.updateId });
      return rows.length;
    },
  };
}

export type UpdatesRepository = ReturnType<typeof createUpdatesRepository>;
