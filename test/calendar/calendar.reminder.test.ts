import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCalendarSchedules, isCoveredYear } from '../../src/calendar/model/working-calendar.js';
import { importCalendarYear, runCalendarReminder, yearsToLoad } from '../../src/calendar/calendar.usecases.js';
import type { Db } from '../../src/db/client.js';
import { runDailyDigests } from '../../src/digests/digests.usecases.js';
import { grantRole, recordPerson } from '../../src/org/org.usecases.js';
import { createAppJobs } from '../../src/scheduler/jobs.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createManualClock } from '../../src/shared/clock.js';
import { silentLogger } from '../../src/logger.js';
import { ADMIN, digestsDeps, LEADERS_CHAT, seedDigestOrg } from '../digests/fixture.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const OTHER_ADMIN = 9;

async function outboxRows(db: Db) {
  const result = await db.execute(sql`select key, chat_id, payload from outbox where purpose = 'calendar_reminder' order by id`);
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { key: string; chat_id: string | number; payload: { text: string } }[];
}

describe('yearsToLoad', () => {
  const covered = (years: number[]) => (y: number) => years.includes(y);
  it('asks for next year from 1 November, and for the current year whenever it has no schedule', () => {
    expect(yearsToLoad({ today: '2026-10-31', covered: covered([2026]) })).toEqual([]);
    expect(yearsToLoad({ today: '2026-11-01', covered: covered([2026]) })).toEqual([2027]);
    expect(yearsToLoad({ today: '2026-12-31', covered: covered([2026, 2027]) })).toEqual([]);
    expect(yearsToLoad({ today: '2027-01-04', covered: covered([2026]) })).toEqual([2027]);
    expect(yearsToLoad({ today: '2027-11-08', covered: covered([2026]) })).toEqual([2027, 2028]);
  });
});

describe('the weekly reminder that next year’s schedule is not loaded', () => {
  let database: TestDatabase;
  const clock = createManualClock('2026-10-26T09:00:00+08:00');
  const deps = () => digestsDeps(database.db, clock);
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDigestOrg(deps());
    installCalendarSchedules([]);
  });
  afterAll(async () => {
    installCalendarSchedules([]);
    await database.drop();
  });

  it('reaches the leaders groups while no admin has a private chat with the bot, and nobody before November', async () => {
    expect(isCoveredYear(2027)).toBe(false);
    expect(await runCalendarReminder(deps(), { week: '2026-W44' })).toEqual({ years: [], planned: 0 });
    clock.set('2026-11-02T09:00:00+08:00');
    expect(await runCalendarReminder(deps(), { week: '2026-W45' })).toEqual({ years: [2027], planned: 1 });
    const [row] = await outboxRows(database.db);
    expect(row).toMatchObject({ key: `calendar:${LEADERS_CHAT}:2027:2026-W45` });
    expect(row!.payload.text).toContain('2027 年节假日安排尚未导入');
  });

  it('tells every admin who started the bot privately, in their language, once a week however often it runs, through the scheduler', async () => {
    await recordPerson(deps(), { id: ADMIN, firstName: '王', languageCode: 'zh-hans', startedBot: true });
    const admin = { personId: ADMIN, isAdmin: true, isLeader: false, unitIds: [] };
    await grantRole(deps(), { actor: admin, person: { id: OTHER_ADMIN, firstName: 'Ann', languageCode: 'en' }, role: 'admin' });
    await recordPerson(deps(), { id: OTHER_ADMIN, firstName: 'Ann', languageCode: 'en', startedBot: true });
    const scheduler = createScheduler({ db: database.db, clock, logger: silentLogger, timezone: 'Asia/Shanghai', jobs: createAppJobs(deps()) });
    clock.set('2026-11-09T09:00:00+08:00');
    const results = await scheduler.tick();
    expect(results.find((r) => r.job === 'calendar_reminder')).toMatchObject({ action: 'ran', slot: '2026-W46', outcome: 'sent' });
    clock.set('2026-11-09T10:00:00+08:00');
    expect(await runCalendarReminder(deps(), { week: '2026-W46' })).toEqual({ years: [2027], planned: 0 });
    const rows = (await outboxRows(database.db)).filter((r) => r.key.endsWith('2026-W46'));
    expect(rows.map((r) => [r.key, Number(r.chat_id)])).toEqual([
      [`calendar:${ADMIN}:2027:2026-W46`, ADMIN],
      [`calendar:${OTHER_ADMIN}:2027:2026-W46`, OTHER_ADMIN],
    ]);
    expect(rows[1]!.payload.text).toContain('The 2027 holiday schedule is not loaded yet');
  });

  it('sends no daily digest on 元旦 2027 though nobody loaded 2027', async () => {
    clock.set('2027-01-01T08:30:00+08:00');
    expect(await runDailyDigests(deps(), { scheduledAt: clock.now() })).toMatchObject({ outcome: 'skipped', reason: 'non_working_day' });
    clock.set('2026-11-09T10:00:00+08:00');
  });

  it('stops once the year is imported', async () => {
    const days = ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'];
    await importCalendarYear(deps(), { file: { year: 2027, daysOff: days, workdays: [], notice: null }, fileName: 'c.csv', via: 'cli' });
    clock.set('2026-11-16T09:00:00+08:00');
    expect(await runCalendarReminder(deps(), { week: '2026-W47' })).toEqual({ years: [], planned: 0 });
  });
});
