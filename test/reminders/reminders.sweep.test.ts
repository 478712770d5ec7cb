import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createItemsRepository } from '../../src/items/items.repository.js';
import { computeNextCheckAt } from '../../src/reminders/model/rules.js';
import { reminderSchedule } from '../../src/reminders/model/policy.js';
import { createRemindersRepository } from '../../src/reminders/reminders.repository.js';
import { getItem, markUncheckedItems, sendWaitingReferrals } from '../../src/items/items.usecases.js';
import { bindChat } from '../../src/org/org.usecases.js';
import { warnIfNoDisciplineChat } from '../../src/reminders/reminders.usecases.js';
import { describePg, storageKinds } from '../helpers/db.js';
import { CHATS, PEOPLE, createSweepWorld, type OutboxRow, type SweepWorld } from './sweep-fixture.js';

const bj = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);
const mentions = (text: string, personId: number) => text.includes(`tg://user?id=${personId}`);
const where = (rows: OutboxRow[]) => rows.map((r) => `${r.purpose} -> ${r.chatId}`);

let world: SweepWorld | null = null;
afterEach(async () => {
  await world?.drop();
  world = null;
});

for (const kind of storageKinds()) {
  describe(`the reminder sweep over a key item's life (${kind})`, () => {
    it('warns on working days only, nags, climbs every rung to the right chat, and writes each rung into the history', async () => {
      world = await createSweepWorld(kind, { discipline: true, start: '2026-09-21T10:00:00+08:00' });
      const w = world;
      const { housing, urban } = w.units;
      const itemId = await w.assign({ level: 'key', deadline: '2026-09-30', cooperating: true });

      // Monday 21 Sep, 14:00: four working hours without acknowledgement.
      const sweep = await w.sweepAt('2026-09-21 14:00');
      expect(sweep).toMatchObject({ items: 1, reminders: 2, messages: 0, queued: 2 });
      const ackNags = await w.outbox(itemId);
      expect(where(ackNags)).toEqual([`reminder_ack_nag -> ${CHATS.housing}`, `reminder_ack_nag -> ${PEOPLE.urbanStaff}`]);
      expect(ackNags[0]!.text).toContain('催签收');
      expect(ackNags[1]!.text).toContain('Please acknowledge'); // 城管局's member reads English
      await w.act(PEOPLE.housingStaff, itemId, { type: 'acknowledge' });
      await w.act(PEOPLE.urbanStaff, itemId, { type: 'acknowledge' });

      // Warnings 3, 1 and 0 working days before Wednesday 30 Sep: 24 Sep (25-27 are the Mid-autumn holiday), 29 and 30 Sep.
      const before = (await w.outbox(itemId)).length;
      for (const at of ['2026-09-22 10:00', '2026-09-24 09:00', '2026-09-24 09:01', '2026-09-26 10:00', '2026-09-29 09:00', '2026-09-30 09:00'])
        await w.sweepAt(at);
      const warnings = (await w.reminders(itemId)).filter((r) => r.kind === 'warning');
      expect(warnings.map((r) => `${r.unitId === housing ? 'housing' : 'urban'} ${r.slot} ${r.colour}`)).toEqual([
        'housing d:2026-09-30:3 blue',
        'urban d:2026-09-30:3 blue',
        'housing d:2026-09-30:1 yellow',
        'urban d:2026-09-30:1 yellow',
        'housing d:2026-09-30:0 yellow',
        'urban d:2026-09-30:0 yellow',
      ]);
      expect((await w.outbox(itemId)).length - before).toBe(6);
      expect((await w.outbox(itemId)).at(-2)!.text).toContain('今天到期');

      // National Day: nothing from 1 to 7 October, whatever the sweep is asked.
      for (const at of ['2026-10-01 09:00', '2026-10-03 10:00', '2026-10-07 17:00']) expect((await w.sweepAt(at)).reminders).toBe(0);

      // 8 Oct: first overdue nag; 9 Oct: 2nd nag, rung 2; 10 Oct (a make-up Saturday): 3rd; 12 Oct: 4th, rung 3; 14 Oct: 6th, rung 4.
      const seen = (await w.outbox(itemId)).length;
      for (const day of ['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14']) await w.sweepAt(`${day} 09:00`);
      const later = (await w.outbox(itemId)).slice(seen);
      const housingRows = later.filter((r) => r.unitId === housing);
      expect(where(housingRows)).toEqual([
        `reminder_overdue_nag -> ${CHATS.housing}`,
        `reminder_overdue_nag -> ${CHATS.housing}`,
        `reminder_escalation -> ${PEOPLE.housingHead}`, // rung 2: the head, privately
        `reminder_overdue_nag -> ${CHATS.housing}`,
        `reminder_overdue_nag -> ${CHATS.housing}`,
        `reminder_escalation -> ${CHATS.leaders}`, // rung 3: the leaders group...
        `reminder_escalation -> ${PEOPLE.leaderInCharge}`, // ...and the leader in charge, who started the bot
        `reminder_overdue_nag -> ${CHATS.housing}`,
        `reminder_overdue_nag -> ${CHATS.housing}`,
        // rung 4 (屡督不办): the referral card goes to the discipline group instead (below)
      ]);
      const nags = housingRows.filter((r) => r.purpose === 'reminder_overdue_nag');
      expect(nags.map((r) => mentions(r.text, PEOPLE.housingHead))).toEqual([false, true, true, true, true, true]);
      expect(housingRows.find((r) => r.chatId === CHATS.leaders)!.text).toContain('第3级');
      expect(mentions(housingRows.find((r) => r.chatId === CHATS.leaders)!.text, PEOPLE.leaderInCharge)).toBe(true);
      const referral = await w.referralRows(itemId);
      expect(referral.map((r) => `${r.purpose} -> ${r.chatId}`)).toEqual([`referral -> ${CHATS.discipline}`, `referral_history -> ${CHATS.discipline}`]);
      expect(referral[0]!.text).toContain('屡督不办');
      // 城管局 has no group: its member hears every nag privately; it has no head to write to.
      expect(later.filter((r) => r.unitId === urban && r.purpose === 'reminder_overdue_nag').map((r) => r.chatId)).toEqual(Array(6).fill(PEOPLE.urbanStaff));

      const events = await w.escalatedEvents(itemId);
      expect(
        events
          .filter((e) => e.unitId === housing)
          .map((e) => ({ actor: e.actorId, rung: e.data.rung, nags: e.data.nagCount, days: e.data.daysOverdue, chats: e.data.chats })),
      ).toEqual([
        { actor: 0, rung: 2, nags: 2, days: 2, chats: [PEOPLE.housingHead] },
        { actor: 0, rung: 3, nags: 4, days: 4, chats: [CHATS.leaders, PEOPLE.leaderInCharge] },
        { actor: 0, rung: 4, nags: 6, days: 6, chats: [CHATS.discipline] },
      ]);
      expect(events.filter((e) => e.unitId === urban).map((e) => e.data.rung)).toEqual([2, 3, 4]);
    });
  });
}

