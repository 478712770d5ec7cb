import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { chatSendState, itemMessages, outbox } from '../db/schema/index.js';
import type { Clock } from '../shared/clock.js';

export type OutboxMethod = 'sendMessage' | 'sendDocument' | 'sendPhoto';

/** A message to plan. `key` makes planning idempotent: (item, kind, slot). */
export type OutboxMessage = {
  key: string;
  chatId: number;
  threadId?: number;
  method?: OutboxMethod;
  payload: Record<string, unknown>;
  itemId?: number | null;
  unitId?: number | null;
  purpose: string;
  /** Said instead when the chat refuses us with 403 (e.g. an @mention in the unit's group). */
  fallback?: { chatId: number; threadId?: number; text: string } | null;
  notBefore?: Date;
};

export type OutboxRow = typeof outbox.$inferSelect;

/** Purposes whose sent message is remembered per item, so that replies to it find the item. */
const TRACKED_PURPOSES = new Set(['card', 'unit_card', 'response', 'draft']);

export function createOutboxRepository({ db, clock }: { db: DbOrTx; clock: Clock }) {
  return {
    /** Plans messages; a key planned before is skipped. Returns how many rows were new. */
    async enqueue(messages: OutboxMessage[]): Promise<number> {
      if (messages.length === 0) return 0;
      const now = clock.now();
      const rows = await db
        .insert(outbox)
        .values(
          messages.map((m) => ({
            key: m.key,
            chatId: m.chatId,
            threadId: m.threadId ?? 0,
            method: m.method ?? 'sendMessage',
            payload: m.payload,
            itemId: m.itemId ?? null,
            unitId: m.unitId ?? null,
            purpose: m.purpose,
            fallback: m.fallback ?? null,
            notBefore: m.notBefore ?? now,
            createdAt: now,
          })),
        )
        .onConflictDoNothing({ target: outbox.key })
        .returning({ id: outbox.id });
      return rows.length;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

/**
 * The dispatcher's side of the outbox. Its clock is the dispatcher's own (real time in
 * production): pacing and retry waits are about Telegram's time, not the business calendar.
 */
export function createOutboxDispatchRepository({ db }: { db: DbOrTx }) {
  return {
    /**
     * Claims up to `limit` due rows: pending ones whose time has come, and 'sending' ones whose
     * lease ran out (their dispatcher died between claim and send). SKIP LOCKED lets several
     * dispatchers claim side by side without taking the same row.
     */
    async claim(input: { now: Date; limit: number; leaseMs: number; owner: string }): Promise<OutboxRow[]> {
      // Raw SQL takes instants as ISO text: drivers disagree on binding a Date here.
      const now = input.now.toISOString();
      const until = new Date(input.now.getTime() + input.leaseMs).toISOString();
      const result = await db.execute(sql`
        with due as (
          select o.id from ${outbox} o
          where o.status in ('pending', 'sending')
            and (o.status = 'pending' or o.claimed_until < ${now}::timestamptz)
            and o.not_before <= ${now}::timestamptz
            and not exists (
              select 1 from ${chatSendState} c
              where c.chat_id = o.chat_id and (c.next_at > ${now}::timestamptz + interval '2 seconds')
            )
          order by o.id
          limit ${input.limit}
          for update of o skip locked
        )
        update ${outbox} set status = 'sending', claimed_until = ${until}::timestamptz, claimed_by = ${input.owner}, attempts = ${outbox.attempts} + 1
        from due where ${outbox.id} = due.id
        returning ${outbox.id} as id`);
      const ids = (result as unknown as { rows?: { id: string | number }[] }).rows ?? (result as unknown as { id: string | number }[]);
      if (ids.length === 0) return [];
      const rows = await db
        .select()
        .from(outbox)
        .where(sql`${outbox.id} in (${sql.join(ids.map((r) => sql`${Number(r.id)}`), sql`, `)})`)
        .orderBy(outbox.id);
      return rows;
    },

    /**
     * Reserves the next send slot for a chat: Telegram allows about one message a second per
     * chat (and 20 a minute per group). The row in chat_send_state is shared by all dispatchers,
     * so instances cannot together go faster than the limit. Returns when the send may happen.
     */
    async reserveSlot(input: { chatId: number; now: Date; gapMs: number }): Promise<Date> {
      const gap = `${input.gapMs} milliseconds`;
      const now = input.now.toISOString();
      const result = await db.execute(sql`
        insert into ${chatSendState} (chat_id, next_at) values (${input.chatId}, ${now}::timestamptz + ${gap}::interval)
        on conflict (chat_id) do update set next_at = greatest(${chatSendState.nextAt}, ${now}::timestamptz) + ${gap}::interval
        returning next_at`);
      const rows = (result as unknown as { rows?: { next_at: string | Date }[] }).rows ?? (result as unknown as { next_at: string | Date }[]);
      return new Date(new Date(rows[0]!.next_at).getTime() - input.gapMs);
    },

    /** After a 429: nothing goes to this chat before `until`. */
    async holdChat(input: { chatId: number; until: Date }): Promise<void> {
      await db
        .insert(chatSendState)
        .values({ chatId: input.chatId, nextAt: input.until })
        .onConflictDoUpdate({ target: chatSendState.chatId, set: { nextAt: sql`greatest(${chatSendState.nextAt}, ${input.until})` } });
    },

    async markForbidden(input: { chatId: number; at: Date; reason: string }): Promise<void> {
      await db
        .insert(chatSendState)
        .values({ chatId: input.chatId, nextAt: input.at, forbiddenAt: input.at, forbiddenReason: input.reason })
        .onConflictDoUpdate({ target: chatSendState.chatId, set: { forbiddenAt: input.at, forbiddenReason: input.reason } });
    },

    async markSent(input: { row: OutboxRow; at: Date; messageId: number | null }): Promise<void> {
      await db
        .update(outbox)
        .set({ status: 'sent', sentAt: input.at, messageId: input.messageId, claimedUntil: null, lastError: null })
        .where(eq(outbox.id, input.row.id));
      if (input.messageId !== null && input.row.itemId !== null && TRACKED_PURPOSES.has(input.row.purpose)) {
        await db
          .insert(itemMessages)
          .values({
            chatId: input.row.chatId,
            messageId: input.messageId,
            itemId: input.row.itemId,
            purpose: input.row.purpose,
            unitId: input.row.unitId,
            createdAt: input.at,
          })
          .onConflictDoNothing();
      }
    },

    /** Puts a claimed row back to wait (429, 5xx, network error). `countAttempt: false` undoes the claim's count. */
    async retryLater(input: { id: number; notBefore: Date; error: string; countAttempt: boolean }): Promise<void> {
      await db
        .update(outbox)
        .set({
          status: 'pending',
          notBefore: input.notBefore,
          claimedUntil: null,
          lastError: input.error,
          ...(input.countAttempt ? {} : { attempts: sql`${outbox.attempts} - 1` }),
        })
        .where(and(eq(outbox.id, input.id), eq(outbox.status, 'sending')));
    },

    async markFailed(input: { id: number; error: string }): Promise<void> {
      await db.update(outbox).set({ status: 'failed', claimedUntil: null, lastError: input.error }).where(eq(outbox.id, input.id));
    },

    /** The earliest time anything is due (for the dispatcher's sleep), or null when nothing is pending. */
    async nextDueAt(): Promise<Date | null> {
      const [row] = await db
        .select({ at: sql<string | Date | null>`min(case when ${outbox.status} = 'pending' then ${outbox.notBefore} else ${outbox.claimedUntil} end)` })
        .from(outbox)
        .where(sql`${outbox.status} in ('pending', 'sending')`);
      return row?.at ? new Date(row.at) : null;
    },
  };
}

export type OutboxDispatchRepository = ReturnType<typeof createOutboxDispatchRepository>;
