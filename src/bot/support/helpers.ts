import { NO_PREVIEW } from '../../shared/html.js';
import type { Message, User } from 'grammy/types';
import type { ChatRef } from '../../org/org.usecases.js';
import type { PersonInput } from '../../org/org.repository.js';
import type { BotContext } from './context.js';

export { displayName, escapeHtml, mention } from '../../shared/html.js';

/** The forum topic a message belongs to (0 = the chat itself). */
export function threadIdOf(msg: Pick<Message, 'is_topic_message' | 'message_thread_id'> | undefined): number {
  return msg?.is_topic_message && msg.message_thread_id ? msg.message_thread_id : 0;
}

export function chatRefOf(ctx: BotContext): ChatRef {
  const chat = ctx.chat!;
  return {
    chatId: chat.id,
    threadId: threadIdOf(ctx.msg),
    title: 'title' in chat ? (chat.title ?? null) : null,
    type: chat.type,
  };
}

export function personOf(user: User): PersonInput {
  return {
    id: user.id,
    firstName: user.first_name,
    lastName: user.last_name ?? null,
    username: user.username ?? null,
    languageCode: user.language_code ?? null,
  };
}

/** Replies in the same chat and forum topic (as HTML, like every text the bot sends). */
export function say(ctx: BotContext, text: string, extra: Record<string, unknown> = {}) {
  const thread = threadIdOf(ctx.msg);
  return ctx.reply(text, {
    ...NO_PREVIEW,
    ...(thread ? { message_thread_id: thread } : {}),
    ...extra,
  });
}

/** Splits a command's argument text into words (both ASCII and full-width spaces). */
export function words(text: string | RegExpMatchArray | undefined | null): string[] {
  return (typeof text === 'string' ? text : '')
    .trim()
    .split(/[\s\u3000]+/)
    .filter(Boolean);
}
