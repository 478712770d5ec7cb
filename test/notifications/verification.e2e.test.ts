import type { Message, User } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnitMember, grantRole, recordPerson } from '../../src/org/org.usecases.js';
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
 * 调查复核 through the real bot: a key item's result waits for a supervisor; the leader cannot
 * confirm it; the supervisor (told privately, with buttons) finds it untrue with a note, which
 * returns it to the lead unit; the resubmitted result needs a new verification, found true with
 * a photo as evidence; only then does the leader confirm. A field check and both verdicts are in
 * the timeline. A supervisor who works in the item's unit is neither asked nor allowed.
 */
describe(`verification of results and field checks (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let supervisor: User;
  let insider: User;
  const card = (chat: Parameters<Harness['botMessages']>[0]) => h.botMessages(chat).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
  const current = (m: Message) => h.tg.message(m.chat.id, m.message_id)!;
  const texts = (chat: Parameters<Harness['botMessages']>[0]) => h.botMessages(chat).map((m) => m.text ?? m.caption ?? '');

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    const deps = { db: h.database.db, clock: h.clock, config: h.config };
    const admin = { personId: h.admin.id, isAdmin: true, isLeader: false, unitIds: [] };
    supervisor = h.tg.createUser({ firstName: '督', lastName: '查员', languageCode: 'zh' });
    insider = h.tg.createUser({ firstName: '住', lastName: '督查员', languageCode: 'zh' });
    for (const user of [supervisor, insider]) {
      await grantRole(deps, {
        actor: admin,
        person: { id: user.id, firstName: user.first_name, lastName: user.last_name ?? null, languageCode: 'zh' },
        role: 'supervisor',
      });
      await recordPerson(deps, { id: user.id, startedBot: true });
      await h.say(user, 'private', '/start');
    }
    await addUnitMember(deps, { actor: admin, unit: '住建局', person: { id: insider.id, firstName: insider.first_name, lastName: insider.last_name ?? null } });
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于3月6日前报送燃气管道排查方案。列为重点督办。');
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a supervisor records a field check on the open item; a unit member and a supervisor of that unit cannot', async () => {
    await h.say(supervisor, supervisor.id, '/check 1 明察暗访：现场已开挖，施工围挡到位');
    expect(h.lastBotMessage(supervisor.id).text).toBe('🔎 已记录督查调研：督办〔2026〕1号（见 /task 办理记录和台账）。');
    await h.say(org.housingStaff, org.housingGroup, '/check 1 自查');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('只有督查员或督查室（管理员）可以记录督查调研');
    await h.say(insider, insider.id, '/check 1 查看');
    expect(h.lastBotMessage(insider.id).text).toContain('您属于本事项的承办单位（市住房和城乡建设局），不能记录督查调研');
  });

  it("the key item's result awaits verification: the leaders card says so without 确认办结, and the supervisor is asked privately", async () => {
    const insiderBefore = h.botMessages(insider.id).length;
    await h.say(org.housingStaff, org.housingGroup, '/result 1 排查方案已报送');
    expect(texts(org.leadersGroup).some((t) => t.includes('提交了 督办〔2026〕1号 的办理结果，待督查员核实（调查复核）后请 李市长 确认'))).toBe(true);
    const leaders = current(card(org.leadersGroup));
    expect(leaders.text).toContain('🔎 待督查员核实（调查复核）· 佐证 0 件');
    const labels = buttonsOf(leaders).map((b) => b.text);
    expect(labels).not.toContain('✅ 确认办结');
    expect(labels).toEqual(expect.arrayContaining(['↩️ 退回', '✅ 核实属实', '❌ 核实不实']));
    const ask = h.lastBotMessage(supervisor.id);
    expect(ask.text).toContain('督办〔2026〕1号 的办理结果待您核实（调查复核）：市住房和城乡建设局 报送，附件 0 件');
    expect(ask.text).toContain('排查方案已报送');
    // A living notice: the verdict buttons while a verdict is asked for, and 查看 for the whole card.
    expect(buttonsOf(ask).map((b) => b.text)).toEqual(['✅ 核实属实', '❌ 核实不实', '📌 查看']);
    expect(ask.text).toContain('当前状态');
    // The supervisor in the item's own unit is not asked.
    expect(h.botMessages(insider.id)).toHaveLength(insiderBefore);
  });

  it('the leader is refused confirmation until it is verified, and cannot verify it either', async () => {
    await h.say(org.leader, org.leadersGroup, '/confirm 1');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('须经督查员核实（调查复核），核实属实后才能确认办结');
    const leaders = current(card(org.leadersGroup));
    await h.press(org.leader, org.leadersGroup, leaders.message_id, button(leaders, '核实属实'));
    expect(h.callbackAnswers().at(-1)?.text).toContain('只有督查员或督查室（管理员）可以核实办理结果');
    await h.say(insider, insider.id, '/verify 1 属实 没问题');
    expect(h.lastBotMessage(insider.id).text).toContain('您属于本事项的承办单位（市住房和城乡建设局），不能核实办理结果');
    // The leaders' digest lists it as awaiting a supervisor, without a confirm button.
    await h.say(org.leader, org.leadersGroup, '/digest');
    const digest = h.lastBotMessage(org.leadersGroup);
    expect(digest.text).toContain('督办〔2026〕1号');
    expect(digest.text).toContain('🔎 结果待督查员核实');
    expect(buttonsOf(digest).map((b) => b.text)).not.toContain('1 确认办结');
  });

  it('核实不实 asks for a note, then returns the item to the lead unit with the note as the reason', async () => {
    const ask = h.lastBotMessage(supervisor.id);
    await h.press(supervisor, supervisor.id, ask.message_id, button(ask, '核实不实'));
    const prompt = h.lastBotMessage(supervisor.id);
    expect(prompt.text).toContain('写明 督办〔2026〕1号 核实不实的情况');
    await h.say(supervisor, supervisor.id, '现场查看：管道尚未更换', { replyTo: prompt.message_id });
    expect(h.lastBotMessage(supervisor.id).text).toBe('❌ 已记录核实不实：督办〔2026〕1号 已退回牵头单位重新办理。');
    expect(texts(org.leadersGroup).some((t) => t.includes('督办〔2026〕1号 经督查员 督查员 核实不实，已退回牵头单位：现场查看：管道尚未更换'))).toBe(true);
    expect(texts(org.housingGroup).some((t) => t.includes('现场查看：管道尚未更换'))).toBe(true);
    const leaders = current(card(org.leadersGroup));
    expect(leaders.text).toContain('办理中');
    expect(leaders.text).toContain('❌ 核实不实，已退回：现场查看：管道尚未更换（已退回 1 次）');
    expect(buttonsOf(leaders).map((b) => b.text)).not.toContain('✅ 核实属实');
  });

  it('the new result needs a new verification; a photo sent with /verify 属实 is counted as evidence, and then the leader confirms', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/result 1 管道已全部更换');
    const ask = h.lastBotMessage(supervisor.id);
    expect(ask.text).toContain('管道已全部更换');
    expect(buttonsOf(ask).map((b) => b.text)).toContain('✅ 核实属实');
    await h.say(org.leader, org.leadersGroup, '/confirm 1');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('须经督查员核实');

    h.tg.sendPhoto({
      from: supervisor,
      chat: supervisor.id,
      content: Buffer.from('photo'),
      fileName: 'site.jpg',
      caption: '/verify 1 属实 现场查看管道已更换',
    });
    await h.settle();
    expect(h.lastBotMessage(supervisor.id).text).toBe('✅ 已记录核实属实：督办〔2026〕1号。领导现在可以确认办结。');
    // The request asked a verdict that is given: its verdict buttons are gone (查看 stays while the item is open).
    expect(buttonsOf(current(ask)).map((b) => b.text)).toEqual(['📌 查看']);
    expect(
      texts(org.leadersGroup).some((t) => t.includes('督办〔2026〕1号 经督查员 督查员 核实属实：现场查看管道已更换') && t.includes('请 李市长 确认办结')),
    ).toBe(true);
    const leaders = current(card(org.leadersGroup));
    expect(leaders.text).toContain('✅ 核实属实（督查员）：现场查看管道已更换 · 佐证 1 件');
    expect(buttonsOf(leaders).map((b) => b.text)).toContain('✅ 确认办结');
    await h.press(org.leader, org.leadersGroup, leaders.message_id, button(leaders, '确认办结'));
    expect(current(card(org.leadersGroup)).text).toContain('已办结');
    expect(current(card(org.leadersGroup)).text).toContain('✅ 核实属实（督查员）');
  });

  it('the timeline shows the field check and both verdicts, and a supervisor may read it', async () => {
    await h.say(supervisor, supervisor.id, '/task 1');
    const timeline = h.lastBotMessage(supervisor.id).text!;
    expect(timeline).toContain('督查调研 · 督查员：明察暗访：现场已开挖，施工围挡到位');
    expect(timeline).toContain('调查复核 · 市住房和城乡建设局 · 督查员：核实不实：现场查看：管道尚未更换');
    expect(timeline).toContain('退回 · 市住房和城乡建设局 · 督查员：现场查看：管道尚未更换');
    expect(timeline).toContain('调查复核 · 市住房和城乡建设局 · 督查员：核实属实：现场查看管道已更换');
    expect(timeline).toContain('确认办结');
  });

  it('nothing more can be verified or checked on the closed item', async () => {
    await h.say(supervisor, supervisor.id, '/verify 1 不实 再看');
    expect(h.lastBotMessage(supervisor.id).text).toContain('已办结');
    await h.say(supervisor, supervisor.id, '/check 1 回访');
    expect(h.lastBotMessage(supervisor.id).text).toContain('已办结');
    await h.say(supervisor, supervisor.id, '/verify 1 也许 看看');
    expect(h.lastBotMessage(supervisor.id).text).toContain('/verify 编号 属实|不实 说明');
  });
});
