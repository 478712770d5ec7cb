import { and, asc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { boundChats, items, reminders, units } from '../db/schema/index.js';
import { deserializeState } from '../items/model/codec.js';
import type { StoredItem } from '../items/model/stored.js';
import type { Clock } from '../shared/clock.js';
import { NAG_KINDS, slotKey, type Colour, type PlannedSlot, type ReminderKind } from './model/policy.js';

export type NewReminder = PlannedSlot & { itemId: number; rung: number; colour: Colour | null };

/**
 * Storage of the reminder sweep: claiming due items (a locking read), the planned reminders, and
 * what the messages need to know about units and people. The item tables are written by items.
 */
export function createRemindersRepository({ db, clock }: { db: DbOrTx; clock: Clock }) {
  return {
    /**
     * Claims up to `limit` items whose check time has come, oldest first, and locks them until
     * the transaction ends. SKIP LOCKED lets several sweeps (instances) share the due items
     * without waiting for each other, and skips an item a person is changing right now (its save
     * sets a new check time anyway). Reads only the partial index on next_check_at: the cost
     * follows the due items, not the open ones.
     */
    async claimDue(input: { now: Date; limit: number }): Promise<StoredItem[]> {
      const rows = await db
        .select()
        .from(items)
        .where(lte(items.nextCheckAt, input.now))
        .orderBy(asc(items.nextCheckAt))
        .limit(input.limit)
        .for('update', { skipLocked: true });
      return rows.map((row) => ({ id: row.id, row, state: deserializeState(row.state) }));
    },

    /** The reminders planned so far for these items. */
    async plannedFor(itemIds: number[]): Promise<Map<number, PlannedSlot[]>> {
      const out = new Map<number, PlannedSlot[]>(itemIds.map((id) => [id, []]));
      if (itemIds.length === 0) return out;
      const rows = await db
        .select({ itemId: reminders.itemId, unitId: reminders.unitId, kind: reminders.kind, slot: reminders.slot })
        .from(reminders)
        .where(inArray(reminders.itemId, itemIds));
      for (const r of rows) out.get(r.itemId)?.push({ unitId: r.unitId, kind: r.kind as ReminderKind, slot: r.slot });
      return out;
    },

    /**
     * Records reminders; a (item, unit, kind, slot) planned before is skipped. Returns the keys
     * (`itemId|slotKey`) of the rows this call inserted: only those may be sent.
     */
    async insert(input: { rows: NewReminder[]; at?: Date }): Promise<Set<string>> {
      const { rows } = input;
      const inserted = new Set<string>();
      if (rows.length === 0) return inserted;
      const now = input.at ?? clock.now();
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        const result = await db
          .insert(reminders)
          .values(chunk.map((r) => ({ itemId: r.itemId, unitId: r.unitId, kind: r.kind, slot: r.slot, rung: r.rung, colour: r.colour, plannedAt: now })))
          .onConflictDoNothing({ target: [reminders.itemId, reminders.unitId, reminders.kind, reminders.slot] })
          .returning({ itemId: reminders.itemId, unitId: reminders.unitId, kind: reminders.kind, slot: reminders.slot });
        for (const r of result) inserted.add(`${r.itemId}|${slotKey({ unitId: r.unitId, kind: r.kind as ReminderKind, slot: r.slot })}`);
      }
      return inserted;
    },

    /** Appends the escalation rungs to the items' history (append-only, like every event). */
    /** Names and heads of the units a batch of reminders is about. */
    async unitsByIds(unitIds: number[]): Promise<Map<number, { name: string; headPersonId: number | null }>> {
      if (unitIds.length === 0) return new Map();
      const rows = await db.select({ id: units.id, name: units.name, headPersonId: units.headPersonId }).from(units).where(inArray(units.id, unitIds));
      return new Map(rows.map((u) => [u.id, { name: u.name, headPersonId: u.headPersonId }]));
    },

    /** The discipline group (屡督不办 goes there), if one is bound. */
    async disciplineChat(): Promise<{ chatId: number; threadId: number } | null> {
      const [row] = await db
        .select({ chatId: boundChats.chatId, threadId: boundChats.threadId })
        .from(boundChats)
        .where(eq(boundChats.kind, 'discipline'))
        .limit(1);
      return row ?? null;
    },

    /**
     * Nags (催办: acknowledgement, progress report and overdue nags) each unit received in
     * [from, to), for the bulletin and the ledger. Units without nags are absent.
     */
    async nagCounts(input: { from?: Date; to?: Date } = {}): Promise<Map<number, number>> {
      const conditions = [inArray(reminders.kind, [...NAG_KINDS]), sql`${reminders.unitId} <> 0`];
      if (input.from) conditions.push(gte(reminders.plannedAt, input.from));
      if (input.to) conditions.push(lt(reminders.plannedAt, input.to));
      const rows = await db
        .select({ unitId: reminders.unitId, n: sql<number>`count(*)::int` })
        .from(reminders)
        .where(and(...conditions))
        .groupBy(reminders.unitId);
      return new Map(rows.map((r) => [r.unitId, Number(r.n)]));
    },
  };
}

export type RemindersRepository = ReturnType<typeof createRemindersRepository>;
