import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DbOrTx } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { Clock } from '../shared/clock.js';
import { parseCron, previousFire, type CronFields } from './cron-matcher.js';
import { createPgRunCoordinator, type RunCoordinator, type RunOutcome } from './run-coordinator.js';

/** One run of a job: which slot, the fire it was for, and the instant it started (its "now"). */
export type JobRun = { name: string; slot: string; scheduledAt: Date; at: Date };

/**
 * A job the scheduler triggers. The job is a use-case call; the scheduler decides only when, and
 * that one instance runs each slot.
 */
export type ScheduledJob = {
  /** Its cron_runs name; no ':' in it (logs write a run as `<name>:<slot>`). */
  name: string;
  /** Cron expression (node-cron's syntax, see cron-matcher.ts), read in the scheduler's timezone; minute resolution. */
  cron: string;
  /** The slot a fire belongs to (a cron_runs row); default: the fire instant itself. */
  slotOf?: (scheduledAt: Date) => string;
  /**
   * How late a fire may still run (after downtime, or a clock jump). At least, and by default, the
   * rest of the fire's minute: the tick of that minute runs it.
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
  /**
   * ran: this instance ran it; taken: another instance has (or had) it; missed: too late, recorded
   * skipped; none: nothing due; failed: the run threw (its slot was given back) or the database did.
   */
  action: 'ran' | 'taken' | 'missed' | 'none' | 'failed';
  outcome?: RunOutcome;
};

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How far back a reportMissed job looks for the fire it missed: a weekly job's whole week. */
const MISSED_HORIZON_MS = 8 * DAY_MS;
/**
 * Every job's late window is at least this: the tick of the minute a fire falls in runs it, however
 * far into that minute the timer woke.
 */
const ON_TIME_MS = MINUTE_MS - 1;
const DEFAULT_LEASE_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 3_600_000;
/** How far past a minute the timer aims: a timer may wake a millisecond early, and must not tick in the minute before. */
const TIMER_LAG_MS = 20;
/** A wall clock that moved this much more (or less) than the monotonic clock between two ticks was set. */
const CLOCK_JUMP_MS = 5_000;

/**
 * What makes the scheduler tick. It only says when: `start` is handed the one function that runs a
 * tick at the clock's now, and calls it (production: `minuteTimer`, at each minute of the clock;
 * tests and the sandbox: `manualTrigger`, when they have moved their clock).
 */
export type TickTrigger = {
  /** Begins calling `fire`; may resolve after a first call (the start-up catch-up). */
  start(fire: () => Promise<TickResult[]>): Promise<void> | void;
  /** No more calls after this (a call in progress finishes; the scheduler waits for it). */
  stop(): void;
};

/** A trigger fired by hand: `fire()` is exactly what the minute timer calls. */
export type ManualTrigger = TickTrigger & {
  /** Ticks at the clock's now, as the timer would at a minute; throws before start or after stop. */
  fire(): Promise<TickResult[]>;
};

export function manualTrigger(): ManualTrigger {
  let target: (() => Promise<TickResult[]>) | null = null;
  return {
    start(fire) {
      target = fire;
    },
    stop() {
      target = null;
    },
    fire() {
      if (!target) return Promise.reject(new Error('the scheduler is not started (or was stopped): nothing to fire'));
      return target();
    },
  };
}

/**
 * Production's trigger: a tick at start, then one at each minute of the clock. A plain timer, not
 * node-cron: a timer is armed from the clock's now for at most a minute and a little, and timers run
 * on monotonic time, so a clock set back or forward delays the next tick by a minute at most (node-cron
 * arms its timers from the wall clock: set back an hour, it would wait out the hour). The next wake
 * is armed after a tick ends, so ticks never overlap; a tick longer than a minute makes the next one
 * the minute after it ends (the tick catches up what its window allows).
 */
