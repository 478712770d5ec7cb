import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from 'grammy/types';
import { createTranslator } from '../../src/i18n/translator.js';
import { createItemsRepository } from '../../src/items/items.repository.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';
import type { AppDeps } from '../../src/deps.js';

const kind = storageKinds()[0]!;
type Role = 'admin' | 'leader' | 'otherLeader' | 'leadStaff' | 'coopStaff' | 'otherUnitStaff' | 'stranger';
const ROLES: Role[] = ['admin', 'leader', 'otherLeader', 'leadStaff', 'coopStaff', 'otherUnitStaff', 'stranger'];

/**
 * Every action against every role, typed as commands. `allowed` lists the roles that may; every
 * other role must get the refusal that matches `refusal` and leave the item as it was.
 */
const MATRIX: { action: string; item: 'open' | 'submitted' | 'extension' | 'overdue'; command: string; allowed: Role[]; refusal: Partial<Record<Role, RegExp>> & { default: RegExp } }[] = [
  { action: 'acknowledge', item: 'open', command: '/ack {code}', allowed: ['leadStaff', 'coopStaff'], refusal: { default: /不是 .* 的成员/ } },
  { action: 'report progress', item: 'open', command: '/progress {code} 进展顺利', allowed: ['leadStaff', 'coopStaff'], refusal: { default: /不是 .* 的成员/ } },
  { action: 'submit a result or contribution', item: 'open', command: '/result {code} 办理完毕', allowed: ['leadStaff', 'coopStaff'], refusal: { default: /不是 .* 的成员/ } },
  { action: 'request an extension', item: 'open', command: '/extend {code} 2026-04-30 需要更多时间', allowed: ['leadStaff'], refusal: { coopStaff: /只有牵头单位/, default: /不是 .* 的成员/ } },
  { action: 'transfer', item: 'open', command: '/transfer {code} 教育局 职能调整', allowed: ['admin', 'leader'], refusal: { default: /只有.*可以/ } },
  { action: 'cancel', item: 'open', command: '/cancel {code} 不再需要', allowed: ['admin', 'leader'], refusal: { default: /只有.*可以/ } },
  { action: 'waive contributions', item: 'open', command: '/waive {code}', allowed: ['admin', 'leader'], refusal: { default: /只有.*可以/ } },
  { action: 'confirm a result', item: 'submitted', command: '/confirm {code} 同意', allowed: ['admin', 'leader'], refusal: { default: /只有.*可以/ } },
  { action: 'return a result', item: 'submitted', command: '/return {code} 请补充', allowed: ['admin', 'leader'], refusal: { default: /只有.*可以/ } },
  { action: 'approve an extension', item: 'extension', command: '/approve {code}', allowed: ['admin', 'leader'], refusal: { default: /只有.*可以/ } },
  { action: 'reject an extension', item: 'extension', command: '/reject {code} 不同意', allowed: ['admin', 'leader'], refusal: { default: /只有.*可以/ } },
  { action: 'excuse', item: 'overdue', command: '/excuse {code} 客观原因', allowed: ['admin'], refusal: { default: /只有.*可以/ } },
];

