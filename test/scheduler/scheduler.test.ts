import { sql } from 'drizzle-orm';
import { Api } from 'grammy';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type Db } from '../../src/db/client.js';
import { inlineFilePayloads } from '../../src/outbox/outbox-files.js';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import { silentLogger } from '../../src/logger.js';
import { createDispatcher, type Dispatcher } from '../../src/outbox/dispatcher.js';
import { createAppJobs } from '../../src/scheduler/jobs.js';
import { createPgRunCoordinator } from '../../src/scheduler/run-coordinator.js';
import { createScheduler, manualTrigger, type ManualTrigger, type Scheduler, type TickResult } from '../../src/scheduler/scheduler.js';
import { createManualClock, systemClock, type ManualClock } from '../../src/shared/clock.js';
import { createPgTestDatabase, createTestDatabase, describePg, storageKinds, type TestDatabase } from '../helpers/db.js';
import { act, at, digestsDeps, HOUSING_STAFF, LEADER, LEADERS_CHAT, openItem, seedDigestOrg, type DigestOrg } from '../digests/fixture.js';

const TZ = 'Asia/Shanghai';
const TOKEN = '7000000002:TEST-scheduler';

type Row = Record<string, unknown>;
async function query(db: Db, q: ReturnType<typeof sql>): Promise<Row[]> {
  const result = await db.execute(q);
  return (Array.isArray(result) ? result : (result as unknown as { rows: Row[] }).rows) as Row[];
}

function only(results: TickResult[], job: string): TickResult {
  const found = results.find((r) => r.job === job);
  if (!found) throw new Error(`no result for ${job}: ${JSON.stringify(results)}`);
  return found;
}

/** A pino logger whose lines the test can read. */
function capturingLogger() {
  const lines: Row[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Row) });
  return { logger, lines };
}

