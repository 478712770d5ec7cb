import { NO_PREVIEW } from '../../shared/html.js';
import { Composer } from 'grammy';
import { itemCardFor, rememberItemMessage } from '../../items/items.usecases.js';
import { decodeButton } from '../../notifications/callback-data.js';
import { renderItemCard } from '../../notifications/item-card.js';
import { renderHash } from '../../notifications/cards.js';
import type { BotContext } from '../support/context.js';
import { threadIdOf } from '../support/helpers.js';
import { localeFor } from '../../i18n/translator.js';

/**
 * 查看 ('viw'), the button of a digest or a bundle line: posts a fresh card of the item in the
 * chat where it was pressed, for that chat's audience, and remembers it like any card (replies
 * to it find the item). The message with the button stays as it is.
 */
export const viewFeature = new Composer<BotContext>();

viewFeature.on('callback_query:data', async (ctx, next) => {
  const data = decodeButton(ctx.callbackQuery.data);
  if (data?.action !== 'viw' || !ctx.chat) return next();
  const thread = threadIdOf(ctx.callbackQuery.message);
  // Refused before answering, so the refusal is the answer (errorBoundary); then answer at once.
  const { view, audience } = await itemCardFor(ctx.deps, {
    actorId: ctx.from.id,
    itemId: data.itemId,
    chat: { chatId: ctx.chat.id, threadId: thread, isPrivate: ctx.chat.type === 'private' },
  });
  await ctx.answerCallbackQuery();
  // In a group the card speaks the organisation's language (like every card there); privately, the reader's.
  const locale = ctx.chat.type === 'private' ? localeFor(ctx.from.language_code, ctx.deps.config.locale) : ctx.deps.config.locale;
  const card = renderItemCard(view, audience, ctx.deps.translator.for(locale));
  const sent = await ctx.api.sendMessage(ctx.chat.id, card.text, {
    ...NO_PREVIEW,
    ...(thread ? { message_thread_id: thread } : {}),
    ...(card.reply_markup ? { reply_markup: card.reply_markup } : {}),
  });
  await rememberItemMessage(ctx.deps, {
    chatId: sent.chat.id,
    messageId: sent.message_id,
    itemId: view.id,
    purpose: audience.kind === 'unit' ? 'unit_card' : 'card',
    unitId: audience.kind === 'unit' ? audience.unitId : null,
    // A living card like the others: later changes of the item edit it too.
    ...(audience.kind === 'none' ? {} : { card: { audience: audience.kind, locale, hash: renderHash(card), threadId: thread } }),
  });
});
