import { run, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, HttpError, type Bot } from 'grammy';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import { realSleep, type Sleep } from '../outbox/dispatcher.js';
import type { BotContext } from './context.js';

export type PollingOptions = {
  logger: Logger;
  /** Sets the polling gauge and counts conflicts. */
  metrics?: Metrics;
  /** getUpdates' long-poll timeout in seconds (Telegram: at most 50). */
  timeoutSeconds?: number;
  /** The first wait before polling again after it stopped; it doubles up to `maxRetryMs`. */
  firstRetryMs?: number;
  maxRetryMs?: number;
  sleep?: Sleep;
};

export type Poller = {
  /** Stops polling (and any wait to poll again); resolves when the runner has stopped. */
  stop(): Promise<void>;
};

const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

/** A Bot API error as a short reason, without the request URL (grammY's HttpError message holds the token). */
export function apiErrorReason(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code} ${error.description}`;
  if (error instanceof HttpError) return `network: ${(error.error as Error | undefined)?.message ?? 'request failed'}`;
  return String((error as Error)?.message ?? error);
}

/**
 * Long polling through @grammyjs/runner, kept alive across conflicts.
 *
 * Telegram allows one getUpdates caller per token: a second instance's poll ends the first one's
 * with 409 Conflict, which the runner does not retry (nor 401): it rejects, and unhandled that
 * ended the process. Here the instance logs it in one line and goes on without polling (its
 * scheduler and outbox dispatcher keep working), then tries again after a wait that doubles up to
 * `maxRetryMs`. The wait starts over only after polling has held for longer than `maxRetryMs`, so
 * two pollers that keep taking the token from each other settle to one swap per `maxRetryMs`.
 * Run extra instances with ROLE=worker instead.
 *
 * The runner's own console output is silenced; failed getUpdates calls it retries itself (network
 * errors, 5xx) are logged here, as warnings, without the token.
 */
export function startPolling(bot: Bot<BotContext>, options: PollingOptions): Poller {
  const logger = options.logger.child({ component: 'polling' });
  const firstRetryMs = options.firstRetryMs ?? 15_000;
  const maxRetryMs = options.maxRetryMs ?? 10 * 60_000;
  const sleep = options.sleep ?? realSleep;
  const stopping = new AbortController();
  let runner: RunnerHandle | null = null;

  // Telegram's error answers reach a transformer as { ok: false } results; network errors as throws.
  const logFailedPoll = (reason: string, signal?: { aborted: boolean }) => {
    if (!signal?.aborted && !stopping.signal.aborted) logger.warn({ reason }, 'getUpdates failed; retrying');
  };
  bot.api.config.use(async (prev, method, payload, signal) => {
    if (method !== 'getUpdates') return prev(method, payload, signal);
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok && result.error_code !== 409) logFailedPoll(`${result.error_code} ${result.description}`, signal);
      return result;
    } catch (error) {
      logFailedPoll(apiErrorReason(error), signal);
      throw error;
    }
  });

  const setPolling = (polling: boolean) => options.metrics?.polling.set(polling ? 1 : 0);

  async function loop(): Promise<void> {
    let retryMs = firstRetryMs;
    while (!stopping.signal.aborted) {
      const startedAt = Date.now();
      runner = run(bot, { runner: { fetch: { timeout: options.timeoutSeconds ?? 30, allowed_updates: [...ALLOWED_UPDATES] }, silent: true } });
      setPolling(true);
      try {
        await runner.task();
        return; // stopped by stop()
      } catch (error) {
        if (stopping.signal.aborted) return;
        if (Date.now() - startedAt > maxRetryMs) retryMs = firstRetryMs;
        const conflict = error instanceof GrammyError && error.error_code === 409;
        setPolling(false);
        if (conflict) options.metrics?.pollingConflicts.inc();
        const retryInSeconds = Math.round(retryMs / 1000);
        if (conflict) {
          logger.warn({ retryInSeconds }, 'another instance is polling this bot token (409 Conflict); this one keeps running as a worker (scheduler, outbox) and tries polling again later');
        } else {
          logger.error({ reason: apiErrorReason(error), retryInSeconds }, 'polling stopped; this instance keeps running as a worker (scheduler, outbox) and tries polling again later');
        }
      }
      await sleep(retryMs, stopping.signal);
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    }
  }

  const running = loop().finally(() => setPolling(false));
  return {
    async stop() {
      stopping.abort();
      if (runner?.isRunning()) await runner.stop();
      await running;
    },
  };
}
