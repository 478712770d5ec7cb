import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Reminder lines waiting for their chat's next bundle (src/notifications/bundles.ts). The sweep
 * writes one row per (reminder, chat) in the transaction that records the reminder; a bundle
 * (the morning message, or a later reminder slot) takes every waiting row of a chat and sends
 * them as one message, marking them with its key in the same transaction. Bundled rows stay a
 * few days: "already named today" is read from them.
 */
export const noticeQueue = pgTable(
  'notice_queue',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    threadId: integer('thread_id').notNull().default(0),
    /** The chat's language: the bundle's heading is written in it. */
    locale: text('locale').notNull().default('zh'),
    itemId: integer('item_id').notNull(),
    unitId: integer('unit_id').notNull().default(0),
    /** The reminder kind (warning, ack_nag, report_nag, overdue_nag, escalation, confirm_nag, extension_nag). */
    kind: text('kind').notNull(),
    /** Higher is worse; lines are ordered by it and an item named today is named again only when it got worse. */
    severity: integer('severity').notNull(),
    /** The line, in the chat's language (HTML). */
    line: text('line').notNull(),
    /** Inline buttons for this item's row in the bundle ({ text, callback_data }[]). */
    buttons: jsonb('buttons'),
    /** Said in the leaders' group when the chat refuses the bot (403). */
    fallback: jsonb('fallback'),
    queuedAt: ts('queued_at').notNull(),
    bundledAt: ts('bundled_at'),
    /** The outbox key of the bundle that carried it, or 'dropped' when it was named already. */
    bundleKey: text('bundle_key'),
  },
  (t) => [
    index('notice_queue_waiting_idx').on(t.chatId, t.id).where(sql`${t.bundledAt} is null`),
    index('notice_queue_named_idx').on(t.chatId, t.itemId, t.bundledAt),
  ],
);
