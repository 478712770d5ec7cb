import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { DbOrTx } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { Clock } from '../shared/clock.js';
import { parseCron, previousFire, type CronFields } from './cron-matcher.js';
import { createPgRunCoordinator, type PgRunCoordinator, type RunOutcome } from './run-coordinator.js';

/** One run of a job: which slot, the fire it was for, and the instant it started (its "now"). */
export type JobRun = { name: string; slot: string; scheduledAt: Date; at: Date };

/**
 * A job the scheduler triggers. The job is a use-case call; the scheduler decides only when, and
 * that one instance runs each slot.
 */
export type ScheduledJob = {
  /** Also node-cron's task name and the first half of its coordination key: no ':' in it. */
  name: string;
  /** node-cron expression, read in the scheduler's timezone. */
  cron: string;
  /** The slot a fire belongs to (a cron_runs row); default: the fire instant itself. */
  slotOf?: (scheduledAt: Date) => string;
  /**
   * How late a fire may still run (after downtime, or a timer that woke late). Default 0: only
   * the fire at the ticked instant itself.
   */
  lateWindowMs?: number;
  /**
   * When the latest fire is older than the window: record it as skipped and log it (digests).
   * Without it the fire is simply dropped (the reminder sweep: the next one does the same work).
   */
  reportMissed?: boolean;
  /** A claimed but unfinished slot may be taken over after this (the instance died mid-run). */
  leaseMs?: number;
  /** Finished cron_runs rows of this job older than this are pruned (a minutely job piles up). */
  keepRunsMs?: number;
  run(run: JobRun): Promise<RunOutcome>;
};

export type TickResult = {
  job: string;
  slot: string | null;
  /** ran: this instance ran it; taken: another instance has (or had) it; missed: too late, recorded skipped. */
  action: 'ran' | 'taken' | 'missed' | 'none' | 'failed';
  outcome?: RunOutcome;
};

export type Scheduler = {
  coordinator: PgRunCoordinator;
  /**
   * Runs what is due at `at` (default: the clock's now) without timers: every job's latest fire
   * at or before `at`, if it is within the job's late window and no instance has its slot yet.
   * Tests move the clock and tick; production ticks through node-cron (see start()).
   */
  tick(at?: Date, options?: { only?: (job: ScheduledJob) => boolean }): Promise<TickResult[]>;
  /**
   * Starts node-cron: one distributed task per job (on-time fires, coordinated through
   * cron_runs), and a local heartbeat on `heartbeatCron` that catches up fires that node-cron
   * never saw (it has no catch-up: ticks missed while the process was down are lost). Resolves
   * after the start-up catch-up.
   */
  start(): Promise<void>;
  /** Stops the timers and waits for runs in flight. */
  stop(): Promise<void>;
};

const DAY_MS = 86_400_000;
/** How far back a reportMissed job looks for the fire it missed: a weekly job's whole week. */
const MISSED_HORIZON_MS = 8 * DAY_MS;
const DEFAULT_LEASE_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The second entrance after the bot: a trigger of use-cases, with no business rule of its own.
 *
 * Timing. node-cron fires on time; but a fire it misses (the process was down, or its timer woke
 * more than a second late) is lost for good (node-cron#457). So the database, not the timer, says
 * what is due: every heartbeat (and the start) looks at each catch-up job's latest fire; if its
 * slot has no cron_runs row and it is within the job's late window, it runs now (a digest then
 * says it is late); older, it is recorded as skipped and logged. On-time fires and catch-up use
 * the same coordinator rows, so whichever instance and whichever path comes first runs the slot,
 * once. Everything reads the injected clock, so a test can tick any instant.
 */
