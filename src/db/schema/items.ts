import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One supervised item. `state` is the pure state machine's snapshot (items/model/); the other
 * columns are copied from it on every change so that sweeps, lists and the ledger can query
 * without reading JSON. `version` guards against lost updates.
 */
export const items = pgTable(
  'items',
  {
    id: serial('id').primaryKey(),
    /** The code 督办〔year〕number号, given on confirm, gap-free per year. */
    codeYear: integer('code_year'),
    codeNumber: integer('code_number'),
    status: text('status').notNull(),
    level: text('level').notNull(),
    instruction: text('instruction').notNull(),
    issuedBy: bigint('issued_by', { mode: 'number' }).notNull(),
    draftedBy: bigint('drafted_by', { mode: 'number' }).notNull(),
    leaderInCharge: bigint('leader_in_charge', { mode: 'number' }),
    /** YYYY-MM-DD in the organisation's timezone; text, not `date`, to keep it free of zone shifts. */
    deadline: text('deadline'),
    deadlineTime: text('deadline_time'),
    /** The instant the deadline passes (end of the deadline day, or its time, in the timezone). */
    deadlineAt: ts('deadline_at'),
    originalDeadline: text('original_deadline'),
    /** The draft's deadline came from the level's default, not from the instruction. */
    deadlineDefaulted: boolean('deadline_defaulted').notNull().default(false),
    /** What the draft card still asks about: unknown unit names (with suggestions) and parser warnings. */
    draftNotes: jsonb('draft_notes'),
    extensionCount: integer('extension_count').notNull().default(0),
    returnCount: integer('return_count').notNull().default(0),
    excused: boolean('excused').notNull().default(false),
    /** Where the instruction was given: the replied-to message, or the /assign message itself. */
    sourceChatId: bigint('source_chat_id', { mode: 'number' }).notNull(),
    sourceThreadId: integer('source_thread_id').notNull().default(0),
    sourceMessageId: integer('source_message_id'),
    /** The draft card, edited in place while the leader adjusts it. */
    draftMessageId: integer('draft_message_id'),
    openedAt: ts('opened_at'),
    resultSubmittedAt: ts('result_submitted_at'),
    closedAt: ts('closed_at'),
    /** When the pending extension request was made (copied from the state), or null: the digest's queue of decisions. */
    extensionRequestedAt: ts('extension_requested_at'),
    /**
     * When the reminder sweep must look at this item next (a warning, a nag or an escalation falls
     * due), or null when nothing can fall due. The sweep reads only rows whose time has come, so
     * its cost follows the due items, not the open ones.
     */
    nextCheckAt: ts('next_check_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: integer('version').notNull(),
    state: jsonb('state').notNull(),
    /*
     * Read from `state` by PostgreSQL itself (generated, stored), for the daily digest and the
     * item_tallies triggers, which count per unit without joining item_units. `lead_unit` is the
     * first lead unit; `lead_count` says when there are more (共同牵头), which the digest then
     * reads from item_units; `unacked_units` are the units on the item that have not acknowledged.
     */
    leadUnit: integer('lead_unit').generatedAlwaysAs(
      sql`(jsonb_path_query_first(state, '$.units[*] ? (@.role == "lead" && @.removedAt == null).unitId'))::integer`,
    ),
    leadCount: integer('lead_count').generatedAlwaysAs(
      sql`jsonb_array_length(jsonb_path_query_array(state, '$.units[*] ? (@.role == "lead" && @.removedAt == null)'))`,
    ),
    unackedUnits: jsonb('unacked_units').generatedAlwaysAs(
      sql`jsonb_path_query_array(state, '$.units[*] ? (@.acknowledgedAt == null && @.removedAt == null).unitId')`,
    ),
    unackedCount: integer('unacked_count').generatedAlwaysAs(
      sql`jsonb_array_length(jsonb_path_query_array(state, '$.units[*] ? (@.acknowledgedAt == null && @.removedAt == null)'))`,
    ),
    /*
     * 时间节点 not reported yet, and coordination requests (逐级协调) not resolved yet: the digests
     * list the overdue milestones and the open requests through the partial indexes below, which
     * hold only the few items that have any, instead of reading every open item's state.
     */
    milestonesPending: integer('milestones_pending').generatedAlwaysAs(
      sql`jsonb_array_length(jsonb_path_query_array(state, '$.milestones[*] ? (!(exists(@.done)) || @.done == null)'))`,
    ),
    openCoordinations: integer('open_coordinations').generatedAlwaysAs(
      sql`jsonb_array_length(jsonb_path_query_array(state, '$.coordinations[*] ? (@.resolved == null)'))`,
    ),
  },
  (t) => [
    index('items_next_check_idx').on(t.nextCheckAt).where(sql`${t.nextCheckAt} is not null`),
    uniqueIndex('items_code_unique').on(t.codeYear, t.codeNumber),
    index('items_status_deadline_idx').on(t.status, t.deadlineAt),
    // The digest: per unit the oldest overdue and waiting items, what opened or closed in its
    // window, and the extension requests.
    // The code and the deadline are in the key so that the listed items are read from the index alone.
    index('items_lead_overdue_idx')
      .on(t.leadUnit, t.deadlineAt, t.id, t.codeYear, t.codeNumber, t.deadline)
      .where(sql`${t.status} = 'open' and not ${t.excused}`),
    index('items_waiting_idx').on(t.resultSubmittedAt, t.id).where(sql`${t.status} = 'result_submitted'`),
    index('items_due_idx').on(t.deadlineAt, t.id).where(sql`${t.status} = 'open'`),
    // The leaders digest's deadline counts (overdue, severe, excused, due soon) per lead unit: an
    // index-only range scan over the items whose deadline is near or past, never the later ones.
    index('items_open_deadline_lead_idx').on(t.deadlineAt, t.leadUnit, t.excused).where(sql`${t.status} = 'open' and ${t.codeNumber} is not null`),
    index('items_lead_waiting_idx').on(t.leadUnit, t.resultSubmittedAt, t.id).where(sql`${t.status} = 'result_submitted'`),
    // With the columns the digest counts by, so that counting what opened or closed in its
    // window reads these indexes alone.
    index('items_opened_at_idx').on(t.openedAt, t.leadUnit, t.status, t.codeNumber),
    index('items_closed_at_idx').on(t.closedAt, t.leadUnit, t.status, t.codeNumber),
    index('items_multi_lead_idx').on(t.id).where(sql`${t.leadCount} > 1 and ${t.status} in ('open', 'result_submitted', 'closed')`),
    // code_number in the predicate: the digest counts the requests from this index alone.
    index('items_pending_extension_idx')
      .on(t.extensionRequestedAt, t.id)
      .where(sql`${t.status} = 'open' and ${t.extensionRequestedAt} is not null and ${t.codeNumber} is not null`),
    // /list mine: the items a leader issued or is in charge of, beside those of the person's units
    // (item_units): three index scans OR-ed, instead of reading every open item.
    index('items_issued_by_idx').on(t.issuedBy, t.id).where(sql`${t.status} in ('open', 'result_submitted')`),
    index('items_leader_in_charge_idx').on(t.leaderInCharge, t.id).where(sql`${t.status} in ('open', 'result_submitted') and ${t.leaderInCharge} is not null`),
    index('items_milestones_pending_idx').on(t.id).where(sql`${t.status} = 'open' and ${t.milestonesPending} > 0`),
    index('items_open_coordinations_idx').on(t.id).where(sql`${t.status} in ('open', 'result_submitted') and ${t.openCoordinations} > 0`),
    check('items_deadline_format', sql`${t.deadline} is null or ${t.deadline} ~ '^\\d{4}-\\d{2}-\\d{2}$'`),
  ],
);

/** The units currently on an item (lead or cooperating), copied from the state for queries. */
export const itemUnits = pgTable(
  'item_units',
  {
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id').notNull(),
    role: text('role').notNull(),
    assignedAt: ts('assigned_at'),
    acknowledgedAt: ts('acknowledged_at'),
    lastProgressAt: ts('last_progress_at'),
    contributionAt: ts('contribution_at'),
    /**
     * The item is open (its status, copied on every save): the digest lists a unit's oldest
     * unacknowledged open items through the index below, which so never holds the units that
     * did not acknowledge items long closed.
     */
    itemOpen: boolean('item_open').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.unitId] }),
    index('item_units_unit_idx').on(t.unitId),
    // The digest: per unit the units' oldest unacknowledged assignments.
    index('item_units_unacked_idx').on(t.unitId, t.assignedAt, t.itemId).where(sql`${t.acknowledgedAt} is null and ${t.itemOpen}`),
  ],
);

