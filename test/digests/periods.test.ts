import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBulletin, runDailyDigests, runWeeklyBulletin } from '../../src/digests/digests.usecases.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { act, at, digestsDeps, HOUSING_STAFF, LEADER, LEADERS_CHAT, openItem, seedDigestOrg, URBAN_STAFF, type DigestOrg } from './fixture.js';

async function bulletinText(database: TestDatabase, week: string): Promise<string> {
  const result = await database.db.execute(sql`select payload from outbox where key = ${`bulletin:${LEADERS_CHAT}:${week}`}`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { payload: { text: string } | string }[];
  const payload = rows[0]!.payload;
  return (typeof payload === 'string' ? (JSON.parse(payload) as { text: string }) : payload).text;
}

const rankingLines = (text: string) => text.split('\n').filter((l) => /^\d+\. /.test(l));

describe('what period a digest or a bulletin covers, and says it covers', () => {
  let database: TestDatabase;
  const clock = createManualClock('2026-12-01T15:00:00+08:00');
  const deps = () => digestsDeps(database.db, clock);
  let org: DigestOrg;
  const ids = {} as Record<'P' | 'Q' | 'R', number>;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Installed on Tuesday 1 December 2026 at 15:00.
    org = await seedDigestOrg(deps());
    at(clock, '2026-12-01 15:05');
    ids.P = await openItem(deps(), { lead: [org.housing], deadline: '2026-12-18' });
    ids.Q = await openItem(deps(), { lead: [org.urban], deadline: '2026-12-18' });
    ids.R = await openItem(deps(), { lead: [org.housing], deadline: '2027-01-29' });
    at(clock, '2026-12-01 16:00');
    await act(deps(), HOUSING_STAFF, ids.P, { type: 'acknowledge' });
    await act(deps(), HOUSING_STAFF, ids.R, { type: 'acknowledge' });
    await act(deps(), URBAN_STAFF, ids.Q, { type: 'acknowledge' });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('the first digest of a new installation counts since the installation, and says so', async () => {
    const scheduledAt = at(clock, '2026-12-02 08:30');
    await runDailyDigests(deps(), { scheduledAt });
    const result = await database.db.execute(sql`select payload from outbox where key = ${`digest:${LEADERS_CHAT}:2026-12-02`}`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { payload: { text: string } }[];
    const text = rows[0]!.payload.text;
    expect(text).toContain('统计区间：12-01 15:00 至 12-02 08:30（自开始使用起）');
    expect(text).toContain('新交办 3 件');
  });

  it('/bulletin asked on a Sunday covers this week up to that moment, and says so', async () => {
    at(clock, '2026-12-13 10:00');
    await act(deps(), HOUSING_STAFF, ids.P, { type: 'submit_result', text: '已完成' });
    await act(deps(), LEADER, ids.P, { type: 'confirm_result' });
    at(clock, '2026-12-13 15:20');
    const bulletin = await requestBulletin(deps(), { actorId: LEADER, chat: { chatId: LEADER, threadId: 0, isPrivate: true } });
    expect(bulletin.week).toBe('2026-W50');
    const text = bulletin.texts[0]!;
    expect(text).toContain('统计至 2026-12-13 15:20（本周截至此刻）。本周：2026-12-07 至 2026-12-13；年度累计：2026-01-01 至 2026-12-13。');
    expect(text).toMatch(/办结 1 件（按时 1 件）/);
  });

  it('the bulletin of the week across the new year counts the year that week belongs to', async () => {
    await runWeeklyBulletin(deps(), { scheduledAt: at(clock, '2027-01-04 09:00') });
    const text = await bulletinText(database, '2026-W53');
    expect(text).toContain('本周：2026-12-28 至 2027-01-03；年度累计：2026-01-01 至 2026-12-31。');
    expect(rankingLines(text)).toEqual([
      '1. <b>市住房和城乡建设局</b> · 按时办结 100%（1/1）· 按时签收 100%（2/2）· 逾期 0 · 催办 0 · 退回 0',
      '2. <b>市城市管理执法局</b> · 按时办结 0%（0/1）· 按时签收 100%（1/1）· 逾期 1 · 催办 0 · 退回 0',
    ]);
    expect(text).not.toContain('全年（最终）');
  });

  it('a bulletin in January also shows last year’s final figures; in February it does not', async () => {
    await runWeeklyBulletin(deps(), { scheduledAt: at(clock, '2027-01-11 09:00') });
    const text = await bulletinText(database, '2027-W01');
    expect(text).toContain('本周：2027-01-04 至 2027-01-10；年度累计：2027-01-01 至 2027-01-10。');
    const [, lastYear] = text.split('2026 年全年（最终）');
    expect(lastYear).toBeDefined();
    expect(lastYear).toContain('2026-01-01 至 2026-12-31');
    expect(rankingLines(lastYear!)).toEqual([
      '1. <b>市住房和城乡建设局</b> · 按时办结 100%（1/1）· 按时签收 100%（2/2）· 逾期 0 · 催办 0 · 退回 0',
      '2. <b>市城市管理执法局</b> · 按时办结 0%（0/1）· 按时签收 100%（1/1）· 逾期 1 · 催办 0 · 退回 0',
    ]);
    await runWeeklyBulletin(deps(), { scheduledAt: at(clock, '2027-02-08 09:00') });
    expect(await bulletinText(database, '2027-W05')).not.toContain('全年（最终）');
  });
});
