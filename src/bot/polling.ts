import { createConcurrentSink, createRunner, createSource, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, HttpError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import { realSleep, type Sleep } from '../outbox/dispatcher.js';

/** How soon a failed Bot API call is tried again: doubling from `baseMs`, never more than `maxMs`. */
export type ReconnectPolicy = { baseMs: number; maxMs: number };

/** Back within 5 s of Telegram (or our network) coming back, without hammering it meanwhile. */
export const RECONNECT: ReconnectPolicy = { baseMs: 500, maxMs: 5000 };

/** The wait before the next try after `failures` failures in a row (1 = the first failure). */
export function reconnectDelayMs(failures: number, policy: ReconnectPolicy = RECONNECT): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
}

/** Why a Bot API call failed, as the one log line of a failure streak says it. */
function troubleOf(error: unknown): { kind: string; message: string; level: 'warn' | 'error' } {
  if (error instanceof GrammyError && error.error_code === 401)
    return { kind: '401', message: 'Telegram does not accept the bot token; retrying until it does', level: 'error' };
  if (error instanceof GrammyError && error.error_code === 409)
    return { kind: '409', message: 'another process is polling with this token (409 Conflict); retrying until it stops', level: 'warn' };
  if (error instanceof GrammyError && error.error_code === 429) return { kind: '429', message: 'Telegram asks us to slow down; waiting', level: 'warn' };
  return { kind: 'unreachable', message: 'Bot API unreachable; retrying every few seconds (at most 5 s) until it answers', level: 'warn' };
}

/**
 * Calls the Bot API until it answers, waiting `reconnectDelayMs` between tries (or a 429's
 * retry_after). A failure streak is logged once when it starts (again only if its reason
 * changes) and once when it ends, not once per try. Errors `retryable` refuses are thrown at
 * once; so is the error of a try that `signal` aborted (the runner stopping).
 */
export async function callUntilAnswered<T>(
  call: () => Promise<T>,
  deps: { logger: Logger; what: string; sleep?: Sleep; signal?: AbortSignal; retryable?: (error: unknown) => boolean; policy?: ReconnectPolicy },
): Promise<T> {
  const sleep = deps.sleep ?? realSleep;
  let failures = 0;
  let reported: string | null = null;
  let waitedMs = 0;
  for (;;) {
    try {
      const result = await call();
      if (failures > 0) deps.logger.info({ what: deps.what, failedTries: failures, waitedMs }, 'Bot API answers again');
      return result;
    } catch (error) {
      if (deps.signal?.aborted) throw error;
      if (deps.retryable && !deps.retryable(error)) throw error;
      failures++;
      const retryAfter = error instanceof GrammyError ? error.parameters.retry_after : undefined;
      const waitMs = retryAfter !== undefined ? retryAfter * 1000 : reconnectDelayMs(failures, deps.policy);
      const trouble = troubleOf(error);
      if (trouble.kind !== reported) {
        reported = trouble.kind;
        deps.logger[trouble.level]({ err: error, what: deps.what, retryInMs: waitMs }, trouble.message);
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

/**
 * Long polling through @grammyjs/runner, as its `run()` does, but with our own getUpdates loop:
 * the runner's retries double without a cap (an hour-long outage means waiting most of another
 * hour), print each failure with console.error (the error quotes the URL, and so the token), and
 * end the runner on 401 and 409, which leaves the process without polling. Ours waits at most 5 s,
 * logs through the (token-redacting) logger once per failure streak, and keeps polling through
 * 401 and 409 too. The bot must be initialized (bot.init()) before.
 */
export function startPolling(
  bot: Bot<any>,
  options: { logger: Logger; allowedUpdates: ReadonlyArray<string>; sleep?: Sleep; policy?: ReconnectPolicy },
): RunnerHandle {
  let offset = 0;
  type ShimSignal = NonNullable<Parameters<typeof bot.api.getUpdates>[1]>;
  // (The runner and grammY type signals as their node shim's AbortSignal; at run time it is Node's own.)
  const supply = async (batchSize: number, shimSignal: ShimSignal): Promise<Update[]> => {
    const signal = shimSignal as unknown as AbortSignal;
    const updates = await callUntilAnswered(
      () =>
        bot.api.getUpdates(
          { timeout: 30, offset, limit: Math.max(1, Math.min(batchSize, 100)), allowed_updates: options.allowedUpdates as never },
          shimSignal,
        ),
      { logger: options.logger, what: 'getUpdates', signal, ...(options.sleep ? { sleep: options.sleep } : {}), ...(options.policy ? { policy: options.policy } : {}) },
    );
    const last = updates.at(-1)?.update_id;
    if (last !== undefined) offset = last + 1;
    return updates;
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
  return runner;
}
