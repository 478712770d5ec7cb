/**
 * The machine's clock set back or forward under a running scheduler, and minutes or an hour it did
 * not tick. Wall time moves through a manual clock; the monotonic clock (what timers run on) moves
 * apart from it, as it does when someone sets the clock. The scheduler is ticked through its
 * trigger: the function production's minute timer calls.
 */
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { zonedParts } from '../../src/calendar/model/zoned-time.js';
import {
  clockJumpOf,
  createScheduler,
  manualTrigger,
  minuteTimer,
  type JobRun,
  type ManualTrigger,
  type Scheduler,
  type ScheduledJob,
} from '../../src/scheduler/scheduler.js';
import { createPgRunCoordinator, type RunCoordinator } from '../../src/scheduler/run-coordinator.js';
import { createManualClock, systemClock, type ManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';

const TZ = 'Asia/Shanghai';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Row = Record<string, unknown>;
async function query(db: Db, q: ReturnType<typeof sql>): Promise<Row[]> {
  const result = await db.execute(q);
  return (Array.isArray(result) ? result : (result as unknown as { rows: Row[] }).rows) as Row[];
}

function capturingLogger() {
  const lines: Row[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Row) });
  return { logger, lines, warnings: () => lines.filter((l) => Number(l.level) >= 40) };
}

/** A minutely sweep, a daily digest at 08:30 and a Monday bulletin at 09:00, as the app has them. */
function testJobs(runs: JobRun[]): ScheduledJob[] {
  const localDate = (at: Date) => zonedParts(at, TZ).ymd;
  const record = async (run: JobRun) => {
    runs.push(run);
    return 'done' as const;
  };
  return [
    { name: 'sweep', cron: '* * * * *', lateWindowMs: 59_999, keepRunsMs: 2 * DAY, run: record },
    { name: 'digest', cron: '30 8 * * *', slotOf: localDate, lateWindowMs: HOUR, reportMissed: true, run: record },
    { name: 'bulletin', cron: '0 9 * * 1', slotOf: localDate, lateWindowMs: HOUR, reportMissed: true, run: record },
  ];
}

describe('clockJumpOf', () => {
  it('tells a set clock from one that only ran', () => {
    expect(clockJumpOf({ at: 0, mono: 0 }, { at: MINUTE, mono: MINUTE + 300 })).toBeNull();
    expect(clockJumpOf({ at: 0, mono: 0 }, { at: -59 * MINUTE, mono: MINUTE })).toBe(-HOUR);
    expect(clockJumpOf({ at: 0, mono: 0 }, { at: 14 * DAY, mono: MINUTE })).toBe(14 * DAY - MINUTE);
  });
});

