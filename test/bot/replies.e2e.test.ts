import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, Message } from 'grammy/types';
import { DEFAULT_LEVEL_POLICIES } from '../../src/config.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { createItemsRepository } from '../../src/items/items.repository.js';
import { runReminderBundles } from '../../src/notifications/notifications.usecases.js';
import { runSweep } from '../../src/reminders/reminders.usecases.js';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;

describe(`replies to the bot's messages about an item (${kind})`, () => {
  let h: Harness;
  let org: Org;

  const items = () => createItemsRepository({ db: h.database.db, clock: h.clock, timezone: 'Asia/Shanghai' });
  const item = async (number: number) => (await items().findByCode({ year: 2026, number }))!;
  const card = (chat: Chat, number: number) => h.botMessages(chat).find((m) => m.text?.startsWith(`📌 督办〔2026〕${number}号`))!;
  const lastWith = (chat: Chat, text: string): Message =>
    h
      .botMessages(chat)
      .reverse()
      .find((m) => m.text?.includes(text))!;

  async function assign(text: string): Promise<void> {
    await h.say(org.leader, org.leadersGroup, `/assign ${text}`);
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, buttonsOf(draft).find((b) => b.text.includes('确认交办'))!);
  }

  beforeAll(async () => {
    // Monday 2026-03-02.
    // A key item, confirmed by the leader directly: this file is about replies, not 调查复核.
    const levels = { ...DEFAULT_LEVEL_POLICIES, key: { ...DEFAULT_LEVEL_POLICIES.key, verify: false } };
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00', config: { reminders: { levels } } });
    org = await seedOrg(h);
    await assign('请市住建局牵头，于3月6日前报送燃气管道排查方案。列为重点督办。');
    expect(card(org.housingGroup, 1)).toBeDefined();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers a stranger who replies to a unit’s card in plain words: not recorded, why, and what to do', async () => {
    const before = (await item(1)).state.version;
    await h.say(org.stranger, org.housingGroup, '我来说两句。', { replyTo: card(org.housingGroup, 1).message_id });
    const answer = h.lastBotMessage(org.housingGroup).text!;
    expect(answer).toContain('您的回复没有记录为进展');
    expect(answer).toContain('承办单位（市住房和城乡建设局）');
    expect(answer).toContain('邀请链接');
    expect((await item(1)).state.version).toBe(before);
  });

  it('records a plain-words reply to a reminder as the unit’s progress report, and tells the leaders', async () => {
    h.clock.set(new Date('2026-03-02T14:00:00+08:00'));
    const deps = { db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator() };
    await runSweep(deps);
    // The nag waits for the unit's 15:00 bundle, which names this one item.
    h.clock.set(new Date('2026-03-02T15:00:00+08:00'));
    await runReminderBundles(deps, { scheduledAt: h.clock.now() });
    await h.dispatcher.drain();
    const nag = lastWith(org.housingGroup, '催签收');
    expect(nag).toBeDefined();
    await h.say(org.housingStaff, org.housingGroup, '已组织排查，明天报方案。', { replyTo: nag.message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('进展已记录');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('市住房和城乡建设局 报告 督办〔2026〕1号 进展');
    const state = (await item(1)).state;
    expect(state.units.find((u) => u.unitId === org.units.housing)?.acknowledgedBy).toBe(org.housingStaff.id);
  });

  it('takes the item of the replied card for /extend and /approve, reading the date as a date, not a code', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/extend 2026-03-13 需等待检测报告', { replyTo: card(org.housingGroup, 1).message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('延期申请已提交');
    const request = lastWith(org.leadersGroup, '申请将 督办〔2026〕1号 延期至 2026-03-13');
    await h.say(org.leader, org.leadersGroup, '/approve', { replyTo: request.message_id });
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('已批准延期：督办〔2026〕1号');
    expect((await item(1)).state.deadline).toBe('2026-03-13');
  });

  it('confirms the item of the leaders’ card a /confirm replies to, without a code', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/result 排查方案已报送。', { replyTo: card(org.housingGroup, 1).message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('办理结果已提交');
    const resultCard = lastWith(org.leadersGroup, '提交了 督办〔2026〕1号 的办理结果');
    // The leader is named as Chinese is written.
    expect(resultCard.text).toContain('请 李市长 确认或退回');
    await h.say(org.leader, org.leadersGroup, '/confirm 同意。', { replyTo: resultCard.message_id });
    expect(h.botMessages(org.leadersGroup).some((m) => m.text === '✅ 已确认办结：督办〔2026〕1号')).toBe(true);
    expect((await item(1)).state).toMatchObject({ status: 'closed', response: { text: '同意。' } });
  });

  it('says a reply to a closed item’s notice is no progress report, and why', async () => {
    const notice = lastWith(org.housingGroup, '督办〔2026〕1号 已办结');
    await h.say(org.housingStaff, org.housingGroup, '收到。', { replyTo: notice.message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toBe(
      '您的回复没有记录为进展：督办〔2026〕1号 当前为「已办结」，不再接收进展。如有新情况，请联系交办领导或督查室。',
    );
  });

  it('counts lateness in working days with calendar days in brackets, in /list and on the card of the replied item', async () => {
    await assign('请市住建局牵头，于3月6日前完成隐患整改。');
    // Friday's deadline, seen on Monday: 1 working day, 3 days.
    h.clock.set(new Date('2026-03-09T10:00:00+08:00'));
    await h.say(org.leader, org.leadersGroup, '/list overdue');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('督办〔2026〕2号 · 市住房和城乡建设局 · 时限 2026-03-06 · 办理中 🔴逾期 1 个工作日（3 天）');
    await h.say(org.leader, org.leadersGroup, '/task', { replyTo: card(org.leadersGroup, 2).message_id });
    const task = h.lastBotMessage(org.leadersGroup).text!;
    expect(task).toMatch(/^📌 督办〔2026〕2号/);
    expect(task).toContain('🔴 已逾期 1 个工作日（3 天）');
  });

  it('lets a typed code win over the replied message', async () => {
    await h.say(org.leader, org.leadersGroup, '/task 1', { replyTo: card(org.leadersGroup, 2).message_id });
    expect(h.lastBotMessage(org.leadersGroup).text).toMatch(/^📌 督办〔2026〕1号/);
  });

  it('greets a person in private by the full name', async () => {
    await h.say(org.leader, 'private', '/start');
    expect(h.lastBotMessage(org.leader.id).text).toMatch(/^您好，李市长！/);
  });
});
