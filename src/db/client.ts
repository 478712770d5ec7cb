import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
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
  /** Named prepared statements for drizzle's queries (default true; see preparedStatements, and preparedPglite in pglite-prepared.ts). */
  prepare?: boolean;
};

/**
 * drizzle's postgres.js driver sends every query as an unnamed statement (postgres.js's `unsafe`
 * without `prepare`): PostgreSQL parses and plans it every time, and postgres.js first asks the
 * server to describe a query that has parameters, one more round trip before it runs. This gives
 * drizzle a client whose `unsafe` (in transactions and savepoints too) asks for a named prepared
 * statement, which postgres.js keeps per connection by the query's text and parameter types (as
 * it does for its own tagged queries): after the first time a query is one round trip, bound to
 * a statement already parsed. Queries without parameters still go as simple queries. (postgres.js
 * prepares again when a migration has changed a table under a statement.)
 */
export function preparedStatements(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, args?: unknown, options?: Record<string, unknown>) => {
          if (args !== undefined && !Array.isArray(args)) return target.unsafe(query, [], { ...(args as object), prepare: true });
          return target.unsafe(query, (args ?? []) as never[], { ...options, prepare: true });
        };
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          const method = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[property]!;
          return method.call(target, ...args, (tx: postgres.Sql) => fn(preparedStatements(tx)));
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/**
 * Opens PostgreSQL when a URL is given, else the embedded PGlite in dataDir ('memory://' for a throwaway one).
 * PGlite and its drizzle driver are imported only for PGlite: a process on PostgreSQL never loads
 * them (under tsx, loading PGlite's modules with their source maps costs a process ~40 MB of RSS).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const sql = postgres(options.databaseUrl, {
      max: options.max ?? 10,
      onnotice: () => {},
    });
    const db = drizzlePostgres(options.prepare === false ? sql : preparedStatements(sql), { schema }) as unknown as Db;
    return { db, kind: 'postgres', sql, databaseUrl: options.databaseUrl, close: () => sql.end({ timeout: 5 }) };
  }
  const [{ PGlite }, { drizzle: drizzlePglite }, { pgliteTemplateTarball, seedFromPgliteTemplate }, { preparedPglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('./pglite-template.js'),
    import('./pglite-prepared.js'),
  ]);
  const dataDir = options.dataDir ?? './data';
  let pglite: PGlite;
  if (dataDir.startsWith('memory://')) {
    // Loaded from the template's tarball (see pglite-template.ts): no initdb, no migrations left
    // to run. Without one (read-only node_modules), PGlite's initdb as before: these are throwaway.
    const template = await pgliteTemplateTarball().catch(() => null);
    pglite = template ? await PGlite.create({ loadDataDir: new Blob([template]) }) : await PGlite.create(dataDir);
  } else {
    const dir = path.resolve(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    // A new data directory starts as a copy of an initialised one rather than running initdb (see pglite-template.ts).
    await seedFromPgliteTemplate(dir);
    pglite = await PGlite.create(dir);
  }
  const db = drizzlePglite(options.prepare === false ? pglite : preparedPglite(pglite), { schema }) as unknown as Db;
  return { db, kind: 'pglite', pglite, close: () => pglite.close() };
}
