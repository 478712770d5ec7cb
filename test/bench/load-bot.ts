/**
 * The bot under test of the load benchmark (test/bench/load.bench.ts), run as a child process
 * of the benchmark so that its CPU and RSS are its own: the real `startApp` of src/main.ts, long
 * polling (or serving a webhook) against the fake Bot API the benchmark runs, on PostgreSQL
 * (DATABASE_URL) or PGlite (DATA_DIR). Settings come from the environment as in production.
 *
 * Before the bot starts (startApp's beforeStart) it seeds the organisation the benchmark plays:
 * LOAD_SEED names a JSON file ({@link LoadSeed}); LOAD_SEED_SKIP=1 for a second instance on a
 * database already seeded. Over IPC it says `{ type: 'ready', items }` once it takes updates,
 * sends `{ type: 'stats', cpuMicros, rss }` every 200 ms, and answers `{ type: 'outboxSent' }`
 * with the (chat, message) pairs the outbox dispatcher sent (the benchmark leaves those out:
 * it times the handlers' own replies).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import { sql } from 'drizzle-orm';
import { Bot } from 'grammy';
import { loadConfigOrExit } from '../../src/config.js';
import type { Database, Db } from '../../src/db/client.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { silentLogger } from '../../src/logger.js';
import { startApp, type App } from '../../src/app.js';
import { systemClock } from '../../src/shared/clock.js';

/** What the benchmark created in the fake Telegram, for the bot's tables. */
export type LoadSeed = {
  adminId: number;
  leaderId: number;
  leadersChatId: number;
  /** Unit i+1's group and its members. */
  units: { chatId: number; memberIds: number[] }[];
  openItems: number;
};

/** One seeded item, as the benchmark addresses it (`/ack 2026-12`, the card's buttons). */
export type LoadItem = { id: number; year: number; number: number; lead: number; version: number };

type Row = Record<string, unknown>;
const rows = async (db: Db, query: ReturnType<typeof sql>): Promise<Row[]> => {
  const result = (await db.execute(query)) as unknown as Row[] | { rows: Row[] };
  return Array.isArray(result) ? result : result.rows;
};

/** Columns of a table a plain insert may write (no serial id, no generated column). */
async function writableColumns(db: Db, table: string): Promise<string[]> {
  const list = await rows(
    db,
    sql`select column_name as name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER'
          and coalesce(column_default, '') not like 'nextval(%' order by ordinal_position`,
  );
  return list.map((r) => String(r.name));
}

/**
 * The organisation: U units (市第N局, two aliases each) each with its group and members, a
 * leaders group with one leader, and `openItems` open items: one made through the use cases
 * (/assign and its confirmation, so its state is the real thing), cloned in SQL with its lead unit
 * (and for one item in three a cooperating unit) moved round the units, with their history.
 */