export function minuteTimer(deps: { clock: Clock }): TickTrigger {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  return {
    async start(fire) {
      if (running) return;
      running = true;
      const arm = () => {
        if (!running) return;
        const now = deps.clock.now().getTime();
        const delay = MINUTE_MS - (((now % MINUTE_MS) + MINUTE_MS) % MINUTE_MS) + TIMER_LAG_MS;
        timer = setTimeout(() => void fire().finally(arm), delay);
      };
      await fire();
      arm();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

export type Scheduler = {
  coordinator: RunCoordinator;
  /**
   * The one path by which jobs run: every job's latest fire at or before `at` (default: the clock's
   * now), if it is within the job's late window and no instance has its slot yet; a clock jump since
   * the previous tick is noticed and caught up once per slot; old runs are pruned. Ticks of one
   * scheduler run one after another. The trigger calls it with the clock's now; a test may pass the
   * instant it has just set its clock to.
   */
  tick(at?: Date): Promise<TickResult[]>;
  /** Starts the trigger (production: the minute timer, which ticks once at once: the start-up catch-up). */
  start(): Promise<void>;
  /** Stops the trigger and waits for the tick in progress. */
  stop(): Promise<void>;
};

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
 * One path. A trigger (production: a minute timer) calls `tick(clock.now())`, and the tick alone
 * decides what runs: the database, not the timer, says what is due. Each tick looks at each job's
 * latest fire; if its slot has no cron_runs row and it is within the job's late window, it runs now
 * (a digest then says it is late); older, a reportMissed job records it as skipped and logs it,
 * another job (the sweep) lets it go, since its next run does the same work. So a minute the timer
 * missed, an hour the process was down and an on-time fire are one case. Several instances tick the
 * same minute; the cron_runs row (the run coordinator) gives each slot to one of them. Everything
 * reads the injected clock and trigger, so a test drives exactly what production runs.
 */
export function createScheduler(deps: {
  db: DbOrTx;
  clock: Clock;
  logger: Logger;
  timezone: string;
  jobs: ScheduledJob[];
  /** What calls tick (default: the minute timer on `clock`). */
  trigger?: TickTrigger;
  /**
   * A clock that never jumps (production: performance.now), in milliseconds. With it, a tick
   * notices the wall clock being set back or forward since the previous one (see clockJumpOf): it
   * then catches up once per slot and logs one line. Without it (tests that move a manual clock by
   * days between ticks) there is no detection.
   */
  monotonic?: () => number;
  instance?: string;
  coordinator?: RunCoordinator;
  /** Times each run this instance makes (by job and result). */
  metrics?: Metrics;
}): Scheduler {
  const logger = deps.logger.child({ component: 'scheduler' });
  const jobs = new Map<string, { job: ScheduledJob; fields: CronFields }>();
  for (const job of deps.jobs) {
    if (job.name.includes(':') || job.name === '') throw new Error(`job name "${job.name}" must be non-empty and without ':'`);
    if (jobs.has(job.name)) throw new Error(`job "${job.name}" is registered twice`);
    const fields = parseCron(job.cron);
    if (fields.seconds.length !== 1 || fields.seconds[0] !== 0)
      throw new Error(`job "${job.name}": the scheduler ticks once a minute, so "${job.cron}" must fire at second 0`);
    jobs.set(job.name, { job, fields });
  }
  const slotOf = (job: ScheduledJob, instant: Date) => job.slotOf?.(instant) ?? instant.toISOString();
  const instance = deps.instance ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const coordinator = deps.coordinator ?? createPgRunCoordinator({ db: deps.db, clock: deps.clock, instance });
  const trigger = deps.trigger ?? minuteTimer({ clock: deps.clock });
  let lastPruneAt: number | null = null;
  /** The previous tick: its wall instant and the monotonic clock then (jump detection). */
  let lastTick: { at: number; mono: number } | null = null;
  /** The tick in progress (or the last one): the next waits for it. */
  let ticking: Promise<unknown> = Promise.resolve();
  let started = false;

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
    const window = Math.max(ON_TIME_MS, job.lateWindowMs ?? 0);
    const horizon = job.reportMissed ? Math.max(window, MISSED_HORIZON_MS) : window;
    const notBefore = new Date(at.getTime() - horizon);
    const fire = previousFire(fields, at, deps.timezone, notBefore);
    if (!fire) return { job: job.name, slot: null, action: 'none' };
    if (jump && job.reportMissed) {
      // The clock skipped over these fires: each earlier slot within the horizon is recorded
      // skipped (once: skip() leaves a slot someone has alone), the latest goes as usual.
      const from = Math.max(jump.from.getTime(), notBefore.getTime()) + 1;
      for (
        let f = previousFire(fields, new Date(fire.getTime() - 1), deps.timezone, new Date(from));
        f;
        f = previousFire(fields, new Date(f.getTime() - 1), deps.timezone, new Date(from))
      ) {
        const slot = slotOf(job, f);
        if (slot !== slotOf(job, fire) && (await coordinator.skip({ name: job.name, slot }))) jump.report.skipped.push({ job: job.name, slot });
      }
    }
    const slot = slotOf(job, fire);
    const lateMs = at.getTime() - fire.getTime();
    if (lateMs > window) {
      if (!job.reportMissed || !(await coordinator.skip({ name: job.name, slot }))) return { job: job.name, slot, action: 'none' };
      if (jump) jump.report.skipped.push({ job: job.name, slot });
      else {
        const facts = {
          job: job.name,
          slot,
          scheduledAt: fire.toISOString(),
          lateMinutes: Math.round(lateMs / 60_000),
          windowMinutes: Math.round(window / 60_000),
        };
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

  /** At most hourly (by the ticks' clock, either way it moved), each job's finished rows past keepRunsMs go. */
  async function prune(at: Date) {
    if (lastPruneAt !== null && Math.abs(at.getTime() - lastPruneAt) < PRUNE_EVERY_MS) return;
    lastPruneAt = at.getTime();
    for (const { job } of jobs.values()) {
      if (job.keepRunsMs === undefined) continue;
      const removed = await coordinator.prune({ name: job.name, before: new Date(at.getTime() - job.keepRunsMs) });
      if (removed > 0) logger.debug({ job: job.name, removed }, 'old runs pruned');
    }
  }

  /**
   * Notices a clock set back or forward since the previous tick (needs `monotonic`). Set back, the
   * repeated hour runs nothing twice (its slots have their cron_runs rows) and the slots before the
   * first tick of the old time run as they fall due; set forward, the tick catches up once per slot
   * and says so in one line, not one warning per skipped minute (20,000 lines for two weeks).
   */
  function noticeJump(at: Date): { jumpMs: number; from: Date } | null {
    if (!deps.monotonic) return null;
    const current = { at: at.getTime(), mono: deps.monotonic() };
    const previous = lastTick;
    lastTick = current;
    const jumpMs = previous ? clockJumpOf(previous, current) : null;
    return jumpMs === null ? null : { jumpMs, from: new Date(previous!.at) };
  }

  async function tickAt(at: Date): Promise<TickResult[]> {
    const jump = noticeJump(at);
    const forward = jump && jump.jumpMs > 0 ? { from: jump.from, report: { skipped: [] } as JumpReport } : null;
    const results: TickResult[] = [];
    for (const { job, fields } of jobs.values()) {
      try {
        results.push(await tickJob(job, fields, at, forward));
      } catch (error) {
        // The database did not answer (a run's own failure is handled in execute): the other jobs
        // still get their turn, and this one its next tick.
        logger.error({ err: error, job: job.name }, 'could not tick the job');
        results.push({ job: job.name, slot: null, action: 'failed' });
      }
    }
    if (jump) {
      const ran = results.filter((r) => r.action === 'ran').map((r) => `${r.job}:${r.slot}`);
      const line = { from: jump.from.toISOString(), to: at.toISOString(), jumpMinutes: Math.round(jump.jumpMs / 60_000), ran };
      if (forward) logger.warn({ ...line, skipped: forward.report.skipped }, 'clock jumped forward; missed runs caught up once each');
      else logger.warn(line, 'clock set back; slots already run are not run again');
    }
    await prune(at).catch((error: unknown) => logger.warn({ err: error }, 'pruning old runs failed'));
    return results;
  }

  function tick(at?: Date): Promise<TickResult[]> {
    // One tick at a time: jump detection compares consecutive ticks, and a long tick (a two-week
    // catch-up) must not race the next. The instant is read when the tick's turn comes.
    const next = ticking.then(() => tickAt(at ?? deps.clock.now()));
    ticking = next.catch(() => {});
    return next;
  }

  /** What the trigger calls: a tick at the clock's now; it never throws into a timer. */
  async function fire(): Promise<TickResult[]> {
    try {
      return await tick();
    } catch (error) {
      logger.error({ err: error }, 'scheduler tick failed');
      return [];
    }
  }

  return {
    coordinator,
    tick,

    async start() {
      if (started) return;
      started = true;
      logger.info({ instance, jobs: [...jobs.keys()] }, 'scheduler started');
      await trigger.start(fire);
    },

    async stop() {
      if (!started) return;
      started = false;
      trigger.stop();
      await ticking;
    },
  };
}
