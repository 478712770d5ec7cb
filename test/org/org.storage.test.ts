import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/shared/clock.js';
import {
  addAlias,
  addUnit,
  bindChat,
  chatBinding,
  createInvite,
  grantRole,
  importUnits,
  listUnits,
  loadActor,
  redeemInvite,
  revokeInvites,
  setUnitHead,
  type OrgDeps,
} from '../../src/org/org.usecases.js';
import { createOrgRepository } from '../../src/org/org.repository.js';
import { createUpdatesRepository } from '../../src/updates/updates.repository.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';

const ADMIN = 1;
const admin = { personId: ADMIN, isAdmin: true, isLeader: false, unitIds: [] };
const stranger = { personId: 99, isAdmin: false, isLeader: false, unitIds: [] };

describe.each(storageKinds())('organisation registry on %s', (kind) => {
  let database: TestDatabase;
  let deps: OrgDeps;
  const clock = createManualClock('2026-03-02T09:00:00+08:00');

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    deps = { db: database.db, clock, config: { adminIds: [ADMIN], inviteTtlHours: 24 } };
  });
  afterAll(async () => {
    await database.drop();
  });

  it('registers a unit with aliases and finds it by any name, with or without 市', async () => {
    await addUnit(deps, { actor: admin, name: '市住房和城乡建设局', aliases: ['住建局', '市住建局'] });
    await addAlias(deps, { actor: admin, unit: '住建局', alias: '建设局' });
    const units = await listUnits(deps);
    expect(units).toHaveLength(1);
    expect(units[0]).toMatchObject({ name: '市住房和城乡建设局', aliases: ['住建局', '市住建局', '建设局'].sort(), memberCount: 0, chat: null });
  });

  it('refuses a name or alias that another unit already uses, and writes nothing', async () => {
    await expect(addUnit(deps, { actor: admin, name: '市城管局', aliases: ['住建局'] })).rejects.toMatchObject({ code: 'units.name_taken' });
    expect((await listUnits(deps)).map((u) => u.name)).toEqual(['市住房和城乡建设局']);
  });

  it('refuses registry changes by a non-admin', async () => {
    await expect(addUnit(deps, { actor: stranger, name: '市教育局', aliases: [] })).rejects.toMatchObject({ code: 'org.admin_only' });
    await expect(grantRole(deps, { actor: stranger, person: { id: 5 }, role: 'leader' })).rejects.toMatchObject({ code: 'org.admin_only' });
  });

  it('suggests the closest unit when a name does not match', async () => {
    await expect(
      bindChat(deps, { actor: admin, chat: { chatId: -100, threadId: 0, title: 'g', type: 'supergroup' }, kind: 'unit', unit: '住房城乡局' }),
    ).rejects.toMatchObject({
      code: 'units.not_found_suggest',
      params: { suggestions: '市住房和城乡建设局' },
    });
  });

  it('binds chats and forum topics, one group per unit, and a topic falls back to its chat', async () => {
    await bindChat(deps, { actor: admin, chat: { chatId: -1001, threadId: 0, title: 'Leaders', type: 'supergroup' }, kind: 'leaders' });
    await bindChat(deps, { actor: admin, chat: { chatId: -1002, threadId: 7, title: 'Forum', type: 'supergroup' }, kind: 'unit', unit: '住建局' });
    expect(await chatBinding(deps, { chatId: -1002, threadId: 7 })).toMatchObject({ kind: 'unit', threadId: 7 });
    expect(await chatBinding(deps, { chatId: -1001, threadId: 3 })).toMatchObject({ kind: 'leaders', threadId: 0 });
    // Binding the unit to another group moves it: one group per unit.
    await bindChat(deps, { actor: admin, chat: { chatId: -1003, threadId: 0, title: 'Other', type: 'group' }, kind: 'unit', unit: '市住建局' });
    expect(await chatBinding(deps, { chatId: -1002, threadId: 7 })).toBeNull();
    await expect(bindChat(deps, { actor: admin, chat: { chatId: 5, threadId: 0, title: null, type: 'private' }, kind: 'leaders' })).rejects.toMatchObject({
      code: 'chats.group_only',
    });
  });

  it('grants roles once and knows config admins from the start', async () => {
    expect(await grantRole(deps, { actor: admin, person: { id: 10, firstName: 'Li' }, role: 'leader' })).toEqual({ granted: true });
    expect(await grantRole(deps, { actor: admin, person: { id: 10 }, role: 'leader' })).toEqual({ granted: false });
    expect(await loadActor(deps, { personId: 10 })).toMatchObject({ isLeader: true, isAdmin: false });
    expect(await loadActor(deps, { personId: ADMIN })).toMatchObject({ isAdmin: true });
    // A grant with no name does not erase the name we knew.
    expect((await createOrgRepository(deps).getPerson(10))?.firstName).toBe('Li');
  });

  it('records a person again only when something about them changed', async () => {
    const org = createOrgRepository(deps);
    const seen = { id: 11, firstName: 'Wang', lastName: null, username: 'wang_w', languageCode: 'zh-hans' };
    await org.upsertPerson(seen);
    const first = await org.getPerson(11);
    clock.advanceBy(60_000);
    await org.upsertPerson(seen); // the same person, as every update from them brings them
    await org.upsertPerson({ id: 11 }); // a mention that knows nothing but the id
    expect(await org.getPerson(11)).toEqual(first);
    clock.advanceBy(60_000);
    await org.upsertPerson({ ...seen, username: 'wang_new' });
    expect(await org.getPerson(11)).toMatchObject({ username: 'wang_new', firstName: 'Wang', updatedAt: clock.now() });
    await org.upsertPerson({ id: 11, startedBot: true });
    expect(await org.getPerson(11)).toMatchObject({ startedBot: true, username: 'wang_new' });
    await org.upsertPerson({ ...seen, lastName: '伟' });
    expect(await org.getPerson(11)).toMatchObject({ lastName: '伟', username: 'wang_w', startedBot: true });
  });

  it('an invite adds whoever opens it to the unit, until it expires or is revoked', async () => {
    const { token } = await createInvite(deps, { actor: admin, unit: '住建局' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(await redeemInvite(deps, { person: { id: 20, firstName: 'Wang' }, token })).toMatchObject({ added: true });
    expect(await redeemInvite(deps, { person: { id: 20 }, token })).toMatchObject({ added: false });
    expect((await loadActor(deps, { personId: 20 })).unitIds).toHaveLength(1);

    clock.advanceBy(25 * 3600_000);
    await expect(redeemInvite(deps, { person: { id: 21 }, token })).rejects.toMatchObject({ code: 'invites.expired' });
    const second = await createInvite(deps, { actor: admin, unit: '住建局' });
    expect(await revokeInvites(deps, { actor: admin, target: '住建局' })).toMatchObject({ count: 1 });
    await expect(redeemInvite(deps, { person: { id: 21 }, token: second.token })).rejects.toMatchObject({ code: 'invites.revoked' });
    await expect(redeemInvite(deps, { person: { id: 21 }, token: 'nonsense' })).rejects.toMatchObject({ code: 'invites.invalid' });
    expect((await loadActor(deps, { personId: 21 })).unitIds).toEqual([]);
  });

  it('sets a unit head, who becomes a member too', async () => {
    await setUnitHead(deps, { actor: admin, unit: '住建局', person: { id: 30, firstName: 'Zhao' } });
    const [unit] = await listUnits(deps);
    expect(unit).toMatchObject({ headPersonId: 30, memberCount: 2 });
  });

  it('imports units all or nothing, and re-importing the same rows changes nothing', async () => {
    const rows = [
      { name: '市城市管理执法局', aliases: ['城管局', '市城管执法局'], headId: null },
      { name: '市自然资源局', aliases: ['自然资源局'], headId: 4242 },
    ];
    expect(await importUnits(deps, { rows })).toEqual({ added: 2, updated: 0, unchanged: 0 });
    expect(await importUnits(deps, { rows })).toEqual({ added: 0, updated: 0, unchanged: 2 });
    const before = await listUnits(deps);
    await expect(
      importUnits(deps, {
        rows: [
          { name: '市教育局', aliases: [], headId: null },
          { name: '市水务局', aliases: ['城管局'], headId: null },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'units.name_taken',
    });
    expect(await listUnits(deps)).toEqual(before);
  });

  it('remembers update ids so a redelivered update is taken only once, and forgets them two days after they were handled', async () => {
    const updates = createUpdatesRepository({ db: database.db, clock });
    const update = { update_id: 1001, message: { message_id: 1, date: 0, chat: { id: 1, type: 'private', first_name: 'x' }, text: 'hi' } } as never;
    expect(await updates.receive([update], 15_000)).toEqual(new Set([1001]));
    // Leased: a redelivery meanwhile is not taken.
    expect(await updates.receive([update], 15_000)).toEqual(new Set());
    await updates.markHandled([1001]);
    clock.advanceBy(60_000);
    expect(await updates.receive([update], 15_000)).toEqual(new Set());
    clock.advanceBy(24 * 3600_000);
    expect(await updates.prune()).toBe(0);
    clock.advanceBy(25 * 3600_000);
    expect(await updates.prune()).toBe(1);
  });
});
