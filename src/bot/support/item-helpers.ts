import type { Message } from 'grammy/types';
import type { Translate } from '../../i18n/translator.js';
import { buildView } from '../../items/item-view.js';
import type { FileRef } from '../../items/model/types.js';
import { readItemRef } from '../../items/model/refs.js';
import type { StoredItem } from '../../items/model/stored.js';
import { findItemByRef, itemOfMessage } from '../../items/items.usecases.js';
import { appError } from '../../shared/errors.js';
import type { BotContext } from './context.js';

/** ctx.t as a plain translate function, for the renderers in notifications/. */
export function tr(ctx: BotContext): Translate {
  return (key, params) => ctx.t(key, (params ?? {}) as Record<string, string | number>);
}

/** The files a message carries (a document, or the largest size of a photo). */
export function filesOf(msg: Message | undefined): FileRef[] {
  if (!msg) return [];
  if (msg.document) {
    return [
      {
        fileId: msg.document.file_id,
        fileUniqueId: msg.document.file_unique_id,
        ...(msg.document.file_name ? { name: msg.document.file_name } : {}),
        ...(msg.document.mime_type ? { mimeType: msg.document.mime_type } : {}),
      },
    ];
  }
  if (msg.photo?.length) {
    const p = msg.photo[msg.photo.length - 1]!;
    return [{ fileId: p.file_id, fileUniqueId: p.file_unique_id, mimeType: 'image/jpeg' }];
  }
  return [];
}

/** The text a message carries: its text or its caption. */
export function textOf(msg: Message | undefined): string {
  return (msg?.text ?? msg?.caption ?? '').trim();
}

/** The item of the bot message this message replies to (a card, a notice, a reminder, a prompt), if any. */
export async function repliedItem(ctx: BotContext): Promise<StoredItem | null> {
  const replied = ctx.msg?.reply_to_message;
  if (!replied || !ctx.chat || replied.from?.id !== ctx.me.id) return null;
  return itemOfMessage(ctx.deps, { chatId: ctx.chat.id, messageId: replied.message_id });
}

/**
 * Reads "CODE rest" from a command's argument text and loads the item. A command sent as a reply
 * to a bot message about an item needs no code: that message's item is meant, unless a code is
 * typed (a typed code wins). In a reply, only a first word that is wholly a code counts as one,
 * so "/result 12份材料已报送" or "/extend 2026-12-31 理由" reads as text about the replied item.
 * A missing code is refused with the command's usage line; an unknown one with what was typed.
 */
export async function itemFromArgs(ctx: BotContext, args: string, usageKey: string): Promise<{ item: StoredItem; rest: string }> {
  const typed = args.trim().split(/[\s\u3000]+/)[0] ?? '';
  const replied = await repliedItem(ctx);
  const parsed = readItemRef(args);
  const typedCode = parsed && (!replied || readItemRef(typed)?.rest === '') ? parsed : null;
  if (typedCode) return { item: await findItemByRef(ctx.deps, { ref: typedCode.ref, typed }), rest: typedCode.rest };
  if (replied) return { item: replied, rest: args.trim() };
  // A number too long to be any code ("/task 99999999999") is a code that names no item.
  if (/^#?\d+号?$|^\d{4}[-/]\d+$/.test(typed.normalize('NFKC'))) throw appError('items.not_found', { ref: typed });
  throw appError('items.code_required', { usage: ctx.t(usageKey) });
}

export async function viewOf(ctx: BotContext, item: StoredItem) {
  return buildView(ctx.deps, item);
}
