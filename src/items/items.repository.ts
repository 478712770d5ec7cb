import { and, asc, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { itemCodeCounters, itemEvents, itemMessages, itemUnits, items } from '../db/schema/index.js';
import type { Clock } from '../shared/clock.js';
import { deadlineInstant, deserializeState, serializeState } from './model/codec.js';
import { activeUnits } from './model/queries.js';
import type { ItemRow, StoredEvent, StoredItem } from './model/stored.js';
import type { ItemEvent, ItemState } from './model/types.js';

export type ItemSource = { chatId: number; threadId: number; messageId: number | null };

/** A message the bot sent about an item (a draft, a prompt, a card posted directly). */
export type ItemMessageInput = {
  chatId: number;
  messageId: number;
  itemId: number;
  /** card | unit_card | draft | response | prompt:<action> ... */
  purpose: string;
  unitId?: number | null;
  personId?: number | null;
  /** A living card posted directly (查看): later changes of the item edit it too. */
  card?: { audience: 'leaders' | 'unit' | 'discipline' | 'office'; locale: string; hash: string; threadId: number };
};

export type ListFilter =
  | { kind: 'all' }
  | { kind: 'open' }
  | { kind: 'overdue'; now: Date }
  | { kind: 'waiting' }
  | { kind: 'units'; unitIds: number[] }
  /** Items of my units, or issued by me / in my charge. */
  | { kind: 'mine'; unitIds: readonly number[]; personId: number };

/**
 * When the reminder sweep must look at the item next: what the use-case computed from the new
 * state (the reminder policy is not the repository's business), or, when it passed none, the next
 * sweep for a live item, which then computes the exact time itself: never late, at one look's cost.
 */
function nextCheckAt(state: ItemState, now: Date, given: Date | null | undefined): Date | null {
  if (given !== undefined) return given;
  return state.status === 'open' || state.status === 'result_submitted' ? now : null;
}

function columnsFrom(state: ItemState, timezone: string, checks: { now: Date; nextCheckAt: Date | null | undefined }) {
  return {
    status: state.status,
    level: state.level,
    instruction: state.instruction,
    issuedBy: state.issuedBy,
    draftedBy: state.draftedBy,
    leaderInCharge: state.leaderInCharge,
    deadline: state.deadline,
    deadlineTime: state.deadlineTime,
    deadlineAt: deadlineInstant(state.deadline, state.deadlineTime, timezone),
    originalDeadline: state.originalDeadline,
    extensionCount: state.extensionCount,
    returnCount: state.returnCount,
    // Only 免责 takes an item out of the lateness figures; 从轻/减轻 keep it counted.
    excused: state.excused?.degree === 'exempt',
    openedAt: state.openedAt,
    resultSubmittedAt: state.status === 'result_submitted' ? (state.result?.at ?? null) : null,
    closedAt: state.closedAt,
    extensionRequestedAt: state.status === 'open' ? (state.pendingExtension?.requestedAt ?? null) : null,
    version: state.version,
    nextCheckAt: nextCheckAt(state, checks.now, checks.nextCheckAt),
    state: serializeState(state),
  };
}

/**
 * Storage of items: the state snapshot with its query columns, the unit rows and the history.
 * The only writer of the item tables: items, item_units, item_events (and item_messages, with the
 * outbox recording the messages it sent): the sweep's check times and escalations come here too.
 */
export function createItemsRepository({ db, clock, timezone }: { db: DbOrTx; clock: Clock; timezone: string }) {
  /**
   * Appends history events. An item's history never runs backwards: when the clock was set back
   * since the item's previous event, an event's `at` is raised to that event's `at` (and to the
   * one before it in the same batch), so the history reads in the order things happened.
   */
  async function insertEvents(events: (ItemEvent & { itemId: number })[]) {
    if (events.length === 0) return;
    const latestInBatch = new Map<number, number>();
    await db.insert(itemEvents).values(
      events.map((e) => {
        const at = Math.max(e.at.getTime(), latestInBatch.get(e.itemId) ?? -Infinity);
        latestInBatch.set(e.itemId, at);
        const previous = sql`(select p.at from item_events p where p.item_id = ${e.itemId}::int order by p.id desc limit 1)`;
        return {
          itemId: e.itemId,
          type: e.type,
          at: sql`greatest(${new Date(at).toISOString()}::timestamptz, ${previous})`,
          actorId: e.actorId,
          unitId: e.unitId,
          data: e.data as unknown,
        };
      }),
    );
  }

  async function writeUnits(itemId: number, state: ItemState) {
    await db.delete(itemUnits).where(eq(itemUnits.itemId, itemId));
    const current = activeUnits(state);
    if (current.length === 0) return;
    await db.insert(itemUnits).values(
      current.map((u) => ({
        itemId,
        unitId: u.unitId,
        role: u.role,
        assignedAt: u.assignedAt,
        acknowledgedAt: u.acknowledgedAt,
        lastProgressAt: u.lastProgressAt,
        contributionAt: u.contribution?.at ?? null,
        itemOpen: state.status === 'open',
      })),
    );
  }

  async function appendEvents(itemId: number, events: ItemEvent[]) {
    await insertEvents(events.map((e) => ({ ...e, itemId })));
  }

  const toStored = (row: ItemRow): StoredItem => ({ id: row.id, row, state: deserializeState(row.state) });

  return {
    async insert(input: {
      state: ItemState;
      events: ItemEvent[];
      source: ItemSource;
      draft?: { deadlineDefaulted: boolean; notes: unknown };
      nextCheckAt?: Date | null;
    }): Promise<StoredItem> {
      const now = clock.now();
      const [row] = await db
        .insert(items)
        .values({
          ...columnsFrom(input.state, timezone, { now, nextCheckAt: input.nextCheckAt }),
          sourceChatId: input.source.chatId,
          sourceThreadId: input.source.threadId,
          sourceMessageId: input.source.messageId,
          deadlineDefaulted: input.draft?.deadlineDefaulted ?? false,
          draftNotes: input.draft?.notes ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await writeUnits(row!.id, input.state);
      await appendEvents(row!.id, input.events);
      return toStored(row!);
    },

    /** Reads an item and locks its row until the transaction ends (concurrent commands queue up). */
    async getForUpdate(id: number): Promise<StoredItem | null> {
      const [row] = await db.select().from(items).where(eq(items.id, id)).for('update');
      return row ? toStored(row) : null;
    },

    async get(id: number): Promise<StoredItem | null> {
      const [row] = await db.select().from(items).where(eq(items.id, id));
      return row ? toStored(row) : null;
    },

    /**
     * Writes the new state and appends its events. The version check makes a lost update
     * impossible even without the row lock; with it, it never fires.
     */
    async save(input: {
      id: number;
      previousVersion: number;
      state: ItemState;
      events: ItemEvent[];
      code?: { year: number; number: number };
      draftNotes?: unknown;
      deadlineDefaulted?: boolean;
      /** When the sweep must look at the item next (see `nextCheckAt` above). */
      nextCheckAt?: Date | null;
    }): Promise<StoredItem> {
      const now = clock.now();
      const rows = await db
        .update(items)
        .set({
          ...columnsFrom(input.state, timezone, { now, nextCheckAt: input.nextCheckAt }),
          ...(input.code ? { codeYear: input.code.year, codeNumber: input.code.number } : {}),
          ...(input.draftNotes !== undefined ? { draftNotes: input.draftNotes } : {}),
          ...(input.deadlineDefaulted !== undefined ? { deadlineDefaulted: input.deadlineDefaulted } : {}),
          ...(input.state.status !== 'draft' ? { draftNotes: null } : {}),
          updatedAt: now,
        })
        .where(and(eq(items.id, input.id), eq(items.version, input.previousVersion)))
        .returning();
      if (rows.length === 0) throw new Error(`item ${input.id} changed concurrently (expected version ${input.previousVersion})`);
      await writeUnits(input.id, input.state);
      await appendEvents(input.id, input.events);
      return toStored(rows[0]!);
    },

    /** Events the system appends without a state change (the sweep's escalations), for several items at once. */
    async appendSystemEvents(events: (ItemEvent & { itemId: number })[]): Promise<void> {
      await insertEvents(events);
    },

    /** Sets the items' next check times in one statement (null: nothing can fall due any more). */
    async setNextChecks(updates: { id: number; nextCheckAt: Date | null }[]): Promise<void> {
      if (updates.length === 0) return;
      const values = sql.join(
        updates.map((u) => sql`(${u.id}::int, ${u.nextCheckAt ? u.nextCheckAt.toISOString() : null}::timestamptz)`),
        sql`, `,
      );
      await db.execute(sql`update items set next_check_at = v.next from (values ${values}) as v(id, next) where items.id = v.id`);
    },

    /** Items whose referral (移交) waits for a discipline group to be bound, oldest first. */
    async waitingReferralIds(): Promise<number[]> {
      const rows = await db.select({ id: items.id }).from(items).where(sql`${items.state}->'referral'->>'status' = 'waiting_chat'`).orderBy(asc(items.id));
      return rows.map((r) => r.id);
    },

    /** Live items saved without a check time (older data) get one: now, for the next sweep. Returns how many. */
    async markUnchecked(input: { at: Date }): Promise<number> {
      const rows = await db
        .update(items)
        .set({ nextCheckAt: input.at })
        .where(and(sql`${items.nextCheckAt} is null`, inArray(items.status, ['open', 'result_submitted'])))
        .returning({ id: items.id });
      return rows.length;
    },

    async setDraftMessage(input: { id: number; messageId: number }): Promise<void> {
      await db.update(items).set({ draftMessageId: input.messageId }).where(eq(items.id, input.id));
    },

    /**
     * The next number of the year, gap-free: the counter row is locked by this transaction until
     * it commits, so concurrent confirms queue up, and a rolled-back confirm gives its number back.
     */
    async nextCodeNumber(year: number): Promise<number> {
      const [row] = await db
        .insert(itemCodeCounters)
        .values({ year, last: 1 })
        .onConflictDoUpdate({ target: itemCodeCounters.year, set: { last: sql`${itemCodeCounters.last} + 1` } })
        .returning({ last: itemCodeCounters.last });
      return row!.last;
    },

    async findByCode(input: { year: number; number: number }): Promise<StoredItem | null> {
      const [row] = await db
        .select()
        .from(items)
        .where(and(eq(items.codeYear, input.year), eq(items.codeNumber, input.number)));
      return row ? toStored(row) : null;
    },

    /** The items numbered `number` in any year, newest year first. */
    async findByNumber(number: number): Promise<StoredItem[]> {
      const rows = await db.select().from(items).where(eq(items.codeNumber, number)).orderBy(desc(items.codeYear));
      return rows.map(toStored);
    },

    /** The item a bot message belongs to (a card, a draft, a prompt). */
    async findByMessage(input: { chatId: number; messageId: number }) {
      const [row] = await db
        .select()
        .from(itemMessages)
        .where(and(eq(itemMessages.chatId, input.chatId), eq(itemMessages.messageId, input.messageId)));
      return row ?? null;
    },

    async rememberMessage(input: ItemMessageInput) {
      const card = input.card ? { audience: input.card.audience, locale: input.card.locale, renderedHash: input.card.hash, threadId: input.card.threadId } : {};
      const values = {
        chatId: input.chatId,
        messageId: input.messageId,
        itemId: input.itemId,
        purpose: input.purpose,
        unitId: input.unitId ?? null,
        personId: input.personId ?? null,
      };
      await db
        .insert(itemMessages)
        .values({ ...values, ...card, createdAt: clock.now() })
        .onConflictDoUpdate({
          target: [itemMessages.chatId, itemMessages.messageId],
          set: { itemId: input.itemId, purpose: input.purpose, unitId: input.unitId ?? null, personId: input.personId ?? null, ...card },
        });
    },

    async events(itemId: number): Promise<StoredEvent[]> {
      return db.select().from(itemEvents).where(eq(itemEvents.itemId, itemId)).orderBy(asc(itemEvents.id));
    },

    /** Confirmed items matching a filter, newest first, a page at a time. */
    async list(input: { filter: ListFilter; offset: number; limit: number }): Promise<{ items: StoredItem[]; total: number }> {
      const conditions: SQL[] = [sql`${items.codeNumber} is not null`];
      const f = input.filter;
      if (f.kind === 'open') conditions.push(inArray(items.status, ['open', 'result_submitted']));
      if (f.kind === 'waiting') conditions.push(eq(items.status, 'result_submitted'));
      if (f.kind === 'overdue') conditions.push(eq(items.status, 'open'), lt(items.deadlineAt, f.now));
      if (f.kind === 'units') {
        if (f.unitIds.length === 0) return { items: [], total: 0 };
        conditions.push(
          inArray(items.status, ['open', 'result_submitted']),
          sql`exists (select 1 from ${itemUnits} iu where iu.item_id = ${items.id} and iu.unit_id in (${sql.join(
            f.unitIds.map((id) => sql`${id}`),
            sql`, `,
          )}))`,
        );
      }
      if (f.kind === 'mine') {
        // The item ids of the person's units as an array (not `exists`), so that the three parts of
        // the `or` are each an index scan (items' key, items_issued_by_idx, items_leader_in_charge_idx)
        // and not one pass over every open item.
        const unitCondition = f.unitIds.length
          ? sql`${items.id} = any(array(select iu.item_id from ${itemUnits} iu where iu.unit_id in (${sql.join(
              f.unitIds.map((id) => sql`${id}`),
              sql`, `,
            )})))`
          : sql`false`;
        conditions.push(
          inArray(items.status, ['open', 'result_submitted']),
          sql`(${unitCondition} or ${items.issuedBy} = ${f.personId} or ${items.leaderInCharge} = ${f.personId})`,
        );
      }
      const where = and(...conditions);
      const [countRow] = await db.select({ n: sql<number>`count(*)::int` }).from(items).where(where);
      const rows = await db
        .select()
        .from(items)
        .where(where)
        .orderBy(f.kind === 'overdue' ? asc(items.deadlineAt) : desc(items.id))
        .offset(input.offset)
        .limit(input.limit);
      return { items: rows.map(toStored), total: Number(countRow?.n ?? 0) };
    },
  };
}

export type ItemsRepository = ReturnType<typeof createItemsRepository>;
