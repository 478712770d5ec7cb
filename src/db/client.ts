import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export { schema };

/** The drizzle database, whichever driver is underneath (postgres.js or PGlite). */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; repositories accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type Database = {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The raw postgres.js client (postgres only). */
  sql?: postgres.Sql;
  databaseUrl?: string;
  /** The raw PGlite instance (pglite only). */
  pglite?: PGlite;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  databaseUrl?: string;
  dataDir?: string;
  /** postgres.js pool size (default 10). */
  max?: number;
};

/** Opens PostgreSQL when a URL is given, else the embedded PGlite in dataDir ('memory://' for a throwaway one). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const sql = postgres(options.databaseUrl, {
      max: options.max ?? 10,
      onnotice: () => {},
    });
    const db = drizzlePostgres(sql, { schema }) as unknown as Db;
    return { db, kind: 'postgres', sql, databaseUrl: options.databaseUrl, close: () => sql.end({ timeout: 5 }) };
  }
  const dataDir = options.dataDir ?? './data';
  let pglite: PGlite;
  if (dataDir.startsWith('memory://')) {
    pglite = await PGlite.create(dataDir);
  } else {
    const dir = path.resolve(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return { db, kind: 'pglite', pglite, close: () => pglite.close() };
}
