/**
 * The sandbox: the real bot (startApp, the same code path as production) talking to the project's
 * fake Telegram, which is mounted on the sandbox's own loopback HTTP server, with a movable clock,
 * a seeded demo organisation and chats that survive a restart. The page (sandbox-server.ts) and
 * `npm run demo` (demo.ts) both drive it through this object.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createFakeTelegram, type FakeTelegram, type HistoryEntry, type MessageEvent, type StoredFile } from '@duban/fake-telegram';
import { and, count, inArray, lte, sql } from 'drizzle-orm';
import type { Message, User } from 'grammy/types';
import { startApp, type App } from '../../../src/app.js';
import { localeFor } from '../../../src/i18n/translator.js';
import type { Config } from '../../../src/config.js';
import type { Database } from '../../../src/db/client.js';
import { runMigrations } from '../../../src/db/migrate.js';
import { outbox, processedUpdates } from '../../../src/db/schema/index.js';
import { silentLogger, type Logger } from '../../../src/logger.js';
import type { DispatcherLimits } from '../../../src/outbox/dispatcher.js';
import { manualTrigger, type ManualTrigger } from '../../../src/scheduler/scheduler.js';
import { openChatJournal, replayJournal, type ChatJournal } from './chat-journal.js';
import { createDemoChats, FIRST_INSTRUCTION, GROUPS, groupKind, needsSeed, persona, PERSONAS, SANDBOX_BOT, seedDemoOrg, STARTED_BOT } from './demo-org.js';
import { nextDue } from './next-due.js';
import { createSandboxClock, type SandboxClock } from './sandbox-clock.js';
import { createRequestHandler } from './sandbox-server.js';
import type { ClockStep, DueKind, SandboxInfo, SandboxStatus } from './wire.js';

export type { ClockStep, SandboxInfo, SandboxStatus } from './wire.js';

export type SandboxOptions = {
  /** The configuration without a bot token; its dataDir, timezone, locale, reminders and digests apply. */
  config: Config;
  logger?: Logger;
  /** Where the sandbox keeps its database and chats; default `<DATA_DIR>/sandbox`. */
  dir?: string;
  /** 127.0.0.1 unless a test says otherwise; the sandbox has no authentication. */
  host?: string;
  /** config.sandboxPort by default; 0 = a free port. */
  port?: number;
  /** Start over: wipe what an earlier run left in `dir` (the demo does). */
  fresh?: boolean;
  /** Where a fresh sandbox's clock starts; default now. */
  startAt?: Date;
  /**
   * Called as soon as the page can be served (the bot is still starting; the page says so), with
   * whether this start creates the database (and seeds the demo organisation).
   */
  onListening?: (event: { url: string; firstStart: boolean }) => void;
};

/** What a step moved: from, to, and each due instant run on the way. */
export type AdvanceResult = { from: Date; to: Date; ran: { at: Date; kind: DueKind | 'time' }[] };

export type SandboxEvents = {
  message: [MessageEvent];
  /** The clock moved: at each due instant on the way (with what fell due) and at the end. */
  clock: [{ now: Date; offsetMs: number; due?: DueKind }];
  status: [{ status: SandboxStatus }];
  /**
   * The bot asked for a reply (force_reply). Telegram keeps that out of the Message object, so
   * the sandbox reads it off the bot's call; the page then opens the reply, as clients do.
   */
  prompt: [{ chatId: number; messageId: number; placeholder?: string }];
  /** After a reset: every chat is new. */
  reset: [];
};

