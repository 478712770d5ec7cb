/**
 * Simulated people acting in Telegram: they write texts, send files, edit their messages and
 * press inline buttons; each action stores the message and queues the Update the bot would get.
 * Mistakes in a test's script (a chat that does not exist, a button that is not there) throw
 * plain Errors: they are bugs of the test, not answers of Telegram.
 */
import type { CallbackQuery, ChatMemberUpdated, Message, MessageEntity, Update, User } from 'grammy/types';
import { guessMimeType } from './body.js';
import { detectTextEntities } from './entities.js';
import { documentShape, photoSizes, storePhoto } from './methods.js';
import { chatMemberShape, type ChatRecord, type FakeTelegramState, type StoredMessage } from './state.js';
import type { ChatTarget, MemberStatus, PressButtonOptions, UserFileOptions, UserTextOptions } from './types.js';

export type SimulationContext = {
  state: FakeTelegramState;
  botUser: User;
  privacyMode: boolean;
  /** Real milliseconds, for callback query expiry. */
  elapsedMs: () => number;
};

/** The chat a user writes in; writing to the bot privately opens (or unblocks) the private chat. */
function chatFor(sim: SimulationContext, from: User, target: ChatTarget): ChatRecord {
  if (!sim.state.users.has(from.id)) throw new Error(`user ${from.id} was not created with createUser`);
  if (target === 'private' || target === from.id) {
    const existing = sim.state.privateChat(from, false);
    const chat = sim.state.privateChat(from, true)!;
    // a user who blocked the bot and writes to it again has restarted it
    if (existing && chat.botStatus === 'kicked') setBotStatus(sim, chat, 'member', from);
    return chat;
  }
  const chat = sim.state.chats.get(target);
  if (!chat) throw new Error(`chat ${target} does not exist`);
  if (chat.type === 'private') throw new Error(`chat ${target} is another user's private chat`);
  const membership = chat.members.get(from.id);
  if (!membership) sim.state.setMember(chat, from, 'member');
  else if (membership.status === 'left' || membership.status === 'kicked') {
    throw new Error(`${from.first_name} is not in ${chat.title} (status ${membership.status})`);
  }
  return chat;
}

function placement(sim: SimulationContext, chat: ChatRecord, replyTo?: number, threadId?: number): Partial<Message> {
  let target: StoredMessage | undefined;
  if (replyTo !== undefined) {
    target = sim.state.liveMessage(chat, replyTo);
    if (!target) throw new Error(`message ${replyTo} does not exist in chat ${chat.id}`);
  }
  if (threadId !== undefined && !(chat.isForum && chat.topics.has(threadId))) {
    throw new Error(`chat ${chat.id} has no forum topic ${threadId}`);
  }
  return sim.state.threading(chat, threadId, target);
}

/** Whether the bot receives a message posted in this chat (membership and privacy mode). */
function botSees(sim: SimulationContext, chat: ChatRecord, message: Message): boolean {
  if (chat.type === 'private') return chat.botStatus !== 'kicked';
  if (chat.botStatus === 'left' || chat.botStatus === 'kicked') return false;
  if (!sim.privacyMode || sim.state.isBotAdmin(chat)) return true;
  const text = message.text ?? message.caption ?? '';
  const entities: MessageEntity[] = message.entities ?? message.caption_entities ?? [];
  const username = (sim.botUser.username ?? '').toLowerCase();
  const command = entities.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (command) {
    const target = text.slice(0, command.length).split('@')[1];
    if (target === undefined || target.toLowerCase() === username) return true;
  }
  const reply = message.reply_to_message;
  if (reply?.from?.id === sim.botUser.id && !reply.forum_topic_created) return true;
  return entities.some((e) => e.type === 'mention' && text.slice(e.offset + 1, e.offset + e.length).toLowerCase() === username);
}

function post(sim: SimulationContext, chat: ChatRecord, from: User, build: (header: Partial<Message>) => Message): Message {
  const message = sim.state.addMessage(chat, false, (header) => build({ ...header, from }));
  if (botSees(sim, chat, message)) sim.state.enqueue({ message } as Omit<Update, 'update_id'>);
  return message;
}

function header(base: Partial<Message>, place: Partial<Message>): Partial<Message> {
  return {
    message_id: base.message_id!,
    ...(place.message_thread_id !== undefined ? { message_thread_id: place.message_thread_id } : {}),
    from: base.from!,
    chat: base.chat!,
    date: base.date!,
    ...(place.is_topic_message ? { is_topic_message: true } : {}),
    ...(place.reply_to_message ? { reply_to_message: place.reply_to_message } : {}),
  };
}

export function userSendsText(sim: SimulationContext, options: UserTextOptions): Message {
  const chat = chatFor(sim, options.from, options.chat);
  const place = placement(sim, chat, options.replyTo, options.threadId);
  if (options.text.trim() === '') throw new Error('a message text cannot be empty');
  const entities = options.entities ?? detectTextEntities(options.text);
  return post(
    sim,
    chat,
    options.from,
    (base) =>
      ({
        ...header(base, place),
        text: options.text,
        ...(entities.length > 0 ? { entities } : {}),
      }) as Message,
  );
}