describePg('three scheduler instances on one PostgreSQL', () => {
  let database: TestDatabase;
  const pools: Database[] = [];
  let clock: ManualClock;
  let tg: FakeTelegram;
  let dispatcher: Dispatcher;
  let schedulers: Scheduler[];
  let triggers: ManualTrigger[];
  let chats: { leaders: number; housing: number; urban: number; education: number };
  const sweeps: { instance: number; now: Date }[] = [];
  const slotSweeps: { instance: number; now: Date }[] = [];

  beforeAll(async () => {
    database = await createPgTestDatabase();
    clock = createManualClock('2026-03-02T09:00:00+08:00');
    tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_sched_bot', botFirstName: '督办' });
    const group = (title: string) => tg.createGroup({ title }).id;
    chats = { leaders: group('领导群'), housing: group('住建局群'), urban: group('城管局群'), education: group('教育局群') };
    const deps = digestsDeps(database.db, clock);
    const org = await seedDigestOrg(deps, chats);
    await openItem(deps, { lead: [org.housing], deadline: '2026-03-05', leadersChat: chats.leaders });
    await openItem(deps, { lead: [org.urban], cooperating: [org.housing], deadline: '2026-03-12', leadersChat: chats.leaders });

    // Three instances: each its own connection pool, coordinator and scheduler, ticked through the
    // trigger exactly as production's minute timer ticks it.
    schedulers = [];
    triggers = [];
    for (let i = 0; i < 3; i++) {
      const pool = await openDatabase({ databaseUrl: database.url!, max: 4 });
      pools.push(pool);
      const jobs = createAppJobs(digestsDeps(pool.db, clock), {
        // The minutely sweep; the digest also sweeps first (its morning reminders), counted apart.
        sweep: async ({ now, purpose }) => {
          if (purpose === 'minute') sweeps.push({ instance: i, now });
          else slotSweeps.push({ instance: i, now });
        },
      });
      const trigger = manualTrigger();
      const scheduler = createScheduler({ db: pool.db, clock, logger: silentLogger, timezone: TZ, jobs, instance: `instance-${i}`, trigger });
      await scheduler.start();
      schedulers.push(scheduler);
      triggers.push(trigger);
    }
    const api = new Api(TOKEN, { apiRoot: tg.apiRoot });
    api.config.use(inlineFilePayloads());
    dispatcher = createDispatcher({
      db: database.db,
      api,
      logger: silentLogger,
      clock: systemClock,
      limits: { privateGapMs: 0, groupGapMs: 0, groupWindowMax: 0, globalPerSecond: 0 },
    });
  });
  afterAll(async () => {
    for (const scheduler of schedulers) await scheduler.stop();
    await dispatcher.stop();
    for (const pool of pools) await pool.close();
    await tg.stop();
    await database.drop();
  });

  /** The three instances' minute timers going off together at `local`. */
  const tickAll = async (local: string) => {
    at(clock, local);
    return (await Promise.all(triggers.map((t) => t.fire()))).flat();
  };
  const digestsIn = (chatId: number) => tg.sentMessages(chatId).filter((m) => m.text?.includes('每日督办摘要'));

  it('sends every digest exactly once when all three are ticked at the same instant', async () => {
    const results = await tickAll('2026-03-11 08:30');
    const digest = results.filter((r) => r.job === 'digest');
    expect(digest.filter((r) => r.action === 'ran')).toHaveLength(1);
    expect(digest.filter((r) => r.action === 'taken')).toHaveLength(2);
    expect(digest.find((r) => r.action === 'ran')?.outcome).toBe('sent');
    expect(sweeps).toHaveLength(1);
    // The digest's own sweep plans the reminders due at today's opening (09:00), once.
    expect(slotSweeps.map((s) => s.now)).toEqual([new Date('2026-03-11T09:00:00+08:00')]);

    await dispatcher.drain();
    expect(digestsIn(chats.leaders)).toHaveLength(1);
    expect(digestsIn(chats.housing)).toHaveLength(1);
    expect(digestsIn(chats.urban)).toHaveLength(1);
    expect(digestsIn(chats.education)).toHaveLength(0);
    expect(digestsIn(chats.leaders)[0]!.text).not.toContain('推迟');

    const runs = await query(database.db, sql`select name, slot, outcome from cron_runs where name = 'digest'`);
    expect(runs).toEqual([{ name: 'digest', slot: '2026-03-11', outcome: 'sent' }]);
  });

  it('keeps doing so tick after tick: one sweep a minute, nothing more of the day’s digest', async () => {
    for (const minute of ['08:31', '08:32', '08:33', '08:34', '08:35']) {
      const results = await tickAll(`2026-03-11 ${minute}`);
      expect(results.filter((r) => r.job === 'digest' && r.action === 'ran')).toHaveLength(0);
    }
    expect(sweeps).toHaveLength(6);
    expect(new Set(sweeps.map((s) => s.now.toISOString())).size).toBe(6);
    await dispatcher.drain();
    expect(digestsIn(chats.leaders)).toHaveLength(1);
  });

  it('posts the Monday bulletin once with its chart, and the morning digest missed by half an hour late, once', async () => {
    const results = await tickAll('2026-03-16 09:00');
    expect(results.filter((r) => r.job === 'bulletin' && r.action === 'ran')).toHaveLength(1);
    expect(results.filter((r) => r.job === 'digest' && r.action === 'ran').map((r) => r.outcome)).toEqual(['late']);
    await dispatcher.drain();
    const bulletins = tg.sentMessages(chats.leaders).filter((m) => m.text?.includes('督办通报'));
    expect(bulletins).toHaveLength(1);
    const photos = tg.sentMessages(chats.leaders).filter((m) => m.photo);
    expect(photos).toHaveLength(1);
    const late = digestsIn(chats.leaders).at(-1)!;
    expect(late.text).toContain('本应在 08:30 发送，因系统停机推迟 30 分钟');
    expect(digestsIn(chats.leaders)).toHaveLength(2);
  });

  it('never gives one slot to two instances, over many rounds of simultaneous ticks', async () => {
    const before = sweeps.length;
    const rounds = 30;
    for (let i = 0; i < rounds; i++) {
      clock.set(new Date(Date.parse('2026-03-17T10:00:00+08:00') + i * 60_000));
      await Promise.all(triggers.map((t) => t.fire()));
    }
    expect(sweeps.length - before).toBe(rounds);
    const perInstance = [0, 1, 2].map((i) => sweeps.slice(before).filter((s) => s.instance === i).length);
    expect(perInstance.reduce((a, b) => a + b, 0)).toBe(rounds);
  });
});

