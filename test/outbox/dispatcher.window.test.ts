/**
 * Telegram's per-chat limits as the dispatchers and the handlers' direct replies share them:
 * a sliding window of 20 sends a minute per group with about 1 s between two sends, about 1 s
 * between sends to a private chat. On a manual clock; what is asserted is the fake Bot API's
 * record of when each call arrived (by that clock).
 */
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import { pacedDirectSends } from '../../src/outbox/direct-pacing.js';
import type { DispatcherLimits } from '../../src/outbox/dispatcher.js';
import { createChatPacingRepository } from '../../src/outbox/pacing.repository.js';
import { createPgTestDatabase, describePg, storageKinds, type TestDatabase } from '../helpers/db.js';
import {
  allRows,
  arrivals,
  deliveries,
  dispatcherFor,
  groups,
  plan,
  privateChats,
  textRow,
  textsIn,
  TOKEN,
  manualTime,
  startTelegram,
  useOutboxHarness,
} from './fixture.js';

/** On a manual clock a "late" global slot means nothing: concurrent sleepers all move one clock. */
const MANUAL: Partial<DispatcherLimits> = { lateSlotMs: Number.POSITIVE_INFINITY };
const MINUTE = 60_000;
const GROUP_RULE = { gapMs: 1000, windowMax: 20, windowMs: MINUTE };

/** When each message (sent or edited) reached the fake, by its clock, for one chat. */

/** The most sends that any window of `windowMs` holds (a send exactly `windowMs` after another is in the next window, as Telegram counts). */
function mostInAnyWindow(times: number[], windowMs = MINUTE): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, from = 0; i < sorted.length; i++) {
    while (sorted[from]! <= sorted[i]! - windowMs) from++;
    most = Math.max(most, i - from + 1);
  }
  return most;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe.each(storageKinds())('per-chat pacing on %s', (kind) => {
  const h = useOutboxHarness(kind);

  const dispatcher = (limits: Partial<DispatcherLimits> = {}) =>
    dispatcherFor({ db: h.db, tg: h.tg, clock: h.time.clock, sleep: h.time.sleep, limits: { ...MANUAL, ...limits } });
  /** A bot API whose calls go through the direct-reply pacing, on the test's clock. */
  const handlerApi = (maxWaitMs?: number) => {
    const api = new Api(TOKEN, { apiRoot: h.tg.apiRoot });
    api.config.use(
      pacedDirectSends({ db: h.db, clock: h.time.clock, sleep: h.time.sleep, logger: silentLogger, ...(maxWaitMs !== undefined ? { maxWaitMs } : {}) }),
    );
    return api;
  };

  it('sends a burst of 25 to one group about 1 a second, 20 in the first 20 s, and the 21st once the first is a minute old', async () => {
    const [group] = groups(h.tg, 1);
    await plan(
      h.db,
      h.time.clock,
      Array.from({ length: 25 }, (_, i) => textRow(`g-${i}`, group!)),
    );

    await dispatcher().drain();

    expect(textsIn(h.tg, group!)).toEqual(Array.from({ length: 25 }, (_, i) => `g-${i}`));
    const at = arrivals(h.tg, group!);
    const first = at[0]!;
    expect(at[19]! - first).toBeLessThanOrEqual(20_000);
    expect(at[20]! - first).toBeGreaterThanOrEqual(MINUTE);
    expect(at[20]! - first).toBeLessThan(MINUTE + 2000);
    expect(mostInAnyWindow(at)).toBe(20);
    for (const gap of gaps(at)) expect(gap).toBeGreaterThanOrEqual(1000);
  });

  it('sends to a private chat about 1 a second, with no window', async () => {
    const [alice] = privateChats(h.tg, 1);
    await plan(
      h.db,
      h.time.clock,
      Array.from({ length: 25 }, (_, i) => textRow(`p-${i}`, alice!)),
    );

    await dispatcher().drain();

    const at = arrivals(h.tg, alice!);
    expect(at).toHaveLength(25);
    for (const gap of gaps(at)) {
      expect(gap).toBeGreaterThanOrEqual(1000);
      expect(gap).toBeLessThan(1500);
    }
  });

  it("counts a handler's direct replies and edits in the group's window: after 20 of them, an outbox message waits until the first is a minute old", async () => {
    const [group] = groups(h.tg, 1);
    const api = handlerApi();
    const first = await api.sendMessage(group!, 'reply-0');
    for (let i = 1; i < 19; i++) await api.sendMessage(group!, `reply-${i}`);
    await api.editMessageText(group!, first.message_id, 'reply-0 (edited)');
    const replies = arrivals(h.tg, group!);
    expect(replies).toHaveLength(20);
    for (const gap of gaps(replies)) expect(gap).toBeGreaterThanOrEqual(1000);

    await plan(h.db, h.time.clock, [textRow('from-the-outbox', group!)]);
    await dispatcher().drain();

    const at = arrivals(h.tg, group!);
    expect(at).toHaveLength(21);
    expect(at[20]! - replies[0]!).toBeGreaterThanOrEqual(MINUTE);
    expect(mostInAnyWindow(at)).toBe(20);
  });

  it('holds a direct reply at most maxWaitMs when the window is full, then sends it anyway, and the outbox waits for it too', async () => {
    const [group] = groups(h.tg, 1);
    await plan(
      h.db,
      h.time.clock,
      Array.from({ length: 20 }, (_, i) => textRow(`g-${i}`, group!)),
    );
    await dispatcher().drain();
    const outboxFirst = arrivals(h.tg, group!)[0]!;

    const asked = h.time.clock.now().getTime();
    await handlerApi(3000).sendMessage(group!, 'answer to a person');
    const answered = arrivals(h.tg, group!)[20]!;
    // the window frees up 60 s after the first outbox message, ~40 s from now: the reply does not wait that long
    expect(answered - asked).toBeLessThanOrEqual(3000);
    expect(answered - asked).toBeGreaterThanOrEqual(1000);

    await plan(h.db, h.time.clock, [textRow('after-the-answer', group!)]);
    await dispatcher().drain();
    const at = arrivals(h.tg, group!);
    // the answer took a place in the window: the next outbox message needs the second one to be a minute old
    expect(at[21]! - at[1]!).toBeGreaterThanOrEqual(MINUTE);
    expect(at[21]! - outboxFirst).toBeGreaterThan(MINUTE);
  });

  it('gives the slot back when Telegram refuses a direct reply, so that it does not count', async () => {
    const [group] = groups(h.tg, 1);
    const api = handlerApi();
    for (let i = 0; i < 19; i++) await api.sendMessage(group!, `reply-${i}`);
    await expect(api.sendMessage(group!, '')).rejects.toThrow(/400/);
    await plan(h.db, h.time.clock, [textRow('twentieth', group!)]);
    const before = h.time.clock.now().getTime();

    await dispatcher().drain();

    // the refused call took no place: the outbox row is the 20th of the minute and goes after the gap
    expect(arrivals(h.tg, group!).at(-1)! - before).toBeLessThanOrEqual(1000);
  });

  it("holds the chat for the outbox too when Telegram answers a handler's direct reply with 429", async () => {
    const [alice] = privateChats(h.tg, 1);
    h.tg.failNext({ chatId: alice!, error: { code: 429, retryAfter: 7 } });
    const refusedAt = h.time.clock.now().getTime();
    await expect(handlerApi().sendMessage(alice!, 'too fast')).rejects.toThrow(/429/);
    await plan(h.db, h.time.clock, [textRow('after-the-hold', alice!)]);

    await dispatcher().drain();

    const sent = h.tg.calls.filter((call) => call.status === 200 && Number(call.params.chat_id) === alice);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.at.getTime() - refusedAt).toBeGreaterThanOrEqual(7000);
  });

  it('does not let two reservations at once both take the last place of a minute', async () => {
    const [group] = groups(h.tg, 1);
    const pacing = createChatPacingRepository({ db: h.db });
    const start = h.time.clock.now().getTime();
    for (let i = 0; i < 19; i++) {
      const at = new Date(start + i * 1000);
      await pacing.settle({ chatId: group!, reservedAt: null, sentAt: at, rule: GROUP_RULE });
    }
    const now = new Date(start + 30_000);
    const slots = await Promise.all([0, 1].map(() => pacing.reserve({ chatId: group!, now, rule: GROUP_RULE })));

    expect(slots.map((s) => s.at.getTime()).sort((a, b) => a - b)).toEqual([start + 30_000, start + MINUTE]);
  });
});

