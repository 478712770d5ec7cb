import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * 时间节点 through the real bot: an instruction with three dates becomes an item with milestones;
 * the lead unit reports node 1 with the card's button and node 2 with /node; the cards list both
 * done; node 2, overdue before it was reported, is nagged in the unit's bundle and then no more.
 */
describe(`milestones (时间节点) (${kind})`, () => {
  let h: Harness;
  let org: Org;
  const card = (chat: Parameters<Harness['botMessages']>[0]) => h.botMessages(chat).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
  const current = (m: Message) => h.tg.message(m.chat.id, m.message_id)!;
  const nagsIn = (chat: Parameters<Harness['botMessages']>[0]) => h.botMessages(chat).filter((m) => m.text?.includes('节点催办'));
  const tickAt = async (local: string) => {
    const at = new Date(`${local.replace(' ', 'T')}:00+08:00`);
    h.clock.set(at);
    await h.trigger.fire();
    await h.dispatcher.drain();
  };

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，3月4日前完成现场排查，3月6日前拿出方案初稿，3月20日前报送整改结果。');
    const draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('2026-03-04 完成现场排查');
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('every card lists the milestones, numbered, each pending with its date', () => {
    for (const chat of [org.leadersGroup, org.housingGroup]) {
      const text = current(card(chat)).text!;
      expect(text).toContain('⏳ 1. 2026-03-04 完成现场排查');
      expect(text).toContain('⏳ 2. 2026-03-06 拿出方案初稿');
      expect(text).toContain('⏳ 3. 2026-03-20 报送整改结果');
    }
    // Only the lead unit's card has the button, for the first milestone.
    expect(buttonsOf(current(card(org.housingGroup))).map((b) => b.text)).toContain('✅ 节点1已完成');
    expect(buttonsOf(current(card(org.leadersGroup))).map((b) => b.text.includes('节点'))).not.toContain(true);
  });

  it('the lead unit reports node 1 with the button: it acknowledges, the cards show it done, the button moves to node 2, the leaders get no extra message', async () => {
    const leadersBefore = h.botMessages(org.leadersGroup).length;
    const housing = current(card(org.housingGroup));
    await h.press(org.housingStaff, org.housingGroup, housing.message_id, button(housing, '节点1已完成'));
    expect(h.callbackAnswers().at(-1)?.text).toBe('✅ 时间节点 1（完成现场排查）已记录为完成。');
    const after = current(card(org.housingGroup));
    expect(after.text).toContain('✅ 1. 2026-03-04 完成现场排查（2026-03-02 完成）');
    expect(after.text).toContain('已签收');
    expect(buttonsOf(after).map((b) => b.text)).toContain('✅ 节点2已完成');
    expect(buttonsOf(after).map((b) => b.text)).not.toContain('✅ 签收');
    expect(current(card(org.leadersGroup)).text).toContain('✅ 1. 2026-03-04 完成现场排查（2026-03-02 完成）');
    // A bare button press is told through the card (edited in place), not by a new message.
    expect(h.botMessages(org.leadersGroup).length).toBe(leadersBefore);
  });

  it('a unit that does not lead the item is refused with the reason', async () => {
    await h.say(org.otherUnitStaff, org.housingGroup, '/node 1 2');
    expect(h.lastBotMessage(org.housingGroup).text).toMatch(/牵头|不是/);
  });

  it("node 2, past its day and unreported, is nagged in the unit's bundle with how late; /task shows it overdue", async () => {
    await tickAt('2026-03-09 08:30');
    await tickAt('2026-03-09 15:00');
    const nags = nagsIn(org.housingGroup);
    expect(nags).toHaveLength(1);
    expect(nags[0]!.text).toContain('时间节点 2026-03-06（拿出方案初稿）已过 1 个工作日（3 天）');
    expect(nags[0]!.text).toContain('/node 2026-1 2');
    expect(buttonsOf(nags[0]!).map((b) => b.text)).toContain('✅ 节点2已完成');
    expect(nagsIn(org.leadersGroup)).toEqual([]);
    await h.say(org.leader, org.leadersGroup, '/task 1');
    const task = h.lastBotMessage(org.leadersGroup).text!;
    expect(task).toContain('⏰ 2. 2026-03-06 拿出方案初稿（逾期 1 个工作日（3 天））');
    expect(task).toContain('报告节点完成 · 市住房和城乡建设局 · 胡科员：节点1（完成现场排查）');
  });

  it('the unit reports node 2 with /node and words: the leaders are told, the cards show both done', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/node 1 2 方案初稿已报分管领导');
    expect(h.lastBotMessage(org.housingGroup).text).toBe('✅ 时间节点 2（拿出方案初稿）已记录为完成。');
    const told = h.botMessages(org.leadersGroup).filter((m) => m.text?.includes('时间节点 2（拿出方案初稿）已完成'));
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('方案初稿已报分管领导');
    for (const chat of [org.leadersGroup, org.housingGroup]) {
      const text = current(card(chat)).text!;
      expect(text).toContain('✅ 1. 2026-03-04 完成现场排查（2026-03-02 完成）');
      expect(text).toContain('✅ 2. 2026-03-06 拿出方案初稿（2026-03-09 完成）');
      expect(text).toContain('⏳ 3. 2026-03-20 报送整改结果');
    }
    expect(buttonsOf(current(card(org.housingGroup))).map((b) => b.text)).toContain('✅ 节点3已完成');
  });

  it('a reply to the card reports without the code; reporting a node again is refused with who reported it and when', async () => {
    const housing = current(card(org.housingGroup));
    await h.say(org.housingStaff, org.housingGroup, '/node 2', { replyTo: housing.message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toBe('第 2 个时间节点已由 市住房和城乡建设局 于 2026-03-09 报告完成，无需重复报告。');
    await h.say(org.housingStaff, org.housingGroup, '/node 7', { replyTo: housing.message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('没有第 7 个时间节点：本事项共 3 个节点');
  });

  it('once reported, node 2 is nagged no more', async () => {
    await tickAt('2026-03-11 08:30');
    await tickAt('2026-03-11 15:00');
    await tickAt('2026-03-13 15:00');
    expect(nagsIn(org.housingGroup)).toHaveLength(1);
  });
});
