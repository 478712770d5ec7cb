import { lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { processedUpdates } from '../db/schema/index.js';
import type { Clock } from '../shared/clock.js';

/** How long we remember an update id. Telegram keeps undelivered updates for 24 hours. */
export const UPDATE_MEMORY_MS = 48 * 60 * 60 * 1000;

/**
 * Telegram redelivers an update until it is confirmed, and grammY does not deduplicate.
 * claim() records the update id and says whether this is the first time we see it.
 */
export function createUpdatesRepository({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async claim(updateId: number): Promise<boolean> {
      const rows = await db
        .insert(processedUpdates)
        .values({ updateId, receivedAt: clock.now() })
        .onConflictDoNothing()
        .returning({ updateId: processedUpdates.updateId });
      return rows.length > 0;
    },

    /** Forgets ids older than UPDATE_MEMORY_MS; returns how many. */
    async prune(): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - UPDATE_MEMORY_MS);
      const rows = await db
        .delete(processedUpdates)
        .where(lt(processedUpdates.receivedAt, cutoff))
        .returning({ updateId: processedUpdates.updateId });
      return rows.length;
    },
  };
}

export type UpdatesRepository = ReturnType<typeof createUpdatesRepository>;
