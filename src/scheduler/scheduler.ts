import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { DbOrTx } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { Clock } from '../shared/clock.js';
import { nextFire, parseCron, previousFire, type CronFields } from './cron-matcher.js';
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
/** A wall clock that moved this much more (or less) than the monotonic clock between two ticks was set. */
const CLOCK_JUMP_MS = 5_000;
/** The heartbeat wakes at least this often, whatever the wall clock says (see start()). */
const HEARTBEAT_MAX_MS = 60_000;

/**
 * How far the wall clock was set between two ticks: its move minus the monotonic clock's.
 * Positive: forward (the slots in between were skipped by the clock, not by us); negative:
 * back (the slots since `at` have already been seen). Null when it only ran as clocks do.
 */
export function clockJumpOf(previous: { at: number; mono: number }, current: { at: number; mono: number }): number | null {
  const jump = current.at - previous.at - (current.mono - previous.mono);
  return Math.abs(jump) > CLOCK_JUMP_MS ? jump : null;
}

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
  /**
   * A clock that never jumps (production: performance.now), in milliseconds. With it, the
   * scheduler notices the wall clock being set back or forward between two ticks (see
   * clockJumpOf): it then re-arms node-cron's timers, catches up once per slot and logs one line.
   * Without it (tests that move a manual clock by days between ticks) there is no detection.
   */
  monotonic?: () => number;
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
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let lastPruneAt = 0;
  /** The previous tick: its wall instant and the monotonic clock then (jump detection). */
  let lastTick: { at: number; mono: number } | null = null;

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

  /** A forward jump's catch-up, told in one line instead of one per missed slot (see tick). */
  type JumpReport = { skipped: { job: string; slot: string }[] };

  async function tickJob(job: ScheduledJob, fields: CronFields, at: Date, jump: { from: Date; report: JumpReport } | null): Promise<TickResult> {
    const window = Math.max(0, job.lateWindowMs ?? 0);
    const horizon = job.reportMissed ? Math.max(window, MISSED_HORIZON_MS) : window;
    const notBefore = new Date(at.getTime() - horizon);
    const fire = previousFire(fields, at, deps.timezone, notBefore);
    if (!fire) return { job: job.name, slot: null, action: 'none' };
    if (jump && job.reportMissed) {
      // The clock skipped over these fires: each earlier slot within the horizon is recorded
      // skipped (once: skip() leaves a slot someone has alone), the latest goes as usual.
      const from = Math.max(jump.from.getTime(), notBefore.getTime()) + 1;
      for (let f = previousFire(fields, new Date(fire.getTime() - 1), deps.timezone, new Date(from)); f; f = previousFire(fields, new Date(f.getTime() - 1), deps.timezone, new Date(from))) {
        const slot = slotOf(job.name, f);
        if (slot !== slotOf(job.name, fire) && (await coordinator.skip({ name: job.name, slot }))) jump.report.skipped.push({ job: job.name, slot });
      }
    }
    const slot = slotOf(job.name, fire);
    const lateMs = at.getTime() - fire.getTime();
    if (lateMs > window) {
      if (!job.reportMissed || !(await coordinator.skip({ name: job.name, slot }))) return { job: job.name, slot, action: 'none' };
      if (jump) jump.report.skipped.push({ job: job.name, slot });
      else {
        const facts = { job: job.name, slot, scheduledAt: fire.toISOString(), lateMinutes: Math.round(lateMs / 60_000), windowMinutes: Math.round(window / 60_000) };
        // A fresh installation's slots before its first start were never anyone's to run, and after
        // the clock was set back an earlier slot is history: neither is a miss worth a warning.
        if ((await coordinator.wasMissed?.(job.name, slot)) ?? true) logger.warn(facts, 'missed run is too old; skipped');
        else logger.info(facts, 'slot before the first run of this job, or before a later slot that ran; skipped');
      }
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

  /**
   * Notices a clock set back or forward since the previous tick (needs `monotonic`). node-cron
   * arms its timers from the wall clock: set back, it would wait out the jump (no sweep, no
   * digest for an hour); set forward, it warns once per skipped fire (20,000 lines for two weeks).
   * So its tasks are re-armed from the new time. Slots are what keeps either way safe: a slot
   * already run has its cron_runs row, so the repeated hour runs nothing twice.
   */
  function noticeJump(at: Date): { jumpMs: number; from: Date } | null {
    if (!deps.monotonic) return null;
    const current = { at: at.getTime(), mono: deps.monotonic() };
    const previous = lastTick;
    lastTick = current;
    const jumpMs = previous ? clockJumpOf(previous, current) : null;
    if (jumpMs === null) return null;
    for (const task of tasks) {
      task.stop();
      task.start();
    }
    return { jumpMs, from: new Date(previous!.at) };
  }

  async function tick(at: Date = deps.clock.now(), options: { only?: (job: ScheduledJob) => boolean } = {}): Promise<TickResult[]> {
    const jump = noticeJump(at);
    const forward = jump && jump.jumpMs > 0 ? { from: jump.from, report: { skipped: [] } as JumpReport } : null;
    const results: TickResult[] = [];
    for (const { job, fields } of jobs.values()) {
      if (options.only && !options.only(job)) continue;
      results.push(await track(tickJob(job, fields, at, forward)));
    }
    if (jump) {
      const ran = results.filter((r) => r.action === 'ran').map((r) => `${r.job}:${r.slot}`);
      const line = { from: jump.from.toISOString(), to: at.toISOString(), jumpMinutes: Math.round(jump.jumpMs / 60_000), ran };
      if (forward) logger.warn({ ...line, skipped: forward.report.skipped }, 'clock jumped forward; missed runs caught up once each');
      else logger.warn(line, 'clock set back; slots already run are not run again');
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
            // After a jump forward node-cron warns once per fire it skipped; the heartbeat
            // catches up and says so in one line instead (see noticeJump).
            suppressMissedWarning: true,
            logger: cronLogger,
          },
        );
        tasks.push(task);
      }
      logger.info({ instance, jobs: [...jobs.keys()] }, 'scheduler started');
      await heartbeat();
      if (deps.heartbeatCron) {
        // Not a node-cron task: a timer armed from the wall clock waits out a clock set back,
        // and the heartbeat is what notices that. It aims at the next fire of heartbeatCron but
        // wakes at least every HEARTBEAT_MAX_MS (timers run on monotonic time).
        const heartbeatFields = parseCron(deps.heartbeatCron);
        const arm = () => {
          const now = deps.clock.now();
          const next = nextFire(heartbeatFields, now, deps.timezone, 2);
          const delay = Math.min(HEARTBEAT_MAX_MS, Math.max(1_000, next ? next.getTime() - now.getTime() : HEARTBEAT_MAX_MS));
          heartbeatTimer = setTimeout(() => void track(heartbeat()).finally(() => heartbeatTimer && arm()), delay);
        };
        arm();
      }
    },

    async stop() {
      if (heartbeatTimer) clearTimeout(heartbeatTimer);
      heartbeatTimer = null;
      for (const task of tasks.splice(0)) await task.destroy();
      await Promise.allSettled([...inFlight]);
    },
  };
}