export function userSendsFile(sim: SimulationContext, kind: 'document' | 'photo', options: UserFileOptions): Message {
  const chat = chatFor(sim, options.from, options.chat);
  const place = placement(sim, chat, options.replyTo, options.threadId);
  const content = typeof options.content === 'string' ? Buffer.from(options.content) : Buffer.from(options.content);
  const captionEntities = options.caption ? detectTextEntities(options.caption) : [];
  const captionFields = options.caption ? { caption: options.caption, ...(captionEntities.length > 0 ? { caption_entities: captionEntities } : {}) } : {};
  let media: Partial<Message>;
  if (kind === 'document') {
    const fileName = options.fileName ?? 'file.dat';
    const record = sim.state.storeFile('document', content, fileName, options.mimeType ?? guessMimeType(fileName));
    media = { document: documentShape(record) };
  } else {
    media = { photo: photoSizes(sim.state, storePhoto(sim.state, content)) };
  }
  return post(sim, chat, options.from, (base) => ({ ...header(base, place), ...media, ...captionFields }) as Message);
}

/** A user edits the text of one of their messages: the bot gets an edited_message update. */
export function userEditsText(sim: SimulationContext, options: { from: User; chat: ChatTarget; messageId: number; text: string }): Message {
  const chat = chatFor(sim, options.from, options.chat);
  const stored = sim.state.liveMessage(chat, options.messageId);
  if (!stored || stored.byBot || stored.message.from?.id !== options.from.id) {
    throw new Error(`message ${options.messageId} in chat ${chat.id} is not ${options.from.first_name}'s`);
  }
  if (stored.message.text === undefined) throw new Error(`message ${options.messageId} has no text`);
  const { entities: _old, ...rest } = stored.message;
  const entities = detectTextEntities(options.text);
  const edited = {
    ...rest,
    edit_date: sim.state.unixNow(),
    text: options.text,
    ...(entities.length > 0 ? { entities } : {}),
  } as Message;
  sim.state.replaceMessage(chat, stored, edited);
  if (botSees(sim, chat, edited)) sim.state.enqueue({ edited_message: edited } as Omit<Update, 'update_id'>);
  return edited;
}

/** A user presses an inline button of a bot message: the bot gets a callback_query update. */
export function userPressesButton(sim: SimulationContext, options: PressButtonOptions): CallbackQuery {
  const chat = chatFor(sim, options.from, options.chat);
  const stored = sim.state.liveMessage(chat, options.messageId);
  if (!stored) throw new Error(`message ${options.messageId} does not exist in chat ${chat.id}`);
  if (!stored.byBot) throw new Error(`message ${options.messageId} is not the bot's`);
  const buttons = stored.message.reply_markup?.inline_keyboard.flat() ?? [];
  const button = buttons.find((b) => (options.data !== undefined ? 'callback_data' in b && b.callback_data === options.data : b.text === options.text));
  const wanted = options.data !== undefined ? `callback_data ${JSON.stringify(options.data)}` : `text ${JSON.stringify(options.text)}`;
  if (options.forged) {
    if (options.data === undefined) throw new Error('a forged press needs { data }');
    return deliverPress(sim, options.from, stored.message, chat.chatInstance, options.data);
  }
  if (!button) {
    const present = buttons.map((b) => `${b.text} (${'callback_data' in b ? b.callback_data : 'no callback_data'})`);
    throw new Error(`message ${options.messageId} has no button with ${wanted}; it has: ${present.join(', ') || 'none'}`);
  }
  if (!('callback_data' in button)) throw new Error(`the button ${JSON.stringify(button.text)} sends no callback query`);
  return deliverPress(sim, options.from, stored.message, chat.chatInstance, button.callback_data);
}

function deliverPress(sim: SimulationContext, from: User, message: Message, chatInstance: string, data: string): CallbackQuery {
  const query: CallbackQuery = {
    id: sim.state.newCallbackQueryId(),
    from,
    message,
    chat_instance: chatInstance,
    data,
  };
  sim.state.callbackQueries.set(query.id, {
    query,
    createdAtMs: sim.elapsedMs(),
    answered: false,
    answer: undefined,
  });
  sim.state.enqueue({ callback_query: query } as Omit<Update, 'update_id'>);
  return query;
}

/**
 * Changes the bot's membership in a chat and queues the my_chat_member update Telegram sends.
 * In a private chat 'kicked' means the user blocked the bot.
 */
export function setBotStatus(sim: SimulationContext, chat: ChatRecord, status: MemberStatus, by: User): ChatMemberUpdated {
  const old = chat.botStatus;
  chat.botStatus = status;
  const update: ChatMemberUpdated = {
    chat: sim.state.chatShape(chat),
    from: by,
    date: sim.state.unixNow(),
    old_chat_member: chatMemberShape(chat, sim.botUser, old),
    new_chat_member: chatMemberShape(chat, sim.botUser, status),
  };
  sim.state.enqueue({ my_chat_member: update } as Omit<Update, 'update_id'>);
  return update;
}

/** Who changes a group's settings when the test does not say: its owner, else an admin. */
export function groupActor(chat: ChatRecord): User | undefined {
  const members = [...chat.members.values()];
  return (
    members.find((m) => m.status === 'creator')?.user ??
    members.find((m) => m.status === 'administrator')?.user ??
    members.find((m) => m.status === 'member')?.user
  );
}
