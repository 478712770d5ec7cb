import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/rows.js';

/**
 * How one chat is paced (Telegram: about 1 message a second per chat, at most 20 a minute to a
 * group; edits count like messages).
 */
export type ChatPaceRule = {
  /** Least time between two sends to the chat. */
  gapMs: number;
  /** At most this many sends in any `windowMs`; 0 = no window (private chats). */
  windowMax: number;
  windowMs: number;
};

/** The pacing part of the dispatcher's limits, which the handlers' direct replies share. */
export type PacingLimits = {
  /** Least time between two sends to one private chat (Telegram: about 1 a second). */
  privateGapMs: number;
  /** Least time between two sends to one group or channel (Telegram: about 1 a second per chat). */
  groupGapMs: number;
  /** At most this many sends to one group in any `groupWindowMs` (Telegram: 20 a minute); 0 = no window. */
  groupWindowMax: number;
  groupWindowMs: number;
};

/** The rule for one chat: groups and channels (negative ids) get the window, private chats a gap only. Null when nothing paces it. */
export function paceRuleFor(limits: PacingLimits, chatId: number): ChatPaceRule | null {
  const rule =
    chatId < 0
      ? { gapMs: limits.groupGapMs, windowMax: limits.groupWindowMax, windowMs: limits.groupWindowMs }
      : { gapMs: limits.privateGapMs, windowMax: 0, windowMs: 0 };
  return rule.gapMs > 0 || rule.windowMax > 0 ? rule : null;
}

// Raw SQL takes instants as ISO text and durations as milliseconds: drivers disagree on binding
// a Date or an interval, text and numbers they all bind the same way.
export const instant = (at: Date): SQL => sql`${at.toISOString()}::timestamptz`;
export const millis = (ms: number): SQL => sql`(${ms}::double precision * interval '1 millisecond')`;

/**
 * How far the writers' clocks may disagree (NTP keeps them far closer). A chat's as_of later
 * than now by more than this means the clock was set back since the row was written.
 */
export const CLOCK_SKEW_MS = 5_000;

/**
 * A pacing instant (`next_at`, a window entry) of a row written at `asOf`, read at `now`. When
 * the machine's clock has been set back since the row was written, everything in it lies ahead
 * by about the jump: read as it stands, it would hold the chat for the whole jump (an hour after
 * an hour's jump). So the row is read as if written just now: what was left of its gap, its
 * window and a 429's hold when it was written still holds, from now; the jump does not. (Time
 * that passed between the write and the jump counts again: safe, never too short.)
 *
 * Read this way, a stale row keeps its distance from now however long it is read: so it is
 * also written back as of now, once (the dispatcher's claim does it for every chat, every
 * statement that writes a chat's pacing stamps `as_of` too). Every statement that reads a
 * chat's pacing reads it through this.
 */
export function asOfNow(t: SQL, asOf: SQL, now: SQL): SQL {
  return sql`(case when ${asOf} > ${now} + ${millis(CLOCK_SKEW_MS)} then ${t} - (${asOf} - ${now}) else ${t} end)`;
}

/** A window ring read at `now` (see {@link asOfNow}); one shift for all, so its order stays. */
export function ringAsOfNow(ring: SQL, asOf: SQL, now: SQL): SQL {
  return sql`array(select ${asOfNow(sql`u.t`, asOf, now)} from unnest(${ring}) with ordinality as u(t, i) order by u.i)`;
}

/**
 * chat_send_state.recent_sends after a send: `ring` without one entry equal to `remove` (the
 * slot reserved for this send), with `add` (when it happened), newest first, cut to the
 * window's size. Entries older than the window need no pruning of their own: only the
 * `windowMax`-th newest entry matters (see {@link windowBound}), and the cut keeps the ring at
 * most that long.
 */
export function ringAfter(ring: SQL, add: SQL | null, remove: SQL | null, rule: ChatPaceRule): SQL {
  return sql`array(select x.t from (
      select u.t from unnest(${ring}) with ordinality as u(t, i)
      where u.i is distinct from array_position(${ring}, ${remove ?? sql`null::timestamptz`})
      ${add ? sql`union all select ${add}` : sql``}
    ) x order by x.t desc limit ${rule.windowMax}::int)`;
}

/**
 * The earliest instant one more send keeps every window within `windowMax`: the `windowMax`-th
 * newest send + the window. NULL (which greatest() ignores) while the ring is not full, and
 * always when there is no window (element 0 of a PostgreSQL array is NULL).
 */
