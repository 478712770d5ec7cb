import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n/translator.js';
import { getItem, runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { decodeButton } from '../../src/notifications/callback-data.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';
import type { AppDeps } from '../../src/deps.js';

const kind = storageKinds()[0]!;

describe(`/digest and /bulletin through the bot (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let deps: AppDeps;

  async function openItem(input: { lead: number[]; cooperating?: number[]; deadline: string; text: string; issuer?: number }) {
    const issuer = input.issuer ?? org.leader.id;
    const { item } = await startAssignment(deps, {
      actorId: issuer,
      text: input.text,
      source: { chatId: org.leadersGroup.id, threadId: 0, messageId: null },
      chat: { chatId: org.leadersGroup.id, threadId: 0 },
    });
    const patch = { leadUnitIds: input.lead, cooperatingUnitIds: input.cooperating ?? [], deadline: input.deadline };
    await runItemCommand(deps, { actorId: issuer, itemId: item.id, command: { type: 'update_draft', patch } });
    await runItemCommand(deps, { actorId: issuer, itemId: item.id, command: { type: 'confirm_draft' } });
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
    expect(text).toContain('在办 2 件 · 未签收 2 件 · 逾期 1 件 · 待领导决定 0 件');
    expect(text).toContain('市住房和城乡建设局：⚪未签收 2 · 🔴逾期 1 · 在办 1');
    expect(text).toContain('🔴 逾期：督办〔2026〕1号 晚 1 个工作日');
    expect(text).toContain('市城市管理执法局：⚪未签收 1 · 在办 1');
  });

  it('gives a unit group’s members that unit’s digest', async () => {
    await h.say(org.housingStaff, org.housingGroup, '/digest');
    const text = h.lastBotMessage(org.housingGroup).text!;
    expect(text).toContain('市住房和城乡建设局 · 每日督办摘要 2026-03-05');
    expect(text).toContain('在办 2 件（牵头 1 件，配合 1 件）');
    expect(text).toContain('🔴 督办〔2026〕1号（牵头）时限 2026-03-04 · 逾期 1 个工作日 · 未签收');
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

  it('puts what waits on the leaders first, with buttons: 查看 posts a fresh card, 确认办结 closes the item and takes its buttons off the digest', async () => {
    h.clock.set('2026-03-10T09:00:00+08:00');
    const mineResult = 1;
    const mineExtension = 2;
    const others = await openItem({ lead: [org.units.urban], deadline: '2026-04-15', text: '请市城管局清理违规广告牌。', issuer: org.otherLeader.id });
    h.clock.set('2026-03-10T10:00:00+08:00');
    await runItemCommand(deps, { actorId: org.urbanStaff.id, itemId: others, command: { type: 'submit_result', text: '已清理完毕' } });
    h.clock.set('2026-03-10T11:00:00+08:00');
    await runItemCommand(deps, { actorId: org.housingStaff.id, itemId: mineResult, command: { type: 'submit_result', text: '已排查完毕' } });
    await runItemCommand(deps, {
      actorId: org.urbanStaff.id,
      itemId: mineExtension,
      command: { type: 'request_extension', until: '2026-04-10', reason: '需要协调街道' },
    });
    await h.dispatcher.drain();
    h.clock.set('2026-03-11T09:00:00+08:00');

    // The group: what waits on any leader, longest waiting first, a row of buttons each.
    await h.say(org.leader, org.leadersGroup, '/digest');
    const digest = h.lastBotMessage(org.leadersGroup);
    const text = digest.text!;
    expect(text).toContain('⏳ 待领导决定（3 件）');
    expect(text).toMatch(
      /1\. 督办〔2026〕3号 市城市管理执法局 · 办理结果待确认（03-10 10:00 报送）[^\n]*\n2\. 督办〔2026〕1号 [^\n]*\n3\. 督办〔2026〕2号 市城市管理执法局 · 市城市管理执法局申请延期至 2026-04-10/,
    );
    expect(text.indexOf('待领导决定')).toBeLessThan(text.indexOf('各单位'));
    const rows = digest.reply_markup!.inline_keyboard;
    const decoded = rows.map((row) =>
      row.map((b) => {
        const data = decodeButton((b as { callback_data: string }).callback_data) as { action: string; itemId: number };
        return `${b.text}=${data.action}:${data.itemId}`;
      }),
    );
    expect(decoded).toEqual([
      ['1 确认办结=cfm:3', '1 退回=ret:3', '1 查看=viw:3'],
      ['2 确认办结=cfm:1', '2 退回=ret:1', '2 查看=viw:1'],
      ['3 批准延期=exa:2', '3 驳回=exr:2', '3 查看=viw:2'],
    ]);

    // 查看 posts the item's card in the chat, with the leaders' buttons; the digest stays.
    const before = h.botMessages(org.leadersGroup).length;
    await h.press(org.leader, org.leadersGroup, digest.message_id, { text: '2 查看' });
    const card = h.lastBotMessage(org.leadersGroup);
    expect(h.botMessages(org.leadersGroup).length).toBe(before + 1);
    expect(card.text).toContain('督办〔2026〕1号');
    expect(card.text).toContain('请市住建局排查老旧小区燃气管道。');
    expect(card.reply_markup!.inline_keyboard.flat().map((b) => b.text)).toEqual(['✅ 确认办结', '↩️ 退回']);

    // A stranger may not view an item.
    await h.press(org.stranger, org.leadersGroup, digest.message_id, { text: '1 查看' });
    expect(h.callbackAnswers().at(-1)).toMatchObject({ show_alert: true, text: expect.stringContaining('只有领导、管理员和承办该事项的单位可以查看此事项') });
    expect(h.botMessages(org.leadersGroup).length).toBe(before + 1);

    // 确认办结 on the digest closes the item; the digest keeps its text and loses that row only.
    await h.press(org.leader, org.leadersGroup, digest.message_id, { text: '2 确认办结' });
    expect((await getItem(deps, { itemId: mineResult })).state.status).toBe('closed');
    const after = h.botMessages(org.leadersGroup).find((m) => m.message_id === digest.message_id)!;
    expect(after.text).toBe(text);
    expect(after.reply_markup!.inline_keyboard.map((row) => row[0]!.text)).toEqual(['1 确认办结', '3 批准延期']);
  });

  it('gives a leader privately what waits on that leader first, then what waits on others', async () => {
    await h.say(org.leader, 'private', '/digest');
    const own = h.lastBotMessage(org.leader.id);
    expect(own.text).toMatch(/⏳ 待您决定（1 件，您交办或分管）\n1\. 督办〔2026〕2号 [^\n]*申请延期[^\n]*\n\n⏳ 待其他领导决定（1 件）\n2\. 督办〔2026〕3号 /);
    expect(own.reply_markup!.inline_keyboard.map((row) => row[0]!.text)).toEqual(['1 批准延期', '2 确认办结']);
    await h.say(org.otherLeader, 'private', '/digest');
    expect(h.lastBotMessage(org.otherLeader.id).text).toMatch(/⏳ 待您决定（1 件，您交办或分管）\n1\. 督办〔2026〕3号 /);
  });
});
