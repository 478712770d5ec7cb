/**
 * Load benchmark: the real bot (startApp, long polling) in a child process of its own, against
 * the project's fake Bot API in this process, offered updates at a fixed rate (open loop: an
 * update is queued when its time comes, whether or not the bot has answered the ones before)
 * from U unit groups (500), each unit with two members, with N open items (2,000).
 *
 * The mix, round-robin over the groups, each update from one of the group's members about one
 * of its unit's items: /ack CODE 25%, /progress CODE text 25%, /task CODE 15%, /list 15%, and a
 * press of the "report progress" button on the item's card 20% (the card posted in the group
 * beforehand, as the bot's own message with that button).
 *
 * Per offered rate (a ladder, e.g. 10 20 40 50 100 200 500 updates/s, each for a few seconds;
 * it stops climbing once a rate falls behind) it reports the handled rate, the p50 and p99
 * latency from the update being queued at the fake (available to getUpdates) to the handler's
 * first reply (the callback answer of a button, the first message of a command, as the fake
 * records them), the bot process's CPU (% of one core) and its peak RSS, and PostgreSQL's CPU
 * (the bot's backends, read from /proc). Messages the outbox dispatcher sends are not replies
 * (left out by their message ids), nor is the prompt a button sends before its answer.
 *
 * Then the same on PGlite (one instance: PGlite is embedded), with three instances behind a
 * webhook on PostgreSQL (CPU summed over the instances, RSS the largest one's), and the bot's
 * RSS with 100,000 open items. Settings (environment):
 *
 *   LOAD_RATES=10,20,40,50,100,200,500   PostgreSQL ladder      LOAD_STEP_SECONDS=8
 *   LOAD_PGLITE_RATES=10,20,40,50,100    PGlite ladder ('' skips it)
 *   LOAD_FLOOR_RATES=100,200,500         the yardstick: a bare grammY bot (its own long polling, no database, one answer per
 *                                        update; LOAD_FLOOR in load-bot.ts), what HTTP and grammY cost before any work ('' skips it)
 *   LOAD_WEBHOOK_RATES=20,50,100,200,500 three instances in webhook mode on PostgreSQL ('' skips it;
 *                                        LOAD_WEBHOOK_INSTANCES=3); this process posts each update to the next instance
 *   LOAD_UNITS=500 LOAD_ITEMS=2000       LOAD_RSS_ITEMS=100000  ('0' skips the RSS run)
 *   LOAD_PROFILE_DIR=dir                 the bot runs with node --cpu-prof into dir (PostgreSQL and PGlite ladders)
 *   LOAD_MEMORY_LOG=file                 the bot appends its process.memoryUsage() and V8 heap spaces (MB) to file, a JSON line per stats report
 *   LOAD_BOT_NODE_ARGS='--trace-gc'      more node options for the bot (with LOAD_BOT_STDOUT=1 LOAD_SILENT=1 to see what they print)
 *   LOAD_HEAP_PROFILE=file               the bot writes V8's sampling heap profile (all allocations, collected ones too) from ready to stop
 *   LOAD_SQL_STATS=file                  PGlite: the bot writes, per statement text, how often it ran, its time in PGlite (ms, and the longest), the rows it returned
 *   LOAD_QUICK=1                         a one-minute run: PostgreSQL at 50, 200 and 500/s for 3 s each, nothing else
 *
 *   npm run bench -- --only=load         (table)      npx tsx test/bench/load.bench.ts (this section alone)
 *
 * TEST_DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import postgres from 'postgres';
import type { User } from 'grammy/types';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import { encodeButton } from '../../src/notifications/callback-data.js';
import type { LoadItem, LoadSeed } from './load-bot.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = '7100000001:LOAD-bench-token';
const BOT_FILE = fileURLToPath(new URL('./load-bot.ts', import.meta.url));

/** 'floor': the yardstick, a bare grammY bot with no database (LOAD_FLOOR in load-bot.ts). */
type Storage = 'postgres' | 'pglite' | 'floor';

export type RateResult = {
  offered: number;
  handledPerS: number;
  answered: number;
  total: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  botCpuPct: number;
  /** The bot's CPU time per answered update: what the machine's load changes least. */
  botCpuMsPerUpdate: number;
  pgCpuMsPerUpdate: number;
  botRssMB: number;
  pgCpuPct: number;
  /** PostgreSQL's transactions (a statement outside a transaction is one) and rows read, per update. */
  pgXactsPerUpdate: number;
  pgRowsReadPerUpdate: number;
  extraReplies: number;
};