/** A refusal of the sandbox API (not of the bot): an HTTP status and a message id the page translates. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
    this.name = 'SandboxError';
  }
}

export type Sandbox = {
  /** http://127.0.0.1:port/ — the page. */
  readonly url: string;
  /** The fake Bot API's token; other tokens are refused with 401. */
  readonly token: string;
  readonly clock: SandboxClock;
  readonly events: EventEmitter<SandboxEvents>;
  readonly status: SandboxStatus;
  /** This run created the sandbox's database (the first start also seeds the demo organisation). */
  readonly firstStart: boolean;
  /** The current fake Telegram (a reset makes a new one). */
  readonly tg: FakeTelegram;
  /** The running bot; throws while starting or resetting. */
  readonly app: App;
  info(): SandboxInfo;
  history(chatId: number): HistoryEntry[];
  file(fileId: string): StoredFile | undefined;
  /** A person says something; resolves when the bot has handled it and sent what it planned. */
  sendText(input: { as: number; chatId: number; text: string; replyTo?: number; lang?: string }): Promise<Message>;
  /** A person sends a file (an image as a photo), with an optional caption. */
  sendFile(input: {
    as: number;
    chatId: number;
    content: Buffer;
    fileName: string;
    mimeType?: string;
    caption?: string;
    replyTo?: number;
    lang?: string;
  }): Promise<Message>;
  /** A person presses an inline button; resolves with the bot's answer (the toast). */
  press(input: { as: number; chatId: number; messageId: number; data: string; lang?: string }): Promise<{ text?: string; alert?: boolean }>;
  /** Moves the clock and runs, in order, whatever falls due on the way. */
  advance(step: ClockStep): Promise<AdvanceResult>;
  /** Starts over: fresh database, demo organisation seeded again, empty chats. */
  reset(): Promise<void>;
  stop(): Promise<void>;
};

const HOUR = 3_600_000;
/**
 * Telegram's pacing would make a demo crawl, and the sandbox's fake enforces no limits. The
 * dispatcher's drain looks again at rows in flight every `idlePollMs` (1 s by default): the
 * sandbox waits on drains, so it asks for a shorter look.
 */
const SANDBOX_DISPATCH: Partial<DispatcherLimits> = {
  privateGapMs: 0,
  groupGapMs: 0,
  groupWindowMax: 0,
  globalPerSecond: 0,
  idlePollMs: 100,
  // Someone trying the sandbox presses buttons faster than anyone in a real office: show each
  // card's change within seconds rather than spacing edits a minute apart.
  cardEditGapMs: 5_000,
};
/** How often the sandbox ticks its scheduler on its own, as production's minute timer would. */
const TICK_MS = 30_000;
const DAY = 24 * HOUR;

type Runtime = {
  tg: FakeTelegram;
  app: App;
  /** Ticks the app's scheduler at the sandbox clock's now: what production's minute timer calls. */
  trigger: ManualTrigger;
  users: Map<number, User>;
  journal: ChatJournal;
  lastUpdateId: number;
  handled: Set<number>;
  waiters: Map<number, () => void>;
  offs: (() => void)[];
};

