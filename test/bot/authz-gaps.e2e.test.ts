import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, User } from 'grammy/types';
import { createTranslator } from '../../src/i18n/translator.js';
import { encodeButton } from '../../src/notifications/callback-data.js';
import { createItemsRepository } from '../../src/items/items.repository.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';
import type { AppDeps } from '../../src/deps.js';

const kind = storageKinds()[0]!;

/**
 * Issue 12 item 7: who may read an item, and presses that must not change a message they were
 * not made for. Every refusal is asserted together with "nothing changed": no edit sent, the
 * message as it was, the item at the same version.
 */
describe(`authorization gaps: reading items and pressing buttons (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let deps: AppDeps;
  let englishStranger: User;
  const ids: number[] = [];
  const codes: number[] = [];

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    deps = { db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator() };
    englishStranger = h.tg.createUser({ firstName: 'Pat', lastName: 'Passer', languageCode: 'en' });
    for (const user of [org.leader, org.housingStaff, org.otherUnitStaff, org.stranger, englishStranger]) await h.say(user, 'private', '/start');
    // Twelve items: more than one page of /list (ten a page).
    for (let i = 1; i <= 12; i++) {
      const { item } = await startAssignment(deps, {
        actorId: org.leader.id,
        text: `请市住建局牵头，于3月20日前完成第${i}项机密整改。`,
        source: { chatId: org.leadersGroup.id, threadId: 0, messageId: null },
        chat: { chatId: org.leadersGroup.id, threadId: 0 },
      });
      const opened = await runItemCommand(deps, { actorId: org.leader.id, itemId: item.id, command: { type: 'confirm_draft' } });
      ids.push(item.id);
      codes.push(opened.item.row.codeNumber!);
    }
    await h.settle();
  });
  afterAll(async () => {
    await h.stop();
  });

  const version = async (itemId: number) =>
    (await createItemsRepository({ db: h.database.db, clock: h.clock, timezone: 'Asia/Shanghai' }).get(itemId))!.state.version;
  const edits = () => h.tg.callsTo('editMessageText').length + h.tg.callsTo('editMessageReplyMarkup').length;
  const lastAlert = () => h.callbackAnswers().at(-1)!;

  describe('/task shows an item only to those who may see it', () => {
    it('shows the card and the timeline to a leader and to a member of the item’s unit', async () => {
      for (const user of [org.leader, org.housingStaff, h.admin]) {
        if (user === h.admin) await h.say(user, 'private', '/start');
        await h.say(user, 'private', `/task ${codes[0]}`);
        const text = h.lastBotMessage(user.id).text!;
        expect(text).toContain('第1项机密整改');
        expect(text).toContain('办理记录');
      }
    });

    for (const who of ['stranger', 'otherUnitStaff'] as const) {
      it(`refuses ${who} (no unit on the item) without revealing a word of the item`, async () => {
        const user = org[who];
        const sent = h.tg.callsTo('sendMessage').length;
        await h.say(user, 'private', `/task ${codes[0]}`);
        const text = h.lastBotMessage(user.id).text!;
        expect(text).toBe('只有领导、管理员和承办该事项的单位可以查看此事项。您可以用 /list mine 查看本单位的事项；如需查看此事项，请联系督查室。');
        expect(text).not.toContain('机密');
        expect(h.tg.callsTo('sendMessage').length).toBe(sent + 1);
      });
    }

    it('refuses in English when the person’s Telegram speaks English', async () => {
      await h.say(englishStranger, 'private', `/task ${codes[0]}`);
      expect(h.lastBotMessage(englishStranger.id).text).toBe(
        "Only leaders, admins and the item's own units may view this item. Use /list mine for your unit's items, or ask the supervision office if you need this one.",
      );
    });

    it('refuses in a group too: a stranger asking in the unit’s group is not a member of the unit', async () => {
      await h.say(org.stranger, org.housingGroup, `/task ${codes[0]}`);
      const text = h.lastBotMessage(org.housingGroup).text!;
      expect(text).toContain('只有领导、管理员和承办该事项的单位可以查看此事项');
      expect(text).not.toContain('机密');
    });
  });

  describe('a press must match a button on the message and be allowed for the presser', () => {
    let list: Message;

    it('pages a leader’s /list for the leader', async () => {
      await h.say(org.leader, org.leadersGroup, '/list all');
      list = h.lastBotMessage(org.leadersGroup);
      expect(list.text).toContain('全部事项（12 件）');
      const next = buttonsOf(list).find((b) => b.text.includes('下一页'))!;
      await h.press(org.leader, org.leadersGroup, list.message_id, next);
      const paged = h.tg.message(org.leadersGroup.id, list.message_id)!;
      expect(paged.text).toContain('第 2/2 页');
      expect(h.callbackAnswers().at(-1)?.show_alert).toBeFalsy();
      list = paged;
    });

    it('refuses anyone else who presses the list’s own paging button, and leaves the list as it was', async () => {
      const before = h.tg.message(org.leadersGroup.id, list.message_id)!;
      const sentEdits = edits();
      const prev = buttonsOf(list).find((b) => b.text.includes('上一页'))!;
      await h.press(org.housingStaff, org.leadersGroup, list.message_id, prev);
      expect(lastAlert()).toEqual(expect.objectContaining({ show_alert: true, text: '这份列表是别人查询的，只有查询人可以翻页。请自己发送 /list 查看。' }));
      expect(edits()).toBe(sentEdits);
      expect(h.tg.message(org.leadersGroup.id, list.message_id)).toEqual(before);
    });

    it('refuses paging data forged onto the leader’s list (even naming the forger as its sender), and changes nothing', async () => {
      const before = h.tg.message(org.leadersGroup.id, list.message_id)!;
      const sentEdits = edits();
      await h.press(org.housingStaff, org.leadersGroup, list.message_id, { data: `lst:0:0:0:${org.housingStaff.id}`, forged: true });
      expect(lastAlert()).toEqual(
        expect.objectContaining({ show_alert: true, text: '这个按钮已失效或不属于这条消息，什么也没有改变。请使用消息上现有的按钮，或重新发送命令。' }),
      );
      expect(edits()).toBe(sentEdits);
      expect(h.tg.message(org.leadersGroup.id, list.message_id)).toEqual(before);
    });

    it('refuses paging data forged onto a unit’s card, which keeps its text and buttons', async () => {
      const card = h.botMessages(org.housingGroup).find((m) => buttonsOf(m).some((b) => b.text === '✅ 签收'))!;
      const before = h.tg.message(org.housingGroup.id, card.message_id)!;
      const sentEdits = edits();
      await h.press(org.housingStaff, org.housingGroup, card.message_id, { data: `lst:5:0:0:${org.housingStaff.id}`, forged: true });
      expect(lastAlert()).toEqual(expect.objectContaining({ show_alert: true, text: expect.stringContaining('这个按钮已失效或不属于这条消息') }));
      expect(edits()).toBe(sentEdits);
      expect(h.tg.message(org.housingGroup.id, card.message_id)).toEqual(before);
    });

    it('refuses a decision forged onto a card (another item’s 签收), and neither item changes', async () => {
      const card = h.botMessages(org.housingGroup).find((m) => buttonsOf(m).some((b) => b.text === '✅ 签收'))!;
      const other = ids.find((id) => !buttonsOf(card).some((b) => b.data === encodeButton({ action: 'ack', itemId: id, unitId: org.units.housing })))!;
      const [beforeOther, sentEdits] = [await version(other), edits()];
      await h.press(org.housingStaff, org.housingGroup, card.message_id, {
        data: encodeButton({ action: 'ack', itemId: other, unitId: org.units.housing }),
        forged: true,
      });
      expect(lastAlert()).toEqual(expect.objectContaining({ show_alert: true, text: expect.stringContaining('这个按钮已失效或不属于这条消息') }));
      expect(await version(other)).toBe(beforeOther);
      expect(edits()).toBe(sentEdits);
    });

    it('answers button data naming an id past 2^31−1 with a refusal, never an internal error', async () => {
      const card = h.botMessages(org.housingGroup).find((m) => buttonsOf(m).some((b) => b.text === '✅ 签收'))!;
      const sentEdits = edits();
      await h.press(org.housingStaff, org.housingGroup, card.message_id, { data: `ack:99999999999:1:0`, forged: true });
      expect(lastAlert().text).toContain('这个按钮已失效或不属于这条消息');
      await h.press(org.housingStaff, org.housingGroup, card.message_id, { data: `viw:2147483648:0:0`, forged: true });
      expect(lastAlert().text).toContain('这个按钮已失效或不属于这条消息');
      expect(edits()).toBe(sentEdits);
    });

    it('refuses in English to an English-speaking presser', async () => {
      await h.say(org.leader, org.leadersGroup, '/list all');
      const fresh = h.lastBotMessage(org.leadersGroup);
      h.tg.addMember(org.leadersGroup.id, englishStranger);
      const next = buttonsOf(fresh).find((b) => b.text.includes('下一页'))!;
      await h.press(englishStranger, org.leadersGroup, fresh.message_id, next);
      expect(lastAlert()).toEqual(
        expect.objectContaining({
          show_alert: true,
          text: 'Someone else asked for this list, so only they can turn its pages. Send /list yourself to see it.',
        }),
      );
      expect(h.tg.message(org.leadersGroup.id, fresh.message_id)).toEqual(fresh);
    });
  });
});