describe.each(storageKinds())('digests missed while down, and days off (%s)', (kind) => {
  let database: TestDatabase;
  let clock: ManualClock;
  let org: DigestOrg;
  let scheduler: Scheduler;
  const trigger = manualTrigger();
  const log = capturingLogger();
  const deps = () => digestsDeps(database.db, clock);
  /** The minute timer going off at `local` (the instances were down until then). */
  const tickAt = async (local: string) => {
    at(clock, local);
    return trigger.fire();
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    clock = createManualClock('2026-03-09T09:00:00+08:00');
    org = await seedDigestOrg(deps());
    await openItem(deps(), { lead: [org.housing], deadline: '2026-03-20', text: '第一件：周一交办的事项。' });
    scheduler = createScheduler({ db: database.db, clock, logger: log.logger, timezone: TZ, jobs: createAppJobs(deps()), trigger });
    await scheduler.start();
  });
  afterAll(async () => {
    await scheduler.stop();
    await database.drop();
  });

  const digestRows = async (date: string) =>
    (await query(database.db, sql`select key, payload from outbox where purpose = 'digest' and key like ${`%:${date}%`} order by id`)).map((r) => ({
      key: String(r.key),
      text: String((typeof r.payload === 'string' ? JSON.parse(r.payload) : (r.payload as { text: string })).text),
    }));

  it('sends a digest missed by less than the window late, saying so', async () => {
    const results = await tickAt('2026-03-10 09:45');
    expect(only(results, 'digest')).toMatchObject({ action: 'ran', slot: '2026-03-10', outcome: 'late' });
    const rows = await digestRows('2026-03-10');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toContain('⏰ 本应在 08:30 发送，因系统停机推迟 75 分钟。');
  });

  it('skips and logs a digest missed by more than the window; the next one covers the gap', async () => {
    const results = await tickAt('2026-03-11 11:00');
    expect(only(results, 'digest')).toMatchObject({ action: 'missed', slot: '2026-03-11', outcome: 'skipped' });
    expect(await digestRows('2026-03-11')).toHaveLength(0);
    expect(log.lines.some((l) => l.msg === 'missed run is too old; skipped' && l.job === 'digest' && l.slot === '2026-03-11' && l.lateMinutes === 150)).toBe(
      true,
    );
    // Once recorded, the missed slot is not reported again.
    expect(only(await tickAt('2026-03-11 11:01'), 'digest').action).toBe('none');

    at(clock, '2026-03-11 14:00');
    await openItem(deps(), { lead: [org.urban], deadline: '2026-03-27', text: '第二件：周三下午交办的事项。' });
    expect(only(await tickAt('2026-03-12 08:30'), 'digest')).toMatchObject({ action: 'ran', outcome: 'sent' });
    const [row] = await digestRows('2026-03-12');
    // From the last digest that went out (Tuesday, 09:45), so Wednesday's item is new.
    expect(row!.text).toContain('统计区间：03-10 09:45 至 03-12 08:30');
    expect(row!.text).toContain('第二件：周三下午交办的事项。');
    expect(row!.text).not.toContain('推迟');
  });

  it('sends no digest on a holiday, and the first one after it covers the whole holiday', async () => {
    expect(only(await tickAt('2026-04-03 08:30'), 'digest')).toMatchObject({ action: 'ran', outcome: 'sent' });
    at(clock, '2026-04-04 10:00');
    const holidayItem = await openItem(deps(), { lead: [org.housing], deadline: '2026-04-30', text: '第三件：清明假期里交办的事项。' });
    for (const day of ['2026-04-04', '2026-04-05', '2026-04-06']) {
      expect(only(await tickAt(`${day} 08:30`), 'digest')).toMatchObject({ action: 'ran', outcome: 'skipped' });
      expect(await digestRows(day)).toHaveLength(0);
    }
    // The bulletin is a weekly record: it goes out on a Monday that is a holiday too.
    expect(only(await tickAt('2026-04-06 09:00'), 'bulletin')).toMatchObject({ action: 'ran', slot: '2026-W15', outcome: 'sent' });
    at(clock, '2026-04-06 11:00');
    await act(deps(), HOUSING_STAFF, holidayItem, { type: 'submit_result', text: '假期里办完了' });
    await act(deps(), LEADER, holidayItem, { type: 'confirm_result' });

    expect(only(await tickAt('2026-04-07 08:30'), 'digest')).toMatchObject({ action: 'ran', outcome: 'sent' });
    const [row] = await digestRows('2026-04-07');
    expect(row!.text).toContain('统计区间：04-03 08:30 至 04-07 08:30');
    expect(row!.text).toMatch(/自上次摘要：新交办 1 · [^\n]*办结 1/);
    expect(row!.text).toContain('第三件：清明假期里交办的事项。');
    const runs = await query(database.db, sql`select slot, outcome from cron_runs where name = 'digest' and slot like '2026-04-%' order by slot`);
    expect(runs).toEqual([
      { slot: '2026-04-03', outcome: 'sent' },
      { slot: '2026-04-04', outcome: 'skipped' },
      { slot: '2026-04-05', outcome: 'skipped' },
      { slot: '2026-04-06', outcome: 'skipped' },
      { slot: '2026-04-07', outcome: 'sent' },
    ]);
  });

  it('sends the digest on a make-up working Saturday (调休)', async () => {
    expect(only(await tickAt('2026-05-09 08:30'), 'digest')).toMatchObject({ action: 'ran', outcome: 'sent' });
    expect(await digestRows('2026-05-09')).toHaveLength(1);
  });
});