export async function seedLoad(database: Database, seed: LoadSeed, config: Parameters<typeof startAssignment>[0]['config']): Promise<LoadItem[]> {
  const db = database.db;
  const u = seed.units.length;
  await db.execute(sql`insert into units (id, name, created_at) select n, '市第' || n || '局', now() from generate_series(1, ${u}::int) n`);
  await db.execute(sql`select setval(pg_get_serial_sequence('units', 'id'), ${u})`);
  await db.execute(sql`insert into unit_aliases (alias, unit_id) select '第' || n || '局', n from generate_series(1, ${u}::int) n`);
  await db.execute(sql`insert into unit_aliases (alias, unit_id) select 'Bureau ' || n, n from generate_series(1, ${u}::int) n`);
  const people: [number, string][] = [
    [seed.adminId, '督查室'],
    [seed.leaderId, '李'],
    ...seed.units.flatMap((unit, i) => unit.memberIds.map((id, j) => [id, `第${i + 1}局科员${j + 1}`] as [number, string])),
  ];
  for (let i = 0; i < people.length; i += 500) {
    const chunk = people.slice(i, i + 500);
    await db.execute(sql`insert into people (id, first_name, started_bot, created_at, updated_at)
      select (p->>0)::bigint, p->>1, false, now(), now() from jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) p`);
  }
  await db.execute(sql`insert into roles (person_id, role, granted_by, granted_at) values (${seed.leaderId}, 'leader', ${seed.adminId}, now())`);
  const members = seed.units.flatMap((unit, i) => unit.memberIds.map((id) => [i + 1, id]));
  await db.execute(sql`insert into unit_members (unit_id, person_id, added_by, joined_at)
    select (m->>0)::int, (m->>1)::bigint, null, now() from jsonb_array_elements(${JSON.stringify(members)}::jsonb) m`);
  await db.execute(
    sql`insert into bound_chats (chat_id, thread_id, kind, title, bound_at) values (${seed.leadersChatId}, 0, 'leaders', '市领导督办群', now())`,
  );
  const chats = seed.units.map((unit, i) => [unit.chatId, i + 1]);
  await db.execute(sql`insert into bound_chats (chat_id, thread_id, kind, unit_id, title, bound_at)
    select (c->>0)::bigint, 0, 'unit', (c->>1)::int, '市第' || (c->>1) || '局工作群', now() from jsonb_array_elements(${JSON.stringify(chats)}::jsonb) c`);

  // The template item, through the use cases: unit 1 leads, unit 2 cooperates.
  const deps = { db, clock: systemClock, config, translator: createTranslator() };
  const { item: draft } = await startAssignment(deps, {
    actorId: seed.leaderId,
    text: '请市第1局牵头，市第2局配合，于2027年6月30日前完成第1项整改工作，按时报送办理结果。',
    source: { chatId: seed.leadersChatId, threadId: 0, messageId: null },
    chat: { chatId: seed.leadersChatId, threadId: 0 },
  });
  const { item: template } = await runItemCommand(deps, { actorId: seed.leaderId, itemId: draft.id, command: { type: 'confirm_draft' } });
  // Item number n: its lead unit, and its cooperating unit (null when it has none).
  const lead = (n: string) => `(1 + (${n} - 1) % ${u})`;
  const coop = (n: string) => `(case when ${n} % 3 = 0 and (1 + (${n} * 7 + 13) % ${u}) <> (1 + (${n} - 1) % ${u}) then 1 + (${n} * 7 + 13) % ${u} end)`;
  const n = seed.openItems;
  if (n > 1) {
    const itemColumns = await writableColumns(db, 'items');
    const values = itemColumns.map((c) => {
      if (c === 'code_number') return 'n';
      if (c === 'instruction') return `replace(replace(t.instruction, '第1项', '第' || n || '项'), '市第1局', '市第' || ${lead('n')} || '局')`;
      if (c === 'state') {
        return `jsonb_set(t.state, '{units}', jsonb_build_array(jsonb_set(t.state->'units'->0, '{unitId}', to_jsonb(${lead('n')})))
          || case when ${coop('n')} is not null
               then jsonb_build_array(jsonb_set(t.state->'units'->1, '{unitId}', to_jsonb(${coop('n')}))) else '[]'::jsonb end)`;
      }
      return `t.${c}`;
    });
    await db.execute(
      sql.raw(`insert into items (${itemColumns.join(', ')})
      select ${values.join(', ')} from items t, generate_series(2, ${n}) n where t.id = ${template.id} order by n`),
    );
    // Each clone's units and history: the template's rows with unit 1 -> the lead, unit 2 -> the cooperating unit.
    const unitMap = (column: string) => `case ${column} when 1 then ${lead('i.code_number')} when 2 then ${coop('i.code_number')} else ${column} end`;
    const unitColumns = await writableColumns(db, 'item_units');
    await db.execute(
      sql.raw(`insert into item_units (${unitColumns.join(', ')})
        select ${unitColumns.map((c) => (c === 'item_id' ? 'i.id' : c === 'unit_id' ? unitMap('t.unit_id') : `t.${c}`)).join(', ')}
        from item_units t, items i where t.item_id = ${template.id} and i.id <> ${template.id} and i.code_year = ${template.row.codeYear}
          and ${unitMap('t.unit_id')} is not null order by i.id`),
    );
    const eventColumns = await writableColumns(db, 'item_events');
    await db.execute(
      sql.raw(`insert into item_events (${eventColumns.join(', ')})
        select ${eventColumns.map((c) => (c === 'item_id' ? 'i.id' : c === 'unit_id' ? `case when t.unit_id is null then null else ${unitMap('t.unit_id')} end` : `t.${c}`)).join(', ')}
        from item_events t, items i where t.item_id = ${template.id} and i.id <> ${template.id} and i.code_year = ${template.row.codeYear}
          and (t.unit_id is null or ${unitMap('t.unit_id')} is not null) order by i.id, t.id`),
    );
    await db.execute(sql`update item_code_counters set last = ${n} where year = ${template.row.codeYear}`);
  }
  // The template's confirmation planned its cards; the benchmark times replies, not that backlog.
  await db.execute(sql`delete from outbox`);
  await db.execute(sql`analyze`);
  const list = await rows(db, sql`select id, code_year, code_number, lead_unit, version from items where status = 'open' order by id`);
  return list.map((r) => ({
    id: Number(r.id),
    year: Number(r.code_year),
    number: Number(r.code_number),
    lead: Number(r.lead_unit),
    version: Number(r.version),
  }));
}

