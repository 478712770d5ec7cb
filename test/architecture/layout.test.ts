import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layout the README's "Layout" section describes, checked on the source: the folders of
 * src/ depend on each other one way (no cycles), the domain folders know nothing of grammY, and
 * src/ imports neither the sandbox app nor the fake Telegram package.
 */
const SRC = resolve(import.meta.dirname, '../../src');
const DOMAIN = ['calendar', 'digests', 'items', 'ledger', 'notifications', 'org', 'parser', 'reminders'];

type Import = { from: string; specifier: string; target: string | null };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const imports: Import[] = sourceFiles(SRC).flatMap((file) =>
  ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map(({ fileName }) => ({
    from: relative(SRC, file),
    specifier: fileName,
    target: fileName.startsWith('.') ? relative(SRC, resolve(dirname(file), fileName)) : null,
  })),
);

/**
 * A file's node in the folder graph: its directory under src/ (so `items/model/types.ts` is
 * `items/model`, a node apart from `items`), or the file itself at the top. A subfolder is thus a
 * layer of its own: `items/model` may be imported by `items` but must not import it back.
 */
const nodeOf = (path: string) => (path.includes('/') ? dirname(path) : path.replace(/\.[jt]s$/, ''));

/** The domain a file belongs to: the first folder of its path (`items/model/types.ts` is in items). */
const domainOf = (path: string) => path.split('/')[0]!;

/** The folder cycles, each as one edge of it with the import that makes it. */
function folderCycles(): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const i of imports) {
    if (i.target === null || i.target.startsWith('..')) continue;
    const [a, b] = [nodeOf(i.from), nodeOf(i.target)];
    if (a === b) continue;
    const out = edges.get(a) ?? new Map<string, string>();
    edges.set(a, out);
    if (!out.has(b)) out.set(b, `${i.from} -> ${i.specifier}`);
  }
  // A cycle exists when b reaches a back; report each edge a -> b that closes one.
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return [...(edges.get(from)?.keys() ?? [])].some((next) => reaches(next, to, seen));
  };
  return [...edges].flatMap(([a, out]) => [...out].filter(([b]) => reaches(b, a)).map(([b, why]) => `${a} -> ${b} (${why})`));
}

describe('the layout of src/', () => {
  it('has no import cycles between its folders', () => {
    // Each entry: an edge a -> b of a cycle, with one import that makes it. Break it by moving the
    // lower-level piece down (a model/ subfolder) or by having the caller pass it in (README, "Layout").
    expect(folderCycles(), 'folders that import each other, directly or round a cycle').toEqual([]);
  });

  it('keeps grammY out of the domain folders', () => {
    const offending = imports.filter((i) => DOMAIN.includes(domainOf(i.from)) && /^(grammy|@grammyjs\/)/.test(i.specifier));
    expect(
      offending.map((i) => `${i.from}: ${i.specifier}`),
      'grammY imports in a domain folder (define plain types there, as notifications/keyboard.ts does)',
    ).toEqual([]);
  });

  it('imports neither the sandbox app nor the fake Telegram package', () => {
    const offending = imports.filter((i) => i.specifier.startsWith('@duban/') || i.target?.startsWith('..'));
    expect(
      offending.map((i) => `${i.from}: ${i.specifier}`),
      'src/ importing apps/, packages/ or outside src/',
    ).toEqual([]);
  });

  it('finds the imports it checks (the check is not vacuous)', () => {
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.some((i) => i.from === 'app.ts' && i.specifier === './bot/index.js')).toBe(true);
  });
});
