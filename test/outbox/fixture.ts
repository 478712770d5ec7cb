import { setImmediate as nextTurn } from 'node:timers/promises';
import { asc, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { Api } from 'grammy';
import type { Db } from '../../src/db/client.js';
import { outbox } from '../../src/db/schema/index.js';
import { startFakeTelegram, type FakeTelegram, type FakeTelegramOptions } from '@duban/fake-telegram';
import { silentLogger } from '../../src/logger.js';
import { createDispatcher, type Dispatcher, type DispatcherLimits, type Sleep } from '../../src/outbox/dispatcher.js';
import { createOutboxRepository, type OutboxMessage, type OutboxRow } from '../../src/outbox/outbox.repository.js';
import { createManualClock, type Clock, type ManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, type StorageKind, type TestDatabase } from '../helpers/db.js';

export const TOKEN = '7000000002:OUTBOX-test-token';

/**
 * A manual clock and a sleep that moves it: sleeping `ms` sets the clock to (when the sleep
 * began + ms) unless it is already later, then yields one turn so that HTTP and database I/O
 * of other sleepers can run. Time never moves back; concurrent sleepers end at the latest target.
 */
export function manualTime(start = '2026-03-02T09:00:00+08:00'): { clock: ManualClock; sleep: Sleep } {
  const clock = createManualClock(start);
  const sleep: Sleep = async (ms) => {
    const target = clock.now().getTime() + Math.max(0, ms);
    if (clock.now().getTime() < target) clock.set(new Date(target));
    await nextTurn();
  };
  return { clock, sleep };
}

export async function startTelegram(options: Partial<FakeTelegramOptions> = {}): Promise<FakeTelegram> {
  return startFakeTelegram({ token: TOKEN, botUsername: 'duban_outbox_bot', ...options });
}

/** Users who opened a private chat with the bot; their ids are the chat ids. */
export function privateChats(tg: FakeTelegram, count: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    const user = tg.createUser({ firstName: `User ${i}` });
    tg.sendText({ from: user, chat: 'private', text: '/start' });
    return user.id;
  });
}

export function groups(tg: FakeTelegram, count: number): number[] {
  return Array.from({ length: count }, (_, i) => tg.createGroup({ title: `Group ${i}` }).id);
}

/** A sendMessage row whose text is its key, so what Telegram received can be counted per row. */
export function textRow(key: string, chatId: number, extra: Partial<OutboxMessage> = {}): OutboxMessage {
  return { key, chatId, payload: { text: key }, purpose: 'notice', ...extra };
}

export async function plan(db: Db, clock: Clock, messages: OutboxMessage[]): Promise<void> {
  await createOutboxRepository({ db, clock }).enqueue(messages);
}

export function dispatcherFor(options: {
  db: Db;
  tg: FakeTelegram;
  clock: Clock;
  sleep?: Sleep;
  limits?: Partial<DispatcherLimits>;
  owner?: string;
  api?: Api;
}): Dispatcher {
  return createDispatcher({
    db: options.db,
    api: options.api ?? new Api(TOKEN, { apiRoot: options.tg.apiRoot }),
    logger: silentLogger,
    clock: options.clock,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.owner ? { owner: options.owner } : {}),
  });
}

/** Empties what the dispatcher touches, so that one database serves a whole test file. */
export async function resetOutbox(db: Db): Promise<void> {
  await db.execute(sql`truncate outbox, chat_send_state restart identity`);
}

export async function allRows(db: Db): Promise<OutboxRow[]> {
  return db.select().from(outbox).orderBy(asc(outbox.id));
}

/** The texts the bot has in a chat, oldest first. */
export function textsIn(tg: FakeTelegram, chatId: number): string[] {
  return tg.sentMessages(chatId).map((m) => ('text' in m ? (m.text ?? '') : ''));
}

/** How many times each text reached Telegram, over every chat. */
export function deliveries(tg: FakeTelegram): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of tg.sentMessages()) {
    const text = 'text' in m ? (m.text ?? '') : '';
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

/** sendMessage calls to one chat, as the fake recorded them (its clock gives `at`). */
export function sendsTo(tg: FakeTelegram, chatId: number) {
  return tg.callsTo('sendMessage').filter((call) => Number(call.params.chat_id) === chatId);
}

/** Polls `check` every 20 ms (real time) until it holds; fails after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'the condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The usual setting of a dispatcher test, as vitest hooks: a test database of `kind` for the
 * file, and for each test an empty outbox, a fresh manual time and a fresh fake Bot API on it.
 */
export function useOutboxHarness(kind: StorageKind): { readonly db: Db; readonly tg: FakeTelegram; readonly time: ReturnType<typeof manualTime> } {
  let database: TestDatabase;
  let tg: FakeTelegram;
  let time: ReturnType<typeof manualTime>;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await resetOutbox(database.db);
    time = manualTime();
    tg = await startTelegram({ clock: time.clock });
  });
  afterEach(async () => {
    await tg.stop();
  });
  return {
    get db() {
      return database.db;
    },
    get tg() {
      return tg;
    },
    get time() {
      return time;
    },
  };
}

/** When each successful call to `chatId` reached the fake Bot API, by its clock. */
export function arrivals(tg: FakeTelegram, chatId: number): number[] {
  return tg.calls.filter((call) => call.status === 200 && Number(call.params.chat_id) === chatId).map((call) => call.at.getTime());
}
