import type { Message } from 'grammy/types';
import type { Translate } from '../i18n/translator.js';
import { buildView } from '../items/items.context.js';
import type { FileRef } from '../items/items.models.js';
import { readItemRef } from '../items/items.refs.js';
import type { StoredItem } from '../items/items.repository.js';
import { findItemByRef } from '../items/items.usecases.js';
import { appError } from '../shared/errors.js';
import type { BotContext } from './context.js';

/** ctx.t as a plain translate function, for the renderers in messages/. */
export function tr(ctx: BotContext): Translate {
  return (key, params) => ctx.t(key, (params ?? {}) as Record<string, string | number>);
}

/** The files a message carries (a document, or the largest size of a photo). */
export function filesOf(msg: Message | undefined): FileRef[] {
  if (!msg) return [];
  if (msg.document) {
    return [{ fileId: msg.document.file_id, fileUniqueId: msg.document.file_unique_id, ...(msg.document.file_name ? { name: msg.document.file_name } : {}), ...(msg.document.mime_type ? { mimeType: msg.document.mime_type } : {}) }];
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

/**
 * Reads "CODE rest" from a command's argument text and loads the item. A missing code is refused
 * with the command's usage line; an unknown one with what was typed.
 */
export async function itemFromArgs(ctx: BotContext, args: string, usageKey: string): Promise<{ item: StoredItem; rest: string }> {
  const parsed = readItemRef(args);
  if (!parsed) throw appError('items.code_required', { usage: ctx.t(usageKey) });
  const typed = args.trim().split(/\s+/)[0] ?? '';
  const item = await findItemByRef(ctx.deps, { ref: parsed.ref, typed });
  return { item, rest: parsed.rest };
}

export async function viewOf(ctx: BotContext, item: StoredItem) {
  return buildView(ctx.deps, item);
}
