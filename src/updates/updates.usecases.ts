import type { Db } from '../db/client.js';
import type { Clock } from '../shared/clock.js';
import { createUpdatesRepository } from './updates.repository.js';

/** Forgets handled update ids older than the redelivery window; returns how many. */
export async function pruneUpdates(deps: { db: Db; clock: Clock }): Promise<number> {
  return createUpdatesRepository(deps).prune();
}
