import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisation } from '../../src/org/org.seed.js';
import { chatBinding, loadActor, unitRecords, type OrgDeps } from '../../src/org/org.usecases.js';
import { createOrgRepository } from '../../src/org/org.repository.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('an organisation declared as data', () => {
  let database: TestDatabase;
  let deps: OrgDeps;
  const clock = createManualClock('2026-03-02T09:00:00+08:00');

  beforeAll(async () => {
    database = await createTestDatabase();
    deps = { db: database.db, clock, config: { adminIds: [1], inviteTtlHours: 24 } };
  });
  afterAll(async () => {
    await database.drop();
  });

  it('is built with its units, roles, heads, members, private chats and bound groups', async () => {
    const units = await seedOrganisation(deps, {
      admin: { id: 1, firstName: '督查室' },
      units: [{ name: '市住房和城乡建设局', aliases: ['住建局'] }, { name: '市城市管理执法局' }],
      people: [
        { id: 2, firstName: '李', lastName: '市长', roles: ['leader'] },
        { id: 3, firstName: '周', roles: ['supervisor'], startedBot: true },
        { id: 10, firstName: '胡', member: '住建局' },
        { id: 20, firstName: '王', head: '住建局', startedBot: true },
      ],
      chats: [
        { chatId: -1001, title: '领导群', kind: 'leaders' },
        { chatId: -1002, title: '住建局群', kind: 'unit', unit: '住建局' },
        { chatId: -1009, title: '纪委', kind: 'discipline' },
      ],
    });
    const housing = units.get('市住房和城乡建设局')!;
    expect(housing.aliases).toEqual(['住建局']);
    expect((await unitRecords(deps)).map((u) => u.name)).toEqual(['市住房和城乡建设局', '市城市管理执法局']);
    expect(await loadActor(deps, { personId: 2 })).toMatchObject({ isLeader: true, unitIds: [] });
    expect(await loadActor(deps, { personId: 3 })).toMatchObject({ isLeader: false, isSupervisor: true });
    expect(await loadActor(deps, { personId: 10 })).toMatchObject({ isLeader: false, unitIds: [housing.id] });
    expect(await loadActor(deps, { personId: 1 })).toMatchObject({ isAdmin: true });
    expect((await unitRecords(deps)).find((u) => u.id === housing.id)?.headPersonId).toBe(20);
    const people = createOrgRepository(deps);
    expect((await people.getPerson(20))?.startedBot).toBe(true);
    expect((await people.getPerson(10))?.startedBot).toBe(false);
    expect(await chatBinding(deps, { chatId: -1002, threadId: 0 })).toMatchObject({ kind: 'unit', unitId: housing.id });
    expect(await chatBinding(deps, { chatId: -1009, threadId: 0 })).toMatchObject({ kind: 'discipline', unitId: null });
  });
});
