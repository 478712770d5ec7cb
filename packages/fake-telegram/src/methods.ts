/**
 * The Bot API methods the fake implements, with Telegram's validation and error descriptions.
 * Each method takes the request's parameters and returns the `result`, or throws an ApiError.
 * getUpdates is not here: it waits (long polling), so fake-telegram.ts owns it.
 */
import type {
  BotCommand,
  ChatFullInfo,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  PhotoSize,
  User,
  UserFromGetMe,
} from 'grammy/types';
import { ApiError, badRequest, forbidden, tooManyRequests } from './api-error.js';
import { Upload } from './body.js';
import { characterCount, checkLink, formatText } from './entities.js';
import type { SendLog } from './limits.js';
import type { Params } from './params.js';
import { chatMemberShape, type ChatRecord, type FakeTelegramState, type FileKind, type FileRecord, type StoredMessage } from './state.js';

export type MethodContext = {
  state: FakeTelegramState;
  botInfo: UserFromGetMe;
  /** The bot as `from` of its messages. */
  botUser: User;
  sendLog: SendLog;
  enforceLimits: boolean;
  callbackQueryTtlMs: number;
};

type Method = (p: Params, ctx: MethodContext) => unknown;

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_DOWNLOAD = 20 * 1024 * 1024;
const FORUM_ICON_COLORS = [0x6fb9f0, 0xffd67e, 0xcb86db, 0x8eee98, 0xff93b2, 0xfb6f5f];
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
] as const;

// --- shared checks ------------------------------------------------------------------------------

/**
 * The chat named by chat_id, as the bot may use it. `write` adds the checks for sending:
 * a user who never opened the bot or who blocked it.
 */
function resolveChat(ctx: MethodContext, p: Params, options: { write: boolean }, name = 'chat_id'): ChatRecord {
  const id = p.chatId(name);
  const chat = ctx.state.chats.get(id);
  if (!chat) {
    if (options.write && ctx.state.users.has(id)) throw forbidden("bot can't initiate conversation with a user");
    throw badRequest('chat not found');
  }
  if (chat.type === 'private') {
    if (options.write && chat.botStatus === 'kicked') throw forbidden('bot was blocked by the user');
    return chat;
  }
  if (chat.migratedTo !== undefined)
    throw new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: chat.migratedTo });
  const kind = chat.type === 'group' ? 'group chat' : 'supergroup chat';
  if (chat.botStatus === 'kicked') throw forbidden(`bot was kicked from the ${kind}`);
  if (chat.botStatus === 'left') throw forbidden(`bot is not a member of the ${kind}`);
  return chat;
}

function topicOf(chat: ChatRecord, p: Params): number | undefined {
  const thread = p.int('message_thread_id');
  if (thread === undefined || !chat.isForum) return undefined;
  if (!chat.topics.has(thread)) throw badRequest('message thread not found');
  return thread;
}

function replyTarget(ctx: MethodContext, chat: ChatRecord, p: Params): StoredMessage | undefined {
  const parameters = p.json<{ message_id?: unknown; chat_id?: unknown; allow_sending_without_reply?: unknown }>(
    'reply_parameters',
    'reply parameters JSON object',
  );
  let messageId: number | undefined;
  let allowWithoutReply = p.bool('allow_sending_without_reply');
  if (parameters) {
    messageId = Number(parameters.message_id);
    if (!Number.isInteger(messageId)) throw badRequest('message to be replied not found');
    if (parameters.allow_sending_without_reply !== undefined) {
      allowWithoutReply = parameters.allow_sending_without_reply === true;
    }
    // replies to another chat (external_reply) are not modelled
    if (parameters.chat_id !== undefined && Number(parameters.chat_id) !== chat.id) {
      if (allowWithoutReply) return undefined;
      throw badRequest('message to be replied not found');
    }
  } else {
    messageId = p.int('reply_to_message_id');
  }
  if (messageId === undefined) return undefined;
  const target = ctx.state.liveMessage(chat, messageId);
  if (!target && !allowWithoutReply) throw badRequest('message to be replied not found');
  return target;
}

/**
 * Validates reply_markup. Only an inline keyboard becomes part of the message (Telegram never
 * returns reply keyboards in Message objects); empty rows are dropped.
 */
