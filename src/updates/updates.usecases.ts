import type { Db } from '../db/client.js';
import type { Clock } from '../shared/clock.js';
import { createUpdatesRepository } from './updates.repository.js';

/** Whether this is the first time the bot sees this update (Telegram redelivers until confirmed). */
export async function claimUpdate(deps: { db: Db; clock: Clock }, input: { updateId: number }): Promise<boolean> {
  return createUpdatesRepository(deps).claim(input.updateId);
}

/** Forgets update ids older than the redelivery window; returns how many. */
export async function pruneUpdates(deps: { db: Db; clock: Clock }): Promise<number> {
  return createUpdatesRepository(deps).prune();
}
