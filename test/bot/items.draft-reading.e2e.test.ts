import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { startHarness, buttonsOf, type Harness } from '../helpers/bot-harness.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';
import { storageKinds } from '../helpers/db.js';

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

/**
 * What the draft card does with what the parser read (issue 11): the leader in charge named in the
 * text, a deadline on a day off with a button to the working day before, 改单位 replies that apply
 * everything they name or say what they could not read, and the 分管领导 prompt answered by a name.
 * Monday 2 March 2026 in Shanghai; 2026-03-21 is a Saturday.
 */
describe(`the draft card and what the parser read (${kind})`, () => {
  let h: Harness;
  let org: Org;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
  });
  afterAll(async () => {
    await h.stop();
  });

  let draft: Message;

  it('proposes the registered leader named in the text as leader in charge, and warns of a deadline on a Saturday', async () => {
    await h.say(org.leader, org.leadersGroup, '/assign 请赵副市长牵头督办，市住建局负责，3月21日前报送整改方案。');
    draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('分管领导：赵副市长');
    expect(draft.text).toContain('办理时限：2026-03-21');
    expect(draft.text).toContain('时限 2026-03-21 是休息日，前一个工作日是 2026-03-20');
    expect(button(draft, '改到前一个工作日').data).toMatch(/^dwd\?d=\d+&v=\d+$/);
  });

  it('refuses the move button to someone who may not change the draft, and changes nothing', async () => {
    await h.press(org.housingStaff, org.leadersGroup, draft.message_id, button(draft, '改到前一个工作日'));
    expect(h.callbackAnswers().at(-1)).toMatchObject({ show_alert: true });
    expect(h.tg.message(org.leadersGroup.id, draft.message_id)!.text).toContain('办理时限：2026-03-21');
  });

  it('moves the deadline to the working day before with one tap; the warning and the button go', async () => {
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '改到前一个工作日'));
    const moved = h.tg.message(org.leadersGroup.id, draft.message_id)!;
    expect(moved.text).toContain('办理时限：2026-03-20');
    expect(moved.text).not.toContain('是休息日');
    expect(
      buttonsOf(moved)
        .map((b) => b.text)
        .join(' '),
    ).not.toContain('改到前一个工作日');
  });

  it('warns again when 改时限 puts the deadline on a day off', async () => {
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(h.tg.message(org.leadersGroup.id, draft.message_id)!, '改时限'));
    const prompt = h.lastBotMessage(org.leadersGroup);
    await h.say(org.leader, org.leadersGroup, '3月22日', { replyTo: prompt.message_id });
    const changed = h.tg.message(org.leadersGroup.id, draft.message_id)!;
    expect(changed.text).toContain('时限 2026-03-22 是休息日，前一个工作日是 2026-03-20');
    expect(
      buttonsOf(changed)
        .map((b) => b.text)
        .join(' '),
    ).toContain('改到前一个工作日 2026-03-20');
  });

  it('applies both units of a 牵头：X；配合：Y reply', async () => {
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(h.tg.message(org.leadersGroup.id, draft.message_id)!, '改单位'));
    const prompt = h.lastBotMessage(org.leadersGroup);
    await h.say(org.leader, org.leadersGroup, '牵头：住建局；配合：城管局', { replyTo: prompt.message_id });
    const changed = h.tg.message(org.leadersGroup.id, draft.message_id)!;
    expect(changed.text).toContain('牵头单位：市住房和城乡建设局');
    expect(changed.text).toContain('配合单位：市城市管理执法局');
  });

  it('says which units a reply named but could not place, and leaves the draft as it was', async () => {
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(h.tg.message(org.leadersGroup.id, draft.message_id)!, '改单位'));
    const prompt = h.lastBotMessage(org.leadersGroup);
    await h.say(org.leader, org.leadersGroup, '牵头单位：自然资源局，配合单位：城管局、市规划研究中心、市档案馆', { replyTo: prompt.message_id });
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('草稿未改动');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('市规划研究中心、市档案馆');
    await h.say(org.leader, org.leadersGroup, '牵头：自然资源局。另请教育局关注', { replyTo: prompt.message_id });
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('草稿未改动：没能把这些单位读成牵头或配合单位：市教育局');
    expect(h.tg.message(org.leadersGroup.id, draft.message_id)!.text).toContain('牵头单位：市住房和城乡建设局');
  });

  it('takes a leader’s name in answer to the 分管领导 prompt', async () => {
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(h.tg.message(org.leadersGroup.id, draft.message_id)!, '分管领导'));
    const prompt = h.lastBotMessage(org.leadersGroup);
    expect(prompt.text).toContain('姓名');
    await h.say(org.leader, org.leadersGroup, '李市长', { replyTo: prompt.message_id });
    expect(h.tg.message(org.leadersGroup.id, draft.message_id)!.text).toContain('分管领导：李市长');
    await h.say(org.leader, org.leadersGroup, '钱副市长', { replyTo: prompt.message_id });
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('没看出是谁：「钱副市长」');
  });
  it('gives a key item the weekly report rhythm by Friday unless the text names one, and lets it follow the level', async () => {
    await h.say(org.leader, org.leadersGroup, '/assign 列为重点督办。请市住建局牵头，4月30日前完成燃气管道排查。');
    let card = h.lastBotMessage(org.leadersGroup);
    expect(card.text).toContain('级别：重点督办');
    expect(card.text).toContain('进展报送：每周五报送');
    // key -> special: the rhythm the text did not write goes with the level.
    await h.press(org.leader, org.leadersGroup, card.message_id, button(card, '级别'));
    card = h.tg.message(org.leadersGroup.id, card.message_id)!;
    expect(card.text).toContain('级别：专项督办');
    expect(card.text).not.toContain('进展报送');
    // Written in the text, it stays whatever the level.
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，各单位每月25日前报送进展，6月30日前完成。');
    card = h.lastBotMessage(org.leadersGroup);
    expect(card.text).toContain('进展报送：每月25日前报送（各单位均需报送）');
    await h.press(org.leader, org.leadersGroup, card.message_id, button(card, '级别'));
    card = h.tg.message(org.leadersGroup.id, card.message_id)!;
    expect(card.text).toContain('进展报送：每月25日前报送');
  });
});
