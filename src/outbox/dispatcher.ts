import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { GrammyError, HttpError, type Api } from 'grammy';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { countSendFailure, createMetrics, type Metrics } from '../shared/metrics.js';
import { migrateChat } from '../org/org.usecases.js';
import type { Clock } from '../shared/clock.js';
import { createRedactor } from '../shared/redact.js';
import { recentEventLoopLagMs } from './event-loop-lag.js';
import { htmlByDefault } from './html-by-default.js';
import { createSendHealthLog } from './send-health.js';
import { createOutboxDispatchRepository, type OutboxRow } from './outbox.repository.js';
import { createChatPacingRepository, paceRuleFor, type ChatPaceRule, type PacingLimits } from './pacing.repository.js';

export type DispatcherLimits = PacingLimits & {
  /**
   * Messages a second across all chats and all dispatchers sharing the database (Telegram: about
   * 30). Paced through one shared slot row; 0 turns global pacing off.
   */
  globalPerSecond: number;
  /** A 5xx or network error is retried until the row has been tried this many times; then it fails. */
  maxAttempts: number;
  /** First retry wait after a 5xx or network error; it doubles with every attempt. */
  baseBackoffMs: number;
  /** Cap of that wait, and the wait after a 401: how soon sending resumes once Telegram is back. */
  maxBackoffMs: number;
  /**
   * How long a claimed row stays ours without news from us; a dispatcher that dies leaves its
   * rows to others after this. A send in flight renews it every `heartbeatMs`.
   */
  leaseMs: number;
  /** How often a send in flight renews its row's lease (at least three times a lease). */
  heartbeatMs: number;
  /** A send is aborted after this long (and never later than `leaseSafetyMs` before the lease ends). */
  sendTimeoutMs: number;
  /** A send still in flight this close to the end of its lease is aborted, so that two dispatchers never send one row at once. */
  leaseSafetyMs: number;
  /** A global slot missed by more than this (a late timer, a busy event loop) is not used; a new one is taken. */
  lateSlotMs: number;
  /** Rows in flight per dispatcher (at most one per chat). */
  batchSize: number;
  /** The background loop looks at the outbox at least this often (rows planned by other processes). */
  idlePollMs: number;
  /**
   * Edits of one card are at least this far apart: an edit due sooner waits in the outbox (not
   * holding up the chat's other messages), where later changes replace it. So a card that
   * changes ten times in a minute is edited once or twice, with its latest state.
   */
  cardEditGapMs: number;
};

export const DEFAULT_LIMITS: DispatcherLimits = {
  privateGapMs: 1000,
  // A burst to one group goes out about 1 a second, 20 in its first 20 s; the 21st waits until
  // the first is a minute old (a fixed 3 s gap would have spread those 20 over a minute).
  groupGapMs: 1000,
  groupWindowMax: 20,
  groupWindowMs: 60_000,
  globalPerSecond: 28,
  // With waits capped at 5 s, 120 tries span about ten minutes: an outage of Telegram (or of
  // our network) that short loses no message, and sending resumes within 5 s of its end.
  maxAttempts: 120,
  baseBackoffMs: 1000,
  maxBackoffMs: 5000,
  // A dead instance's rows go to another one within 15 s; a live one keeps them by heartbeat.
  leaseMs: 15_000,
  heartbeatMs: 5000,
  sendTimeoutMs: 20_000,
  leaseSafetyMs: 5_000,
  lateSlotMs: 25,
  batchSize: 30,
  idlePollMs: 1000,
  cardEditGapMs: 60_000,
};

