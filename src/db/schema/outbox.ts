import { bigint, bigserial, check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Messages to send, written in the same transaction as the state they report. `key` is the
 * idempotency key (item, kind, slot): planning the same message twice is a no-op.
 * A dispatcher claims due rows with FOR UPDATE SKIP LOCKED and a lease (`claimedUntil`), so a
 * dispatcher that dies between claim and send leaves a row another one picks up later.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull().unique(),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    threadId: integer('thread_id').notNull().default(0),
    /** sendMessage | sendDocument | sendPhoto */
    method: text('method').notNull().default('sendMessage'),
    /** The Bot API parameters other than chat_id / message_thread_id. */
    payload: jsonb('payload').notNull(),
    itemId: integer('item_id'),
    /** What the message is (card, response, warning, nag, escalation, digest ...). */
    purpose: text('purpose').notNull(),
    unitId: integer('unit_id'),
    /** When the chat refuses us (403): where to say it instead, e.g. an @mention in the unit group. */
    fallback: jsonb('fallback'),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    notBefore: ts('not_before').notNull(),
    claimedUntil: ts('claimed_until'),
    claimedBy: text('claimed_by'),
    sentAt: ts('sent_at'),
    messageId: integer('message_id'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    /**
     * A living card: { audience, locale, headline, hash } copied into item_messages once sent, so
     * later changes of the item re-render and edit it (src/notifications/cards.ts).
     */
    card: jsonb('card'),
    /** For an edit (method editMessageText): the message it edits; pending edits of one message coalesce. */
    editMessageId: integer('edit_message_id'),
  },
  (t) => [
    index('outbox_edit_idx').on(t.chatId, t.editMessageId).where(sql`${t.editMessageId} is not null and ${t.status} = 'pending'`),
    index('outbox_due_idx').on(t.notBefore, t.id).where(sql`${t.status} in ('pending', 'sending')`),
    index('outbox_item_idx').on(t.itemId),
    check('outbox_status_check', sql`${t.status} in ('pending', 'sending', 'sent', 'failed')`),
  ],
);

/**
 * Per-chat pacing shared by every dispatcher instance and the handlers' direct replies:
 * Telegram's per-chat limits and 429 waits.
 */
export const chatSendState = pgTable('chat_send_state', {
  chatId: bigint('chat_id', { mode: 'number' }).primaryKey(),
  /**
   * Earliest next send to this chat: the gap after the last send, the group's sliding window
   * (when `recent_sends` is full, its oldest entry + the window) or a 429's retry_after. The
   * claim query reads only this, so it stays one indexed lookup per chat.
   */
  nextAt: ts('next_at').notNull(),
  /**
   * A group's latest sends (and slots reserved for sends under way), newest first, at most
   * the window's size (20): the sliding window of Telegram's 20 messages a minute per group.
   * Empty for private chats, which only keep a gap.
   */
  recentSends: ts('recent_sends').array().notNull().default(sql`'{}'::timestamptz[]`),
  /**
   * The writer's clock when next_at and recent_sends were last written. Later than now: the
   * machine's clock has been set back since, and both are read moved back by the difference
   * (pacing.repository.ts, `asOfNow`). Null on rows written before it existed.
   */
  asOf: ts('as_of'),
  /** Set when Telegram said 403 for this chat. */
  forbiddenAt: ts('forbidden_at'),
  forbiddenReason: text('forbidden_reason'),
});
