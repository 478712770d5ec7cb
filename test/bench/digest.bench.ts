/**
 * Daily digest benchmark on PostgreSQL: 500 units, each with its own group, and 100,000 open
 * items (plus 2,000 closed the day before), seeded straight into the tables of a database of its
 * own, which it creates and drops. Measures, at 08:30 on a working day:
 *
 * - leadersDigestMs: the leaders digest built (its queries and its texts), the figure with a
 *   target: under 300 ms; and leadersDigestScans, the same as a multiple of one plain scan of
 *   the items table (calibrationScanMs), with a target of under 5;
 * - unitDigestsMs: the 500 unit digests built (one query for the counts, one for the lists);
 * - runMs: the whole scheduled run: both of the above and every outbox row in one transaction.
 *
 * Each figure is the median of `runs` timed runs after one warm-up run (max alongside). The
 * machine's load and the time of one plain scan of the items table are reported with them: on a
 * shared machine the figures scale with that yardstick. The yardstick is timed beside the runs,
 * one scan just before each leaders digest (so both meet the machine in the same state: after the
 * previous run's writes), and five more after the runs; calibrationScanAfterMs and
 * leadersDigestScansAfter are the figures from the five after the runs alone.
 *
 *   npx tsx test/bench/digest.bench.ts            prints a table
 *   npx tsx test/bench/digest.bench.ts --json     prints one JSON object
 *
 * TEST_DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { createConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { LIST_LIMIT, UNIT_LIST_LIMIT, digestWindow, renderUnitDigest } from '../../src/digests/digest-text.js';
import { createDigestsRepository } from '../../src/digests/digests.repository.js';
import { leadersDigestMessages, runDailyDigests } from '../../src/digests/digests.usecases.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { createManualClock } from '../../src/shared/clock.js';
import type { AppDeps } from '../../src/deps.js';

export type DigestBenchOptions = { units?: number; openItems?: number; closedItems?: number; runs?: number; databaseUrl?: string };

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * The issues' targets: a daily digest for 500 units (100,000 open items) built in under 300 ms,
 * and in under 5 times the plain scan of the items measured beside it (the machine's yardstick).
 */
export const benchTarget = {
  description: 'leaders digest for 500 units over 100,000 open items in under 300 ms and under 5x one plain scan of the items',
  met: (f: Record<string, number>) => f.units! >= 500 && f.openItems! >= 100_000 && f.leadersDigestMs! < 300 && f.leadersDigestScans! < 5,
};

/**
 * Seeds the benchmark's organisation and items into a migrated database (see the top of this
 * file); exported so that the queries can be profiled (EXPLAIN ANALYZE) on the same data.
 */
