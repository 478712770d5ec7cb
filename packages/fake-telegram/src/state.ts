/**
 * What the fake Telegram knows: users, chats with their members and messages, the bot's update
 * queue, stored files, open callback queries and the bot's command lists. No HTTP here; the Bot
 * API methods (methods.ts) and the simulated users (simulate.ts) both work on this state.
 */
import { randomBytes } from 'node:crypto';
import type { BotCommand, CallbackQuery, Chat, ChatMember, Message, Update, User } from 'grammy/types';
import type { Clock } from './clock.js';
import type { CreateGroupOptions, CreateUserOptions, FakeTelegramEvents, HistoryEntry, MemberStatus, StoredFile } from './types.js';

export type ChatType = 'private' | 'group' | 'supergroup';

export type StoredMessage = {
  message: Message;
  byBot: boolean;
  deleted: boolean;
  /** Order across all chats. */
  sequence: number;
};

export type ChatRecord = {
  id: number;
  type: ChatType;
  title: string | undefined;
  isForum: boolean;
  /** The other party of a private chat. */
  user: User | undefined;
  members: Map<number, { user: User; status: MemberStatus }>;
  /** The bot's membership; in a private chat 'kicked' means the user blocked the bot. */
  botStatus: MemberStatus;
  messages: Map<number, StoredMessage>;
  nextMessageId: number;
  /** Forum topics by message_thread_id (= the id of the topic's creation message). */
  topics: Map<number, { name: string; iconColor: number }>;
  chatInstance: string;
  /** A basic group upgraded to a supergroup: the new chat's id (sends here get a 400 naming it). */
  migratedTo?: number;
};

export type FileKind = 'document' | 'photo';

export type FileRecord = StoredFile & { kind: FileKind; width?: number; height?: number };

export type CallbackRecord = {
  query: CallbackQuery;
  createdAtMs: number;
  answered: boolean;
  answer: { text?: string; show_alert?: boolean; url?: string; cache_time?: number } | undefined;
};

/** The update types delivered when allowed_updates is empty or was never given. */
const DEFAULT_ALLOWED = new Set([
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
]);

/** First ids; above 2^32 like real ones, so a 32-bit column or a JS bitwise op shows up at once. */
const FIRST_USER_ID = 5_000_000_001;
const FIRST_SUPERGROUP_ID = -1_002_000_000_001;
const FIRST_GROUP_ID = -4_000_000_001;
const FIRST_UPDATE_ID = 10_000_001;

type Emit = <K extends keyof FakeTelegramEvents>(event: K, payload: FakeTelegramEvents[K]) => void;

export class FakeTelegramState {
  readonly users = new Map<number, User>();
  readonly chats = new Map<number, ChatRecord>();
  readonly files = new Map<string, FileRecord>();
  readonly callbackQueries = new Map<string, CallbackRecord>();
  readonly commands = new Map<string, BotCommand[]>();
  /** Unconfirmed updates, oldest first. */
  updates: Update[] = [];
  /** Updates handed out again regardless of the offset (see redeliver). */
  redelivered: Update[] = [];
  allowedUpdates: Set<string> = DEFAULT_ALLOWED;
  /**
   * The webhook the bot set (setWebhook); while there is one, getUpdates answers 409. The fake
   * does not post to it: a test posts the updates it wants to the bot's server itself.
   */
  webhook: { url: string; secretToken: string | undefined; allowedUpdates: string[] | undefined } | undefined;

  private nextUserId = FIRST_USER_ID;
  private nextSupergroupId = FIRST_SUPERGROUP_ID;
  private nextGroupId = FIRST_GROUP_ID;
  private nextUpdateId = FIRST_UPDATE_ID;
  private nextFile = 1;
  private nextCallbackQuery = 1;
  private nextSequence = 1;
  private readonly updateListeners = new Set<() => void>();

  constructor(
    readonly bot: User,
    readonly clock: Clock,
    private readonly emit: Emit,
  ) {}

  // --- people and chats -----------------------------------------------------------------------

