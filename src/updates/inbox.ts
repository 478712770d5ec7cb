import type { Update } from 'grammy/types';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { createUpdatesRepository } from './updates.repository.js';

/** An update's lease: how long an instance may take to handle it before another takes it over. */
export const UPDATE_LEASE_MS = 15_000;
/** How often leases of updates still being handled are renewed. */
export const LEASE_RENEW_MS = 5_000;
/** How often an instance looks for updates left pending (by a dead instance, or a database outage). */
export const RECOVERY_INTERVAL_MS = 2_000;
/** After this many tries an update that keeps failing for want of the database is given up (and logged). */
export const MAX_UPDATE_ATTEMPTS = 10;

export type UpdateInbox = {
  /**
   * Writes updates to the inbox before the source moves past them (polling's offset, a webhook's
   * 200) and returns those this instance is to handle now. Throws when the database cannot take
   * them: the source must then hold them (not move its offset; answer the webhook with an error).
   */
  receive(updates: readonly Update[]): Promise<Update[]>;
  /**
   * Before a handler runs: true to handle the update. An update that came through receive() (or
   * recovery) is handled; any other (a test or the sandbox calling handleUpdate) is written now,
   * and skipped when it was handled before.
   */
  admit(update: Update): Promise<boolean>;
  /** After its handler: done with for good, or (`deferred`) left pending to be tried again. */
  finish(update: Update, outcome: 'handled' | 'deferred'): Promise<void>;
  /** Updates whose handler has begun and not finished. */
  inFlight(): number;
  /** Takes the updates left pending whose lease ran out and hands them to `handle`, oldest first; returns how many. */
  recover(handle: (update: Update) => Promise<void>): Promise<number>;
  /** Starts the lease renewal and the recovery timer (recovering once at once). */
  start(handle: (update: Update) => Promise<void>): void;
  /** Takes no more pending updates (shutdown begins); those in flight go on. */
  stopTaking(): void;
  /** Stops the timers; the updates still in flight are released for the next instance to take at once. */
  stop(): Promise<void>;
};

export type InboxOptions = {
  db: Db;
  logger: Logger;
  /** Real time by default (the leases are shared between instances). */
  clock?: Clock;
  leaseMs?: number;
  renewMs?: number;
  recoveryIntervalMs?: number;
  maxAttempts?: number;
};

/**
 * The durable inbox of updates: nothing Telegram delivered is lost by a crash, a restart or a
 * database outage. Polling and the webhook write each update here before Telegram is told it
 * arrived; its handler runs with a lease (renewed while it runs); the first transaction of its
 * effects marks it applied (src/updates/update-scope.ts); when the handler ends it is marked
 * handled. An update whose instance died, or whose handler met an unavailable database, stays
 * pending and is taken again when its lease runs out, by whichever instance looks first.
 */
export function createUpdateInbox(options: InboxOptions): UpdateInbox {
  const clock = options.clock ?? systemClock;
  const repo = createUpdatesRepository({ db: options.db, clock });
  const leaseMs = options.leaseMs ?? UPDATE_LEASE_MS;
  const maxAttempts = options.maxAttempts ?? MAX_UPDATE_ATTEMPTS;
  const logger = options.logger.child({ component: 'inbox' });
  /** Updates admitted by receive() or recovery, which the handler need not write again. */
  const admitted = new WeakSet<Update>();
  /** Updates leased to this instance and not finished (renewed while held; released at shutdown). */
  const inFlight = new Set<number>();
  /** Of those, the ones whose handler has begun (shutdown waits for these, not for a batch never started). */
  const running = new Set<number>();
  /** Deferred updates whose lease could not be given back (the database was unavailable). */
  const unreleased = new Set<number>();
  let renewTimer: NodeJS.Timeout | null = null;
  let recoveryTimer: NodeJS.Timeout | null = null;
  let recovering: Promise<number> | null = null;
  let stopped = false;

  const recover = async (handle: (update: Update) => Promise<void>): Promise<number> => {
    // Updates this instance gave up for want of the database could not be released then: release
    // them now (the database answers again if this works), so they are taken at once rather than
    // when their lease runs out.
    if (unreleased.size > 0) {
      const ids = [...unreleased];
      await repo.release(ids);
      for (const id of ids) unreleased.delete(id);
    }
    const pending = await repo.takePending(leaseMs, 100);
    for (const { update, attempts } of pending) {
      if (stopped) break;
      if (attempts > maxAttempts) {
        logger.error({ updateId: update.update_id, attempts }, 'update given up after repeated failures; it is not handled');
        await repo.markHandled([update.update_id]);
        continue;
      }
      logger.info({ updateId: update.update_id, attempts }, 'handling an update left pending');
      admitted.add(update);
      inFlight.add(update.update_id);
      await handle(update);
    }
    return pending.length;
  };

  const inbox: UpdateInbox = {
    async receive(updates) {
      const mine = await repo.receive(updates, leaseMs);
      const taken = updates.filter((u) => mine.has(u.update_id));
      for (const update of taken) {
        admitted.add(update);
        inFlight.add(update.update_id);
      }
      return taken;
    },

    async admit(update) {
      if (!admitted.has(update)) {
        const mine = await repo.receive([update], leaseMs);
        if (!mine.has(update.update_id)) return false;
        admitted.add(update);
        inFlight.add(update.update_id);
      }
      running.add(update.update_id);
      return true;
    },

    async finish(update, outcome) {
      inFlight.delete(update.update_id);
      running.delete(update.update_id);
      admitted.delete(update);
      try {
        if (outcome === 'handled') await repo.markHandled([update.update_id]);
        else await repo.release([update.update_id]);
      } catch (error) {
        if (outcome === 'deferred') unreleased.add(update.update_id);
        // The lease runs out and the update is taken again; its effects, if any, are not repeated.
        logger.warn({ err: error, updateId: update.update_id, outcome }, 'could not record the end of an update; it will be looked at again');
      }
    },

    inFlight: () => running.size,

    recover(handle) {
      // One look at a time per instance.
      recovering ??= recover(handle).finally(() => (recovering = null));
      return recovering;
    },

    start(handle) {
      const look = () => {
        if (stopped) return;
        inbox.recover(handle).catch((error: unknown) => logger.debug({ err: error }, 'looking for pending updates failed'));
      };
      look();
      recoveryTimer = setInterval(look, options.recoveryIntervalMs ?? RECOVERY_INTERVAL_MS);
      recoveryTimer.unref();
      renewTimer = setInterval(() => {
        if (inFlight.size === 0) return;
        repo.renew([...inFlight], leaseMs).catch((error: unknown) => logger.debug({ err: error }, 'renewing update leases failed'));
      }, options.renewMs ?? LEASE_RENEW_MS);
      renewTimer.unref();
    },

    stopTaking() {
      stopped = true;
      if (recoveryTimer) clearInterval(recoveryTimer);
    },

    async stop() {
      inbox.stopTaking();
      if (renewTimer) clearInterval(renewTimer);
      await recovering?.catch(() => 0);
      if (inFlight.size > 0) {
        const left = [...inFlight];
        logger.warn({ updates: left.length }, 'stopping with updates still being handled; the next instance takes them');
        await repo.release(left).catch((error: unknown) => logger.warn({ err: error }, 'could not release the leases; they run out by themselves'));
      }
    },
  };
  return inbox;
}