describe(`authorization of every item action for every role (${kind})`, () => {
  let h: Harness;
  let org: Org;
  let deps: AppDeps;
  const codes: Record<string, number> = {};
  const ids: Record<string, number> = {};
  let people: Record<Role, User>;

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
    org = await seedOrg(h);
    deps = { db: h.database.db, clock: h.clock, config: h.config, translator: createTranslator() };
    people = { admin: h.admin, leader: org.leader, otherLeader: org.otherLeader, leadStaff: org.housingStaff, coopStaff: org.urbanStaff, otherUnitStaff: org.otherUnitStaff, stranger: org.stranger };
    for (const user of Object.values(people)) await h.say(user, 'private', '/start');
    const make = async (name: string, text: string) => {
      const { item } = await startAssignment(deps, { actorId: org.leader.id, text, source: { chatId: org.leadersGroup.id, threadId: 0, messageId: null }, chat: { chatId: org.leadersGroup.id, threadId: 0 } });
      const opened = await runItemCommand(deps, { actorId: org.leader.id, itemId: item.id, command: { type: 'confirm_draft' } });
      ids[name] = item.id;
      codes[name] = opened.item.row.codeNumber!;
    };
    await make('open', '请市住建局牵头，市城管局配合，于3月20日前完成。');
    await make('submitted', '请市住建局牵头，于3月20日前完成。');
    await runItemCommand(deps, { actorId: org.housingStaff.id, itemId: ids.submitted!, command: { type: 'submit_result', text: '已完成' } });
    await make('extension', '请市住建局牵头，于3月20日前完成。');
    await runItemCommand(deps, { actorId: org.housingStaff.id, itemId: ids.extension!, command: { type: 'request_extension', until: '2026-04-10', reason: '等待批复' } });
    await make('overdue', '请市住建局牵头，于3月3日前完成。');
    h.clock.set('2026-03-05T10:00:00+08:00');
  });
  afterAll(async () => {
    await h.stop();
  });

  const version = async (name: string) =>
    (await createItemsRepository({ db: h.database.db, clock: h.clock, timezone: 'Asia/Shanghai' }).get(ids[name]!))!.state.version;

  for (const row of MATRIX) {
    for (const role of ROLES.filter((r) => !row.allowed.includes(r))) {
      it(`refuses ${role} who tries to ${row.action}, and nothing changes`, async () => {
        const before = await version(row.item);
        const user = people[role];
        await h.say(user, 'private', row.command.replace('{code}', String(codes[row.item])));
        expect(h.lastBotMessage(user.id).text).toMatch(row.refusal[role] ?? row.refusal.default);
        // In plain words: no internal action or status name ("（confirm_result）").
        expect(h.lastBotMessage(user.id).text).not.toMatch(/[a-z]+_[a-z]+/);
        expect(await version(row.item)).toBe(before);
      });
    }
  }

  it('refuses /assign by anyone but a leader or an admin, and outside the leaders group', async () => {
    await h.say(org.housingStaff, org.leadersGroup, '/assign 请市住建局牵头，于3月20日前完成。');
    expect(h.lastBotMessage(org.leadersGroup).text).toContain('只有领导或督查室（管理员）可以交办事项');
    await h.say(org.leader, org.housingGroup, '/assign 请市住建局牵头，于3月20日前完成。');
    expect(h.lastBotMessage(org.housingGroup).text).toContain('要在领导群里');
  });

  it('refuses a button pressed by someone who is not a member of the card’s unit, whatever the button says', async () => {
    const card = h.botMessages(org.housingGroup).find((m) => buttonsOf(m).some((b) => b.text === '✅ 签收'))!;
    const before = await version('open');
    await h.press(org.stranger, org.housingGroup, card.message_id, { text: '✅ 签收' });
    expect(h.callbackAnswers().at(-1)).toMatchObject({ show_alert: true });
    expect(h.callbackAnswers().at(-1)?.text).toMatch(/不是 市住房和城乡建设局 的成员/);
    expect(await version('open')).toBe(before);
    // A leader pressing a unit's button is no member either.
    await h.press(org.leader, org.housingGroup, card.message_id, { text: '📝 报告进展' });
    expect(h.callbackAnswers().at(-1)?.text).toMatch(/不是 .* 的成员/);
  });

  describe('malformed commands get one clear answer and change nothing', () => {
    const cases: [string, string, RegExp][] = [
      ['a missing code', '/ack', /请写上事项编号.*用法：\/ack/],
      ['an unknown code', '/ack 9999', /没有找到事项「9999」/],
      ['a bad date', '/extend {open} 某一天 理由', /看不懂日期「某一天」/],
      ['an empty text', '/progress {open}', /内容不能为空/],
      ['a 10 KB text', `/progress {open} ${'很'.repeat(10_000)}`, /内容太长（10,000 字），最多 4,000 字/],
      ['a missing reason', '/return {submitted}', /请写明退回办理结果的理由。用法：\/return 编号 理由/],
      ['a transfer without a unit, with the transfer’s usage', '/transfer {open}', /请按用法写全：\/transfer 编号/],
      ['a transfer without a reason, with the transfer’s usage (not the return’s)', '/transfer {open} 教育局', /请写明转办的理由。用法：\/transfer 编号/],
    ];
    for (const [what, command, expected] of cases) {
      it(`answers ${what}`, async () => {
        const before = await version('open');
        const sentBefore = h.tg.callsTo('sendMessage').length;
        const who = /^\/(return|transfer)/.test(command) ? org.leader : org.housingStaff;
        await h.say(who, 'private', command.replace('{open}', String(codes.open)).replace('{submitted}', String(codes.submitted)));
        expect(h.lastBotMessage(who.id).text).toMatch(expected);
        expect(h.tg.callsTo('sendMessage').length).toBe(sentBefore + 1);
        expect(await version('open')).toBe(before);
      });
    }
  });
});
