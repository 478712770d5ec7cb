import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database } from './client.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** An arbitrary constant that names "duban migrations" among advisory locks. */
const MIGRATION_LOCK_KEY = 7_203_118_451;

/** Applies the migrations to a PGlite instance (also used to make the template, see pglite-template.ts). */
export async function runPgliteMigrations(pglite: PGlite): Promise<void> {
  // Imported here, not above: drizzle's PGlite driver loads PGlite, which a process on PostgreSQL never needs.
  const [{ drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([import('drizzle-orm/pglite'), import('drizzle-orm/pglite/migrator')]);
  await migratePglite(drizzlePglite(pglite), { migrationsFolder: MIGRATIONS_FOLDER });
}

/**
 * Applies drizzle-kit's migrations. drizzle's migrate() takes no lock (drizzle-orm#874), so on
 * PostgreSQL we hold a session advisory lock on a dedicated single connection around it: when two
 * instances start together, the second waits, then finds nothing left to apply.
 * PGlite is one connection in one process, so it needs no lock.
 */
export async function runMigrations(database: Database): Promise<void> {
  if (database.kind === 'pglite') return runPgliteMigrations(database.pglite!);
  const sql = postgres(database.databaseUrl!, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
