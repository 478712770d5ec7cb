import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ITEM_LEVELS } from '../../src/items/model/types.js';
import { writeLedgerWorkbook, type LedgerEventRow, type LedgerItemRow, type LedgerUnitRow } from '../../src/ledger/ledger.workbook.js';
import { createRandom as random } from '../helpers/random.js';

/**
 * The ledger of a large office: 100,000 items and 1,000,000 history events by default, made up
 * lazily by deterministic generators and streamed into an XLSX file. Reports the time (wall and
 * CPU), the peak resident memory (sampled every 100 ms) and the file size. Targets: under 30 s and
 * under 300 MB.
 *
 *   npx tsx test/bench/ledger.bench.ts [--items N] [--events N] [--json]
 */

const UNITS = Array.from({ length: 60 }, (_, i) => `市第${i + 1}局`);
const LEADERS = ['张市长', '李副市长', '王副市长', '赵秘书长'];
const START = Date.UTC(2026, 0, 5, 1, 0);
const HOUR = 3_600_000;

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const ymd = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);

export function* benchItems(count: number): Generator<LedgerItemRow> {
  const r = random(1);
  const statuses = ['open', 'result_submitted', 'closed', 'cancelled'] as const;
  const levels = ITEM_LEVELS;
  for (let i = 1; i <= count; i++) {
    const assigned = START + Math.floor(r() * 300 * 24) * HOUR;
    const deadline = assigned + (5 + Math.floor(r() * 40)) * 24 * HOUR;
    const status = pick(r, statuses);
    const lead = pick(r, UNITS);
    const cooperating = [pick(r, UNITS), pick(r, UNITS)].filter((u) => u !== lead);
    const extended = r() < 0.1;
    const overdue = status === 'open' && r() < 0.3 ? 1 + Math.floor(r() * 20) : null;
    yield {
      code: `督办〔2026〕${i}号`,
      instruction: `请${lead}牵头，会同相关单位研究落实第${i}项工作，${Math.floor(r() * 30) + 1}日内报送办理结果。`,
      issuedBy: pick(r, LEADERS),
      leaderInCharge: r() < 0.5 ? pick(r, LEADERS) : null,
      leadUnits: [lead],
      cooperatingUnits: cooperating,
      handlers: [{ unit: lead, handler: '王承办', head: null }],
      level: pick(r, levels),
      assignedAt: new Date(assigned),
      deadline: ymd(deadline),
      originalDeadline: extended ? ymd(deadline - 7 * 24 * HOUR) : null,
      extensionCount: extended ? 1 : 0,
      status,
      acknowledgements: [lead, ...cooperating].map((unit) => ({ unit, at: r() < 0.9 ? new Date(assigned + Math.floor(r() * 48) * HOUR) : null })),
      lastProgress: r() < 0.8 ? { at: new Date(assigned + 3 * 24 * HOUR), unit: lead, text: '已完成现场勘查，正在制定整改方案。' } : null,
      result: status === 'closed' || status === 'result_submitted' ? '已按要求整改到位，群众满意。' : null,
      confirmedAt: status === 'closed' ? new Date(deadline - 2 * 24 * HOUR) : null,
      daysOverdue: overdue,
      closedDaysEarlyOrLate: status === 'closed' ? Math.floor(r() * 10) - 5 : null,
      nagsReceived: Math.floor(r() * 4),
      timesReturned: Math.floor(r() * 2),
      excused: r() < 0.02 ? { reason: '因上级政策调整，客观原因无法按期完成。', degree: 'exempt' } : null,
      warningColour: overdue ? (overdue > 10 ? 'red' : overdue > 3 ? 'yellow' : 'blue') : null,
    };
  }
}

export function* benchEvents(count: number, items: number): Generator<LedgerEventRow> {
  const r = random(2);
  const kinds = [
    ['签收', '已签收'],
    ['进展', '已完成现场勘查，正在制定整改方案，预计下周完成。'],
    ['催办', '办理时限已过，请尽快报送办理结果。'],
    ['报送结果', '已按要求整改到位。'],
    ['确认办结', '同意办结。'],
  ] as const;
  for (let i = 0; i < count; i++) {
    const [what, details] = pick(r, kinds);
    yield {
      code: `督办〔2026〕${1 + Math.floor(r() * items)}号`,
      at: new Date(START + Math.floor(r() * 300 * 24 * 60) * 60_000),
      who: pick(r, LEADERS),
      unit: r() < 0.8 ? pick(r, UNITS) : null,
      what,
      details,
    };
  }
}

function benchUnits(): LedgerUnitRow[] {
  const r = random(3);
  return UNITS.map((unit) => ({
    unit,
    items: 1000 + Math.floor(r() * 1000),
    onTimeAckRate: r(),
    onTimeCloseRate: r() < 0.1 ? null : r(),
    overdue: Math.floor(r() * 50),
    nags: Math.floor(r() * 200),
    returned: Math.floor(r() * 20),
    excusedExcluded: Math.floor(r() * 5),
    lenient: Math.floor(r() * 3),
  }));
}

/** The target: 100,000 items and 1,000,000 events, by streaming, under 30 s and 300 MB. */
export const benchTarget = {
  description: 'ledger for 100,000 items and 1,000,000 events in under 30 s with peak memory under 300 MB',
  met: (f: Record<string, number>) => f.items! >= 100_000 && f.events! >= 1_000_000 && f.seconds! < 30 && f.peakRssMB! < 300,
};

export async function runLedgerBench(options: { items?: number; events?: number } = {}): Promise<Record<string, number>> {
  const items = options.items ?? 100_000;
  const events = options.events ?? 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'duban-ledger-bench-'));
  const file = join(dir, 'ledger.xlsx');
  const rssAtStart = process.memoryUsage().rss;
  let peakRss = rssAtStart;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  try {
    const written = await writeLedgerWorkbook({
      items: benchItems(items),
      events: benchEvents(events, items),
      units: benchUnits(),
      locale: 'zh',
      timezone: 'Asia/Shanghai',
      out: file,
      generatedAt: new Date(Date.UTC(2026, 10, 29, 10, 0)),
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return {
      items: written.itemRows,
      events: written.eventRows,
      seconds: Math.round(seconds * 100) / 100,
      // user + system time of the process, all threads (zlib runs beside JavaScript): less
      // sensitive than the wall clock to whatever else the machine is doing
      cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
      rowsPerSecond: Math.round((written.itemRows + written.eventRows) / seconds),
      rssAtStartMB: mb(rssAtStart),
      peakRssMB: mb(peakRss),
      fileSizeMB: mb(statSync(file).size),
    };
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const numberAfter = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? Number(args[at + 1]) : undefined;
  };
  const result = await runLedgerBench({ items: numberAfter('--items'), events: numberAfter('--events') });
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    console.table(result);
  }
}
