import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from 'grammy/types';
import { createTranslator } from '../../src/i18n/translator.js';
import { createItemsRepository } from '../../src/items/items.repository.js';
import type { ItemState } from '../../src/items/model/types.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { listUnits } from '../../src/org/org.usecases.js';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';
import type { AppDeps } from '../../src/deps.js';

const kind = storageKinds()[0]!;
type Role = 'admin' | 'leader' | 'otherLeader' | 'leadStaff' | 'coopStaff' | 'otherUnitStaff' | 'stranger';
const ROLES: Role[] = ['admin', 'leader', 'otherLeader', 'leadStaff', 'coopStaff', 'otherUnitStaff', 'stranger'];

/**
 * Who may do what, written from the README's command table (not from the code under test):
 * unit staff act for their unit (only the lead unit asks for an extension or coordination);
 * the issuing leader (`leader`), the leader in charge and admins decide; `otherLeader` is a
 * leader but not this item's; 容错 is the supervision office's (admin); 点名通报 any leader's or
 * admin's; /task shows the item to leaders, admins and its units' members.
 */
const ALLOWED = {
  acknowledge: ['leadStaff', 'coopStaff'],
  progress: ['leadStaff', 'coopStaff'],
  result: ['leadStaff', 'coopStaff'],
  extend: ['leadStaff'],
  coordinate: ['leadStaff'],
  transfer: ['admin', 'leader'],
  cancel: ['admin', 'leader'],
  waive: ['admin', 'leader'],
  confirm: ['admin', 'leader'],
  return: ['admin', 'leader'],
  approve: ['admin', 'leader'],
  reject: ['admin', 'leader'],
  excuse: ['admin'],
  notify: ['admin', 'leader', 'otherLeader'],
  task: ['admin', 'leader', 'otherLeader', 'leadStaff', 'coopStaff'],
} as const satisfies Record<string, readonly Role[]>;
type Action = keyof typeof ALLOWED;

/**
 * The item a command needs: `open` has a lead unit (住建局) and a cooperating one (城管局), `solo`
 * a lead unit only (its result needs no contribution first), `submitted` a result waiting for the
 * leader, `extension` an extension request waiting, `overdue` a deadline passed.
 */
type Stage = 'open' | 'solo' | 'submitted' | 'extension' | 'overdue';
type State = ItemState;

type Row = {
  action: Action;
  what: string;
  command: string;
  /** The item the refusals are tried on (shared: a refusal changes nothing). */
  item: Stage;
  /** The item a success is tried on, per allowed role when it differs: each success gets its own. */
  successItem?: Partial<Record<Role, Stage>>;
  refusal: Partial<Record<Role, RegExp>> & { default: RegExp };
  /** What the allowed person is told. */
  reply: RegExp | ((role: Role) => RegExp);
  /** The change a success makes (`who`: the person who acted); a read-only command changes nothing. */
  changed: ((after: State, who: User, role: Role) => void) | 'nothing';
  /** A message the success sends to a chat besides the reply. */
  told?: { chat: 'leadersGroup'; text: RegExp };
};

