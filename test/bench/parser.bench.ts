/**
 * Parser benchmark: 10,000 random strings (empty, 100 KB, emoji, control characters and
 * instruction-like fragments) through parseInstruction with a 22-unit registry.
 *
 *   npx tsx test/bench/parser.bench.ts          prints a table
 *   npx tsx test/bench/parser.bench.ts --json   prints one JSON object
 *
 * `runParserBench()` is the stable entry for test/bench/index.ts. The target is a mean under
 * 5 ms per string; the strings are generated from a fixed seed so runs are comparable.
 */
import { pathToFileURL } from 'node:url';
import { createUnitMatcher, parseInstruction } from '../../src/parser/parse.js';
import { loadFixtureUnits } from '../parser/fixtures/units.js';
import { createRandom, hugeText, NASTY_STRINGS, randomText } from '../parser/random-text.js';

export type ParserBenchOptions = { count?: number; seed?: number };

export async function runParserBench(options: ParserBenchOptions = {}): Promise<Record<string, number>> {
  const count = options.count ?? 10_000;
  const random = createRandom(options.seed ?? 20240719);
  const matcher = createUnitMatcher(loadFixtureUnits());
  const now = new Date('2024-07-19T10:00:00+08:00');

  const texts: string[] = [...NASTY_STRINGS, '', hugeText(random, 100 * 1024)];
  while (texts.length < count) texts.push(randomText(random));
  texts.length = count;

  // Warm the JIT and the calendar cache outside the measurement.
  for (let i = 0; i < 200; i++) parseInstruction(texts[i % texts.length]!, { now, timezone: 'Asia/Shanghai', units: matcher });

  const times = new Float64Array(texts.length);
  let totalChars = 0;
  let over100k = 0;
  const started = performance.now();
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    totalChars += text.length;
    if (text.length >= 100 * 1024) over100k++;
    const t0 = performance.now();
    parseInstruction(text, { now, timezone: 'Asia/Shanghai', units: matcher });
    times[i] = performance.now() - t0;
  }
  const wall = performance.now() - started;
  const sorted = Array.from(times).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    count: texts.length,
    meanMs: round(wall / texts.length),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted[sorted.length - 1]!),
    totalMs: round(wall),
    strings100k: over100k,
    meanChars: Math.round(totalChars / texts.length),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runParserBench();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    process.stdout.write('parser: parseInstruction on random strings\n');
    for (const [key, value] of Object.entries(figures)) process.stdout.write(`  ${key.padEnd(12)} ${value}\n`);
  }
}
