import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n/translator.js';
import { createConfig } from '../../src/config.js';
import { createItemsRepository } from '../../src/items/items.repository.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { addUnit, addUnitMember, bindChat, grantRole } from '../../src/org/org.usecases.js';
import { createManualClock } from '../../src/shared/clock.js';
import { isAppError } from '../../src/shared/errors.js';
import { createPgTestDatabase, describePg, type TestDatabase } from '../helpers/db.js';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../../src/deps.js';

const ADMIN = 1;
const LEADER = 2;
const STAFF = 3;
const LEADERS_CHAT = -1001;

describePg('items under concurrency (PostgreSQL)', () => {
  let database: TestDatabase;
  let deps: AppDeps;

  beforeAll(async () => {
    database = await createPgTestDatabase({ max: 20 });
    const clock = createManualClock('2026-03-02T09:00:00+08:00');
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

  const assign = (n: number) =>
    startAssignment(deps, {
      actorId: LEADER,
      text: `请市住建局牵头，于3月30日前完成第${n}项整改。`,
      source: { chatId: LEADERS_CHAT, threadId: 0, messageId: 100 + n },
      chat: { chatId: LEADERS_CHAT, threadId: 0 },
    });

  it('when 50 leaders confirm 50 drafts at the same moment, the codes are 1 to 50 with no gap and no duplicate', async () => {
    const drafts = await Promise.all(Array.from({ length: 50 }, (_, i) => assign(i + 1)));
    const results = await Promise.allSettled(
      drafts.map(({ item }) => runItemCommand(deps, { actorId: LEADER, itemId: item.id, command: { type: 'confirm_draft' } })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const rows = await database.db.execute(sql`select code_number from items where code_year = 2026 order by code_number`);
    const numbers = (rows as unknown as { code_number: number }[]).map((r) => Number(r.code_number));
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('when 50 presses confirm one result at once, exactly one closes it and the others are told it is done', async () => {
    const { item } = await assign(99);
    await runItemCommand(deps, { actorId: LEADER, itemId: item.id, command: { type: 'confirm_draft' } });
    await runItemCommand(deps, { actorId: STAFF, itemId: item.id, command: { type: 'submit_result', text: '已完成' } });
    const version = (await createItemsRepository({ db: database.db, clock: deps.clock, timezone: 'Asia/Shanghai' }).get(item.id))!.state.version;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        runItemCommand(deps, { actorId: LEADER, itemId: item.id, command: { type: 'confirm_result' }, expectedVersion: version }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(49);
    expect(refused.every((r) => isAppError(r.reason, 'items.stale'))).toBe(true);
    const events = await database.db.execute(sql`select count(*)::int as n from item_events where item_id = ${item.id} and type = 'result_confirmed'`);
    expect(Number((events as unknown as { n: number }[])[0]!.n)).toBe(1);
    const responses = await database.db.execute(sql`select count(*)::int as n from outbox where item_id = ${item.id} and purpose = 'response'`);
    expect(Number((responses as unknown as { n: number }[])[0]!.n)).toBe(1);
  });

  it('without a version (a typed /confirm), the losers get "already closed" and nothing changes twice', async () => {
    const { item } = await assign(100);
    await runItemCommand(deps, { actorId: LEADER, itemId: item.id, command: { type: 'confirm_draft' } });
    await runItemCommand(deps, { actorId: STAFF, itemId: item.id, command: { type: 'submit_result', text: '已完成' } });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => runItemCommand(deps, { actorId: ADMIN, itemId: item.id, command: { type: 'confirm_result' } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && isAppError(r.reason, 'items.already_closed'))).toHaveLength(19);
  });

  it('refuses to change the append-only history', async () => {
    const refusal = (q: Promise<unknown>) =>
      q.then(
        () => 'accepted',
        (e: Error & { cause?: Error }) => String(e.cause?.message ?? e.message),
      );
    expect(await refusal(database.db.execute(sql`update item_events set type = 'x'`))).toMatch(/append-only/);
    expect(await refusal(database.db.execute(sql`delete from item_events`))).toMatch(/append-only/);
  });
});