function replyMarkup(p: Params): InlineKeyboardMarkup | undefined {
  const markup = p.json<Record<string, unknown>>('reply_markup', 'reply keyboard markup JSON object');
  if (markup === undefined) return undefined;
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  if (!('inline_keyboard' in markup)) {
    if ('keyboard' in markup || 'remove_keyboard' in markup || 'force_reply' in markup) return undefined;
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const kept = (rows as unknown[][]).filter((row) => row.length > 0).map((row) => row.map(inlineButton));
  return kept.length > 0 ? { inline_keyboard: kept } : undefined;
}

function inlineButton(raw: unknown): InlineKeyboardButton {
  if (typeof raw !== 'object' || raw === null) {
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  }
  const button = raw as Record<string, unknown>;
  if (typeof button.text !== 'string') {
    throw badRequest(`can't parse inline keyboard button: Field "text" must be of type String`);
  }
  const actions = BUTTON_ACTIONS.filter((action) => button[action] !== undefined);
  if (actions.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (button.callback_data !== undefined) {
    const data = button.callback_data;
    if (typeof data !== 'string' || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64) {
      throw badRequest('BUTTON_DATA_INVALID');
    }
  }
  if (button.url !== undefined) {
    const url = typeof button.url === 'string' ? checkLink(button.url) : undefined;
    if (!url) throw badRequest(`inline keyboard button URL '${String(button.url)}' is invalid: Wrong HTTP URL`);
    return { ...button, url } as unknown as InlineKeyboardButton;
  }
  return { ...button } as unknown as InlineKeyboardButton;
}

function format(ctx: MethodContext, raw: string, p: Params, entitiesField: string) {
  return formatText(raw, p.string('parse_mode'), p.json<MessageEntity[]>(entitiesField), {
    findUser: (id) => ctx.state.users.get(id),
  });
}

function messageText(ctx: MethodContext, p: Params): Pick<Message, 'text' | 'entities'> {
  const formatted = format(ctx, p.string('text') ?? '', p, 'entities');
  if (formatted.text === '') throw badRequest('message text is empty');
  if (characterCount(formatted.text) > MAX_TEXT) throw badRequest('message is too long');
  return { text: formatted.text, ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}) };
}

function caption(ctx: MethodContext, p: Params): Pick<Message, 'caption' | 'caption_entities'> {
  const raw = p.string('caption');
  if (!raw) return {};
  const formatted = format(ctx, raw, p, 'caption_entities');
  if (characterCount(formatted.text) > MAX_CAPTION) throw badRequest('message caption is too long');
  if (formatted.text === '') return {};
  return {
    caption: formatted.text,
    ...(formatted.entities.length > 0 ? { caption_entities: formatted.entities } : {}),
  };
}

function throttle(ctx: MethodContext, chat: ChatRecord): void {
  if (!ctx.enforceLimits) return;
  const wait = ctx.sendLog.retryAfter({ chatId: chat.id, chatType: chat.type });
  if (wait !== undefined) throw tooManyRequests(wait);
}

/**
 * What every sending method shares: the chat and its checks, topic, reply, inline keyboard,
 * the limits, storing the message and logging the send. `content` validates and returns the
 * message's own fields (text, document...).
 */
function send(ctx: MethodContext, p: Params, method: string, content: (chat: ChatRecord) => Partial<Message>): Message {
  const chat = resolveChat(ctx, p, { write: true });
  const threadId = topicOf(chat, p);
  const replyTo = replyTarget(ctx, chat, p);
  const markup = replyMarkup(p);
  const body = content(chat);
  throttle(ctx, chat);
  const threading = ctx.state.threading(chat, threadId, replyTo);
  const message = ctx.state.addMessage(
    chat,
    true,
    (header) =>
      ({
        message_id: header.message_id,
        ...(threading.message_thread_id !== undefined ? { message_thread_id: threading.message_thread_id } : {}),
        from: ctx.botUser,
        chat: header.chat,
        date: header.date,
        ...(threading.is_topic_message ? { is_topic_message: true } : {}),
        ...(threading.reply_to_message ? { reply_to_message: threading.reply_to_message } : {}),
        ...(p.bool('protect_content') ? { has_protected_content: true as const } : {}),
        ...body,
        ...(markup ? { reply_markup: markup } : {}),
      }) as Message,
  );
  ctx.sendLog.record({
    chatId: chat.id,
    chatType: chat.type,
    method,
    messageId: message.message_id,
    at: ctx.state.clock.now(),
    elapsedMs: ctx.sendLog.elapsedMs(),
  });
  return message;
}

