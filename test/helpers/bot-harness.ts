import type { Chat, Message, User } from 'grammy/types';
import { startApp, type App } from '../../src/app.js';
import { createConfig, type Config } from '../../src/config.js';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import { createLogger } from '../../src/logger.js';
import type { Dispatcher, DispatcherLimits } from '../../src/outbox/dispatcher.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { manualTrigger, type ManualTrigger } from '../../src/scheduler/scheduler.js';
import { createManualClock, systemClock, type ManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, type StorageKind, type TestDatabase } from './db.js';

export const BOT_TOKEN = '7000000001:TEST-token-for-duban';

export type Harness = {
  tg: FakeTelegram;
  database: TestDatabase;
  clock: ManualClock;
  config: Config;
  dispatcher: Dispatcher;
  /** The app as main.ts starts it. */
  app: App;
  /** Fires the app's scheduler tick at the clock's now: what production's minute timer calls. */
  trigger: ManualTrigger;
  admin: User;
  /** A user says something; resolves when the bot has handled it and the outbox is drained. */
  say(from: User, chat: Chat | number | 'private', text: string, options?: { replyTo?: number; threadId?: number }): Promise<Message>;
  /** A user sends a file (with a caption), maybe as a reply. */
  sendFile(from: User, chat: Chat | number, options: { fileName: string; content: Buffer; caption?: string; replyTo?: number }): Promise<Message>;
  /**
   * A user presses an inline button (by its data or its text) on a bot message; with `forged`,
   * a modified client sends `data` that no button on the message carries.
   */
  press(from: User, chat: Chat | number, messageId: number, button: { data?: string; text?: string; forged?: boolean }): Promise<void>;
  /** The bot's messages in a chat, oldest first (current text after edits). */
  botMessages(chat: Chat | number): Message[];
  /** Waits until an update (default: the last one queued) was handled, then drains the outbox. */
  settle(updateId?: number): Promise<void>;
  lastBotMessage(chat: Chat | number): Message;
  /** The callback answers (toasts) the bot gave, newest last. */
  callbackAnswers(): { text?: string; show_alert?: boolean }[];
  stop(): Promise<void>;
};

const chatId = (chat: Chat | number) => (typeof chat === 'number' ? chat : chat.id);

/**
 * The real bot started as main.ts starts it (startApp), long-polling the fake Bot API, on a fresh
 * database, with a manual business clock and the outbox drained after every step.
 */
