import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { createPgTestDatabase, describePg, type TestDatabase } from '../helpers/db.js';

describePg('migrations on PostgreSQL', () => {
  let target: TestDatabase | undefined;
  afterEach(async () => {
    await target?.drop();
  });

  it('when two instances start together on an empty database, both come up and each migration is applied once', async () => {
    target = await createPgTestDatabase({ empty: true });
    const a = await openDatabase({ databaseUrl: target.url!, max: 2 });
    const b = await openDatabase({ databaseUrl: target.url!, max: 2 });
    await Promise.all([runMigrations(a), runMigrations(b)]);
    await Promise.all([a.close(), b.close()]);

    const sql = postgres(target.url!, { max: 1, onnotice: () => {} });
    const applied = await sql`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash`;
    const tables = await sql`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'units'`;
    await sql.end();
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.every((row) => row.n === 1)).toBe(true);
    expect(tables[0]!.n).toBe(1);
  });
});
