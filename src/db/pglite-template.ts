/**
 * Pre-made PGlite data directories that a fresh data directory starts as a copy of. PGlite's own
 * first start runs initdb inside WebAssembly (5 to 10 s on a 2-core machine) and then our
 * migrations (about 1.3 s of CPU on a brand-new cluster); that was most of a newcomer's first
 * `npm start`. Copying ~40 MB takes a fraction of a second.
 *
 * Two layers, under node_modules/.cache/duban (the usual place for such caches; `npm ci` removes
 * them with the PGlite that made them):
 *   pglite-<version>             a bare initdb, one per installed PGlite version;
 *   pglite-<version>-<hash>      that, migrated: one per set of migrations (the hash of the drizzle
 *                                folder), so checkouts sharing node_modules on different branches
 *                                never get each other's schema; made from the bare one.
 * A fresh data directory gets a copy of the migrated one; runMigrations then finds nothing to do.
 * Templates are only ever copied, never opened in place (PGlite would change them): each is
 * made in a directory of its own and renamed into place when closed.
 * `npm install` makes them (postinstall runs this file); when missing, the first fresh start does.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS_FOLDER, runPgliteMigrations } from './migrate.js';

/** The installed PGlite's package directory (its exports do not include package.json). */
function pglitePackageDir(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

/** What the migrations folder holds that drizzle's migrator reads: the journal and the SQL files. */
function migrationsHash(folder: string): string {
  const hash = createHash('sha256');
  const files = [
    'meta/_journal.json',
    ...readdirSync(folder)
      .filter((name) => name.endsWith('.sql'))
      .sort(),
  ];
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(folder, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

export type TemplatePaths = { bare: string; migrated: string };

/** Where the templates for the installed PGlite and the given migrations live. */
export function pgliteTemplatePaths(migrationsFolder = MIGRATIONS_FOLDER): TemplatePaths {
  const packageDir = pglitePackageDir();
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  // <node_modules>/@electric-sql/pglite -> <node_modules>/.cache/duban
  const bare = path.join(packageDir, '..', '..', '.cache', 'duban', `pglite-${version}`);
  return { bare, migrated: `${bare}-${migrationsHash(migrationsFolder)}` };
}

const hasDatabase = (dir: string) => existsSync(path.join(dir, 'PG_VERSION'));

/** Half-made templates of processes killed while making them are removed after this long. */
const STALE_MS = 10 * 60_000;
/** Migrated templates kept (the most recently used): a few branches' worth, ~40 MB each. */
const KEEP_MIGRATED = 3;

/**
 * Copies a PGlite data directory. PG_VERSION goes last, so a copy cut short is not taken for a
 * database (and is copied over next time). `from` must not be open.
 */
async function copyDataDir(from: string, to: string): Promise<void> {
  await copyTree(from, to, (file) => file !== path.join(from, 'PG_VERSION'));
  await copyFile(path.join(from, 'PG_VERSION'), path.join(to, 'PG_VERSION'));
}

/**
 * Every file at once, for libuv's thread pool: ~0.1 s for the template's ~1,100 files, where
 * fs.cp (one file after another) takes 0.25-0.6 s and cpSync also holds the event loop (the
 * sandbox page, already listening, could not answer meanwhile).
 */
async function copyTree(from: string, to: string, include: (file: string) => boolean): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  // Every copy settles before a failure is reported: none is still writing when the caller cleans up.
  const results = await Promise.allSettled(
    entries.map((entry) => {
      const source = path.join(from, entry.name);
      if (entry.isDirectory()) return copyTree(source, path.join(to, entry.name), include);
      return include(source) ? copyFile(source, path.join(to, entry.name)) : undefined;
    }),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Makes `target` with `make(dir)` in a directory of its own, then renames it into place. Two
 * processes making it at once each make their own; the first rename wins and the other is removed.
 */
async function makeOnce(target: string, make: (dir: string) => Promise<void>): Promise<string> {
  if (hasDatabase(target)) return target;
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  // What processes killed while making a template left behind.
  for (const name of readdirSync(parent)) {
    const stale = path.join(parent, name);
    if (name.includes('.tmp-') && Date.now() - statSync(stale).mtimeMs > STALE_MS) rmSync(stale, { recursive: true, force: true });
  }
  const making = mkdtempSync(`${target}.tmp-`);
  try {
    await make(making);
    try {
      renameSync(making, target);
    } catch (error) {
      if (!hasDatabase(target)) throw error;
    }
  } finally {
    rmSync(making, { recursive: true, force: true });
  }
  return target;
}

/** Removes all but the most recently used migrated templates of this PGlite version. */
function pruneMigrated(paths: TemplatePaths): void {
  const parent = path.dirname(paths.bare);
  const prefix = `${path.basename(paths.bare)}-`;
  const migrated = readdirSync(parent)
    .filter((name) => name.startsWith(prefix) && !name.includes('.tmp-') && !name.endsWith('.tar'))
    .map((name) => ({ dir: path.join(parent, name), used: statSync(path.join(parent, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const { dir } of migrated.slice(KEEP_MIGRATED)) {
    if (dir === paths.migrated) continue;
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.tar`, { force: true });
  }
}

/** The migrated template's path, made first (and the bare one before it) when missing. */
export async function ensurePgliteTemplate(paths = pgliteTemplatePaths()): Promise<string> {
  if (hasDatabase(paths.migrated)) {
    // Most recently used, for pruneMigrated.
    const now = new Date();
    utimesSync(paths.migrated, now, now);
    return paths.migrated;
  }
  await makeOnce(paths.bare, async (dir) => {
    // A clean close leaves a shut-down cluster: no WAL to replay in the copies.
    await (await PGlite.create(dir)).close();
  });
  await makeOnce(paths.migrated, async (dir) => {
    await copyDataDir(paths.bare, dir);
    const pglite = await PGlite.create(dir);
    try {
      await runPgliteMigrations(pglite);
    } finally {
      await pglite.close();
    }
  });
  pruneMigrated(paths);
  return paths.migrated;
}

/**
 * The migrated template as a tarball (made from it once, beside it), for an in-memory PGlite's
 * loadDataDir: 'memory://' databases (the tests' PGlite) then skip initdb and the migrations too.
 */
export async function pgliteTemplateTarball(paths = pgliteTemplatePaths()): Promise<Buffer> {
  const tarball = `${paths.migrated}.tar`;
  if (!existsSync(tarball)) {
    const template = await ensurePgliteTemplate(paths);
    await makeFileOnce(tarball, async () => {
      // dumpDataDir needs an open instance, and the template is never opened: dump a copy.
      const copy = mkdtempSync(`${tarball}.tmp-`);
      try {
        await copyDataDir(template, copy);
        const pglite = await PGlite.create(copy);
        try {
          return Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
        } finally {
          await pglite.close();
        }
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  }
  return readFileSync(tarball);
}

/** Writes `target` with what `make()` returns, through a file of its own renamed into place. */
async function makeFileOnce(target: string, make: () => Promise<Buffer>): Promise<void> {
  const making = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(making, await make());
    renameSync(making, target);
  } finally {
    rmSync(making, { force: true });
  }
}

/**
 * When `dir` holds no database yet, fills it with a copy of the migrated template (made first if
 * need be) and returns true; PGlite then opens it as an existing database. False when there is a
 * database already, or when no template can be had (e.g. a read-only node_modules): PGlite's own
 * initdb then runs, as before, only slower.
 */
export async function seedFromPgliteTemplate(dir: string, options: { paths?: TemplatePaths; onError?: (error: unknown) => void } = {}): Promise<boolean> {
  if (hasDatabase(dir)) return false;
  let copying = false;
  try {
    const template = await ensurePgliteTemplate(options.paths);
    copying = true;
    await copyDataDir(template, dir);
    return true;
  } catch (error) {
    // Half a copy would not be a database, and PGlite's initdb treats a directory that is not
    // empty as initialised already: start it empty.
    if (copying) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
    (options.onError ?? warnNoTemplate)(error);
    return false;
  }
}

/** On stderr by default: a first start that is slow for this reason should say why. */
function warnNoTemplate(error: unknown): void {
  process.emitWarning(`no embedded database template (${(error as Error).message}); running initdb, which takes a while`, 'DubanWarning');
}

// `npm install` (postinstall) makes the templates ahead of the first start. Never fails the install.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  try {
    const template = await ensurePgliteTemplate();
    await pgliteTemplateTarball();
    process.stdout.write(`duban: embedded database template ready in ${template} (${Math.round(performance.now() - started)} ms)\n`);
  } catch (error) {
    process.stderr.write(`duban: could not make the embedded database template (the first start will): ${(error as Error).message}\n`);
  }
}
