import type { Message, User } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUnitHead } from '../../src/org/org.usecases.js';
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
 * 限时报告 and 屡推不动 through the real bot and its scheduler: an item to report 每周五 is asked
 * for its report after a Friday passes without one; two missed Fridays in a row go to the unit
 * head (stated as such), three to the leaders; a result returned three times goes to the leaders
 * too. The clock moves by the scheduler's ticks, hour by hour on working days.
 */
describe(`fixed reporting days and stalled work through the bot (${kind})`, { timeout: 120_000 }, () => {
  let h: Harness;
  let org: Org;
  let housingHead: User;
  const texts = (chat: Parameters<Harness['botMessages']>[0]) => h.botMessages(chat).map((m) => m.text ?? '');
  /** Ticks the scheduler through the working days from the clock's time to `until` (local time unless said). */
  const runUntil = async (until: string, zone: 'local' | 'UTC' = 'local') => {
    const end = new Date(`${until.replace(' ', 'T')}:00${zone === 'UTC' ? 'Z' : '+08:00'}`).getTime();
    let at = h.clock.now().getTime();
    const HOUR = 3_600_000;
    while (at < end) {
      // Hourly in the working day; from 18:00 straight to 08:30 the next morning (the scheduler
      // catches up what fell due overnight once, as after any pause).
      const localHour = new Date(at + 8 * HOUR).getUTCHours();
      const next = localHour >= 18 || localHour < 8 ? at + ((24 + 8.5 - localHour) % 24) * HOUR - new Date(at).getUTCMinutes() * 60_000 : at + HOUR;
      at = Math.min(end, next);
      h.clock.set(new Date(at));
      await h.trigger.fire();
      await h.dispatcher.drain();
    }
  };

  /** Ticks until some message of `chat` matches, at the latest until `until`; returns those messages. */
  const runUntilSeen = async (chat: Parameters<Harness['botMessages']>[0], pattern: string, until: string) => {
    const end = new Date(`${until.replace(' ', 'T')}:00+08:00`).getTime();
    while (!texts(chat).some((t) => t.includes(pattern)) && h.clock.now().getTime() < end) {
      await runUntil(new Date(h.clock.now().getTime() + 3_600_000).toISOString().slice(0, 16).replace('T', ' '), 'UTC');
    }
    return texts(chat).filter((t) => t.includes(pattern));
  };

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    housingHead = h.tg.createUser({ firstName: '张', lastName: '局长', languageCode: 'zh' });
    const orgDeps = { db: h.database.db, clock: h.clock, config: h.config };
    const admin = { personId: h.admin.id, isAdmin: true, isLeader: false, unitIds: [] };
    await setUnitHead(orgDeps, { actor: admin, unit: '住建局', person: { id: housingHead.id, firstName: '张', lastName: '局长' } });
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，每周五报送进展，于4月30日前完成老旧小区改造。');
    const draft = h.lastBotMessage(org.leadersGroup);
    expect(draft.text).toContain('进展报送：每周五报送');
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
    await h.say(org.leader, org.leadersGroup, '/assign 请市城管局牵头，于4月30日前报送占道整治方案。');
    const second = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, second.message_id, button(second, '确认交办'));
    await h.say(org.housingStaff, org.housingGroup, '/ack 1');
    await h.say(org.urbanStaff, org.urbanGroup, '/ack 2');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('no report is asked before the first Friday; after a Friday without one, the unit is asked for it, naming the rhythm and the day', async () => {
    await runUntil('2026-03-06 18:00');
    expect(texts(org.housingGroup).some((t) => t.includes('催报进展'))).toBe(false);
    await runUntil('2026-03-09 18:00');
    const asked = texts(org.housingGroup).filter((t) => t.includes('催报进展'));
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(asked[0]).toContain('本事项要求每周五报送进展');
    expect(asked[0]).toContain('2026-03-06');
    // The unit that owes nothing on a rhythm (item 2 has none) is not asked.
    expect(texts(org.urbanGroup).some((t) => t.includes('催报进展'))).toBe(false);
  });

  it('a report before the next Friday counts: nothing is asked for that week', async () => {
    const before = texts(org.housingGroup).filter((t) => t.includes('催报进展')).length;
    await h.say(org.housingStaff, org.housingGroup, '/progress 1 已完成入户调查');
    await runUntil('2026-03-16 18:00');
    expect(texts(org.housingGroup).filter((t) => t.includes('催报进展')).length).toBe(before);
  });

  it('two reporting days missed in a row go to the unit head, with the reason stated; three go to the leaders (屡推不动)', async () => {
    const head = await runUntilSeen(org.housingGroup, '督办升级 · 未报进展', '2026-04-10 18:00');
    expect(head).toHaveLength(1);
    expect(head[0]).toContain('已连续 2 次未按时报送');
    // The head never opened a private chat with the bot: the unit's group hears it, naming the head.
    expect(head[0]).toContain('请单位负责人 张局长 督促办理');
    expect(texts(org.leadersGroup).some((t) => t.includes('屡推不动'))).toBe(false);
    const leaders = await runUntilSeen(org.leadersGroup, '督办升级 · 屡推不动', '2026-04-20 18:00');
    expect(leaders).toHaveLength(1);
    expect(leaders[0]).toContain('已连续 3 次未按时报送');
    // Each rung is said once: a few more days bring no second notice of either.
    await runUntil(new Date(h.clock.now().getTime() + 2 * 86_400_000).toISOString().slice(0, 16).replace('T', ' '), 'UTC');
    expect(texts(org.housingGroup).filter((t) => t.includes('督办升级 · 未报进展'))).toHaveLength(1);
    expect(texts(org.leadersGroup).filter((t) => t.includes('督办升级 · 屡推不动'))).toHaveLength(1);
  });

  it('a result returned three times goes to the leaders (屡退不改) at the next sweep, once', async () => {
    for (let i = 1; i <= 3; i++) {
      await h.say(org.urbanStaff, org.urbanGroup, `/result 2 第${i}稿方案`);
      await h.say(org.leader, org.leadersGroup, `/return 2 第${i}次退回：请补充资金测算`);
    }
    expect(texts(org.leadersGroup).some((t) => t.includes('屡退不改'))).toBe(false);
    const leaders = await runUntilSeen(org.leadersGroup, '督办升级 · 屡退不改', '2026-04-28 18:00');
    expect(leaders).toHaveLength(1);
    expect(leaders[0]).toContain('已被退回 3 次');
    await h.say(org.leader, org.leadersGroup, '/task 2');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('督办升级');
  });
});