const MATRIX: Row[] = [
  {
    action: 'acknowledge',
    what: 'acknowledge',
    command: '/ack {code}',
    item: 'open',
    refusal: { default: /不是 .* 的成员/ },
    reply: /已签收 督办〔2026〕\d+号/,
    changed: (after, who) => expect(after.units.map((u) => u.acknowledgedBy)).toContain(who.id),
  },
  {
    action: 'progress',
    what: 'report progress',
    command: '/progress {code} 进展顺利',
    item: 'open',
    refusal: { default: /不是 .* 的成员/ },
    reply: /进展已记录/,
    changed: (after) => expect(after.units.some((u) => u.acknowledgedAt !== null)).toBe(true),
  },
  {
    action: 'result',
    what: 'submit a result or contribution',
    command: '/result {code} 办理完毕',
    item: 'open',
    successItem: { leadStaff: 'solo' },
    refusal: { default: /不是 .* 的成员/ },
    reply: (role) => (role === 'leadStaff' ? /办理结果已提交/ : /配合意见已提交/),
    changed: (after, _who, role) =>
      role === 'leadStaff'
        ? expect(after.status).toBe('result_submitted')
        : expect(after.units.find((u) => u.role === 'cooperating')?.contribution?.text).toBe('办理完毕'),
  },
  {
    action: 'extend',
    what: 'request an extension',
    command: '/extend {code} 2026-04-30 需要更多时间',
    item: 'open',
    refusal: { coopStaff: /只有牵头单位/, default: /不是 .* 的成员/ },
    reply: /延期申请已提交/,
    changed: (after) => expect(after.pendingExtension?.until).toBe('2026-04-30'),
  },
  {
    action: 'coordinate',
    what: 'ask for coordination',
    command: '/coordinate {code} 用地指标需协调',
    item: 'open',
    refusal: { coopStaff: /只有牵头单位可以提请协调/, default: /不是 .* 的成员/ },
    reply: /协调请求 #1 已报送/,
    changed: (after) => expect(after.coordinations.map((c) => c.text)).toEqual(['用地指标需协调']),
  },
  {
    action: 'transfer',
    what: 'transfer',
    command: '/transfer {code} 教育局 职能调整',
    item: 'open',
    refusal: { default: /只有.*可以/ },
    reply: /已转办/,
    changed: (after) => expect(after.units.filter((u) => u.role === 'lead' && u.removedAt === null).map((u) => u.unitId)).toEqual([educationUnitId]),
  },
  {
    action: 'cancel',
    what: 'cancel',
    command: '/cancel {code} 不再需要',
    item: 'open',
    refusal: { default: /只有.*可以/ },
    reply: /已撤销/,
    changed: (after) => expect(after.status).toBe('cancelled'),
  },
  {
    action: 'waive',
    what: 'waive contributions',
    command: '/waive {code}',
    item: 'open',
    refusal: { default: /只有.*可以/ },
    reply: /已免于等待配合意见/,
    changed: (after) => expect(after.units.find((u) => u.role === 'cooperating')?.contributionWaived).not.toBeNull(),
  },
  {
    action: 'confirm',
    what: 'confirm a result',
    command: '/confirm {code} 同意',
    item: 'submitted',
    refusal: { default: /只有.*可以/ },
    reply: /已确认办结/,
    changed: (after) => expect(after).toMatchObject({ status: 'closed', response: { text: '同意' } }),
  },
  {
    action: 'return',
    what: 'return a result',
    command: '/return {code} 请补充',
    item: 'submitted',
    refusal: { default: /只有.*可以/ },
    reply: /已退回/,
    changed: (after) => expect(after).toMatchObject({ status: 'open', returnCount: 1, lastReturn: { reason: '请补充' } }),
  },
  {
    action: 'approve',
    what: 'approve an extension',
    command: '/approve {code}',
    item: 'extension',
    refusal: { default: /只有.*可以/ },
    reply: /已批准延期/,
    changed: (after) => expect(after).toMatchObject({ deadline: '2026-04-10', pendingExtension: null, extensionCount: 1 }),
  },
  {
    action: 'reject',
    what: 'reject an extension',
    command: '/reject {code} 不同意',
    item: 'extension',
    refusal: { default: /只有.*可以/ },
    reply: /已驳回延期/,
    changed: (after) => expect(after).toMatchObject({ deadline: '2026-03-20', pendingExtension: null, extensionCount: 0 }),
  },
  {
    action: 'excuse',
    what: 'excuse',
    command: '/excuse {code} 客观原因',
    item: 'overdue',
    refusal: { default: /只有督查室（管理员）可以容错/ },
    reply: /已容错（免责）/,
    changed: (after) => expect(after.excused).toMatchObject({ degree: 'exempt', reason: '客观原因' }),
  },
  {
    action: 'notify',
    what: 'name the item in a notice (点名通报)',
    command: '/notify {code} 进度滞后',
    item: 'open',
    refusal: { default: /只有领导、督查员或督查室（管理员）可以点名通报/ },
    reply: /已点名通报/,
    // 点名通报 changes nothing on the item but its history (a new version); the leaders are told.
    changed: () => {},
    told: { chat: 'leadersGroup', text: /点名通报/ },
  },
  {
    action: 'task',
    what: 'see the item',
    command: '/task {code}',
    item: 'open',
    refusal: { default: /只有领导、管理员和承办该事项的单位可以查看此事项/ },
    reply: /督办〔2026〕\d+号/,
    changed: 'nothing',
  },
];

