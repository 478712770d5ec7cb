/**
 * A fake Telegram Bot API server for one bot: grammY talks to it over HTTP exactly as to
 * api.telegram.org (`new Bot(token, { client: { apiRoot: tg.apiRoot } })`), while the test or the
 * sandbox plays the people in the chats and inspects every call the bot made.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, CallbackQuery, Chat, Message, Update, User, UserFromGetMe } from 'grammy/types';
import { systemClock, type Clock } from './clock.js';
import { ApiError, tooManyRequests } from './api-error.js';
import { DEFAULT_LIMITS, SendLog } from './limits.js';
import { commandsKey, findMethod, FORUM_ICON_COLORS, type MethodContext } from './methods.js';
import { Params } from './params.js';
import { createRequestListener, type BotApi, type HttpAnswer } from './server.js';
import { groupActor, setBotStatus, userEditsText, userPressesButton, userSendsFile, userSendsText, type SimulationContext } from './simulate.js';
import { FakeTelegramState, type ChatRecord } from './state.js';
import type {
  ApiCall,
  ApiResponse,
  ChatTarget,
  CreateGroupOptions,
  CreateUserOptions,
  FailNextOptions,
  FakeTelegramEvents,
  FakeTelegramOptions,
  HistoryEntry,
  InjectedError,
  LimitViolation,
  MemberStatus,
  PressButtonOptions,
  SendLogEntry,
  StartFakeTelegramOptions,
  StoredFile,
  UserFileOptions,
  UserTextOptions,
} from './types.js';

const NGINX_PAGE = (status: number, reason: string) =>
  `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`;

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  500: 'Internal Server Error',
};

type PendingPoll = { finish: (error?: ApiError) => void; conflict: () => void };

export class FakeTelegram {
  readonly token: string;
  /** The bot's user id: the numeric part of the token before `:`. */
  readonly botId: number;
  /** What getMe answers. */
  readonly botInfo: UserFromGetMe;

  readonly #clock: Clock;
  readonly #state: FakeTelegramState;
  readonly #sendLog: SendLog;
  readonly #methods: MethodContext;
  readonly #simulation: SimulationContext;
  readonly #emitter = new EventEmitter();
  readonly #calls: ApiCall[] = [];
  readonly #failures: (FailNextOptions & { remaining: number })[] = [];
  readonly #polls = new Set<PendingPoll>();
  #server: Server | undefined;
  #apiRoot: string | undefined;
  #stopped = false;

  constructor(options: FakeTelegramOptions) {
    const botId = Number(options.token.split(':')[0]);
    if (!/^\d+:[A-Za-z0-9_-]+$/.test(options.token) || !Number.isSafeInteger(botId)) {
      throw new Error(`a bot token looks like "123456:ABC-def", not ${JSON.stringify(options.token)}`);
    }
    this.token = options.token;
    this.botId = botId;
    this.#clock = options.clock ?? systemClock;
    const botUser: User = {
      id: botId,
      is_bot: true,
      first_name: options.botFirstName ?? options.botUsername,
      username: options.botUsername,
    };
    this.botInfo = {
      ...botUser,
      is_bot: true,
      username: options.botUsername,
      can_join_groups: true,
      can_read_all_group_messages: !(options.privacyMode ?? false),
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.#emitter.setMaxListeners(0);
    this.#state = new FakeTelegramState(botUser, this.#clock, (event, payload) => this.#emitter.emit(event, payload));
    this.#sendLog = new SendLog({ ...DEFAULT_LIMITS, ...options.limits });
    this.#methods = {
      state: this.#state,
      botInfo: this.botInfo,
      botUser,
      sendLog: this.#sendLog,
      enforceLimits: options.enforceLimits ?? false,
      callbackQueryTtlMs: options.callbackQueryTtlMs ?? 15_000,
    };
    this.#simulation = {
      state: this.#state,
      botUser,
      privacyMode: options.privacyMode ?? false,
      elapsedMs: () => this.#sendLog.elapsedMs(),
    };
  }

  // --- serving -----------------------------------------------------------------------------------

  /** `http://host:port` to give grammY as `client.apiRoot`; throws before {@link listen}. */
  get apiRoot(): string {
    if (!this.#apiRoot) throw new Error('the fake Telegram is not listening; call listen() or use startFakeTelegram');
    return this.#apiRoot;
  }

  /** Starts an HTTP server (loopback, free port by default) and resolves with the apiRoot. */
  async listen(options: { port?: number; host?: string } = {}): Promise<string> {
    if (this.#server) return this.apiRoot;
    const host = options.host ?? '127.0.0.1';
    const server = createServer(this.handleRequest);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    this.#apiRoot = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return this.#apiRoot;
  }

  /**
   * The node:http listener serving `/bot<token>/<method>` and `/file/bot<token>/<path>`; mount it
   * on another server (the sandbox) to share its port. Other paths get Telegram's 404.
   */
  readonly handleRequest: (req: IncomingMessage, res: ServerResponse) => void = createRequestListener(this.#botApi());

  /** Answers pending long polls and closes the server and its connections. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const poll of [...this.#polls]) poll.finish();
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    // let the answered polls flush before cutting keep-alive connections
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // --- people and chats ------------------------------------------------------------------------

  /** A simulated user; ids count up from 5000000001. */
  createUser(options: CreateUserOptions): User {
    return this.#state.createUser(options);
  }

  /** A group or (by default) supergroup with the bot in it; no update is emitted. */
  createGroup(options: CreateGroupOptions): Chat {
    return this.#state.chatShape(this.#state.createGroup(options));
  }

  /**
   * Creates a forum topic as a user would: a forum_topic_created service message (delivered to
   * the bot) whose id is the topic's message_thread_id. `from` defaults to the group's owner.
   */
  createTopic(chatId: number, name: string, options: { from?: User; iconColor?: number } = {}): { messageThreadId: number; message: Message } {
    const chat = this.#chat(chatId);
    const from = options.from ?? groupActor(chat);
    if (!from) throw new Error(`createTopic in ${chatId} needs { from }: the group has no members`);
    const message = this.#state.createTopic(chat, name, options.iconColor ?? FORUM_ICON_COLORS[0]!, from, false);
    this.#state.enqueue({ message } as Omit<Update, 'update_id'>);
    return { messageThreadId: message.message_id, message };
  }

  /**
   * Upgrades a basic group to a supergroup as Telegram does: a new chat (same title, members and
   * bot status) with a new id; the old id answers sends with a 400 that names the new one; a
   * service message in each (migrate_to_chat_id in the old, migrate_from_chat_id in the new).
   * Returns the new chat. `serviceMessages: false` loses those two updates (the bot was down for
   * longer than Telegram keeps updates).
   */
  upgradeToSupergroup(chatId: number, options: { from?: User; serviceMessages?: boolean } = {}): Chat {
    const old = this.#chat(chatId);
    if (old.type !== 'group') throw new Error(`only a basic group can be upgraded; ${chatId} is a ${old.type}`);
    const from = options.from ?? groupActor(old);
    if (!from) throw new Error(`upgradeToSupergroup of ${chatId} needs { from }: the group has no members`);
    const upgraded = this.#state.createGroup({ title: old.title ?? '', type: 'supergroup' });
    upgraded.botStatus = old.botStatus;
    for (const { user, status } of old.members.values()) this.#state.setMember(upgraded, user, status);
    old.migratedTo = upgraded.id;
    const service = (chat: ChatRecord, field: Partial<Message>) =>
      ({ message_id: chat.nextMessageId++, date: this.#state.unixNow(), chat: this.#state.chatShape(chat), from, ...field }) as Message;
    if (options.serviceMessages !== false) {
      this.#state.enqueue({ message: service(old, { migrate_to_chat_id: upgraded.id }) } as Omit<Update, 'update_id'>);
      this.#state.enqueue({ message: service(upgraded, { migrate_from_chat_id: old.id }) } as Omit<Update, 'update_id'>);
    }
    return this.#state.chatShape(upgraded);
  }

  /** Sets a user's membership silently (setup, not a simulated join); getChatMember reports it. */
  addMember(chatId: number, user: User, status: MemberStatus = 'member'): void {
    const chat = this.#chat(chatId);
    if (chat.type === 'private') throw new Error('private chats have no members to add');
    this.#state.setMember(chat, user, status);
  }

  // --- simulated people acting ---------------------------------------------------------------------

  /**
   * A user sends a text to a group or, with `chat: 'private'`, to the bot (which opens the private
   * chat). Entities (bot_command incl. /cmd@bot, mention, hashtag, url, email) are detected.
   */
  sendText(options: UserTextOptions): Message {
    return userSendsText(this.#simulation, options);
  }

  /** A user sends a file as a document (the bytes are kept for getFile and the download route). */
  sendDocument(options: UserFileOptions): Message {
    return userSendsFile(this.#simulation, 'document', options);
  }

  /** A user sends a photo; the message carries a thumbnail and the full size. */
  sendPhoto(options: UserFileOptions): Message {
    return userSendsFile(this.#simulation, 'photo', options);
  }

  /**
   * Queues an update exactly as given, for what the simulation does not model (a channel post, a
   * group's migrate_to_chat_id service message). Returns the queued update, or undefined when
   * the bot's allowed_updates leave this kind out (Telegram drops it then too).
   */
  injectUpdate(update: Omit<Update, 'update_id'>): Update | undefined {
    return this.#state.enqueue(update);
  }

  /** A user edits one of their texts; the bot gets edited_message. */
  editText(options: { from: User; chat: ChatTarget; messageId: number; text: string }): Message {
    return userEditsText(this.#simulation, options);
  }

  /**
   * A user presses an inline button (by callback_data or by its text) of a bot message as it is
   * stored now; throws when the message has no such button. Returns the queued CallbackQuery.
   */
  pressButton(options: PressButtonOptions): CallbackQuery {
    return userPressesButton(this.#simulation, options);
  }

  /** The user blocks the bot: my_chat_member (kicked); sends to them get 403 until they write again. */
  botBlockedBy(user: User): void {
    const chat = this.#state.privateChat(user, true)!;
    setBotStatus(this.#simulation, chat, 'kicked', user);
  }

  /** The bot is removed from a group: my_chat_member (kicked); sends there get 403. */
  botKickedFrom(chatId: number, options: { by?: User } = {}): void {
    this.setBotStatus(chatId, 'kicked', options);
  }

  /** Changes the bot's membership in a group (e.g. promoted to administrator) with its my_chat_member update. */
  setBotStatus(chatId: number, status: MemberStatus, options: { by?: User } = {}): void {
    const chat = this.#chat(chatId);
    const by = options.by ?? (chat.type === 'private' ? chat.user : groupActor(chat));
    if (!by) throw new Error(`setBotStatus in ${chatId} needs { by }: the group has no members`);
    setBotStatus(this.#simulation, chat, status, by);
  }

  // --- failure injection ----------------------------------------------------------------------------

  /**
   * Makes the next matching call(s) fail. Without `method` it matches any method except
   * getUpdates (the bot polls constantly; name getUpdates to fail the polling).
   */
  failNext(options: FailNextOptions): void {
    this.#failures.push({ ...options, remaining: options.times ?? 1 });
  }

  // --- inspection ------------------------------------------------------------------------------------

  /** Every answered API call, in order. */
  get calls(): readonly ApiCall[] {
    return this.#calls;
  }

  callsTo(method: string): ApiCall[] {
    const name = method.toLowerCase();
    return this.#calls.filter((call) => call.method.toLowerCase() === name);
  }

  /** The bot's messages that still exist, as they are now, in the order they were sent. */
  sentMessages(chatId?: number): Message[] {
    const chats = chatId === undefined ? [...this.#state.chats.values()] : [this.#chat(chatId)];
    return chats
      .flatMap((chat) => [...chat.messages.values()])
      .filter((stored) => stored.byBot && !stored.deleted)
      .sort((a, b) => a.sequence - b.sequence)
      .map((stored) => stored.message);
  }

  /** Every message of a chat (users' and the bot's), edits applied, deleted ones marked. */
  chatHistory(chatId: number): HistoryEntry[] {
    return this.#state.history(this.#chat(chatId));
  }

  /** A message as it is now; undefined when it never existed or was deleted. */
  message(chatId: number, messageId: number): Message | undefined {
    const chat = this.#state.chats.get(chatId);
    return chat ? this.#state.liveMessage(chat, messageId)?.message : undefined;
  }

  /** A stored file by file_id: what the bot uploaded or a user sent. */
  file(fileId: string): StoredFile | undefined {
    const record = this.#state.files.get(fileId);
    if (!record) return undefined;
    const { kind: _kind, width: _width, height: _height, ...file } = record;
    return file;
  }

  /** How the bot answered a callback query; undefined while unanswered. */
  callbackAnswer(queryId: string): { text?: string; show_alert?: boolean; url?: string; cache_time?: number } | undefined {
    return this.#state.callbackQueries.get(queryId)?.answer;
  }

  /** The command list the bot set for a scope (default scope) and language ('' = all). */
  commands(options: { scope?: Record<string, unknown>; languageCode?: string } = {}): BotCommand[] {
    return this.#state.commands.get(commandsKey(options.scope, options.languageCode)) ?? [];
  }

  /**
   * Delivers an update a second time with its original update_id, as Telegram does when the
   * bot's poller died before confirming it. The bot must handle it once only.
   */
  redeliver(update: Update): void {
    this.#state.redeliver(update);
  }

  /** The webhook the bot set (url, secret_token, allowed_updates); undefined while it polls. */
  webhook(): { url: string; secretToken: string | undefined; allowedUpdates: string[] | undefined } | undefined {
    return this.#state.webhook ? { ...this.#state.webhook } : undefined;
  }

  /** Updates queued and not yet confirmed by the bot (via getUpdates' offset). */
  pendingUpdates(): readonly Update[] {
    return this.#state.updates;
  }

  /** Every message the bot sent, with real timestamps, for checking Telegram's limits. */
  get sendLog(): readonly SendLogEntry[] {
    return this.#sendLog.entries;
  }

  /** Sends that broke Telegram's limits (whether or not `enforceLimits` refused later ones). */
  limitViolations(): LimitViolation[] {
    return this.#sendLog.violations();
  }

  /**
   * Resolves with the first call (already recorded from index `since` on, or future) matching a
   * method name or a predicate; rejects after `timeoutMs` (5 s) listing the last calls. For tests
   * that must not sleep.
   */
  waitFor(match: string | ((call: ApiCall) => boolean), options: { timeoutMs?: number; since?: number } = {}): Promise<ApiCall> {
    const predicate = typeof match === 'string' ? (call: ApiCall) => call.method.toLowerCase() === match.toLowerCase() : match;
    const { timeoutMs = 5000, since = 0 } = options;
    try {
      const found = this.#calls.slice(since).find(predicate);
      if (found) return Promise.resolve(found);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        const last = this.#calls
          .slice(-10)
          .map((call) => `${call.method} -> ${call.status}${call.response && !call.response.ok ? ` ${call.response.description}` : ''}`);
        const what = typeof match === 'string' ? match : 'the predicate';
        reject(new Error(`waitFor(${what}) timed out after ${timeoutMs} ms; last calls: ${last.join('; ') || 'none'}`));
      }, timeoutMs);
      const off = this.on('call', (call) => {
        let matched: boolean;
        try {
          matched = predicate(call);
        } catch (error) {
          clearTimeout(timer);
          off();
          reject(error);
          return;
        }
        if (matched) {
          clearTimeout(timer);
          off();
          resolve(call);
        }
      });
    });
  }

  /** Listens to 'call' (answered API calls), 'update' (queued updates) or 'message' events; returns an unsubscribe function. */
  on<K extends keyof FakeTelegramEvents>(event: K, listener: (payload: FakeTelegramEvents[K]) => void): () => void {
    this.#emitter.on(event, listener);
    return () => this.#emitter.off(event, listener);
  }

  /** Shorthand for `on('call', listener)`. */
  onCall(listener: (call: ApiCall) => void): () => void {
    return this.on('call', listener);
  }

  // --- internals -----------------------------------------------------------------------------------

  #chat(chatId: number): ChatRecord {
    const chat = this.#state.chats.get(chatId);
    if (!chat) throw new Error(`chat ${chatId} does not exist`);
    return chat;
  }

  #botApi(): BotApi {
    return {
      call: (request) => this.#call(request),
      download: (token, filePath) => (token === this.token ? this.#state.fileByPath(filePath)?.content : undefined),
    };
  }

  async #call(request: { token: string; method: string; params: Record<string, unknown> | ApiError; closed: AbortSignal }): Promise<HttpAnswer> {
    const at = this.#clock.now();
    const params = request.params instanceof ApiError ? {} : request.params;
    let answer: HttpAnswer;
    let injected = false;
    if (request.token !== this.token) {
      answer = json(new ApiError(401, 'Unauthorized').toResponse());
    } else if (request.params instanceof ApiError) {
      answer = json(request.params.toResponse());
    } else {
      const failure = this.#takeFailure(request.method, params);
      if (failure && !failure.applied) {
        answer = failureAnswer(failure.error);
        injected = true;
      } else {
        answer = await this.#execute(request.method, params, request.closed);
        if (failure) {
          answer = failureAnswer(failure.error);
          injected = true;
        }
      }
    }
    const dropped = 'disconnect' in answer || request.closed.aborted;
    const call: ApiCall = {
      seq: this.#calls.length + 1,
      method: request.method,
      params,
      at,
      status: dropped || 'disconnect' in answer ? 0 : answer.status,
      response: dropped || 'disconnect' in answer || 'html' in answer ? null : answer.json,
      injected,
    };
    this.#calls.push(call);
    this.#emitter.emit('call', call);
    return answer;
  }

  async #execute(method: string, params: Record<string, unknown>, closed: AbortSignal): Promise<HttpAnswer> {
    try {
      if (method.toLowerCase() === 'getupdates') {
        return json({ ok: true, result: await this.#getUpdates(new Params(params), closed) });
      }
      const found = findMethod(method);
      if (!found) return json({ ok: false, error_code: 404, description: 'Not Found: method not found' });
      return json({ ok: true, result: found.method(new Params(params), this.#methods) });
    } catch (error) {
      if (error instanceof ApiError) return json(error.toResponse());
      const description = `Internal Server Error: fake Telegram failed on ${method}: ${(error as Error).stack ?? String(error)}`;
      return json({ ok: false, error_code: 500, description });
    }
  }

  /**
   * Long polling. Confirms updates below `offset`, then answers at once when updates are pending,
   * else holds the request until one is queued, `timeout` seconds pass, the client goes away, or
   * the fake stops. A newer getUpdates ends a waiting one with 409, as Telegram does when two
   * instances poll the same bot.
   */
  async #getUpdates(p: Params, closed: AbortSignal): Promise<Update[]> {
    const offset = p.int('offset');
    const limit = Math.min(100, Math.max(1, p.int('limit') ?? 100));
    const timeout = Math.max(0, p.int('timeout') ?? 0);
    if (this.#state.webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const allowed = p.json<unknown>('allowed_updates', 'allowed_updates JSON object');
    for (const poll of [...this.#polls]) poll.conflict();
    if (offset !== undefined) this.#state.confirm(offset);
    if (Array.isArray(allowed)) this.#state.setAllowedUpdates(allowed.map(String));
    const ready = this.#state.takeUpdates(limit);
    if (ready.length > 0 || timeout === 0 || this.#stopped || closed.aborted) return ready;
    await new Promise<void>((resolve, reject) => {
      const poll: PendingPoll = {
        finish: (error) => {
          clearTimeout(timer);
          clearTimeout(conflictTimer);
          unsubscribe();
          closed.removeEventListener('abort', onClose);
          this.#polls.delete(poll);
          if (error) reject(error);
          else resolve();
        },
        // A client that stops polling aborts its request and at once sends a last getUpdates
        // (grammY's bot.stop does); the new request can arrive before the old socket's close is
        // seen, so wait a moment before calling it a conflict between two instances.
        conflict: () => {
          conflictTimer ??= setTimeout(() => poll.finish(closed.aborted ? undefined : new ApiError(409, DEFAULT_DESCRIPTIONS[409]!)), 25);
        },
      };
      let conflictTimer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => poll.finish(), timeout * 1000);
      const unsubscribe = this.#state.onUpdate(() => {
        if (this.#state.pendingUpdates(limit).length > 0) poll.finish();
      });
      const onClose = () => poll.finish();
      closed.addEventListener('abort', onClose);
      this.#polls.add(poll);
    });
    return this.#state.takeUpdates(limit);
  }

  #takeFailure(method: string, params: Record<string, unknown>): FailNextOptions | undefined {
    const name = method.toLowerCase();
    const index = this.#failures.findIndex((failure) => {
      if (failure.method === undefined ? name === 'getupdates' : failure.method.toLowerCase() !== name) return false;
      return failure.chatId === undefined || Number(params.chat_id) === failure.chatId;
    });
    if (index < 0) return undefined;
    const failure = this.#failures[index]!;
    failure.remaining--;
    if (failure.remaining <= 0) this.#failures.splice(index, 1);
    return failure;
  }
}

function json(body: ApiResponse): HttpAnswer {
  return { status: body.ok ? 200 : body.error_code, json: body };
}

function failureAnswer(error: InjectedError): HttpAnswer {
  if ('disconnect' in error) return { disconnect: true };
  if (error.code === 502 || error.code === 504) {
    return { status: error.code, html: NGINX_PAGE(error.code, error.code === 502 ? 'Bad Gateway' : 'Gateway Time-out') };
  }
  if (error.code === 429) {
    const base = tooManyRequests(error.retryAfter);
    return json(new ApiError(429, error.description ?? base.description, base.parameters).toResponse());
  }
  const description = 'description' in error ? error.description : undefined;
  return json(new ApiError(error.code, description ?? DEFAULT_DESCRIPTIONS[error.code]!).toResponse());
}

/** A fake Telegram that is not listening yet: call `listen()`, or mount `handleRequest`. */
export function createFakeTelegram(options: FakeTelegramOptions): FakeTelegram {
  return new FakeTelegram(options);
}

/** Creates a fake Telegram and starts it on loopback (a free port unless `port` is given). */
export async function startFakeTelegram(options: StartFakeTelegramOptions): Promise<FakeTelegram> {
  const { port, host, ...rest } = options;
  const tg = new FakeTelegram(rest);
  await tg.listen({ ...(port !== undefined ? { port } : {}), ...(host !== undefined ? { host } : {}) });
  return tg;
}
