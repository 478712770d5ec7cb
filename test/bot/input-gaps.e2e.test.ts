import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from 'grammy/types';
import { createTranslator } from '../../src/i18n/translator.js';
import { createItemsRepository } from '../../src/items/items.repository.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { unitRecords } from '../../src/org/org.usecases.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';
import type { AppDeps } from '../../src/deps.js';

const kind = storageKinds()[0]!;

/**
 * Issue 12 item 7, the input half: what people type that the bot cannot quote, store or read is
 * answered with a sentence that says so, never with silence or the generic internal error, and
 * nothing changes.
 */
describe(`input gaps: long quotes, invisible names, unstorable text, huge ids, impossible dates (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let deps: AppDeps;
  let itemId = 0;
  let code = 0;
  let englishStaff: User;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    deps = { db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator() };
    englishStaff = h.tg.createUser({ firstName: 'Eve', lastName: 'Staff', languageCode: 'en' });
    for (const user of [h.admin, org.leader, org.housingStaff, englishStaff]) await h.say(user, 'private', '/start');
    const { item } = await startAssignment(deps, {
      actorId: org.leader.id,
      text: '请市住建局牵头，于3月20日前完成。',
      source: { chatId: org.leadersGroup.id, threadId: 0, messageId: null },
      chat: { chatId: org.leadersGroup.id, threadId: 0 },
    });
    const opened = await runItemCommand(deps, { actorId: org.leader.id, itemId: item.id, command: { type: 'confirm_draft' } });
    itemId = item.id;
    code = opened.item.row.codeNumber!;
    await h.settle();
  });
  afterAll(async () => {
    await h.stop();
  });

  const version = async () => (await createItemsRepository({ db: h.database.db, clock: h.clock, timezone: 'Asia/Shanghai' }).get(itemId))!.state.version;
  const internalError = /抱歉，处理时出错了|something went wrong/;

  describe('a refusal that quotes what was typed', () => {
    it('shortens a quote too long for Telegram, escaped, and the refusal still arrives', async () => {
      const sent = h.tg.callsTo('sendMessage').length;
      const typed = `<b>${'很'.repeat(4000)}`;
      await h.say(h.admin, 'private', `/list unit ${typed}`);
      expect(h.tg.callsTo('sendMessage').length).toBe(sent + 1);
      const text = h.lastBotMessage(h.admin.id).text!;
      expect(text.length).toBeLessThanOrEqual(4096);
      expect(text).toMatch(/^没有找到单位「<b>很+…」/);
      expect(text.length).toBeLessThan(200);
    });

    it('quotes a name with HTML in it as typed, not as markup', async () => {
      await h.say(h.admin, 'private', '/list unit <i>&amp;局');
      expect(h.lastBotMessage(h.admin.id).text).toContain('没有找到单位「<i>&amp;局」');
    });
  });

  describe('unit names made only of invisible characters', () => {
    for (const [what, alias] of [
      ['zero-width spaces', '\u200B\u200B'],
      ['a word joiner and a bidi mark', '\u2060\u200F'],
      ['Hangul fillers', '\u3164\u3164'],
      ['a C1 control', '\u0085'],
    ] as const) {
      it(`refuses an alias of ${what}, and the unit keeps its aliases`, async () => {
        const before = (await unitRecords(deps)).find((u) => u.id === org.units.housing)!.aliases;
        await h.say(h.admin, 'private', `/unit alias 住建局 ${alias}`);
        expect(h.lastBotMessage(h.admin.id).text).toBe('单位名称只含看不见的字符（如零宽空格、控制字符），列表里会显示为空白。请用能看见的文字写名称。');
        expect((await unitRecords(deps)).find((u) => u.id === org.units.housing)!.aliases).toEqual(before);
      });
    }

    it('refuses a new unit with an invisible name, and adds no unit', async () => {
      const before = (await unitRecords(deps)).length;
      await h.say(h.admin, 'private', '/unit add \u200B\u200D');
      expect(h.lastBotMessage(h.admin.id).text).toContain('单位名称只含看不见的字符');
      expect((await unitRecords(deps)).length).toBe(before);
    });

    it('still accepts a visible alias', async () => {
      await h.say(h.admin, 'private', '/unit alias 住建局 建设局');
      expect((await unitRecords(deps)).find((u) => u.id === org.units.housing)!.aliases).toContain('建设局');
    });
  });

  describe('text that cannot be stored', () => {
    for (const [what, bad] of [
      ['a NUL', '进展\u0000顺利'],
      ['a lone high surrogate', '进展\uD83D顺利'],
      ['a lone low surrogate', '进展\uDE00顺利'],
    ] as const) {
      it(`answers a progress report with ${what} specifically, and the item does not change`, async () => {
        const before = await version();
        await h.say(org.housingStaff, 'private', `/progress ${code} ${bad}`);
        const text = h.lastBotMessage(org.housingStaff.id).text!;
        expect(text).toBe('这条消息含有无法保存的字符（空字符或残缺的表情/文字编码），什么也没有改变。请删去这些字符后重新发送，或把内容作为文件附上。');
        expect(await version()).toBe(before);
      });
    }

    it('answers in English to an English speaker', async () => {
      await h.say(englishStaff, 'private', '/task 1\u0000');
      expect(h.lastBotMessage(englishStaff.id).text).toContain('This message has characters that cannot be stored');
    });

    it('keeps a paired emoji: it is stored as written', async () => {
      await h.say(org.housingStaff, 'private', `/progress ${code} 进展顺利😀`);
      expect(h.lastBotMessage(org.housingStaff.id).text).not.toContain('无法保存');
      expect(h.lastBotMessage(org.housingStaff.id).text).not.toMatch(internalError);
    });

    it('stays silent about group chatter not meant for the bot', async () => {
      const sent = h.tg.callsTo('sendMessage').length;
      await h.say(org.housingStaff, org.housingGroup, '大家好\u0000');
      expect(h.tg.callsTo('sendMessage').length).toBe(sent);
    });
  });

  describe('ids past 2^31−1', () => {
    it('answers /task 99999999999 with "not found", never an internal error', async () => {
      await h.say(org.leader, 'private', '/task 99999999999');
      const text = h.lastBotMessage(org.leader.id).text!;
      expect(text).toBe('没有找到事项「99999999999」。请检查编号，或发送 /list all 查看。');
    });

    it('answers a code with a huge number the same way', async () => {
      await h.say(org.leader, 'private', '/task 2026-99999999999');
      expect(h.lastBotMessage(org.leader.id).text).toBe('没有找到事项「2026-99999999999」。请检查编号，或发送 /list all 查看。');
    });
  });

  describe('channel posts', () => {
    it('ignores a command posted in a channel', async () => {
      const channel = { id: -1_009_000_000_001, type: 'channel' as const, title: '通知频道' };
      const sent = h.tg.calls.length;
      const post = {
        message_id: 1,
        date: 1_772_413_200,
        chat: channel,
        sender_chat: channel,
        text: `/task ${code}`,
        entities: [{ type: 'bot_command' as const, offset: 0, length: 5 }],
      };
      // The bot's allowed_updates leave channel posts out, so Telegram never delivers one ...
      expect(h.tg.injectUpdate({ channel_post: post })).toBeUndefined();
      // ... and one handed to its handlers anyway (an older allowed_updates) is ignored.
      await h.app.handleUpdate!({ update_id: 99_000_001, channel_post: post });
      await h.dispatcher.drain();
      expect(h.tg.calls.slice(sent).filter((c) => c.method !== 'getUpdates')).toEqual([]);
    });
  });

  describe('impossible dates', () => {
    it('refuses an extension to 2026年2月30日 with a clear answer, and the item does not change', async () => {
      const before = await version();
      await h.say(org.housingStaff, 'private', `/extend ${code} 2026年2月30日 等待批复`);
      const text = h.lastBotMessage(org.housingStaff.id).text!;
      expect(text).toContain('2026年2月30日');
      expect(text).not.toMatch(internalError);
      expect(await version()).toBe(before);
    });

    it('refuses an extension to 13月 with a clear answer', async () => {
      const before = await version();
      await h.say(org.housingStaff, 'private', `/extend ${code} 13月5日 等待批复`);
      const text = h.lastBotMessage(org.housingStaff.id).text!;
      expect(text).toContain('13月5日');
      expect(text).not.toMatch(internalError);
      expect(await version()).toBe(before);
    });

    it('warns on a draft whose deadline is 2026年2月30日', async () => {
      await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于2026年2月30日前完成。');
      const draft = h.lastBotMessage(org.leadersGroup).text!;
      expect(draft).toContain('「2026年2月30日」不是有效日期');
    });
  });
});
