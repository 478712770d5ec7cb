import { NO_PREVIEW } from '../shared/html.js';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { chatSendState, itemMessages, outbox } from '../db/schema/index.js';
import type { Clock } from '../shared/clock.js';
import { redactTokenShapes, type Redact } from '../shared/redact.js';
import {
  asOfNow,
  CLOCK_SKEW_MS,
  holdSql,
  instant,
  millis,
  reserveSlotCtes,
  ringAsOfNow,
  settleSql,
  slotOf,
  type ChatPaceRule,
  type ChatSlot,
} from './pacing.repository.js';

export type OutboxMethod = 'sendMessage' | 'sendDocument' | 'sendPhoto' | 'editMessageText';

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
  fallback?: OutboxFallback | null;
  notBefore?: Date;
  /** A living card (src/notifications/cards.ts): recorded in item_messages once sent. */
  card?: { audience: string; locale: string; headline: string; hash: string; compact?: boolean; headlineStatus?: string | null } | null;
  /** For editMessageText: the message edited (pending edits of one message coalesce). */
  editMessageId?: number | null;
};

/** `reply_markup`: buttons the fallback keeps (a coordination request still needs its 已协调 / 转交). */
export type OutboxFallback = { chatId: number; threadId?: number; text: string; reply_markup?: unknown };

export type OutboxRow = typeof outbox.$inferSelect;

/**
 * Purposes whose sent message is remembered per item, so that replies to it find the item: its
 * cards, the notices about it (progress, contribution, extension, response...), its attachments
 * and the reminders about it (reminder_<kind>). A fallback (a note to the leaders that a unit
 * could not be reached) is not about the item's work and is not tracked.
 */
const TRACKED_PURPOSES = new Set(['card', 'unit_card', 'response', 'draft', 'notice', 'attachment', 'bundle', 'coordination']);
const isTracked = (purpose: string) => TRACKED_PURPOSES.has(purpose) || purpose.startsWith('reminder_');

/**
 * The row of chat_send_state that paces all chats together (Telegram's ~30 messages a second
 * per bot). No Telegram chat has id 0.
 */
export const GLOBAL_SLOT_CHAT_ID = 0;

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
            card: m.card ?? null,
            editMessageId: m.editMessageId ?? null,
          })),
        )
        .onConflictDoNothing({ target: outbox.key })
        .returning({ id: outbox.id });
      return rows.length;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

/** What {@link OutboxDispatchRepository.markSent} found: ours, re-claimed by another dispatcher, or already done. */
export type MarkSentOutcome = 'sent' | 'reclaimed' | 'already_done';

/** What the outbox holds, for deciding how long to wait. */
export type OutboxOutlook = {
  /** Pending rows whose time has come (whether or not their chat is on hold). */
  due: number;
  /** Rows some dispatcher has claimed and not finished. */
  inFlight: number;
  /** The earliest time a row may become claimable: a time, a chat's hold or a lease running out. */
  nextAt: Date | null;
};

const toDate = (value: string | Date | null | undefined): Date | null => (value === null || value === undefined ? null : new Date(value));

/**
 * The dispatcher's side of the outbox. Every instant it takes comes from the dispatcher's clock
 * (real time in production): pacing and retry waits are about Telegram's time, not the business
 * calendar. Several dispatchers (processes) may share one database; the statements below are what
 * keeps them from sending a row twice, out of order, or faster than Telegram allows.
 *
 * The rules, enforced in SQL:
 * - a row is claimable when it is due (pending with not_before come, or 'sending' with its lease
 *   run out), its chat is not on hold (chat_send_state.next_at), and it is its chat's head: no
 *   earlier row of that chat is in flight or due. So at most one row per chat is in flight across
 *   all dispatchers, and a chat's rows leave in id order;
 * - every state change after the claim is conditional on still owning the row (status 'sending'
 *   and claimed_by), except "sent", which is a fact whoever learns it.
 *
 * Every error text it stores (last_error, forbidden_reason) goes through `redact` first: a
 * network error's message holds the request URL, and with it the bot token. The dispatcher
 * passes a redaction that knows its token; without one, any `bot<id>:<secret>` shape goes.
 */
