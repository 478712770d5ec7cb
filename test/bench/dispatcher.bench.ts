/**
 * Dispatcher benchmark: the outbox dispatcher (production limits) drains messages to many chats
 * through the fake Bot API with `enforceLimits` on, so any send beyond Telegram's limits would
 * come back as a 429 and show in the fake's limit violations. Reports the sustained rate (first
 * to last send, as the fake saw them), 429s, violations, duplicates and losses, and what the
 * global slot shared by all dispatchers costs per send.
 *
 *   npx tsx test/bench/dispatcher.bench.ts [--messages N] [--instances N] [--json]
 *
 * Uses PostgreSQL at BENCH_DATABASE_URL / TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres,
 * in a throwaway database) or, when none answers, the embedded PGlite (one instance only).
 * Target: at least 25 messages a second, zero 429s, zero violations.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Api } from 'grammy';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { startFakeTelegram } from '@duban/fake-telegram';
import { silentLogger } from '../../src/logger.js';
import { createDispatcher, DEFAULT_LIMITS } from '../../src/outbox/dispatcher.js';
import { createOutboxDispatchRepository, createOutboxRepository } from '../../src/outbox/outbox.repository.js';
import { paceRuleFor, type ChatPaceRule } from '../../src/outbox/pacing.repository.js';
import { systemClock } from '../../src/shared/clock.js';

export type DispatcherBenchOptions = {
  /** Messages to send, two per private chat (default 400). */
  messages?: number;
  /** Dispatcher instances sharing the database, each with its own connection pool (default 1). */
  instances?: number;
};

export const benchTarget = {
  description: 'at least 25 messages a second to many chats with zero 429s and zero limit violations',
  met: (f: Record<string, number>) => f.msgsPerSecond! >= 25 && f.http429 === 0 && f.violations === 0 && f.duplicates === 0 && f.lost === 0,
};

const TOKEN = '7000000003:BENCH-dispatcher';
const log = (message: string) => process.stderr.write(`[dispatcher bench] ${message}\n`);

type BenchDatabase = { primary: Database; extra(): Promise<Database>; kind: 'postgres' | 'pglite'; close(): Promise<void> };