type SqlStatsTarget = {
  execProtocolStream: (message: Uint8Array, options?: unknown) => Promise<Array<{ name: string }>>;
  execProtocol: (message: Uint8Array, options?: unknown) => Promise<{ messages: Array<{ name: string }> }>;
  _runExclusiveQuery: (fn: () => Promise<unknown>) => Promise<unknown>;
};
const sqlStatsTable = new Map<string, { n: number; ms: number; rows: number; maxMs: number }>();
function sqlStats(pg: SqlStatsTarget): void {
  let current = '';
  let rowsNow = 0;
  const named = new Map<string, string>();
  const look = (message: Uint8Array) => {
    const cstring = (from: number) => new TextDecoder().decode(message.subarray(from, message.indexOf(0, from)));
    // A buffer may start with Close messages (statements forgotten) before its Parse.
    let at = 0;
    while (message[at] === 0x43) at += 1 + new DataView(message.buffer, message.byteOffset + at + 1, 4).getInt32(0);
    if (message[at] === 0x50) {
      // Parse: the statement's name, then its text.
      const name = cstring(at + 5);
      current = cstring(at + 5 + Buffer.byteLength(name) + 1)
        .replace(/\s+/g, ' ')
        .slice(0, 160);
      if (name) named.set(name, current);
    } else if (message[at] === 0x51)
      current = cstring(at + 5)
        .replace(/\s+/g, ' ')
        .slice(0, 160);
    else if (message[at] === 0x42) {
      // Bind: the portal's name, then the statement's.
      const portal = cstring(at + 5);
      current = named.get(cstring(at + 5 + Buffer.byteLength(portal) + 1)) ?? current;
    }
  };
  const count = (messages: Array<{ name: string }>) => {
    rowsNow += messages.filter((m) => m.name === 'dataRow').length;
  };
  const stream = pg.execProtocolStream.bind(pg);
  pg.execProtocolStream = async (message, options) => {
    look(message);
    const out = await stream(message, options);
    count(out);
    return out;
  };
  const exec = pg.execProtocol.bind(pg);
  pg.execProtocol = async (message, options) => {
    look(message);
    const out = await exec(message, options);
    count(out.messages);
    return out;
  };
  const run = pg._runExclusiveQuery.bind(pg);
  pg._runExclusiveQuery = async (fn) =>
    run(async () => {
      const t = performance.now();
      rowsNow = 0;
      try {
        return await fn();
      } finally {
        const e = sqlStatsTable.get(current) ?? { n: 0, ms: 0, rows: 0, maxMs: 0 };
        const took = performance.now() - t;
        e.n += 1;
        e.ms += took;
        e.maxMs = Math.max(e.maxMs, took);
        e.rows += rowsNow;
        sqlStatsTable.set(current, e);
      }
    });
}

/**
 * LOAD_FLOOR=1: not duban but the least a grammY bot can be, the benchmark's yardstick: grammY's
 * own long polling, no database, each command answered with one message and each button press
 * with its callback answer (what the benchmark times). Its CPU per update is what the Bot API's
 * HTTP and grammY cost before any work is done.
 */
