/**
 * The fake Bot API counts Telegram's limits on real elapsed time, so these tests run on the real
 * clock, with the dispatcher's default (production) limits, for a few seconds each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { systemClock } from '../../src/shared/clock.js';
import { createPgTestDatabase, createTestDatabase, describePg, type TestDatabase } from '../helpers/db.js';
import { allRows, deliveries, dispatcherFor, eventually, groups, plan, privateChats, startTelegram, textRow, textsIn } from './fixture.js';

const gapsMs = (elapsed: number[]) => elapsed.slice(1).map((t, i) => t - elapsed[i]!);

describe("pacing under Telegram's limits", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('sends 100 rows across many chats at full speed and 60 rows to one group about 1 s apart, with no 429 and no limit broken', async () => {
    const tg = await startTelegram({ enforceLimits: true });
    const [group] = groups(tg, 1);
    const [solo, ...others] = privateChats(tg, 98);
    await plan(database.db, systemClock, [
      ...Array.from({ length: 60 }, (_, i) => textRow(`g-${i}`, group!)),
      ...Array.from({ length: 3 }, (_, i) => textRow(`solo-${i}`, solo!)),
      ...others.map((chat) => textRow(`p-${chat}`, chat)),
    ]);
    const d = dispatcherFor({ db: database.db, tg, clock: systemClock });
    const started = Date.now();
    d.start();
    let manyChatsMs = 0;
    try {
      await eventually(() => others.every((chat) => textsIn(tg, chat).length === 1) && textsIn(tg, solo!).length === 3, 10_000, '100 rows sent');
      manyChatsMs = Date.now() - started;
      await eventually(() => textsIn(tg, group!).length >= 5, 10_000, 'five group messages');
    } finally {
      await d.stop();
      await tg.stop();
    }

    expect(tg.calls.filter((call) => call.status === 429)).toEqual([]);
    expect(tg.limitViolations()).toEqual([]);
    // 100 rows at ~28/s (less the group's share) take about 4 s; a loaded machine slows the pace down
    expect(manyChatsMs).toBeLessThan(8000);
    expect([...deliveries(tg).values()].every((n) => n === 1)).toBe(true);

    const groupTexts = textsIn(tg, group!);
    expect(groupTexts).toEqual(groupTexts.map((_, i) => `g-${i}`));
    const log = (chat: number) => tg.sendLog.filter((entry) => entry.chatId === chat).map((entry) => entry.elapsedMs);
    for (const gap of gapsMs(log(group!))) expect(gap).toBeGreaterThanOrEqual(1000);
    // a burst to a group is not spread over the minute: its first ones go about 1 a second
    expect(groupTexts.length).toBeGreaterThanOrEqual(5);
    for (const gap of gapsMs(log(solo!))) expect(gap).toBeGreaterThanOrEqual(1000);
    // what the group could not have yet waits, untouched, in order
    const waiting = (await allRows(database.db)).filter((r) => r.chatId === group && r.status !== 'sent');
    expect(waiting).toHaveLength(60 - groupTexts.length);
    expect(waiting.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
  });
});

describePg('pacing with three dispatchers', () => {
  let database: TestDatabase;
  const clients: Database[] = [];
  beforeAll(async () => {
    database = await createPgTestDatabase();
    clients.push(database, await openDatabase({ databaseUrl: database.url! }), await openDatabase({ databaseUrl: database.url! }));
  });
  afterAll(async () => {
    for (const client of clients.slice(1)) await client.close();
    await database.drop();
  });

  it('keeps three dispatchers together under the global limit through the shared slot, with no 429', async () => {
    const tg = await startTelegram({ enforceLimits: true });
    const chats = privateChats(tg, 90);
    await plan(
      database.db,
      systemClock,
      chats.map((chat) => textRow(`p-${chat}`, chat)),
    );
    const dispatchers = clients.map((client) => dispatcherFor({ db: client.db, tg, clock: systemClock }));
    const started = Date.now();
    for (const d of dispatchers) d.start();
    try {
      await eventually(() => tg.sentMessages().length === 90, 10_000, '90 rows sent');
    } finally {
      await Promise.all(dispatchers.map((d) => d.stop()));
      await tg.stop();
    }
    const took = Date.now() - started;

    expect(tg.calls.filter((call) => call.status === 429)).toEqual([]);
    expect(tg.limitViolations()).toEqual([]);
    expect(took).toBeGreaterThanOrEqual((90 / 30) * 1000); // three times 28/s would have taken a second
    const owners = new Set((await allRows(database.db)).map((r) => r.claimedBy));
    expect(owners.size).toBe(3);
  });
});