/** The other cases run on one storage: PostgreSQL when it answers (PGlite takes seconds to start). */
const kind = storageKinds()[0]!;

describe(`the reminder sweep (${kind})`, () => {
  it('nags the issuing leader and the leader in charge about a result waiting 3 working days, in the leaders group and privately to whoever started the bot', async () => {
    world = await createSweepWorld(kind, { start: '2026-04-20T10:00:00+08:00' });
    const w = world;
    const itemId = await w.assign({ level: 'routine', deadline: '2026-05-29' });
    await w.act(PEOPLE.housingStaff, itemId, { type: 'acknowledge' });
    w.clock.set(bj('2026-04-29 15:00'));
    await w.act(PEOPLE.housingStaff, itemId, { type: 'submit_result', text: '已完成整改' });

    expect((await w.sweepAt('2026-05-07 14:59')).reminders).toBe(0);
    await w.sweepAt('2026-05-07 15:00');
    const rows = (await w.outbox(itemId)).filter((r) => r.purpose === 'reminder_confirm_nag');
    expect(where(rows)).toEqual([`reminder_confirm_nag -> ${CHATS.leaders}`, `reminder_confirm_nag -> ${PEOPLE.leaderInCharge}`]);
    expect(mentions(rows[0]!.text, PEOPLE.leader) && mentions(rows[0]!.text, PEOPLE.leaderInCharge)).toBe(true);
    expect(rows[0]!.text).toContain('已等待确认 3 个工作日');

    await w.act(PEOPLE.leader, itemId, { type: 'confirm_result' });
    expect(await w.nextCheckAt(itemId)).toBeNull();
    expect((await w.sweepAt('2026-05-20 10:00')).reminders).toBe(0);
  });

  it('leaves an excused item alone: no overdue nag, no escalation, nothing more to check', async () => {
    world = await createSweepWorld(kind, { discipline: true, start: '2026-03-02T10:00:00+08:00' });
    const w = world;
    const itemId = await w.assign({ level: 'key', deadline: '2026-03-04' });
    await w.act(PEOPLE.housingStaff, itemId, { type: 'acknowledge' });
    await w.sweepAt('2026-03-04 09:00');
    await w.sweepAt('2026-03-05 09:00');
    expect((await w.reminders(itemId)).map((r) => r.kind)).toEqual(['warning', 'overdue_nag']);
    w.clock.set(bj('2026-03-05 10:00'));
    await w.act(PEOPLE.admin, itemId, { type: 'excuse', reason: '上级政策调整，客观原因无法按期完成' });
    for (const day of ['2026-03-06', '2026-03-09', '2026-03-10', '2026-03-20', '2026-04-10']) await w.sweepAt(`${day} 09:30`);
    expect((await w.reminders(itemId)).map((r) => r.kind)).toEqual(['warning', 'overdue_nag']);
    expect(await w.escalatedEvents(itemId)).toEqual([]);
    expect(await w.nextCheckAt(itemId)).toBeNull();
  });

  it('plans nothing twice when the sweep runs again over the same items', async () => {
    world = await createSweepWorld(kind, { start: '2026-03-02T10:00:00+08:00' });
    const w = world;
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await w.assign({ level: 'key', deadline: '2026-03-20' }));
    const first = await w.sweepAt('2026-03-02 14:00');
    expect(first).toMatchObject({ items: 5, reminders: 5, messages: 0, queued: 5 });
    // As if a save or a second scheduler made every item due again at once.
    for (const id of ids) await w.resetNextCheck(id, bj('2026-03-02 13:00'));
    const again = await w.sweep();
    expect(again).toMatchObject({ items: 5, reminders: 0, messages: 0, queued: 0 });
    expect((await w.outbox()).length).toBe(5);

    // Three working days overdue: a nag and rung 2 for each; the rung's event is written once too.
    expect(await w.sweepAt('2026-03-25 09:00')).toMatchObject({ items: 5, reminders: 10, escalations: 5 });
    for (const id of ids) await w.resetNextCheck(id, bj('2026-03-25 08:00'));
    expect(await w.sweep()).toMatchObject({ items: 5, reminders: 0, messages: 0, escalations: 0 });
    for (const id of ids) expect((await w.escalatedEvents(id)).map((e) => e.data.rung)).toEqual([2]);
  });

  it('at start-up gives live items saved without a check time one, so the sweep sees them; finished items stay unchecked', async () => {
    world = await createSweepWorld(kind, { start: '2026-03-02T10:00:00+08:00' });
    const w = world;
    const live = await w.assign({ level: 'key', deadline: '2026-03-20' });
    const closed = await w.assign({ level: 'key', deadline: '2026-03-20' });
    await w.act(PEOPLE.housingStaff, closed, { type: 'submit_result', text: '已完成' });
    await w.act(PEOPLE.leader, closed, { type: 'confirm_result' });
    await w.database.db.execute(sql`update items set next_check_at = null`);
    w.clock.set(bj('2026-03-02 14:00'));
    expect((await w.sweep()).items).toBe(0);
    expect(await markUncheckedItems(w.deps)).toBe(1);
    expect(await w.sweep()).toMatchObject({ items: 1, reminders: 1 });
    expect((await w.reminders(live)).map((r) => r.kind)).toEqual(['ack_nag']);
    expect(await w.nextCheckAt(closed)).toBeNull();
  });

  it('records a reminder once: inserting the same (item, unit, kind, slot) again, even with another rung, reports nothing new', async () => {
    world = await createSweepWorld(kind, { start: '2026-03-02T10:00:00+08:00' });
    const w = world;
    const itemId = await w.assign({ level: 'key', deadline: '2026-03-20' });
    const repo = createRemindersRepository({ db: w.database.db, clock: w.clock });
    const row = { itemId, unitId: w.units.housing, kind: 'overdue_nag' as const, slot: '2026-03-20/2026-03-23', rung: 1, colour: 'red' as const };
    expect([...(await repo.insert({ rows: [row] }))]).toEqual([`${itemId}|${w.units.housing}|overdue_nag|2026-03-20/2026-03-23`]);
    expect([
      ...(await repo.insert({
        rows: [
          { ...row, rung: 2 },
          { ...row, slot: '2026-03-20/2026-03-24' },
        ],
      })),
    ]).toEqual([`${itemId}|${w.units.housing}|overdue_nag|2026-03-20/2026-03-24`]);
  });

  it('sets the first check time of a freshly assigned item on save, and a sweep keeps it', async () => {
    world = await createSweepWorld(kind, { start: '2026-03-02T10:00:00+08:00' });
    const w = world;
    const itemId = await w.assign({ level: 'key', deadline: '2026-03-20' });
    // The acknowledgement nag of a key item falls due 4 working hours after assignment.
    expect((await w.nextCheckAt(itemId))!.toISOString()).toBe(bj('2026-03-02 14:00').toISOString());
    await w.sweep();
    expect((await w.nextCheckAt(itemId))!.toISOString()).toBe(bj('2026-03-02 14:00').toISOString());
    // A repository without the schedule marks the item for the next sweep instead.
    const bare = createItemsRepository({ db: w.database.db, clock: w.clock, timezone: 'Asia/Shanghai' });
    const before = (await bare.get(itemId))!;
    await bare.save({ id: itemId, previousVersion: before.state.version, state: { ...before.state, version: before.state.version + 1 }, events: [] });
    expect((await w.nextCheckAt(itemId))!.toISOString()).toBe(bj('2026-03-02 10:00').toISOString());
    // Given the time the use-case computed from the policy, the repository stores it as it is.
    const item = (await bare.get(itemId))!;
    const next = computeNextCheckAt({ state: item.state, now: w.clock.now(), schedule: reminderSchedule(w.config) });
    await bare.save({
      id: itemId,
      previousVersion: item.state.version,
      state: { ...item.state, version: item.state.version + 1 },
      events: [],
      nextCheckAt: next,
    });
    expect((await w.nextCheckAt(itemId))!.toISOString()).toBe(bj('2026-03-02 14:00').toISOString());
  });
});

