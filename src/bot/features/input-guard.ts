import { Composer } from 'grammy';
import { appError } from '../../shared/errors.js';
import type { BotContext } from '../support/context.js';

/**
 * Text PostgreSQL cannot keep: NUL, and UTF-16 surrogates without their pair (a client may send
 * them as \ud800 in JSON). Storing either fails deep in a query; better to say so first.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses (PostgreSQL cannot store it in text).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Registered first among the features: a message the bot cannot store is answered with what is
 * wrong and what to do, instead of the generic internal error. Only a message meant for the bot
 * (a private one, a command, a reply to the bot) gets the answer; chatter in a group is let be.
 */
export const inputGuardFeature = new Composer<BotContext>();

inputGuardFeature.on(['message', 'edited_message'], async (ctx, next) => {
  const text = ctx.msg.text ?? ctx.msg.caption ?? '';
  if (!UNSTORABLE.test(text)) return next();
  const addressed = ctx.chat.type === 'private' || text.startsWith('/') || ctx.msg.reply_to_message?.from?.id === ctx.me.id;
  if (!addressed) {
    ctx.logger.info('unstorable text not meant for the bot ignored');
    return;
  }
  throw appError('input.unstorable');
});
