import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { eq } from 'drizzle-orm';
import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatSendState } from '../../src/db/schema/index.js';
import type { FakeTelegram } from '@duban/fake-telegram';
import type { DispatcherLimits } from '../../src/outbox/dispatcher.js';
import { createOutboxDispatchRepository } from '../../src/outbox/outbox.repository.js';
import { systemClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';
import {
  allRows,
  deliveries,
  dispatcherFor,
  eventually,
  groups,
  manualTime,
  plan,
  privateChats,
  resetOutbox,
  sendsTo,
  startTelegram,
  textRow,
  textsIn,
  TOKEN,
} from './fixture.js';

/** On a manual clock a "late" global slot means nothing: concurrent sleepers all move one clock. */
const MANUAL: Partial<DispatcherLimits> = { lateSlotMs: Number.POSITIVE_INFINITY };

/** An HTTP server that takes requests and never answers: a Telegram that hangs. */
async function startHangingServer(): Promise<{ apiRoot: string; received: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let received = 0;
  const server: Server = createServer(() => {
    received++;
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.each(storageKinds())('on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await resetOutbox(database.db);
  });

  describe('the outbox dispatcher', () => {
    let tg: FakeTelegram;
    let time: ReturnType<typeof manualTime>;

    beforeEach(async () => {
      time = manualTime();
      tg = await startTelegram({ clock: time.clock });
    });

    afterEach(async () => {
      await tg.stop();
    });

    const dispatcher = (limits: Partial<DispatcherLimits> = {}, owner?: string) =>
      dispatcherFor({ db: database.db, tg, clock: time.clock, sleep: time.sleep, limits: { ...MANUAL, ...limits }, ...(owner ? { owner } : {}) });

    it('sends every due row once, marks it sent with its message id, keeps each chat in order and paces it', async () => {
      const [alice, bob] = privateChats(tg, 2);
      const [group] = groups(tg, 1);
      const chats = [alice!, bob!, group!];
      const rows = [0, 1, 2, 3].flatMap((i) => chats.map((chat) => textRow(`c${chat}-m${i}`, chat)));
      await plan(database.db, time.clock, [...rows, textRow('tomorrow', alice!, { notBefore: new Date(time.clock.now().getTime() + 24 * 3600_000) })]);

      await dispatcher().drain();

      for (const chat of chats) expect(textsIn(tg, chat)).toEqual([0, 1, 2, 3].map((i) => `c${chat}-m${i}`));
      expect([...deliveries(tg).values()].every((n) => n === 1)).toBe(true);
      const stored = await allRows(database.db);
      const sent = stored.filter((r) => r.status === 'sent');
      expect(sent).toHaveLength(12);
      for (const row of sent) {
        expect(row.messageId).toBe(tg.sentMessages(row.chatId).find((m) => 'text' in m && m.text === row.key)?.message_id);
        expect(row.attempts).toBe(1);
      }
      expect(stored.find((r) => r.key === 'tomorrow')).toMatchObject({ status: 'pending', attempts: 0 });

      const gaps = (chat: number) => {
        const at = sendsTo(tg, chat).map((call) => call.at.getTime());
        return at.slice(1).map((t, i) => t - at[i]!);
      };
      for (const gap of gaps(alice!)) expect(gap).toBeGreaterThanOrEqual(1000);
      for (const gap of gaps(group!)) expect(gap).toBeGreaterThanOrEqual(1000);
    });

    it('claims at most one row per chat, its oldest due one, and nothing for a chat on hold', async () => {
      const [alice, bob, carol] = privateChats(tg, 3);
      const now = time.clock.now();
      await plan(database.db, time.clock, [
        textRow('alice-later', alice!, { notBefore: new Date(now.getTime() + 3600_000) }),
        textRow('alice-1', alice!),
        textRow('alice-2', alice!),
        textRow('bob-1', bob!),
        textRow('carol-1', carol!),
      ]);
      await database.db.insert(chatSendState).values({ chatId: carol!, nextAt: new Date(now.getTime() + 5000) });
      const repo = createOutboxDispatchRepository({ db: database.db });

      const first = await repo.claim({ now, limit: 10, leaseMs: 60_000, owner: 'one' });
      expect(first.map((r) => r.key)).toEqual(['alice-1', 'bob-1']);
      // alice-2 waits for alice-1, which is in flight; carol is on hold
      expect(await repo.claim({ now, limit: 10, leaseMs: 60_000, owner: 'two' })).toEqual([]);
      const later = new Date(now.getTime() + 5000);
      expect((await repo.claim({ now: later, limit: 10, leaseMs: 60_000, owner: 'two' })).map((r) => r.key)).toEqual(['carol-1']);
    });

    it('when a dispatcher dies between claim and send, another one sends the row once its lease has run out', async () => {
      const [alice] = privateChats(tg, 1);
      await plan(database.db, time.clock, [textRow('orphan', alice!)]);
      const claimedAt = time.clock.now().getTime();
      const repo = createOutboxDispatchRepository({ db: database.db });
      expect(await repo.claim({ now: time.clock.now(), limit: 10, leaseMs: 60_000, owner: 'dead' })).toHaveLength(1);

      await dispatcher({ leaseMs: 60_000 }, 'survivor').drain();

      expect(deliveries(tg).get('orphan')).toBe(1);
      expect(sendsTo(tg, alice!)[0]!.at.getTime()).toBeGreaterThanOrEqual(claimedAt + 60_000);
      expect((await allRows(database.db))[0]).toMatchObject({ status: 'sent', claimedBy: 'survivor', attempts: 2 });
    });

    it('when a dispatcher hangs in its send and is abandoned, the next one sends the row once after the lease, and the late failure of the first changes nothing', async () => {
      const [alice] = privateChats(tg, 1);
      await plan(database.db, time.clock, [textRow('stuck', alice!)]);
      const hanging = await startHangingServer();
      const stuck = dispatcherFor({
        db: database.db,
        tg,
        clock: time.clock,
        sleep: time.sleep,
        limits: MANUAL,
        owner: 'stuck',
        api: new Api(TOKEN, { apiRoot: hanging.apiRoot }),
      });
      const abandoned = stuck.runOnce();
      await eventually(() => hanging.received() === 1, 5000, 'the hanging request');

      await dispatcher({}, 'next').drain();
      expect(deliveries(tg).get('stuck')).toBe(1);

      await hanging.close(); // the first dispatcher's request fails at last
      await abandoned;
      expect((await allRows(database.db))[0]).toMatchObject({ status: 'sent', claimedBy: 'next' });
      expect(deliveries(tg).get('stuck')).toBe(1);
    });

    it('aborts a send that would outlive its lease, so that two dispatchers never send one row at once', async () => {
      const [alice] = privateChats(tg, 1);
      await plan(database.db, time.clock, [textRow('slow', alice!)]);
      const hanging = await startHangingServer();
      const slow = dispatcherFor({
        db: database.db,
        tg,
        clock: time.clock,
        sleep: time.sleep,
        limits: { ...MANUAL, leaseMs: 2500, leaseSafetyMs: 1000, sendTimeoutMs: 30_000 },
        api: new Api(TOKEN, { apiRoot: hanging.apiRoot }),
      });
      const started = Date.now();
      await slow.runOnce();
      const took = Date.now() - started;
      await hanging.close();

      // aborted 1 s before the 2.5 s lease ends (the manual clock stood still; the abort is real time)
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(took).toBeLessThan(2500);
      const [row] = await allRows(database.db);
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row!.lastError).toMatch(/^network: /);
    });

    it('in a 429 storm on one chat, loses nothing, sends nothing to that chat before retry_after, and other chats keep flowing', async () => {
      const [stormy, ...calm] = privateChats(tg, 6);
      await plan(database.db, time.clock, [
        ...[0, 1, 2, 3, 4].map((i) => textRow(`stormy-${i}`, stormy!)),
        ...calm.flatMap((chat) => [0, 1, 2].map((i) => textRow(`calm-${chat}-${i}`, chat))),
      ]);
      tg.failNext({ chatId: stormy!, error: { code: 429, retryAfter: 7 }, times: 4 });

      await dispatcher().drain();

      const counts = deliveries(tg);
      expect(counts.size).toBe(20);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(textsIn(tg, stormy!)).toEqual([0, 1, 2, 3, 4].map((i) => `stormy-${i}`));
      const calls = sendsTo(tg, stormy!);
      expect(calls.slice(0, 4).every((call) => call.status === 429)).toBe(true);
      for (let i = 1; i < calls.length; i++) {
        if (calls[i - 1]!.status === 429) expect(calls[i]!.at.getTime() - calls[i - 1]!.at.getTime()).toBeGreaterThanOrEqual(7000);
      }
      const firstHold = calls[0]!.at.getTime();
      const lastCalm = Math.max(...calm.flatMap((chat) => sendsTo(tg, chat).map((call) => call.at.getTime())));
      expect(lastCalm).toBeLessThan(firstHold + 7000);
      const stored = await allRows(database.db);
      expect(stored.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    });

    it('holds a chat for a long retry_after without claiming its rows or spending their attempts', async () => {
      const [held, other] = privateChats(tg, 2);
      await plan(database.db, time.clock, [textRow('held-1', held!), textRow('held-2', held!), textRow('other-1', other!)]);
      tg.failNext({ chatId: held!, error: { code: 429, retryAfter: 3600 } });
      const d = dispatcher();
      const repo = createOutboxDispatchRepository({ db: database.db });
      const start = time.clock.now().getTime();

      expect(await d.runOnce()).toBe(2);
      time.clock.advanceBy(60_000);
      expect(await d.runOnce()).toBe(0);
      expect((await repo.outlook({ now: time.clock.now() })).nextAt!.getTime()).toBeGreaterThanOrEqual(start + 3600_000);
      expect((await allRows(database.db)).filter((r) => r.chatId === held).map((r) => [r.status, r.attempts])).toEqual([
        ['pending', 0],
        ['pending', 0],
      ]);

      time.clock.set(new Date(start + 3600_000 + 1));
      await d.drain();
      expect(textsIn(tg, held!)).toEqual(['held-1', 'held-2']);
    });

    it('when the bot is blocked (403), fails the row with the reason and plans and sends the fallback in the unit group', async () => {
      const blockerUser = tg.createUser({ firstName: 'Blocker' });
      tg.sendText({ from: blockerUser, chat: 'private', text: '/start' });
      tg.botBlockedBy(blockerUser);
      const blocker = blockerUser.id;
      const stranger = tg.createUser({ firstName: 'Never started' });
      const [unitGroup] = groups(tg, 1);
      await plan(database.db, time.clock, [
        textRow('nag-blocker', blocker, { fallback: { chatId: unitGroup!, text: '@blocker please open the bot' }, purpose: 'nag' }),
        textRow('nag-stranger', stranger.id, { fallback: { chatId: unitGroup!, text: '@stranger please start the bot' }, purpose: 'nag' }),
      ]);

      await dispatcher().drain();

      const stored = await allRows(database.db);
      expect(stored.find((r) => r.key === 'nag-blocker')).toMatchObject({ status: 'failed', lastError: '403 Forbidden: bot was blocked by the user' });
      expect(stored.find((r) => r.key === 'nag-stranger')).toMatchObject({
        status: 'failed',
        lastError: "403 Forbidden: bot can't initiate conversation with a user",
      });
      expect(stored.find((r) => r.key === 'nag-blocker:fallback')).toMatchObject({ status: 'sent', chatId: unitGroup, purpose: 'nag_fallback' });
      // the two refusals are handled side by side: their fallbacks are planned in either order
      expect(textsIn(tg, unitGroup!).sort()).toEqual(['@blocker please open the bot', '@stranger please start the bot']);
      const [state] = await database.db.select().from(chatSendState).where(eq(chatSendState.chatId, blocker));
      expect(state?.forbiddenReason).toBe('403 Forbidden: bot was blocked by the user');
    });

    it('retries 500, 502 and a dropped connection with a doubling backoff, holding the chat meanwhile, then sends once', async () => {
      const [alice, bob] = privateChats(tg, 2);
      await plan(database.db, time.clock, [textRow('flaky', alice!), textRow('after-flaky', alice!), textRow('bob', bob!)]);
      tg.failNext({ chatId: alice!, error: { code: 500 } });
      tg.failNext({ chatId: alice!, error: { code: 502 } });
      tg.failNext({ chatId: alice!, error: { disconnect: true } });

      await dispatcher({ baseBackoffMs: 1000, maxAttempts: 8 }).drain();

      const calls = sendsTo(tg, alice!).map((call) => call.at.getTime());
      const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
      expect(gaps.slice(0, 3).map((g) => Math.floor(g / 1000))).toEqual([1, 2, 4]);
      expect(textsIn(tg, alice!)).toEqual(['flaky', 'after-flaky']);
      const stored = await allRows(database.db);
      expect(stored.find((r) => r.key === 'flaky')).toMatchObject({ status: 'sent', attempts: 4, lastError: null });
      expect(textsIn(tg, bob!)).toEqual(['bob']);
    });

    it.each([
      { name: '500', error: { code: 500 as const }, reason: /gave up after 4 attempts: 500 Internal Server Error/ },
      { name: '502', error: { code: 502 as const }, reason: /gave up after 4 attempts: network: / },
      { name: 'a dropped connection', error: { disconnect: true as const }, reason: /gave up after 4 attempts: network: / },
    ])('gives up on $name after the cap: the row fails with the reason and the chat moves on', async ({ error, reason }) => {
      const [alice] = privateChats(tg, 1);
      await plan(database.db, time.clock, [textRow('doomed', alice!), textRow('next', alice!)]);
      tg.failNext({ chatId: alice!, error, times: 4 });

      await dispatcher({ maxAttempts: 4, baseBackoffMs: 1000 }).drain();

      const calls = sendsTo(tg, alice!).map((call) => call.at.getTime());
      const gaps = calls.slice(1, 4).map((t, i) => t - calls[i]!);
      expect(gaps.map((g) => Math.floor(g / 1000))).toEqual([1, 2, 4]);
      const stored = await allRows(database.db);
      expect(stored.find((r) => r.key === 'doomed')!.status).toBe('failed');
      expect(stored.find((r) => r.key === 'doomed')!.lastError).toMatch(reason);
      expect(textsIn(tg, alice!)).toEqual(['next']);
    });

    it('sends a message twice when Telegram delivered it but the answer was lost: the documented duplicate window', async () => {
      const [alice] = privateChats(tg, 1);
      await plan(database.db, time.clock, [textRow('echo', alice!)]);
      tg.failNext({ chatId: alice!, error: { disconnect: true }, applied: true });

      await dispatcher().drain();

      expect(deliveries(tg).get('echo')).toBe(2);
      expect((await allRows(database.db))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('when Telegram refuses the token (401), keeps the row waiting without spending its attempts', async () => {
      const [alice] = privateChats(tg, 1);
      await plan(database.db, time.clock, [textRow('patient', alice!)]);
      tg.failNext({ chatId: alice!, error: { code: 401 }, times: 3 });
      const d = dispatcher({ maxAttempts: 2, maxBackoffMs: 60_000 });

      await d.runOnce();
      expect((await allRows(database.db))[0]).toMatchObject({ status: 'pending', attempts: 0, lastError: '401 Unauthorized' });
      await d.drain();

      expect((await allRows(database.db))[0]).toMatchObject({ status: 'sent', attempts: 1 });
      const calls = sendsTo(tg, alice!).map((call) => call.at.getTime());
      expect(calls.slice(1).map((t, i) => t - calls[i]!)).toEqual([60_000, 60_000, 60_000]);
    });

    it('gives up on a row that its dispatchers keep dying with, instead of passing it on forever', async () => {
      const [alice] = privateChats(tg, 1);
      await plan(database.db, time.clock, [textRow('poison', alice!), textRow('innocent', alice!)]);
      const repo = createOutboxDispatchRepository({ db: database.db });
      for (let i = 0; i < 4; i++) {
        expect(await repo.claim({ now: time.clock.now(), limit: 1, leaseMs: 1000, owner: `dead-${i}` })).toHaveLength(1);
        time.clock.advanceBy(1000);
      }

      await dispatcher({ maxAttempts: 3 }).drain();

      const [poison, innocent] = await allRows(database.db);
      expect(poison).toMatchObject({ status: 'failed', attempts: 5 });
      expect(poison!.lastError).toMatch(/^gave up: claimed 5 times/);
      expect(innocent).toMatchObject({ status: 'sent' });
      expect(textsIn(tg, alice!)).toEqual(['innocent']);
    });

    it('when recording a delivered message fails, retries the recording and does not send it again', async () => {
      const [alice] = privateChats(tg, 1);
      await plan(database.db, time.clock, [textRow('recorded', alice!)]);
      let failures = 1;
      const flaky = new Proxy(database.db, {
        get(target, property, receiver) {
          if (property !== 'execute') return Reflect.get(target, property, receiver);
          return (query: { queryChunks?: { value?: string[] }[] }) => {
            const text = (query.queryChunks ?? []).map((chunk) => chunk.value?.join('') ?? '').join('');
            if (text.includes("status = 'sent'") && failures-- > 0) return Promise.reject(new Error('connection terminated unexpectedly'));
            return target.execute(query as never);
          };
        },
      });

      await dispatcherFor({ db: flaky, tg, clock: time.clock, sleep: time.sleep, limits: MANUAL }).drain();

      expect(failures).toBe(-1);
      expect(deliveries(tg).get('recorded')).toBe(1);
      expect((await allRows(database.db))[0]).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('fails a bad request at once, without retrying', async () => {
      const [alice] = privateChats(tg, 1);
      await plan(database.db, time.clock, [{ key: 'empty', chatId: alice!, payload: { text: '' }, purpose: 'notice' }]);

      await dispatcher().drain();

      const [row] = await allRows(database.db);
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row!.lastError).toMatch(/^400 /);
      expect(sendsTo(tg, alice!)).toHaveLength(1);
    });
  });

  describe('the background loop', () => {
    let tg: FakeTelegram;

    beforeEach(async () => {
      tg = await startTelegram();
    });

    afterEach(async () => {
      await tg.stop();
    });

    it('sends at once when woken, without waiting for its poll', async () => {
      const [alice] = privateChats(tg, 1);
      const d = dispatcherFor({ db: database.db, tg, clock: systemClock, limits: { idlePollMs: 60_000 } });
      d.start();
      try {
        await new Promise((resolve) => setTimeout(resolve, 100)); // let it settle into its idle wait
        await plan(database.db, systemClock, [textRow('woken', alice!)]);
        const woken = Date.now();
        d.wake();
        await eventually(() => deliveries(tg).get('woken') === 1, 3000, 'the woken send');
        expect(Date.now() - woken).toBeLessThan(1000);
      } finally {
        await d.stop();
      }
    });

    it('stop() finishes the send on the wire, gives back the rows still waiting for their slot, then returns', async () => {
      const chats = privateChats(tg, 10);
      await plan(
        database.db,
        systemClock,
        chats.map((chat, i) => textRow(`row-${i}`, chat)),
      );
      const api = new Api(TOKEN, { apiRoot: tg.apiRoot });
      let entered = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let onEnter!: () => void;
      const firstEntered = new Promise<void>((resolve) => (onEnter = resolve));
      api.config.use(async (prev, method, payload, signal) => {
        entered++;
        onEnter();
        await gate;
        return prev(method, payload, signal);
      });
      const d = dispatcherFor({ db: database.db, tg, clock: systemClock, api, limits: { globalPerSecond: 5 } });
      d.start();
      await firstEntered;

      let stopped = false;
      const stopping = d.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stopped).toBe(false); // the send on the wire is not finished yet
      const onTheWire = entered;
      release();
      await stopping;

      const stored = await allRows(database.db);
      expect(stored.filter((r) => r.status === 'sent')).toHaveLength(onTheWire);
      expect(stored.filter((r) => r.status === 'pending').every((r) => r.attempts === 0)).toBe(true);
      expect(stored.filter((r) => r.status === 'pending')).toHaveLength(10 - onTheWire);
      expect(tg.sentMessages()).toHaveLength(onTheWire);
    });
  });
});
