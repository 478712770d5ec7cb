import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPerson } from '../../src/org/org.usecases.js';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;

function button(message: Message, text: string) {
  const found = buttonsOf(message).find((b) => b.text.includes(text));
  if (!found) throw new Error(`no button "${text}" on: ${message.text}`);
  return found;
}

/**
 * 逐级协调 through the real bot: the lead unit raises a blocker; it goes at once to the leader in
 * charge privately with 已协调 / 转交; every card shows it until it is resolved; 转交 takes it to
 * the city government step in the leaders group; the issuing leader resolves it with a note; the
 * unit is told; the digests list it before and not after; the timeline records every step.
 */
describe(`coordination requests (${kind})`, () => {
  let h: Harness;
  let org: Org;
  const card = (chat: Parameters<Harness['botMessages']>[0]) => h.botMessages(chat).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
  const current = (m: Message) => h.tg.message(m.chat.id, m.message_id)!;
  const inCharge = () => org.otherLeader; // 赵副市长

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    // The leader in charge has started the bot: the request reaches them privately.
    await recordPerson({ db: h.database.db, clock: h.clock, config: h.config }, { id: inCharge().id, startedBot: true });
    await h.say(inCharge(), 'private', '/start');
    await h.say(org.leader, org.leadersGroup, '/assign 请赵副市长牵头督办，市住建局负责，市城管局配合，3月20日前完成老旧小区改造方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('分管领导：赵副市长');
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a cooperating unit is told that the lead unit raises it, and why', async () => {
    await h.say(org.urbanStaff, org.urbanGroup, '/coordinate 1 占道审批卡住了');
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('只有牵头单位可以提请协调');
    expect(h.botMessages(inCharge().id).filter((m) => m.text?.includes('协调请求'))).toEqual([]);
  });

  it('the lead unit raises a blocker: sent at once to the leader in charge privately, with 已协调 and 转交', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/coordinate 1 用地指标需市自然资源局协调');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('督办〔2026〕1号 的协调请求 #1 已报送赵副市长');
    const request = h.lastBotMessage(inCharge().id);
    expect(request.text).toContain('协调请求 #1 · 督办〔2026〕1号');
    expect(request.text).toContain('市住房和城乡建设局 请分管领导');
    expect(request.text).toContain('用地指标需市自然资源局协调');
    expect(buttonsOf(request).map((b) => b.text)).toEqual(['🧩 已协调', '⤴️ 转交市政府']);
    // Not the leaders group: the leader in charge was reachable.
    expect(h.botMessages(org.leadersGroup).filter((m) => m.text?.includes('协调请求'))).toEqual([]);
  });

  it('every card of the item shows the open request, since when and at which step', async () => {
    for (const chat of [org.leadersGroup, org.housingGroup, org.urbanGroup]) {
      expect(current(card(chat)).text).toContain('🧩 待协调 #1（市住房和城乡建设局，2026-03-02 09:00 起，分管领导）：用地指标需市自然资源局协调');
    }
  });

  it('the leaders digest lists it; the lead unit digest shows its own; the cooperating unit sees none', async () => {
    await h.say(org.leader, org.leadersGroup, '/digest');
    const leaders = h.lastBotMessage(org.leadersGroup).text!;
    expect(leaders).toContain('🧩 待协调（1）');
    expect(leaders).toContain('· 督办〔2026〕1号 市住房和城乡建设局 · 03-02 09:00 起 · 分管领导 · 用地指标需市自然资源局协调');
    await h.say(org.housingStaff, org.housingGroup, '/digest');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('· 督办〔2026〕1号 #1 03-02 09:00 起 · 分管领导 · 用地指标需市自然资源局协调');
    await h.say(org.urbanStaff, org.urbanGroup, '/digest');
    expect(h.lastBotMessage(org.urbanGroup).text).not.toContain('待协调');
  });

  it('转交 from the leader in charge takes it to the city government step in the leaders group; the unit is told', async () => {
    h.clock.set(new Date('2026-03-03T10:00:00+08:00'));
    const request = h.lastBotMessage(inCharge().id);
    await h.press(inCharge(), inCharge().id, request.message_id, button(request, '转交'));
    expect(buttonsOf(h.tg.message(request.chat.id, request.message_id)!)).toEqual([]);
    expect(h.callbackAnswers().at(-1)?.text).toContain('已转交市政府');
    const upward = h.botMessages(org.leadersGroup).filter((m) => m.text?.includes('协调请求 #1'));
    expect(upward).toHaveLength(1);
    expect(upward[0]!.text).toContain('经 赵副市长 转交市政府 李市长');
    // The last step: coordinate it, nowhere further to pass it.
    expect(buttonsOf(upward[0]!).map((b) => b.text)).toEqual(['🧩 已协调']);
    expect(h.botMessages(org.housingGroup).some((m) => m.text?.includes('协调请求 #1 已转交市政府'))).toBe(true);
    expect(current(card(org.leadersGroup)).text).toContain('（市住房和城乡建设局，2026-03-02 09:00 起，市政府）');
  });

  it('a leader who is neither the issuer nor in charge, and a unit member, cannot resolve it', async () => {
    const upward = h.botMessages(org.leadersGroup).find((m) => m.text?.includes('协调请求 #1'))!;
    await h.press(org.stranger, org.leadersGroup, upward.message_id, button(upward, '已协调'));
    expect(h.callbackAnswers().at(-1)).toMatchObject({ show_alert: true });
    expect(h.callbackAnswers().at(-1)?.text).toContain('只有交办领导、分管领导或督查室');
    await h.say(org.housingStaff, org.housingGroup, '/coordinated 1 自己协调好了');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('只有交办领导、分管领导或督查室');
    expect(current(card(org.housingGroup)).text).toContain('🧩 待协调 #1');
  });

  it('the issuing leader resolves it with a note: the unit is told, the cards drop it, the digest no longer lists it', async () => {
    await h.say(org.leader, org.leadersGroup, '/coordinated 1 已与自然资源局商定，指标本周下达');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('督办〔2026〕1号 的协调请求 #1 已标记为已协调');
    const told = h.botMessages(org.housingGroup).filter((m) => m.text?.includes('协调请求 #1 已由 李市长 协调'));
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('已与自然资源局商定，指标本周下达');
    for (const chat of [org.leadersGroup, org.housingGroup, org.urbanGroup]) expect(current(card(chat)).text).not.toContain('待协调');
    await h.say(org.leader, org.leadersGroup, '/digest');
    expect(h.lastBotMessage(org.leadersGroup).text).not.toContain('待协调');
    await h.say(org.leader, org.leadersGroup, '/coordinated 1');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('没有待协调的请求');
  });

  it('the timeline records the request, the 转交 and the resolution', async () => {
    await h.say(org.leader, org.leadersGroup, '/task 1');
    const timeline = h.lastBotMessage(org.leadersGroup).text!;
    expect(timeline).toContain('提请协调 · 市住房和城乡建设局 · 胡科员：#1 分管领导 用地指标需市自然资源局协调');
    expect(timeline).toContain('转交协调 · 市住房和城乡建设局 · 赵副市长：#1 市政府');
    expect(timeline).toContain('已协调 · 市住房和城乡建设局 · 李市长：#1 市政府 已与自然资源局商定');
  });
});