export function createOutboxDispatchRepository({ db, redact = redactTokenShapes }: { db: Db; redact?: Redact }) {
  const clean = (error: string | null | undefined): string | null => (error === null || error === undefined ? null : redact(error));
  return {
    /**
     * Claims up to `limit` rows, at most one per chat (see the rules above), oldest first.
     * SKIP LOCKED lets dispatchers claim side by side; a row another claim has locked is skipped,
     * and so are the later rows of its chat (they are not heads in this statement's snapshot).
     */
    async claim(input: { now: Date; limit: number; leaseMs: number; owner: string }): Promise<OutboxRow[]> {
      const now = instant(input.now);
      const lease = millis(input.leaseMs);
      // After the clock was set back: a chat's pacing written by the old clock is rewritten as
      // of now, once (asOfNow: as if written just now, so a chat waits at most what was left of
      // its gap, window or hold when it was written, not the jump); a lease further ahead than a
      // lease ever reaches becomes a fresh lease from now (its holder, if alive, finishes well
      // within it), so the row waits one lease, not the jump; a row planned to go at once by the
      // old clock goes now. All three touch nothing while the clock only moves forward, and
      // none touches a row the claim below takes (those are due; these are not yet).
      const skew = millis(CLOCK_SKEW_MS);
      const result = await db.execute(sql`
        with stale_plans as (
          update outbox set not_before = ${now}
          where status = 'pending' and not_before > ${now} + ${skew} and created_at > ${now} + ${skew} and not_before <= created_at + ${skew}
        ), stale_pacing as (
          update chat_send_state set
            next_at = ${asOfNow(sql`next_at`, sql`as_of`, now)},
            recent_sends = ${ringAsOfNow(sql`recent_sends`, sql`as_of`, now)},
            as_of = ${now}
          where as_of > ${now} + ${skew}
        ), stale_leases as (
          update outbox set claimed_until = ${now} + ${lease}
          where status = 'sending' and claimed_until > ${now} + ${lease} + ${skew}
        ), due as materialized (
          select o.id from outbox o
          where ((o.status = 'pending' and o.not_before <= ${now}) or (o.status = 'sending' and o.claimed_until <= ${now}))
            and not exists (select 1 from chat_send_state c where c.chat_id = o.chat_id and ${asOfNow(sql`c.next_at`, sql`c.as_of`, now)} > ${now})
            and not exists (
              select 1 from outbox e
              where e.chat_id = o.chat_id and e.id < o.id and e.status in ('pending', 'sending')
                and (e.status = 'sending' or e.not_before <= ${now})
            )
          order by o.id
          limit ${input.limit}
          for update of o skip locked
        )
        update outbox set status = 'sending', claimed_until = ${now} + ${lease}, claimed_by = ${input.owner}, attempts = outbox.attempts + 1
        from due where outbox.id = due.id
        returning outbox.id`);
      const ids = rowsOf<{ id: string | number }>(result).map((r) => Number(r.id));
      if (ids.length === 0) return [];
      return db.select().from(outbox).where(inArray(outbox.id, ids)).orderBy(outbox.id);
    },

    /**
     * Right before a send: renews the lease (failing when the row is no longer ours: our lease
     * ran out and another dispatcher took it), when `globalGapMs` > 0 takes the next slot of the
     * global pace shared by all dispatchers, and with `chat` takes the chat's slot at that time
     * (see pacing.repository.ts). One statement: taking the chat's slot must not make the row
     * late for its global one. Returns when the send may start, until when the row is ours and
     * the chat's slot (null when another sender made the chat's row in the same instant: take
     * it apart), or null when the row is not ours any more.
     */
    async reserve(input: {
      id: number;
      owner: string;
      now: Date;
      leaseMs: number;
      globalGapMs: number;
      chat?: { chatId: number; rule: ChatPaceRule } | null;
    }): Promise<{ at: Date; leaseUntil: Date; chatSlot: ChatSlot | null } | null> {
      const leaseUntil = new Date(input.now.getTime() + input.leaseMs);
      const now = instant(input.now);
      const gap = millis(input.globalGapMs);
      const global =
        input.globalGapMs > 0
          ? sql`insert into chat_send_state as s (chat_id, next_at, as_of)
          select ${GLOBAL_SLOT_CHAT_ID}::bigint, ${now} + ${gap}, ${now} from lease
          on conflict (chat_id) do update set next_at = greatest(${asOfNow(sql`s.next_at`, sql`s.as_of`, now)}, ${now}) + ${gap}, as_of = ${now}
          returning s.next_at - ${gap} as at`
          : sql`select ${now} as at from lease`;
      const chat = input.chat ? reserveSlotCtes({ ...input.chat, now: sql`global_slot.at`, clockNow: now, source: sql`global_slot` }) : null;
      const result = await db.execute(sql`
        with lease as (
          update outbox set claimed_until = ${instant(leaseUntil)}
          where id = ${input.id} and status = 'sending' and claimed_by = ${input.owner}
          returning id
        ), global_slot as (
          ${global}
        )${chat ? sql`, ${chat}` : sql``}
        select global_slot.at${chat ? sql`, c.at as chat_at, c.before, c.after from global_slot left join pace_slot_taken c on true` : sql` from global_slot`}`);
      const [row] = rowsOf<{ at: string | Date; chat_at?: string | Date | null; before?: string | Date | null; after?: string | Date | null }>(result);
      if (!row) return null;
      return { at: new Date(row.at), leaseUntil, chatSlot: slotOf({ at: row.chat_at ?? null, before: row.before ?? null, after: row.after ?? null }) };
    },

    /**
     * The heartbeat of a send in flight: the row stays ours until `now + leaseMs`. Never shortens
     * a lease. Returns the lease's end, or null when the row is not ours any more (our lease ran
     * out and another dispatcher took it, or it is done).
     */
    async renew(input: { id: number; owner: string; now: Date; leaseMs: number }): Promise<Date | null> {
      const [row] = await db
        .update(outbox)
        .set({ claimedUntil: sql`greatest(${outbox.claimedUntil}, ${instant(new Date(input.now.getTime() + input.leaseMs))})` })
        .where(and(eq(outbox.id, input.id), eq(outbox.status, 'sending'), eq(outbox.claimedBy, input.owner)))
        .returning({ claimedUntil: outbox.claimedUntil });
      return row?.claimedUntil ?? null;
    },

    /**
     * Telegram accepted the row: marks it sent (whoever holds it now: a send is a fact), remembers
     * tracked messages per item, and paces the chat from now: the send takes the place of its
     * reserved slot (`reservedAt`) in the chat's window, and the chat's next send may not start
     * before `at + gap` nor break the window. One statement, so the three happen together or not
     * at all.
     */
    async markSent(input: {
      row: OutboxRow;
      owner: string;
      at: Date;
      messageId: number | null;
      pace: ChatPaceRule;
      reservedAt: Date | null;
    }): Promise<MarkSentOutcome> {
      const { row } = input;
      const card = row.card as { audience: string; locale: string; headline: string; hash: string; compact?: boolean; headlineStatus?: string | null } | null;
      const track = input.messageId !== null && row.itemId !== null && (card !== null || isTracked(row.purpose));
      const edited = row.editMessageId !== null;
      const result = await db.execute(sql`
        with sent as (
          update outbox set status = 'sent', sent_at = ${instant(input.at)}, message_id = ${input.messageId}::int, claimed_until = null, last_error = null
          where id = ${row.id} and status in ('pending', 'sending')
          returning id, claimed_by
        ), pace as (
          ${settleSql({ chatId: row.chatId, reservedAt: input.reservedAt, sentAt: input.at, rule: input.pace, clearForbidden: true })}
        )${
          track
            ? sql`, track as (
          insert into item_messages (chat_id, message_id, item_id, purpose, unit_id, created_at, thread_id, audience, locale, headline, rendered_hash, compact, headline_status)
          select ${row.chatId}::bigint, ${input.messageId}::int, ${row.itemId}::int, ${row.purpose}::text, ${row.unitId}::int, ${instant(input.at)},
            ${row.threadId}::int, ${card?.audience ?? null}::text, ${card?.locale ?? null}::text, ${card?.headline ?? null}::text, ${card?.hash ?? null}::text,
            ${card?.compact ?? false}::boolean, ${card?.headlineStatus ?? null}::text from sent
          on conflict do nothing
        )`
            : sql``
        }${
          edited
            ? sql`, edit as (
          update item_messages set edited_at = ${instant(input.at)}
          where chat_id = ${row.chatId}::bigint and message_id = ${row.editMessageId}::int and exists (select 1 from sent)
        )`
            : sql``
        }
        select claimed_by from sent`);
      const [sent] = rowsOf<{ claimed_by: string | null }>(result);
      if (!sent) return 'already_done';
      return sent.claimed_by === input.owner ? 'sent' : 'reclaimed';
    },

    /**
     * Gives a claimed row back to wait, and optionally holds its whole chat until `holdUntil`
     * (a 429's retry_after, or a retry's backoff: the chat's later rows must not overtake it).
     * `countAttempt: false` undoes the claim's count (a 429, a stop, a slot too far away).
     * Returns false when the row was not ours any more; the hold is applied either way.
     */
    async putBack(input: {
      row: OutboxRow;
      owner: string;
      holdUntil?: Date | null;
      error?: string | null;
      countAttempt: boolean;
      /** The dispatcher's clock, with `holdUntil` (the chat's pacing is written as of it). */
      now: Date;
    }): Promise<boolean> {
      const { row } = input;
      const hold = input.holdUntil
        ? sql`, hold as (
          ${holdSql({ chatId: row.chatId, until: input.holdUntil, now: input.now })}
        )`
        : sql``;
      const result = await db.execute(sql`
        with released as (
          update outbox set status = 'pending', claimed_until = null,
            last_error = coalesce(${clean(input.error)}::text, outbox.last_error),
            attempts = outbox.attempts - ${input.countAttempt ? 0 : 1}::int
          where id = ${row.id} and status = 'sending' and claimed_by = ${input.owner}
          returning id
        )${hold}
        select count(*)::int as n from released`);
      return (rowsOf<{ n: number }>(result)[0]?.n ?? 0) > 0;
    },

    /**
     * Fails a claimed row with its reason. With `refusedBy` (Telegram said 403: the bot was
     * blocked or removed) it also notes the refusal on the chat and plans the row's fallback, in
     * the same transaction: a crash cannot fail the row and lose what is said instead.
     * Returns false when the row was not ours any more (then nothing changes).
     */
    async fail(input: { row: OutboxRow; owner: string; error: string; now: Date; refusedBy?: boolean }): Promise<boolean> {
      const { row } = input;
      const error = clean(input.error);
      return db.transaction(async (tx) => {
        const failed = await tx
          .update(outbox)
          .set({ status: 'failed', claimedUntil: null, lastError: error })
          .where(and(eq(outbox.id, row.id), eq(outbox.status, 'sending'), eq(outbox.claimedBy, input.owner)))
          .returning({ id: outbox.id });
        if (failed.length === 0) return false;
        if (!input.refusedBy) return true;
        await tx
          .insert(chatSendState)
          .values({ chatId: row.chatId, nextAt: input.now, forbiddenAt: input.now, forbiddenReason: error })
          .onConflictDoUpdate({ target: chatSendState.chatId, set: { forbiddenAt: input.now, forbiddenReason: error } });
        const fallback = row.fallback as OutboxFallback | null;
        if (fallback && fallback.chatId !== row.chatId) {
          await createOutboxRepository({ db: tx, clock: { now: () => input.now } }).enqueue([
            {
              key: `${row.key}:fallback`,
              chatId: fallback.chatId,
              threadId: fallback.threadId ?? 0,
              payload: {
                text: fallback.text,
                ...NO_PREVIEW,
                ...(fallback.reply_markup ? { reply_markup: fallback.reply_markup } : {}),
              },
              itemId: row.itemId,
              unitId: row.unitId,
              purpose: `${row.purpose}_fallback`,
            },
          ]);
        }
        return true;
      });
    },

    /** When a card was last edited (by the dispatcher's clock), or null. */
    async lastEditAt(input: { chatId: number; messageId: number }): Promise<Date | null> {
      const [row] = await db
        .select({ editedAt: itemMessages.editedAt })
        .from(itemMessages)
        .where(and(eq(itemMessages.chatId, input.chatId), eq(itemMessages.messageId, input.messageId)));
      return row?.editedAt ?? null;
    },

    /**
     * Gives a claimed row back to wait until `until` without holding its chat (an edit spaced
     * from the card's last edit: the chat's other messages go meanwhile). The claim is not counted.
     */
    async defer(input: { row: OutboxRow; owner: string; until: Date }): Promise<boolean> {
      const released = await db
        .update(outbox)
        .set({ status: 'pending', claimedUntil: null, notBefore: input.until, attempts: sql`${outbox.attempts} - 1` })
        .where(and(eq(outbox.id, input.row.id), eq(outbox.status, 'sending'), eq(outbox.claimedBy, input.owner)))
        .returning({ id: outbox.id });
      return released.length > 0;
    },

    /**
     * Telegram will not edit a living card any more (deleted, too old, chat gone): the row is
     * done, the card is marked gone so no later change plans an edit of it, and, when `resend`
     * (the audience still has buttons to press), the same render is posted as a new card, which
     * is then the living one. One transaction.
     */
    async cardGone(input: { row: OutboxRow; owner: string; error: string; now: Date; resend: boolean }): Promise<boolean> {
      const { row } = input;
      return db.transaction(async (tx) => {
        const done = await tx
          .update(outbox)
          .set({ status: 'failed', claimedUntil: null, lastError: clean(input.error) })
          .where(and(eq(outbox.id, row.id), eq(outbox.status, 'sending'), eq(outbox.claimedBy, input.owner)))
          .returning({ id: outbox.id });
        if (done.length === 0) return false;
        const [card] = await tx
          .update(itemMessages)
          .set({ goneAt: input.now })
          .where(and(eq(itemMessages.chatId, row.chatId), eq(itemMessages.messageId, row.editMessageId ?? -1)))
          .returning();
        if (input.resend && card && card.audience !== null && row.itemId !== null) {
          const { message_id: _, ...payload } = row.payload as Record<string, unknown>;
          await createOutboxRepository({ db: tx, clock: { now: () => input.now } }).enqueue([
            {
              key: `${row.key}:resend`,
              chatId: row.chatId,
              threadId: card.threadId,
              payload,
              itemId: row.itemId,
              unitId: card.unitId,
              purpose: card.purpose,
              card: {
                audience: card.audience,
                locale: card.locale ?? 'zh',
                headline: card.headline ?? '',
                hash: card.renderedHash ?? '',
                compact: card.compact,
                headlineStatus: card.headlineStatus,
              },
            },
          ]);
        }
        return true;
      });
    },

    /**
     * How much is due and when the next row may become claimable. A chat whose head is in flight
     * contributes that row's lease end, not its waiting rows' times: they cannot go before it.
     */
    /** `leaseMs`: a lease further ahead than this was taken before the clock was set back; it ends a lease from now (see claim). */
    async outlook(input: { now: Date; leaseMs?: number }): Promise<OutboxOutlook> {
      const result = await db.execute(sql`
        select
          (select count(*) from outbox where status = 'pending' and not_before <= ${instant(input.now)})::int as due,
          (select count(*) from outbox where status = 'sending')::int as in_flight,
          (select min(t) from (
            -- Per chat, its earliest pending row, held by the chat's pacing (the same as each row
            -- held by it: greatest() with the chat's one next_at keeps the order), unless one of its
            -- rows is in flight. Grouped first, and the chats in flight hashed once: the rows per
            -- chat each looked up against every row in flight took time by the square of a backlog.
            select greatest(h.not_before, ${asOfNow(sql`c.next_at`, sql`c.as_of`, instant(input.now))}) as t
            from (select chat_id, min(not_before) as not_before from outbox where status = 'pending' group by chat_id) h
            left join chat_send_state c on c.chat_id = h.chat_id
            where h.chat_id not in (select chat_id from outbox where status = 'sending')
            union all
            select ${input.leaseMs === undefined ? sql`claimed_until` : sql`least(claimed_until, ${instant(input.now)} + ${millis(input.leaseMs)})`} from outbox where status = 'sending'
          ) waiting) as next_at`);
      const [row] = rowsOf<{ due: number; in_flight: number; next_at: string | Date | null }>(result);
      return { due: row?.due ?? 0, inFlight: row?.in_flight ?? 0, nextAt: toDate(row?.next_at) };
    },

    /**
     * For the operators' metrics: the rows due at `now` and not sent yet (claimed ones included),
     * and how long the oldest of them has been due. One range read of outbox_due_idx.
     */
    async backlog(input: { now: Date }): Promise<{ due: number; oldestAgeSeconds: number }> {
      const now = instant(input.now);
      const result = await db.execute(sql`
        select count(*)::int as due, coalesce(extract(epoch from (${now} - min(not_before))), 0)::float8 as age
        from outbox where status in ('pending', 'sending') and not_before <= ${now}`);
      const [row] = rowsOf<{ due: number; age: number }>(result);
      return { due: row?.due ?? 0, oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
    },
  };
}

export type OutboxDispatchRepository = ReturnType<typeof createOutboxDispatchRepository>;