describe.each(storageKinds())('the run coordinator (%s)', (kind) => {
  let database: TestDatabase;
  const clock = createManualClock('2026-03-11T08:30:00+08:00');
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('gives a slot to one of two instances claiming it at once, and to nobody once it is finished', async () => {
    const a = createPgRunCoordinator({ db: database.db, clock, instance: 'a' });
    const b = createPgRunCoordinator({ db: database.db, clock, instance: 'b' });
    const claims = await Promise.all([a, b].map((c) => c.claim({ name: 'digest', slot: '2026-03-11', ttlMs: 60_000 })));
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    const winner = claims[0] ? a : b;
    await winner.finish({ name: 'digest', slot: '2026-03-11', outcome: 'sent' });
    // A tick hours later (catching up) competes for the same row: the day's slot is taken.
    clock.advanceBy(3_600_000);
    expect(await a.claim({ name: 'digest', slot: '2026-03-11', ttlMs: 60_000 })).toBeNull();
    expect(await b.claim({ name: 'digest', slot: '2026-03-11', ttlMs: 60_000 })).toBeNull();
    const [row] = await query(database.db, sql`select instance, outcome, finished_at is not null as finished from cron_runs where name = 'digest'`);
    expect(row).toMatchObject({ instance: winner.instance, outcome: 'sent', finished: true });
  });

  it('lets another instance take over a run whose instance died, once its lease has run out', async () => {
    const a = createPgRunCoordinator({ db: database.db, clock, instance: 'a' });
    const b = createPgRunCoordinator({ db: database.db, clock, instance: 'b' });
    expect(await a.claim({ name: 'bulletin', slot: '2026-W11', ttlMs: 600_000 })).not.toBeNull();
    clock.advanceBy(599_000);
    expect(await b.claim({ name: 'bulletin', slot: '2026-W11', ttlMs: 600_000 })).toBeNull();
    clock.advanceBy(2_000);
    expect(await b.claim({ name: 'bulletin', slot: '2026-W11', ttlMs: 600_000 })).not.toBeNull();
    // A finished run is never taken over.
    await b.finish({ name: 'bulletin', slot: '2026-W11', outcome: 'sent' });
    clock.advanceBy(3_600_000);
    expect(await a.claim({ name: 'bulletin', slot: '2026-W11', ttlMs: 600_000 })).toBeNull();
  });

  it('gives a failed run’s slot back, so the next tick within the window tries again', async () => {
    let calls = 0;
    const trigger = manualTrigger();
    const scheduler = createScheduler({
      db: database.db,
      clock,
      logger: silentLogger,
      timezone: TZ,
      instance: 'flaky',
      trigger,
      jobs: [
        {
          name: 'flaky',
          cron: '0 7 * * *',
          lateWindowMs: 30 * 60_000,
          reportMissed: true,
          async run() {
            calls++;
            if (calls === 1) throw new Error('database went away');
            return 'sent';
          },
        },
      ],
    });
    await scheduler.start();
    clock.set('2026-03-12T07:00:00+08:00');
    expect(await trigger.fire()).toEqual([{ job: 'flaky', slot: '2026-03-11T23:00:00.000Z', action: 'failed' }]);
    clock.set('2026-03-12T07:01:00+08:00');
    expect(await trigger.fire()).toEqual([{ job: 'flaky', slot: '2026-03-11T23:00:00.000Z', action: 'ran', outcome: 'sent' }]);
    expect(calls).toBe(2);
    await scheduler.stop();
    await expect(trigger.fire()).rejects.toThrow(/not started/);
  });

  it('prunes a minutely job’s old rows', async () => {
    const c = createPgRunCoordinator({ db: database.db, clock, instance: 'p' });
    clock.set('2026-03-01T00:00:00Z');
    for (let i = 0; i < 5; i++) {
      await c.claim({ name: 'sweep', slot: `old-${i}`, ttlMs: 1 });
      await c.finish({ name: 'sweep', slot: `old-${i}`, outcome: 'done' });
    }
    expect(await c.prune({ name: 'sweep', before: new Date('2026-03-02T00:00:00Z') })).toBe(5);
  });
});