describe(`a coordination request without a leader in charge (${kind})`, () => {
  let h: Harness;
  let org: Org;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于3月20日前报送整改方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('goes to the leaders group (the office step), raised as a reply to the card; 已协调 pressed there tells the unit', async () => {
    const unitCard = h.botMessages(org.housingGroup).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
    await h.say(org.housingStaff, org.housingGroup, '/coordinate 资金拨付需财政局协调', { replyTo: unitCard.message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('已报送领导小组办公室');
    const request = h.botMessages(org.leadersGroup).find((m) => m.text?.includes('协调请求 #1'))!;
    expect(request.text).toContain('请领导小组办公室');
    expect(buttonsOf(request).map((b) => b.text)).toEqual(['🧩 已协调', '⤴️ 转交市政府']);
    await h.press(org.leader, org.leadersGroup, request.message_id, button(request, '已协调'));
    expect(h.callbackAnswers().at(-1)?.text).toContain('已标记为已协调');
    expect(buttonsOf(h.tg.message(request.chat.id, request.message_id)!)).toEqual([]);
    const told = h.botMessages(org.housingGroup).filter((m) => m.text?.includes('协调请求 #1 已由 李市长 协调'));
    expect(told).toHaveLength(1);
    expect(h.tg.message(org.housingGroup.id, unitCard.message_id)!.text).not.toContain('待协调');
  });

  it('as a reply to the request, "/coordinated #2 结果" names request 2 of that item, not item 2', async () => {
    const unitCard = h.botMessages(org.housingGroup).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
    await h.say(org.housingStaff, org.housingGroup, '/coordinate 用地指标需协调', { replyTo: unitCard.message_id });
    const request = h.botMessages(org.leadersGroup).find((m) => m.text?.includes('协调请求 #2'))!;
    await h.say(org.leader, org.leadersGroup, '/coordinated #2 已协调自然资源局下达指标', { replyTo: request.message_id });
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('督办〔2026〕1号 的协调请求 #2 已标记为已协调');
    expect(h.botMessages(org.housingGroup).some((m) => m.text?.includes('协调请求 #2 已由 李市长 协调') && m.text.includes('已协调自然资源局下达指标'))).toBe(
      true,
    );
  });
});

describe(`a leader in charge who never started the bot (${kind})`, () => {
  let h: Harness;
  let org: Org;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    await h.say(org.leader, org.leadersGroup, '/assign 请赵副市长牵头督办，市住建局负责，3月20日前完成老旧小区改造方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('gets the request in the leaders group, named; /coordup passes it on with the reason', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/coordinate 1 用地指标需协调');
    const request = h.botMessages(org.leadersGroup).find((m) => m.text?.includes('协调请求 #1'))!;
    expect(request.text).toContain('请分管领导 赵副市长 协调');
    expect(buttonsOf(request).map((b) => b.text)).toEqual(['🧩 已协调', '⤴️ 转交市政府']);
    expect(h.tg.callsTo('sendMessage').filter((c) => Number((c.params as { chat_id?: unknown }).chat_id) === org.otherLeader.id)).toEqual([]);
    await h.say(org.otherLeader, org.leadersGroup, '/coordup 1 #1 需市政府统筹');
    expect(h.botMessages(org.leadersGroup).some((m) => m.text?.includes('督办〔2026〕1号 的协调请求 #1 已转交市政府。'))).toBe(true);
    const upward = h.botMessages(org.leadersGroup).filter((m) => m.text?.includes('协调请求 #1 · 督办〔2026〕1号，经 赵副市长 转交市政府'));
    expect(upward).toHaveLength(1);
    expect(upward[0]!.text).toContain('（转交说明：需市政府统筹）');
    await h.say(org.otherLeader, org.leadersGroup, '/coordup 1');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('已报市政府，是最后一级');
  });
});