export async function startHarness(
  options: {
    kind?: StorageKind;
    config?: Record<string, unknown>;
    clock?: string;
    /** Dispatch on the business clock (for a story set in the future: rows planned then are due then). */
    dispatchOnBusinessClock?: boolean;
    /** Dispatcher limits over the harness's (no pacing, edits not spaced). */
    limits?: Partial<DispatcherLimits>;
  } = {},
): Promise<Harness> {
  const tg = await startFakeTelegram({ token: BOT_TOKEN, botUsername: 'duban_test_bot', botFirstName: '督办' });
  const admin = tg.createUser({ firstName: '督查室', lastName: '王', languageCode: 'zh-hans' });
  const database = await createTestDatabase(options.kind);
  const clock = createManualClock(options.clock ?? '2026-03-02T09:00:00+08:00');
  const config = createConfig({ env: { BOT_TOKEN, BOT_API_ROOT: tg.apiRoot, ADMIN_IDS: String(admin.id) }, file: options.config ?? {} });
  const handled = new Set<number>();
  const waiters = new Map<number, (() => void)[]>();
  // Errors only, kept: a reply that reached for a message missing in a language (the bot's i18n
  // throws under the tests) fails the test at stop(), even if the test never read that reply.
  const errorLines: string[] = [];
  const logger = createLogger({ level: 'error', destination: { write: (line: string) => errorLines.push(line) } });
  // The app as main.ts starts it (src/app.ts): migrations, the durable update inbox, long polling,
  // the command menus, the outbox dispatcher and the scheduler, on this test's database and clock.
  const trigger = manualTrigger();
  const app = await startApp(config, {
    database,
    clock,
    logger,
    metrics: createMetrics(),
    // The outbox and the direct replies on real time, unpaced (the fake enforces no limits), unless
    // the story is set in the future: rows planned then must be due then.
    dispatcherClock: options.dispatchOnBusinessClock ? clock : systemClock,
    dispatcherLimits: { privateGapMs: 0, groupGapMs: 0, groupWindowMax: 0, globalPerSecond: 0, cardEditGapMs: 0, ...options.limits },
    // The scheduler ticks when the test fires this trigger (after moving the clock), not each real minute.
    schedulerTrigger: trigger,
    polling: { timeoutSeconds: 1 },
    onUpdateHandled: (id) => {
      handled.add(id);
      for (const resolve of waiters.get(id) ?? []) resolve();
      waiters.delete(id);
    },
  });
  const dispatcher = app.dispatcher;

  let lastUpdateId = 0;
  tg.on('update', (u: { update_id: number }) => {
    lastUpdateId = u.update_id;
    // A redelivered update is handled (skipped) again: forget that we saw it handled.
    handled.delete(u.update_id);
  });
  const settle = async (updateId?: number) => {
    const id = updateId ?? lastUpdateId;
    if (!handled.has(id)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`update ${id} was not handled within 10 s`)), 10_000);
        waiters.set(id, [
          ...(waiters.get(id) ?? []),
          () => {
            clearTimeout(timer);
            resolve();
          },
        ]);
      });
    }
    await dispatcher.drain();
  };

  return {
    tg,
    database,
    clock,
    config,
    dispatcher,
    app,
    trigger,
    admin,
    settle,
    async say(from, chat, text, opts = {}) {
      const msg = tg.sendText({
        from,
        chat: chat === 'private' ? 'private' : chatId(chat),
        text,
        ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
        ...(opts.threadId ? { threadId: opts.threadId } : {}),
      });
      await settle();
      return msg;
    },
    async sendFile(from, chat, opts) {
      const msg = tg.sendDocument({
        from,
        chat: chatId(chat),
        content: opts.content,
        fileName: opts.fileName,
        ...(opts.caption ? { caption: opts.caption } : {}),
        ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
      });
      await settle();
      return msg;
    },
    async press(from, chat, messageId, button) {
      tg.pressButton({
        from,
        chat: chatId(chat),
        messageId,
        ...(button.data ? { data: button.data } : { text: button.text! }),
        ...(button.forged ? { forged: true } : {}),
      } as never);
      await settle();
    },
    botMessages(chat) {
      return tg
        .chatHistory(chatId(chat))
        .filter((e) => e.byBot && !e.deleted)
        .map((e) => e.message);
    },
    lastBotMessage(chat) {
      const all = tg.chatHistory(chatId(chat)).filter((e) => e.byBot && !e.deleted);
      if (all.length === 0) throw new Error(`the bot said nothing in chat ${chatId(chat)}`);
      return all[all.length - 1]!.message;
    },
    callbackAnswers() {
      return tg.callsTo('answerCallbackQuery').map((c) => c.params as { text?: string; show_alert?: boolean });
    },
    async stop() {
      await app.stop();
      await tg.stop();
      const missing = errorLines.filter((line) => line.includes('MissingMessageError'));
      if (missing.length > 0) {
        await database.drop();
        throw new Error(`the bot reached for a message missing in a language: ${missing[0]}`);
      }
      await database.drop();
    },
  };
}

/** The inline buttons of a message, flattened. */
export function buttonsOf(message: Message): { text: string; data: string }[] {
  const keyboard = (message.reply_markup?.inline_keyboard ?? []) as { text: string; callback_data?: string }[][];
  return keyboard.flat().map((b) => ({ text: b.text, data: b.callback_data ?? '' }));
}
