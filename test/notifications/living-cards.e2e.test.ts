import { sql } from 'drizzle-orm';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveCards } from '../../src/notifications/cards.js';
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
 * Living cards through the real bot, with the dispatcher on the business clock and edits of one
 * card spaced a minute apart, as in production.
 */
describe(`living cards (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let leadersCard: Message;
  let housingCard: Message;

  const edits = async (chatId: number, messageId: number) =>
    h.tg
      .callsTo('editMessageText')
      .filter((c) => Number((c.params as { chat_id: unknown }).chat_id) === chatId && Number((c.params as { message_id: unknown }).message_id) === messageId)
      .length;
  const advance = async (seconds: number) => {
    h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000));
    await h.dispatcher.drain();
  };

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00', dispatchOnBusinessClock: true, limits: { cardEditGapMs: 60_000 } });
    org = await seedOrg(h);
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，市城管局配合，于3月20日前报送整改方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
    leadersCard = h.botMessages(org.leadersGroup).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
    housingCard = h.lastBotMessage(org.housingGroup);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("edits the leaders' card in place when a unit acknowledges in its own group", async () => {
    expect(leadersCard.text).toContain('市住房和城乡建设局（牵头）⏳ 未签收');
    await h.press(org.housingStaff, org.housingGroup, housingCard.message_id, button(housingCard, '签收'));
    const now = h.tg.message(org.leadersGroup.id, leadersCard.message_id)!;
    expect(now.text).toContain('市住房和城乡建设局（牵头）✅ 已签收');
    expect(now.text).toContain('市城市管理执法局（配合）⏳ 未签收');
    // The unit's own card lost its 签收 button and its "press 签收 first" hint.
    const mine = h.tg.message(org.housingGroup.id, housingCard.message_id)!;
    expect(buttonsOf(mine).map((b) => b.text)).toEqual(['📝 报告进展', '🕒 申请延期']);
    expect(mine.text).not.toContain('请先点「签收」');
  });

  it('coalesces changes within a minute into one more edit that shows the latest state, and skips unchanged renders', async () => {
    const before = await edits(org.leadersGroup.id, leadersCard.message_id);
    // Within the minute after the last edit: the cooperating unit acknowledges, then reports progress twice.
    await h.say(org.urbanStaff, org.urbanGroup, '/ack 1');
    await h.say(org.urbanStaff, org.urbanGroup, '/progress 1 已开始排查');
    await h.say(org.urbanStaff, org.urbanGroup, '/result 1 已配合完成排查');
    expect(await edits(org.leadersGroup.id, leadersCard.message_id)).toBe(before);
    const pending = await h.database.db.execute(
      sql`select count(*)::int as n from outbox where status = 'pending' and edit_message_id = ${leadersCard.message_id} and chat_id = ${org.leadersGroup.id}`,
    );
    expect(((pending as unknown as { rows?: { n: number }[] }).rows ?? (pending as unknown as { n: number }[]))[0]!.n).toBe(1);
    await advance(61);
    expect(await edits(org.leadersGroup.id, leadersCard.message_id)).toBe(before + 1);
    expect(h.tg.message(org.leadersGroup.id, leadersCard.message_id)!.text).toContain('市城市管理执法局（配合）✅ 已签收 · 已提交配合意见');
    // A progress report changes nothing the leaders' card shows: no edit at all.
    await advance(61);
    await h.say(org.housingStaff, org.housingGroup, '/progress 1 方案起草中');
    await advance(61);
    expect(await edits(org.leadersGroup.id, leadersCard.message_id)).toBe(before + 1);
  });

  it('replaces a card that can no longer be edited when its audience still has buttons to press', async () => {
    h.tg.failNext({ method: 'editMessageText', chatId: org.housingGroup.id, error: { code: 400, description: 'Bad Request: message to edit not found' } });
    const cardsBefore = h.botMessages(org.housingGroup).length;
    // The request changes the unit's card (no 申请延期 while one waits): that edit finds the card gone.
    await h.say(org.housingStaff, org.housingGroup, '/extend 1 2026-03-27 需等待专家评审');
    await advance(61);
    const repost = h.lastBotMessage(org.housingGroup);
    expect(h.botMessages(org.housingGroup).length).toBeGreaterThan(cardsBefore);
    expect(repost.text).toContain('📌 督办〔2026〕1号');
    expect(buttonsOf(repost).map((b) => b.text)).toContain('📄 提交结果');
    expect(buttonsOf(repost).map((b) => b.text)).not.toContain('🕒 申请延期');
    const live = (await liveCards(h.database.db, [1])).filter((c) => c.chatId === org.housingGroup.id);
    expect(live.map((c) => c.messageId)).toContain(repost.message_id);
    expect(live.map((c) => c.messageId)).not.toContain(housingCard.message_id);
  });

  it('leaves every card of a closed item with its final status and no buttons', async () => {
    await h.say(org.leader, org.leadersGroup, '/approve 1');
    await h.say(org.housingStaff, org.housingGroup, '/result 1 方案已报送');
    await advance(61);
    const resultCard = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, resultCard.message_id, button(resultCard, '确认办结'));
    await advance(61);
    await advance(61);
    for (const card of await liveCards(h.database.db, [1])) {
      const shown = h.tg.message(card.chatId, card.messageId)!;
      expect(shown.text).toContain('已办结');
      expect(buttonsOf(shown)).toEqual([]);
    }
  });
});