/**
 * Buttons, pressed where they are shown: the server checks the presser as for the command (README:
 * "the presser must be allowed to do what it does"). 签收 on the lead unit's card acts for that
 * unit: only its staff; the decisions on the leaders' cards: the issuing leader and admins.
 */
type ButtonRow = {
  what: string;
  button: string;
  chat: 'housingGroup' | 'leadersGroup';
  item: Stage;
  allowed: readonly Role[];
  refusal: RegExp;
  changed: (after: State, who: User) => void;
};
const BUTTONS: ButtonRow[] = [
  {
    what: 'acknowledge with the lead unit card’s button',
    button: '✅ 签收',
    chat: 'housingGroup',
    item: 'open',
    allowed: ['leadStaff'],
    refusal: /不是 市住房和城乡建设局 的成员/,
    changed: (after, who) => expect(after.units.find((u) => u.role === 'lead')?.acknowledgedBy).toBe(who.id),
  },
  {
    what: 'confirm a result with its button',
    button: '✅ 确认办结',
    chat: 'leadersGroup',
    item: 'submitted',
    allowed: ['admin', 'leader'],
    refusal: /只有.*可以/,
    changed: (after) => expect(after.status).toBe('closed'),
  },
  {
    what: 'reject an extension with its button',
    button: '✖️ 驳回延期',
    chat: 'leadersGroup',
    item: 'extension',
    allowed: ['admin', 'leader'],
    refusal: /只有.*可以/,
    changed: (after) => expect(after).toMatchObject({ pendingExtension: null, extensionCount: 0 }),
  },
];