export function windowBound(ring: SQL, rule: ChatPaceRule): SQL {
  return sql`((${ring})[${rule.windowMax}::int] + ${millis(rule.windowMs)})`;
}

/**
 * Records a send to a chat (when Telegram answered) in the chat's shared pacing: the slot
 * reserved for it (if any) is replaced by the real instant, and the chat's next send may not
 * start before `sentAt + gap` nor break the window. A statement of its own, or a CTE of a
 * larger one (markSent). `clearForbidden`: the chat takes our messages again.
 */
export function settleSql(input: { chatId: number; reservedAt: Date | null; sentAt: Date; rule: ChatPaceRule; clearForbidden?: boolean }): SQL {
  const { rule } = input;
  const sent = instant(input.sentAt);
  const ring = ringAfter(ringAsOfNow(sql`s.recent_sends`, sql`s.as_of`, sent), sent, input.reservedAt ? instant(input.reservedAt) : null, rule);
  return sql`insert into chat_send_state as s (chat_id, next_at, recent_sends, as_of)
    values (${input.chatId}::bigint, ${sent} + ${millis(rule.gapMs)}, ${ringAfter(sql`'{}'::timestamptz[]`, sent, null, rule)}, ${sent})
    on conflict (chat_id) do update set
      recent_sends = ${ring},
      as_of = ${sent},
      next_at = greatest(${asOfNow(sql`s.next_at`, sql`s.as_of`, sent)}, excluded.next_at, ${windowBound(ring, rule)})${
        input.clearForbidden ? sql`, forbidden_at = null, forbidden_reason = null` : sql``
      }`;
}

/** What {@link reserveSlotCtes} gives back, as the drivers read it. */
export type SlotRow = { at: string | Date | null; before: string | Date | null; after: string | Date | null };

export const slotOf = (row: SlotRow | undefined): ChatSlot | null =>
  row?.at && row.before && row.after ? { at: new Date(row.at), nextAtBefore: new Date(row.before), nextAtAfter: new Date(row.after) } : null;

/**
 * The CTEs (without `with`) that take a chat's next slot at or after `now`, ending in
 * `pace_slot_taken (at, before, after)`: one row, or none when another sender made the chat's
 * row in the same instant (run it again). `now` may name a column of `source`, an earlier CTE
 * (the dispatcher takes the global slot first, then the chat's at that slot's time); without a
 * row in `source` nothing is taken.
 *
 * The FOR UPDATE CTE waits for any other sender's reservation of this chat and reads the row as
 * it left it; the update then works from those values. A chat never paced before gets its row
 * with the slot at `now`.
 */
export function reserveSlotCtes(input: { chatId: number; rule: ChatPaceRule; now: SQL; clockNow?: SQL; source?: SQL; maxWaitMs?: number }): SQL {
  const { rule, now } = input;
  const from = input.source ? sql`, ${input.source}` : sql``;
  const latest = input.maxWaitMs === undefined ? sql`null::timestamptz` : sql`${now} + ${millis(input.maxWaitMs)}`;
  const ring = ringAfter(sql`pace_slot.r`, sql`pace_slot.at`, null, rule);
  const gap = millis(rule.gapMs);
  const at = sql`date_trunc('milliseconds', ${now})`;
  // Read as of the clock's now (asOfNow: the clock may have been set back since the row was
  // written); the reservation writes the values back as of now.
  const clockNow = input.clockNow ?? now;
  return sql`pace_row as (
      select chat_id, next_at, recent_sends, as_of from chat_send_state where chat_id = ${input.chatId}::bigint for update
    ), pace_cur as (
      select chat_id, ${asOfNow(sql`next_at`, sql`as_of`, clockNow)} as next_at, ${ringAsOfNow(sql`recent_sends`, sql`as_of`, clockNow)} as r from pace_row${from}
    ), pace_slot as (
      select chat_id, next_at, r, date_trunc('milliseconds', least(greatest(${now}, next_at, ${windowBound(sql`r`, rule)}), ${latest})) as at from pace_cur${from}
    ), pace_reserved as (
      update chat_send_state s set recent_sends = ${ring}, as_of = ${clockNow}, next_at = greatest(pace_slot.next_at, pace_slot.at + ${gap}, ${windowBound(ring, rule)})
      from pace_slot where s.chat_id = pace_slot.chat_id
      returning pace_slot.at as at, pace_slot.next_at as before, s.next_at as after
    ), pace_created as (
      insert into chat_send_state (chat_id, next_at, recent_sends, as_of)
      select ${input.chatId}::bigint, ${at} + ${gap}, ${ringAfter(sql`'{}'::timestamptz[]`, at, null, rule)}, ${clockNow}${input.source ? sql` from ${input.source}` : sql``}
      where not exists (select 1 from pace_row)
      on conflict (chat_id) do nothing
      returning next_at - ${gap} as at, next_at - ${gap} as before, next_at as after
    ), pace_slot_taken as (
      select at, before, after from pace_reserved union all select at, before, after from pace_created
    )`;
}

