import type { Message, ResponseParameters, Update, User } from 'grammy/types';
import type { Clock } from './clock.js';

/** Options of {@link createFakeTelegram}: one fake server serves exactly one bot token. */
export type FakeTelegramOptions = {
  /** The bot token, `<bot id>:<secret>`; the bot id (the part before `:`) becomes the bot's user id. */
  token: string;
  /** The bot's username without `@`, as `getMe` reports it. */
  botUsername: string;
  /** The bot's display name; defaults to the username. */
  botFirstName?: string;
  /** Gives `date` and `edit_date` of messages and the `at` of recorded calls. Defaults to the system clock. */
  clock?: Clock;
  /**
   * Telegram's privacy mode: when on, in groups where the bot is not an administrator it only
   * receives commands, replies to its own messages and messages that mention it. Off by default
   * (as after `/setprivacy` -> Disable), which `getMe` reports as `can_read_all_group_messages: true`.
   */
  privacyMode?: boolean;
  /**
   * Answer 429 when the bot exceeds Telegram's sending limits (see {@link RateLimits}). Off by
   * default; the send log is kept either way and {@link FakeTelegram.limitViolations} reports
   * what would have been refused.
   */
  enforceLimits?: boolean;
  /** Overrides of the default sending limits. */
  limits?: Partial<RateLimits>;
  /**
   * How long (real time) a callback query can be answered; later answers get
   * "query is too old". Telegram does not document the exact value; 15 s by default.
   */
  callbackQueryTtlMs?: number;
};

/** Options of {@link startFakeTelegram}: the fake's options plus where to listen. */
export type StartFakeTelegramOptions = FakeTelegramOptions & {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default; the fake has no authentication beyond the token. */
  host?: string;
};

/**
 * Telegram's broadcasting limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
 * Counted over successful sends (sendMessage, sendDocument, sendPhoto, copyMessage, forwardMessage) in sliding windows.
 */
export type RateLimits = {
  /** Messages per second in one chat. Default 1. */
  perChatPerSecond: number;
  /** Messages per minute in one group or supergroup. Default 20. */
  perGroupPerMinute: number;
  /** Messages per second across all chats. Default 30. */
  globalPerSecond: number;
};

/** A simulated Telegram user to create with {@link FakeTelegram.createUser}. */
export type CreateUserOptions = {
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  /** Defaults to the next free id; ids are above 2^32, as real ones are, so 32-bit columns fail. */
  id?: number;
};

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

/** A group to create with {@link FakeTelegram.createGroup}. Creating it emits no update. */
export type CreateGroupOptions = {
  title: string;
  /** 'supergroup' by default (ids -100...); a basic 'group' cannot be a forum. */
  type?: 'group' | 'supergroup';
  /** A forum supergroup with topics. */
  isForum?: boolean;
  /** The owner; status 'creator'. */
  creator?: User;
  /** Status 'administrator'. */
  admins?: User[];
  /** Status 'member'. */
  members?: User[];
  /** The bot's own membership; 'member' by default. */
  botStatus?: 'member' | 'administrator';
  /** Defaults to the next free id of the chat's type. */
  id?: number;
};

/** Where a simulated user writes: a group id, or `'private'` for the user's private chat with the bot. */
export type ChatTarget = number | 'private';

/** A text a simulated user sends with {@link FakeTelegram.sendText}. */
export type UserTextOptions = {
  from: User;
  chat: ChatTarget;
  text: string;
  /** The message_id this message replies to (same chat). */
  replyTo?: number;
  /** A forum topic's message_thread_id. */
  threadId?: number;
  /** Explicit entities; by default they are detected like Telegram does (commands, mentions, urls...). */
  entities?: Message['entities'];
};

/** A file a simulated user sends with {@link FakeTelegram.sendDocument} or {@link FakeTelegram.sendPhoto}. */
export type UserFileOptions = {
  from: User;
  chat: ChatTarget;
  content: Buffer | Uint8Array | string;
  fileName?: string;
  mimeType?: string;
  caption?: string;
  replyTo?: number;
  threadId?: number;
};