/**
 * The issue's targets on this 2-core machine: p99 under 50 ms at 500 updates/s on PostgreSQL
 * with one instance, under 50 ms at 50 updates/s on PGlite, and the bot under 200 MB of RSS with
 * 100,000 open items. A figure that was not measured (a rate never reached) is not met.
 */
export const benchTarget = {
  description: 'p99 < 50 ms at 500 updates/s on PostgreSQL (one instance), p99 < 50 ms at 50/s on PGlite, bot RSS < 200 MB at 100,000 open items',
  met: (f: Record<string, number>) =>
    (f.pg_r500_p99Ms ?? Infinity) < 50 &&
    (f.pg_r500_handledPerS ?? 0) >= 475 &&
    (f.pglite_r50_p99Ms ?? Infinity) < 50 &&
    (f.pglite_r50_handledPerS ?? 0) >= 47.5 &&
    (f.rss100k_MB ?? Infinity) < 200,
};

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** A small deterministic PRNG (mulberry32): the same mix on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Local hour in the organisation's timezone, `hours` from now: where the digests are put out of the way. */
function hourFromNow(hours: number): number {
  const now = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hour12: false }).format(new Date()));
  return (now + hours) % 24;
}

/** CPU time (ms) the database server's processes serving `database` have used, from /proc; null when unreadable. */
async function pgCpuMs(admin: postgres.Sql | null, database: string): Promise<Map<number, number> | null> {
  if (!admin) return null;
  try {
    const pids = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database}`;
    const out = new Map<number, number>();
    for (const { pid } of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second).
      out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    }
    return out;
  } catch {
    return null;
  }
}

/** The database's own counters: transactions, rows read, and table scans (index or sequential). */
async function pgCounters(admin: postgres.Sql | null, database: string): Promise<{ xacts: number; rowsRead: number } | null> {
  if (!admin) return null;
  try {
    const [db] = await admin<{ xacts: string; rows: string }[]>`
      select xact_commit + xact_rollback as xacts, tup_returned + tup_fetched as rows from pg_stat_database where datname = ${database}`;
    return { xacts: Number(db!.xacts), rowsRead: Number(db!.rows) };
  } catch {
    return null;
  }
}

type World = {
  tg: FakeTelegram;
  units: { unitId: number; chatId: number; members: User[]; items: LoadItem[]; cardMessageId: number; cardData: string }[];
  /** The instances together: CPU time summed; RSS the largest instance's (peak: since the last reset). */
  stats: { cpuMicros: number; rss: number; peakRss: number };
  request<T>(type: string, reply: string): Promise<T>;
  stop(): Promise<void>;
};

const WEBHOOK_SECRET = 'load-bench-secret';

/**
 * The fake Telegram, its people and groups, the bot in `instances` child processes (the first
 * seeds the database), and the cards. One instance long-polls; several run in webhook mode
 * (WEBHOOK_URL, as behind a load balancer) and this process plays Telegram and the balancer:
 * each update the fake queues is posted, with the secret token, to the next instance in turn.
 */
async function startWorld(options: {
  storage: Storage;
  databaseUrl?: string;
  units: number;
  openItems: number;
  profileDir?: string;
  instances?: number;
}): Promise<World> {
  const instances = options.instances ?? 1;
  const webhook = instances > 1;
  const tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_load_bot', botFirstName: '督办' });
  const admin = tg.createUser({ firstName: '督查室' });
  const leader = tg.createUser({ firstName: '李', lastName: '市长' });
  const leadersGroup = tg.createGroup({ title: '市领导督办群', members: [admin, leader] });
  const groups = Array.from({ length: options.units }, (_, i) => {
    const members = [tg.createUser({ firstName: `第${i + 1}局`, lastName: '科员甲' }), tg.createUser({ firstName: `第${i + 1}局`, lastName: '科员乙' })];
    const chat = tg.createGroup({ title: `市第${i + 1}局工作群`, members });
    return { chatId: chat.id, members };
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-load-'));
  const seed: LoadSeed = {
    adminId: admin.id,
    leaderId: leader.id,
    leadersChatId: leadersGroup.id,
    units: groups.map((g) => ({ chatId: g.chatId, memberIds: g.members.map((m) => m.id) })),
    openItems: options.openItems,
  };
  writeFileSync(path.join(dir, 'seed.json'), JSON.stringify(seed));
  // The daily digest, the bundles and the bulletin six hours away: the benchmark times commands.
  const h = String(hourFromNow(6)).padStart(2, '0');
  writeFileSync(
    path.join(dir, 'duban.json'),
    JSON.stringify({ digests: { dailyTime: `${h}:00`, bulletinCron: `0 ${Number(h)} * * *` }, reminders: { bundleTimes: [`${h}:10`] } }),
  );
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    BOT_TOKEN: TOKEN,
    BOT_API_ROOT: tg.apiRoot,
    ADMIN_IDS: String(admin.id),
    DATABASE_URL: options.storage === 'postgres' ? options.databaseUrl! : '',
    DATA_DIR: options.storage === 'pglite' ? 'memory://' : '',
    DUBAN_CONFIG: path.join(dir, 'duban.json'),
    LOAD_SEED: path.join(dir, 'seed.json'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    WEBHOOK_URL: webhook ? 'https://load.bench.invalid/telegram' : '',
    WEBHOOK_SECRET: webhook ? WEBHOOK_SECRET : '',
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '',
    ROLE: 'all',
    LOAD_FLOOR: options.storage === 'floor' ? '1' : '',
  };
  const stats = { cpuMicros: 0, rss: 0, peakRss: 0 };
  const latest: { cpuMicros: number; rss: number }[] = [];
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  let items: LoadItem[] = [];
  for (let i = 0; i < instances; i++) {
    const child = fork(BOT_FILE, [], {
      execArgv: [
        '--import',
        'tsx',
        ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
        ...(process.env.LOAD_BOT_NODE_ARGS ?? '').split(' ').filter(Boolean),
      ],
      env: { ...env, LOAD_SEED_SKIP: i === 0 ? '' : '1' },
      // The bot's log lines (info, to stdout) are written as in production, to /dev/null.
      stdio: ['ignore', process.env.LOAD_BOT_STDOUT === '1' ? 'inherit' : 'ignore', 'inherit', 'ipc'],
    });
    children.push(child);
    latest.push({ cpuMicros: 0, rss: 0 });
    const ready = new Promise<{ items: LoadItem[]; port: number | null }>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bot instance ${i + 1} exited with code ${code} before it was ready`)));
      child.on('message', (message: { type: string; items?: LoadItem[]; port?: number | null; cpuMicros?: number; rss?: number }) => {
        if (message.type === 'ready') resolve({ items: message.items!, port: message.port ?? null });
        if (message.type === 'stats') {
          latest[i] = { cpuMicros: message.cpuMicros!, rss: message.rss! };
          stats.cpuMicros = latest.reduce((sum, l) => sum + l.cpuMicros, 0);
          stats.rss = Math.max(...latest.map((l) => l.rss));
          stats.peakRss = Math.max(stats.peakRss, stats.rss);
        }
      });
    });
    const started = await ready;
    if (i === 0) items = started.items;
    if (started.port !== null) ports.push(started.port);
  }
  if (webhook) {
    let next = 0;
    tg.on('update', (update) => {
      const port = ports[next++ % ports.length]!;
      void fetch(`http://127.0.0.1:${port}/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
        body: JSON.stringify(update),
      })
        .then((response) => response.arrayBuffer())
        .catch((error: unknown) => process.stderr.write(`load: posting an update to the webhook failed: ${String(error)}\n`));
    });
  }
  const units = groups.map((g, i) => ({ unitId: i + 1, ...g, items: items.filter((it) => it.lead === i + 1), cardMessageId: 0, cardData: '' }));
  // Each group gets a card of one of its items with the "report progress" button, as the bot's own message.
  for (const unit of units) {
    const item = unit.items[0];
    if (!item) continue;
    unit.cardData = encodeButton({ action: 'prg', itemId: item.id, unitId: unit.unitId });
    const response = await fetch(`${tg.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        chat_id: unit.chatId,
        text: `督办〔${item.year}〕${item.number}号`,
        reply_markup: { inline_keyboard: [[{ text: '报告进展', callback_data: unit.cardData }]] },
      }),
    });
    unit.cardMessageId = ((await response.json()) as { result: { message_id: number } }).result.message_id;
  }
  const first = children[0]!;
  const request = <T>(type: string, reply: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (message: { type: string } & T) => {
        if (message.type !== reply) return;
        first.off('message', onMessage);
        resolve(message);
      };
      first.on('message', onMessage);
      first.send({ type });
    });
  return {
    tg,
    units,
    stats,
    request,
    async stop() {
      await Promise.all(
        children.map(async (child) => {
          child.removeAllListeners('exit');
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.send({ type: 'stop' });
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }),
      );
      await tg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Pending = { t0: number; t1?: number; kind?: string };

/** One rung of the ladder: `rate` updates/s for `seconds`, then up to `drainSeconds` for the last answers. */
async function runRate(
  world: World,
  rate: number,
  seconds: number,
  options: { admin: postgres.Sql | null; database: string; seedOffset: number },
): Promise<RateResult> {
  const { tg, units } = world;
  const total = Math.max(1, Math.round(rate * seconds));
  const random = prng(rate * 7919 + options.seedOffset);
  const texts = new Map<number, Pending[]>(); // chat -> its command updates, in order
  const presses = new Map<string, Pending>(); // callback query id -> its press
  const replies = new Map<number, { t: number; messageId: number }[]>(); // chat -> the bot's messages (not prompts)
  let answeredPresses = 0;
  const unsubscribe = tg.onCall((call) => {
    const t = performance.now();
    if (call.status !== 200) return;
    if (call.method === 'answerCallbackQuery') {
      const press = presses.get(String(call.params.callback_query_id));
      if (press && press.t1 === undefined) {
        press.t1 = t;
        answeredPresses++;
      }
    } else if (call.method === 'sendMessage') {
      const markup = call.params.reply_markup as { force_reply?: boolean } | undefined;
      if (markup?.force_reply) return; // a button's prompt; the press is timed by its answer
      const chat = Number(call.params.chat_id);
      const list = replies.get(chat) ?? [];
      list.push({ t, messageId: (call.response as { result: { message_id: number } }).result.message_id });
      replies.set(chat, list);
    }
  });
  const inject = (k: number) => {
    const unit = units[(k + options.seedOffset) % units.length]!;
    const from = unit.members[Math.floor(random() * unit.members.length)]!;
    const item = unit.items[Math.floor(random() * unit.items.length)]!;
    const code = `${item.year}-${item.number}`;
    const r = random();
    const t0 = performance.now();
    if (r < 0.2 && unit.cardMessageId) {
      const query = tg.pressButton({ from, chat: unit.chatId, messageId: unit.cardMessageId, data: unit.cardData });
      presses.set(query.id, { t0, kind: 'button' });
      return;
    }
    const text =
      r < 0.45 ? `/ack ${code}` : r < 0.7 ? `/progress ${code} 本周已完成现场核查，整改方案正在征求意见，预计下周报送` : r < 0.85 ? `/task ${code}` : '/list';
    tg.sendText({ from, chat: unit.chatId, text });
    const list = texts.get(unit.chatId) ?? [];
    list.push({ t0, kind: text.split(' ')[0]! });
    texts.set(unit.chatId, list);
  };
  const answeredNow = () => {
    let n = answeredPresses;
    for (const [chat, list] of texts) n += Math.min(list.length, replies.get(chat)?.length ?? 0);
    return n;
  };

  const tableStats = async () => {
    if (process.env.LOAD_DEBUG !== '1' || !options.admin) return new Map<string, number[]>();
    const url = withDatabase(process.env.TEST_DATABASE_URL ?? DEFAULT_URL, options.database);
    const c = postgres(url, { max: 1, onnotice: () => {} });
    const list = await c<
      { relname: string; seq_scan: string; seq_tup_read: string; idx_scan: string; idx_tup_fetch: string }[]
    >`select relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) as idx_scan, coalesce(idx_tup_fetch, 0) as idx_tup_fetch from pg_stat_user_tables`;
    await c.end();
    return new Map(list.map((r) => [r.relname, [Number(r.seq_scan), Number(r.seq_tup_read), Number(r.idx_scan), Number(r.idx_tup_fetch)]]));
  };
  const tables0 = await tableStats();
  const pg0 = await pgCpuMs(options.admin, options.database);
  const counters0 = await pgCounters(options.admin, options.database);
  const cpu0 = world.stats.cpuMicros;
  world.stats.peakRss = world.stats.rss;
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (sent < due) inject(sent++);
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const drainSeconds = Math.max(5, seconds);
  const drainDeadline = performance.now() + drainSeconds * 1000;
  while (answeredNow() < total && performance.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 20));
  // One more stats report from the bot, so that its CPU covers the whole rung.
  await new Promise((resolve) => setTimeout(resolve, 250));
  const end = performance.now();
  if (process.env.LOAD_DEBUG === '1') {
    const kinds = new Map<string, number>();
    for (const c of tg.calls) if (c.seq > 0) kinds.set(c.method, (kinds.get(c.method) ?? 0) + 1);
    process.stderr.write(`load debug: pending ${tg.pendingUpdates().length} answered ${answeredNow()} calls ${JSON.stringify([...kinds])}\n`);
  }
  const cpu1 = world.stats.cpuMicros;
  const pg1 = await pgCpuMs(options.admin, options.database);
  // Backends report their counters at most once a second.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const counters1 = await pgCounters(options.admin, options.database);
  if (process.env.LOAD_DEBUG === '1') {
    const tables1 = await tableStats();
    const lines = [...tables1]
      .map(([name, v]) => [name, ...v.map((x, i) => x - (tables0.get(name)?.[i] ?? 0))] as const)
      .filter((r) => r.slice(1).some((x) => Number(x) > 0));
    process.stderr.write(`load debug tables (seq_scan, seq_tup_read, idx_scan, idx_tup_fetch):\n${lines.map((l) => `  ${l.join(' ')}`).join('\n')}\n`);
  }
  // Before the next rung: the answers still owed to this one (when it fell behind) must not land
  // in the next one's count. Wait until no reply or answer has come for 1.5 s (at most a minute).
  let lastReply = performance.now();
  const quiet = tg.onCall((call) => {
    if (call.method === 'answerCallbackQuery' || (call.method === 'sendMessage' && units.some((u) => u.chatId === Number(call.params.chat_id))))
      lastReply = performance.now();
  });
  const settleDeadline = performance.now() + 60_000;
  while (performance.now() - lastReply < 1500 && performance.now() < settleDeadline) await new Promise((resolve) => setTimeout(resolve, 100));
  quiet();
  unsubscribe();

  // The replies: each chat's messages in order, less those the outbox dispatcher sent, go to its
  // commands in order (a handler's first reply; updates of one chat are handled in order).
  const outbox = await world.request<{ pairs: [number, number][] }>('outboxSent', 'outboxSent');
  const fromOutbox = new Set(outbox.pairs.map(([chat, id]) => `${chat}:${id}`));
  let extraReplies = 0;
  for (const [chat, list] of texts) {
    const own = (replies.get(chat) ?? []).filter((r) => !fromOutbox.has(`${chat}:${r.messageId}`));
    own.forEach((reply, i) => {
      const update = list[i];
      if (update && reply.t >= update.t0) update.t1 = reply.t;
      else extraReplies++;
    });
  }
  const all = [...[...texts.values()].flat(), ...presses.values()];
  if (process.env.LOAD_DEBUG === '1') {
    // The slowest answers: when in the rung they were offered (ms), what they were, how long they took.
    const slowest = all
      .filter((p) => p.t1 !== undefined)
      .sort((a, b) => b.t1! - b.t0 - (a.t1! - a.t0))
      .slice(0, 12)
      .map((p) => `${Math.round(p.t0 - start)}ms (:${(((performance.timeOrigin + p.t0) % 60_000) / 1000).toFixed(1)}) ${p.kind} ${Math.round(p.t1! - p.t0)}`);
    process.stderr.write(`load debug slowest: ${slowest.join(' | ')}\n`);
  }
  const latencies = all
    .filter((p) => p.t1 !== undefined)
    .map((p) => p.t1! - p.t0)
    .sort((a, b) => a - b);
  // The handled rate: answers per second between the first answer and the last. A bot that keeps
  // up answers at the offered rate; one that falls behind, at the rate it can serve.
  const answerTimes = all.filter((p) => p.t1 !== undefined).map((p) => p.t1!);
  const firstAnswer = Math.min(...answerTimes);
  const lastAnswer = Math.max(...answerTimes);
  // Unanswered updates count as lost time: their latency is at least the rung and its drain.
  const unanswered = total - latencies.length;
  const padded = [...latencies, ...Array.from({ length: unanswered }, () => end - start)].sort((a, b) => a - b);
  let pgCpu = NaN;
  let pgMs = NaN;
  if (pg0 && pg1) {
    pgMs = 0;
    for (const [pid, t1] of pg1) pgMs += t1 - (pg0.get(pid) ?? t1);
    pgCpu = (pgMs / (end - start)) * 100;
  }
  return {
    offered: rate,
    handledPerS: latencies.length < 2 ? 0 : round1((latencies.length - 1) / ((lastAnswer - firstAnswer) / 1000)),
    answered: latencies.length,
    total,
    p50Ms: round1(quantile(padded, 0.5)),
    p99Ms: round1(quantile(padded, 0.99)),
    maxMs: round1(padded[padded.length - 1] ?? NaN),
    botCpuPct: round1(((cpu1 - cpu0) / 1000 / (end - start)) * 100),
    botCpuMsPerUpdate: round1((cpu1 - cpu0) / 1000 / Math.max(1, latencies.length)),
    pgCpuMsPerUpdate: round1(pgMs / Math.max(1, latencies.length)),
    botRssMB: round1(world.stats.peakRss / 1024 / 1024),
    pgCpuPct: round1(pgCpu),
    pgXactsPerUpdate: counters0 && counters1 ? round1((counters1.xacts - counters0.xacts) / Math.max(1, latencies.length)) : NaN,
    pgRowsReadPerUpdate: counters0 && counters1 ? Math.round((counters1.rowsRead - counters0.rowsRead) / Math.max(1, latencies.length)) : NaN,
    extraReplies,
  };
}

/** Falls behind: answers missing after the drain, handled well under offered, or p99 over five seconds. */
const fellBehind = (r: RateResult) => r.answered < r.total * 0.99 || r.handledPerS < r.offered * 0.9 || r.p99Ms > 5000;

async function withStorage<T>(storage: Storage, fn: (db: { url?: string; admin: postgres.Sql | null; name: string }) => Promise<T>): Promise<T> {
  if (storage !== 'postgres') return fn({ admin: null, name: '' });
  const baseUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_URL;
  const name = `duban_load_${randomBytes(5).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  try {
    return await fn({ url: withDatabase(baseUrl, name), admin, name });
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  }
}

export async function runLadder(options: {
  storage: Storage;
  rates: number[];
  seconds: number;
  units: number;
  openItems: number;
  instances?: number;
  profileDir?: string;
  log?: (line: string) => void;
}): Promise<RateResult[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return withStorage(options.storage, async (db) => {
    const started = performance.now();
    const instances = options.instances ?? 1;
    const world = await startWorld({
      storage: options.storage,
      ...(db.url ? { databaseUrl: db.url } : {}),
      units: options.units,
      openItems: options.openItems,
      instances,
      ...(options.profileDir ? { profileDir: options.profileDir } : {}),
    });
    const label = instances > 1 ? `${options.storage} x${instances} (webhook)` : options.storage;
    log(
      `load: ${label}: ${options.units} units, ${options.openItems} open items, bot ready in ${Math.round(performance.now() - started)} ms (RSS ${Math.round(world.stats.rss / 1048576)} MB)`,
    );
    const results: RateResult[] = [];
    try {
      // A warm-up at a low rate (not reported): the first queries of each kind, JIT.
      await runRate(world, 20, 2, { admin: db.admin, database: db.name, seedOffset: 999 });
      for (const [i, rate] of options.rates.entries()) {
        const r = await runRate(world, rate, options.seconds, { admin: db.admin, database: db.name, seedOffset: i * 37 });
        results.push(r);
        log(`load: ${label} ${JSON.stringify(r)}`);
        if (fellBehind(r)) {
          log(`load: ${label}: fell behind at ${rate}/s; not climbing further`);
          break;
        }
      }
    } finally {
      await world.stop();
    }
    return results;
  });
}

const list = (value: string | undefined, fallback: number[]) =>
  value === undefined
    ? fallback
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(Number);

export async function runLoadBench(): Promise<Record<string, number>> {
  const quick = process.env.LOAD_QUICK === '1';
  const units = Number(process.env.LOAD_UNITS ?? 500);
  const openItems = Number(process.env.LOAD_ITEMS ?? 2000);
  const seconds = Number(process.env.LOAD_STEP_SECONDS ?? (quick ? 3 : 8));
  const pgRates = list(process.env.LOAD_RATES, quick ? [50, 200, 500] : [10, 20, 40, 50, 100, 200, 500]);
  const pgliteRates = list(process.env.LOAD_PGLITE_RATES, quick ? [] : [10, 20, 40, 50, 100]);
  const rssItems = Number(process.env.LOAD_RSS_ITEMS ?? (quick ? 0 : 100_000));
  const webhookRates = list(process.env.LOAD_WEBHOOK_RATES, quick ? [] : [20, 50, 100, 200, 500]);
  const webhookInstances = Number(process.env.LOAD_WEBHOOK_INSTANCES ?? 3);
  const profileDir = process.env.LOAD_PROFILE_DIR;
  const figures: Record<string, number> = { units, openItems, stepSeconds: seconds, cpus: cpus().length, loadAverage1m: round1(loadavg()[0]!) };
  const record = (prefix: string, results: RateResult[]) => {
    let best = 0;
    for (const r of results) {
      const key = `${prefix}_r${r.offered}`;
      figures[`${key}_handledPerS`] = r.handledPerS;
      figures[`${key}_p50Ms`] = r.p50Ms;
      figures[`${key}_p99Ms`] = r.p99Ms;
      figures[`${key}_botCpuPct`] = r.botCpuPct;
      figures[`${key}_botCpuMsPerUpdate`] = r.botCpuMsPerUpdate;
      figures[`${key}_botRssMB`] = r.botRssMB;
      if (!Number.isNaN(r.pgCpuPct)) figures[`${key}_pgCpuPct`] = r.pgCpuPct;
      if (!Number.isNaN(r.pgCpuMsPerUpdate)) figures[`${key}_pgCpuMsPerUpdate`] = r.pgCpuMsPerUpdate;
      if (!Number.isNaN(r.pgXactsPerUpdate)) figures[`${key}_pgXactsPerUpdate`] = r.pgXactsPerUpdate;
      if (!Number.isNaN(r.pgRowsReadPerUpdate)) figures[`${key}_pgRowsReadPerUpdate`] = r.pgRowsReadPerUpdate;
      if (r.extraReplies > 0) figures[`${key}_unattributedReplies`] = r.extraReplies;
      if (r.p99Ms < 50 && !fellBehind(r)) best = Math.max(best, r.offered);
    }
    // The highest offered rate handled in full with p99 under 50 ms.
    figures[`${prefix}_maxRateP99Under50`] = best;
  };
  const floorRates = list(process.env.LOAD_FLOOR_RATES, quick ? [] : [100, 200, 500]);
  const profile = profileDir ? { profileDir } : {};
  // The yardstick first: a bare grammY bot, no database, one answer per update.
  if (floorRates.length > 0) record('floor', await runLadder({ storage: 'floor', rates: floorRates, seconds, units, openItems, ...profile }));
  if (pgRates.length > 0) record('pg', await runLadder({ storage: 'postgres', rates: pgRates, seconds, units, openItems, ...profile }));
  if (pgliteRates.length > 0) record('pglite', await runLadder({ storage: 'pglite', rates: pgliteRates, seconds, units, openItems, ...profile }));
  if (webhookRates.length > 0) {
    figures.webhook_instances = webhookInstances;
    record('webhook', await runLadder({ storage: 'postgres', rates: webhookRates, seconds, units, openItems, instances: webhookInstances }));
  }
  if (rssItems > 0) {
    const [r] = await runLadder({ storage: 'postgres', rates: [50], seconds: 5, units, openItems: rssItems });
    if (r) {
      figures.rss100k_items = rssItems;
      figures.rss100k_MB = r.botRssMB;
      figures.rss100k_r50_p99Ms = r.p99Ms;
    }
  }
  figures.loadAverage1mAfter = round1(loadavg()[0]!);
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runLoadBench();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figures)}\n`);
  else for (const [key, value] of Object.entries(figures)) process.stdout.write(`  ${key.padEnd(32)} ${value}\n`);
}
