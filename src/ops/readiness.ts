import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { MIGRATIONS_FOLDER } from '../db/migrate.js';
import { rowsOf } from '../db/rows.js';
import { parseCron, previousFire } from '../scheduler/cron-matcher.js';
import { SWEEP_JOB } from '../scheduler/jobs.js';
import type { Clock } from '../shared/clock.js';

export type CheckResult = { ok: boolean; [detail: string]: unknown };
export type ReadinessReport = {
  ready: boolean;
  checks: { database: CheckResult; migrations: CheckResult; sweep: CheckResult; botApi?: CheckResult; outbox?: CheckResult };
};

const DAY_MS = 86_400_000;

/** The newest migration drizzle-kit generated (drizzle records each applied one by this stamp). */
export function latestMigrationStamp(folder = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
  return Math.max(0, ...journal.entries.map((e) => e.when));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const failure = (error: unknown): CheckResult => ({ ok: false, error: (error as Error)?.message ?? String(error) });

/**
 * What /readyz checks, in order (a later check is skipped when the database does not answer):
 * - database: it answers `select 1`;
 * - migrations: the newest migration this build ships has been applied;
 * - sweep: the reminder sweep ran recently, on any instance (cron_runs is shared): the fire of
 *   `sweepCron` due `graceMs` ago (or the last one before) has a finished run that started at or
 *   after it. So one late or failed sweep is tolerated, a stopped scheduler is not;
 * - botApi (when `botApi` is given): the Bot API answers (getMe). Its answer is kept for
 *   `botApiCacheMs` (30 s), so a load balancer probing every second does not call Telegram every second;
 * - outbox (when `backlog` is given): no message has been due for longer than `maxOutboxAgeMs`
 *   (10 minutes); the number due now is reported with it.
 */
export function createReadiness(deps: {
  db: Db;
  clock: Clock;
  timezone: string;
  sweepCron: string;
  graceMs?: number;
  timeoutMs?: number;
  botApi?: () => Promise<unknown>;
  botApiCacheMs?: number;
  backlog?: () => Promise<{ due: number; oldestAgeSeconds: number }>;
  maxOutboxAgeMs?: number;
}) {
  const expectedMigration = latestMigrationStamp();
  const sweepFields = parseCron(deps.sweepCron);
  const graceMs = deps.graceMs ?? 2 * 60_000;
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const botApiCacheMs = deps.botApiCacheMs ?? 30_000;
  const maxOutboxAgeMs = deps.maxOutboxAgeMs ?? 10 * 60_000;
  // Real time, not the business clock: how old the last answer of Telegram is.
  let botApiSeen: { at: number; result: CheckResult } | null = null;
  const botApiCheck = async (): Promise<CheckResult | undefined> => {
    if (!deps.botApi) return undefined;
    if (botApiSeen && performance.now() - botApiSeen.at < botApiCacheMs) return botApiSeen.result;
    let result: CheckResult;
    try {
      await withTimeout(deps.botApi(), timeoutMs, 'the Bot API');
      result = { ok: true };
    } catch (error) {
      result = failure(error);
    }
    botApiSeen = { at: performance.now(), result };
    return result;
  };
  const query = <T>(statement: ReturnType<typeof sql>, what: string) =>
    withTimeout(deps.db.execute(statement), timeoutMs, what).then((result) => rowsOf<T>(result)[0]);

  return async function readiness(): Promise<ReadinessReport> {
    const skipped: CheckResult = { ok: false, skipped: 'the database does not answer' };
    try {
      await query(sql`select 1 as one`, 'the database');
    } catch (error) {
      return { ready: false, checks: { database: failure(error), migrations: skipped, sweep: skipped } };
    }
    const database: CheckResult = { ok: true };

    let migrations: CheckResult;
    try {
      const row = await query<{ applied: string | number | null }>(
        sql`select max(created_at) as applied from drizzle.__drizzle_migrations`,
        'the migrations table',
      );
      const applied = row?.applied === null || row?.applied === undefined ? 0 : Number(row.applied);
      migrations = { ok: applied >= expectedMigration, applied, expected: expectedMigration };
    } catch (error) {
      migrations = failure(error);
    }

    let sweep: CheckResult;
    try {
      const now = deps.clock.now();
      const due = previousFire(sweepFields, new Date(now.getTime() - graceMs), deps.timezone, new Date(now.getTime() - 2 * DAY_MS));
      const row = await query<{ last: string | Date | null }>(
        sql`select max(started_at) as last from cron_runs where name = ${SWEEP_JOB} and finished_at is not null`,
        'the sweep runs',
      );
      const last = row?.last ? new Date(row.last) : null;
      sweep = {
        ok: due === null || (last !== null && last.getTime() >= due.getTime()),
        lastRunAt: last?.toISOString() ?? null,
        expectedSince: due?.toISOString() ?? null,
      };
    } catch (error) {
      sweep = failure(error);
    }
    let outbox: CheckResult | undefined;
    if (deps.backlog) {
      try {
        const { due, oldestAgeSeconds } = await withTimeout(deps.backlog(), timeoutMs, 'the outbox');
        outbox = { ok: oldestAgeSeconds * 1000 <= maxOutboxAgeMs, due, oldestAgeSeconds };
      } catch (error) {
        outbox = failure(error);
      }
    }
    const botApi = await botApiCheck();
    const ready = database.ok && migrations.ok && sweep.ok && (botApi?.ok ?? true) && (outbox?.ok ?? true);
    return { ready, checks: { database, migrations, sweep, ...(botApi ? { botApi } : {}), ...(outbox ? { outbox } : {}) } };
  };
}