/** The append-only history: who, when, what. A trigger refuses UPDATE and DELETE. */
export const itemEvents = pgTable(
  'item_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    type: text('type').notNull(),
    at: ts('at').notNull(),
    actorId: bigint('actor_id', { mode: 'number' }).notNull(),
    unitId: integer('unit_id'),
    data: jsonb('data').notNull(),
  },
  (t) => [index('item_events_item_idx').on(t.itemId, t.id), index('item_events_at_idx').on(t.at, t.type, t.unitId)],
);

/** Gap-free numbering per year: incremented in the confirming transaction. */
export const itemCodeCounters = pgTable('item_code_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

/**
 * Running counts of the open items for the leaders digest, kept by statement triggers on `items`
 * (drizzle/0007_item_tallies_triggers.sql) so that the digest never scans the items to count
 * them. kind 1: items per first lead unit (0: none), status (open | result_submitted) and
 * whether some unit has not acknowledged; kind 2: open items a unit (any role) has not
 * acknowledged (status 'open', unacked true). Rows are deltas, appended without locking
 * (concurrent writers never wait on each other); a reader sums them per key and folds them
 * (see foldTallies in digests.repository.ts). Counts that depend on the time of reading
 * (overdue, due soon) are in itemDeadlineTallies and itemDeadlineSummary.
 */
export const itemTallies = pgTable('item_tallies', {
  kind: smallint('kind').notNull(),
  unitId: integer('unit_id').notNull(),
  status: text('status').notNull(),
  unacked: boolean('unacked').notNull(),
  n: integer('n').notNull(),
});

/**
 * The open items' deadlines per first lead unit (0: none) and excused flag, for the counts of the
 * leaders digest that depend on the time of reading (overdue, severely overdue, excused, due
 * soon). Kept like item_tallies by the statement triggers on `items` (drizzle/0015): these rows
 * are deltas (+1/-1 per deadline), appended without locking; a fold moves them into
 * itemDeadlineSummary.
 */
export const itemDeadlineTallies = pgTable('item_deadline_tallies', {
  unitId: integer('unit_id').notNull(),
  excused: boolean('excused').notNull(),
  deadlineAt: ts('deadline_at').notNull(),
  n: integer('n').notNull(),
});

/**
 * The folded deadlines: per unit and excused flag, the distinct deadlines in order and the running
 * number of open items due up to each (cumulative). The number due before any moment is then one
 * binary search (width_bucket) per row, whatever the number of items: the digest reads at most two
 * rows per unit plus the deltas appended since the last fold.
 */
export const itemDeadlineSummary = pgTable('item_deadline_summary', {
  unitId: integer('unit_id').notNull(),
  excused: boolean('excused').notNull(),
  deadlines: ts('deadlines').array().notNull(),
  counts: integer('counts').array().notNull(),
});

/** Messages the bot sent about an item (cards, prompts), so replies to them find the item. */
export const itemMessages = pgTable(
  'item_messages',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    messageId: integer('message_id').notNull(),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    /** card | draft | response | prompt:<action> */
    purpose: text('purpose').notNull(),
    /** For a unit's card: the unit it was addressed to. */
    unitId: integer('unit_id'),
    /** For a prompt: who must answer it. */
    personId: bigint('person_id', { mode: 'number' }),
    createdAt: ts('created_at').notNull(),
    /**
     * A living card (see src/notifications/cards.ts): who it is rendered for, in which language,
     * the notice above the card (HTML, may be empty), and the hash of the render last planned for
     * it, so an unchanged card is never edited. Null audience: not a living card (drafts, prompts).
     */
    threadId: integer('thread_id').notNull().default(0),
    audience: text('audience'),
    locale: text('locale'),
    headline: text('headline'),
    /** A notice with live buttons (escalation): rendered without the card's body. */
    compact: boolean('compact').notNull().default(false),
    /** The item's status when the headline was written: shown while the item is still in it. */
    headlineStatus: text('headline_status'),
    renderedHash: text('rendered_hash'),
    /** When the last edit of this card was sent (edits of one message are spaced, see cards.ts). */
    editedAt: ts('edited_at'),
    /** Telegram said the message can no longer be edited (deleted, too old, chat gone). */
    goneAt: ts('gone_at'),
  },
  (t) => [
    primaryKey({ columns: [t.chatId, t.messageId] }),
    index('item_messages_item_idx').on(t.itemId),
    index('item_messages_live_idx').on(t.itemId).where(sql`${t.audience} is not null and ${t.goneAt} is null`),
  ],
);
