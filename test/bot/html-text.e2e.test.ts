import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;

/**
 * The parse mode is set once, by an API transformer, for the bot's replies and for the outbox
 * dispatcher. What a person typed is escaped before it goes into a message, so it arrives as
 * they typed it, tags and ampersands included, while the bot's own markup (<b>) still renders.
 */
describe(`text people typed, in HTML messages (${kind})`, () => {
  let h: Harness;
  let org: Org;
  const typed = '报送<b>整改</b>方案 & 说明';

  beforeAll(async () => {
    h = await startHarness({ kind });
    org = await seedOrg(h);
  });
  afterAll(async () => {
    await h.stop();
  });

  /** The recorded request that produced a message, found by the text Telegram stored. */
  function requestOf(method: 'sendMessage' | 'editMessageText', message: Message) {
    const calls = h.tg.callsTo(method).map((c) => c.params as { chat_id?: number | string; text?: string; parse_mode?: string });
    return calls.filter((p) => Number(p.chat_id) === message.chat.id && p.text?.includes('&lt;b&gt;整改&lt;/b&gt;方案 &amp; 说明')).at(-1);
  }

  function bold(message: Message): string[] {
    return (message.entities ?? []).filter((e) => e.type === 'bold').map((e) => message.text!.slice(e.offset, e.offset + e.length));
  }

  let draft: Message;

  it('shows the instruction on the draft card (a direct reply) exactly as typed', async () => {
    await h.say(org.leader, org.leadersGroup, `/assign 市住建局负责，3月20日前${typed}。`);
    draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain(`${typed}。`);
    expect(draft.text).not.toContain('&lt;');
    expect(bold(draft)).not.toContain('整改');
    // The request carried escaped text and the parse mode no call site wrote.
    expect(requestOf('sendMessage', draft)?.parse_mode).toBe('HTML');
  });

  it('shows it so on the unit’s card too, sent by the outbox dispatcher, whose own markup still renders', async () => {
    await h.press(org.leader, org.leadersGroup, draft.message_id, { text: '✅ 确认交办' });
    const card = h.botMessages(org.housingGroup).find((m) => buttonsOf(m).some((b) => b.text === '✅ 签收'))!;
    expect(card.text).toContain(typed);
    expect(card.text).not.toContain('&amp;');
    expect(bold(card)).not.toContain('整改');
    // The card's title is bold: the Fluent file's <b> was parsed, not shown.
    expect(bold(card).some((b) => /^督办〔2026〕\d+号$/.test(b))).toBe(true);
    expect(card.text).not.toContain('<b>督办');
    expect(requestOf('sendMessage', card)?.parse_mode).toBe('HTML');
  });

  it('keeps a progress report’s text as typed in what the leaders hear', async () => {
    const card = h.botMessages(org.housingGroup).find((m) => buttonsOf(m).some((b) => b.text === '✅ 签收'))!;
    await h.press(org.housingStaff, org.housingGroup, card.message_id, { text: '✅ 签收' });
    await h.say(org.housingStaff, org.housingGroup, '已完成 <i>一半</i> & 正在推进', { replyTo: card.message_id });
    const heard = h.botMessages(org.leadersGroup).filter((m) => m.text?.includes('已完成 <i>一半</i> & 正在推进'));
    expect(heard.length).toBeGreaterThan(0);
    for (const m of heard) expect((m.entities ?? []).some((e) => e.type === 'italic')).toBe(false);
  });
});
