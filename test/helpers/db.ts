import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { withDatabase } from './global-setup.js';

export type TestDatabase = Database & { url?: string; drop(): Promise<void> };

export const pgAvailable = (): boolean => inject('pgTemplate') !== null;

/** Runs a describe block only when a real PostgreSQL answers (see global-setup). */
export const describePg: typeof describe = ((...args: Parameters<typeof describe>) => (pgAvailable() ? describe : describe.skip)(...args)) as typeof describe;

/** A fresh PostgreSQL database copied from the migrated template; drop() removes it. */
export async function createPgTestDatabase(options: { empty?: boolean; max?: number } = {}): Promise<TestDatabase> {
  const info = inject('pgTemplate');
  if (!info) throw new Error('PostgreSQL is not available for this test run');
  const name = `duban_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(info.baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(options.empty ? `create database "${name}"` : `create database "${name}" template "${info.template}"`);
  await admin.end();
  const url = withDatabase(info.baseUrl, name);
  const database = await openDatabase({ databaseUrl: url, max: options.max ?? 10 });
  return {
    ...database,
    url,
    async drop() {
      await database.close();
      const a = postgres(info.baseUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

/** A fresh in-memory PGlite with the migrations applied. */
export async function createPgliteTestDatabase(): Promise<TestDatabase> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await runMigrations(database);
  return { ...database, drop: () => database.close() };
}

export type StorageKind = 'postgres' | 'pglite';

/** The storage kinds this run can test: PostgreSQL (when it answers) and PGlite always. */
export function storageKinds(): StorageKind[] {
  return pgAvailable() ? ['postgres', 'pglite'] : ['pglite'];
}

export function createTestDatabase(kind: StorageKind = pgAvailable() ? 'postgres' : 'pglite'): Promise<TestDatabase> {
  return kind === 'postgres' ? createPgTestDatabase() : createPgliteTestDatabase();
}