/** 市教育局, the unit the transfer moves the item to (its id is known once the org is seeded). */
let educationUnitId = 0;

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
    people = {
      admin: h.admin,
      leader: org.leader,
      otherLeader: org.otherLeader,
      leadStaff: org.housingStaff,
      coopStaff: org.urbanStaff,
      otherUnitStaff: org.otherUnitStaff,
      stranger: org.stranger,
    };
    educationUnitId = (await listUnits(deps)).find((u) => u.name === '市教育局')!.id;
    for (const user of Object.values(people)) await h.say(user, 'private', '/start');
    const make = async (name: string, stage: Stage) => {
      const text =
        stage === 'open'
          ? '请市住建局牵头，市城管局配合，于3月20日前完成。'
          : stage === 'overdue'
            ? '请市住建局牵头，于3月3日前完成。'
            : '请市住建局牵头，于3月20日前完成。';
      const { item } = await startAssignment(deps, {
        actorId: org.leader.id,
        text,
        source: { chatId: org.leadersGroup.id, threadId: 0, messageId: null },
        chat: { chatId: org.leadersGroup.id, threadId: 0 },
      });
      const opened = await runItemCommand(deps, { actorId: org.leader.id, itemId: item.id, command: { type: 'confirm_draft' } });
      ids[name] = item.id;
      codes[name] = opened.item.row.codeNumber!;
      if (stage === 'submitted')
        await runItemCommand(deps, { actorId: org.housingStaff.id, itemId: item.id, command: { type: 'submit_result', text: '已完成' } });
      if (stage === 'extension') {
        await runItemCommand(deps, {
          actorId: org.housingStaff.id,
          itemId: item.id,
          command: { type: 'request_extension', until: '2026-04-10', reason: '等待批复' },
        });
      }
    };
    for (const stage of ['open', 'solo', 'submitted', 'extension', 'overdue'] as const) await make(stage, stage);
    // Each success acts on an item of its own, made now (an overdue one must be made before its deadline).
    for (const row of MATRIX) {
      for (const role of ALLOWED[row.action]) if (row.changed !== 'nothing') await make(`${row.action}:${role}`, row.successItem?.[role] ?? row.item);
    }
    for (const row of BUTTONS) {
      await make(`button:${row.button}`, row.item);
      for (const role of row.allowed) await make(`button:${row.button}:${role}`, row.item);
    }
    await h.dispatcher.drain();
    h.clock.set('2026-03-05T10:00:00+08:00');
  });
  afterAll(async () => {
    await h.stop();
  });

  const stored = async (name: string) => (await createItemsRepository({ db: h.database.db, clock: h.clock, timezone: 'Asia/Shanghai' }).get(ids[name]!))!.state;
  const version = async (name: string) => (await stored(name)).version;

  it('the table names every role, and every action has someone allowed and someone refused', () => {
    for (const row of MATRIX) {
      const allowed: readonly Role[] = ALLOWED[row.action];
      expect(allowed.length, row.action).toBeGreaterThan(0);
      expect(ROLES.filter((r) => !allowed.includes(r)).length, row.action).toBeGreaterThan(0);
    }
  });

  for (const row of MATRIX) {
    const allowed: readonly Role[] = ALLOWED[row.action];
    for (const role of ROLES.filter((r) => !allowed.includes(r))) {
      it(`refuses ${role} who tries to ${row.what}, and nothing changes`, async () => {
        const before = await version(row.item);
        const user = people[role];
        await h.say(user, 'private', row.command.replace('{code}', String(codes[row.item])));
        expect(h.lastBotMessage(user.id).text).toMatch(row.refusal[role] ?? row.refusal.default);
        // In plain words: no internal action or status name ("（confirm_result）").
        expect(h.lastBotMessage(user.id).text).not.toMatch(/[a-z]+_[a-z]+/);
        expect(await version(row.item)).toBe(before);
      });
    }
    for (const role of allowed) {
      it(`lets ${role} ${row.what}, and the item changes as asked`, async () => {
        const name = row.changed === 'nothing' ? row.item : `${row.action}:${role}`;
        const before = await version(name);
        const user = people[role];
        await h.say(user, 'private', row.command.replace('{code}', String(codes[name])));
        const reply = h.lastBotMessage(user.id).text!;
        expect(reply).toMatch(typeof row.reply === 'function' ? row.reply(role) : row.reply);
        expect(reply).not.toMatch(row.refusal.default);
        if (row.changed === 'nothing') {
          expect(await version(name)).toBe(before);
        } else {
          expect(await version(name)).toBeGreaterThan(before);
          row.changed(await stored(name), user, role);
        }
        if (row.told) expect(h.lastBotMessage(org[row.told.chat]).text).toMatch(row.told.text);
      });
    }
  }

  /** The message in the row's chat that carries the button, for that item (its card or notice). */
  const buttonMessage = (row: ButtonRow, name: string) => {
    const code = `督办〔2026〕${codes[name]}号`;
    const found = h.botMessages(org[row.chat]).find((m) => m.text?.includes(code) && buttonsOf(m).some((b) => b.text === row.button));
    if (!found) throw new Error(`no message with "${row.button}" for ${code} in ${row.chat}`);
    return found;
  };

  for (const row of BUTTONS) {
    for (const role of ROLES.filter((r) => !row.allowed.includes(r))) {
      it(`refuses ${role} who presses the button to ${row.what}, with an alert, and nothing changes`, async () => {
        const name = `button:${row.button}`;
        const before = await version(name);
        await h.press(people[role], org[row.chat], buttonMessage(row, name).message_id, { text: row.button });
        expect(h.callbackAnswers().at(-1)).toMatchObject({ show_alert: true, text: expect.stringMatching(row.refusal) });
        expect(await version(name)).toBe(before);
      });
    }
    for (const role of row.allowed) {
      it(`lets ${role} press the button to ${row.what}, and the item changes`, async () => {
        const name = `button:${row.button}:${role}`;
        const before = await version(name);
        await h.press(people[role], org[row.chat], buttonMessage(row, name).message_id, { text: row.button });
        expect(h.callbackAnswers().at(-1)?.show_alert ?? false).toBe(false);
        expect(await version(name)).toBeGreaterThan(before);
        row.changed(await stored(name), people[role]);
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