describePg('per-chat pacing with two dispatchers on one PostgreSQL', () => {
  let database: TestDatabase;
  let other: Database;
  beforeAll(async () => {
    database = await createPgTestDatabase();
    other = await openDatabase({ databaseUrl: database.url! });
  });
  afterAll(async () => {
    await other.close();
    await database.drop();
  });

  it('keeps one window per group across dispatchers, one after the other and side by side', async () => {
    const time = manualTime();
    const tg = await startTelegram({ clock: time.clock });
    try {
      const [handOff, together] = groups(tg, 2);
      const one = dispatcherFor({ db: database.db, tg, clock: time.clock, sleep: time.sleep, limits: MANUAL, owner: 'one' });
      const two = dispatcherFor({ db: other.db, tg, clock: time.clock, sleep: time.sleep, limits: MANUAL, owner: 'two' });

      // one sends 15, then two gets 10 more: 5 fit in the minute, the 6th waits for one's first to be a minute old
      await plan(
        database.db,
        time.clock,
        Array.from({ length: 15 }, (_, i) => textRow(`h-${i}`, handOff!)),
      );
      await one.drain();
      await plan(
        database.db,
        time.clock,
        Array.from({ length: 10 }, (_, i) => textRow(`h-${15 + i}`, handOff!)),
      );
      await two.drain();
      const handed = arrivals(tg, handOff!);
      expect(handed).toHaveLength(25);
      expect(handed[20]! - handed[0]!).toBeGreaterThanOrEqual(MINUTE);
      expect(mostInAnyWindow(handed)).toBe(20);
      const owners = new Map((await allRows(database.db)).map((r) => [r.key, r.claimedBy]));
      expect(owners.get('h-0')).toBe('one');
      expect(owners.get('h-20')).toBe('two');

      // both at once on 30 rows to one group
      await plan(
        database.db,
        time.clock,
        Array.from({ length: 30 }, (_, i) => textRow(`t-${i}`, together!)),
      );
      await Promise.all([one.drain(), two.drain()]);
      const at = arrivals(tg, together!);
      expect(textsIn(tg, together!)).toEqual(Array.from({ length: 30 }, (_, i) => `t-${i}`));
      expect(mostInAnyWindow(at)).toBeLessThanOrEqual(20);
      for (const gap of gaps(at)) expect(gap).toBeGreaterThanOrEqual(1000);
      expect([...deliveries(tg).values()].every((n) => n === 1)).toBe(true);
    } finally {
      await tg.stop();
    }
  });
});
