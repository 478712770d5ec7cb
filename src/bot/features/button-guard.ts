import { Composer } from 'grammy';
import { appError } from '../../shared/errors.js';
import type { BotContext } from '../support/context.js';

/**
 * Registered before every feature that handles a button. A press counts only when its data is
 * one of the buttons actually on the message it was pressed on, as Telegram reports that
 * message's keyboard in the callback update. Only the bot sets those keyboards, so a client that
 * sends data of its own (a forged "next page" on a leader's list, a "drop this row" on someone
 * else's card) is refused here with an alert, and the message is not touched. Whether the
 * presser may do what the button does is still decided by each feature from our own tables.
 */
export const buttonGuardFeature = new Composer<BotContext>();

buttonGuardFeature.on('callback_query', async (ctx, next) => {
  const { data, message } = ctx.callbackQuery;
  if (data === undefined) return next();
  const keyboard = message && 'reply_markup' in message ? (message.reply_markup?.inline_keyboard ?? []) : [];
  const onMessage = keyboard.some((row) => row.some((button) => 'callback_data' in button && button.callback_data === data));
  if (!onMessage) throw appError('buttons.not_on_message');
  await next();
});
