/**
 * A fake Telegram Bot API server: grammY (or anything speaking the Bot API over HTTP) talks to it
 * as to api.telegram.org, while tests, benchmarks and the offline sandbox play the people in the
 * chats and inspect what the bot did.
 *
 * ```ts
 * const tg = await startFakeTelegram({ token: '123:ABC', botUsername: 'duban_bot' });
 * const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
 * const alice = tg.createUser({ firstName: 'Alice' });
 * const group = tg.createGroup({ title: 'Leaders', members: [alice] });
 * tg.sendText({ from: alice, chat: group.id, text: '/start' });
 * const call = await tg.waitFor('sendMessage');
 * await tg.stop();
 * ```
 */
export { createFakeTelegram, FakeTelegram, startFakeTelegram } from './fake-telegram.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { Clock } from './clock.js';
/** How Telegram reads a `parse_mode` text: a test can compare what the bot meant with what arrived. */
export { formatText, type FormatOptions, type FormattedText } from './entities.js';
export type {
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
  MessageEvent,
  PressButtonOptions,
  RateLimits,
  SendLogEntry,
  StartFakeTelegramOptions,
  StoredFile,
  UploadedFile,
  UserFileOptions,
  UserTextOptions,
} from './types.js';
