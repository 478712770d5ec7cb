import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';

/**
 * Whether the Bot API can be used at all, as the dispatcher's sends find out. While Telegram is
 * unreachable (network errors, 5xx) or refuses the token (401), every row in flight fails every
 * few seconds; one line when that starts and one when it ends say more than hundreds of
 * "send failed" lines, and do not bury the rest of the log.
 */
export type SendOutcome = 'ok' | 'unreachable' | 'unauthorized';

export type SendHealth = {
  /** The ongoing trouble, or null while sends get answers. */
  trouble: { kind: Exclude<SendOutcome, 'ok'>; since: Date; failures: number; reason: string } | null;
  /** When the latest send that got an answer had started: older sends' failures are stale news. */
  lastOkStartedAt: Date | null;
};

export type HealthReport =
  | { say: 'started'; kind: Exclude<SendOutcome, 'ok'>; reason: string }
  | { say: 'ended'; kind: Exclude<SendOutcome, 'ok'>; failures: number; lastedMs: number };

export const HEALTHY: SendHealth = { trouble: null, lastOkStartedAt: null };

/**
 * The next health after one send's outcome, and what to log (at most one report per change).
 * A failure of a send that started before a later send got through does not open new trouble:
 * with many rows in flight, requests begun during an outage still time out after it is over.
 */
export function noteSendOutcome(
  health: SendHealth,
  event: { outcome: SendOutcome; startedAt: Date; at: Date; reason?: string },
): { health: SendHealth; reports: HealthReport[] } {
  const { trouble } = health;
  if (event.outcome === 'ok') {
    const lastOkStartedAt = health.lastOkStartedAt && health.lastOkStartedAt > event.startedAt ? health.lastOkStartedAt : event.startedAt;
    if (!trouble) return { health: { trouble: null, lastOkStartedAt }, reports: [] };
    return {
      health: { trouble: null, lastOkStartedAt },
      reports: [{ say: 'ended', kind: trouble.kind, failures: trouble.failures, lastedMs: event.at.getTime() - trouble.since.getTime() }],
    };
  }
  const reason = event.reason ?? event.outcome;
  if (trouble?.kind === event.outcome) {
    return { health: { ...health, trouble: { ...trouble, failures: trouble.failures + 1, reason } }, reports: [] };
  }
  if (health.lastOkStartedAt && event.startedAt < health.lastOkStartedAt) return { health, reports: [] };
  const reports: HealthReport[] = [];
  if (trouble) reports.push({ say: 'ended', kind: trouble.kind, failures: trouble.failures, lastedMs: event.at.getTime() - trouble.since.getTime() });
  reports.push({ say: 'started', kind: event.outcome, reason });
  return { health: { ...health, trouble: { kind: event.outcome, since: event.at, failures: 1, reason } }, reports };
}

const MESSAGES = {
  started: {
    unreachable: 'Bot API unreachable; sends are retried, at most every few seconds, until it answers',
    unauthorized: 'Telegram does not accept the bot token; sends wait and are retried until it does',
  },
  ended: {
    unreachable: 'Bot API reachable again',
    unauthorized: 'Telegram accepts the bot token again',
  },
} as const;

/** The dispatcher's health, logged once per change. */
export function createSendHealthLog(deps: { logger: Logger; clock: Clock }) {
  let health = HEALTHY;
  return {
    /** True while sends fail for a reason already reported: the caller logs its row at debug only. */
    note(event: { outcome: SendOutcome; startedAt: Date; reason?: string }): boolean {
      const next = noteSendOutcome(health, { ...event, at: deps.clock.now() });
      health = next.health;
      for (const report of next.reports) {
        if (report.say === 'started') {
          if (report.kind === 'unauthorized') deps.logger.error({ reason: report.reason }, MESSAGES.started[report.kind]);
          else deps.logger.warn({ reason: report.reason }, MESSAGES.started[report.kind]);
        } else {
          deps.logger.info({ failedSends: report.failures, lastedMs: report.lastedMs }, MESSAGES.ended[report.kind]);
        }
      }
      return event.outcome !== 'ok' && health.trouble !== null;
    },
  };
}