/** An uploaded file, or a file_id the fake issued before (of the same kind). */
function inputFile(ctx: MethodContext, p: Params, kind: FileKind): FileRecord {
  const input = p.file(kind);
  if (input === undefined) throw badRequest(`there is no ${kind} in the request`);
  if (input instanceof Upload) {
    if (input.size === 0) throw badRequest('file must be non-empty');
    return kind === 'document' ? ctx.state.storeFile('document', input.content, input.fileName, input.mimeType) : storePhoto(ctx.state, input.content);
  }
  if (/^https?:\/\//i.test(input)) throw badRequest('failed to get HTTP URL content');
  const record = ctx.state.files.get(input.trim());
  if (!record) throw badRequest('wrong file identifier/HTTP URL specified');
  if (record.kind !== kind) throw badRequest(`can't use file of type ${title(record.kind)} as ${title(kind)}`);
  return record;
}

function title(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Stores a photo with its dimensions (read from PNG/JPEG headers when possible). */
export function storePhoto(state: FakeTelegramState, content: Buffer): FileRecord {
  const record = state.storeFile('photo', content, undefined, 'image/jpeg');
  const size = imageSize(content) ?? { width: 1280, height: 960 };
  record.width = size.width;
  record.height = size.height;
  return record;
}

/** Telegram offers a photo in several sizes; here a thumbnail (same bytes) and the original. */
export function photoSizes(state: FakeTelegramState, record: FileRecord): PhotoSize[] {
  const width = record.width ?? 1280;
  const height = record.height ?? 960;
  const full: PhotoSize = {
    file_id: record.fileId,
    file_unique_id: record.fileUniqueId,
    file_size: record.content.length,
    width,
    height,
  };
  if (Math.max(width, height) <= 320) return [full];
  const scale = 320 / Math.max(width, height);
  const thumb = state.storeFile('photo', record.content, undefined, 'image/jpeg');
  thumb.width = Math.round(width * scale);
  thumb.height = Math.round(height * scale);
  return [{ file_id: thumb.fileId, file_unique_id: thumb.fileUniqueId, file_size: thumb.content.length, width: thumb.width, height: thumb.height }, full];
}

export function documentShape(record: FileRecord): NonNullable<Message['document']> {
  return {
    ...(record.fileName !== undefined ? { file_name: record.fileName } : {}),
    ...(record.mimeType !== undefined ? { mime_type: record.mimeType } : {}),
    file_id: record.fileId,
    file_unique_id: record.fileUniqueId,
    file_size: record.content.length,
  };
}

function imageSize(content: Buffer): { width: number; height: number } | undefined {
  if (content.length >= 24 && content.readUInt32BE(0) === 0x89504e47) {
    return { width: content.readUInt32BE(16), height: content.readUInt32BE(20) };
  }
  if (content.length >= 4 && content[0] === 0xff && content[1] === 0xd8) {
    let i = 2;
    while (i + 9 < content.length && content[i] === 0xff) {
      const marker = content[i + 1]!;
      const length = content.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: content.readUInt16BE(i + 7), height: content.readUInt16BE(i + 5) };
      }
      i += 2 + length;
    }
  }
  return undefined;
}

