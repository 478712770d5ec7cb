import { createConcurrentSink, createRunner, createSource, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, HttpError, type Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { UpdateInbox } from '../updates/inbox.js';
import { isDatabaseUnavailable } from '../updates/update-scope.js';
import { realSleep, type Sleep } from '../outbox/dispatcher.js';

/** How soon a failed Bot API call is tried again: doubling from `baseMs`, never more than `maxMs`. */
export type ReconnectPolicy = { baseMs: number; maxMs: number };

/** Back within 5 s of Telegram (or our network) coming back, without hammering it meanwhile. */
export const RECONNECT: ReconnectPolicy = { baseMs: 500, maxMs: 5000 };

/**
 * After a 409 Conflict (another process polls with this token): wait longer, doubling up to ten
 * minutes, so that two pollers that keep taking the token from each other settle to one swap
 * every ten minutes instead of one every few seconds. Run extra instances with ROLE=worker.
 */
export const CONFLICT_RETRY: ReconnectPolicy = { baseMs: 15_000, maxMs: 10 * 60_000 };

/** The wait before the next try after `failures` failures in a row (1 = the first failure). */
export function reconnectDelayMs(failures: number, policy: ReconnectPolicy = RECONNECT): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
}

const isConflict = (error: unknown) => error instanceof GrammyError && error.error_code === 409;

