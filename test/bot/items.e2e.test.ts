import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { startHarness, buttonsOf, type Harness } from '../helpers/bot-harness.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';
import { storageKinds } from '../helpers/db.js';
import { createItemsRepository } from '../../src/items/items.repository.js';

const kind = storageKinds()[0]!;

function button(message: Message, text: string) {
  const found = buttonsOf(message).find((b) => b.text.includes(text));
  if (!found)
    throw new Error(
      `no button "${text}" on: ${message.text}\nbuttons: ${buttonsOf(message)
        .map((b) => b.text)
        .join(' | ')}`,
    );
  return found;
}

/** Where the story's item stands, in the order people bring it there. */
const STAGES = ['draft', 'assigned', 'acknowledged', 'progressed', 'contributed', 'extended', 'submitted', 'returned', 'closed'] as const;
type Stage = (typeof STAGES)[number];
const STATUS_AT: Record<Stage, string> = {
  draft: 'draft',
  assigned: 'open',
  acknowledged: 'open',
  progressed: 'open',
  contributed: 'open',
  extended: 'open',
  submitted: 'result_submitted',
  returned: 'open',
  closed: 'closed',
};
const INSTRUCTION = '请市住建局牵头，市城管局配合，于3月20日前报送整改方案。每周报送进展。';

/**
 * Each test starts on its own bot and database and brings the story's item (督办〔2026〕1号) to the
 * stage it needs through the bot, as people would (commands, a file): any test runs alone
 * (`-t`) and in any order.
 */
