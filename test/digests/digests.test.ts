import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronRuns, reminders } from '../../src/db/schema/index.js';
import { bulletinFiguresFor, leadersDigestMessages, runDailyDigests, runWeeklyBulletin, unitDigestMessages } from '../../src/digests/digests.usecases.js';
import { decodeButton } from '../../src/notifications/callback-data.js';
import { createManualClock, type ManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';
import {
  act,
  at,
  digestsDeps,
  EDUCATION_CHAT,
  HOUSING_CHAT,
  HOUSING_STAFF,
  LEADER,
  LEADERS_CHAT,
  ADMIN,
  openItem,
  seedDigestOrg,
  URBAN_CHAT,
  URBAN_STAFF,
  type DigestOrg,
} from './fixture.js';

type OutboxRow = { key: string; chat_id: number; purpose: string; method: string; payload: { text?: string; caption?: string } };

async function outboxRows(database: TestDatabase, purposePrefix: string): Promise<OutboxRow[]> {
  const result = await database.db.execute(
    sql`select key, chat_id, purpose, method, payload from outbox where purpose like ${`${purposePrefix}%`} order by id`,
  );
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: OutboxRow[] }).rows) as OutboxRow[];
  return rows.map((r) => ({ ...r, chat_id: Number(r.chat_id), payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
}

describe.each(storageKinds())('daily digests and the weekly bulletin (%s)', (kind) => {
  let database: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof digestsDeps>;
  let org: DigestOrg;
  const ids = {} as Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J', number>;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    clock = createManualClock('2026-03-02T09:00:00+08:00');
    deps = digestsDeps(database.db, clock);
    org = await seedDigestOrg(deps);

    // Monday 2 March: the items that will be late, due or closed by Wednesday 11 March.
    at(clock, '2026-03-02 09:00');
    ids.A = await openItem(deps, { lead: [org.housing], deadline: '2026-03-05' });
    ids.B = await openItem(deps, { lead: [org.urban], deadline: '2026-03-02' });
    ids.C = await openItem(deps, { lead: [org.housing], deadline: '2026-03-13' });
    ids.D = await openItem(deps, { lead: [org.urban], deadline: '2026-03-11' });
    ids.E = await openItem(deps, { lead: [org.urban], deadline: '2026-03-20' });
    ids.G = await openItem(deps, { lead: [org.housing], deadline: '2026-03-06' });
    ids.H = await openItem(deps, { lead: [org.urban], deadline: '2026-03-06' });
    ids.I = await openItem(deps, { lead: [org.housing], deadline: '2026-03-04' });
    ids.J = await openItem(deps, { lead: [org.education], deadline: '2026-03-30' });
    at(clock, '2026-03-02 10:00');
    await act(deps, HOUSING_STAFF, ids.A, { type: 'acknowledge' });
    at(clock, '2026-03-03 10:00');
    await act(deps, HOUSING_STAFF, ids.G, { type: 'submit_result', text: 'G 已完成' });
    await act(deps, URBAN_STAFF, ids.H, { type: 'submit_result', text: 'H 已完成' });
    at(clock, '2026-03-09 11:00');
    await act(deps, LEADER, ids.H, { type: 'confirm_result' });
    await act(deps, ADMIN, ids.I, { type: 'excuse', reason: '上级政策调整' });
    await act(deps, LEADER, ids.J, { type: 'cancel', reason: '不再需要' });
    at(clock, '2026-03-10 10:00');
    await act(deps, URBAN_STAFF, ids.E, { type: 'submit_result', text: 'E 已完成' });
    at(clock, '2026-03-10 15:00');
    ids.F = await openItem(deps, { lead: [org.resources], cooperating: [org.housing], deadline: '2026-03-31', text: '请市自然资源局牵头完成新的整改任务。' });
    at(clock, '2026-03-10 16:00');
    await act(deps, LEADER, ids.G, { type: 'confirm_result' });
    // Tuesday's digest went out (its cron_runs row is what the next digest counts from).
    await database.db.insert(cronRuns).values({
      name: 'digest',
      slot: '2026-03-10',
      instance: 'test',
      startedAt: new Date('2026-03-10T08:30:00+08:00'),
      finishedAt: new Date('2026-03-10T08:30:01+08:00'),
      outcome: 'sent',
    });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('tells the leaders, per unit and most urgent first, what is unacknowledged (for how long), overdue, waiting and changed since the last digest', async () => {
    const scheduledAt = at(clock, '2026-03-11 08:30');
    const result = await runDailyDigests(deps, { scheduledAt });
    expect(result).toMatchObject({ outcome: 'sent' });

    const rows = await outboxRows(database, 'digest');
    expect(rows.map((r) => r.key)).toEqual(['digest:-1001:2026-03-11']);
    const text = rows[0]!.payload.text!;
    expect(text).toContain('每日督办摘要</b> 2026-03-11');
    // The last digest before this one would have been Tuesday's: changes count from there.
    expect(text).toContain('统计区间：03-10 08:30 至 03-11 08:30');
    // Counts before lists; unacknowledged counted (B, C, D, I and F's two units: five items).
    expect(text).toContain('在办 7 件 · 未签收 5 件 · 逾期 2 件 · 待领导决定 1 件 · 3 个工作日内到期 2 件');
    expect(text).toContain('自上次摘要：新交办 1 · 签收 1 · 报送结果 1 · 办结 1');
    expect(text).toContain('另有 1 件逾期事项已容错，不计入逾期。');
    // What waits on a leader comes first: E's result, with its buttons.
    expect(text.indexOf('待领导决定</b>')).toBeLessThan(text.indexOf('<b>各单位</b>'));
    expect(text).toContain('1. 督办〔2026〕5号 市城市管理执法局 · 办理结果待确认（03-10 10:00 报送）');
    const buttons = (rows[0]!.payload as { reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } }).reply_markup!.inline_keyboard;
    expect(
      buttons.map((row) =>
        row.map((b) => [b.text, decodeButton(b.callback_data)?.action, (decodeButton(b.callback_data) as { itemId?: number } | undefined)?.itemId]),
      ),
    ).toEqual([
      [
        ['1 确认办结', 'cfm', ids.E],
        ['1 退回', 'ret', ids.E],
        ['1 查看', 'viw', ids.E],
      ],
    ]);
    // Per unit, the most urgent first (severe overdue before plain overdue), each with its lists.
    const urbanBlock = [
      '<b>市城市管理执法局</b>：⚪未签收 2 · 🔴逾期 1（严重 1） · ⏳待确认 1 · ⏰临期 1 · 在办 3',
      '  ⚪ 未签收：督办〔2026〕2号 7 个工作日、督办〔2026〕4号 7 个工作日',
      '  🔴 逾期：督办〔2026〕2号 晚 7 个工作日（9 天）',
      '  ⏳ 待确认：督办〔2026〕5号 已等 1 个工作日',
      '  🔄 变化：签收 1 · 报送结果 1',
    ].join('\n');
    const housingBlock = [
      '<b>市住房和城乡建设局</b>：⚪未签收 3 · 🔴逾期 1 · ⏰临期 1 · 在办 3',
      '  ⚪ 未签收：督办〔2026〕3号 7 个工作日、督办〔2026〕8号 7 个工作日、督办〔2026〕10号（配合） 1 个工作日',
      '  🔴 逾期：督办〔2026〕1号 晚 4 个工作日（6 天）',
      '  🔄 变化：办结 1',
    ].join('\n');
    const resourcesBlock = ['<b>市自然资源局</b>：⚪未签收 1 · 在办 1', '  ⚪ 未签收：督办〔2026〕10号 1 个工作日', '  🔄 变化：新交办 1'].join('\n');
    expect(text).toContain(`${urbanBlock}\n${housingBlock}\n${resourcesBlock}`);
    // Then what falls due soon (colours as in the reminders) and what is new.
    expect(text).toMatch(
      /🟡 督办〔2026〕4号 市城市管理执法局 · 2026-03-11 到期（还有 0 个工作日）[^\n]*\n🔵 督办〔2026〕3号 市住房和城乡建设局 · 2026-03-13 到期（还有 2 个工作日）/,
    );
    expect(text).toContain('🆕 督办〔2026〕10号 市自然资源局 · 时限 2026-03-31 · 请市自然资源局牵头完成新的整改任务。');
    // H closed on Monday, before the last digest; J was cancelled: neither is in this one.
    expect(text).not.toContain('督办〔2026〕7号');
    expect(text).not.toContain('督办〔2026〕9号');
  });

  it('gives each unit group a digest of its own open items; a unit with nothing open gets none', async () => {
    const rows = await outboxRows(database, 'unit_digest');
    expect(rows.map((r) => [r.key, r.chat_id])).toEqual([
      [`digest:${HOUSING_CHAT}:2026-03-11`, HOUSING_CHAT],
      [`digest:${URBAN_CHAT}:2026-03-11`, URBAN_CHAT],
    ]);
    expect(rows.some((r) => r.chat_id === EDUCATION_CHAT)).toBe(false);
    const housing = rows[0]!.payload.text!;
    expect(housing).toContain('市住房和城乡建设局 · 每日督办摘要</b> 2026-03-11');
    expect(housing).toContain('在办 4 件（牵头 3 件，配合 1 件）');
    expect(housing).toContain('🔴逾期 1 · ⏰临期 1 · 未签收 3 · 🆕新交办 1 · ✅办结 1');
    const lines = housing.split('\n').filter((l) => l.includes('督办〔'));
    expect(lines).toEqual([
      expect.stringMatching(/^🔴 督办〔2026〕8号（牵头）时限 2026-03-04 · 逾期 5 个工作日（7 天），已容错 · 未签收 · /),
      expect.stringMatching(/^🔴 督办〔2026〕1号（牵头）时限 2026-03-05 · 逾期 4 个工作日（6 天） · /),
      expect.stringMatching(/^🔵 督办〔2026〕3号（牵头）时限 2026-03-13 · 未签收 · /),
      expect.stringMatching(/^▫️ 督办〔2026〕10号（配合）时限 2026-03-31 · 未签收 · /),
    ]);
    const urban = rows[1]!.payload.text!;
    expect(urban).toContain('⏳ 督办〔2026〕5号（牵头）时限 2026-03-20 · 待领导确认');
  });

  it('plans nothing twice: a second run of the same day finds every key taken', async () => {
    const result = await runDailyDigests(deps, { scheduledAt: new Date('2026-03-11T08:30:00+08:00'), at: new Date('2026-03-11T08:31:00+08:00') });
    expect(result.planned).toBe(0);
  });

  it('sends no digest on a day off', async () => {
    const before = (await outboxRows(database, '')).length;
    for (const day of ['2026-03-14', '2026-04-06']) {
      const result = await runDailyDigests(deps, { scheduledAt: at(clock, `${day} 08:30`) });
      expect(result).toMatchObject({ outcome: 'skipped', reason: 'non_working_day', planned: 0 });
    }
    expect((await outboxRows(database, '')).length).toBe(before);
  });

  it('answers /digest-style requests with the same texts, for leaders and for one unit', async () => {
    at(clock, '2026-03-11 15:00');
    const leaders = await leadersDigestMessages(deps, { locale: 'en' });
    const english = leaders.map((m) => m.text).join('\n');
    expect(english).toContain('Open 7 · unacknowledged 5 · overdue 2 · awaiting a leader 1 · due within 3 working days 2');
    expect(english).toContain("<b>⏳ Awaiting a leader's decision</b> (1)");
    expect(english).toContain('  ⚪ Unacknowledged: 督办〔2026〕2号 7 working day(s), 督办〔2026〕4号 7 working day(s)');
    expect(english).toContain('  🔴 Overdue: 督办〔2026〕2号 7 working days (9 days) late');
    expect(leaders[0]!.reply_markup!.inline_keyboard[0]!.map((b) => b.text)).toEqual(['1 Confirm', '1 Return', '1 View']);
    const unit = await unitDigestMessages(deps, { unitId: org.urban });
    expect(unit[0]).toContain('市城市管理执法局 · 每日督办摘要');
  });

  it('ranks units in the bulletin from the history, leaving excused and cancelled items out', async () => {
    // Week of 9-15 March: C is returned once and closed on time; nags for B (counted) and I (excused: not).
    at(clock, '2026-03-11 10:00');
    await act(deps, HOUSING_STAFF, ids.C, { type: 'submit_result', text: '初稿' });
    at(clock, '2026-03-12 10:00');
    await act(deps, LEADER, ids.C, { type: 'return_result', reason: '请补充' });
    at(clock, '2026-03-12 17:00');
    await act(deps, HOUSING_STAFF, ids.C, { type: 'submit_result', text: '终稿' });
    at(clock, '2026-03-13 09:00');
    await act(deps, LEADER, ids.C, { type: 'confirm_result' });
    await database.db.insert(reminders).values([
      { itemId: ids.B, unitId: org.urban, kind: 'overdue_nag', slot: '2026-03-10', plannedAt: new Date('2026-03-10T09:00:00+08:00') },
      { itemId: ids.B, unitId: org.urban, kind: 'escalation', slot: 'rung2', rung: 2, plannedAt: new Date('2026-03-10T09:00:00+08:00') },
      { itemId: ids.I, unitId: org.housing, kind: 'overdue_nag', slot: '2026-03-05', plannedAt: new Date('2026-03-05T09:00:00+08:00') },
      { itemId: ids.A, unitId: org.housing, kind: 'warning', slot: '2026-03-04', plannedAt: new Date('2026-03-04T09:00:00+08:00') },
    ]);

    const year = await bulletinFiguresFor(deps, { from: new Date('2026-01-01T00:00:00+08:00'), to: new Date('2026-03-16T00:00:00+08:00') });
    expect(year.units.get(org.housing)).toMatchObject({
      // A (acknowledged at 10:00) and G (by its result, within the 16 working hours) on time;
      // C (by its result, a week later) and F (cooperating, never) late.
      assigned: 4,
      ackCounted: 4,
      ackOnTime: 2,
      // G on time (result 3 March, due 6 March), C on time (resubmitted 12 March, due 13 March); A overdue, never closed.
      closeCounted: 3,
      closedOnTime: 2,
      overdue: 1,
      nags: 0,
      returned: 1,
      excusedExcluded: 1,
    });
    // B and D never acknowledged, E by its result a week late, H by its result in time; H closed on
    // time; B and D overdue; E's result waits for the leader and its deadline is later.
    expect(year.units.get(org.urban)).toMatchObject({
      assigned: 4,
      ackCounted: 4,
      ackOnTime: 1,
      closeCounted: 3,
      closedOnTime: 1,
      overdue: 2,
      nags: 2,
      returned: 0,
      excusedExcluded: 0,
    });
    expect(year.units.get(org.education)).toBeUndefined();
    expect(year.totals).toMatchObject({ excused: 1, cancelled: 1 });

    const scheduledAt = at(clock, '2026-03-16 09:00');
    const result = await runWeeklyBulletin(deps, { scheduledAt });
    expect(result).toMatchObject({ outcome: 'sent', chats: 1 });
    const rows = await outboxRows(database, 'bulletin');
    expect(rows.map((r) => [r.key, r.method])).toEqual([
      [`bulletin:${LEADERS_CHAT}:2026-W11`, 'sendMessage'],
      [`bulletin:${LEADERS_CHAT}:2026-W11:2`, 'sendMessage'],
      [`bulletin:${LEADERS_CHAT}:2026-W11:chart`, 'sendPhoto'],
    ]);
    // The overdue items, each with the lead unit that owes it, its head and its 承办人 (excused I is not named).
    expect(rows[1]!.payload.text!.split('\n')).toEqual([
      '<b>逾期事项及责任人</b>（牵头单位 · 单位负责人 · 承办人）',
      '· 督办〔2026〕2号 · <b>市城市管理执法局</b> · 负责人 未登记 · 承办人 未定 · 逾期 10 个工作日（14 天）',
      '· 督办〔2026〕1号 · <b>市住房和城乡建设局</b> · 负责人 未登记 · 承办人 胡 · 逾期 7 个工作日（11 天）',
      '· 督办〔2026〕4号 · <b>市城市管理执法局</b> · 负责人 未登记 · 承办人 未定 · 逾期 3 个工作日（5 天）',
    ]);
    const text = rows[0]!.payload.text!;
    expect(text).toContain('督办通报</b> 2026-W11');
    expect(text).toContain('本周：2026-03-09 至 2026-03-15；年度累计：2026-01-01 至 2026-03-15。');
    expect(text).toContain('<b>本周</b>：新交办 1 件 · 办结 3 件（按时 3 件）· 退回 1 次 · 催办 2 次 · 周末仍逾期 3 件');
    expect(text).toContain('已容错（1 件）和已撤销（1 件）的事项不计入。');
    const ranking = text.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(ranking).toEqual([
      '1. <b>市住房和城乡建设局</b> · 按时办结 67%（2/3）· 按时签收 50%（2/4）· 逾期 1 · 催办 0 · 退回 1',
      '2. <b>市城市管理执法局</b> · 按时办结 33%（1/3）· 按时签收 25%（1/4）· 逾期 2 · 催办 2 · 退回 0',
      '3. <b>市自然资源局</b> · 按时办结 —（0/0）· 按时签收 0%（0/1）· 逾期 0 · 催办 0 · 退回 0',
    ]);
    expect(text).toContain('另有 1 个单位本年度没有督办事项。');
    expect(rows[2]!.payload).toMatchObject({ photo: { inlineFile: { filename: 'bulletin-2026-W11.png', base64: Buffer.from('PNG').toString('base64') } } });

    expect((await runWeeklyBulletin(deps, { scheduledAt, at: new Date(scheduledAt.getTime() + 60_000) })).planned).toBe(0);
  });
});