async function floorMain(): Promise<void> {
  const seed = JSON.parse(readFileSync(process.env.LOAD_SEED!, 'utf8')) as LoadSeed;
  const bot = new Bot(process.env.BOT_TOKEN!, { client: { apiRoot: process.env.BOT_API_ROOT! } });
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: '收到' }));
  bot.on('message', (ctx) => ctx.reply('已收到'));
  bot.catch(() => {});
  await bot.init();
  void bot.start({ drop_pending_updates: true });
  // Items only for the benchmark's texts and buttons: the floor reads none of them.
  const items = seed.units.map((_, i) => ({ id: i + 1, year: 2026, number: i + 1, lead: i + 1, version: 1 }));
  process.send?.({ type: 'ready', items, port: null });
  const stats = () => process.send?.({ type: 'stats', cpuMicros: (({ user, system }) => user + system)(process.cpuUsage()), rss: process.memoryUsage().rss });
  stats();
  const timer = setInterval(stats, 200);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'outboxSent') process.send?.({ type: 'outboxSent', pairs: [] });
    if (message.type === 'stop') {
      clearInterval(timer);
      void bot.stop().then(() => process.exit(0));
    }
  });
}

async function main(): Promise<void> {
  if (process.env.LOAD_FLOOR === '1') return floorMain();
  const config = loadConfigOrExit();
  const seedFile = process.env.LOAD_SEED;
  let items: LoadItem[] = [];
  const app: App = await startApp(config, {
    // Production logs at info to stdout; the benchmark sends stdout to /dev/null (LOG_LEVEL as set).
    ...(process.env.LOAD_SILENT === '1' ? { logger: silentLogger } : {}),
    beforeStart: async (database) => {
      if (!seedFile || process.env.LOAD_SEED_SKIP === '1') return;
      const seed = JSON.parse(readFileSync(seedFile, 'utf8')) as LoadSeed;
      items = await seedLoad(database, seed, config);
      if (process.env.LOAD_SQL_STATS && database.pglite) sqlStats(database.pglite as unknown as SqlStatsTarget);
    },
  });
  const send = (message: unknown) => process.send?.(message);
  send({ type: 'ready', items, port: app.webhook?.address.port ?? null });
  // Sent (serialised at once): the benchmark's list of 100,000 items would otherwise stay in this
  // process's heap, counted in the bot's RSS, for as long as the closures below live.
  items = [];
  // LOAD_MEMORY_LOG=file: each report's process.memoryUsage() (MB) as a JSON line, to see what the RSS is made of.
  const memoryLog = process.env.LOAD_MEMORY_LOG;
  const stats = () => {
    const memory = process.memoryUsage();
    if (memoryLog) {
      const mb = (bytes: number) => Math.round(bytes / 104857.6) / 10;
      const usage = Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, mb(v)]));
      // And the V8 heap's spaces (committed MB): what of heapTotal is the young generation.
      const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name.replace(/_space$/, ''), mb(s.space_size)]));
      appendFileSync(memoryLog, `${JSON.stringify({ t: Math.round(performance.now()), ...usage, spaces })}\n`);
    }
    send({ type: 'stats', cpuMicros: (({ user, system }) => user + system)(process.cpuUsage()), rss: memory.rss });
  };
  stats();
  const timer = setInterval(stats, 200);
  // LOAD_HEAP_PROFILE=file: V8's sampling heap profile from here to the stop, counting what was
  // allocated and since collected too (what the garbage collector has to deal with, not only what lives).
  const heapProfile = process.env.LOAD_HEAP_PROFILE;
  const inspector = heapProfile ? new Session() : null;
  if (inspector) {
    inspector.connect();
    await inspector.post('HeapProfiler.startSampling', {
      samplingInterval: 16_384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as never);
  }
  process.on('message', (message: { type: string }) => {
    if (message.type === 'outboxSent') {
      void app.database.db.execute(sql`select chat_id, message_id from outbox where message_id is not null`).then((result) => {
        const list = Array.isArray(result) ? (result as Row[]) : (result as unknown as { rows: Row[] }).rows;
        send({ type: 'outboxSent', pairs: list.map((r) => [Number(r.chat_id), Number(r.message_id)]) });
      });
    }
    if (message.type === 'stop') {
      clearInterval(timer);
      void (async () => {
        if (inspector && heapProfile) {
          const { profile } = await inspector.post('HeapProfiler.stopSampling');
          writeFileSync(heapProfile, JSON.stringify(profile));
        }
        await app.stop();
        if (process.env.LOAD_SQL_STATS)
          writeFileSync(process.env.LOAD_SQL_STATS, JSON.stringify([...sqlStatsTable.entries()].sort((a, b) => b[1].ms - a[1].ms)));
        process.exit(0);
      })();
    }
  });
}

await main();