describe(`an item's whole life in Chinese (${kind})`, () => {
  let h: Harness;
  let org: Org;

  beforeEach(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  const items = () => createItemsRepository({ db: h.database.db, clock: h.clock, timezone: 'Asia/Shanghai' });

  /** The story's item brought to `stage`; returns the leader's instruction message it answers. */
  async function storyAt(stage: Stage): Promise<{ instruction: Message }> {
    const reached = (s: Stage) => STAGES.indexOf(s) <= STAGES.indexOf(stage);
    const instruction = await h.say(org.leader, org.leadersGroup, INSTRUCTION);
    await h.say(org.leader, org.leadersGroup, '/assign', { replyTo: instruction.message_id });
    if (reached('assigned')) {
      const draft = h.lastBotMessage(org.leadersGroup);
      await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
    }
    if (reached('acknowledged')) {
      await h.say(org.housingStaff, org.housingGroup, '/ack 1');
      await h.say(org.urbanStaff, org.urbanGroup, '/ack 1');
    }
    if (reached('progressed')) await h.say(org.housingStaff, org.housingGroup, '/progress 1 已完成现场排查，正在编制方案。');
    if (reached('contributed')) await h.say(org.urbanStaff, org.urbanGroup, '/result 1 已配合完成占道整治，附清单。');
    if (reached('extended')) {
      await h.say(org.housingStaff, org.housingGroup, '/extend 1 2026-03-31 需等待专家评审');
      await h.say(org.leader, org.leadersGroup, '/approve 1');
    }
    if (reached('submitted')) {
      await h.sendFile(org.housingStaff, org.housingGroup, {
        fileName: '整改方案.docx',
        content: Buffer.from('方案'),
        caption: '/result 1 整改方案已完成，请审阅。',
      });
    }
    if (reached('returned')) await h.say(org.leader, org.leadersGroup, '/return 1 请补充资金测算。');
    if (reached('closed')) {
      await h.say(org.housingStaff, org.housingGroup, '/result 1 已补充资金测算，方案定稿。');
      await h.say(org.leader, org.leadersGroup, '/confirm 1');
    }
    if (stage !== 'draft') {
      // The setup itself must have worked, or the test would fail far from the cause.
      const item = await items().findByCode({ year: 2026, number: 1 });
      expect(item?.state.status, `the story's item at stage ${stage}`).toBe(STATUS_AT[stage]);
      if (reached('extended')) expect(item?.state.extensionCount).toBe(1);
    }
    return { instruction };
  }

  it('reads an instruction the leader replies to with /assign and shows a draft card', async () => {
    await storyAt('draft');
    const draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('交办草稿');
    expect(draft.text).toContain('牵头单位：市住房和城乡建设局');
    expect(draft.text).toContain('配合单位：市城市管理执法局');
    expect(draft.text).toContain('办理时限：2026-03-20');
    expect(draft.text).toContain('进展报送：每周五报送');
    expect(buttonsOf(draft).map((b) => b.text)).toEqual(expect.arrayContaining(['✅ 确认交办', '📅 改时限', '🏢 改单位', '✖️ 取消']));
  });

  it('on confirm numbers the item, answers under the instruction and sends each unit its card', async () => {
    const { instruction } = await storyAt('draft');
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
    const edited = h.tg.message(org.leadersGroup.id, draft.message_id)!;
    expect(edited.text).toContain('已交办，编号 督办〔2026〕1号');
    const card = h.botMessages(org.leadersGroup).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
    expect(card.reply_to_message?.message_id).toBe(instruction.message_id);

    const housingCard = h.lastBotMessage(org.housingGroup);
    expect(housingCard.text).toContain('督办〔2026〕1号');
    // The lead unit cannot submit its result before the cooperating unit's contribution: no button for it yet.
    expect(buttonsOf(housingCard).map((b) => b.text)).toEqual(['✅ 签收', '📝 报告进展', '🕒 申请延期']);
    expect(housingCard.text).toContain('尚待配合意见：市城市管理执法局');
    const urbanCard = h.lastBotMessage(org.urbanGroup);
    expect(buttonsOf(urbanCard).map((b) => b.text)).toEqual(['✅ 签收', '📝 报告进展', '📄 提交配合意见']);
  });

  it('records each unit’s acknowledgement separately, by button and by command', async () => {
    await storyAt('assigned');
    const housingCard = h.lastBotMessage(org.housingGroup);
    await h.press(org.housingStaff, org.housingGroup, housingCard.message_id, button(housingCard, '签收'));
    expect(h.callbackAnswers().at(-1)?.text).toContain('市住房和城乡建设局 已签收');
    const after = h.tg.message(org.housingGroup.id, housingCard.message_id)!;
    expect(buttonsOf(after).map((b) => b.text)).not.toContain('✅ 签收');
    expect(after.text).toContain('市住房和城乡建设局（牵头）✅ 已签收');

    await h.say(org.urbanStaff, org.urbanGroup, '/ack 1');
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('市城市管理执法局 已签收 督办〔2026〕1号');
    await h.say(org.urbanStaff, org.urbanGroup, '/ack 1');
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('已签收过该事项');

    const item = (await items().findByCode({ year: 2026, number: 1 }))!;
    expect(item.state.units.filter((u) => u.acknowledgedBy !== null).map((u) => u.acknowledgedBy)).toEqual([org.housingStaff.id, org.urbanStaff.id]);
  });

  it('takes a progress report given simply by replying to the unit’s card, and tells the leaders', async () => {
    await storyAt('acknowledged');
    const housingCard = h.botMessages(org.housingGroup).find((m) => m.text?.includes('督办〔2026〕1号'))!;
    await h.say(org.housingStaff, org.housingGroup, '已完成现场排查，正在编制方案。', { replyTo: housingCard.message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('进展已记录');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('市住房和城乡建设局 报告 督办〔2026〕1号 进展');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('已完成现场排查');
  });

  it('refuses the lead unit’s result while a cooperating unit has not contributed, naming it', async () => {
    await storyAt('progressed');
    await h.say(org.housingStaff, org.housingGroup, '/result 1 整改方案已完成');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('还有 1 个配合单位未提交配合意见：市城市管理执法局');
    expect((await items().findByCode({ year: 2026, number: 1 }))!.state.status).toBe('open');
  });

  it('passes a cooperating unit’s contribution to the lead unit', async () => {
    await storyAt('progressed');
    await h.say(org.urbanStaff, org.urbanGroup, '/result 1 已配合完成占道整治，附清单。');
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('配合意见已提交');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('市城市管理执法局 提交了 督办〔2026〕1号 的配合意见');
  });

  it('handles an extension: asked by button and reply, approved by the leader with one tap', async () => {
    await storyAt('contributed');
    const card = h.botMessages(org.housingGroup).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
    await h.press(org.housingStaff, org.housingGroup, card.message_id, button(card, '申请延期'));
    const prompt = h.lastBotMessage(org.housingGroup);
    expect(prompt.text).toContain('先写新时限，再写理由');
    await h.say(org.housingStaff, org.housingGroup, '2026-03-31 需等待专家评审', { replyTo: prompt.message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('延期申请已提交');
    const request = h.lastBotMessage(org.leadersGroup);
    expect(request.text).toContain('市住房和城乡建设局 申请将 督办〔2026〕1号 延期至 2026-03-31');
    await h.press(org.leader, org.leadersGroup, request.message_id, button(request, '批准延期'));
    expect(h.lastBotMessage(org.housingGroup).text).toContain('新时限 2026-03-31');
    const item = (await items().findByCode({ year: 2026, number: 1 }))!;
    expect(item.state).toMatchObject({ deadline: '2026-03-31', originalDeadline: '2026-03-20', extensionCount: 1 });
  });

  it('sends a submitted result to the leaders with confirm and return buttons; a return needs a reason', async () => {
    await storyAt('extended');
    await h.sendFile(org.housingStaff, org.housingGroup, {
      fileName: '整改方案.docx',
      content: Buffer.from('方案'),
      caption: '/result 1 整改方案已完成，请审阅。',
    });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('办理结果已提交');
    const resultCard = h
      .botMessages(org.leadersGroup)
      .reverse()
      .find((m) => m.text?.includes('提交了 督办〔2026〕1号 的办理结果'))!;
    expect(resultCard.text).toContain('李市长');
    expect(buttonsOf(resultCard).map((b) => b.text)).toEqual(['✅ 确认办结', '↩️ 退回']);
    expect(h.botMessages(org.leadersGroup).some((m) => m.document?.file_name === '整改方案.docx')).toBe(true);

    await h.press(org.leader, org.leadersGroup, resultCard.message_id, button(resultCard, '退回'));
    const prompt = h.lastBotMessage(org.leadersGroup);
    expect(prompt.text).toContain('写明退回');
    await h.say(org.leader, org.leadersGroup, '请补充资金测算。', { replyTo: prompt.message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('办理结果被退回，请重新办理。理由：请补充资金测算。');
    const item = (await items().findByCode({ year: 2026, number: 1 }))!;
    expect(item.state).toMatchObject({ status: 'open', returnCount: 1, result: null });
  });

  it('takes the resubmitted result and closes the item on confirm, posting the response under the instruction', async () => {
    const { instruction } = await storyAt('returned');
    const returned = h.lastBotMessage(org.housingGroup);
    await h.press(org.housingStaff, org.housingGroup, returned.message_id, button(returned, '提交结果'));
    const prompt = h.lastBotMessage(org.housingGroup);
    await h.say(org.housingStaff, org.housingGroup, '已补充资金测算，方案定稿。', { replyTo: prompt.message_id });
    const resultCard = h.lastBotMessage(org.leadersGroup);
    expect(resultCard.text).toContain('已补充资金测算');

    // The first result's card is a living card too: it now shows the resubmitted result.
    const first = h.botMessages(org.leadersGroup).find((m) => m.text?.includes('提交了 督办〔2026〕1号 的办理结果') && m.message_id !== resultCard.message_id)!;
    expect(first.text).toContain('已补充资金测算');
    expect(buttonsOf(first)).toEqual(buttonsOf(resultCard));
    await h.press(org.leader, org.leadersGroup, resultCard.message_id, button(resultCard, '确认办结'));
    const response = h.botMessages(org.leadersGroup).find((m) => m.text?.includes('督办〔2026〕1号 已办结'))!;
    expect(response.reply_to_message?.message_id).toBe(instruction.message_id);
    // Confirmed with one tap, without words: the response says it was confirmed.
    expect(response.text).toContain('回音（李市长）：同意办结。');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('督办〔2026〕1号 已办结');
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('督办〔2026〕1号 已办结');
    const item = (await items().findByCode({ year: 2026, number: 1 }))!;
    expect(item.state.status).toBe('closed');
    // Every card of the closed item, in every chat, shows it closed and has lost its buttons.
    for (const chat of [org.leadersGroup, org.housingGroup, org.urbanGroup]) {
      const cards = h.botMessages(chat).filter((m) => m.text?.includes('📌 督办〔2026〕1号'));
      expect(cards.length).toBeGreaterThan(0);
      for (const card of cards) {
        expect(card.text).toContain('已办结');
        expect(buttonsOf(card)).toEqual([]);
      }
    }
  });

  it('shows the card with the whole timeline on /task', async () => {
    await storyAt('closed');
    await h.say(org.leader, org.leadersGroup, '/task 督办〔2026〕1号');
    const text = h.lastBotMessage(org.leadersGroup).text!;
    for (const step of ['交办', '签收', '报告进展', '提交配合意见', '申请延期', '批准延期', '提交办理结果', '退回', '确认办结']) expect(text).toContain(step);
    expect(text).toContain('已办结');
  });

  it('reaches a unit without a group through its members’ private chats, and says so when nobody can be reached', async () => {
    await h.say(org.leader, org.leadersGroup, '/assign 请市自然资源局牵头，市教育局配合，于4月30日前完成。');
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
    expect(h.lastBotMessage(org.resourcesStaff.id).text).toContain('督办〔2026〕1号');
    expect(h.botMessages(org.leadersGroup).some((m) => m.text?.includes('无法通知 市教育局'))).toBe(true);
  });

  it('offers a pick list for an unknown unit, and falls back to the level’s default deadline when none is written', async () => {
    await h.say(org.leader, org.leadersGroup, '/assign 请市住房城乡局牵头研究办理。');
    const draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('未登记的单位：「市住房城乡局」');
    expect(draft.text).toContain('（批示未写时限，按级别默认）');
    // Routine: 15 working days after Monday 2026-03-02.
    expect(draft.text).toContain('办理时限：2026-03-23');
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '牵头：市住房和城乡建设局'));
    const picked = h.tg.message(org.leadersGroup.id, draft.message_id)!;
    expect(picked.text).toContain('牵头单位：市住房和城乡建设局');
    expect(picked.text).not.toContain('未登记的单位');
    // The level button cycles routine -> key; key's default is 5 working days, and the defaulted deadline follows.
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(picked, '级别'));
    const keyed = h.tg.message(org.leadersGroup.id, draft.message_id)!;
    expect(keyed.text).toContain('级别：重点督办');
    expect(keyed.text).toContain('办理时限：2026-03-09');
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(keyed, '取消'));
    expect(h.tg.message(org.leadersGroup.id, draft.message_id)!.text).toContain('已取消');
  });

  it('lets an admin assign on a leader’s behalf, and name a leader in charge who may then decide', async () => {
    const words = await h.say(org.otherLeader, org.leadersGroup, '请市住建局牵头，于4月10日前完成排查。');
    await h.say(h.admin, org.leadersGroup, '/assign', { replyTo: words.message_id });
    const draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('交办领导：赵副市长');
    await h.press(h.admin, org.leadersGroup, draft.message_id, button(draft, '分管领导'));
    const prompt = h.lastBotMessage(org.leadersGroup);
    await h.say(h.admin, org.leadersGroup, `${org.housingStaff.id}`, { replyTo: prompt.message_id });
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('不是领导，不能担任分管领导');
    await h.say(h.admin, org.leadersGroup, `${org.leader.id}`, { replyTo: prompt.message_id });
    const updated = h.tg.message(org.leadersGroup.id, draft.message_id)!;
    expect(updated.text).toContain('分管领导：李市长');
    await h.press(h.admin, org.leadersGroup, draft.message_id, button(updated, '确认交办'));
    const code = /督办〔2026〕(\d+)号/.exec(h.tg.message(org.leadersGroup.id, draft.message_id)!.text!)![1];
    // Replying to the unit's card reports progress and acknowledges: the card loses its 签收 button.
    const unitCard = h.lastBotMessage(org.housingGroup);
    expect(buttonsOf(unitCard).map((b) => b.text)).toContain('✅ 签收');
    await h.say(org.housingStaff, org.housingGroup, '正在排查。', { replyTo: unitCard.message_id });
    expect(buttonsOf(h.tg.message(org.housingGroup.id, unitCard.message_id)!).map((b) => b.text)).not.toContain('✅ 签收');
    await h.say(org.housingStaff, org.housingGroup, `/result ${code} 排查完毕`);
    await h.say(org.leader, org.leadersGroup, `/confirm ${code} 好`);
    expect(h.botMessages(org.leadersGroup).some((m) => m.text?.includes(`已确认办结：督办〔2026〕${code}号`))).toBe(true);
  });

  it('lists items with filters', async () => {
    await storyAt('closed');
    for (const text of ['/assign 请市自然资源局牵头，于4月30日前完成。', '/assign 请市住建局牵头，于4月10日前完成排查。']) {
      await h.say(org.leader, org.leadersGroup, text);
      const draft = h.lastBotMessage(org.leadersGroup);
      await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
    }
    await h.say(org.leader, org.leadersGroup, '/list all');
    const text = h.lastBotMessage(org.leadersGroup).text!;
    expect(text).toContain('全部事项（3 件）');
    expect(text).toContain('督办〔2026〕2号');
    await h.say(org.housingStaff, org.housingGroup, '/list all');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('只有领导和管理员');
  });
});

describe(`an item's whole life in English, in an English-speaking office (${kind})`, () => {
  let h: Harness;
  let org: Org;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00', config: { locale: 'en' } });
    org = await seedOrg(h, { english: true });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('goes from an instruction to a closed item with a response, all in English', async () => {
    const instruction = await h.say(
      org.leader,
      org.leadersGroup,
      'Housing Bureau to lead, with Urban Management assisting. Due 2026-03-20. Report progress weekly.',
    );
    await h.say(org.leader, org.leadersGroup, '/assign', { replyTo: instruction.message_id });
    const draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('Draft assignment');
    expect(draft.text).toContain('Lead: 市住房和城乡建设局');
    expect(draft.text).toContain('Cooperating: 市城市管理执法局');
    expect(draft.text).toContain('Deadline: 2026-03-20');
    expect(draft.text).toContain('Progress reports: weekly');
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, 'Assign'));
    expect(h.tg.message(org.leadersGroup.id, draft.message_id)!.text).toContain('Assigned as 督办〔2026〕1号');
    const card = h.botMessages(org.leadersGroup).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
    expect(card.reply_to_message?.message_id).toBe(instruction.message_id);

    // Acknowledgements, one per unit: a button in one group, a command in the other.
    const housingCard = h.lastBotMessage(org.housingGroup);
    expect(buttonsOf(housingCard).map((b) => b.text)).toEqual(['✅ Acknowledge', '📝 Progress', '🕒 Extension']);
    await h.press(org.housingStaff, org.housingGroup, housingCard.message_id, button(housingCard, 'Acknowledge'));
    expect(h.callbackAnswers().at(-1)?.text).toContain('acknowledged 督办〔2026〕1号');
    await h.say(org.urbanStaff, org.urbanGroup, '/ack 1');
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('市城市管理执法局 acknowledged 督办〔2026〕1号');

    // Progress by replying to the card.
    await h.say(org.housingStaff, org.housingGroup, 'Site survey finished.', { replyTo: housingCard.message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('Progress recorded');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('reports progress on 督办〔2026〕1号');

    // The lead unit waits for the cooperating unit's contribution.
    await h.say(org.housingStaff, org.housingGroup, '/result 1 Plan done');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('1 cooperating unit(s) have not contributed yet: 市城市管理执法局');
    await h.say(org.urbanStaff, org.urbanGroup, '/result 1 Street works done.');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('contributed to 督办〔2026〕1号');

    // An extension, asked and approved.
    await h.say(org.housingStaff, org.housingGroup, '/extend 1 2026-03-31 waiting for the experts');
    const request = h.lastBotMessage(org.leadersGroup);
    expect(request.text).toContain('asks to extend 督办〔2026〕1号 to 2026-03-31');
    await h.press(org.leader, org.leadersGroup, request.message_id, button(request, 'Approve extension'));
    expect(h.lastBotMessage(org.housingGroup).text).toContain('new deadline 2026-03-31');

    // A result, returned with a reason, resubmitted, confirmed.
    await h.say(org.housingStaff, org.housingGroup, '/result 1 Plan done.');
    const resultCard = h.lastBotMessage(org.leadersGroup);
    expect(buttonsOf(resultCard).map((b) => b.text)).toEqual(['✅ Confirm', '↩️ Return']);
    await h.press(org.leader, org.leadersGroup, resultCard.message_id, button(resultCard, 'Return'));
    await h.say(org.leader, org.leadersGroup, 'Add the budget.', { replyTo: h.lastBotMessage(org.leadersGroup).message_id });
    expect(h.lastBotMessage(org.housingGroup).text).toContain('was returned; please rework it. Reason: Add the budget.');
    await h.say(org.housingStaff, org.housingGroup, '/result 1 Plan with budget.');
    const second = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, second.message_id, button(second, 'Confirm'));
    const response = h.botMessages(org.leadersGroup).find((m) => m.text?.includes('督办〔2026〕1号 is closed'))!;
    expect(response.reply_to_message?.message_id).toBe(instruction.message_id);
    expect(h.lastBotMessage(org.urbanGroup).text).toContain('督办〔2026〕1号 is closed');

    await h.say(org.leader, org.leadersGroup, '/task 1');
    const task = h.lastBotMessage(org.leadersGroup).text!;
    for (const step of ['assigned', 'acknowledged', 'progress', 'contribution', 'extension approved', 'returned', 'confirmed, closed'])
      expect(task).toContain(step);
  });
});
