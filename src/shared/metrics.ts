import { HttpError } from 'grammy';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where a Bot API send came from: the outbox dispatcher, or a handler's direct reply. */
export type SendSource = 'outbox' | 'reply';

/** What the outbox looks like now (read when /metrics is scraped). */
export type OutboxBacklog = { due: number; oldestAgeSeconds: number };

/**
 * The bot's Prometheus metrics, on a registry of their own: created at start-up and handed to the
 * bot, the dispatcher and the scheduler (no module-level registry, so tests get a fresh one).
 */
export type Metrics = ReturnType<typeof createMetrics>;

/** Bot API calls that send or edit a message (what Telegram's flood limits count). */
export const SEND_METHODS = new Set(['sendMessage', 'sendDocument', 'sendPhoto', 'editMessageText']);

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'duban_' });
  const registers = [registry];
  let backlogSource: (() => Promise<OutboxBacklog>) | null = null;
  let inboxSource: (() => Promise<{ count: number }>) | null = null;
  let backlog: Promise<OutboxBacklog | null> | null = null;
  /** One outbox query per scrape, shared by both gauges; a failure leaves them as they were. */
  const readBacklog = () => (backlog ??= (backlogSource?.() ?? Promise.resolve(null)).catch(() => null).finally(() => setTimeout(() => (backlog = null), 0)));

  return {
    registry,
    updatesReceived: new Counter({
      name: 'duban_updates_received_total',
      help: 'Telegram updates that reached the bot, by kind',
      labelNames: ['kind'],
      registers,
    }),
    updatesHandled: new Counter({
      name: 'duban_updates_handled_total',
      help: 'Updates handled without an unexpected error (refusals included), by kind',
      labelNames: ['kind'],
      registers,
    }),
    updatesDeferred: new Counter({
      name: 'duban_updates_deferred_total',
      help: 'Updates whose handler met an unavailable database: kept in the inbox and handled again later, by kind',
      labelNames: ['kind'],
      registers,
    }),
    inboxPending: new Gauge({
      name: 'duban_inbox_pending',
      help: 'Updates stored in the inbox and not handled yet (all instances)',
      registers,
      async collect() {
        const value = await inboxSource?.().catch(() => null);
        if (value) this.set(value.count);
      },
    }),
    updatesFailed: new Counter({
      name: 'duban_updates_failed_total',
      help: 'Updates whose handler failed with an unexpected error, by kind',
      labelNames: ['kind'],
      registers,
    }),
    handlerSeconds: new Histogram({
      name: 'duban_update_handler_duration_seconds',
      help: 'Time from an update entering the bot to its handler finishing (per-chat queueing included), by kind',
      labelNames: ['kind'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    messagesSent: new Counter({
      name: 'duban_messages_sent_total',
      help: 'Messages sent or edited through the Bot API, by source (outbox | reply) and method',
      labelNames: ['source', 'method'],
      registers,
    }),
    messagesFailed: new Counter({
      name: 'duban_messages_failed_total',
      help: 'Failed Bot API send attempts, by source and reason (a message retried counts once per failed attempt)',
      labelNames: ['source', 'reason'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'duban_telegram_rate_limited_total',
      help: 'Bot API answers 429 Too Many Requests, by source',
      labelNames: ['source'],
      registers,
    }),
    retryAfterSeconds: new Counter({
      name: 'duban_telegram_retry_after_seconds_total',
      help: 'Seconds of retry_after Telegram asked for in its 429 answers, by source',
      labelNames: ['source'],
      registers,
    }),
    outboxDue: new Gauge({
      name: 'duban_outbox_backlog',
      help: 'Outbox messages due now and not yet sent (all instances)',
      registers,
      async collect() {
        const value = await readBacklog();
        if (value) this.set(value.due);
      },
    }),
    outboxOldestAge: new Gauge({
      name: 'duban_outbox_oldest_age_seconds',
      help: 'How long the oldest outbox message due now has been waiting (0 when none)',
      registers,
      async collect() {
        const value = await readBacklog();
        if (value) this.set(value.oldestAgeSeconds);
      },
    }),
    jobSeconds: new Histogram({
      name: 'duban_job_duration_seconds',
      help: 'Scheduled job runs (sweep, digest, bulletin, bundle-HHmm, calendar_reminder) on this instance, by job and result',
      labelNames: ['job', 'result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    pollingConflicts: new Counter({
      name: 'duban_polling_conflicts_total',
      help: 'getUpdates answered 409 Conflict: another instance polls this bot token',
      registers,
    }),
    polling: new Gauge({ name: 'duban_polling', help: '1 while this instance polls Telegram for updates, else 0', registers }),
    /** Where the outbox gauges read from (main.ts sets the repository query). */
    setOutboxBacklogSource(source: () => Promise<OutboxBacklog>) {
      backlogSource = source;
    },
    /** Where the inbox gauge reads from (main.ts sets the repository query). */
    setInboxSource(source: () => Promise<{ count: number }>) {
      inboxSource = source;
    },
  };
}

/** The kind of an update: its one field besides update_id (message, callback_query ...). */
export function updateKind(update: object): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
}

/** Telegram's error answer: a GrammyError, or the `{ ok: false }` response an API transformer sees. */
type TelegramFailure = { error_code: number; description: string; parameters?: { retry_after?: number } };

const isTelegramFailure = (error: unknown): error is TelegramFailure =>
  typeof error === 'object' && error !== null && typeof (error as TelegramFailure).error_code === 'number';

/** A Bot API failure as a small, fixed set of reasons (metric labels must not grow without bound). */
export function sendFailureReason(error: unknown): string {
  if (isTelegramFailure(error)) {
    const code = error.error_code;
    if (code === 429) return 'rate_limited';
    if (code === 403) return 'forbidden';
    if (code === 401) return 'unauthorized';
    if (code === 400 && /chat not found/i.test(error.description)) return 'chat_not_found';
    if (code === 400 && /not modified/i.test(error.description)) return 'not_modified';
    if (code >= 500) return 'server_error';
    return 'bad_request';
  }
  if (error instanceof HttpError) return 'network';
  return 'error';
}

/** Counts a failed send attempt, and a 429's retry_after. */
export function countSendFailure(metrics: Metrics, source: SendSource, error: unknown): void {
  const reason = sendFailureReason(error);
  metrics.messagesFailed.inc({ source, reason });
  if (isTelegramFailure(error) && error.error_code === 429) {
    metrics.rateLimited.inc({ source });
    const retryAfter = error.parameters?.retry_after;
    if (retryAfter) metrics.retryAfterSeconds.inc({ source }, retryAfter);
  }
}
