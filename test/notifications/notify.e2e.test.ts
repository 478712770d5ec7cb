import type { Message, User } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeeklyBulletin } from '../../src/digests/digests.usecases.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { silentLogger } from '../../src/logger.js';
import { grantRole } from '../../src/org/org.usecases.js';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;

function button(message: Message, text: string) {
  const found = buttonsOf(message).find((b) => b.text.includes(text));
  if (!found) throw new Error(`no button "${text}" on: ${message.text}`);
  return found;
}

/** Sets up an org with one overdue item for 住建局 (its 承办人 named) and a supervisor (督查员). */
async function setUp(audience: 'leaders' | 'all'): Promise<{ h: Harness; org: Org; supervisor: User }> {
  const h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00', config: { digests: { bulletinAudience: audience } } });
  const org = await seedOrg(h);
  const supervisor = h.tg.createUser({ firstName: '督', lastName: '查员', languageCode: 'zh' });
  const admin = { personId: h.admin.id, isAdmin: true, isLeader: false, unitIds: [] };
  await grantRole(
    { db: h.database.db, clock: h.clock, config: h.config },
    { actor: admin, person: { id: supervisor.id, firstName: '督', lastName: '查员' }, role: 'supervisor' },
  );
  await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于3月4日前报送整改方案。');
  const draft = h.lastBotMessage(org.leadersGroup);
  await h.press(org.leader, org.leadersGroup, draft.message_id, button(draft, '确认交办'));
  const card = h.botMessages(org.housingGroup).find((m) => m.text?.startsWith('📌 督办〔2026〕1号'))!;
  await h.press(org.housingStaff, org.housingGroup, card.message_id, button(card, '签收'));
  h.clock.set(new Date('2026-03-09T10:00:00+08:00'));
  await h.dispatcher.drain();
  return { h, org, supervisor };
}

const notices = (h: Harness, chat: Parameters<Harness['botMessages']>[0]) => h.botMessages(chat).filter((m) => m.text?.startsWith('📢 点名通报'));

describe(`点名通报 to the leaders and the named units (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let supervisor: User;
  beforeAll(async () => {
    ({ h, org, supervisor } = await setUp('leaders'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses unit staff, saying who may', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/notify 1 进度滞后');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('只有领导、督查员或督查室（管理员）可以点名通报');
    expect(notices(h, org.leadersGroup)).toEqual([]);
  });

  it('asks for the reason when none is given', async () => {
    await h.say(org.leader, org.leadersGroup, '/notify 1');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('/notify 编号 理由');
  });

  it('a supervisor names the item: the leaders and 住建局 read the reason, who gave it, the units with head and 承办人, and how late; 城管局 does not', async () => {
    await h.say(supervisor, org.leadersGroup, '/notify 1 整改方案逾期未报，进度严重滞后');
    await h.dispatcher.drain();
    expect(h.botMessages(org.leadersGroup).some((m) => m.text === '📢 已点名通报：督办〔2026〕1号')).toBe(true);
    const [leaders] = notices(h, org.leadersGroup);
    expect(leaders?.text).toContain('通报理由：整改方案逾期未报，进度严重滞后');
    expect(leaders?.text).toContain('通报人：督查员');
    expect(leaders?.text).toContain('市住房和城乡建设局（牵头）✅ 已签收');
    expect(leaders?.text).toMatch(/承办人 \S+/);
    expect(leaders?.text).toContain('已逾期');
    expect(leaders?.reply_markup).toBeUndefined();
    expect(notices(h, org.housingGroup)).toHaveLength(1);
    expect(notices(h, org.urbanGroup)).toEqual([]);
  });

  it('the timeline records it', async () => {
    await h.say(org.leader, org.leadersGroup, '/task 1');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('点名通报 · 督查员：整改方案逾期未报');
  });

  it('the weekly bulletin goes to the leaders groups only', async () => {
    const deps = {
      db: h.database.db,
      clock: h.clock,
      config: h.config,
      translator: createTranslator(),
      logger: silentLogger,
      renderChart: async () => Buffer.alloc(0),
    };
    const result = await runWeeklyBulletin(deps, { scheduledAt: h.clock.now() });
    expect(result.chats).toBe(1);
    await h.dispatcher.drain();
    expect(h.botMessages(org.housingGroup).some((m) => m.text?.includes('督办通报'))).toBe(false);
  });
});

describe(`通报 to every unit group with bulletinAudience: all (${kind})`, () => {
  let h: Harness;
  let org: Org;
  beforeAll(async () => {
    ({ h, org } = await setUp('all'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a leader names the item: every unit group reads it once, the named unit included', async () => {
    await h.say(org.otherLeader, org.leadersGroup, '/notify 1 方案逾期');
    await h.dispatcher.drain();
    expect(notices(h, org.leadersGroup)).toHaveLength(1);
    expect(notices(h, org.housingGroup)).toHaveLength(1);
    expect(notices(h, org.urbanGroup)).toHaveLength(1);
    expect(notices(h, org.urbanGroup)[0]?.text).toContain('市住房和城乡建设局');
  });

  it('the weekly bulletin goes to the leaders group and every unit group, naming the overdue item’s 承办人', async () => {
    const deps = {
      db: h.database.db,
      clock: h.clock,
      config: h.config,
      translator: createTranslator(),
      logger: silentLogger,
      renderChart: async () => Buffer.alloc(0),
    };
    const result = await runWeeklyBulletin(deps, { scheduledAt: h.clock.now() });
    expect(result.chats).toBe(3);
    await h.dispatcher.drain();
    for (const chat of [org.leadersGroup, org.housingGroup, org.urbanGroup]) {
      const texts = h.botMessages(chat).map((m) => m.text ?? '');
      expect(texts.some((t) => t.includes('督办通报'))).toBe(true);
      expect(texts.some((t) => /督办〔2026〕1号 · <b>市住房和城乡建设局<\/b>|督办〔2026〕1号 · 市住房和城乡建设局 · 负责人/.test(t))).toBe(true);
    }
  });
});
