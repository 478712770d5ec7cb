import { randomUUID } from 'node:crypto';
import { GrammyError, HttpError, type Api } from 'grammy';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { createOutboxDispatchRepository, createOutboxRepository, type OutboxRow } from './outbox.repository.js';

export type DispatcherLimits = {
  /** Gap between two messages to one private chat (Telegram: about 1 a second). */
  privateGapMs: number;
  /** Gap between two messages to one group (Telegram: at most 20 a minute). */
  groupGapMs: number;
  /** Messages a second overall, for this process (Telegram: about 30). */
  globalPerSecond: number;
  /** A 5xx or network error is retried this many times with backoff before the row fails. */
  maxAttempts: number;
  /** Backoff cap for 5xx and network errors. */
  maxBackoffMs: number;
  leaseMs: number;
  batchSize: number;
};

export const DEFAULT_LIMITS: DispatcherLimits = {
  privateGapMs: 1000,
  groupGapMs: 3000,
  globalPerSecond: 25,
  maxAttempts: 8,
  maxBackoffMs: 5 * 60_000,
  leaseMs: 60_000,
  batchSize: 50,
};

export type Dispatcher = {
  /** Claims and sends what is due now; returns how many rows it handled. */
  runOnce(): Promise<number>;
  /** Repeats runOnce until nothing is due now (tests, and the sandbox). */
  drain(): Promise<number>;
  /** Starts the background loop; `wake()` makes it look at once (after a local enqueue). */
  start(): void;
  wake(): void;
  stop(): Promise<void>;
};

type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends the outbox. Planned once, sent at least once: a row is marked sent right after Telegram
 * accepted it, so only a crash between those two steps can repeat one message (bots cannot make
 * sendMessage idempotent). 429 holds the chat for retry_after (all instances see the hold);
 * 5xx and network errors back off exponentially up to a cap; 403 fails the row with the reason
 * and says it instead where the row's fallback points (an @mention in the unit's group).
 */
