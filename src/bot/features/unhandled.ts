import { Composer } from 'grammy';
import type { BotContext } from '../support/context.js';
import { say } from '../support/helpers.js';

/** Registered last: unknown commands get a pointer to /help; button presses nobody handled are answered. */
export const unhandledFeature = new Composer<BotContext>();

unhandledFeature.on('message::bot_command', async (ctx) => {
  const entity = ctx.msg.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!entity) return;
  const command = ctx.msg.text!.slice(entity.offset, entity.offset + entity.length);
  const addressee = command.split('@')[1];
  if (addressee && addressee.toLowerCase() !== ctx.me.username.toLowerCase()) return;
  await say(ctx, ctx.t('unknown-command'));
});

unhandledFeature.on('callback_query', async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t('unknown-command') });
});