describe.each(storageKinds())('the scheduler when the clock is set (%s)', (kind) => {
  let database: TestDatabase;
  let clock: ManualClock;
  let mono: number;
  let runs: JobRun[];
  let log: ReturnType<typeof capturingLogger>;
  let schedulers: Scheduler[] = [];
  let triggers: ManualTrigger[];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    for (const scheduler of schedulers) await scheduler.stop();
    await database.drop();
  });

  /** Empty cron_runs, a clock at `start`, and `instances` schedulers on the one database, started. */
  const fresh = async (start: string, instances = 1) => {
    for (const scheduler of schedulers) await scheduler.stop();
    await database.db.execute(sql`truncate cron_runs`);
    clock = createManualClock(start);
    mono = 1_000_000;
    runs = [];
    log = capturingLogger();
    triggers = [];
    schedulers = [];
    for (let i = 0; i < instances; i++) {
      const trigger = manualTrigger();
      const scheduler = createScheduler({
        db: database.db,
        clock,
        logger: log.logger,
        timezone: TZ,
        jobs: testJobs(runs),
        instance: `i${i}`,
        monotonic: () => mono,
        trigger,
      });
      await scheduler.start();
      triggers.push(trigger);
      schedulers.push(scheduler);
    }
  };
  /** Every instance's minute timer goes off; then a minute passes, on the clock and on monotonic time alike. */
  const runFor = async (minutes: number) => {
    const results = [];
    for (let i = 0; i < minutes; i++) {
      results.push(...(await Promise.all(triggers.map((t) => t.fire()))).flat());
      clock.advanceBy(MINUTE);
      mono += MINUTE;
    }
    return results;
  };
  const setClock = (byMs: number) => clock.advanceBy(byMs); // the monotonic clock does not move
  /** The timer did not fire for this long (the machine was suspended... or busy): both clocks moved. */
  const noTicksFor = (ms: number) => {
    clock.advanceBy(ms);
    mono += ms;
  };
  const ran = () => runs.map((r) => `${r.name}:${r.slot}`);

  it('catches up after an hour without ticks: the late digest once, the sweep for the current minute only, no warning', async () => {
    await fresh('2026-03-10T07:55:00+08:00');
    await runFor(5); // 07:55 .. 07:59
    expect(ran()).toHaveLength(5);
    noTicksFor(HOUR + 10 * MINUTE); // 08:00 .. 09:09 never ticked
    runs.length = 0;
    const results = await runFor(2); // 09:10, 09:11

    // The 08:30 digest is 40 minutes late, within its hour: it runs now, once. The sweep does not
    // replay the 70 minutes it missed (its next run finds the same due items): it runs for 09:10.
    expect(ran()).toEqual(['sweep:2026-03-10T01:10:00.000Z', 'digest:2026-03-10', 'sweep:2026-03-10T01:11:00.000Z']);
    expect(runs.find((r) => r.name === 'digest')).toMatchObject({
      scheduledAt: new Date('2026-03-10T08:30:00+08:00'),
      at: new Date('2026-03-10T09:10:00+08:00'),
    });
    expect(results.filter((r) => r.job === 'digest').map((r) => r.action)).toEqual(['ran', 'taken']);
    expect(log.warnings()).toEqual([]);
  });

  it('keeps ticking after the clock is set back an hour: due slots run, slots already run do not run again', async () => {
    await fresh('2026-03-10T08:25:00+08:00');
    await runFor(46); // 08:25 .. 09:10
    expect(runs.filter((r) => r.name === 'digest').map((r) => r.slot)).toEqual(['2026-03-10']);
    expect(runs.filter((r) => r.name === 'sweep')).toHaveLength(46);

    setClock(-HOUR); // 09:11 becomes 08:11
    log.lines.length = 0; // (the first tick reported yesterday's digest and last Monday's bulletin as missed)
    const results = await runFor(62); // 08:11 .. 09:12

    const sweeps = runs.filter((r) => r.name === 'sweep').map((r) => r.slot);
    // 08:11 .. 08:24 had never run: they run now; 08:25 .. 09:10 had: they do not; then 09:11, 09:12
    expect(sweeps).toHaveLength(46 + 14 + 2);
    expect(new Set(sweeps).size).toBe(sweeps.length);
    expect(results.filter((r) => r.job === 'sweep' && r.action === 'taken')).toHaveLength(46);
    // the day's digest went out at 08:30 before the jump; 08:30 again is not a second digest
    expect(runs.filter((r) => r.name === 'digest')).toHaveLength(1);
    expect(results.filter((r) => r.job === 'digest').every((r) => r.action !== 'ran')).toBe(true);
    expect(log.warnings().map((l) => [l.msg, l.jumpMinutes])).toEqual([['clock set back; slots already run are not run again', -60]]);
  });

  it('catches up a forward jump of two weeks once per slot, as the catch-up policy says, in one log line', async () => {
    await fresh('2026-03-09T09:00:00+08:00'); // a Monday
    await runFor(1);
    expect(runs.map((r) => `${r.name}:${r.slot}`).sort()).toEqual(['bulletin:2026-03-09', 'digest:2026-03-09', 'sweep:2026-03-09T01:00:00.000Z']);
    runs.length = 0;

    setClock(14 * DAY + 14 * MINUTE); // 09:01 on 3-9 becomes 09:15 on 3-23
    const results = await runFor(1);

    // Each job's latest fire, if within its window, runs (late); the ones the clock skipped
    // within the catch-up horizon (8 days) are recorded as skipped; older ones are not looked at.
    expect(results.map((r) => [r.job, r.action, r.slot])).toEqual([
      ['sweep', 'ran', '2026-03-23T01:15:00.000Z'],
      ['digest', 'ran', '2026-03-23'],
      ['bulletin', 'ran', '2026-03-23'],
    ]);
    const skipped = await query(database.db, sql`select name, slot from cron_runs where outcome = 'skipped' order by name, slot`);
    expect(skipped).toEqual([
      { name: 'bulletin', slot: '2026-03-16' },
      ...['16', '17', '18', '19', '20', '21', '22'].map((d) => ({ name: 'digest', slot: `2026-03-${d}` })),
    ]);
    const warnings = log.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ msg: 'clock jumped forward; missed runs caught up once each', jumpMinutes: 14 * 24 * 60 + 14 });
    expect(warnings[0]!.skipped).toHaveLength(8);
    expect(warnings[0]!.ran).toEqual(['sweep:2026-03-23T01:15:00.000Z', 'digest:2026-03-23', 'bulletin:2026-03-23']);

    // The next minute is an ordinary one: nothing caught up again, nothing logged.
    const next = await runFor(1);
    expect(next.filter((r) => r.action === 'ran').map((r) => r.job)).toEqual(['sweep']);
    expect(log.warnings()).toHaveLength(1);
  });

  it('lets another instance take over a run left unfinished before the clock was set back, without waiting out the jump', async () => {
    await fresh('2026-03-10T10:00:00+08:00');
    const a = createPgRunCoordinator({ db: database.db, clock, instance: 'a' });
    const b = createPgRunCoordinator({ db: database.db, clock, instance: 'b' });
    expect(await a.claim({ name: 'bulletin', slot: 'w', ttlMs: 10 * MINUTE })).not.toBeNull();
    setClock(-HOUR); // and instance a died
    clock.advanceBy(MINUTE);
    expect(await b.claim({ name: 'bulletin', slot: 'w', ttlMs: 10 * MINUTE })).not.toBeNull();
    // a finished run is still never taken over
    await b.finish({ name: 'bulletin', slot: 'w', outcome: 'sent' });
    setClock(-HOUR);
    expect(await a.claim({ name: 'bulletin', slot: 'w', ttlMs: 10 * MINUTE })).toBeNull();
  });

  it('catches up a forward jump of a day on two instances: each missed slot once between them, the latest run late, one line each', async () => {
    await fresh('2026-03-10T08:58:00+08:00', 2); // a Tuesday
    await runFor(3); // 08:58 .. 09:00 (the first tick sends Tuesday's digest, 28 minutes late)
    setClock(DAY); // 09:01 on 3-10 becomes 09:01 on 3-11
    runs.length = 0;
    const results = await runFor(1);

    // Wednesday's 08:30 digest is 31 minutes late (within its hour): it runs, on one instance.
    expect(ran().sort()).toEqual(['digest:2026-03-11', 'sweep:2026-03-11T01:01:00.000Z']);
    expect(results.filter((r) => r.action === 'ran')).toHaveLength(2);
    expect(
      results
        .filter((r) => r.action === 'taken')
        .map((r) => r.job)
        .sort(),
    ).toEqual(['digest', 'sweep']);
    const digestRows = await query(database.db, sql`select slot, outcome from cron_runs where name = 'digest' order by slot`);
    expect(digestRows).toEqual([
      { slot: '2026-03-10', outcome: 'done' },
      { slot: '2026-03-11', outcome: 'done' },
    ]);
    // Each instance noticed the jump and said so once; no warning per skipped minute.
    const warnings = log.warnings();
    expect(warnings.map((l) => [l.msg, l.jumpMinutes])).toEqual([
      ['clock jumped forward; missed runs caught up once each', 24 * 60],
      ['clock jumped forward; missed runs caught up once each', 24 * 60],
    ]);
    expect(warnings.flatMap((l) => l.ran as string[]).sort()).toEqual(['digest:2026-03-11', 'sweep:2026-03-11T01:01:00.000Z']);
  });

  it('loses no slot in a forward jump within the horizon: every day the clock skipped is accounted for', async () => {
    await fresh('2026-03-10T12:00:00+08:00');
    await runFor(1);
    setClock(3 * DAY); // 12:01 on 3-10 becomes 12:01 on 3-13; the 08:30 digests of 3-11, 3-12, 3-13 were skipped over
    await runFor(1);
    const digestRows = await query(database.db, sql`select slot, outcome from cron_runs where name = 'digest' order by slot`);
    expect(digestRows).toEqual([
      { slot: '2026-03-10', outcome: 'skipped' },
      { slot: '2026-03-11', outcome: 'skipped' },
      { slot: '2026-03-12', outcome: 'skipped' },
      { slot: '2026-03-13', outcome: 'skipped' },
    ]);
    expect(log.warnings().filter((l) => l.msg === 'clock jumped forward; missed runs caught up once each')).toHaveLength(1);
  });
});

