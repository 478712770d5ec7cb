import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createOrgRepository } from '../../src/org/org.repository.js';
import { addAlias, addUnit, findUnit, unitNamed, type OrgDeps } from '../../src/org/org.usecases.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, describePg, storageKinds, type TestDatabase } from '../helpers/db.js';

const ADMIN = 1;
const admin = { personId: ADMIN, isAdmin: true, isLeader: false, unitIds: [] };
const clock = createManualClock('2026-03-02T09:00:00+08:00');
const config = { adminIds: [ADMIN], inviteTtlHours: 24 };

describe.each(storageKinds())('the cached unit registry on %s', (kind) => {
  let database: TestDatabase;
  let deps: OrgDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = { db: database.db, clock, config };
    await addUnit(deps, { actor: admin, name: '市住房和城乡建设局', aliases: ['住建局'] });
    await addUnit(deps, { actor: admin, name: '市城市管理执法局', aliases: ['城管局'] });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('serves the same list while the registry is unchanged, frozen', async () => {
    const repo = createOrgRepository(deps);
    const first = await repo.listUnits();
    expect(await repo.listUnits()).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0]) && Object.isFrozen(first[0]!.aliases)).toBe(true);
  });

  it('sees a rename and a removed alias written in plain SQL, as by another process', async () => {
    const repo = createOrgRepository(deps);
    const before = await repo.listUnits();
    expect((await unitNamed(deps, { name: '城管局' }))?.name).toBe('市城市管理执法局');
    await database.db.execute(sql`update units set name = '市城市管理综合执法局' where name = '市城市管理执法局'`);
    await database.db.execute(sql`delete from unit_aliases where alias = '城管局'`);
    const after = await repo.listUnits();
    expect(after).not.toBe(before);
    expect(after.map((u) => u.name)).toEqual(['市住房和城乡建设局', '市城市管理综合执法局']);
    expect(await unitNamed(deps, { name: '城管局' })).toBeNull();
    expect((await findUnit(deps, { name: '城市管理综合执法局' })).aliases).toEqual([]);
  });

  it('shows a transaction its own change, and forgets it when the transaction rolls back', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        const inside = createOrgRepository({ db: tx, clock });
        await inside.insertAlias({ unitId: (await inside.listUnits())[0]!.id, alias: '临时别名' });
        expect((await inside.listUnits())[0]!.aliases).toContain('临时别名');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await createOrgRepository(deps).listUnits())[0]!.aliases).not.toContain('临时别名');
    expect(await unitNamed(deps, { name: '临时别名' })).toBeNull();
  });
});

describePg('the cached unit registry across instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let second: Database;
  let other: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // A second instance: its own pool on the same database.
    second = await openDatabase({ databaseUrl: database.url!, max: 2 });
    // Another database copied from the same migrated template (the same registry token and version).
    other = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await second.close();
    await database.drop();
    await other.drop();
  });

  it('a unit added, an alias added and a unit renamed on one instance are seen by the other at once', async () => {
    const a: OrgDeps = { db: database.db, clock, config };
    const b: OrgDeps = { db: second.db, clock, config };
    await addUnit(a, { actor: admin, name: '市自然资源局', aliases: ['自然资源局'] });
    expect((await findUnit(b, { name: '自然资源局' })).name).toBe('市自然资源局');
    await addAlias(a, { actor: admin, unit: '自然资源局', alias: '资规局' });
    expect((await findUnit(b, { name: '资规局' })).name).toBe('市自然资源局');
    // A rename by a third party (the CLI, an operator in psql): neither instance wrote it.
    const psql = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      await psql`update units set name = '市自然资源和规划局' where name = '市自然资源局'`;
    } finally {
      await psql.end();
    }
    expect((await findUnit(b, { name: '资规局' })).name).toBe('市自然资源和规划局');
    expect((await findUnit(a, { name: '资规局' })).name).toBe('市自然资源和规划局');
  });

  it('two databases at the same registry version do not share a cached list', async () => {
    const a: OrgDeps = { db: database.db, clock, config };
    const c: OrgDeps = { db: other.db, clock, config };
    const namesA = (await createOrgRepository(a).listUnits()).map((u) => u.name);
    expect(namesA).toContain('市自然资源和规划局');
    expect(await createOrgRepository(c).listUnits()).toEqual([]);
    await addUnit(c, { actor: admin, name: '市教育局', aliases: [] });
    expect((await createOrgRepository(c).listUnits()).map((u) => u.name)).toEqual(['市教育局']);
    expect((await createOrgRepository(a).listUnits()).map((u) => u.name)).toEqual(namesA);
  });
});