/** A simulated press on an inline button of a bot message, by `data` (callback_data) or by button `text`. */
export type PressButtonOptions = {
  from: User;
  chat: ChatTarget;
  messageId: number;
} & ({ data: string; text?: never } | { text: string; data?: never }) & {
    /**
     * A modified client: send `data` even though no button on the message carries it (Telegram
     * delivers whatever callback data a client sends, with the message as it really is).
     */
    forged?: boolean;
  };

/** The JSON body Telegram answers with. */
export type ApiResponse = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

/** A file part of a multipart request, as recorded in {@link ApiCall.params}. */
export type UploadedFile = {
  fileName: string;
  mimeType: string;
  size: number;
  content: Buffer;
};

/** One Bot API request the bot made, recorded when it was answered. */
export type ApiCall = {
  /** 1, 2, 3... in the order the calls were answered. */
  seq: number;
  /** The method as the bot spelled it in the URL. */
  method: string;
  /** JSON body, form fields (JSON-decoded where they were JSON) and query parameters; uploaded files as {@link UploadedFile}. */
  params: Record<string, unknown>;
  /** When the request arrived, by the fake's clock. */
  at: Date;
  /** HTTP status; 0 when no answer went out (an injected disconnect, or the client gave up, as grammY's bot.stop does with its pending long poll). */
  status: number;
  /** The JSON answer; null when no answer went out or it was an HTML (nginx) error page. */
  response: ApiResponse | null;
  /** True when the answer came from {@link FakeTelegram.failNext} (a 429 of `enforceLimits` is Telegram's own answer, not injected). */
  injected: boolean;
};

/**
 * A failure for {@link FakeTelegram.failNext}. 502 and 504 answer with nginx's HTML page (not JSON),
 * as Telegram's front end does; `disconnect` drops the connection without an answer.
 */
export type InjectedError =
  | { code: 429; retryAfter: number; description?: string }
  | { code: 400 | 401 | 403 | 404 | 409 | 500; description?: string }
  | { code: 502 | 504 }
  | { disconnect: true };

export type FailNextOptions = {
  /** Only calls of this method (case-insensitive); any method by default. */
  method?: string;
  /** Only calls whose chat_id is this chat. */
  chatId?: number;
  /** How many matching calls fail; 1 by default. */
  times?: number;
  error: InjectedError;
  /**
   * Execute the call anyway and only replace its answer: the message is sent but the bot
   * believes it failed (a lost response). False by default.
   */
  applied?: boolean;
};

/** A message as the chat shows it now (edits applied). */
export type HistoryEntry = {
  message: Message;
  byBot: boolean;
  deleted: boolean;
};

/** One message the bot sent, for checking Telegram's sending limits. */
export type SendLogEntry = {
  chatId: number;
  chatType: 'private' | 'group' | 'supergroup';
  method: string;
  messageId: number;
  /** By the fake's clock. */
  at: Date;
  /** Real milliseconds since the fake was created (performance.now based). */
  elapsedMs: number;
};

/** A send that broke one of the {@link RateLimits}. */
export type LimitViolation = {
  rule: keyof RateLimits;
  send: SendLogEntry;
  /** How many sends (this one included) fell in the window. */
  count: number;
};

/** What happened to a message, for live views. */
export type MessageEvent = {
  kind: 'new' | 'edited' | 'deleted';
  chatId: number;
  message: Message;
  byBot: boolean;
};

/** Events of {@link FakeTelegram.on}. */
export type FakeTelegramEvents = {
  call: ApiCall;
  update: Update;
  message: MessageEvent;
};

/** A file the fake holds, uploaded by the bot or sent by a simulated user. */
export type StoredFile = {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  fileName: string | undefined;
  mimeType: string | undefined;
  content: Buffer;
};