/**
 * Production's trigger, the minute timer, on vitest's fake timers (Date, timers and performance.now
 * are faked; setSystemTime moves the wall clock alone, as setting the machine's clock does). An
 * in-memory coordinator stands in for cron_runs.
 */
describe('the minute timer when the machine clock is set', () => {
  function memoryCoordinator(): RunCoordinator {
    const rows = new Set<string>();
    const key = (name: string, slot: string) => `${name}|${slot}`;
    return {
      instance: 'memory',
      claim: async ({ name, slot, now }) => {
        if (rows.has(key(name, slot))) return null;
        rows.add(key(name, slot));
        return now ?? new Date();
      },
      finish: async () => {},
      release: async ({ name, slot }) => void rows.delete(key(name, slot)),
      skip: async ({ name, slot }) => {
        if (rows.has(key(name, slot))) return false;
        rows.add(key(name, slot));
        return true;
      },
      prune: async () => 0,
    };
  }
  const minutes = (slots: string[]) => slots.map((s) => s.slice(11, 16));

  afterAll(() => {
    vi.useRealTimers();
  });

  it('ticks at start and at each minute, within a minute after the clock is set back an hour, and logs a jump forward in one line', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'], now: new Date('2026-03-10T01:00:30Z') });
    const swept: string[] = [];
    const log = capturingLogger();
    const scheduler = createScheduler({
      db: undefined as never,
      clock: systemClock,
      logger: log.logger,
      timezone: TZ,
      trigger: minuteTimer({ clock: systemClock }),
      monotonic: () => performance.now(),
      coordinator: memoryCoordinator(),
      jobs: [
        {
          name: 'sweep',
          cron: '* * * * *',
          run: async ({ slot }) => {
            swept.push(slot);
            return 'done';
          },
        },
      ],
    });
    try {
      await scheduler.start(); // the start-up tick, in 01:00
      await vi.advanceTimersByTimeAsync(5 * MINUTE);
      expect(minutes(swept)).toEqual(['01:00', '01:01', '01:02', '01:03', '01:04', '01:05']);

      swept.length = 0;
      vi.setSystemTime(Date.now() - HOUR); // 01:05:30 becomes 00:05:30
      await vi.advanceTimersByTimeAsync(5 * MINUTE);
      // The timer armed before the jump still wakes 30 s later (monotonic time), at 00:06: node-cron
      // would have waited out the hour.
      expect(minutes(swept)).toEqual(['00:06', '00:07', '00:08', '00:09', '00:10']);
      expect(log.warnings().map((l) => l.msg)).toEqual(['clock set back; slots already run are not run again']);

      swept.length = 0;
      log.lines.length = 0;
      vi.setSystemTime(Date.now() + 14 * DAY); // 00:10:30 becomes 00:10:30 two weeks on
      await vi.advanceTimersByTimeAsync(3 * MINUTE);
      // not one warning per skipped minute (20,000 of them): one line
      expect(log.warnings().map((l) => l.msg)).toEqual(['clock jumped forward; missed runs caught up once each']);
      expect(swept).toEqual(['2026-03-24T00:11:00.000Z', '2026-03-24T00:12:00.000Z', '2026-03-24T00:13:00.000Z']);

      await scheduler.stop();
      await vi.advanceTimersByTimeAsync(3 * MINUTE);
      expect(swept).toHaveLength(3);
    } finally {
      await scheduler.stop();
      vi.useRealTimers();
    }
  });
});
