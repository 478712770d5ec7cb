import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A bot on PostgreSQL never loads the embedded PGlite (its WebAssembly PostgreSQL and drizzle's
 * driver for it): under tsx, loading them costs the process about 35–40 MB of RSS (README,
 * "Memory"). They are imported only when a PGlite database is opened (src/db/client.ts, migrate.ts).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const modulesLoadedBy = (file: string): string[] =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/modules-of.ts', import.meta.url)), `${root}${file}`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    }),
  ) as string[];

describe('the embedded PGlite', () => {
  it('is not loaded by the app (src/app.ts and all it imports) until a PGlite database is opened', () => {
    const urls = modulesLoadedBy('src/app.ts');
    // The check sees the app's modules (so an empty list cannot pass it)…
    expect(urls.some((u) => u.endsWith('/src/db/client.ts'))).toBe(true);
    expect(urls.some((u) => u.includes('/node_modules/grammy/'))).toBe(true);
    // …and none of PGlite's.
    expect(urls.filter((u) => u.includes('/@electric-sql/pglite/') || u.includes('/drizzle-orm/pglite/') || u.endsWith('/src/db/pglite-template.ts'))).toEqual(
      [],
    );
  }, 90_000);
});