/** Holds a chat until `until` (a 429, a retry's backoff): nobody sends to it before. A statement of its own, or a CTE. */
export function holdSql(input: { chatId: number; until: Date; now: Date }): SQL {
  const now = instant(input.now);
  return sql`insert into chat_send_state as s (chat_id, next_at, as_of) values (${input.chatId}::bigint, ${instant(input.until)}, ${now})
    on conflict (chat_id) do update set
      recent_sends = ${ringAsOfNow(sql`s.recent_sends`, sql`s.as_of`, now)},
      next_at = greatest(${asOfNow(sql`s.next_at`, sql`s.as_of`, now)}, excluded.next_at),
      as_of = ${now}`;
}

/** A reserved slot: when the send may start, and the chat's next_at before and after the reservation (for {@link ChatPacingRepository.release}). */
export type ChatSlot = { at: Date; nextAtBefore: Date; nextAtAfter: Date };

/**
 * The per-chat pacing that every sender shares through chat_send_state: the outbox dispatchers
 * (all instances) and the handlers' direct replies (see direct-pacing.ts).
 *
 * A send goes: reserve (a slot in the chat's window, the chat held until slot + gap, so that no
 * other sender goes in between) -> wait for the slot -> send -> settle (the real instant
 * replaces the slot) or release (Telegram refused it: it counts for nothing).
 * Reserved slots sit in the window like sends: two senders reserving at once cannot both take
 * the 20th place of a minute.
 */
export function createChatPacingRepository({ db }: { db: Db }) {
  return {
    /**
     * Takes the chat's next slot at or after `now` and returns it: not before the chat's hold
     * (gap, window, 429) and, when `maxWaitMs` is given, not later than now + maxWaitMs (the
     * slot then counts in the window all the same).
     */
    async reserve(input: { chatId: number; now: Date; rule: ChatPaceRule; maxWaitMs?: number }): Promise<ChatSlot> {
      const now = instant(input.now);
      const ctes = reserveSlotCtes({ chatId: input.chatId, rule: input.rule, now, ...(input.maxWaitMs !== undefined ? { maxWaitMs: input.maxWaitMs } : {}) });
      for (let attempt = 0; attempt < 3; attempt++) {
        const [row] = rowsOf<SlotRow>(await db.execute(sql`with ${ctes} select at, before, after from pace_slot_taken`));
        if (row) return slotOf(row)!;
      }
      throw new Error(`no slot could be reserved for chat ${input.chatId}`);
    },

    /** Telegram said 429 to a send to this chat: no sender may send to it before `until`. */
    async hold(input: { chatId: number; until: Date; now: Date }): Promise<void> {
      await db.execute(holdSql(input));
    },

    /** The reserved send went out: `sentAt` (when Telegram answered) takes the slot's place. */
    async settle(input: { chatId: number; reservedAt: Date | null; sentAt: Date; rule: ChatPaceRule }): Promise<void> {
      await db.execute(settleSql(input));
    },

    /**
     * The reserved send did not happen (Telegram refused it, or it was given back before the
     * wire): its slot leaves the window. The chat stays held a gap after the slot, but the hold
     * that the slot's place in the window added goes, unless another sender has moved next_at
     * since (then it stays: too long a hold is safe, too short is not).
     */
    async release(input: { chatId: number; slot: ChatSlot; rule: ChatPaceRule }): Promise<void> {
      const { slot, rule } = input;
      const ring = ringAfter(sql`recent_sends`, null, instant(slot.at), rule);
      await db.execute(sql`
        update chat_send_state set
          recent_sends = ${ring},
          next_at = case when date_trunc('milliseconds', next_at) = ${instant(slot.nextAtAfter)}
            then greatest(${instant(slot.nextAtBefore)}, ${instant(slot.at)} + ${millis(rule.gapMs)}, ${windowBound(ring, rule)})
            else next_at end
        where chat_id = ${input.chatId}::bigint`);
    },
  };
}

export type ChatPacingRepository = ReturnType<typeof createChatPacingRepository>;