export async function seedDigestBench(db: Database['db'], options: { units: number; openItems: number; closedItems: number }): Promise<void> {
  const { units, openItems, closedItems } = options;
  // An item's units as its state holds them (the same as the item_units rows seeded below): the
  // lead unit, acknowledged 2 hours after opening except one item in five; for one item in three
  // a cooperating unit that never acknowledges.
  const stateUnits = (n: SQL, opened: SQL) => sql`jsonb_build_array(
      jsonb_build_object('unitId', 1 + ${n} % ${units}, 'role', 'lead', 'removedAt', null,
        'acknowledgedAt', case when ${n} % 5 <> 0 then to_jsonb(${opened} + interval '2 hours') end))
    || case when ${n} % 3 = 0 and (1 + (${n} * 7 + 13) % ${units}) <> (1 + ${n} % ${units})
         then jsonb_build_array(jsonb_build_object('unitId', 1 + (${n} * 7 + 13) % ${units}, 'role', 'cooperating', 'removedAt', null, 'acknowledgedAt', null))
         else '[]'::jsonb end`;
  await db.execute(sql`
    insert into units (id, name, created_at)
    select u, '市第' || u || '局', now() from generate_series(1, ${units}::int) u`);
  await db.execute(sql`select setval(pg_get_serial_sequence('units', 'id'), ${units})`);
  await db.execute(sql`insert into bound_chats (chat_id, thread_id, kind, title, bound_at) values (-1000000000001, 0, 'leaders', '领导群', now())`);
  await db.execute(sql`
    insert into bound_chats (chat_id, thread_id, kind, unit_id, title, bound_at)
    select -1001000000000 - u, 0, 'unit', u, '市第' || u || '局工作群', now() from generate_series(1, ${units}::int) u`);
  // Open items: deadlines from 20 days ago to 40 days ahead (a third overdue; every unit has items
  // due on each of the 60 days, as a real unit's deadlines spread), one in twenty
  // waiting for confirmation, one in a hundred new since yesterday's digest, one in fifty excused.
  await db.execute(sql`
    insert into items (code_year, code_number, status, level, instruction, issued_by, drafted_by, deadline, deadline_at,
                       excused, opened_at, result_submitted_at, extension_requested_at, source_chat_id, created_at, updated_at, version, state)
    select 2026, n,
      case when n % 20 = 0 then 'result_submitted' else 'open' end,
      (array['key', 'special', 'routine'])[1 + n % 3],
      '请市第' || (1 + n % ${units}) || '局牵头，会同有关单位抓好第' || n || '项整改工作，按时报送办理结果。',
      2, 2,
      to_char(d, 'YYYY-MM-DD'),
      (d + 1)::timestamp at time zone 'Asia/Shanghai' - interval '1 millisecond',
      n % 50 = 7,
      opened,
      case when n % 20 = 0 then opened + interval '1 day' end,
      case when n % 97 = 3 and n % 20 <> 0 then timestamptz '2026-03-10T02:00:00.000Z' end,
      -1000000000001, opened, opened, 3,
      -- The state's units are the item_units rows below; one in ninety-seven asks for an extension.
      jsonb_build_object('units', ${stateUnits(sql`n`, sql`opened`)}, 'pendingExtension',
        case when n % 97 = 3 then jsonb_build_object('unitId', 1 + n % ${units}, 'requestedBy', 3, 'requestedAt', '2026-03-10T02:00:00.000Z',
          'until', '2026-04-30', 'untilTime', null, 'reason', '需要协调的事项较多') end)
    from (
      select n, date '2026-03-11' + ((n / ${units}) % 60 - 20) as d,
        case when n % 100 = 1 then timestamptz '2026-03-10 12:00+08' + (n % 3600) * interval '1 second'
             else timestamptz '2026-03-10 08:00+08' - (1 + n % 30) * interval '1 day' end as opened
      from generate_series(1, ${openItems}::int) n
    ) s`);
  await db.execute(sql`
    insert into items (code_year, code_number, status, level, instruction, issued_by, drafted_by, deadline, deadline_at,
                       opened_at, closed_at, source_chat_id, created_at, updated_at, version, state)
    select 2026, n, 'closed', 'routine', '第' || n || '项工作已办结。', 2, 2, '2026-03-12',
      timestamptz '2026-03-12 23:59:59.999+08', timestamptz '2026-02-20 09:00+08',
      timestamptz '2026-03-10 09:00+08' + (n % 30000) * interval '1 second',
      -1000000000001, now(), now(), 5,
      jsonb_build_object('result', jsonb_build_object('at', '2026-03-09T02:00:00.000Z'), 'units', ${stateUnits(sql`n`, sql`timestamptz '2026-02-20 09:00+08'`)})
    from generate_series(${openItems + 1}::int, ${openItems + closedItems}::int) n`);
  await db.execute(sql`
    insert into item_units (item_id, unit_id, role, assigned_at, acknowledged_at, item_open)
    select i.id, 1 + i.code_number % ${units}, 'lead', i.opened_at, case when i.code_number % 5 <> 0 then i.opened_at + interval '2 hours' end, i.status = 'open'
    from items i`);
  await db.execute(sql`
    insert into item_units (item_id, unit_id, role, assigned_at, acknowledged_at, item_open)
    select i.id, 1 + (i.code_number * 7 + 13) % ${units}, 'cooperating', i.opened_at, null, i.status = 'open'
    from items i where i.code_number % 3 = 0 and (1 + (i.code_number * 7 + 13) % ${units}) <> (1 + i.code_number % ${units})`);
  // The history the "changed since the last digest" lines read: each item's opening, and each
  // acknowledgement (most of them long before the digest's window).
  await db.execute(sql`
    insert into item_events (item_id, type, at, actor_id, unit_id, data)
    select i.id, 'item_opened', i.opened_at, 2, null, '{}'::jsonb from items i order by i.id`);
  await db.execute(sql`
    insert into item_events (item_id, type, at, actor_id, unit_id, data)
    select iu.item_id, 'unit_acknowledged', iu.acknowledged_at, 3, iu.unit_id, jsonb_build_object('role', iu.role, 'via', 'acknowledge')
    from item_units iu where iu.acknowledged_at is not null order by iu.acknowledged_at`);
  // What autovacuum does to a table that has just taken 100,000 rows (its insert threshold):
  // statistics, and the visibility map that lets the digest's counts read an index alone.
  await db.execute(sql`vacuum analyze`);
}

