import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';

/**
 * Moves what the bot keeps under a chat id to the id a group got when it became a supergroup:
 * its bindings, the item messages (cards, prompts) that later changes edit, the outbox rows not
 * yet sent, the reminder lines waiting for its bundle, and the items given there (their response
 * goes back where the instruction was given). Sent rows stay as history. A row whose new key is
 * taken already (the move ran before, from the other service message) is left to the delete.
 */
export function createChatMigrationRepository({ db }: { db: DbOrTx }) {
  return {
    async moveChat(input: {
      fromChatId: number;
      toChatId: number;
    }): Promise<{ bindings: number; cards: number; outbox: number; notices: number; items: number }> {
      const from = input.fromChatId;
      const to = input.toChatId;
      const count = (result: unknown) => {
        const r = result as { count?: number; affectedRows?: number; rowCount?: number };
        return Number(r.count ?? r.affectedRows ?? r.rowCount ?? 0);
      };
      const bindings = count(
        await db.execute(sql`update bound_chats b set chat_id = ${to}::bigint
          where b.chat_id = ${from}::bigint
            and not exists (select 1 from bound_chats n where n.chat_id = ${to}::bigint and n.thread_id = b.thread_id)`),
      );
      await db.execute(sql`delete from bound_chats where chat_id = ${from}::bigint`);
      const cards = count(
        await db.execute(sql`update item_messages m set chat_id = ${to}::bigint
          where m.chat_id = ${from}::bigint
            and not exists (select 1 from item_messages n where n.chat_id = ${to}::bigint and n.message_id = m.message_id)`),
      );
      const outbox = count(
        await db.execute(sql`update outbox set chat_id = ${to}::bigint
          where chat_id = ${from}::bigint and status = 'pending'`),
      );
      // A fallback names the chat to speak in when another refuses us.
      await db.execute(sql`update outbox set fallback = jsonb_set(fallback, '{chatId}', to_jsonb(${to}::bigint))
        where status = 'pending' and (fallback->>'chatId')::bigint = ${from}::bigint`);
      const notices = count(
        await db.execute(sql`update notice_queue set chat_id = ${to}::bigint
          where chat_id = ${from}::bigint and bundled_at is null`),
      );
      await db.execute(sql`update notice_queue set fallback = jsonb_set(fallback, '{chatId}', to_jsonb(${to}::bigint))
        where bundled_at is null and (fallback->>'chatId')::bigint = ${from}::bigint`);
      const items = count(await db.execute(sql`update items set source_chat_id = ${to}::bigint where source_chat_id = ${from}::bigint`));
      return { bindings, cards, outbox, notices, items };
    },
  };
}
