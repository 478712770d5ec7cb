/**
 * A burst of state-changing commands for the fault suite: units with a group and a member each,
 * open items led by them, and one `/ack` per item typed in the unit's group; then what came of
 * each command, read from the database (its effect: an acknowledgement in the item's history)
 * and from Telegram (the answer in the group).
 */
import { sql } from 'drizzle-orm';
import type { Chat, Message, User } from 'grammy/types';
import { createConfig, type Config } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import type { FakeTelegram } from '@duban/fake-telegram';
import { createTranslator } from '../../src/i18n/translator.js';
import { pickDraftUnit, runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { addUnit, addUnitMember, bindChat, grantRole, recordPerson } from '../../src/org/org.usecases.js';
import { systemClock } from '../../src/shared/clock.js';
import type { AppDeps } from '../../src/deps.js';

export type BurstUnit = { unitId: number; name: string; group: Chat; staff: User; items: { id: number; code: number }[] };
export type Burst = { admin: User; units: BurstUnit[]; commands: { unit: BurstUnit; code: number; itemId: number; message?: Message }[] };

/** Seeds `units` units with `itemsPerUnit` open items each (confirmed, not yet acknowledged). */
export async function seedBurst(db: Db, tg: FakeTelegram, options: { token: string; units: number; itemsPerUnit: number }): Promise<Burst> {
  const admin = tg.createUser({ firstName: '督查室', lastName: '王' });
  const config: Config = createConfig({ env: { BOT_TOKEN: options.token, ADMIN_IDS: String(admin.id) } });
  const deps: AppDeps = { db, clock: systemClock, config, translator: createTranslator() };
  const actor = { personId: admin.id, isAdmin: true, isLeader: false, unitIds: [] };
  const person = (user: User) => ({ id: user.id, firstName: user.first_name, lastName: user.last_name ?? null, languageCode: user.language_code ?? null });
  const leader = tg.createUser({ firstName: '李', lastName: '市长' });
  const leadersGroup = tg.createGroup({ title: '市领导督办群', members: [admin, leader] });
  await recordPerson(deps, { id: admin.id, firstName: admin.first_name });
  await grantRole(deps, { actor, person: person(leader), role: 'leader' });
  await bindChat(deps, { actor, chat: { chatId: leadersGroup.id, threadId: 0, title: '市领导督办群', type: 'supergroup' }, kind: 'leaders' });

  const units: BurstUnit[] = [];
  for (let u = 1; u <= options.units; u++) {
    const name = `第${u}测试局`;
    const staff = tg.createUser({ firstName: `科员${u}` });
    const group = tg.createGroup({ title: `${name}工作群`, members: [admin, staff] });
    const unit = await addUnit(deps, { actor, name, aliases: [] });
    await addUnitMember(deps, { actor, unit: name, person: person(staff) });
    await bindChat(deps, { actor, chat: { chatId: group.id, threadId: 0, title: `${name}工作群`, type: 'supergroup' }, kind: 'unit', unit: name });
    units.push({ unitId: unit.id, name, group, staff, items: [] });
  }
  // Items, a few at a time (each is three transactions: the draft, its lead unit, the confirmation).
  const jobs = units.flatMap((unit) => Array.from({ length: options.itemsPerUnit }, (_, i) => ({ unit, i })));
  const source = { chatId: leadersGroup.id, threadId: 0, messageId: null };
  const chat = { chatId: leadersGroup.id, threadId: 0 };
  for (let start = 0; start < jobs.length; start += 8) {
    await Promise.all(
      jobs.slice(start, start + 8).map(async ({ unit, i }) => {
        const { item } = await startAssignment(deps, {
          actorId: leader.id,
          text: `请${unit.name}牵头，落实第${i + 1}项工作，于2027年6月30日前完成。`,
          source,
          chat,
        });
        // (The parser may already have read the unit as the lead from the text.)
        const leads = item.state.units.filter((x) => x.role === 'lead').map((x) => x.unitId);
        if (leads.length !== 1 || leads[0] !== unit.unitId)
          await pickDraftUnit(deps, { actorId: leader.id, itemId: item.id, unitId: unit.unitId, role: 'lead' });
        const opened = await runItemCommand(deps, { actorId: leader.id, itemId: item.id, command: { type: 'confirm_draft' } });
        unit.items.push({ id: item.id, code: opened.item.row.codeNumber! });
      }),
    );
  }
  // The cards and notices of the seeding are not what the test is about: not sent.
  await db.execute(sql`truncate outbox, chat_send_state restart identity`);
  // One command per item, round-robin over the units (a burst from every group at once).
  const commands: Burst['commands'] = [];
  for (let i = 0; i < options.itemsPerUnit; i++) for (const unit of units) commands.push({ unit, code: unit.items[i]!.code, itemId: unit.items[i]!.id });
  return { admin, units, commands };
}

/** The burst arrives: every staff member types `/ack <code>` in their unit's group (or a part of the burst: commands from..to). */
export function sendBurst(tg: FakeTelegram, burst: Burst, from = 0, to = burst.commands.length): void {
  for (const command of burst.commands.slice(from, to))
    command.message = tg.sendText({ from: command.unit.staff, chat: command.unit.group.id, text: `/ack ${command.code}` });
}

/** Acknowledgements recorded in the items' history, per item. */
export async function effects(db: Db): Promise<Map<number, number>> {
  const rows = await db.execute<{ item_id: number; n: string }>(
    sql`select item_id, count(*) as n from item_events where type = 'unit_acknowledged' group by item_id`,
  );
  return new Map((rows as unknown as { item_id: number; n: string }[]).map((r) => [Number(r.item_id), Number(r.n)]));
}

/** Whether the group got an answer about the item: done (已签收 …), or already done (已签收过该事项). */
export function answered(tg: FakeTelegram, command: Burst['commands'][number]): boolean {
  const code = new RegExp(`〕${command.code}号|(?<!\\d)${command.code}(?!\\d)`);
  return tg.sentMessages(command.unit.group.id).some((m) => /签收/.test(m.text ?? '') && code.test(m.text ?? ''));
}

export type BurstOutcome = {
  commands: number;
  /** Commands with no effect in the database. */
  lost: number;
  /** Commands whose effect was recorded more than once. */
  doubled: number;
  /** Commands whose sender got no answer. */
  unanswered: number;
  /** Took effect, but no answer. */
  doneSilently: number;
  /** Answered, but no effect. */
  answeredWithoutEffect: number;
};

export async function outcome(db: Db, tg: FakeTelegram, burst: Burst): Promise<BurstOutcome> {
  const done = await effects(db);
  const result: BurstOutcome = { commands: burst.commands.length, lost: 0, doubled: 0, unanswered: 0, doneSilently: 0, answeredWithoutEffect: 0 };
  for (const command of burst.commands) {
    const n = done.get(command.itemId) ?? 0;
    const heard = answered(tg, command);
    if (n === 0) result.lost++;
    if (n > 1) result.doubled++;
    if (!heard) result.unanswered++;
    if (n > 0 && !heard) result.doneSilently++;
    if (n === 0 && heard) result.answeredWithoutEffect++;
  }
  return result;
}

/**
 * Resolves when every command has its effect and its answer, or when nothing has moved for
 * `quietMs` although Telegram has no update left to give (what is lost then stays lost); never
 * later than `timeoutMs`. Returns how long it took.
 */
export async function settle(db: Db, tg: FakeTelegram, burst: Burst, options: { quietMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const started = Date.now();
  // Longer than an update's lease (15 s) and a look for pending ones (2 s): updates a killed
  // process held are taken again only then.
  const quietMs = options.quietMs ?? 20_000;
  const deadline = started + (options.timeoutMs ?? 90_000);
  let last = '';
  let lastChange = Date.now();
  for (;;) {
    const o = await outcome(db, tg, burst);
    const state = `${o.lost}/${o.unanswered}`;
    if (o.lost === 0 && o.unanswered === 0) return Date.now() - started;
    if (state !== last) {
      last = state;
      lastChange = Date.now();
    }
    if (tg.pendingUpdates().length === 0 && Date.now() - lastChange > quietMs) return Date.now() - started;
    if (Date.now() > deadline) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Resolves when at least `count` commands have taken effect, or after `timeoutMs` (the caller reads the figures). */
export async function effectsReach(db: Db, count: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = [...(await effects(db)).values()].filter((v) => v > 0).length;
    if (n >= count || Date.now() > deadline) return n;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
