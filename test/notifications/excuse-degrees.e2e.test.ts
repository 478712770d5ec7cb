import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBulletin, bulletinFiguresFor } from '../../src/digests/digests.usecases.js';
import { createTranslator } from '../../src/i18n/translator.js';
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
 * 容错 with degrees through the real bot: an overdue item excused 从轻 stays counted (marked in
 * the bulletin, the cards and the unit's notice), then ruled again 免责 and left out.
 */
describe(`容错 with degrees (${kind})`, () => {
  let h: Harness;
  let org: Org;
  const card = (chat: Parameters<Harness['botMessages']>[0]) => h.botMessages(chat).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
  const current = (m: Message) => h.tg.message(m.chat.id, m.message_id)!;
  const bulletin = async () =>
    (
      await buildBulletin({ db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator(), renderChart: async () => Buffer.alloc(0) })
    ).texts.join('\n');
  const figures = () =>
    bulletinFiguresFor(
      { db: h.database.db, config: h.config },
      { from: new Date('2026-03-01T00:00:00+08:00'), to: new Date(h.clock.now().getTime() + 60_000) },
    );

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于3月4日前报送整改方案。');
    const draft = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
    await h.press(org.housingStaff, org.housingGroup, card(org.housingGroup).message_id, button(card(org.housingGroup), '签收'));
    await h.say(org.leader, org.leadersGroup, '/assign 请市城管局牵头，于3月5日前报送方案。');
    const second = h.lastBotMessage(org.leadersGroup);
    await h.press(org.leader, org.leadersGroup, second.message_id, button(second, '确认交办'));
    h.clock.set(new Date('2026-03-06T10:00:00+08:00'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses a leader: only the supervision office (admins) rules on 容错', async () => {
    await h.say(org.leader, org.leadersGroup, '/excuse 1 从轻 客观原因');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('只有督查室（管理员）可以容错');
    expect(current(card(org.leadersGroup)).text).not.toContain('已容错');
  });

  it('/excuse CODE 从轻 REASON: counted and marked; the unit is told it still counts and must still finish', async () => {
    await h.say(h.admin, org.leadersGroup, '/excuse 1 从轻 上级政策调整，部分客观原因');
    await h.dispatcher.drain();
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('🛡 已容错（从轻）：督办〔2026〕1号');
    expect(current(card(org.leadersGroup)).text).toContain('🛡 已容错（从轻）：上级政策调整，部分客观原因');
    expect(current(card(org.housingGroup)).text).toContain('🛡 已容错（从轻）');
    expect(h.botMessages(org.housingGroup).some((m) => m.text?.includes('已容错（从轻）：仍计入本单位逾期并标注，事项仍须办结'))).toBe(true);

    const f = await figures();
    expect(f.units.get(org.units.housing)).toMatchObject({ overdue: 1, lenient: 1, excusedExcluded: 0 });
    expect(f.totals).toMatchObject({ overdue: 2, lenient: 1, excused: 0 }); // item 2 (城管局) is overdue too
    const text = await bulletin();
    expect(text).toContain('容错从轻 1 件、减轻 0 件：照常计入，已在排名中标注。');
    expect(text).toMatch(/市住房和城乡建设局<\/b>[^\n]*逾期 1[^\n]*（其中从轻\/减轻 1 件）/);
    expect(text).toMatch(/督办〔2026〕1号 · <b>市住房和城乡建设局<\/b>[^\n]*（容错从轻）/);
  });

  it('refuses the same degree again, and says why', async () => {
    await h.say(h.admin, org.leadersGroup, '/excuse 1 从轻 再次');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('该事项已按此程度容错');
  });

  it('a later 免责 takes it out of the figures; the timeline shows both rulings with their degree', async () => {
    await h.say(h.admin, org.leadersGroup, '/excuse 1 免责 复核认定全部为客观原因');
    await h.dispatcher.drain();
    expect(current(card(org.leadersGroup)).text).toContain('🛡 已容错（免责）：复核认定全部为客观原因');
    const f = await figures();
    expect(f.units.get(org.units.housing)).toMatchObject({ overdue: 0, lenient: 0, excusedExcluded: 1 });
    expect(await bulletin()).toContain('已容错（1 件）和已撤销（0 件）的事项不计入。');
    await h.say(h.admin, org.leadersGroup, '/task 1');
    const timeline = h.lastBotMessage(org.leadersGroup).text!;
    expect(timeline).toContain('容错（从轻）');
    expect(timeline).toContain('容错（免责）');
    // 免责 is final.
    await h.say(h.admin, org.leadersGroup, '/excuse 1 减轻 改判');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('免责后不能再改');
  });

  it('a plain /excuse CODE REASON (no degree word) is 免责, as before', async () => {
    await h.say(h.admin, org.leadersGroup, '/excuse 2 客观原因');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('🛡 已容错（免责）：督办〔2026〕2号');
  });
});
