import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, runPgliteMigrations } from '../../src/db/migrate.js';
import { ensurePgliteTemplate, pgliteTemplateTarball, seedFromPgliteTemplate, type TemplatePaths } from '../../src/db/pglite-template.js';

/** A digest of every file under dir, to show a template is not changed by its copies. */
function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const file = path.join(at, name);
      if (statSync(file).isDirectory()) walk(file);
      else hash.update(path.relative(dir, file)).update(readFileSync(file));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

const journalEntries = () => (JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

describe('the PGlite data directory template', () => {
  let root: string;
  let paths: TemplatePaths;

  beforeAll(() => {
    // Templates of its own, not the shared ones under node_modules/.cache.
    root = mkdtempSync(path.join(tmpdir(), 'duban-template-'));
    paths = { bare: path.join(root, 'cache', 'pglite-test'), migrated: path.join(root, 'cache', 'pglite-test-abc') };
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is made once when two starts ask at the same time, and a fresh data directory becomes a migrated database', async () => {
    const made = await Promise.all([ensurePgliteTemplate(paths), ensurePgliteTemplate(paths)]);
    expect(made).toEqual([paths.migrated, paths.migrated]);
    expect(readdirSync(path.dirname(paths.bare)).sort()).toEqual(['pglite-test', 'pglite-test-abc']);
    const before = treeHash(paths.migrated);

    const dir = path.join(root, 'data', 'pglite');
    expect(await seedFromPgliteTemplate(dir, { paths })).toBe(true);
    const pglite = await PGlite.create(dir);
    try {
      const applied = async () => (await pglite.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0]!.n;
      expect(await applied()).toBe(journalEntries());
      // Nothing left to apply: the start's own runMigrations is a no-op.
      await runPgliteMigrations(pglite);
      expect(await applied()).toBe(journalEntries());
      await pglite.query(`insert into units (name, created_at) values ('市住房和城乡建设局', now())`);
    } finally {
      await pglite.close();
    }

    // A directory that holds a database is left as it is.
    expect(await seedFromPgliteTemplate(dir, { paths })).toBe(false);
    const again = await PGlite.create(dir);
    try {
      expect((await again.query<{ name: string }>('select name from units')).rows.map((r) => r.name)).toEqual(['市住房和城乡建设局']);
    } finally {
      await again.close();
    }
    // The copy's changes never reach the template.
    expect(treeHash(paths.migrated)).toBe(before);
  }, 180_000);

  it('gives in-memory databases a tarball of the migrated template', async () => {
    const pglite = await PGlite.create({ loadDataDir: new Blob([await pgliteTemplateTarball(paths)]) });
    try {
      expect((await pglite.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0]!.n).toBe(journalEntries());
      expect((await pglite.query<{ n: number }>('select count(*)::int as n from units')).rows[0]!.n).toBe(0);
    } finally {
      await pglite.close();
    }
    expect(readdirSync(path.dirname(paths.bare)).sort()).toEqual(['pglite-test', 'pglite-test-abc', 'pglite-test-abc.tar']);
  }, 120_000);

  it('leaves the directory empty when a copy fails half-way, for PGlite’s own initdb', async () => {
    // A "template" with a file and a link to nothing: the copy fails after the file.
    const broken = path.join(root, 'broken', 'pglite-b-1');
    mkdirSync(broken, { recursive: true });
    writeFileSync(path.join(broken, 'PG_VERSION'), '17\n');
    writeFileSync(path.join(broken, 'postgresql.conf'), '');
    symlinkSync(path.join(root, 'nowhere'), path.join(broken, 'dangling'));
    const errors: unknown[] = [];
    const dir = path.join(root, 'half', 'pglite');
    const seeded = await seedFromPgliteTemplate(dir, {
      paths: { bare: path.join(root, 'broken', 'pglite-b'), migrated: broken },
      onError: (e) => errors.push(e),
    });
    expect(seeded).toBe(false);
    expect(errors).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('when no template can be made, says why and leaves the directory to PGlite’s own initdb', async () => {
    // A template path under a plain file cannot be made.
    const blocked = path.join(root, 'a-file');
    writeFileSync(blocked, '');
    const errors: unknown[] = [];
    const dir = path.join(root, 'other', 'pglite');
    const seeded = await seedFromPgliteTemplate(dir, {
      paths: { bare: path.join(blocked, 'pglite-x'), migrated: path.join(blocked, 'pglite-x-1') },
      onError: (error) => errors.push(error),
    });
    expect(seeded).toBe(false);
    expect(errors).toHaveLength(1);
    expect(existsSync(path.join(dir, 'PG_VERSION'))).toBe(false);
  });
});
