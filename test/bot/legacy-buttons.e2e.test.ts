import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import type { Message } from 'grammy/types';
import { decodeButton } from '../../src/notifications/callback-data.js';
import { BOT_TOKEN, buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;

/**
 * Cards sent before the button codec still sit in real chats with the old positional data
 * (`<action>:<itemId>:<unitId>:<version>[:<personId>]`). Here a card's keyboard is set back to
 * what the old bot wrote, through the Bot API as the bot itself would have, and its buttons are
 * pressed: they must do what they always did.
 */
describe(`buttons written by the bot before the codec (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let api: Api;

  beforeAll(async () => {
    h = await startHarness({ kind });
    org = await seedOrg(h);
    api = new Api(BOT_TOKEN, { apiRoot: h.tg.apiRoot });
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Gives a message the keyboard an older bot would have drawn: one button per [text, data]. */
  async function oldKeyboard(message: Message, buttons: [string, string][]) {
    await api.editMessageReplyMarkup(message.chat.id, message.message_id, {
      reply_markup: { inline_keyboard: buttons.map(([text, data]) => [{ text, callback_data: data }]) },
    });
  }

  function dataOf(message: Message, text: string) {
    const found = buttonsOf(message).find((b) => b.text.includes(text));
    if (!found) throw new Error(`no button "${text}" on: ${message.text}`);
    return decodeButton(found.data)!;
  }

  let itemId = 0;

  it('confirms a draft with an old 确认交办 (dok:<draft>:0:<version>)', async () => {
    await h.say(org.leader, org.leadersGroup, '/assign 市住建局负责，3月20日前报送老旧小区改造方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    const data = dataOf(draft, '确认交办');
    if (data.action !== 'dok') throw new Error(`not a draft confirmation: ${JSON.stringify(data)}`);
    itemId = data.draftId;
    await oldKeyboard(draft, [['确认交办', `dok:${itemId}:0:${data.version}`]]);
    await h.press(org.leader, org.leadersGroup, draft.message_id, { data: `dok:${itemId}:0:${data.version}` });
    expect(h.tg.message(org.leadersGroup.id, draft.message_id)!.text).toMatch(/^✅ 已交办，编号 督办〔2026〕\d+号/);
  });

  it('acknowledges with an old 签收 on a unit’s card (ack:<item>:<unit>:0)', async () => {
    const card = h.botMessages(org.housingGroup).find((m) => buttonsOf(m).some((b) => b.text === '✅ 签收'))!;
    const old = `ack:${itemId}:${org.units.housing}:0`;
    await oldKeyboard(card, [['✅ 签收', old]]);
    await h.press(org.housingStaff, org.housingGroup, card.message_id, { data: old });
    expect(h.callbackAnswers().at(-1)?.text).toMatch(/^✅ 市住房和城乡建设局 已签收 督办〔2026〕\d+号。$/);
    // The card, refreshed through the outbox, now carries new-format buttons only.
    const refreshed = h.tg.message(org.housingGroup.id, card.message_id)!;
    expect(buttonsOf(refreshed).length).toBeGreaterThan(0);
    for (const b of buttonsOf(refreshed)) expect(b.data).toMatch(/^[a-z]{3}\?/);
  });

  it('turns the page of an old /list (lst:<page>:<filter code>:<unit>:<sender>)', async () => {
    // Eleven more items, so that /list all has two pages.
    for (let i = 0; i < 11; i++) {
      await h.say(org.leader, org.leadersGroup, `/assign 市住建局负责，3月20日前报送第${i + 1}项材料。`);
      const draft = h.lastBotMessage(org.leadersGroup);
      await h.press(org.leader, org.leadersGroup, draft.message_id, { text: '✅ 确认交办' });
    }
    await h.say(org.leader, org.leadersGroup, '/list all');
    const list = h.lastBotMessage(org.leadersGroup);
    expect(list.text).toContain('第 1/2 页');
    const old = `lst:1:0:0:${org.leader.id}`; // page 1 of filter 0 ('all')
    await oldKeyboard(list, [['下一页', old]]);
    await h.press(org.leader, org.leadersGroup, list.message_id, { data: old });
    expect(h.tg.message(org.leadersGroup.id, list.message_id)!.text).toContain('第 2/2 页');
  });
});
