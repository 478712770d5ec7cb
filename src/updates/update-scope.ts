import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from '../db/client.js';
import type { Clock } from '../shared/clock.js';
import { createUpdatesRepository } from './updates.repository.js';

/** What the handling of one update has done so far (see withAppliedMarker). */
export type UpdateScope = {
  updateId: number;
  /** A transaction of this update has committed its effects together with the inbox's marker. */
  applied: boolean;
  /** A transaction carrying the marker is running (a second one at the same time does not mark). */
  marking: boolean;
  /** The database failed under the handler: the update stays in the inbox and is tried again. */
  deferred: boolean;
};

const storage = new AsyncLocalStorage<UpdateScope>();

/** Runs an update's handler with its scope (the transactions it starts find it). */
export function inUpdateScope<T>(updateId: number, run: (scope: UpdateScope) => Promise<T>): Promise<T> {
  const scope: UpdateScope = { updateId, applied: false, marking: false, deferred: false };
  return storage.run(scope, () => run(scope));
}

export function currentUpdateScope(): UpdateScope | undefined {
  return storage.getStore();
}

/**
 * The update's effects were applied by an earlier run (the process died, or the database
 * failed, after they were committed and before the update was marked handled): this run must
 * not apply them again. The bot tells the person that their command had already taken effect.
 */
export class UpdateAlreadyApplied extends Error {
  constructor(readonly updateId: number) {
    super(`update ${updateId} was applied before`);
    this.name = 'UpdateAlreadyApplied';
  }
}

/**
 * The database the bot's handlers use: the same, except that the first transaction an update's
 * handler commits also marks the update applied in the inbox (processed_updates.applied_at), in
 * that transaction. So an update's effects and the record that they happened commit together, or
 * neither does; a second run of the update (a redelivery, a retry after a crash or an outage)
 * finds the marker, rolls back, and gets UpdateAlreadyApplied instead of applying them twice.
 * Transactions outside an update (the scheduler, the dispatcher) are untouched. Writes made
 * outside a transaction are not covered; handlers' state changes all go through one.
 */
export function withAppliedMarker(db: Db, clock: Clock): Db {
  const transaction = ((run: Parameters<Db['transaction']>[0], config?: Parameters<Db['transaction']>[1]) => {
    const scope = storage.getStore();
    if (!scope || scope.applied || scope.marking) return db.transaction(run, config);
    scope.marking = true;
    return db
      .transaction(async (tx) => {
        if (!(await createUpdatesRepository({ db: tx as unknown as Db, clock }).markApplied(scope.updateId))) throw new UpdateAlreadyApplied(scope.updateId);
        return run(tx);
      }, config)
      .then(
        (result) => {
          scope.marking = false;
          scope.applied = true;
          return result;
        },
        (error: unknown) => {
          scope.marking = false;
          throw error;
        },
      );
  }) as Db['transaction'];
  return new Proxy(db, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** postgres.js and Node error codes that mean the database could not be reached or went away. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, the connection_exception class.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** Whether an error (or what caused it: drizzle wraps query errors) says the database is unavailable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  }
  return false;
}