export type Dispatcher = {
  /** Claims what is due now (at most one row per chat), sends it, and returns how many rows it claimed. */
  runOnce(): Promise<number>;
  /**
   * For tests and the sandbox: sends until nothing is due by the dispatcher's clock and nothing
   * is in flight. It waits, with the injected sleep, through chat pacing, 429 holds, retry
   * backoff and other dispatchers' leases; rows planned for a later time are left alone unless
   * the clock reaches them while it waits. Returns how many rows it claimed.
   */
  drain(): Promise<number>;
  /** Starts the background loop; `wake()` makes it look at once (after a local enqueue). */
  start(): void;
  wake(): void;
  /**
   * Stops the background loop: sends already on the wire are finished and recorded, rows still
   * waiting for their slot are given back at once (not left to their lease); then it resolves.
   */
  stop(): Promise<void>;
};

/** Waits `ms`; resolves early when `signal` aborts. Tests inject one that moves a manual clock. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });

const METHODS = new Set(['sendMessage', 'sendDocument', 'sendPhoto', 'editMessageText']);
/** A send needs at least this much of its lease left to start. */
const MIN_SEND_WINDOW_MS = 1000;
/** The rule of a chat nothing paces (limits all 0): the send is recorded, no window is kept. */
const UNPACED: ChatPaceRule = { gapMs: 0, windowMax: 0, windowMs: 0 };
/** How often recording a delivered message is retried when the database fails. */
const MARK_SENT_TRIES = 8;

/**
 * How long a row waits after a failed try: doubling from `baseBackoffMs` with each counted
 * attempt, never more than `maxBackoffMs`. An uncounted retry (401) waits the cap: its attempts
 * never grow to double it.
 */