/**
 * Starts the sandbox: the HTTP server on loopback first (the bot's API root is on it), then the
 * fake Telegram with the demo people and groups, the chats of the previous run, and the bot.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const logger = options.logger ?? silentLogger;
  const config = options.config;
  const dir = path.resolve(options.dir ?? path.join(config.dataDir, 'sandbox'));
  mkdirSync(dir, { recursive: true });
  const token = `${SANDBOX_BOT.id}:${randomBytes(24).toString('base64url')}`;
  const events = new EventEmitter<SandboxEvents>();
  events.setMaxListeners(0);

  let status: SandboxStatus = 'starting';
  const firstStart = !existsSync(path.join(dir, 'pglite', 'PG_VERSION'));
  let runtime: Runtime | undefined;
  let clock = createSandboxClock();
  let queue: Promise<unknown> = Promise.resolve();
  /** Clock moves and resets run one at a time. */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => {});
    return result;
  };
  const setStatus = (next: SandboxStatus) => {
    status = next;
    events.emit('status', { status });
  };

  let sandbox: Sandbox | undefined;
  const server: Server = createServer(
    createRequestHandler(
      () => sandbox,
      () => runtime?.tg,
    ),
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.sandboxPort, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const appConfig: Config = {
    ...config,
    botToken: token,
    botApiRoot: origin,
    databaseUrl: undefined,
    dataDir: dir,
    adminIds: [...new Set([...config.adminIds, persona('leader').id])],
  };

  async function boot(wipe: boolean): Promise<Runtime> {
    if (wipe) forgetChats(dir);
    const journal = openChatJournal(dir, logger);
    const saved = journal.saved;
    clock = createSandboxClock({ offsetMs: saved?.clockOffsetMs ?? (options.startAt ? options.startAt.getTime() - Date.now() : 0) });
    const tg = createFakeTelegram({ token, botUsername: SANDBOX_BOT.username, botFirstName: SANDBOX_BOT.firstName, clock, callbackQueryTtlMs: 60_000 });
    const byKey = createDemoChats(tg);
    const users = new Map([...byKey.values()].map((u) => [u.id, u]));
    const rt: Runtime = {
      tg,
      app: undefined as unknown as App,
      trigger: manualTrigger(),
      users,
      journal,
      lastUpdateId: 0,
      handled: new Set(),
      waiters: new Map(),
      offs: [],
    };
    runtime = rt;
    rt.offs.push(journal.follow(tg));
    if (saved && saved.entries.length > 0) {
      const count = await replayJournal({ tg, apiRoot: origin, dir, entries: saved.entries, users, clock, logger });
      clock.set(new Date(Date.now() + saved.clockOffsetMs));
      logger.info({ messages: count }, 'sandbox chats restored');
    }
    journal.setClockOffset(clock.offsetMs());
    rt.offs.push(
      tg.on('update', (u) => {
        rt.lastUpdateId = u.update_id;
        rt.handled.delete(u.update_id);
      }),
      tg.on('message', (event) => events.emit('message', event)),
      tg.on('call', (call) => {
        const markup = call.params.reply_markup as { force_reply?: boolean; input_field_placeholder?: string } | undefined;
        const result = call.response?.ok ? (call.response.result as { message_id?: number }) : undefined;
        if (!markup?.force_reply || !result?.message_id) return;
        events.emit('prompt', {
          chatId: Number(call.params.chat_id),
          messageId: result.message_id,
          ...(markup.input_field_placeholder ? { placeholder: markup.input_field_placeholder } : {}),
        });
      }),
    );

    let seeded = false;
    rt.app = await startApp(appConfig, {
      clock,
      logger,
      dispatcherClock: clock,
      dispatcherLimits: SANDBOX_DISPATCH,
      // The sandbox ticks the scheduler when its clock moves (and every TICK_MS), not each real minute.
      schedulerTrigger: rt.trigger,
      onUpdateHandled: (id) => {
        rt.handled.add(id);
        rt.waiters.get(id)?.();
        rt.waiters.delete(id);
      },
      beforeStart: async (database) => {
        if (wipe) await wipeDatabase(database);
        // The fake numbers updates from the same first id on every start: forget the old ids.
        await database.db.delete(processedUpdates);
        if (await needsSeed(database, clock)) {
          await seedDemoOrg({ db: database.db, clock, config: appConfig });
          seeded = true;
        }
      },
    });
    if (seeded) {
      for (const key of STARTED_BOT) await say(rt, { as: persona(key).id, chatId: persona(key).id, text: '/start' });
    }
    return rt;
  }

  // What falls due while nobody touches the clock (the sandbox's time runs on) still happens.
  const ticker = setInterval(() => {
    if (status !== 'ready' || !runtime) return;
    const rt = runtime;
    void exclusive(() => runDue(rt)).catch((error: unknown) => logger.warn({ err: error }, 'sandbox tick failed'));
  }, TICK_MS);
  ticker.unref();

  const current = (): Runtime => {
    if (!runtime || status !== 'ready') throw new SandboxError(503, status === 'stopped' ? 'stopped' : 'starting');
    return runtime;
  };

  async function settle(rt: Runtime, updateId: number): Promise<void> {
    if (!rt.handled.has(updateId)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          rt.waiters.delete(updateId);
          logger.warn({ updateId }, 'the bot did not handle an update within 20 s');
          resolve();
        }, 20_000);
        rt.waiters.set(updateId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await sendPlanned(rt);
  }

  /**
   * Until the outbox holds nothing due: the dispatcher's own loop may hold a row in flight that a
   * drain does not wait for, and the page, the demo and the tests want what a step caused shown.
   */
  async function sendPlanned(rt: Runtime): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await rt.app.dispatcher.drain();
      const [row] = await rt.app.database.db
        .select({ n: count() })
        .from(outbox)
        .where(and(inArray(outbox.status, ['pending', 'sending']), lte(outbox.notBefore, clock.now())));
      if (!row || row.n === 0) return;
      if (Date.now() > deadline) {
        logger.warn({ rows: row.n }, 'outbox rows still due after 20 s');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  function actor(rt: Runtime, as: number, chatId: number, lang?: string): { from: User; chat: number | 'private' } {
    const user = rt.users.get(as);
    if (!user) throw new SandboxError(404, 'unknown_person');
    if (chatId > 0) {
      if (chatId !== as) throw new SandboxError(403, 'not_your_chat');
    } else {
      const group = GROUPS.find((g) => g.id === chatId);
      if (!group) throw new SandboxError(404, 'unknown_chat');
      if (!group.members.some((key) => persona(key).id === as)) throw new SandboxError(403, 'not_a_member');
    }
    // The visitor's language is the person's Telegram language, so the bot answers in it.
    const from = lang ? { ...user, language_code: localeFor(lang, 'zh') === 'en' ? 'en' : 'zh-hans' } : user;
    return { from, chat: chatId > 0 ? 'private' : chatId };
  }

  /** Does something as a person and waits until the bot has handled the update it caused. */
  async function act<T>(rt: Runtime, doIt: () => T): Promise<T> {
    const before = rt.lastUpdateId;
    const result = doIt();
    if (rt.lastUpdateId !== before) await settle(rt, rt.lastUpdateId);
    return result;
  }

  async function say(rt: Runtime, input: { as: number; chatId: number; text: string; replyTo?: number; lang?: string }): Promise<Message> {
    const { from, chat } = actor(rt, input.as, input.chatId, input.lang);
    if (input.text.trim() === '') throw new SandboxError(400, 'empty_text');
    return act(rt, () => rt.tg.sendText({ from, chat, text: input.text, ...(input.replyTo ? { replyTo: checkReply(rt, input.chatId, input.replyTo) } : {}) }));
  }

  function checkReply(rt: Runtime, chatId: number, messageId: number): number {
    if (!rt.tg.message(chatId, messageId)) throw new SandboxError(404, 'no_such_message');
    return messageId;
  }

  /** Runs what the scheduler has due at the clock's now (the sweep, digests, the bulletin) and sends what it planned. */
  async function runDue(rt: Runtime): Promise<void> {
    await rt.trigger.fire();
    await sendPlanned(rt);
  }

  async function advance(step: ClockStep): Promise<AdvanceResult> {
    const rt = current();
    const from = clock.now();
    const deps = { db: rt.app.database.db, config: appConfig };
    let until: Date;
    if (step === 'next') {
      const due = await nextDue(deps, from);
      until = due ? ceilToMinute(due.at) : new Date(from.getTime() + HOUR);
    } else {
      until = new Date(from.getTime() + (step === 'hour' ? HOUR : DAY));
    }
    const ran: AdvanceResult['ran'] = [];
    // Walk through every due instant on the way, so that a day's jump sends the day's digest
    // and each nag in its turn, as if the time had passed.
    for (let i = 0; i < 500; i++) {
      const due = await nextDue(deps, clock.now());
      if (!due || ceilToMinute(due.at).getTime() > until.getTime()) break;
      const at = ceilToMinute(due.at);
      clock.set(at);
      events.emit('clock', { now: at, offsetMs: clock.offsetMs(), due: due.kind });
      await runDue(rt);
      ran.push({ at, kind: due.kind });
    }
    if (clock.now().getTime() < until.getTime()) clock.set(until);
    await runDue(rt);
    if (ran.length === 0 || ran.at(-1)!.at.getTime() !== until.getTime()) ran.push({ at: until, kind: 'time' });
    rt.journal.setClockOffset(clock.offsetMs());
    events.emit('clock', { now: clock.now(), offsetMs: clock.offsetMs() });
    return { from, to: clock.now(), ran };
  }

  async function shutdownRuntime(rt: Runtime): Promise<void> {
    for (const off of rt.offs.splice(0)) off();
    await rt.app?.stop();
    rt.journal.flush();
    await rt.tg.stop();
  }

  sandbox = {
    url: `${origin}/`,
    token,
    events,
    get clock() {
      return clock;
    },
    get status() {
      return status;
    },
    firstStart,
    get tg() {
      if (!runtime) throw new SandboxError(503, 'starting');
      return runtime.tg;
    },
    get app() {
      return current().app;
    },
    info() {
      const rt = current();
      const commands = (type: string) => ({
        zh: rt.tg.commands({ scope: { type } }),
        en: rt.tg.commands({ scope: { type }, languageCode: 'en' }),
      });
      return {
        status,
        bot: { id: SANDBOX_BOT.id, username: SANDBOX_BOT.username, name: SANDBOX_BOT.firstName },
        timezone: config.timezone,
        now: clock.now().toISOString(),
        people: [...PERSONAS],
        groups: GROUPS.map((g) => ({
          id: g.id,
          title: g.title,
          members: g.members.map((key) => persona(key).id),
          unit: g.unit ?? null,
          kind: groupKind(g),
        })),
        privateChats: PERSONAS.filter((p) => chatExists(rt, p.id)).map((p) => p.id),
        commands: { group: commands('all_group_chats'), private: commands('all_private_chats') },
        suggestion: FIRST_INSTRUCTION,
      };
    },
    history(chatId) {
      const rt = current();
      if (!chatExists(rt, chatId)) return [];
      return rt.tg.chatHistory(chatId).filter((e) => !e.deleted);
    },
    file(fileId) {
      return runtime?.tg.file(fileId);
    },
    sendText(input) {
      return say(current(), input);
    },
    sendFile(input) {
      const rt = current();
      const { from, chat } = actor(rt, input.as, input.chatId, input.lang);
      const replyTo = input.replyTo ? { replyTo: checkReply(rt, input.chatId, input.replyTo) } : {};
      const file = {
        from,
        chat,
        content: input.content,
        fileName: input.fileName,
        ...(input.mimeType ? { mimeType: input.mimeType } : {}),
        ...(input.caption ? { caption: input.caption } : {}),
        ...replyTo,
      };
      const isImage = /^image\/(jpeg|png|webp)$/.test(input.mimeType ?? '');
      return act(rt, () => (isImage ? rt.tg.sendPhoto(file) : rt.tg.sendDocument(file)));
    },
    async press(input) {
      const rt = current();
      const { from, chat } = actor(rt, input.as, input.chatId, input.lang);
      const message = rt.tg.message(input.chatId, input.messageId);
      if (!message) throw new SandboxError(404, 'no_such_message');
      const buttons = message.reply_markup?.inline_keyboard.flat() ?? [];
      if (!buttons.some((b) => 'callback_data' in b && b.callback_data === input.data)) throw new SandboxError(409, 'button_gone');
      const query = await act(rt, () => rt.tg.pressButton({ from, chat, messageId: input.messageId, data: input.data }));
      const answer = rt.tg.callbackAnswer(query.id);
      return { ...(answer?.text ? { text: answer.text } : {}), ...(answer?.show_alert ? { alert: true } : {}) };
    },
    advance(step) {
      return exclusive(() => advance(step));
    },
    reset() {
      return exclusive(async () => {
        const rt = current();
        setStatus('resetting');
        await shutdownRuntime(rt);
        runtime = undefined;
        await boot(true);
        setStatus('ready');
        events.emit('reset');
        events.emit('clock', { now: clock.now(), offsetMs: clock.offsetMs() });
      });
    },
    async stop() {
      if (status === 'stopped') return;
      clearInterval(ticker);
      await queue;
      setStatus('stopped');
      if (runtime) await shutdownRuntime(runtime);
      runtime = undefined;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  try {
    options.onListening?.({ url: sandbox.url, firstStart });
    await boot(Boolean(options.fresh));
  } catch (error) {
    clearInterval(ticker);
    if (runtime) await shutdownRuntime(runtime).catch(() => {});
    server.closeAllConnections();
    server.close();
    throw error;
  }
  setStatus('ready');
  return sandbox;
}

/** Forgets the chats of earlier runs (their messages and files). */
function forgetChats(dir: string): void {
  rmSync(path.join(dir, 'chats.json'), { force: true });
  rmSync(path.join(dir, 'files'), { recursive: true, force: true });
}

function chatExists(rt: Runtime, chatId: number): boolean {
  try {
    rt.tg.chatHistory(chatId);
    return true;
  } catch {
    return false;
  }
}

function ceilToMinute(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
}

/** Drops every table and migrates again: a fresh database without PGlite's slow initdb. */
async function wipeDatabase(database: Database): Promise<void> {
  await database.db.execute(sql`drop schema if exists drizzle cascade`);
  await database.db.execute(sql`drop schema if exists public cascade`);
  await database.db.execute(sql`create schema public`);
  await runMigrations(database);
}
