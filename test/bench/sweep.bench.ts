/**
 * Reminder sweep benchmark on PostgreSQL: does a sweep cost follow the due items, not the open ones?
 *
 *   npx tsx test/bench/sweep.bench.ts                 prints a table
 *   npx tsx test/bench/sweep.bench.ts --json          prints one JSON object
 *   npx tsx test/bench/sweep.bench.ts --sizes 10000,100000 --due 100
 *
 * Creates its own database at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * with 500 units (each with a bound group), and grows the open items in steps (10k, 100k, 1M by
 * default) with INSERT ... SELECT generate_series, each row a real item state the sweep can judge.
 * At each size it measures
 *   - emptySweepMs_N: a sweep when nothing is due (median of `emptyRuns`; target < 20 ms), and
 *   - dueSweepMs_N: a sweep that finds `due` overdue items among the N open ones (one overdue nag
 *     each: a reminder row and an outbox message), median and minimum of 5; its cost should not
 *     grow with N (the minimum is the steadier figure on a busy machine).
 * Then, at the largest size, one sweep with ten times the due items (dueSweepMs_N_x10due).
 * The database is dropped at the end. `runSweepBench()` is the entry for test/bench/index.ts.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { createConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { deadlineInstant, serializeState } from '../../src/items/model/codec.js';
import { createDraft, decide } from '../../src/items/model/transitions.js';
import type { Actor } from '../../src/org/org.models.js';
import { runSweep } from '../../src/reminders/reminders.usecases.js';
import { createManualClock } from '../../src/shared/clock.js';

export type SweepBenchOptions = { url?: string; sizes?: number[]; due?: number; units?: number; emptyRuns?: number };

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-06-10T10:00:00+08:00'); // a Wednesday
const LEADERS_CHAT = -1000;

/** An item state as the bot stores it: assigned 1 June, acknowledged, with the given deadline, unit id 0 (patched per row). */
function templateState(deadline: string): string {
  const issuer: Actor = { personId: 2, isAdmin: false, isLeader: true, unitIds: [] };
  const staff: Actor = { personId: 10, isAdmin: false, isLeader: false, unitIds: [0] };
  const at = new Date('2026-06-01T10:00:00+08:00');
  const ctx = (actor: Actor, when: Date) => ({ actor, at: when, today: '2026-06-01', timeOfDay: '10:00' });
  const draft = createDraft(
    { instruction: '请牵头研究落实老旧小区改造工作，按时报送办理结果。', leadUnitIds: [0], deadline, level: 'routine' },
    ctx(issuer, at),
  ).state;
  const open = decide(draft, { type: 'confirm_draft' }, ctx(issuer, at)).state;
  const acked = decide(open, { type: 'acknowledge' }, ctx(staff, new Date(at.getTime() + 600_000))).state;
  return JSON.stringify(serializeState(acked));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The targets: with 100,000 open items a sweep with nothing due takes under 20 ms, and a
 * sweep's cost follows the due items, not the open ones (100 due among 1M costs about what it costs among 10k).
 */
export const benchTarget = {
  description: 'nothing-due sweep under 20 ms at 100k open items; 100 due cost at 1M open within 3x of 10k open',
  met: (f: Record<string, number>) =>
    f.emptySweepMs_100000! < 20 && (f.dueSweepMs_1000000 === undefined || f.dueSweepMs_1000000 < 3 * Math.max(f.dueSweepMs_10000!, 1)),
};

export async function runSweepBench(options: SweepBenchOptions = {}): Promise<Record<string, number>> {
  const baseUrl = options.url ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const sizes = options.sizes ?? [10_000, 100_000, 1_000_000];
  const due = options.due ?? 100;
  const unitCount = options.units ?? 500;
  const emptyRuns = options.emptyRuns ?? 30;
  const name = `duban_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), max: 4 });
  const raw = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const out: Record<string, number> = {};
  try {
    await runMigrations(database);
    const clock = createManualClock(NOW);
    const config = createConfig({});
    const deps = { db: database.db, clock, config, translator: createTranslator() };

    await raw.unsafe(`
      insert into units (name, created_at) select '市第' || g || '局', now() from generate_series(1, ${unitCount}) g;
      insert into bound_chats (chat_id, thread_id, kind, unit_id, bound_at) select -100000 - id, 0, 'unit', id, now() from units;
      insert into bound_chats (chat_id, thread_id, kind, bound_at) values (${LEADERS_CHAT}, 0, 'leaders', now());`);

    const future = { deadline: '2026-12-31', nextCheck: '2026-12-28T09:00:00+08:00' }; // its first warning
    const overdue = { deadline: '2026-06-08' };
    const futureState = templateState(future.deadline);
    const overdueState = templateState(overdue.deadline);
    const futureAt = deadlineInstant(future.deadline, null, TZ)!.toISOString();
    const overdueAt = deadlineInstant(overdue.deadline, null, TZ)!.toISOString();
    const opened = new Date('2026-06-01T10:00:00+08:00').toISOString();

    /** Adds open items [from, to] that fall due in December, spread over the units. */
    async function addOpenItems(from: number, to: number) {
      for (let lo = from; lo <= to; lo += 100_000) {
        const hi = Math.min(to, lo + 99_999);
        await raw.unsafe(
          `insert into items (code_year, code_number, status, level, instruction, issued_by, drafted_by, deadline, deadline_at,
             source_chat_id, source_thread_id, opened_at, next_check_at, created_at, updated_at, version, state)
           select 2026, g, 'open', 'routine', '第' || g || '项', 2, 2, $1, $2::timestamptz, ${LEADERS_CHAT}, 0, $3::timestamptz,
             $4::timestamptz, $3::timestamptz, $3::timestamptz, 3,
             jsonb_set($5::text::jsonb, '{units,0,unitId}', to_jsonb(1 + g % ${unitCount}))
           from generate_series(${lo}, ${hi}) g`,
          [future.deadline, futureAt, opened, future.nextCheck, futureState],
        );
      }
    }

    /**
     * Settles the table after a bulk insert, as a live database would be: without this,
     * autovacuum (insert-triggered since PostgreSQL 13) and the checkpoint of the insert's WAL run
     * during the measurements and the 1M figures measure them.
     */
    async function settle() {
      await raw.unsafe('vacuum (analyze) items');
      await raw.unsafe('checkpoint');
    }

    /** Makes `due` random open items overdue and due now; forgets what earlier runs planned. */
    async function makeDue(ids: number[] | null, count = due): Promise<number[]> {
      await raw.unsafe(`delete from reminders; delete from outbox;`);
      const chosen =
        ids ??
        (
          await raw.unsafe<{ id: number }[]>(`select id from items where next_check_at > $1::timestamptz order by random() limit ${count}`, [NOW.toISOString()])
        ).map((r) => Number(r.id));
      await raw.unsafe(
        `update items set deadline = $1, deadline_at = $2::timestamptz, next_check_at = $3::timestamptz,
           state = jsonb_set($4::text::jsonb, '{units,0,unitId}', state->'units'->0->'unitId')
         where id = any($5::int[])`,
        [overdue.deadline, overdueAt, new Date(NOW.getTime() - 60_000).toISOString(), overdueState, chosen],
      );
      return chosen;
    }

    // Warm up the connections, the translator and the JIT.
    await addOpenItems(1, Math.min(1000, sizes[0] ?? 1000));
    let warm: number[] | null = null;
    for (let i = 0; i < 3; i++) {
      warm = await makeDue(warm);
      await runSweep(deps);
    }
    await raw.unsafe(
      `update items set next_check_at = '${future.nextCheck}', deadline = '${future.deadline}', deadline_at = '${futureAt}' where id = any($1::int[])`,
      [warm!],
    );

    let built = Math.min(1000, sizes[0] ?? 1000);
    for (const size of sizes) {
      const started = performance.now();
      if (size > built) await addOpenItems(built + 1, size);
      out[`buildSeconds_${size}`] = round((performance.now() - started) / 1000);
      const settling = performance.now();
      await settle();
      out[`vacuumSeconds_${size}`] = round((performance.now() - settling) / 1000);
      built = Math.max(built, size);

      const empty: number[] = [];
      for (let i = 0; i < emptyRuns; i++) {
        const t0 = performance.now();
        const result = await runSweep(deps);
        empty.push(performance.now() - t0);
        if (result.items !== 0) throw new Error(`expected nothing due, the sweep took ${result.items} items`);
      }
      out[`emptySweepMs_${size}`] = round(median(empty));
      out[`emptySweepMaxMs_${size}`] = round(Math.max(...empty));

      const dueRuns: number[] = [];
      let ids: number[] | null = null;
      for (let run = 0; run < 5; run++) {
        ids = await makeDue(ids);
        const t0 = performance.now();
        const result = await runSweep(deps);
        dueRuns.push(performance.now() - t0);
        if (result.items !== due || result.reminders !== due || result.messages !== due) {
          throw new Error(`expected ${due} due items planned once each, got ${JSON.stringify(result)}`);
        }
      }
      out[`dueSweepMs_${size}`] = round(median(dueRuns));
      out[`dueSweepMinMs_${size}`] = round(Math.min(...dueRuns));
      out[`dueSweepMsPerItem_${size}`] = round(median(dueRuns) / due);
      // Put them back among the not-due, so the next size has exactly `due` due items again.
      await raw.unsafe(
        `update items set next_check_at = '${future.nextCheck}', deadline = '${future.deadline}', deadline_at = '${futureAt}' where id = any($1::int[])`,
        [ids!],
      );
    }
    // The other axis: ten times the due items, at the largest size, cost about ten times as much.
    const many = due * 10;
    const manyIds = await makeDue(null, many);
    const t0 = performance.now();
    const manyResult = await runSweep(deps);
    out[`dueSweepMs_${built}_x10due`] = round(performance.now() - t0);
    if (manyResult.items !== many || manyResult.messages !== many)
      throw new Error(`expected ${many} due items planned once each, got ${JSON.stringify(manyResult)}`);
    await raw.unsafe(
      `update items set next_check_at = '${future.nextCheck}', deadline = '${future.deadline}', deadline_at = '${futureAt}' where id = any($1::int[])`,
      [manyIds],
    );

    const plan = await raw.unsafe<{ 'QUERY PLAN': string }[]>(
      `explain select * from items where next_check_at <= $1::timestamptz order by next_check_at limit 100 for update skip locked`,
      [NOW.toISOString()],
    );
    out.claimUsesNextCheckIndex = plan.some((r) => r['QUERY PLAN'].includes('items_next_check_idx')) ? 1 : 0;
    out.openItems = built;
    out.dueItems = due;
    out.units = unitCount;
    return out;
  } finally {
    await raw.end({ timeout: 5 });
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const after = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const sizes = after('--sizes')?.split(',').map(Number);
  const due = after('--due');
  const result = await runSweepBench({ ...(sizes ? { sizes } : {}), ...(due ? { due: Number(due) } : {}) });
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.table(result);
}
