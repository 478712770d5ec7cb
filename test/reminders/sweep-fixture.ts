import { sql } from 'drizzle-orm';
import { createConfig, DEFAULT_LEVEL_POLICIES } from '../../src/config.js';
import { rowsOf } from '../../src/db/rows.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import type { ItemLevel, ReportEvery } from '../../src/items/model/types.js';
import { seedOrganisation } from '../../src/org/org.seed.js';
import { runSweep, type SweepResult } from '../../src/reminders/reminders.usecases.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, type StorageKind } from '../helpers/db.js';

export const PEOPLE = { admin: 1, leader: 2, leaderInCharge: 3, housingStaff: 10, housingHead: 20, urbanStaff: 11 } as const;
export const CHATS = { leaders: -1001, housing: -1002, discipline: -1009 } as const;

export type OutboxRow = { key: string; chatId: number; purpose: string; text: string; unitId: number | null; itemId: number };

/**
 * A small organisation on a fresh database: a leaders group; 市住房和城乡建设局 with its group, a
 * staff member and a head who started the bot; 市城市管理执法局 without a group, whose member
 * started the bot; optionally a discipline group. The leader in charge started the bot, the
 * issuing leader did not.
 */
export async function createSweepWorld(kind: StorageKind, options: { discipline?: boolean; start?: string } = {}) {
  const database = await createTestDatabase(kind);
  const clock = createManualClock(options.start ?? '2026-09-21T10:00:00+08:00');
  // Key items confirmed by the leader directly: 调查复核 (on for key items by default) has its own tests.
  const levels = { ...DEFAULT_LEVEL_POLICIES, key: { ...DEFAULT_LEVEL_POLICIES.key, verify: false } };
  const config = createConfig({ env: { ADMIN_IDS: String(PEOPLE.admin) }, file: { reminders: { levels } } });
  const translator = createTranslator();
  const deps = { db: database.db, clock, config, translator };
  const seeded = await seedOrganisation(deps, {
    admin: { id: PEOPLE.admin, firstName: '督查室' },
    units: [
      { name: '市住房和城乡建设局', aliases: ['住建局', '市住建局'] },
      { name: '市城市管理执法局', aliases: ['城管局', '市城管局'] },
    ],
    people: [
      { id: PEOPLE.leader, firstName: '李', lastName: '市长', roles: ['leader'] },
      { id: PEOPLE.leaderInCharge, firstName: '赵', lastName: '副市长', roles: ['leader'], startedBot: true },
      { id: PEOPLE.housingStaff, firstName: '胡', lastName: '科员', member: '住建局' },
      { id: PEOPLE.housingHead, firstName: '王', lastName: '局长', head: '住建局', startedBot: true },
      { id: PEOPLE.urbanStaff, firstName: '程', lastName: '科员', languageCode: 'en', member: '城管局', startedBot: true },
    ],
    chats: [
      { chatId: CHATS.leaders, title: '市领导督办群', kind: 'leaders' },
      { chatId: CHATS.housing, title: '住建局工作群', kind: 'unit', unit: '住建局' },
      ...(options.discipline ? [{ chatId: CHATS.discipline, title: '纪委监委', kind: 'discipline' as const }] : []),
    ],
  });
  const housing = seeded.get('市住房和城乡建设局')!;
  const urban = seeded.get('市城市管理执法局')!;

  let counter = 0;
  return {
    database,
    clock,
    config,
    deps,
    units: { housing: housing.id, urban: urban.id },

    /** The leader assigns an item to 住建局 (and 城管局 cooperating) and confirms it now. */
    async assign(input: {
      level?: ItemLevel;
      deadline: string;
      deadlineTime?: string;
      leaderInCharge?: boolean;
      cooperating?: boolean;
      reportEvery?: ReportEvery;
    }) {
      counter++;
      const { item } = await startAssignment(deps, {
        actorId: PEOPLE.leader,
        text: `请市住建局牵头，研究落实第${counter}项老旧小区改造工作。`,
        source: { chatId: CHATS.leaders, threadId: 0, messageId: 100 + counter },
        chat: { chatId: CHATS.leaders, threadId: 0 },
      });
      await runItemCommand(deps, {
        actorId: PEOPLE.leader,
        itemId: item.id,
        command: {
          type: 'update_draft',
          patch: {
            level: input.level ?? 'routine',
            deadline: input.deadline,
            deadlineTime: input.deadlineTime ?? null,
            leaderInCharge: input.leaderInCharge === false ? null : PEOPLE.leaderInCharge,
            cooperatingUnitIds: input.cooperating ? [urban.id] : [],
            reportEvery: input.reportEvery ?? null,
          },
        },
      });
      await runItemCommand(deps, { actorId: PEOPLE.leader, itemId: item.id, command: { type: 'confirm_draft' } });
      return item.id;
    },

    /** A person acts on an item now. */
    act: (actorId: number, itemId: number, command: Parameters<typeof runItemCommand>[1]['command']) => runItemCommand(deps, { actorId, itemId, command }),

    sweep: (input: { now?: Date; limit?: number } = {}): Promise<SweepResult> => runSweep(deps, input),

    /** Moves the clock to `at` and sweeps, as the minute cron would. */
    async sweepAt(local: string): Promise<SweepResult> {
      clock.set(new Date(`${local.replace(' ', 'T')}:00+08:00`));
      return runSweep(deps);
    },

    /**
     * What the sweep planned (reminder messages only), oldest first: lines queued for the chats'
     * bundles and the escalations sent at once (rung 3 and 4), in one list. A queued line's key
     * is `q<id>`; within one sweep they are ordered by kind (nags before the rungs they reach).
     */
    async outbox(itemId?: number): Promise<OutboxRow[]> {
      const item = itemId === undefined ? sql`` : sql`and item_id = ${itemId}`;
      const result = await database.db.execute(sql`
        select key, chat_id, purpose, text, unit_id, item_id from (
          select key, chat_id, purpose, payload->>'text' as text, unit_id, item_id, created_at as at, id, 1 as src from outbox
          where purpose like 'reminder_%' ${item}
          union all
          select 'q' || id, chat_id, 'reminder_' || kind, line, nullif(unit_id, 0), item_id, queued_at, id, 0 from notice_queue
          where true ${item}
        ) planned
        order by at, array_position(array['reminder_warning', 'reminder_ack_nag', 'reminder_report_nag', 'reminder_overdue_nag', 'reminder_escalation', 'reminder_confirm_nag', 'reminder_extension_nag'], purpose), src, id`);
      return rowsOf<{ key: string; chat_id: string | number; purpose: string; text: string; unit_id: number | null; item_id: number }>(result).map((r) => ({
        key: r.key,
        chatId: Number(r.chat_id),
        purpose: r.purpose,
        text: r.text,
        unitId: r.unit_id === null ? null : Number(r.unit_id),
        itemId: Number(r.item_id),
      }));
    },

    async reminders(itemId?: number): Promise<{ itemId: number; unitId: number; kind: string; slot: string; rung: number; colour: string | null }[]> {
      const result = await database.db.execute(sql`
        select item_id, unit_id, kind, slot, rung, colour from reminders ${itemId === undefined ? sql`` : sql`where item_id = ${itemId}`} order by id`);
      return rowsOf<{ item_id: number; unit_id: number; kind: string; slot: string; rung: number; colour: string | null }>(result).map((r) => ({
        itemId: Number(r.item_id),
        unitId: Number(r.unit_id),
        kind: r.kind,
        slot: r.slot,
        rung: Number(r.rung),
        colour: r.colour,
      }));
    },

    async escalatedEvents(
      itemId: number,
    ): Promise<{ unitId: number; actorId: number; data: { rung: number; nagCount: number; daysOverdue: number; to: string[]; chats: number[] } }[]> {
      const result = await database.db.execute(
        sql`select unit_id, actor_id, data from item_events where item_id = ${itemId} and type = 'escalated' order by id`,
      );
      return rowsOf<{ unit_id: number; actor_id: number | string; data: unknown }>(result).map((r) => ({
        unitId: Number(r.unit_id),
        actorId: Number(r.actor_id),
        data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as never,
      }));
    },

    /** The referral's messages (移交: card, history, admin notices), oldest first. */
    async referralRows(itemId: number): Promise<OutboxRow[]> {
      const result = await database.db.execute(sql`
        select key, chat_id, purpose, coalesce(payload->>'text', payload->>'caption') as text, unit_id, item_id from outbox
        where item_id = ${itemId} and purpose in ('referral', 'referral_history', 'discipline_unbound') order by id`);
      return rowsOf<{ key: string; chat_id: string | number; purpose: string; text: string; unit_id: number | null; item_id: number }>(result).map((r) => ({
        key: r.key,
        chatId: Number(r.chat_id),
        purpose: r.purpose,
        text: r.text,
        unitId: r.unit_id === null ? null : Number(r.unit_id),
        itemId: Number(r.item_id),
      }));
    },

    async eventTypes(itemId: number): Promise<string[]> {
      const result = await database.db.execute(sql`select type from item_events where item_id = ${itemId} order by id`);
      return rowsOf<{ type: string }>(result).map((r) => r.type);
    },

    async nextCheckAt(itemId: number): Promise<Date | null> {
      const result = await database.db.execute(sql`select next_check_at from items where id = ${itemId}`);
      const value = rowsOf<{ next_check_at: string | Date | null }>(result)[0]?.next_check_at ?? null;
      return value === null ? null : new Date(value);
    },

    async resetNextCheck(itemId: number, at: Date) {
      await database.db.execute(sql`update items set next_check_at = ${at.toISOString()}::timestamptz where id = ${itemId}`);
    },

    drop: () => database.drop(),
  };
}

export type SweepWorld = Awaited<ReturnType<typeof createSweepWorld>>;