/** A throwaway PostgreSQL database (or PGlite when PostgreSQL does not answer), migrated. */
async function openBenchDatabase(): Promise<BenchDatabase> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(base, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin`select 1`;
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {});
    log(`PostgreSQL at ${base} does not answer (${(error as Error).message}); using PGlite`);
    const primary = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(primary);
    return { primary, kind: 'pglite', extra: async () => primary, close: () => primary.close() };
  }
  const name = `duban_bench_${randomBytes(5).toString('hex')}`;
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const primary = await openDatabase({ databaseUrl: url.toString() });
  await runMigrations(primary);
  const clients: Database[] = [primary];
  return {
    primary,
    kind: 'postgres',
    async extra() {
      const client = await openDatabase({ databaseUrl: url.toString() });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) await client.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function runDispatcherBench(options: DispatcherBenchOptions = {}): Promise<Record<string, number>> {
  const messages = options.messages ?? 400;
  const storage = await openBenchDatabase();
  const instances = storage.kind === 'pglite' ? 1 : (options.instances ?? 1);
  const tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_bench_bot', enforceLimits: true });
  try {
    const chats = Array.from({ length: Math.ceil(messages / 2) }, (_, i) => {
      const user = tg.createUser({ firstName: `Bench ${i}` });
      tg.sendText({ from: user, chat: 'private', text: '/start' });
      return user.id;
    });
    const planned = Array.from({ length: messages }, (_, i) => {
      const chat = chats[i % chats.length]!;
      return { key: `bench-${i}`, chatId: chat, payload: { text: `bench-${i}` }, purpose: 'notice' };
    });
    await createOutboxRepository({ db: storage.primary.db, clock: systemClock }).enqueue(planned);

    const clients = [storage.primary];
    while (clients.length < instances) clients.push(await storage.extra());
    const dispatchers = clients.map((client) =>
      createDispatcher({ db: client.db, api: new Api(TOKEN, { apiRoot: tg.apiRoot }), logger: silentLogger, clock: systemClock }),
    );
    log(`${messages} messages to ${chats.length} chats, ${instances} dispatcher(s), ${storage.kind}`);
    const started = performance.now();
    for (const d of dispatchers) d.start();
    const deadline = started + (messages / 20 + 30) * 1000;
    while (tg.sentMessages().length < messages && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(dispatchers.map((d) => d.stop()));

    const sends = tg.sendLog.map((entry) => entry.elapsedMs);
    const sustained = sends.length > 1 ? (sends.length - 1) / ((sends[sends.length - 1]! - sends[0]!) / 1000) : 0;
    const perText = new Map<string, number>();
    for (const message of tg.sentMessages()) {
      const text = 'text' in message ? (message.text ?? '') : '';
      perText.set(text, (perText.get(text) ?? 0) + 1);
    }
    const duplicates = [...perText.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const lost = planned.filter((p) => !perText.has(p.key)).length;

    const cost = await globalSlotCost(storage);
    return {
      messages,
      chats: chats.length,
      instances,
      postgres: storage.kind === 'postgres' ? 1 : 0,
      seconds: round(seconds),
      msgsPerSecond: round(sustained),
      http429: tg.calls.filter((call) => call.status === 429).length,
      violations: tg.limitViolations().length,
      duplicates,
      lost,
      ...cost,
    };
  } finally {
    await tg.stop();
    await storage.close();
  }
}

/**
 * What the shared global slot costs: the reserve statement (lease renewal + slot, and + a group's
 * slot in its sliding window) against the lease renewal alone, one connection after the other,
 * and three connections at once contending for the slot row (PostgreSQL only).
 */
async function globalSlotCost(storage: BenchDatabase): Promise<Record<string, number>> {
  const rounds = 300;
  const db = storage.primary.db;
  await createOutboxRepository({ db, clock: systemClock }).enqueue([{ key: 'bench-slot', chatId: 1, payload: { text: 'x' }, purpose: 'notice' }]);
  const repo = createOutboxDispatchRepository({ db });
  const [row] = await repo.claim({ now: new Date(Date.now() + 3600_000), limit: 1, leaseMs: 3600_000, owner: 'bench' });
  if (!row) throw new Error('the slot-cost row could not be claimed');
  const meanMs = async (client: Database, globalGapMs: number, n: number, chat: { chatId: number; rule: ChatPaceRule } | null = null) => {
    const r = createOutboxDispatchRepository({ db: client.db });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await r.reserve({ id: row.id, owner: 'bench', now: new Date(), leaseMs: 3600_000, globalGapMs, chat });
    return (performance.now() - t0) / n;
  };
  const leaseOnly = await meanMs(storage.primary, 0, rounds);
  const withSlot = await meanMs(storage.primary, 1, rounds);
  // what the dispatcher does before each send: the global slot and a group's slot in its window of 20
  const withChatSlot = await meanMs(storage.primary, 1, rounds, { chatId: -1, rule: paceRuleFor(DEFAULT_LIMITS, -1)! });
  const figures: Record<string, number> = {
    reserveLeaseOnlyMs: round(leaseOnly, 3),
    reserveWithSlotMs: round(withSlot, 3),
    reserveWithGroupSlotMs: round(withChatSlot, 3),
  };
  if (storage.kind === 'postgres') {
    const others = [storage.primary, await storage.extra(), await storage.extra()];
    const each = await Promise.all(others.map((client) => meanMs(client, 1, rounds / 3)));
    figures.reserveWithSlot3ConnectionsMs = round(each.reduce((a, b) => a + b, 0) / each.length, 3);
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const numberAfter = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? Number(args[at + 1]) : undefined;
  };
  const messages = numberAfter('--messages');
  const instances = numberAfter('--instances');
  const figures = await runDispatcherBench({ ...(messages ? { messages } : {}), ...(instances ? { instances } : {}) });
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    process.stdout.write(`dispatcher: ${benchTarget.description}: ${benchTarget.met(figures) ? 'met' : 'NOT met'}\n`);
    for (const [key, value] of Object.entries(figures)) process.stdout.write(`  ${key.padEnd(30)} ${value}\n`);
  }
}
