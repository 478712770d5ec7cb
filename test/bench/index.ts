/**
 * `npm run bench`: runs every benchmark section that exists and prints one table; each section
 * states its target and whether it was met.
 *
 *   npm run bench                           all sections, one table
 *   npm run -s bench -- --json              exactly one JSON object on stdout (logs go to stderr;
 *                                           without -s, npm itself prints its "> duban bench" banner first)
 *   npm run bench -- --only=parser,dispatcher
 *
 * A section is test/bench/<name>.bench.ts exporting `run<Name>Bench(): Promise<Record<string, number>>`.
 * It may export `benchTarget = { description: string, met(figures): boolean }`; otherwise the
 * target below is used, if there is one. A section whose file does not exist yet is skipped, and
 * says so. Exit code: 0 when every section that ran met its target (or has none), 1 otherwise,
 * 2 for a bad command line.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Figures = Record<string, number>;
type Target = { description: string; met: (figures: Figures) => boolean };

/** The sections, in the order they run, with the targets of sections that do not export their own. */
const SECTIONS: { name: string; target?: Target }[] = [
  { name: 'parser', target: { description: 'mean under 5 ms per string', met: (f) => f.meanMs! < 5 } },
  { name: 'ledger' },
  { name: 'sweep' },
  { name: 'digest' },
  { name: 'dispatcher' },
  { name: 'wave' },
  { name: 'load' },
  { name: 'startup' },
];

type Outcome =
  | { status: 'ran'; figures: Figures; seconds: number; target: string | null; met: boolean | null }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string; seconds: number };

const capitalised = (name: string) => name[0]!.toUpperCase() + name.slice(1);

async function runSection(name: string, fallbackTarget: Target | undefined): Promise<Outcome> {
  const url = new URL(`./${name}.bench.ts`, import.meta.url);
  const relative = `test/bench/${name}.bench.ts`;
  if (!existsSync(fileURLToPath(url))) return { status: 'skipped', reason: `${relative} does not exist yet` };
  const started = performance.now();
  try {
    const module = (await import(url.href)) as Record<string, unknown>;
    const run = module[`run${capitalised(name)}Bench`];
    if (typeof run !== 'function') return { status: 'skipped', reason: `${relative} does not export run${capitalised(name)}Bench` };
    const figures = (await (run as () => Promise<Figures>)()) ?? {};
    const seconds = (performance.now() - started) / 1000;
    const exported = module.benchTarget as Target | undefined;
    const target = exported && typeof exported.met === 'function' ? exported : fallbackTarget;
    return { status: 'ran', figures, seconds, target: target?.description ?? null, met: target ? Boolean(target.met(figures)) : null };
  } catch (error) {
    return { status: 'failed', error: (error as Error)?.stack ?? String(error), seconds: (performance.now() - started) / 1000 };
  }
}

function parseArgs(argv: string[]): { json: boolean; only: string[] | null } {
  let json = false;
  let only: string[] | null = null;
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg.startsWith('--only='))
      only = arg
        .slice('--only='.length)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else throw new Error(`unknown argument ${arg}`);
  }
  const unknown = (only ?? []).filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  return { json, only };
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
}

function table(results: [string, Outcome][]): string {
  const rows: [string, string, string][] = [];
  for (const [name, outcome] of results) {
    const lines: [string, string][] = [];
    if (outcome.status === 'skipped') lines.push(['skipped', outcome.reason]);
    else if (outcome.status === 'failed') lines.push(['FAILED', outcome.error.split('\n')[0]!]);
    else {
      for (const [key, value] of Object.entries(outcome.figures)) lines.push([key, formatValue(value)]);
      lines.push(['(run seconds)', formatValue(Math.round(outcome.seconds * 100) / 100)]);
      lines.push([
        'target',
        outcome.target === null ? 'none declared (export benchTarget from the section)' : `${outcome.target}: ${outcome.met ? 'met' : 'NOT met'}`,
      ]);
    }
    for (const [i, [figure, value]] of lines.entries()) rows.push([i === 0 ? name : '', figure, value]);
  }
  const header: [string, string, string] = ['section', 'figure', 'value'];
  const widths = [0, 1].map((c) => Math.max(header[c]!.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: [string, string, string]) => `${r[0].padEnd(widths[0]!)}  ${r[1].padEnd(widths[1]!)}  ${r[2]}`.trimEnd();
  const rule: [string, string, string] = ['-'.repeat(widths[0]!), '-'.repeat(widths[1]!), '-'.repeat(5)];
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}

/** In --json mode nothing but the final object may reach stdout: sections' output goes to stderr. */
function stdoutToStderr(): () => void {
  const write = process.stdout.write.bind(process.stdout);
  const log = console.log;
  const info = console.info;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  console.log = (...args: unknown[]) => console.error(...args);
  console.info = (...args: unknown[]) => console.error(...args);
  return () => {
    process.stdout.write = write;
    console.log = log;
    console.info = info;
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    return 2;
  }
  const restore = args.json ? stdoutToStderr() : () => {};
  const results: [string, Outcome][] = [];
  try {
    for (const section of SECTIONS) {
      if (args.only && !args.only.includes(section.name)) continue;
      process.stderr.write(`bench: ${section.name}...\n`);
      const outcome = await runSection(section.name, section.target);
      if (outcome.status === 'failed') process.stderr.write(`bench: ${section.name} failed:\n${outcome.error}\n`);
      results.push([section.name, outcome]);
    }
  } finally {
    restore();
  }
  if (args.json) {
    const json: Record<string, unknown> = {};
    for (const [name, outcome] of results) {
      if (outcome.status === 'skipped') json[name] = { skipped: outcome.reason };
      else if (outcome.status === 'failed') json[name] = { failed: outcome.error.split('\n')[0], seconds: outcome.seconds };
      else json[name] = { figures: outcome.figures, seconds: outcome.seconds, target: outcome.target, met: outcome.met };
    }
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } else {
    process.stdout.write(`${table(results)}\n`);
  }
  return results.some(([, o]) => o.status === 'failed' || (o.status === 'ran' && o.met === false)) ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
