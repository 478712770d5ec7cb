import type { Message, User } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBulletin, bulletinFiguresFor } from '../../src/digests/digests.usecases.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { addUnitMember, setUnitHead } from '../../src/org/org.usecases.js';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;

function button(message: Message, text: string) {
  const found = buttonsOf(message).find((b) => b.text.includes(text));
  if (!found) throw new Error(`no button "${text}" on: ${message.text}`);
  return found;
}

/** The user ids a message mentions (text_mention / text_link to tg://user). */
function mentioned(message: Message): number[] {
  return (message.entities ?? []).flatMap((e) => {
    if (e.type === 'text_mention') return [e.user.id];
    if (e.type === 'text_link' && e.url.startsWith('tg://user?id=')) return [Number(e.url.slice('tg://user?id='.length))];
    return [];
  });
}

/**
 * 共同牵头 through the real bot: two lead units each acknowledge (naming their 承办人) and each
 * submit; the item waits for both, the one still owing is nagged (its 承办人 mentioned), the one
 * that delivered is not; the leader confirms only when both are in; the bulletin judges each lead
 * unit by its own result.
 */
describe(`joint lead units and the handling person (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let urbanDeputy: User;
  let urbanHead: User;
  const card = (chat: Parameters<Harness['botMessages']>[0]) => h.botMessages(chat).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
  const current = (m: Message) => h.tg.message(m.chat.id, m.message_id)!;
  const tickAt = async (local: string) => {
    const at = new Date(`${local.replace(' ', 'T')}:00+08:00`);
    h.clock.set(at);
    await h.trigger.fire();
    await h.dispatcher.drain();
  };

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    const admin = { personId: h.admin.id, isAdmin: true, isLeader: false, unitIds: [] };
    urbanDeputy = h.tg.createUser({ firstName: '程二', lastName: '科员', languageCode: 'zh' });
    urbanHead = h.tg.createUser({ firstName: '城', lastName: '局长', languageCode: 'zh' });
    const orgDeps = { db: h.database.db, clock: h.clock, config: h.config };
    await addUnitMember(orgDeps, { actor: admin, unit: '城管局', person: { id: urbanDeputy.id, firstName: '程二', lastName: '科员' } });
    await setUnitHead(orgDeps, { actor: admin, unit: '城管局', person: { id: urbanHead.id, firstName: '城', lastName: '局长' } });
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局、市城管局共同牵头，于3月6日前报送整改方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('牵头单位：市住房和城乡建设局、市城市管理执法局');
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('each lead unit acknowledges; whoever pressed 签收 becomes its 承办人, shown on every card with the unit head', async () => {
    await h.press(org.housingStaff, org.housingGroup, card(org.housingGroup).message_id, button(card(org.housingGroup), '签收'));
    const reply = await h.say(org.urbanStaff, org.urbanGroup, '/ack 1');
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('承办人：程科员');
    expect(reply).toBeDefined();
    const leaders = current(card(org.leadersGroup)).text!;
    expect(leaders).toContain('市住房和城乡建设局（牵头）✅ 已签收 · ⏳ 未报结果');
    expect(leaders).toContain('承办人 胡科员');
    expect(leaders).toContain('负责人 城局长 · 承办人 程科员');
  });

  it('/handler changes the 承办人 to another member; a member of another unit, or a person outside the unit, is refused with the reason', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/handler 1 市城管局 程二科员');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('不是');
    await h.say(org.urbanStaff, org.urbanGroup, `/handler 1 ${org.housingStaff.id}`);
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('承办人必须是 市城市管理执法局 的成员');
    await h.say(org.urbanStaff, org.urbanGroup, '/handler 1 程二科员');
    const notices = h.botMessages(org.urbanGroup).filter((m) => m.text?.includes('承办人改为'));
    expect(notices).toHaveLength(1);
    expect(mentioned(notices[0]!)).toEqual([urbanDeputy.id]);
    expect(current(card(org.leadersGroup)).text).toContain('承办人 程二科员');
    // The timeline says who named whom.
    await h.say(org.leader, org.leadersGroup, '/task 1');
    const timeline = h.lastBotMessage(org.leadersGroup).text!;
    expect(timeline).toContain('签收 · 市城市管理执法局 · 程科员：承办人 程科员');
    expect(timeline).toContain('指定承办人 · 市城市管理执法局 · 程科员：承办人 程二科员');
  });

  it('one lead unit submitting leaves the item open: the other still submits, is told, and the leaders cannot confirm yet', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/result 1 住建局部分：改造方案已印发');
    expect(
      h.botMessages(org.housingGroup).some((m) => m.text === '✅ 本单位的办理结果已提交。尚待共同牵头单位 市城市管理执法局 报送，全部报齐后再请领导确认。'),
    ).toBe(true);
    const told = h.botMessages(org.urbanGroup).filter((m) => m.text?.includes('共同牵头单位 市住房和城乡建设局 已报送'));
    expect(told).toHaveLength(1);
    const leaders = current(card(org.leadersGroup));
    expect(leaders.text).toContain('办理中');
    expect(leaders.text).toContain('市住房和城乡建设局（牵头）✅ 已签收 · 📄 已报结果');
    expect(leaders.text).toContain('市城市管理执法局（牵头）✅ 已签收 · ⏳ 未报结果');
    expect(leaders.text).toContain('尚待牵头单位报送结果：市城市管理执法局');
    expect(buttonsOf(leaders).map((b) => b.text)).not.toContain('✅ 确认办结');
    expect(buttonsOf(leaders).map((b) => b.text)).toContain('⏭ 免除市城市管理执法局');
    await h.say(org.leader, org.leadersGroup, '/confirm 1');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('办理中');
    // The urban unit's card still offers its own result.
    expect(buttonsOf(current(card(org.urbanGroup))).map((b) => b.text)).toContain('📄 提交结果');
  });

  it('after the deadline, only the lead unit still owing its result is nagged, its 承办人 mentioned', async () => {
    const housingBefore = h.botMessages(org.housingGroup).length;
    await tickAt('2026-03-09 08:30');
    await tickAt('2026-03-09 15:00');
    const nags = h.botMessages(org.urbanGroup).filter((m) => m.text?.includes('催办') && m.text.includes('督办〔2026〕1号'));
    expect(nags.length).toBeGreaterThan(0);
    expect(nags.at(-1)!.text).toContain('承办人 程二科员');
    expect(mentioned(nags.at(-1)!)).toContain(urbanDeputy.id);
    expect(
      h
        .botMessages(org.housingGroup)
        .slice(housingBefore)
        .filter((m) => m.text?.includes('催办')),
    ).toEqual([]);
    // The units' own digests: overdue for the urban bureau, not for the housing bureau that delivered.
    await h.say(org.urbanStaff, org.urbanGroup, '/digest');
    const urbanDigest = h.lastBotMessage(org.urbanGroup).text!;
    await h.say(org.housingStaff, org.housingGroup, '/digest');
    const housingDigest = h.lastBotMessage(org.housingGroup).text!;
    expect(urbanDigest).toMatch(/🔴逾期 1/);
    expect(urbanDigest).toContain('🔴 督办〔2026〕1号（牵头）');
    expect(housingDigest).not.toContain('逾期');
    expect(housingDigest).toContain('⏳ 督办〔2026〕1号（牵头）时限 2026-03-06 · 本单位结果已报，待其他牵头单位');
    await h.say(org.leader, org.leadersGroup, '/digest');
    const leadersDigest = h.lastBotMessage(org.leadersGroup).text!;
    // The leaders' digest: overdue for the urban bureau only; the housing bureau delivered.
    expect(leadersDigest).toContain('市城市管理执法局：🔴逾期 1 · 在办 1');
    expect(leadersDigest).toMatch(/市住房和城乡建设局：在办 1(\n|$)/);
    // The bulletin names who answers for the overdue item: the lead unit still owing, its head and its 承办人.
    const bulletin = await buildBulletin({
      db: h.database.db,
      clock: h.clock,
      config: h.config,
      translator: createTranslator(),
      renderChart: async () => Buffer.alloc(0),
    });
    const named = bulletin.texts.at(-1)!;
    expect(named).toContain('逾期事项及责任人');
    expect(named).toContain('督办〔2026〕1号 · <b>市城市管理执法局</b> · 负责人 城局长 · 承办人 程二科员 · 逾期 1 个工作日（3 天）');
    expect(named).not.toContain('市住房和城乡建设局');
  });

  it('the second result completes the set: the leaders are asked to confirm, and confirming closes the item', async () => {
    await h.say(urbanDeputy, org.urbanGroup, '/result 1 城管局部分：整治完成');
    const ask = h.botMessages(org.leadersGroup).filter((m) => m.text?.includes('牵头单位办理结果已全部报齐'));
    expect(ask).toHaveLength(1);
    const leaders = current(card(org.leadersGroup));
    expect(leaders.text).toContain('📄 办理结果（市住房和城乡建设局）：住建局部分：改造方案已印发');
    expect(leaders.text).toContain('📄 办理结果（市城市管理执法局）：城管局部分：整治完成');
    await h.press(org.leader, org.leadersGroup, leaders.message_id, button(leaders, '确认办结'));
    expect(current(card(org.leadersGroup)).text).toContain('已办结');
  });

  it('the bulletin judges each lead unit by its own result: the housing bureau on time, the urban bureau late', async () => {
    const deps = { db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator() };
    const figures = await bulletinFiguresFor(deps, { from: new Date('2026-03-01T00:00:00+08:00'), to: new Date(h.clock.now().getTime() + 60_000) });
    expect(figures.units.get(org.units.housing)).toMatchObject({ closed: 1, closedOnTime: 1, onTimeCloseRate: 1, ackCounted: 1, ackOnTime: 1 });
    expect(figures.units.get(org.units.urban)).toMatchObject({ closed: 1, closedOnTime: 0, onTimeCloseRate: 0, ackCounted: 1, ackOnTime: 1 });
    expect(figures.totals).toMatchObject({ closed: 1, closedOnTime: 0 });
  });
});

describe(`a leader waives a joint lead unit (${kind})`, () => {
  let h: Harness;
  let org: Org;
  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局、市城管局共同牵头，于3月20日前报送整改方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
    await h.say(org.housingStaff, org.housingGroup, '/result 1 方案已报送');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('with the button and a reason: the item then awaits confirmation, and both lead units are told', async () => {
    const leaders = h.botMessages(org.leadersGroup).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
    const now = h.tg.message(leaders.chat.id, leaders.message_id)!;
    await h.press(org.leader, org.leadersGroup, now.message_id, button(now, '免除市城市管理执法局'));
    const prompt = h.lastBotMessage(org.leadersGroup);
    expect(prompt.text).toContain('不再等待 市城市管理执法局');
    await h.say(org.leader, org.leadersGroup, '城管局职责已调整', { replyTo: prompt.message_id });
    expect(h.botMessages(org.leadersGroup).some((m) => m.text?.includes('已免除 市城市管理执法局 报送 督办〔2026〕1号'))).toBe(true);
    expect(h.botMessages(org.urbanGroup).some((m) => m.text?.includes('不再等待 市城市管理执法局') && m.text.includes('城管局职责已调整'))).toBe(true);
    const after = h.tg.message(leaders.chat.id, leaders.message_id)!;
    expect(after.text).toContain('⏭ 已免报结果（城管局职责已调整）');
    expect(buttonsOf(after).map((b) => b.text)).toContain('✅ 确认办结');
    await h.say(org.urbanStaff, org.urbanGroup, '/result 1 补充');
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('无需再提交');
  });
});
