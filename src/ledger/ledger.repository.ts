import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { NAG_KINDS } from '../digests/bulletin.figures.js';
import { itemEvents, itemUnits, items, reminders } from '../db/schema/index.js';
import { deserializeState } from '../items/model/codec.js';
import type { ItemState } from '../items/model/types.js';
import type { LedgerFilter } from './ledger.models.js';

export type LedgerItem = { id: number; codeYear: number; codeNumber: number; state: ItemState; closedAt: Date | null };
export type LedgerEvent = typeof itemEvents.$inferSelect & { codeYear: number; codeNumber: number };

/**
 * Reads the ledger's rows in batches by id (keyset pagination), so 100,000 items and a million
 * events stream through with bounded memory on PostgreSQL and PGlite alike.
 */
export function createLedgerRepository({ db }: { db: DbOrTx }) {
  function itemConditions(filter: LedgerFilter, input: { now: Date; monthRange: [Date, Date] | null }): SQL[] {
    const c: SQL[] = [sql`${items.codeNumber} is not null`, inArray(items.status, ['open', 'result_submitted', 'closed', 'cancelled'])];
    if (filter.status === 'open') c.push(inArray(items.status, ['open', 'result_submitted']));
    if (filter.status === 'closed') c.push(eq(items.status, 'closed'));
    // An excused (容错) item no longer counts as overdue.
    if (filter.status === 'overdue')
      c.push(eq(items.status, 'open'), eq(items.excused, false), sql`${items.deadlineAt} < ${input.now.toISOString()}::timestamptz`);
    if (filter.level) c.push(eq(items.level, filter.level));
    if (input.monthRange) {
      c.push(
        sql`${items.openedAt} >= ${input.monthRange[0].toISOString()}::timestamptz and ${items.openedAt} < ${input.monthRange[1].toISOString()}::timestamptz`,
      );
    }
    if (filter.unitId !== undefined) {
      c.push(sql`exists (select 1 from ${itemUnits} iu where iu.item_id = ${items.id} and iu.unit_id = ${filter.unitId})`);
    }
    return c;
  }

  return {
    async *items(input: { filter: LedgerFilter; now: Date; monthRange: [Date, Date] | null; batchSize?: number }): AsyncGenerator<LedgerItem[]> {
      const conditions = itemConditions(input.filter, input);
      let after = 0;
      for (;;) {
        const rows = await db
          .select({ id: items.id, codeYear: items.codeYear, codeNumber: items.codeNumber, state: items.state, closedAt: items.closedAt })
          .from(items)
          .where(and(...conditions, gt(items.id, after)))
          .orderBy(asc(items.id))
          .limit(input.batchSize ?? 1000);
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.id;
        yield rows.map((r) => ({ id: r.id, codeYear: r.codeYear!, codeNumber: r.codeNumber!, state: deserializeState(r.state), closedAt: r.closedAt }));
      }
    },

    /** The history of the items the filter selects, oldest first. */
    async *events(input: { filter: LedgerFilter; now: Date; monthRange: [Date, Date] | null; batchSize?: number }): AsyncGenerator<LedgerEvent[]> {
      const conditions = itemConditions(input.filter, input);
      let after = 0;
      for (;;) {
        const rows = await db
          .select({
            id: itemEvents.id,
            itemId: itemEvents.itemId,
            type: itemEvents.type,
            at: itemEvents.at,
            actorId: itemEvents.actorId,
            unitId: itemEvents.unitId,
            data: itemEvents.data,
            codeYear: items.codeYear,
            codeNumber: items.codeNumber,
          })
          .from(itemEvents)
          .innerJoin(items, eq(items.id, itemEvents.itemId))
          .where(and(...conditions, gt(itemEvents.id, after)))
          .orderBy(asc(itemEvents.id))
          .limit(input.batchSize ?? 5000);
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.id;
        yield rows.map((r) => ({ ...r, codeYear: r.codeYear!, codeNumber: r.codeNumber! }));
      }
    },

    /** Nags (and escalations) each item's units received: the bulletin's own count. */
    async nagCounts(itemIds: number[]): Promise<Map<number, number>> {
      if (itemIds.length === 0) return new Map();
      const rows = await db
        .select({ itemId: reminders.itemId, n: sql<number>`count(*)::int` })
        .from(reminders)
        .where(and(inArray(reminders.itemId, itemIds), inArray(reminders.kind, [...NAG_KINDS])))
        .groupBy(reminders.itemId);
      return new Map(rows.map((r) => [r.itemId, Number(r.n)]));
    },

    /** Each item's latest progress report. */
    async lastProgress(itemIds: number[]): Promise<Map<number, { at: Date; unitId: number | null; text: string }>> {
      if (itemIds.length === 0) return new Map();
      const rows = await db
        .selectDistinctOn([itemEvents.itemId], { itemId: itemEvents.itemId, at: itemEvents.at, unitId: itemEvents.unitId, data: itemEvents.data })
        .from(itemEvents)
        .where(and(inArray(itemEvents.itemId, itemIds), eq(itemEvents.type, 'progress_reported')))
        .orderBy(itemEvents.itemId, sql`${itemEvents.id} desc`);
      return new Map(rows.map((r) => [r.itemId, { at: r.at, unitId: r.unitId, text: String((r.data as { text?: string }).text ?? '') }]));
    },
  };
}