describe('the production start (the minute timer)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('ticks once at start, catching up the morning’s digest, and stops cleanly', async () => {
    const clock = createManualClock('2026-03-11T09:10:00+08:00');
    const deps = digestsDeps(database.db, clock);
    await seedDigestOrg(deps);
    const ran: string[] = [];
    // No trigger given: the default, production's minute timer (its later ticks are in scheduler.clock.test.ts).
    const scheduler = createScheduler({
      db: database.db,
      clock,
      logger: silentLogger,
      timezone: TZ,
      jobs: createAppJobs(deps).map((job) => ({
        ...job,
        run: async (run) => {
          ran.push(`${job.name}:${run.slot}`);
          return job.run(run);
        },
      })),
    });
    await scheduler.start();
    await scheduler.stop();
    expect(ran).toEqual(['digest:2026-03-11']);
    const rows = await query(database.db, sql`select key from outbox where chat_id = ${LEADERS_CHAT}`);
    expect(rows.map((r) => r.key)).toEqual(['digest:-1001:2026-03-11']);
  });

  it('refuses a job that would fire between two minutely ticks', () => {
    const job = { name: 'half', cron: '30 * * * * *', run: async () => 'done' as const };
    expect(() => createScheduler({ db: database.db, clock: systemClock, logger: silentLogger, timezone: TZ, jobs: [job] })).toThrow(/second 0/);
  });
});