describePg('the reminder sweep on PostgreSQL, several at once and after downtime', () => {
  it('when three sweeps run at once over 40 due items, each item is judged once and each nag planned once', async () => {
    world = await createSweepWorld('postgres', { start: '2026-09-21T10:00:00+08:00' });
    const w = world;
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push(await w.assign({ level: 'routine', deadline: '2026-09-22' }));
    for (const id of ids) await w.act(PEOPLE.housingStaff, id, { type: 'acknowledge' });
    w.clock.set(bj('2026-09-23 09:00'));
    const results = await Promise.all([w.sweep({ limit: 7 }), w.sweep({ limit: 7 }), w.sweep({ limit: 7 })]);
    const sum = (k: 'items' | 'reminders' | 'queued') => results.reduce((n, r) => n + r[k], 0);
    expect(sum('items')).toBe(40);
    expect(sum('reminders')).toBe(40);
    expect(sum('queued')).toBe(40);
    const rows = await w.outbox();
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.itemId)).size).toBe(40);
    expect(results.filter((r) => r.items > 0).length).toBeGreaterThan(1); // the work was shared
    // And again, all three at once: nothing new.
    const again = await Promise.all([w.sweep(), w.sweep(), w.sweep()]);
    expect(again.reduce((n, r) => n + r.reminders + r.queued, 0)).toBe(0);
  });

  it('after three days down, plans one message per item and kind, not one per missed day or minute', async () => {
    world = await createSweepWorld('postgres', { start: '2026-03-02T10:00:00+08:00' });
    const w = world;
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await w.assign({ level: 'key', deadline: '2026-03-04', reportEvery: 'day' }));
    for (const id of ids) await w.act(PEOPLE.housingStaff, id, { type: 'acknowledge' });
    await w.sweepAt('2026-03-05 09:00');
    const before = (await w.reminders()).length;
    // Down from Thursday 09:00 until Monday 14:00 (Friday's and Monday's nags fell due meanwhile).
    const result = await w.sweepAt('2026-03-09 14:00');
    expect(result.items).toBe(12);
    const fresh = (await w.reminders()).slice(before);
    const perItemAndKind = new Map<string, number>();
    for (const r of fresh) perItemAndKind.set(`${r.itemId} ${r.kind}`, (perItemAndKind.get(`${r.itemId} ${r.kind}`) ?? 0) + 1);
    // One overdue nag (Monday's) and one rung (2: 2 nags, 3 working days) per item.
    expect([...perItemAndKind.values()].every((n) => n === 1)).toBe(true);
    expect(fresh.filter((r) => r.kind === 'overdue_nag').map((r) => r.slot)).toEqual(Array(12).fill('2026-03-04/2026-03-09'));
    expect(fresh.filter((r) => r.kind === 'escalation').map((r) => r.slot)).toEqual(Array(12).fill('2026-03-04/r2'));
    expect(fresh.filter((r) => r.kind !== 'overdue_nag' && r.kind !== 'escalation')).toEqual([]);
    const nagMessages = (await w.outbox()).filter((r) => r.purpose === 'reminder_overdue_nag' && r.text.includes('第 2 次'));
    expect(nagMessages).toHaveLength(12);
    expect(nagMessages.every((r) => r.text.includes('逾期 3 个工作日'))).toBe(true);
    // The next minute's sweep finds nothing left to do.
    expect((await w.sweepAt('2026-03-09 14:01')).items).toBe(0);
  });

  it('counts each unit’s nags for the bulletin', async () => {
    world = await createSweepWorld('postgres', { start: '2026-03-02T10:00:00+08:00' });
    const w = world;
    const itemId = await w.assign({ level: 'key', deadline: '2026-03-04', cooperating: true });
    for (const at of ['2026-03-02 14:00', '2026-03-05 09:00', '2026-03-06 09:00']) await w.sweepAt(at);
    const counts = await createRemindersRepository({ db: w.database.db, clock: w.clock }).nagCounts();
    const byUnit = Object.fromEntries(counts);
    // Each unit: one acknowledgement nag per 4 working hours until the deadline, then two overdue nags.
    const housingNags = (await w.reminders(itemId)).filter(
      (r) => r.unitId === w.units.housing && ['ack_nag', 'overdue_nag', 'report_nag'].includes(r.kind),
    ).length;
    expect(byUnit[w.units.housing]).toBe(housingNags);
    expect(byUnit[w.units.urban]).toBe(housingNags);
    expect(housingNags).toBeGreaterThanOrEqual(3);
  });
});

