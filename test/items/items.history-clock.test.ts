import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { createItemsRepository } from '../../src/items/items.repository.js';
import { itemEvents, runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { addUnit, addUnitMember, bindChat, grantRole } from '../../src/org/org.usecases.js';
import { createManualClock, type ManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';
import type { AppDeps } from '../../src/deps.js';

const ADMIN = 1;
const LEADER = 2;
const STAFF = 3;
const LEADERS_CHAT = -1001;

describe.each(storageKinds())('an item’s history when the clock goes back (%s)', (kind) => {
  let database: TestDatabase;
  let clock: ManualClock;
  let deps: AppDeps;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    clock = createManualClock('2026-03-02T09:00:00+08:00');
    deps = { db: database.db, clock, config: createConfig({ env: { ADMIN_IDS: String(ADMIN) } }), translator: createTranslator() };
    const admin = { personId: ADMIN, isAdmin: true, isLeader: false, unitIds: [] };
    await addUnit(deps, { actor: admin, name: '市住房和城乡建设局', aliases: ['住建局'] });
    await grantRole(deps, { actor: admin, person: { id: LEADER, firstName: '李' }, role: 'leader' });
    await addUnitMember(deps, { actor: admin, unit: '住建局', person: { id: STAFF, firstName: '胡' } });
    await bindChat(deps, { actor: admin, chat: { chatId: LEADERS_CHAT, threadId: 0, title: '领导群', type: 'supergroup' }, kind: 'leaders' });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('never gives an event an earlier time than the event before it for the same item', async () => {
    const { item } = await startAssignment(deps, {
      actorId: LEADER,
      text: '请市住建局牵头，于3月30日前完成整改。',
      source: { chatId: LEADERS_CHAT, threadId: 0, messageId: 100 },
      chat: { chatId: LEADERS_CHAT, threadId: 0 },
    });
    clock.advanceBy(10 * 60_000);
    await runItemCommand(deps, { actorId: LEADER, itemId: item.id, command: { type: 'confirm_draft' } });
    const confirmedAt = (await itemEvents(deps, { itemId: item.id })).at(-1)!.at;
    expect(confirmedAt).toEqual(new Date('2026-03-02T09:10:00+08:00'));

    // The machine's clock is set back an hour; the unit answers "a little later".
    clock.advanceBy(-60 * 60_000);
    await runItemCommand(deps, { actorId: STAFF, itemId: item.id, command: { type: 'submit_result', text: '已完成' } });
    const events = await itemEvents(deps, { itemId: item.id });
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < events.length; i++) expect(events[i]!.at.getTime()).toBeGreaterThanOrEqual(events[i - 1]!.at.getTime());
    expect(events.at(-1)!.at).toEqual(confirmedAt);

    // Once the clock is past the history again, events carry their own time.
    clock.set('2026-03-02T10:00:00+08:00');
    await runItemCommand(deps, { actorId: LEADER, itemId: item.id, command: { type: 'confirm_result' } });
    expect((await itemEvents(deps, { itemId: item.id })).at(-1)!.at).toEqual(new Date('2026-03-02T10:00:00+08:00'));
  });

  it('keeps a batch of system events in order, and other items’ histories apart', async () => {
    const repo = createItemsRepository({ db: database.db, clock, timezone: 'Asia/Shanghai' });
    const make = (n: number) =>
      startAssignment(deps, {
        actorId: LEADER,
        text: `请市住建局牵头，于3月30日前完成第${n}项整改。`,
        source: { chatId: LEADERS_CHAT, threadId: 0, messageId: 200 + n },
        chat: { chatId: LEADERS_CHAT, threadId: 0 },
      });
    clock.set('2026-03-03T09:00:00+08:00');
    const { item: a } = await make(1);
    clock.set('2026-03-03T07:00:00+08:00');
    const { item: b } = await make(2);
    const [last] = (await itemEvents(deps, { itemId: a.id })).slice(-1);
    const early = new Date('2026-03-03T06:00:00+08:00');
    await repo.appendSystemEvents([
      { ...last!, itemId: a.id, at: new Date('2026-03-03T08:00:00+08:00') },
      { ...last!, itemId: a.id, at: early },
      { ...last!, itemId: b.id, at: new Date('2026-03-03T07:30:00+08:00') },
    ] as never);
    const aEvents = await itemEvents(deps, { itemId: a.id });
    expect(aEvents.slice(-2).map((e) => e.at)).toEqual([new Date('2026-03-03T09:00:00+08:00'), new Date('2026-03-03T09:00:00+08:00')]);
    const bEvents = await itemEvents(deps, { itemId: b.id });
    expect(bEvents.at(-1)!.at).toEqual(new Date('2026-03-03T07:30:00+08:00'));
  });
});
