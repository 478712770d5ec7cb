import { Composer, InputFile } from 'grammy';
import { requestBulletin, requestDigest, type ChatRequest } from '../../digests/digests.usecases.js';
import { localeFor } from '../../i18n/translator.js';
import type { BotContext } from '../support/context.js';
import { say, threadIdOf } from '../support/helpers.js';

/**
 * /digest and /bulletin on demand. Who may see what is the use-case's to decide: leaders and
 * admins get the leaders digest and the bulletin (in a leaders group or privately); a unit
 * group's /digest gives that unit's digest to its members. The texts come split under
 * Telegram's limit; each part is one reply.
 */
export const digestsFeature = new Composer<BotContext>();

function chatOf(ctx: BotContext): ChatRequest {
  return { chatId: ctx.chat!.id, threadId: threadIdOf(ctx.msg), isPrivate: ctx.chat!.type === 'private' };
}

const localeOf = (ctx: BotContext) => localeFor(ctx.from?.language_code, ctx.deps.config.locale);

digestsFeature.command('digest', async (ctx) => {
  if (!ctx.from) return;
  const parts = await requestDigest(ctx.deps, { actorId: ctx.from.id, chat: chatOf(ctx), locale: localeOf(ctx) });
  for (const part of parts) await say(ctx, part.text, part.reply_markup ? { reply_markup: part.reply_markup } : {});
});

digestsFeature.command('bulletin', async (ctx) => {
  if (!ctx.from) return;
  const bulletin = await requestBulletin(ctx.deps, { actorId: ctx.from.id, chat: chatOf(ctx), locale: localeOf(ctx) });
  for (const text of bulletin.texts) await say(ctx, text);
  if (bulletin.chart) {
    const { png, asDocument, filename, caption } = bulletin.chart;
    const thread = threadIdOf(ctx.msg);
    const extra = { caption, ...(thread ? { message_thread_id: thread } : {}) };
    const file = new InputFile(png, filename);
    if (asDocument) await ctx.replyWithDocument(file, extra);
    else await ctx.replyWithPhoto(file, extra);
  }
});
