import type { Message, User, Chat } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n/translator.js';
import { silentLogger } from '../../src/logger.js';
import { runSweep } from '../../src/reminders/reminders.usecases.js';
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
 * 移交 through the real bot: a routine item whose level reaches rung 4 at its 3rd overdue nag
 * (levels.routine.rung4) is referred while no discipline group is bound (the admins are told,
 * the referral waits); /bind discipline sends it with the history; someone in the discipline
 * group presses 已接收, then 反馈 and answers the prompt; the card changes in place each time,
 * the leaders hear the outcome, and /task shows it all. Outside the discipline group, nobody but
 * an admin may act on it.
 */
describe(`移交 to the discipline body (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let disciplineGroup: Chat;
  let inspector: User;
  const sweepAt = async (local: string) => {
    const at = new Date(`${local.replace(' ', 'T')}:00+08:00`);
    h.clock.set(at);
    const deps = { db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator(), logger: silentLogger };
    await runSweep(deps, { now: at });
    await h.dispatcher.drain();
  };
  const referralCard = () => h.botMessages(disciplineGroup).find((m) => m.text?.includes('移交纪检监察'))!;
  const current = (m: Message) => h.tg.message(m.chat.id, m.message_id)!;
  // The admin never started the bot: admin notices go to the leaders group.
  const adminHeard = () => h.botMessages(org.leadersGroup).map((m) => m.text ?? '');

  beforeAll(async () => {
    h = await startHarness({
      kind,
      clock: '2026-03-02T09:00:00+08:00',
      config: { reminders: { levels: { key: {}, special: {}, routine: { overdueNagEveryDays: 1, rung4: { nags: 3, daysOverdue: 10 } } } } },
    });
    org = await seedOrg(h);
    inspector = h.tg.createUser({ firstName: '纪', lastName: '检查员', languageCode: 'zh' });
    disciplineGroup = h.tg.createGroup({ title: '市纪委监委', members: [h.admin, inspector] }) as Chat;
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于3月4日前报送老旧小区整改方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
    const card = h.botMessages(org.housingGroup).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
    await h.press(org.housingStaff, org.housingGroup, card.message_id, button(card, '签收'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reaches rung 4 at the level’s own threshold without a discipline group: the referral waits and the admins are told once', async () => {
    for (const day of ['2026-03-05', '2026-03-06']) await sweepAt(`${day} 09:00`);
    expect(adminHeard().some((t) => t.includes('应移交纪检监察机关'))).toBe(false);
    await sweepAt('2026-03-09 09:00');
    await sweepAt('2026-03-10 09:00');
    const told = adminHeard().filter((t) => t.includes('督办〔2026〕1号 已达到第4级'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('/bind discipline');
    await h.say(org.leader, org.leadersGroup, '/task 1');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('移交纪检监察：等待绑定纪委群');
  });

  it('sends the waiting referral with the history when the discipline group is bound', async () => {
    await h.say(h.admin, disciplineGroup, '/bind discipline');
    expect(h.botMessages(disciplineGroup).some((m) => m.text?.includes('已把 1 件等待中的移交发到本群'))).toBe(true);
    const card = referralCard();
    expect(card.text).toContain('督办〔2026〕1号');
    expect(card.text).toContain('市住房和城乡建设局');
    expect(card.text).toContain('承办人 胡科员');
    expect(card.text).toContain('2026-03-04');
    expect(card.text).toContain('移交原因');
    expect(card.text).toContain('待接收');
    expect(buttonsOf(card).map((b) => b.text)).toEqual(['📥 已接收', '📝 反馈']);
    const history = h.botMessages(disciplineGroup).find((m) => m.text?.includes('办理记录'))!;
    expect(history.text).toContain('交办');
    expect(history.text).toContain('签收');
    expect(history.text).toContain('督办升级');
  });

  it('refuses everyone outside the discipline group but admins, saying where to act', async () => {
    await h.say(org.leader, org.leadersGroup, '/received 1');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('纪委群');
    await h.say(org.housingStaff, org.housingGroup, '/feedback 1 已整改');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('纪委群');
  });

  it('已接收 pressed in the discipline group updates the card in place', async () => {
    const card = referralCard();
    await h.press(inspector, disciplineGroup, card.message_id, button(card, '已接收'));
    const now = current(card);
    expect(now.text).toContain('已接收（纪检查员');
    expect(buttonsOf(now).map((b) => b.text)).toEqual(['📝 反馈']);
    // Pressing it twice is refused: the card no longer has the button, and the command says so.
    await h.say(inspector, disciplineGroup, '/received 1');
    expect(h.lastBotMessage(disciplineGroup).text).toContain('已标记为已接收');
  });

  it('反馈 asks for the outcome by force-reply; the answer is recorded, the card shows it, the leaders are told', async () => {
    const card = referralCard();
    await h.press(inspector, disciplineGroup, card.message_id, button(card, '反馈'));
    const prompt = h.lastBotMessage(disciplineGroup);
    expect(prompt.text).toContain('问责结果');
    const asked = h.tg
      .callsTo('sendMessage')
      .filter((c) => String(c.params.text).includes('问责结果'))
      .at(-1)!;
    expect(asked.params.reply_markup).toMatchObject({ force_reply: true });
    await h.say(inspector, disciplineGroup, '已约谈市住建局主要负责人，责令三日内整改到位', { replyTo: prompt.message_id });
    expect(h.lastBotMessage(disciplineGroup).text).toContain('已记录');
    const now = current(card);
    expect(now.text).toContain('已反馈（纪检查员）：已约谈市住建局主要负责人');
    expect(buttonsOf(now)).toEqual([]);
    expect(h.botMessages(org.leadersGroup).some((m) => m.text?.includes('移交纪检监察的反馈') && m.text.includes('责令三日内整改到位'))).toBe(true);
    await h.say(inspector, disciplineGroup, '/feedback 1 再补充一句');
    expect(h.lastBotMessage(disciplineGroup).text).toContain('已经反馈过');
  });

  it('/task shows the referral and its steps in the timeline', async () => {
    await h.say(org.leader, org.leadersGroup, '/task 1');
    const text = h.lastBotMessage(org.leadersGroup).text!;
    expect(text).toContain('移交纪检监察：已反馈');
    for (const label of ['移交纪检监察', '移交已发出', '纪委已接收移交', '纪委反馈问责结果']) expect(text).toContain(label);
  });
});