export function createScheduler(deps: {
  db: DbOrTx;
  clock: Clock;
  logger: Logger;
  timezone: string;
  jobs: ScheduledJob[];
  /** The local catch-up heartbeat (production: the reminder sweep's cron). */
  heartbeatCron?: string;
  instance?: string;
  coordinator?: PgRunCoordinator;
  /** Times each run this instance makes (by job and result). */
  metrics?: Metrics;
}): Scheduler {
  const logger = deps.logger.child({ component: 'scheduler' });
  const jobs = new Map<string, { job: ScheduledJob; fields: CronFields }>();
  for (const job of deps.jobs) {
    if (job.name.includes(':') || job.name === '') throw new Error(`job name "${job.name}" must be non-empty and without ':'`);
    if (jobs.has(job.name)) throw new Error(`job "${job.name}" is registered twice`);
    jobs.set(job.name, { job, fields: parseCron(job.cron) });
  }
  const slotOf = (name: string, instant: Date) => jobs.get(name)?.job.slotOf?.(instant) ?? instant.toISOString();
  const instance = deps.instance ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const coordinator = deps.coordinator ?? createPgRunCoordinator({ db: deps.db, clock: deps.clock, instance, slotOf });
  const inFlight = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = [];
  let lastPruneAt = 0;

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => {});
    return promise;
  }

  /** Runs a slot this instance holds; records the outcome, or gives the slot back on failure. */
  async function execute(job: ScheduledJob, run: JobRun): Promise<TickResult> {
    const log = logger.child({ job: job.name, slot: run.slot });
    const endTimer = deps.metrics?.jobSeconds.startTimer({ job: job.name });
    try {
      const outcome = await job.run(run);
      endTimer?.({ result: outcome });
      await coordinator.finish({ name: job.name, slot: run.slot, outcome });
      log.info({ outcome, scheduledAt: run.scheduledAt.toISOString(), lateMs: run.at.getTime() - run.scheduledAt.getTime() }, 'job ran');
      return { job: job.name, slot: run.slot, action: 'ran', outcome };
    } catch (error) {
      endTimer?.({ result: 'failed' });
      log.error({ err: error }, 'job failed; its slot is released for a later tick');
      await coordinator.release({ name: job.name, slot: run.slot }).catch((e: unknown) => log.error({ err: e }, 'could not release the slot'));
      return { job: job.name, slot: run.slot, action: 'failed' };
    }
  }

  async function tickJob(job: ScheduledJob, fields: CronFields, at: Date): Promise<TickResult> {
    const window = Math.max(0, job.lateWindowMs ?? 0);
    const horizon = job.reportMissed ? Math.max(window, MISSED_HORIZON_MS) : window;
    const fire = previousFire(fields, at, deps.timezone, new Date(at.getTime() - horizon));
    if (!fire) return { job: job.name, slot: null, action: 'none' };
    const slot = slotOf(job.name, fire);
    const lateMs = at.getTime() - fire.getTime();
    if (lateMs > window) {
      if (!job.reportMissed || !(await coordinator.skip({ name: job.name, slot }))) return { job: job.name, slot, action: 'none' };
      logger.warn({ job: job.name, slot, scheduledAt: fire.toISOString(), lateMinutes: Math.round(lateMs / 60_000), windowMinutes: Math.round(window / 60_000) }, 'missed run is too old; skipped');
      return { job: job.name, slot, action: 'missed', outcome: 'skipped' };
    }
    const claimedAt = await coordinator.claim({ name: job.name, slot, ttlMs: job.leaseMs ?? DEFAULT_LEASE_MS, now: at });
    if (!claimedAt) return { job: job.name, slot, action: 'taken' };
    return execute(job, { name: job.name, slot, scheduledAt: fire, at: claimedAt });
  }

  async function prune(at: Date) {
    if (at.getTime() - lastPruneAt < PRUNE_EVERY_MS) return;
    lastPruneAt = at.getTime();
    for (const { job } of jobs.values()) {
      if (job.keepRunsMs === undefined) continue;
      const removed = await coordinator.prune({ name: job.name, before: new Date(at.getTime() - job.keepRunsMs) });
      if (removed > 0) logger.debug({ job: job.name, removed }, 'old runs pruned');
    }
  }

  async function tick(at: Date = deps.clock.now(), options: { only?: (job: ScheduledJob) => boolean } = {}): Promise<TickResult[]> {
    const results: TickResult[] = [];
    for (const { job, fields } of jobs.values()) {
      if (options.only && !options.only(job)) continue;
      results.push(await track(tickJob(job, fields, at)));
    }
    return results;
  }

  const catchUpOnly = (job: ScheduledJob) => job.reportMissed === true;

  async function heartbeat() {
    const now = deps.clock.now();
    try {
      await tick(now, { only: catchUpOnly });
      await prune(now);
    } catch (error) {
      logger.error({ err: error }, 'scheduler heartbeat failed');
    }
  }

  const cronLogger = {
    info: (message: string) => logger.info(message),
    warn: (message: string) => logger.warn(message),
    error: (message: string | Error, err?: Error) => logger.error({ err: err ?? message }, typeof message === 'string' ? message : 'node-cron error'),
    debug: (message: string | Error) => logger.debug(String(message)),
  };

  return {
    coordinator,
    tick,

    async start() {
      if (tasks.length > 0) return;
      for (const { job } of jobs.values()) {
        const task = cron.schedule(
          job.cron,
          async (context) => {
            // node-cron asked the coordinator first (distributed), so this instance holds the slot.
            const slot = slotOf(job.name, context.date);
            const at = coordinator.claimedAt(job.name, slot) ?? deps.clock.now();
            await track(execute(job, { name: job.name, slot, scheduledAt: context.date, at }));
          },
          {
            name: job.name,
            timezone: deps.timezone,
            distributed: true,
            runCoordinator: coordinator,
            distributedLease: job.leaseMs ?? DEFAULT_LEASE_MS,
            logger: cronLogger,
          },
        );
        tasks.push(task);
      }
      if (deps.heartbeatCron) {
        tasks.push(cron.schedule(deps.heartbeatCron, () => track(heartbeat()), { name: 'scheduler-heartbeat', timezone: deps.timezone, noOverlap: true, logger: cronLogger }));
      }
      logger.info({ instance, jobs: [...jobs.keys()] }, 'scheduler started');
      await heartbeat();
    },

    async stop() {
      for (const task of tasks.splice(0)) await task.destroy();
      await Promise.allSettled([...inFlight]);
    },
  };
}
