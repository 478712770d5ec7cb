import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { bigint, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { preparedPglite } from '../../src/db/pglite-prepared.js';

const things = pgTable('things', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }),
  big: bigint('big', { mode: 'number' }),
  data: jsonb('data'),
  tags: text('tags').array(),
});

const preparedNames = async (pg: PGlite): Promise<string[]> =>
  (await pg.query<{ name: string }>('select name from pg_prepared_statements order by name')).rows.map((r) => r.name);

describe('PGlite with named prepared statements (src/db/pglite-prepared.ts)', () => {
  let pg: PGlite;
  beforeEach(async () => {
    pg = await PGlite.create();
    await pg.exec(`create table things (id int primary key, name text not null, at timestamptz, big bigint, data jsonb, tags text[])`);
  });
  afterEach(async () => {
    await pg.close();
  });

  it('runs a query with parameters as a named statement, once prepared, and reads every type as PGlite does', async () => {
    const plain = drizzle(pg);
    const prepared = drizzle(preparedPglite(pg));
    const at = new Date('2026-12-07T08:30:00.123Z');
    const row = { id: 1, name: '住建局', at, big: 9_007_199_254_740_991, data: { a: [1, '二'] }, tags: ['x', 'y,z'] };
    await prepared.insert(things).values(row);
    await prepared.insert(things).values({ ...row, id: 2, at: null, data: null, tags: null });
    // The insert is one statement, prepared once for both rows.
    expect((await preparedNames(pg)).filter((n) => n.startsWith('duban_'))).toHaveLength(1);

    const read = (db: typeof plain, id: number) => db.select().from(things).where(sql`${things.id} = ${id}`);
    for (const id of [1, 2]) expect(await read(prepared, id)).toEqual(await read(plain, id));
    expect((await read(prepared, 1))[0]).toEqual(row);
    expect((await read(prepared, 2))[0]).toMatchObject({ at: null, data: null, tags: null });
    expect((await preparedNames(pg)).filter((n) => n.startsWith('duban_'))).toHaveLength(2);

    // Raw SQL through drizzle (rowMode object), a read without parameters (prepared too), a statement without (not prepared).
    const raw = await prepared.execute(sql`select name, at from things where id = ${1}`);
    expect(raw.rows).toEqual([{ name: '住建局', at: '2026-12-07 08:30:00.123+00' }]);
    const count = await prepared.execute(sql`select count(*)::int as n from things`);
    expect(count.rows).toEqual([{ n: 2 }]);
    await prepared.execute(sql`update things set name = name`);
    expect((await preparedNames(pg)).filter((n) => n.startsWith('duban_'))).toHaveLength(4);
  });

  it('gives the same results as PGlite itself: rows, fields, command, affected rows, in either row mode', async () => {
    const prepared = preparedPglite(pg);
    const asIs = { 1184: (value: string) => value }; // drizzle's way: timestamptz as text
    const queries: [string, unknown[], Record<string, unknown>?][] = [
      ['insert into things (id, name, at, tags) values ($1, $2, $3, $4) returning *', [1, 'a', new Date('2026-12-07T00:00:00Z'), ['p', 'q']]],
      ['insert into things (id, name) values ($1, $2), ($3, $4)', [2, 'b', 3, 'c']],
      ['select id, name, at, tags, data, big from things where id <= $1 order by id', [3]],
      ['select id, at from things where id = $1', [1], { rowMode: 'array', parsers: asIs }],
      ['select name from things where id = $1', [99]],
      ['update things set name = name || $1 where id >= $2', ['!', 2]],
      ['update things set data = $1 where id = $2 returning id, data', [{ k: 1 }, 1], { rowMode: 'array' }],
      ['delete from things where id = $1', [3]],
      ['select count(*)::int as n, max(at) as latest from things', []],
    ];
    const results = async (run: (text: string, params: unknown[], options?: Record<string, unknown>) => Promise<unknown>) => {
      const out: unknown[] = [];
      await pg.exec('truncate things');
      for (const [text, params, options] of queries) out.push(await run(text, params, options));
      return out;
    };
    const plain = await results((text, params, options) => pg.query(text, params, options));
    const mine = await results((text, params, options) => prepared.query(text, params, options));
    expect(mine).toEqual(plain);
    expect(plain[1]).toMatchObject({ command: 'INSERT', affectedRows: 2, rowCount: 2 });
    expect(plain[5]).toMatchObject({ command: 'UPDATE', affectedRows: 2 });
  });

  it('keeps the database error (code, query, parameters), and the statement runs again after it', async () => {
    const db = drizzle(preparedPglite(pg));
    await db.insert(things).values({ id: 1, name: 'a' });
    const error = await db
      .insert(things)
      .values({ id: 1, name: 'b' })
      .then(() => null)
      .catch((e: unknown) => e as { cause?: { code?: string; query?: string; params?: unknown[] } });
    const cause = error?.cause;
    expect(cause?.code).toBe('23505');
    expect(cause?.query).toContain('insert into "things"');
    expect(cause?.params).toEqual([1, 'b']);
    await db.insert(things).values({ id: 2, name: 'b' });
    expect((await db.select({ id: things.id }).from(things)).map((r) => r.id)).toEqual([1, 2]);
  });

  it('runs prepared statements in transactions: a failure rolls the whole transaction back, a savepoint only its part', async () => {
    const db = drizzle(preparedPglite(pg));
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(things).values({ id: 1, name: 'kept only if all goes' });
        await tx.insert(things).values({ id: 1, name: 'duplicate' });
      }),
    ).rejects.toThrow();
    expect(await db.select().from(things)).toEqual([]);

    await db.transaction(async (tx) => {
      await tx.insert(things).values({ id: 1, name: 'outer' });
      await tx
        .transaction(async (inner) => {
          await inner.insert(things).values({ id: 2, name: 'inner' });
          throw new Error('undo the savepoint');
        })
        .catch(() => {});
      // The prepared statements are still there after the savepoint's rollback.
      await tx.insert(things).values({ id: 3, name: 'after' });
    });
    expect((await db.select({ id: things.id }).from(things).orderBy(things.id)).map((r) => r.id)).toEqual([1, 3]);
  });

  it('keeps at most `capacity` statements, closing the least recently used', async () => {
    const prepared = preparedPglite(pg, { capacity: 2 });
    await drizzle(prepared).insert(things).values({ id: 1, name: 'a' });
    for (let n = 1; n <= 5; n++) expect((await prepared.query(`select $1::int + ${n} as v`, [1])).rows).toEqual([{ v: 1 + n }]);
    const names = (await preparedNames(pg)).filter((n) => n.startsWith('duban_'));
    expect(names).toHaveLength(2);
    // The newest two survive: their numbers are the highest.
    expect(names.map((n) => Number(n.slice(6))).sort((a, b) => a - b)).toEqual([5, 6]);
    // Used again, duban_5 ('+ 4') is kept when the next one comes: duban_6 goes.
    await prepared.query('select $1::int + 4 as v', [1]);
    await prepared.query('select $1::int + 6 as v', [1]);
    expect((await preparedNames(pg)).filter((n) => n.startsWith('duban_'))).toEqual(['duban_5', 'duban_7']);
  });

  it('prepares again when a table under a statement changed its columns', async () => {
    const prepared = preparedPglite(pg);
    await prepared.query('insert into things (id, name) values ($1, $2)', [1, 'a']);
    const first = await prepared.query<Record<string, unknown>>('select * from things where id = $1', [1]);
    expect(Object.keys(first.rows[0]!)).toEqual(['id', 'name', 'at', 'big', 'data', 'tags']);
    await pg.exec('alter table things add column extra text default $$new$$');
    const again = await prepared.query<Record<string, unknown>>('select * from things where id = $1', [1]);
    expect(again.rows[0]).toMatchObject({ id: 1, name: 'a', extra: 'new' });
    // PostgreSQL refused the old statement (its result type changed): it was closed and the query prepared anew.
    expect((await preparedNames(pg)).filter((n) => n.startsWith('duban_'))).toEqual(['duban_1', 'duban_3']);
  });
});
