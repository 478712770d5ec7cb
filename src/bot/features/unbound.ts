import { Composer } from 'grammy';
import { planBotRemovedNotices } from '../../notifications/chat-removal.js';
import { chatBinding } from '../../org/org.usecases.js';
import type { BotContext } from '../support/context.js';
import { say, threadIdOf } from '../support/helpers.js';

/**
 * Groups the bot does not know yet: when the bot is added, and when someone uses a command
 * that needs a bound chat, the group gets one short explanation of how an admin binds it.
 */
export const unboundFeature = new Composer<BotContext>();

unboundFeature.on('my_chat_member', async (ctx, next) => {
  const { new_chat_member: member, chat, date } = ctx.myChatMember;
  if (chat.type === 'private' || !['left', 'kicked'].includes(member.status)) return next();
  // Removed from a group: if it was bound, the leaders and admins hear of it at once.
  const planned = await planBotRemovedNotices(ctx.deps, { chatId: chat.id, title: 'title' in chat ? (chat.title ?? null) : null, eventAt: date });
  if (planned > 0) {
    ctx.logger.warn({ chatId: chat.id, status: member.status }, 'bot removed from a bound chat');
    ctx.deps.onPlanned?.();
  }
});

unboundFeature.on('my_chat_member', async (ctx) => {
  const { new_chat_member: member, chat } = ctx.myChatMember;
  if (chat.type === 'private' || !['member', 'administrator'].includes(member.status)) return;
  if (['member', 'administrator'].includes(ctx.myChatMember.old_chat_member.status)) return;
  if (await chatBinding(ctx.deps, { chatId: chat.id, threadId: 0 })) return;
  await ctx.api.sendMessage(chat.id, ctx.t('unbound-group'));
});

unboundFeature.chatType(['group', 'supergroup']).on('message::bot_command', async (ctx, next) => {
  const binding = await chatBinding(ctx.deps, { chatId: ctx.chat.id, threadId: threadIdOf(ctx.msg) });
  if (binding) return next();
  await say(ctx, ctx.t('unbound-group'));
});