/** A Bot API error as a short reason, without the request URL (grammY's HttpError message holds the token). */
export function apiErrorReason(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code} ${error.description}`;
  if (error instanceof HttpError) return `network: ${(error.error as Error | undefined)?.message ?? 'request failed'}`;
  return String((error as Error)?.message ?? error);
}

/** Why a Bot API call failed, as the one log line of a failure streak says it. */
function troubleOf(error: unknown): { kind: string; message: string; level: 'warn' | 'error' } {
  if (error instanceof GrammyError && error.error_code === 401)
    return { kind: '401', message: 'Telegram does not accept the bot token; retrying until it does', level: 'error' };
  if (isConflict(error) && /webhook/i.test((error as GrammyError).description))
    return {
      kind: '409-webhook',
      message:
        'a webhook is set for this bot token, so Telegram refuses polling (409); set WEBHOOK_URL here too, or remove the webhook (deleteWebhook) to poll; this one keeps running as a worker and tries again later',
      level: 'error',
    };
  if (isConflict(error))
    return {
      kind: '409',
      message:
        'another instance is polling this bot token (409 Conflict); this one keeps running as a worker (scheduler, outbox) and tries polling again later',
      level: 'warn',
    };
  if (error instanceof GrammyError && error.error_code === 429) return { kind: '429', message: 'Telegram asks us to slow down; waiting', level: 'warn' };
  return { kind: 'unreachable', message: 'Bot API unreachable; retrying every few seconds (at most 5 s) until it answers', level: 'warn' };
}

/**
 * Calls the Bot API until it answers, waiting `reconnectDelayMs` between tries (or a 429's
 * retry_after, or what `waitFor` says for an error). A failure streak is logged once when it
 * starts (again only if its reason changes) and once when it ends, not once per try. Errors
 * `retryable` refuses are thrown at once; so is the error of a try that `signal` aborted (the
 * runner stopping).
 */
export async function callUntilAnswered<T>(
  call: () => Promise<T>,
  deps: {
    logger: Logger;
    what: string;
    sleep?: Sleep;
    signal?: AbortSignal;
    retryable?: (error: unknown) => boolean;
    policy?: ReconnectPolicy;
    /** A wait of its own for some errors (by the number of them in a row); undefined: the policy's. */
    waitFor?: (error: unknown, streak: number) => number | undefined;
    onFailure?: (error: unknown) => void;
    onAnswer?: () => void;
  },
): Promise<T> {
  const sleep = deps.sleep ?? realSleep;
  let failures = 0;
  let sameKind = 0;
  let reported: string | null = null;
  let waitedMs = 0;
  for (;;) {
    try {
      const result = await call();
      if (failures > 0) deps.logger.info({ what: deps.what, failedTries: failures, waitedMs }, 'Bot API answers again');
      deps.onAnswer?.();
      return result;
    } catch (error) {
      if (deps.signal?.aborted) throw error;
      if (deps.retryable && !deps.retryable(error)) throw error;
      failures++;
      deps.onFailure?.(error);
      const trouble = troubleOf(error);
      sameKind = trouble.kind === reported ? sameKind + 1 : 1;
      const retryAfter = error instanceof GrammyError ? error.parameters.retry_after : undefined;
      const waitMs = retryAfter !== undefined ? retryAfter * 1000 : (deps.waitFor?.(error, sameKind) ?? reconnectDelayMs(failures, deps.policy));
      if (trouble.kind !== reported) {
        reported = trouble.kind;
        deps.logger[trouble.level]({ err: error, what: deps.what, retryInMs: waitMs, retryInSeconds: Math.round(waitMs / 1000) }, trouble.message);
      } else {
        deps.logger.debug({ err: error, what: deps.what, failures, retryInMs: waitMs }, 'Bot API call failed again');
      }
      await sleep(waitMs, deps.signal);
      waitedMs += waitMs;
      if (deps.signal?.aborted) throw error;
    }
  }
}

/** At start-up only an unreachable Bot API is waited for; a refused token (401) is the operator's to fix: start-up fails. */
export const reachabilityOnly = (error: unknown): boolean =>
  error instanceof HttpError || (error instanceof GrammyError && (error.error_code >= 500 || error.error_code === 429));

export type PollingOptions = {
  logger: Logger;
  allowedUpdates?: ReadonlyArray<string>;
  /** Sets the polling gauge and counts conflicts. */
  metrics?: Metrics;
  /** getUpdates' long-poll timeout in seconds (Telegram: at most 50). */
  timeoutSeconds?: number;
  sleep?: Sleep;
  /** Waits after network errors, 5xx and 401 (default RECONNECT: at most 5 s). */
  policy?: ReconnectPolicy;
  /** The first wait after a 409 Conflict, and its cap (default CONFLICT_RETRY). */
  firstRetryMs?: number;
  maxRetryMs?: number;
  /**
   * The durable inbox: each batch is written there before the offset moves past it (held, and
   * written again every few seconds, while the database is unavailable), and only the updates it
   * hands back are handled (the others were handled already, or are being handled elsewhere).
   */
  inbox?: UpdateInbox;
};

export type Poller = RunnerHandle;

/** The updates the bot asks Telegram for, by polling or by webhook. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

/**
 * Long polling through @grammyjs/runner, as its `run()` does, but with our own getUpdates loop:
 * the runner's retries double without a cap (an hour-long outage means waiting most of another
 * hour), print each failure with console.error (the error quotes the URL, and so the token), and
 * end the runner on 401 and 409, which left the process without polling (and, unhandled, ended
 * it). Ours waits at most 5 s after network errors, 5xx and 401, logs through the
 * (token-redacting) logger once per failure streak, and keeps the instance running through a
 * 409 Conflict: another instance polls with this token, so this one goes on as a worker
 * (scheduler, outbox dispatcher) and tries again after CONFLICT_RETRY's longer waits. The bot must
 * be initialized (bot.init()) before.
 */
export function startPolling<C extends Context>(bot: Bot<C>, options: PollingOptions): Poller {
  let offset = 0;
  const conflictPolicy: ReconnectPolicy = { baseMs: options.firstRetryMs ?? CONFLICT_RETRY.baseMs, maxMs: options.maxRetryMs ?? CONFLICT_RETRY.maxMs };
  const setPolling = (polling: boolean) => options.metrics?.polling.set(polling ? 1 : 0);
  type ShimSignal = NonNullable<Parameters<typeof bot.api.getUpdates>[1]>;
  // (The runner and grammY type signals as their node shim's AbortSignal; at run time it is Node's own.)
  const supply = async (batchSize: number, shimSignal: ShimSignal): Promise<Update[]> => {
    const signal = shimSignal as unknown as AbortSignal;
    const updates = await callUntilAnswered(
      () =>
        bot.api.getUpdates(
          {
            timeout: options.timeoutSeconds ?? 30,
            offset,
            limit: Math.max(1, Math.min(batchSize, 100)),
            allowed_updates: (options.allowedUpdates ?? ALLOWED_UPDATES) as never,
          },
          shimSignal,
        ),
      {
        logger: options.logger,
        what: 'getUpdates',
        signal,
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...(options.policy ? { policy: options.policy } : {}),
        waitFor: (error, streak) => (isConflict(error) ? reconnectDelayMs(streak, conflictPolicy) : undefined),
        onFailure: (error) => {
          if (!isConflict(error)) return;
          setPolling(false);
          options.metrics?.pollingConflicts.inc();
        },
        onAnswer: () => setPolling(true),
      },
    );
    // Telegram forgets an update once the next getUpdates asks past it: only after it is stored.
    const taken = options.inbox && updates.length > 0 ? await storeUntilDone(options.inbox, updates, signal) : updates;
    const last = updates.at(-1)?.update_id;
    if (last !== undefined) offset = last + 1;
    return taken;
  };
  /** Writes a batch to the inbox, retrying (at most 5 s apart, logged once) until the database takes it. */
  const storeUntilDone = async (inbox: UpdateInbox, updates: Update[], signal: AbortSignal): Promise<Update[]> => {
    const sleep = options.sleep ?? realSleep;
    for (let failures = 0; ; ) {
      try {
        const taken = await inbox.receive(updates);
        if (failures > 0) options.logger.info({ failedTries: failures, updates: updates.length }, 'the inbox takes updates again; handling the ones held');
        return taken;
      } catch (error) {
        // Not an outage but an update the database refuses (a bug): holding it would hold every
        // update after it for ever. Each is handled on its own; one that still cannot be stored
        // is handled without the inbox (and logged).
        if (!isDatabaseUnavailable(error)) {
          options.logger.error({ err: error, updates: updates.length }, 'the inbox refused a batch of updates; handling them one by one');
          return updates;
        }
        failures++;
        const waitMs = reconnectDelayMs(failures, options.policy);
        if (failures === 1)
          options.logger.warn(
            { err: error, updates: updates.length, retryInMs: waitMs },
            'cannot store updates (database unavailable?); holding them and retrying every few seconds',
          );
        await sleep(waitMs, signal);
        // Stopping: the offset has not moved, so Telegram gives these to the next poller.
        if (signal.aborted) throw error;
      }
    }
  };
  const sink = createConcurrentSink<Update>({ consume: (update) => bot.handleUpdate(update) }, async (error) => {
    try {
      await bot.errorHandler(error as never);
    } catch (failure) {
      options.logger.error({ err: failure }, 'the bot error handler failed');
    }
  });
  const runner = createRunner(createSource({ supply }), sink);
  runner.start();
  setPolling(true);
  const stop = runner.stop;
  return {
    ...runner,
    async stop() {
      await stop();
      setPolling(false);
    },
  };
}