/** The message an edit method targets: one of the bot's own, still there. */
function editable(ctx: MethodContext, p: Params): { chat: ChatRecord; stored: StoredMessage } {
  if (p.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const chat = resolveChat(ctx, p, { write: true });
  const messageId = p.int('message_id');
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  const stored = ctx.state.liveMessage(chat, messageId);
  if (!stored) throw badRequest('message to edit not found');
  if (!stored.byBot) throw badRequest("message can't be edited");
  return { chat, stored };
}

const notModified = () =>
  badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Applies an edit. Editing text or caption without reply_markup removes the inline keyboard,
 * as on Telegram. Edits count towards the sending limits like new messages.
 */
function applyEdit(
  ctx: MethodContext,
  method: string,
  chat: ChatRecord,
  stored: StoredMessage,
  changes: Partial<Message>,
  removed: (keyof Message)[],
  markup: InlineKeyboardMarkup | undefined,
): Message {
  const current = stored.message as unknown as Record<string, unknown>;
  const next: Record<string, unknown> = { ...current };
  for (const key of [...removed, 'reply_markup', 'edit_date']) delete next[key];
  Object.assign(next, changes);
  if (markup) next.reply_markup = markup;
  const fields = [...Object.keys(changes), ...removed, 'reply_markup'];
  if (fields.every((key) => same(current[key], next[key]))) throw notModified();
  throttle(ctx, chat);
  next.edit_date = ctx.state.unixNow();
  ctx.state.replaceMessage(chat, stored, next as unknown as Message);
  ctx.sendLog.record({
    chatId: chat.id,
    chatType: chat.type,
    method,
    messageId: stored.message.message_id,
    at: ctx.state.clock.now(),
    elapsedMs: ctx.sendLog.elapsedMs(),
  });
  return stored.message;
}

function contentOf(message: Message): Partial<Message> {
  const keys = ['text', 'entities', 'document', 'photo', 'caption', 'caption_entities'] as const;
  const content: Record<string, unknown> = {};
  for (const key of keys) if (message[key] !== undefined) content[key] = message[key];
  return content as Partial<Message>;
}

function sourceMessage(ctx: MethodContext, p: Params, action: string): Message {
  const from = resolveChat(ctx, p, { write: false }, 'from_chat_id');
  const stored = ctx.state.liveMessage(from, p.requiredInt('message_id'));
  if (!stored) throw badRequest(`message to ${action} not found`);
  if (stored.message.text === undefined && stored.message.document === undefined && stored.message.photo === undefined) {
    throw badRequest(`message can't be ${action === 'copy' ? 'copied' : 'forwarded'}`);
  }
  return stored.message;
}

function scopeKey(ctx: MethodContext, p: Params): string {
  const scope = p.json<{ type?: unknown; chat_id?: unknown; user_id?: unknown }>('scope', 'BotCommandScope') ?? {
    type: 'default',
  };
  const types = ['default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators', 'chat', 'chat_administrators', 'chat_member'];
  if (typeof scope.type !== 'string' || !types.includes(scope.type)) throw badRequest('unsupported bot command scope type');
  const key: Record<string, unknown> = { type: scope.type };
  if (scope.type.startsWith('chat')) {
    if (!ctx.state.chats.has(Number(scope.chat_id))) throw badRequest('chat not found');
    key.chat_id = scope.chat_id;
  }
  if (scope.type === 'chat_member') key.user_id = scope.user_id;
  return commandsKey(key, p.string('language_code'));
}

/** The key under which a command list is kept: its scope (type, chat_id, user_id) and language. */
export function commandsKey(scope: Record<string, unknown> | undefined, languageCode: string | undefined): string {
  const { type = 'default', chat_id, user_id } = scope ?? {};
  const key: Record<string, unknown> = { type };
  if (chat_id !== undefined) key.chat_id = Number(chat_id);
  if (user_id !== undefined) key.user_id = Number(user_id);
  return `${JSON.stringify(key)}|${languageCode ?? ''}`;
}

// --- the methods -------------------------------------------------------------------------------

const methods: Record<string, Method> = {
  getMe: (_p, ctx) => ctx.botInfo,
  logOut: () => true,
  close: () => true,
  deleteWebhook: (p, ctx) => {
    if (p.bool('drop_pending_updates')) ctx.state.updates = [];
    ctx.state.webhook = undefined;
    return true;
  },
  setWebhook: (p, ctx) => {
    const url = p.string('url');
    if (url === undefined) throw badRequest('parameter "url" is required');
    if (p.bool('drop_pending_updates')) ctx.state.updates = [];
    // An empty url removes the webhook, as deleteWebhook does.
    if (url === '') {
      ctx.state.webhook = undefined;
      return true;
    }
    if (!/^https:\/\/[^\s/]+/.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    const secretToken = p.string('secret_token');
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) throw badRequest('secret token contains unallowed characters');
    const allowed = p.json<unknown>('allowed_updates', 'allowed_updates JSON object');
    const allowedUpdates = Array.isArray(allowed) ? allowed.map(String) : undefined;
    if (allowedUpdates) ctx.state.setAllowedUpdates(allowedUpdates);
    ctx.state.webhook = { url, secretToken, allowedUpdates };
    return true;
  },
  getWebhookInfo: (_p, ctx) => {
    const webhook = ctx.state.webhook;
    return {
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: ctx.state.updates.length,
      ...(webhook ? { max_connections: 40 } : {}),
      ...(webhook?.allowedUpdates ? { allowed_updates: webhook.allowedUpdates } : {}),
    };
  },

  sendMessage: (p, ctx) => send(ctx, p, 'sendMessage', () => messageText(ctx, p)),

  sendDocument: (p, ctx) =>
    send(ctx, p, 'sendDocument', () => {
      const extra = caption(ctx, p);
      return { document: documentShape(inputFile(ctx, p, 'document')), ...extra };
    }),

  sendPhoto: (p, ctx) =>
    send(ctx, p, 'sendPhoto', () => {
      const extra = caption(ctx, p);
      return { photo: photoSizes(ctx.state, inputFile(ctx, p, 'photo')), ...extra };
    }),

  forwardMessage: (p, ctx) => {
    const original = sourceMessage(ctx, p, 'forward');
    return send(ctx, p, 'forwardMessage', () => ({
      forward_origin: { type: 'user', sender_user: original.from!, date: original.date },
      ...contentOf(original),
    }));
  },

  copyMessage: (p, ctx) => {
    const original = sourceMessage(ctx, p, 'copy');
    const message = send(ctx, p, 'copyMessage', () => {
      const content = contentOf(original);
      if (p.has('caption') && content.text === undefined) {
        delete content.caption;
        delete content.caption_entities;
        Object.assign(content, caption(ctx, p));
      }
      return content;
    });
    return { message_id: message.message_id };
  },

  editMessageText: (p, ctx) => {
    const { chat, stored } = editable(ctx, p);
    if (stored.message.text === undefined) throw badRequest('there is no text in the message to edit');
    const text = messageText(ctx, p);
    return applyEdit(ctx, 'editMessageText', chat, stored, text, text.entities ? [] : ['entities'], replyMarkup(p));
  },

  editMessageCaption: (p, ctx) => {
    const { chat, stored } = editable(ctx, p);
    if (stored.message.text !== undefined) throw badRequest('there is no caption in the message to edit');
    const extra = caption(ctx, p);
    const removed: (keyof Message)[] = [];
    if (!extra.caption) removed.push('caption');
    if (!extra.caption_entities) removed.push('caption_entities');
    return applyEdit(ctx, 'editMessageCaption', chat, stored, extra, removed, replyMarkup(p));
  },

  editMessageReplyMarkup: (p, ctx) => {
    const { chat, stored } = editable(ctx, p);
    return applyEdit(ctx, 'editMessageReplyMarkup', chat, stored, {}, [], replyMarkup(p));
  },

  deleteMessage: (p, ctx) => {
    const chat = resolveChat(ctx, p, { write: true });
    const stored = ctx.state.liveMessage(chat, p.requiredInt('message_id'));
    if (!stored) throw badRequest('message to delete not found');
    if (stored.message.forum_topic_created) throw badRequest("message can't be deleted");
    const admin = ctx.state.isBotAdmin(chat);
    if (!stored.byBot && chat.type !== 'private' && !admin) throw badRequest("message can't be deleted");
    const ageSeconds = ctx.state.unixNow() - stored.message.date;
    if (ageSeconds >= 48 * 3600 && !(admin && chat.type === 'supergroup')) {
      throw badRequest("message can't be deleted for everyone");
    }
    ctx.state.deleteMessage(chat, stored);
    return true;
  },

  answerCallbackQuery: (p, ctx) => {
    const record = ctx.state.callbackQueries.get(p.requiredString('callback_query_id'));
    const expired = record !== undefined && ctx.sendLog.elapsedMs() - record.createdAtMs > ctx.callbackQueryTtlMs;
    if (!record || record.answered || expired) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = p.string('text');
    if (text !== undefined && characterCount(text) > 200) throw badRequest('MESSAGE_TOO_LONG');
    record.answered = true;
    record.answer = {
      ...(text !== undefined ? { text } : {}),
      ...(p.has('show_alert') ? { show_alert: p.bool('show_alert') } : {}),
      ...(p.has('url') ? { url: p.string('url')! } : {}),
      ...(p.has('cache_time') ? { cache_time: p.int('cache_time')! } : {}),
    };
    return true;
  },

  getFile: (p, ctx) => {
    const record = ctx.state.files.get(p.requiredString('file_id').trim());
    if (!record) throw badRequest('invalid file_id');
    if (record.content.length > MAX_DOWNLOAD) throw badRequest('file is too big');
    return {
      file_id: record.fileId,
      file_unique_id: record.fileUniqueId,
      file_size: record.content.length,
      file_path: record.filePath,
    };
  },

  setMyCommands: (p, ctx) => {
    const commands = p.json<BotCommand[]>('commands', 'commands JSON object');
    if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required');
    if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
    const cleaned = commands.map((command) => {
      if (typeof command?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
        throw badRequest('BOT_COMMAND_INVALID');
      }
      const description = typeof command.description === 'string' ? command.description.trim() : '';
      if (description.length === 0 || characterCount(description) > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      return { command: command.command, description };
    });
    const key = scopeKey(ctx, p);
    if (cleaned.length === 0) ctx.state.commands.delete(key);
    else ctx.state.commands.set(key, cleaned);
    return true;
  },
  getMyCommands: (p, ctx) => ctx.state.commands.get(scopeKey(ctx, p)) ?? [],
  deleteMyCommands: (p, ctx) => {
    ctx.state.commands.delete(scopeKey(ctx, p));
    return true;
  },
  // accepted and recorded, not modelled
  setMyDescription: () => true,
  setMyShortDescription: () => true,
  setMyName: () => true,
  setChatMenuButton: () => true,
  setMyDefaultAdministratorRights: () => true,

  getChat: (p, ctx): ChatFullInfo => {
    const chat = resolveChat(ctx, p, { write: false });
    const common = { accent_color_id: 0, max_reaction_count: 11 };
    if (chat.type === 'private') return { ...(ctx.state.chatShape(chat) as object), ...common } as ChatFullInfo;
    return {
      ...(ctx.state.chatShape(chat) as object),
      ...common,
      permissions: {
        can_send_messages: true,
        can_send_audios: true,
        can_send_documents: true,
        can_send_photos: true,
        can_send_videos: true,
        can_send_video_notes: true,
        can_send_voice_notes: true,
        can_send_polls: true,
        can_send_other_messages: true,
        can_add_web_page_previews: true,
        can_change_info: false,
        can_invite_users: true,
        can_pin_messages: false,
        can_manage_topics: false,
      },
    } as ChatFullInfo;
  },

  getChatMember: (p, ctx) => {
    const chat = resolveChat(ctx, p, { write: false });
    const userId = p.requiredInt('user_id');
    const user = userId === ctx.botUser.id ? ctx.botUser : ctx.state.users.get(userId);
    if (!user) throw badRequest('user not found');
    return chatMemberShape(chat, user, ctx.state.memberStatus(chat, userId));
  },

  getChatAdministrators: (p, ctx) => {
    const chat = resolveChat(ctx, p, { write: false });
    if (chat.type === 'private') throw badRequest('there are no administrators in the private chat');
    const admins = [...chat.members.values()]
      .filter((m) => m.status === 'creator' || m.status === 'administrator')
      .map((m) => chatMemberShape(chat, m.user, m.status));
    if (ctx.state.isBotAdmin(chat)) admins.push(chatMemberShape(chat, ctx.botUser, chat.botStatus));
    return admins;
  },

  getChatMemberCount: (p, ctx) => {
    const chat = resolveChat(ctx, p, { write: false });
    if (chat.type === 'private') return 2;
    const present = (status: string) => status !== 'left' && status !== 'kicked';
    return [...chat.members.values()].filter((m) => present(m.status)).length + (present(chat.botStatus) ? 1 : 0);
  },

  createForumTopic: (p, ctx) => {
    const chat = resolveChat(ctx, p, { write: true });
    if (!chat.isForum) throw badRequest('the chat is not a forum');
    if (!ctx.state.isBotAdmin(chat)) throw badRequest('not enough rights to create a topic');
    const name = p.string('name') ?? '';
    if (name.trim() === '' || characterCount(name) > 128) throw badRequest('TOPIC_TITLE_EMPTY');
    const iconColor = p.int('icon_color') ?? FORUM_ICON_COLORS[0]!;
    if (!FORUM_ICON_COLORS.includes(iconColor)) throw badRequest('TOPIC_ICON_COLOR_INVALID');
    const message = ctx.state.createTopic(chat, name, iconColor, ctx.botUser, true);
    return { message_thread_id: message.message_id, name, icon_color: iconColor };
  },

  sendChatAction: (p, ctx) => {
    const chat = resolveChat(ctx, p, { write: true });
    topicOf(chat, p);
    if (!CHAT_ACTIONS.has(p.string('action') ?? '')) throw badRequest('wrong parameter action in request');
    return true;
  },
};

const byLowerCase = new Map(Object.entries(methods).map(([name, method]) => [name.toLowerCase(), { name, method }]));

/** Method names are case-insensitive on Telegram. */
export function findMethod(name: string): { name: string; method: Method } | undefined {
  return byLowerCase.get(name.toLowerCase());
}

export { FORUM_ICON_COLORS };
