import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;

/** The user ids a message mentions (text_mention / text_link to tg://user). */
function mentioned(message: Message): number[] {
  return (message.entities ?? []).flatMap((e) => {
    if (e.type === 'text_mention') return [e.user.id];
    if (e.type === 'text_link' && e.url.startsWith('tg://user?id=')) return [Number(e.url.slice('tg://user?id='.length))];
    return [];
  });
}

describe(`reminders arrive in the right chats of the real bot (${kind})`, () => {
  let h: Harness;
  let org: Org;
  /** The app's own jobs at a local instant: the minutely sweep, the 08:30 morning message, the 15:00 bundle. */
  const tickAt = async (local: string) => {
    const at = new Date(`${local.replace(' ', 'T')}:00+08:00`);
    h.clock.set(at);
    const results = await h.trigger.fire();
    await h.dispatcher.drain();
    return results;
  };
  const fromBot = (chat: Parameters<Harness['botMessages']>[0], text: string) => h.botMessages(chat).filter((m) => m.text?.includes(text));

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-09-21T10:00:00+08:00' });
    org = await seedOrg(h);
    const instruction = await h.say(org.leader, org.leadersGroup, '请市住建局牵头，于9月30日前完成老旧小区改造方案。列为重点督办。');
    await h.say(org.leader, org.leadersGroup, '/assign', { replyTo: instruction.message_id });
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, buttonsOf(draft).find((b) => b.text.includes('确认交办'))!);
    expect(h.lastBotMessage(org.housingGroup).text).toContain('督办〔2026〕1号');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('nags the unit group when it has not acknowledged in 4 working hours, once, in the 15:00 bundle', async () => {
    const before = h.botMessages(org.housingGroup).length;
    await tickAt('2026-09-21 14:00');
    await tickAt('2026-09-21 14:05');
    expect(h.botMessages(org.housingGroup)).toHaveLength(before);
    await tickAt('2026-09-21 15:00');
    const nags = fromBot(org.housingGroup, '催签收');
    expect(nags).toHaveLength(1);
    expect(nags[0]!.text).toMatch(/^⏰ 督办提醒 · 2026-09-21 15:00/);
    expect(nags[0]!.text).toContain('市住房和城乡建设局 于 2026-09-21 10:00 收到交办，已过 4 个工作小时仍未签收');
    // The bundle's row for the item acknowledges it with one tap.
    const ack = buttonsOf(nags[0]!).find((b) => b.text.startsWith('✅ 签收 1号'))!;
    expect(ack).toBeDefined();
    await h.press(org.housingStaff, org.housingGroup, nags[0]!.message_id, ack);
    expect(h.callbackAnswers().at(-1)?.text).toContain('签收');
  });

  it('warns the unit group before the deadline in its morning message, and says nothing during the National Day holiday', async () => {
    await tickAt('2026-09-29 08:30');
    const morning = h.lastBotMessage(org.housingGroup).text!;
    expect(morning).toMatch(/^⏰ 今日督办提醒 · 2026-09-29[\s\S]*🟡 到期预警 · 督办〔2026〕1号[\s\S]*还剩 1 个工作日/);
    // One message: the reminders and the unit's digest together.
    expect(morning).toContain('每日督办摘要');
    const count = h.botMessages(org.housingGroup).length;
    for (const at of ['2026-10-02 10:00', '2026-10-05 10:00', '2026-10-05 15:00']) await tickAt(at);
    expect(h.botMessages(org.housingGroup).length).toBe(count);
  });

  it('nags the overdue unit every working day and, at the 4th nag, takes it to the leaders group at once, with the leader mentioned and buttons', async () => {
    for (const day of ['2026-10-08', '2026-10-09', '2026-10-10']) await tickAt(`${day} 08:30`);
    expect(fromBot(org.housingGroup, '催办')).toHaveLength(3);
    expect(fromBot(org.leadersGroup, '督办升级')).toHaveLength(0);

    await tickAt('2026-10-12 08:30');
    const nag = h.lastBotMessage(org.housingGroup);
    expect(nag.text).toContain('🔴 催办（第 4 次）· 督办〔2026〕1号');
    // Working days, with the calendar days (National Day's week off) in brackets.
    expect(nag.text).toContain('逾期 4 个工作日（12 天）');
    const escalation = fromBot(org.leadersGroup, '督办升级 · 第3级');
    expect(escalation).toHaveLength(1);
    expect(escalation[0]!.text).toContain('市住房和城乡建设局 承办的事项时限 2026-09-30，已逾期 4 个工作日（12 天）');
    expect(escalation[0]!.text).toContain('当前状态：办理中');
    expect(mentioned(escalation[0]!)).toEqual([org.leader.id]);
    expect(buttonsOf(escalation[0]!).map((b) => b.text)).toContain('📌 查看');
  });

  it('shows each rung in the item’s history on /task', async () => {
    await h.say(org.leader, org.leadersGroup, '/task 1');
    const task = h.lastBotMessage(org.leadersGroup).text!;
    expect(task.match(/督办升级/g)?.length).toBe(2);
    expect(task).toContain('第3级（领导群、分管领导）：逾期 4 个工作日（12 天），已催办 4 次');
  });
});
