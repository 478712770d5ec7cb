import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n/translator.js';
import { runItemCommand, startAssignment, type ItemsDeps } from '../../src/items/items.usecases.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

const kind = storageKinds()[0]!;

describe(`/digest and /bulletin through the bot (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let deps: ItemsDeps;

  async function openItem(input: { lead: number[]; cooperating?: number[]; deadline: string; text: string }) {
    const { item } = await startAssignment(deps, {
      actorId: org.leader.id,
      text: input.text,
      source: { chatId: org.leadersGroup.id, threadId: 0, messageId: null },
      chat: { chatId: org.leadersGroup.id, threadId: 0 },
    });
    const patch = { leadUnitIds: input.lead, cooperatingUnitIds: input.cooperating ?? [], deadline: input.deadline };
    await runItemCommand(deps, { actorId: org.leader.id, itemId: item.id, command: { type: 'update_draft', patch } });
    await runItemCommand(deps, { actorId: org.leader.id, itemId: item.id, command: { type: 'confirm_draft' } });
    return item.id;
  }

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    deps = { db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator() };
    await openItem({ lead: [org.units.housing], deadline: '2026-03-04', text: '请市住建局排查老旧小区燃气管道。' });
    await openItem({ lead: [org.units.urban], cooperating: [org.units.housing], deadline: '2026-03-20', text: '请市城管局整治占道经营。' });
    await h.dispatcher.drain();
    h.clock.set('2026-03-05T10:00:00+08:00');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('gives a leader the leaders digest in the leaders group', async () => {
    await h.say(org.leader, org.leadersGroup, '/digest');
    const text = h.lastBotMessage(org.leadersGroup).text!;
    expect(text).toContain('每日督办摘要 2026-03-05');
    expect(text).toContain('在办 2 件 · 逾期 1 件');
    expect(text).toContain('🔴 督办〔2026〕1号 市住房和城乡建设局 · 逾期 1 天 · 请市住建局排查老旧小区燃气管道。');
    expect(text).toContain('市城市管理执法局：在办 1');
  });

  it('gives a unit group’s members that unit’s digest', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/digest');
    const text = h.lastBotMessage(org.housingGroup).text!;
    expect(text).toContain('市住房和城乡建设局 · 每日督办摘要 2026-03-05');
    expect(text).toContain('在办 2 件（牵头 1 件，配合 1 件）');
    expect(text).toContain('🔴 督办〔2026〕1号（牵头）时限 2026-03-04 · 逾期 1 天 · 未签收');
    expect(text).toContain('督办〔2026〕2号（配合）时限 2026-03-20');
  });

  it('gives leaders the digest privately, and unit staff their own unit’s', async () => {
    await h.say(org.leader, 'private', '/digest');
    expect(h.lastBotMessage(org.leader.id).text).toContain('每日督办摘要 2026-03-05');
    await h.say(org.resourcesStaff, 'private', '/digest');
    const text = h.lastBotMessage(org.resourcesStaff.id).text!;
    expect(text).toContain('市自然资源局 · 每日督办摘要');
    expect(text).toContain('本单位目前没有在办事项。');
  });

  it('refuses the leaders digest to staff and strangers, and a unit’s digest to other units', async () => {
    await h.say(org.stranger, org.leadersGroup, '/digest');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('只有领导和管理员可以查看督办摘要和通报');
    await h.say(org.housingStaff, org.leadersGroup, '/digest');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('只有领导和管理员可以查看督办摘要和通报');
    await h.say(org.otherUnitStaff, org.housingGroup, '/digest');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('只有领导和管理员可以查看督办摘要和通报');
    await h.say(org.stranger, 'private', '/digest');
    expect(h.lastBotMessage(org.stranger.id).text).toContain('只有领导和管理员可以查看督办摘要和通报');
  });

  it('posts the bulletin with its chart for a leader in the leaders group', async () => {
    const photosBefore = h.tg.callsTo('sendPhoto').length;
    h.clock.set('2026-03-09T10:00:00+08:00');
    await h.say(org.leader, org.leadersGroup, '/bulletin');
    const messages = h.botMessages(org.leadersGroup);
    const bulletin = messages.filter((m) => m.text?.includes('督办通报'));
    expect(bulletin).toHaveLength(1);
    // Asked on Monday morning: this week so far (W11), up to the moment it was asked.
    expect(bulletin[0]!.text).toContain('督办通报 2026-W11');
    expect(bulletin[0]!.text).toContain('统计至 2026-03-09 10:00（本周截至此刻）。本周：2026-03-09 至 2026-03-09；年度累计：2026-01-01 至 2026-03-09。');
    // A unit with a rate ranks before one with nothing due yet (no rate), as on the chart.
    expect(bulletin[0]!.text).toContain('1. 市住房和城乡建设局 · 按时办结 0%（0/1）· 按时签收 0%（0/2）· 逾期 1 · 催办 0 · 退回 0');
    expect(bulletin[0]!.text).toContain('2. 市城市管理执法局 · 按时办结 —（0/0）· 按时签收 0%（0/1）· 逾期 0 · 催办 0 · 退回 0');
    expect(h.tg.callsTo('sendPhoto').length).toBe(photosBefore + 1);
    const photo = messages.at(-1)!;
    expect(photo.photo).toBeDefined();
    expect(photo.caption).toContain('督办通报 2026-W11');
  });

  it('keeps the bulletin to leaders and admins, in the leaders group or privately', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/bulletin');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('只有领导和管理员可以查看督办摘要和通报');
    await h.say(org.leader, org.housingGroup, '/bulletin');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('通报只在领导群或私聊中提供');
    await h.say(h.admin, 'private', '/bulletin');
    expect(h.botMessages(h.admin.id).some((m) => m.text?.includes('督办通报 2026-W11'))).toBe(true);
  });
});
