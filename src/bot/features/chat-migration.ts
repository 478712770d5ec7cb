import { Composer } from 'grammy';
import { migrateChat } from '../../org/org.usecases.js';
import type { BotContext } from '../support/context.js';

/**
 * A group upgraded to a supergroup (Telegram sends a service message in each: migrate_to_chat_id
 * in the old group, migrate_from_chat_id in the new supergroup): the binding, the cards and the
 * pending messages follow the group to its new id, so nothing keeps going to a chat that is gone.
 */
export const chatMigrationFeature = new Composer<BotContext>();

chatMigrationFeature.on(['message:migrate_to_chat_id', 'message:migrate_from_chat_id'], async (ctx) => {
  const msg = ctx.msg;
  const [fromChatId, toChatId] = msg.migrate_to_chat_id !== undefined ? [ctx.chat.id, msg.migrate_to_chat_id] : [msg.migrate_from_chat_id!, ctx.chat.id];
  const moved = await migrateChat(ctx.deps, { fromChatId, toChatId });
  ctx.logger.info({ fromChatId, toChatId, ...moved }, 'chat migrated to a supergroup');
  if (moved.outbox > 0) ctx.deps.onPlanned?.();
});