export async function runDigestBench(options: DigestBenchOptions = {}): Promise<Record<string, number>> {
  const units = options.units ?? 500;
  const openItems = options.openItems ?? 100_000;
  const closedItems = options.closedItems ?? 2_000;
  const runs = options.runs ?? 5;
  const baseUrl = options.databaseUrl ?? process.env.TEST_DATABASE_URL ?? DEFAULT_URL;
  const name = `duban_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const database = await openDatabase({ databaseUrl: withDatabase(baseUrl, name), max: 4 });
  try {
    await runMigrations(database);
    const db = database.db;
    const seedStarted = performance.now();
    await seedDigestBench(db, { units, openItems, closedItems });
    const seedMs = performance.now() - seedStarted;

    const clock = createManualClock('2026-03-11T08:30:00+08:00');
    const config = createConfig({});
    const deps: AppDeps = { db, clock, config, translator: createTranslator() };
    const at = clock.now();
    const repo = createDigestsRepository({ db });
    const t = deps.translator.for('zh');
    const names = new Map(Array.from({ length: units }, (_, i) => [i + 1, `市第${i + 1}局`] as const));
    const unitIds = [...names.keys()];
    const window = digestWindow({ at, timezone: config.timezone, dailyTime: '08:30', lastDigestAt: null, severeAfterWorkingDays: 7 });

    let leadersParts = 0;
    let unitMessages = 0;
    const leadersTimes: number[] = [];
    const unitTimes: number[] = [];
    const runTimes: number[] = [];
    // A yardstick for the machine: one plain scan of the items table (a few ms on an idle server).
    const scan = async () => {
      const t0 = performance.now();
      await db.execute(sql`select count(*) from items`);
      return performance.now() - t0;
    };
    const scansBeside: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const scanMs = await scan();
      let t0 = performance.now();
      const parts = await leadersDigestMessages(deps, { at });
      const leadersMs = performance.now() - t0;
      leadersParts = parts.length;

      t0 = performance.now();
      const digests = await repo.unitDigests({ window, unitIds, limit: UNIT_LIST_LIMIT, codePrefix: config.items.codePrefix });
      unitMessages = digests
        .map((d) => renderUnitDigest(d, { t, timezone: config.timezone, unitNames: names, window, unitName: names.get(d.unitId)! }).length)
        .reduce((a, b) => a + b, 0);
      const unitMs = performance.now() - t0;

      // The scheduled run: each run a new day's keys, so every row is really written.
      await db.execute(sql`delete from outbox`);
      t0 = performance.now();
      await runDailyDigests(deps, { scheduledAt: at, at });
      const runMs = performance.now() - t0;
      if (i > 0) {
        scansBeside.push(scanMs);
        leadersTimes.push(leadersMs);
        unitTimes.push(unitMs);
        runTimes.push(runMs);
      }
    }
    const [outboxRow] = (await db.execute(sql`select count(*)::int as n from outbox`)) as unknown as { n: number }[];
    const scansAfter: number[] = [];
    for (let i = 0; i < 5; i++) scansAfter.push(await scan());
    const scans = [...scansBeside, ...scansAfter];
    return {
      units,
      openItems,
      closedItems,
      listLimit: LIST_LIMIT,
      seedMs: Math.round(seedMs),
      leadersDigestMs: round(median(leadersTimes)),
      leadersDigestMaxMs: round(Math.max(...leadersTimes)),
      leadersMessages: leadersParts,
      unitDigestsMs: round(median(unitTimes)),
      unitDigestsMaxMs: round(Math.max(...unitTimes)),
      unitMessages,
      runMs: round(median(runTimes)),
      runMaxMs: round(Math.max(...runTimes)),
      outboxRows: Number(outboxRow?.n ?? 0),
      targetLeadersDigestMs: 300,
      // Other processes compete for the CPU with the database: say how much.
      cpus: cpus().length,
      loadAverage1m: round(loadavg()[0]!),
      calibrationScanMs: round(median(scans)),
      // The leaders digest in plain scans of the items: comparable across machines and loads.
      leadersDigestScans: round(median(leadersTimes) / median(scans)),
      calibrationScanAfterMs: round(median(scansAfter)),
      leadersDigestScansAfter: round(median(leadersTimes) / median(scansAfter)),
      targetLeadersDigestScans: 5,
    };
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runDigestBench();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    process.stdout.write('digests: a daily digest for 500 units and 100,000 open items (PostgreSQL)\n');
    for (const [key, value] of Object.entries(figures)) process.stdout.write(`  ${key.padEnd(22)} ${value}\n`);
  }
}
