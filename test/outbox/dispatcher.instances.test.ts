import { Api } from 'grammy';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import type { Dispatcher } from '../../src/outbox/dispatcher.js';
import { systemClock } from '../../src/shared/clock.js';
import { createPgTestDatabase, describePg, type TestDatabase } from '../helpers/db.js';
import { allRows, deliveries, dispatcherFor, eventually, groups, plan, privateChats, startTelegram, textRow, textsIn, TOKEN } from './fixture.js';

describePg('several dispatchers on one PostgreSQL', () => {
  let database: TestDatabase;
  /** One database client per dispatcher, as separate processes would have. */
  const clients: Database[] = [];

  beforeAll(async () => {
    database = await createPgTestDatabase();
    clients.push(database, await openDatabase({ databaseUrl: database.url! }), await openDatabase({ databaseUrl: database.url! }));
  });

  afterAll(async () => {
    for (const client of clients.slice(1)) await client.close();
    await database.drop();
  });

  it('three dispatchers send 300 rows to 30 chats exactly once, never two at once to one chat, each chat in order, through 5xx, 429 and dropped connections', async () => {
    const tg = await startTelegram();
    const chats = [...privateChats(tg, 20), ...groups(tg, 10)];
    const rowsFor = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => from + k).flatMap((i) => chats.map((chat) => textRow(`c${chat}-${i}`, chat)));
    tg.failNext({ chatId: chats[3]!, error: { code: 500 }, times: 2 });
    tg.failNext({ chatId: chats[7]!, error: { code: 429, retryAfter: 1 } });
    tg.failNext({ chatId: chats[12]!, error: { disconnect: true } });
    tg.failNext({ chatId: chats[25]!, error: { code: 502 } });

    // Each instance watches how many sends to one chat are on the wire at once, all instances together.
    const onTheWire = new Map<number, number>();
    let mostAtOnce = 0;
    const dispatchers: Dispatcher[] = clients.map((client, i) => {
      const api = new Api(TOKEN, { apiRoot: tg.apiRoot });
      api.config.use(async (prev, method, payload, signal) => {
        const chat = Number((payload as { chat_id?: number }).chat_id);
        onTheWire.set(chat, (onTheWire.get(chat) ?? 0) + 1);
        mostAtOnce = Math.max(mostAtOnce, onTheWire.get(chat)!);
        try {
          return await prev(method, payload, signal);
        } finally {
          onTheWire.set(chat, onTheWire.get(chat)! - 1);
        }
      });
      return dispatcherFor({
        db: client.db,
        tg,
        clock: systemClock,
        api,
        owner: `instance-${i}`,
        limits: { privateGapMs: 20, groupGapMs: 40, globalPerSecond: 1000, baseBackoffMs: 50, idlePollMs: 100, batchSize: 10 },
      });
    });

    try {
      await plan(database.db, systemClock, rowsFor(0, 5));
      for (const d of dispatchers) d.start();
      // the second half arrives while they run, planned by "another process": only polling finds it
      await plan(database.db, systemClock, rowsFor(5, 10));
      await eventually(async () => (await allRows(database.db)).every((r) => r.status === 'sent'), 40_000, 'all 300 rows sent');
    } finally {
      await Promise.all(dispatchers.map((d) => d.stop()));
      await tg.stop();
    }

    const counts = deliveries(tg);
    expect(counts.size).toBe(300);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    for (const chat of chats) expect(textsIn(tg, chat)).toEqual(Array.from({ length: 10 }, (_, i) => `c${chat}-${i}`));
    expect(mostAtOnce).toBe(1);
    const rows = await allRows(database.db);
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => r.claimedBy)).size).toBe(3);
  }, 60_000);
});