export function createDispatcher(deps: {
  db: Db;
  api: Api;
  logger: Logger;
  /** The dispatcher's clock: real time in production, a manual one in tests. */
  clock: Clock;
  sleep?: Sleep;
  limits?: Partial<DispatcherLimits>;
}): Dispatcher {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const sleep = deps.sleep ?? realSleep;
  const repo = createOutboxDispatchRepository({ db: deps.db });
  const owner = randomUUID();
  const logger = deps.logger.child({ component: 'dispatcher' });
  let globalNext = 0;
  let running = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;

  async function paceGlobally() {
    const gap = limits.globalPerSecond > 0 ? 1000 / limits.globalPerSecond : 0;
    const now = deps.clock.now().getTime();
    const at = Math.max(now, globalNext);
    globalNext = at + gap;
    if (at > now) await sleep(at - now);
  }

  async function send(row: OutboxRow): Promise<number | null> {
    const params: Record<string, unknown> = { ...(row.payload as Record<string, unknown>) };
    if (row.threadId) params.message_thread_id = row.threadId;
    const api = deps.api.raw as unknown as Record<string, (p: Record<string, unknown>) => Promise<{ message_id?: number }>>;
    const result = await api[row.method]!({ chat_id: row.chatId, ...params });
    return result?.message_id ?? null;
  }

  async function handle(row: OutboxRow): Promise<void> {
    const gapMs = row.chatId < 0 ? limits.groupGapMs : limits.privateGapMs;
    const slot = await repo.reserveSlot({ chatId: row.chatId, now: deps.clock.now(), gapMs });
    const wait = slot.getTime() - deps.clock.now().getTime();
    if (wait > limits.leaseMs / 2) {
      await repo.retryLater({ id: row.id, notBefore: slot, error: 'paced', countAttempt: false });
      return;
    }
    if (wait > 0) await sleep(wait);
    await paceGlobally();
    try {
      const messageId = await send(row);
      await repo.markSent({ row, at: deps.clock.now(), messageId });
      logger.debug({ outboxId: row.id, chatId: row.chatId, purpose: row.purpose }, 'sent');
    } catch (error) {
      await onError(row, error);
    }
  }

  async function onError(row: OutboxRow, error: unknown): Promise<void> {
    const now = deps.clock.now();
    if (error instanceof GrammyError) {
      if (error.error_code === 429) {
        const retryAfter = (error.parameters.retry_after ?? 5) * 1000;
        const until = new Date(now.getTime() + retryAfter);
        await repo.holdChat({ chatId: row.chatId, until });
        await repo.retryLater({ id: row.id, notBefore: until, error: error.description, countAttempt: false });
        logger.warn({ outboxId: row.id, chatId: row.chatId, retryAfter }, 'rate limited; holding the chat');
        return;
      }
      if (error.error_code === 403) {
        await repo.markFailed({ id: row.id, error: error.description });
        await repo.markForbidden({ chatId: row.chatId, at: now, reason: error.description });
        logger.warn({ outboxId: row.id, chatId: row.chatId, reason: error.description }, 'chat refuses the bot');
        if (row.fallback) {
          const fb = row.fallback as { chatId: number; threadId?: number; text: string };
          await createOutboxRepository({ db: deps.db, clock: deps.clock }).enqueue([
            {
              key: `${row.key}:fallback`,
              chatId: fb.chatId,
              threadId: fb.threadId ?? 0,
              payload: { text: fb.text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } },
              itemId: row.itemId,
              unitId: row.unitId,
              purpose: `${row.purpose}_fallback`,
            },
          ]);
        }
        return;
      }
      if (error.error_code < 500) {
        // A bad request will not get better by retrying.
        await repo.markFailed({ id: row.id, error: `${error.error_code} ${error.description}` });
        logger.error({ outboxId: row.id, chatId: row.chatId, error: error.description }, 'message refused by Telegram');
        return;
      }
    } else if (!(error instanceof HttpError)) {
      await repo.markFailed({ id: row.id, error: String((error as Error)?.message ?? error) });
      logger.error({ err: error, outboxId: row.id }, 'sending failed');
      return;
    }
    // 5xx or a network error: back off, up to a cap, then give up.
    const description = error instanceof GrammyError ? `${error.error_code} ${error.description}` : (error as Error).message;
    if (row.attempts >= limits.maxAttempts) {
      await repo.markFailed({ id: row.id, error: `gave up after ${row.attempts} attempts: ${description}` });
      logger.error({ outboxId: row.id, chatId: row.chatId }, 'gave up sending');
      return;
    }
    const backoff = Math.min(limits.maxBackoffMs, 1000 * 2 ** (row.attempts - 1));
    await repo.retryLater({ id: row.id, notBefore: new Date(now.getTime() + backoff), error: description, countAttempt: true });
    logger.warn({ outboxId: row.id, chatId: row.chatId, backoff }, 'send failed; will retry');
  }

  async function runOnce(): Promise<number> {
    const rows = await repo.claim({ now: deps.clock.now(), limit: limits.batchSize, leaseMs: limits.leaseMs, owner });
    // Rows for one chat go in order; different chats go side by side.
    const byChat = new Map<number, OutboxRow[]>();
    for (const row of rows) byChat.set(row.chatId, [...(byChat.get(row.chatId) ?? []), row]);
    await Promise.all(
      [...byChat.values()].map(async (chatRows) => {
        for (const row of chatRows) await handle(row);
      }),
    );
    return rows.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await runOnce();
      total += n;
      if (n === 0) return total;
    }
  }

  async function backgroundLoop() {
    while (running) {
      try {
        const n = await runOnce();
        if (n > 0) continue;
        const next = await repo.nextDueAt();
        const waitMs = next ? Math.max(50, Math.min(1000, next.getTime() - deps.clock.now().getTime())) : 1000;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeUp = null;
      } catch (error) {
        logger.error({ err: error }, 'dispatcher loop error');
        await realSleep(1000);
      }
    }
  }

  return {
    runOnce,
    drain,
    start() {
      if (running) return;
      running = true;
      loop = backgroundLoop();
    },
    wake() {
      wakeUp?.();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      loop = null;
    },
  };
}