describe(`移交: rung 4 refers the item to the discipline body (${kind})`, () => {
  it('refers an item once however many sweeps and units reach rung 4, with its card and history in the discipline group', async () => {
    world = await createSweepWorld(kind, { discipline: true, start: '2026-09-21T10:00:00+08:00' });
    const w = world;
    const itemId = await w.assign({ level: 'key', deadline: '2026-09-30', cooperating: true });
    await w.act(PEOPLE.housingStaff, itemId, { type: 'acknowledge' });
    await w.act(PEOPLE.urbanStaff, itemId, { type: 'acknowledge' });
    for (const day of ['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14']) await w.sweepAt(`${day} 09:00`);
    // Both units reached rung 4 on 14 Oct: one referral.
    expect((await w.escalatedEvents(itemId)).filter((e) => e.data.rung === 4)).toHaveLength(2);
    expect((await w.eventTypes(itemId)).filter((t) => t === 'item_referred')).toHaveLength(1);
    // The escalation comes first in the history, then the referral.
    expect((await w.eventTypes(itemId)).slice(-3)).toEqual(['escalated', 'escalated', 'item_referred']);
    // Later sweeps (and the same one again) add nothing.
    for (const at of ['2026-10-14 09:00', '2026-10-15 09:00', '2026-10-16 09:00']) {
      if (at === '2026-10-14 09:00') await w.resetNextCheck(itemId, bj(at));
      await w.sweepAt(at);
    }
    expect((await w.eventTypes(itemId)).filter((t) => t === 'item_referred')).toHaveLength(1);
    const rows = await w.referralRows(itemId);
    expect(rows.map((r) => r.purpose)).toEqual(['referral', 'referral_history']);
    expect(rows[0]!.text).toContain('住建局');
    expect(rows[0]!.text).toContain('待接收');
    expect(rows[1]!.text).toContain('交办');
    expect((await getItem(w.deps, { itemId })).state.referral).toMatchObject({ status: 'sent', cause: 'overdue', unitId: w.units.housing });
  });

  it('without a discipline group the referral waits, the admins are told, and /bind discipline sends it', async () => {
    world = await createSweepWorld(kind, { start: '2026-09-21T10:00:00+08:00' });
    const w = world;
    const itemId = await w.assign({ level: 'key', deadline: '2026-09-30' });
    await w.act(PEOPLE.housingStaff, itemId, { type: 'acknowledge' });
    for (const day of ['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15']) await w.sweepAt(`${day} 09:00`);
    expect((await w.eventTypes(itemId)).filter((t) => t === 'item_referred')).toHaveLength(1);
    // The admin never started the bot: the leaders group hears it, once.
    expect((await w.referralRows(itemId)).map((r) => `${r.purpose} -> ${r.chatId}`)).toEqual([`discipline_unbound -> ${CHATS.leaders}`]);
    expect((await w.referralRows(itemId))[0]!.text).toContain('/bind discipline');

    const admin = { personId: PEOPLE.admin, isAdmin: true, isLeader: false, unitIds: [] };
    await bindChat(w.deps, { actor: admin, chat: { chatId: CHATS.discipline, threadId: 0, title: '纪委监委', type: 'supergroup' }, kind: 'discipline' });
    expect(await sendWaitingReferrals(w.deps, { chat: { chatId: CHATS.discipline, threadId: 0 } })).toBe(1);
    expect(await sendWaitingReferrals(w.deps, { chat: { chatId: CHATS.discipline, threadId: 0 } })).toBe(0);
    expect((await w.referralRows(itemId)).map((r) => `${r.purpose} -> ${r.chatId}`)).toEqual([
      `discipline_unbound -> ${CHATS.leaders}`,
      `referral -> ${CHATS.discipline}`,
      `referral_history -> ${CHATS.discipline}`,
    ]);
    expect((await w.eventTypes(itemId)).at(-1)).toBe('referral_sent');
  });

  it('tells the admins at start-up when a level reaches rung 4 and no discipline group is bound, once a day; not when none does or one is bound', async () => {
    world = await createSweepWorld(kind, { start: '2026-09-21T10:00:00+08:00' });
    const w = world;
    const startupRows = async () => {
      const result = await w.deps.db.execute(sql`select chat_id from outbox where purpose = 'discipline_unbound'`);
      return ((result as unknown as { rows?: { chat_id: number }[] }).rows ?? (result as unknown as { chat_id: number }[])).map((r) => Number(r.chat_id));
    };
    expect(await warnIfNoDisciplineChat(w.deps)).toBe(1);
    expect(await warnIfNoDisciplineChat(w.deps)).toBe(0);
    expect(await startupRows()).toEqual([CHATS.leaders]);
    const levels = w.config.reminders.levels;
    const noRung4 = {
      ...w.config,
      reminders: {
        ...w.config.reminders,
        levels: { key: { ...levels.key, rung4: null }, special: { ...levels.special, rung4: null }, routine: { ...levels.routine, rung4: null } },
      },
    };
    w.clock.set(bj('2026-09-22 10:00'));
    expect(await warnIfNoDisciplineChat({ ...w.deps, config: noRung4 })).toBe(0);
    const admin = { personId: PEOPLE.admin, isAdmin: true, isLeader: false, unitIds: [] };
    await bindChat(w.deps, { actor: admin, chat: { chatId: CHATS.discipline, threadId: 0, title: '纪委监委', type: 'supergroup' }, kind: 'discipline' });
    expect(await warnIfNoDisciplineChat(w.deps)).toBe(0);
  });
});