export function retryBackoffMs(limits: Pick<DispatcherLimits, 'baseBackoffMs' | 'maxBackoffMs'>, attempts: number, counted = true): number {
  if (!counted) return limits.maxBackoffMs;
  // (2 ** attempts overflows to Infinity long after it passed the cap; min keeps the cap.)
  return Math.min(limits.maxBackoffMs, limits.baseBackoffMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends the outbox: planned once, sent at least once, in order per chat, within Telegram's limits,
 * by one or several processes sharing the database.
 *
 * Each row goes: claim (a lease, at most one row per chat in flight across all dispatchers) ->
 * reserve (renew the lease, take a global slot, then the chat's slot) -> wait for the slot ->
 * send, aborted before the lease ends -> mark sent and pace the chat from the moment Telegram
 * answered.
 *
 * The lease is short (15 s), so that rows claimed by an instance that died are sent by another
 * within seconds. While a send is on the wire a heartbeat renews it: a slow but live sender keeps
 * its row, and the abort that keeps two senders apart moves with the renewed lease. A heartbeat
 * that finds the row taken aborts the send; one that fails (database down) leaves the abort where
 * it was, before the lease ends.
 *
 * Per-chat pacing (chat_send_state, see pacing.repository.ts) is shared with the handlers'
 * direct replies (direct-pacing.ts): at least a gap between two sends to one chat, and at most
 * 20 sends to a group in any minute, a sliding window of the group's latest send instants.
 * A chat is claimable only when its next_at has come, and next_at already includes the window,
 * so the claim query stays as cheap as with a fixed gap.
 *
 * Telegram's answers:
 * - 429: the row goes back without costing an attempt, and the whole chat is held for
 *   retry_after (every dispatcher sees the hold in chat_send_state);
 * - 403 (blocked, removed) and 400 "chat not found": the row fails with the reason and its
 *   fallback is planned in the same transaction (an @mention in the unit's group);
 * - 5xx and network errors: retried with a doubling backoff capped at 5 s (the chat is held
 *   meanwhile, so its later rows do not overtake), until `maxAttempts`, then the row fails with
 *   the reason; 401: the capped wait, without using up attempts (a bad token is the operator's
 *   to fix). While Telegram is unreachable (or refuses the token) one line says so, and one more
 *   when it answers again (send-health.ts), not one per row and try;
 * - 400 with migrate_to_chat_id (the group became a supergroup): the row goes back and the chat's
 *   binding, cards and pending rows move to the new id (org's migrateChat), without an attempt;
 * - other 4xx: the row fails at once; retrying a bad request does not help.
 *
 * Duplicates (bots cannot make sendMessage idempotent) are possible in exactly these windows,
 * each at most the one row in flight:
 * - a network error or timeout after Telegram received the request (the answer was lost): the
 *   retry sends it again;
 * - the process dies, or the database stays unreachable, between Telegram's answer and marking
 *   the row sent: after the lease another dispatcher sends it again (marking is retried first);
 * - the process is frozen (not dead) for longer than its lease while a request is on the wire,
 *   so that the abort timer cannot fire: another dispatcher takes the row meanwhile.
 * The dispatchers' clocks must agree (NTP) to well within `leaseSafetyMs` and the chat gaps.
 */
export function createDispatcher(deps: {
  db: Db;
  api: Api;
  logger: Logger;
  /** The dispatcher's clock: real time in production, a manual one in tests. */
  clock: Clock;
  sleep?: Sleep;
  limits?: Partial<DispatcherLimits>;
  /** Names this dispatcher in claimed_by (a random id by default). */
  owner?: string;
  /** Counts sends, failures and 429s (a registry of its own by default). */
  metrics?: Metrics;
}): Dispatcher {
  const metrics = deps.metrics ?? createMetrics();
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const sleep = deps.sleep ?? realSleep;
  const clock = deps.clock;
  // Stored errors never hold the token (a network error's message quotes the request URL).
  const repo = createOutboxDispatchRepository({ db: deps.db, redact: createRedactor([deps.api.token]) });
  const owner = deps.owner ?? randomUUID();
  const logger = deps.logger.child({ component: 'dispatcher', dispatcher: owner });
  const baseGlobalGapMs = limits.globalPerSecond > 0 ? 1000 / limits.globalPerSecond : 0;
  /** The global pace, spread by how much this process has stalled lately (see event-loop-lag.ts). */
  const globalGap = () => (baseGlobalGapMs === 0 ? 0 : (baseGlobalGapMs * (1000 + Math.min(recentEventLoopLagMs(), 1000))) / 1000);
  // Planned payloads leave the parse mode out: every text the bot sends is HTML (html-by-default.ts).
  // Installed here, on whatever Api the dispatcher is given, so no caller can forget it.
  deps.api.config.use(htmlByDefault());
  const api = deps.api.raw as unknown as Record<string, (payload: Record<string, unknown>, signal?: AbortSignal) => Promise<{ message_id?: number } | true>>;

  /** Aborted by stop(): waits end early and rows not yet on the wire are given back. */
  const stopController = () => {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal); // every row waiting for its slot listens
    return controller;
  };
  let stopping = stopController();
  let loop: Promise<void> | null = null;
  let woken = false;
  let onWake: (() => void) | null = null;

  const pacing = createChatPacingRepository({ db: deps.db });
  const health = createSendHealthLog({ logger, clock });
  const ruleFor = (chatId: number) => paceRuleFor(limits, chatId);
  const ms = (at: Date) => at.getTime();

  /**
   * Sends one row. Aborted after `sendTimeoutMs`, and `leaseSafetyMs` before the row's lease
   * ends; meanwhile a heartbeat renews the lease (`lease.until` follows it), and the lease abort
   * moves by as much as the lease did. The timers run on real time, the lease on the
   * dispatcher's clock: they agree in production; in tests a clock that stands still never
   * moves the abort.
   */
  async function send(row: OutboxRow, lease: { until: Date }): Promise<number | null> {
    if (!METHODS.has(row.method)) throw new Error(`outbox method ${row.method} is not one the dispatcher sends`);
    const params: Record<string, unknown> = { ...(row.payload as Record<string, unknown>), chat_id: row.chatId };
    if (row.threadId) params.message_thread_id = row.threadId;
    const abort = new AbortController();
    const abortSend = () => abort.abort();
    const leaseAbortIn = () => ms(lease.until) - limits.leaseSafetyMs - ms(clock.now());
    const timeout = setTimeout(abortSend, limits.sendTimeoutMs);
    let leaseTimer = setTimeout(abortSend, leaseAbortIn());
    let done = false;
    const beat = async () => {
      try {
        const until = await repo.renew({ id: row.id, owner, now: clock.now(), leaseMs: limits.leaseMs });
        if (done) return;
        if (!until) {
          // Another dispatcher holds the row now: it will send it; ours must not reach Telegram too.
          logger.warn({ outboxId: row.id, chatId: row.chatId }, 'lost the row while sending it; aborting our send');
          abortSend();
          return;
        }
        if (ms(until) > ms(lease.until)) {
          lease.until = until;
          clearTimeout(leaseTimer);
          leaseTimer = setTimeout(abortSend, leaseAbortIn());
        }
      } catch (error) {
        // The database is away: the lease abort stays where it is, before the lease ends.
        logger.warn({ err: error, outboxId: row.id }, 'could not renew the lease of a send in flight');
      }
    };
    const heartbeat = setInterval(() => void beat(), Math.max(1, Math.min(limits.heartbeatMs, limits.leaseMs / 3)));
    try {
      const result = await api[row.method]!(params, abort.signal);
      return typeof result === 'object' && typeof result.message_id === 'number' ? result.message_id : null;
    } finally {
      done = true;
      clearInterval(heartbeat);
      clearTimeout(timeout);
      clearTimeout(leaseTimer);
    }
  }

  /** One claimed row, from reservation to its final state. Never throws: the lease covers what fails here. */
  async function handle(row: OutboxRow, stop: AbortSignal): Promise<void> {
    const where = { outboxId: row.id, chatId: row.chatId, purpose: row.purpose };
    try {
      if (row.attempts > limits.maxAttempts) {
        // Only dispatchers that died with the row claimed get it here: every other path stops
        // counting at maxAttempts. A row that kills its dispatcher must not kill the next ones.
        await fail(row, `gave up: claimed ${row.attempts} times, the last ones by dispatchers that died`);
        return;
      }
      if (row.editMessageId !== null && limits.cardEditGapMs > 0) {
        const lastEditAt = await repo.lastEditAt({ chatId: row.chatId, messageId: row.editMessageId });
        if (lastEditAt && ms(lastEditAt) + limits.cardEditGapMs > ms(clock.now())) {
          await repo.defer({ row, owner, until: new Date(ms(lastEditAt) + limits.cardEditGapMs) });
          return;
        }
      }
      // The chat's slot is taken once, with the global slot and at its time: from here on the
      // chat is held for this send, so a handler's direct reply waits for it instead of going
      // alongside.
      const rule = ruleFor(row.chatId);
      let gap = globalGap();
      let slot = await repo.reserve({
        id: row.id,
        owner,
        now: clock.now(),
        leaseMs: limits.leaseMs,
        globalGapMs: gap,
        chat: rule ? { chatId: row.chatId, rule } : null,
      });
      if (!slot) {
        logger.warn(where, 'lost the row before sending it: another dispatcher took it after our lease');
        return;
      }
      // (Another sender made the chat's row in the same instant: take the chat's slot on its own.)
      const chatSlot = rule ? (slot.chatSlot ?? (await pacing.reserve({ chatId: row.chatId, now: slot.at, rule }))) : null;
      /** Gives the row back unsent; its chat slot leaves the window. */
      const giveBack = async (holdUntil?: Date) => {
        if (rule && chatSlot) await pacing.release({ chatId: row.chatId, slot: chatSlot, rule });
        await repo.putBack({ row, owner, holdUntil: holdUntil ?? null, countAttempt: false, now: clock.now() });
      };
      if (chatSlot && ms(chatSlot.at) > ms(slot.at)) {
        // Something else (a handler's direct reply) took the chat between our claim and now:
        // the row waits in the outbox until the chat is free again, as after any hold.
        await giveBack(chatSlot.at);
        return;
      }
      for (;;) {
        if (!slot) {
          if (rule && chatSlot) await pacing.release({ chatId: row.chatId, slot: chatSlot, rule });
          logger.warn(where, 'lost the row before sending it: another dispatcher took it after our lease');
          return;
        }
        if (ms(slot.at) > ms(slot.leaseUntil) - limits.leaseSafetyMs - MIN_SEND_WINDOW_MS) {
          // The global queue is longer than our lease: let the row wait in the outbox, its chat
          // held until about when its turn would have come, instead of claiming it again at once.
          await giveBack(slot.at);
          return;
        }
        const wait = ms(slot.at) - ms(clock.now());
        if (wait > 0) await sleep(wait, stop);
        if (stop.aborted) {
          await giveBack();
          return;
        }
        // A slot used long after its time would bunch up with the slots after it. Waking this
        // late means the process stalled, and a send started just before the stall may only now
        // reach Telegram: the new slot is at least one gap away from now. (The chat's slot is
        // not taken again: settling replaces it with the real send time.)
        if (gap === 0 || ms(clock.now()) - ms(slot.at) <= limits.lateSlotMs) break;
        gap = globalGap();
        slot = await repo.reserve({ id: row.id, owner, now: new Date(ms(clock.now()) + gap), leaseMs: limits.leaseMs, globalGapMs: gap });
      }
      if (ms(slot.leaseUntil) - limits.leaseSafetyMs - ms(clock.now()) < MIN_SEND_WINDOW_MS) {
        await giveBack();
        return;
      }
      const lease = { until: slot.leaseUntil };
      const startedAt = clock.now();
      let messageId: number | null;
      try {
        messageId = await send(row, lease);
        metrics.messagesSent.inc({ source: 'outbox', method: row.method });
      } catch (error) {
        countSendFailure(metrics, 'outbox', error);
        // Telegram answered with an error: nothing was sent, the slot counts for nothing. A
        // network error keeps it: the message may have arrived.
        if (error instanceof GrammyError && rule && chatSlot) await pacing.release({ chatId: row.chatId, slot: chatSlot, rule });
        await onSendError(row, error, startedAt);
        return;
      }
      health.note({ outcome: 'ok', startedAt });
      await recordSent(row, messageId, lease.until, rule, chatSlot?.at ?? null);
    } catch (error) {
      logger.error({ err: error, ...where }, 'dispatching failed; the row comes back when its lease ends');
    }
  }

  /**
   * Telegram has the message: record it. A database error here would make the lease send it
   * again, so marking is retried for as long as the row is ours.
   */
  async function recordSent(row: OutboxRow, messageId: number | null, leaseUntil: Date, rule: ChatPaceRule | null, reservedAt: Date | null): Promise<void> {
    const where = { outboxId: row.id, chatId: row.chatId, purpose: row.purpose, messageId };
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await repo.markSent({ row, owner, at: clock.now(), messageId, pace: rule ?? UNPACED, reservedAt });
        if (outcome === 'sent') logger.debug(where, 'sent');
        else if (outcome === 'reclaimed') logger.warn(where, 'sent after our lease ended; the dispatcher that took the row will not send it');
        else logger.error(where, 'sent a row that was already sent or failed: a duplicate');
        return;
      } catch (error) {
        if (attempt >= MARK_SENT_TRIES || ms(clock.now()) >= ms(leaseUntil)) {
          logger.error({ err: error, ...where }, 'sent, but could not record it: it will be sent again after its lease');
          return;
        }
        logger.warn({ err: error, ...where }, 'sent; recording it failed, retrying');
        await sleep(Math.min(100 * 2 ** attempt, 5000));
      }
    }
  }

  async function fail(row: OutboxRow, error: string, refusedBy = false): Promise<void> {
    const ours = await repo.fail({ row, owner, error, now: clock.now(), refusedBy });
    if (!ours) logger.warn({ outboxId: row.id }, 'could not fail the row: another dispatcher took it');
  }

  async function onSendError(row: OutboxRow, error: unknown, startedAt: Date): Promise<void> {
    const where = { outboxId: row.id, chatId: row.chatId, purpose: row.purpose, attempts: row.attempts };
    const now = clock.now();
    if (error instanceof GrammyError) {
      const code = error.error_code;
      const reason = `${code} ${error.description}`;
      // Any answer but 401 and 5xx shows Telegram reachable and the token good.
      const outcome = code === 401 ? 'unauthorized' : code >= 500 ? 'unreachable' : 'ok';
      const known = health.note({ outcome, startedAt, reason });
      if (code === 429) {
        const retryAfterMs = (error.parameters.retry_after ?? 5) * 1000;
        await repo.putBack({ row, owner, holdUntil: new Date(ms(now) + retryAfterMs), error: reason, countAttempt: false, now });
        logger.warn({ ...where, retryAfterMs }, 'rate limited; holding the chat');
        return;
      }
      const migratedTo = error.parameters.migrate_to_chat_id;
      if (code === 400 && migratedTo !== undefined) {
        // The group became a supergroup before its service message reached the bot: this row goes
        // back, and with everything else of the chat moves to the new id, where it is sent next.
        await repo.putBack({ row, owner, error: reason, countAttempt: false, now });
        const moved = await migrateChat({ db: deps.db }, { fromChatId: row.chatId, toChatId: migratedTo });
        logger.warn({ ...where, migratedTo, ...moved }, 'the chat was upgraded to a supergroup; moved to its new id');
        return;
      }
      if (row.editMessageId !== null && code === 400 && /not modified/i.test(error.description)) {
        // The card already shows this render (an edit made directly, or a retry): done.
        await recordSent(row, row.editMessageId, new Date(ms(now) + limits.leaseMs), null, null);
        return;
      }
      if (
        row.editMessageId !== null &&
        (code === 403 || (code === 400 && /message to edit not found|can't be edited|message_id_invalid|chat not found/i.test(error.description)))
      ) {
        const payload = row.payload as { reply_markup?: { inline_keyboard?: unknown[] } };
        const resend = code === 400 && (payload.reply_markup?.inline_keyboard?.length ?? 0) > 0;
        const ours = await repo.cardGone({ row, owner, error: reason, now, resend });
        if (!ours) logger.warn({ outboxId: row.id }, 'could not retire the card: another dispatcher took the row');
        logger.warn({ ...where, reason, resend }, 'a card can no longer be edited');
        return;
      }
      if (code === 403 || (code === 400 && /chat not found/i.test(error.description))) {
        await fail(row, reason, true);
        logger.warn({ ...where, reason, fallback: row.fallback !== null }, 'the chat refuses the bot');
        return;
      }
      if (code === 401) {
        await retryLater(row, reason, false, known);
        return;
      }
      if (code < 500) {
        await fail(row, reason);
        logger.error({ ...where, reason }, 'Telegram refused the message');
        return;
      }
      await retryLater(row, reason, true, known);
      return;
    }
    if (error instanceof HttpError) {
      // The request may have reached Telegram before the connection failed: retrying can
      // duplicate this one message, losing it would be worse.
      const cause = (error.error as Error | undefined)?.message;
      const reason = `network: ${cause ?? error.message}`;
      const known = health.note({ outcome: 'unreachable', startedAt, reason });
      await retryLater(row, reason, true, known);
      return;
    }
    await fail(row, String((error as Error)?.message ?? error));
    logger.error({ err: error, ...where }, 'sending failed');
  }

  /**
   * Holds the chat for the row's backoff (see retryBackoffMs) and gives the row back; fails it
   * once attempts run out. `quiet`: the failure belongs to an outage already logged once
   * (send-health.ts), so this row's retry is logged at debug only.
   */
  async function retryLater(row: OutboxRow, reason: string, countAttempt: boolean, quiet: boolean): Promise<void> {
    if (countAttempt && row.attempts >= limits.maxAttempts) {
      await fail(row, `gave up after ${row.attempts} attempts: ${reason}`);
      logger.error({ outboxId: row.id, chatId: row.chatId, reason }, 'gave up sending');
      return;
    }
    const backoffMs = retryBackoffMs(limits, row.attempts, countAttempt);
    const now = clock.now();
    await repo.putBack({ row, owner, holdUntil: new Date(ms(now) + backoffMs), error: reason, countAttempt, now });
    (quiet ? logger.debug : logger.warn).call(logger, { outboxId: row.id, chatId: row.chatId, reason, backoffMs }, 'send failed; will retry');
  }

  async function claim(limit: number): Promise<OutboxRow[]> {
    return repo.claim({ now: clock.now(), limit, leaseMs: limits.leaseMs, owner });
  }

  async function runOnce(): Promise<number> {
    const rows = await claim(limits.batchSize);
    const stop = stopping.signal;
    await Promise.all(rows.map((row) => handle(row, stop)));
    return rows.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await runOnce();
      total += n;
      if (n > 0) continue;
      const now = clock.now();
      const outlook = await repo.outlook({ now, leaseMs: limits.leaseMs });
      if (outlook.due === 0 && outlook.inFlight === 0) return total;
      // Another dispatcher's row in flight usually finishes long before its lease: look again soon.
      const untilNext = outlook.nextAt ? ms(outlook.nextAt) - ms(now) : limits.idlePollMs;
      await sleep(Math.max(1, outlook.inFlight > 0 ? Math.min(untilNext, limits.idlePollMs) : untilNext));
    }
  }

  /** Resolves on wake(), stop(), any in-flight row finishing, or after `waitMs` of real time. */
  function idle(waitMs: number, inFlight: Set<Promise<void>>, stop: AbortSignal): Promise<void> {
    if (woken || stop.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        if (onWake === done) onWake = null;
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      stop.addEventListener('abort', done, { once: true });
      onWake = done;
      for (const p of inFlight) void p.then(done);
    });
  }

  /**
   * The production loop: keeps up to batchSize rows in flight, claiming more as rows finish, so
   * one slow send does not hold up the others. When nothing more is claimable it sleeps until the
   * next row may be (a time, a chat's hold, a lease), at most idlePollMs, or until woken.
   */
  async function backgroundLoop(stop: AbortSignal): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (!stop.aborted) {
      woken = false;
      try {
        const free = limits.batchSize - inFlight.size;
        let full = free <= 0;
        if (free > 0) {
          const rows = await claim(free);
          for (const row of rows) {
            const p: Promise<void> = handle(row, stop).finally(() => inFlight.delete(p));
            inFlight.add(p);
          }
          full = rows.length === free;
        }
        let waitMs = limits.idlePollMs;
        if (!full) {
          const now = clock.now();
          const { nextAt } = await repo.outlook({ now, leaseMs: limits.leaseMs });
          if (nextAt) waitMs = Math.min(waitMs, Math.max(ms(nextAt) - ms(now), 5));
        }
        await idle(waitMs, inFlight, stop);
      } catch (error) {
        logger.error({ err: error }, 'dispatcher loop error');
        await idle(limits.idlePollMs, new Set(), stop);
      }
    }
    await Promise.all(inFlight);
  }

  return {
    runOnce,
    drain,
    start() {
      if (loop) return;
      stopping = stopController();
      loop = backgroundLoop(stopping.signal);
    },
    wake() {
      woken = true;
      onWake?.();
    },
    async stop() {
      if (!loop) return;
      stopping.abort();
      await loop;
      loop = null;
      // runOnce and drain may still be used after a stop (tests do).
      stopping = stopController();
    },
  };
}