  createUser(options: CreateUserOptions): User {
    const id = options.id ?? this.nextUserId++;
    if (this.users.has(id) || id === this.bot.id) throw new Error(`user ${id} already exists`);
    const user: User = {
      id,
      is_bot: false,
      first_name: options.firstName,
      ...(options.lastName !== undefined ? { last_name: options.lastName } : {}),
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.languageCode !== undefined ? { language_code: options.languageCode } : {}),
    };
    this.users.set(id, user);
    return user;
  }

  createGroup(options: CreateGroupOptions): ChatRecord {
    const type = options.type ?? 'supergroup';
    if (options.isForum && type !== 'supergroup') throw new Error('only a supergroup can be a forum');
    const id = options.id ?? (type === 'supergroup' ? this.nextSupergroupId-- : this.nextGroupId--);
    if (this.chats.has(id)) throw new Error(`chat ${id} already exists`);
    const chat = this.newChat(id, type, { title: options.title, isForum: options.isForum ?? false });
    chat.botStatus = options.botStatus ?? 'member';
    if (options.creator) this.setMember(chat, options.creator, 'creator');
    for (const admin of options.admins ?? []) this.setMember(chat, admin, 'administrator');
    for (const member of options.members ?? []) this.setMember(chat, member, 'member');
    this.chats.set(id, chat);
    return chat;
  }

  /** The user's private chat with the bot; created (as when the user opens the bot) if asked to. */
  privateChat(user: User, create: boolean): ChatRecord | undefined {
    let chat = this.chats.get(user.id);
    if (!chat && create) {
      chat = this.newChat(user.id, 'private', { user });
      chat.botStatus = 'member';
      this.chats.set(user.id, chat);
    }
    return chat;
  }

  setMember(chat: ChatRecord, user: User, status: MemberStatus): void {
    if (user.id === this.bot.id) {
      chat.botStatus = status;
      return;
    }
    if (!this.users.has(user.id)) this.users.set(user.id, user);
    chat.members.set(user.id, { user, status });
  }

  memberStatus(chat: ChatRecord, userId: number): MemberStatus {
    if (userId === this.bot.id) return chat.botStatus;
    if (chat.type === 'private') return chat.user?.id === userId ? 'member' : 'left';
    return chat.members.get(userId)?.status ?? 'left';
  }

  isBotAdmin(chat: ChatRecord): boolean {
    return chat.botStatus === 'administrator' || chat.botStatus === 'creator';
  }

  /** The `Chat` object as messages carry it. */
  chatShape(chat: ChatRecord): Chat {
    if (chat.type === 'private') {
      const user = chat.user!;
      return {
        id: chat.id,
        first_name: user.first_name,
        ...(user.last_name !== undefined ? { last_name: user.last_name } : {}),
        ...(user.username !== undefined ? { username: user.username } : {}),
        type: 'private',
      };
    }
    if (chat.type === 'group') return { id: chat.id, title: chat.title!, type: 'group' };
    return { id: chat.id, title: chat.title!, type: 'supergroup', ...(chat.isForum ? { is_forum: true as const } : {}) };
  }

  // --- messages -------------------------------------------------------------------------------

  /** Unix seconds by the fake's clock. */
  unixNow(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  /**
   * Stores a new message in a chat: assigns message_id and date, fills `chat`, and emits a
   * 'message' event. `build` receives the header fields and returns the whole message.
   */
  addMessage(chat: ChatRecord, byBot: boolean, build: (header: { message_id: number; date: number; chat: Chat }) => Message): Message {
    const message = build({ message_id: chat.nextMessageId++, date: this.unixNow(), chat: this.chatShape(chat) });
    chat.messages.set(message.message_id, { message, byBot, deleted: false, sequence: this.nextSequence++ });
    this.emit('message', { kind: 'new', chatId: chat.id, message, byBot });
    return message;
  }

  /** A message that still exists (not deleted). */
  liveMessage(chat: ChatRecord, messageId: number): StoredMessage | undefined {
    const stored = chat.messages.get(messageId);
    return stored && !stored.deleted ? stored : undefined;
  }

  replaceMessage(chat: ChatRecord, stored: StoredMessage, message: Message): void {
    stored.message = message;
    this.emit('message', { kind: 'edited', chatId: chat.id, message, byBot: stored.byBot });
  }

  deleteMessage(chat: ChatRecord, stored: StoredMessage): void {
    stored.deleted = true;
    this.emit('message', { kind: 'deleted', chatId: chat.id, message: stored.message, byBot: stored.byBot });
  }

  history(chat: ChatRecord): HistoryEntry[] {
    return [...chat.messages.values()].map((s) => ({ message: s.message, byBot: s.byBot, deleted: s.deleted }));
  }

  /**
   * The header fields that place a new message in a forum topic and under the message it
   * replies to. In a forum topic a message that replies to nothing still carries the topic's
   * creation message as reply_to_message, as Telegram does.
   */
  threading(chat: ChatRecord, threadId: number | undefined, replyTo: StoredMessage | undefined): Partial<Message> {
    const fields: Partial<Message> = {};
    const thread = threadId ?? replyTo?.message.message_thread_id;
    const inTopic = chat.isForum && thread !== undefined && chat.topics.has(thread);
    if (inTopic) {
      fields.message_thread_id = thread;
      fields.is_topic_message = true;
    }
    const target = replyTo ?? (inTopic ? this.liveMessage(chat, thread!) : undefined);
    if (target) fields.reply_to_message = asReply(target.message);
    return fields;
  }

  createTopic(chat: ChatRecord, name: string, iconColor: number, from: User, byBot: boolean): Message {
    if (!chat.isForum) throw new Error(`chat ${chat.id} is not a forum`);
    const message = this.addMessage(chat, byBot, (header) => ({
      message_id: header.message_id,
      message_thread_id: header.message_id,
      from,
      chat: header.chat,
      date: header.date,
      is_topic_message: true,
      forum_topic_created: { name, icon_color: iconColor },
    }));
    chat.topics.set(message.message_id, { name, iconColor });
    return message;
  }

  // --- updates --------------------------------------------------------------------------------

  /** Queues an update for getUpdates unless the bot's allowed_updates excludes its type. */
  enqueue(payload: Omit<Update, 'update_id'>): Update | undefined {
    const type = Object.keys(payload)[0]!;
    if (!this.allowedUpdates.has(type)) return undefined;
    const update = { update_id: this.nextUpdateId++, ...payload } as Update;
    this.updates.push(update);
    this.emit('update', update);
    for (const listener of [...this.updateListeners]) listener();
    return update;
  }

  /**
   * Delivers an update again with its original update_id, as Telegram does when a poller died
   * before confirming it (its offset was lost). It is handed out once, whatever the offset says.
   */
  redeliver(update: Update): void {
    this.redelivered.push(update);
    this.emit('update', update);
    for (const listener of [...this.updateListeners]) listener();
  }

  /** Called whenever an update is queued; returns an unsubscribe function. */
  onUpdate(listener: () => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  /**
   * getUpdates' offset: updates below a positive offset are confirmed and forgotten; a negative
   * offset keeps only the last -offset updates.
   */
  confirm(offset: number): void {
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.updates = this.updates.slice(offset);
  }

  setAllowedUpdates(types: string[]): void {
    this.allowedUpdates = types.length === 0 ? DEFAULT_ALLOWED : new Set(types);
  }

  /** The first `limit` pending updates of allowed types (others are dropped, as Telegram does). */
  pendingUpdates(limit: number): Update[] {
    this.updates = this.updates.filter((u) => this.allowedUpdates.has(Object.keys(u).find((k) => k !== 'update_id')!));
    return [...this.redelivered, ...this.updates].slice(0, limit);
  }

  /** pendingUpdates for a getUpdates answer: redelivered updates are handed out once. */
  takeUpdates(limit: number): Update[] {
    const out = this.pendingUpdates(limit);
    this.redelivered = this.redelivered.filter((u) => !out.includes(u));
    return out;
  }

  // --- files and callback queries ---------------------------------------------------------------

  storeFile(kind: FileKind, content: Buffer, fileName: string | undefined, mimeType: string | undefined): FileRecord {
    const n = this.nextFile++;
    const prefix = kind === 'photo' ? 'AgACAgIAAxkBAA' : 'BQACAgIAAxkBAA';
    const extension = kind === 'photo' ? 'jpg' : (fileName?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1] ?? 'dat');
    const record: FileRecord = {
      kind,
      fileId: `${prefix}${n.toString(36).toUpperCase()}${randomBytes(24).toString('base64url')}`,
      fileUniqueId: `AgAD${n.toString(36).toUpperCase()}${randomBytes(5).toString('base64url')}`,
      filePath: `${kind === 'photo' ? 'photos' : 'documents'}/file_${n}.${extension}`,
      fileName,
      mimeType,
      content,
    };
    this.files.set(record.fileId, record);
    return record;
  }

  fileByPath(filePath: string): FileRecord | undefined {
    for (const file of this.files.values()) if (file.filePath === filePath) return file;
    return undefined;
  }

  newCallbackQueryId(): string {
    // Telegram's ids are large decimal strings
    return `${BigInt(this.bot.id) * 1000n + BigInt(this.nextCallbackQuery++)}${randomBytes(2).readUInt16BE()}`;
  }

  private newChat(id: number, type: ChatType, extra: { title?: string; isForum?: boolean; user?: User }): ChatRecord {
    return {
      id,
      type,
      title: extra.title,
      isForum: extra.isForum ?? false,
      user: extra.user,
      members: new Map(),
      botStatus: 'member',
      messages: new Map(),
      nextMessageId: 1,
      topics: new Map(),
      chatInstance: `${BigInt(id) * 7919n + BigInt(this.bot.id)}`.replace('-', ''),
    };
  }
}

/** A message as it appears inside reply_to_message: without its own reply_to_message. */
export function asReply(message: Message): NonNullable<Message['reply_to_message']> {
  const { reply_to_message: _omitted, ...rest } = message;
  return rest as NonNullable<Message['reply_to_message']>;
}

/** The ChatMember object for a status, with the rights an ordinary administrator has. */
export function chatMemberShape(chat: ChatRecord, user: User, status: MemberStatus): ChatMember {
  switch (status) {
    case 'creator':
      return { user, status: 'creator', is_anonymous: false };
    case 'administrator':
      return {
        user,
        status: 'administrator',
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
        ...(chat.isForum ? { can_manage_topics: true } : {}),
      } as ChatMember;
    case 'member':
      return { user, status: 'member' };
    case 'restricted':
      return {
        user,
        status: 'restricted',
        is_member: true,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_change_info: false,
        can_invite_users: false,
        can_pin_messages: false,
        can_manage_topics: false,
        until_date: 0,
      } as ChatMember;
    case 'left':
      return { user, status: 'left' };
    case 'kicked':
      return { user, status: 'kicked', until_date: 0 };
  }
}
