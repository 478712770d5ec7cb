/**
 * Sending recovers quickly: retry waits are capped at 5 s, an outage is logged once, and the
 * rows of a dispatcher that died are taken over after a 15 s lease, while a live dispatcher's
 * slow send keeps its row by heartbeat. On a manual clock: what is asserted is the fake Bot
 * API's record of when each call arrived (by that clock) and what the database holds.
 */
import { eq } from 'drizzle-orm';
import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { createDispatcher, DEFAULT_LIMITS, retryBackoffMs, type DispatcherLimits } from '../../src/outbox/dispatcher.js';
import { createOutboxDispatchRepository } from '../../src/outbox/outbox.repository.js';
import { storageKinds } from '../helpers/db.js';
import { allRows, deliveries, dispatcherFor, eventually, plan, privateChats, sendsTo, textRow, TOKEN, useOutboxHarness } from './fixture.js';

const MANUAL: Partial<DispatcherLimits> = { lateSlotMs: Number.POSITIVE_INFINITY };

describe('the retry backoff', () => {
  it('doubles from 1 s and never exceeds 5 s, however many attempts', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryBackoffMs(DEFAULT_LIMITS, n))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
    for (let n = 0; n <= 2000; n++) expect(retryBackoffMs(DEFAULT_LIMITS, n)).toBeLessThanOrEqual(5000);
    expect(retryBackoffMs(DEFAULT_LIMITS, 3, false)).toBe(5000);
  });
});

describe.each(storageKinds())('on %s, the dispatcher recovers', (kind) => {
  const h = useOutboxHarness(kind);

  it('while the Bot API is unreachable, retries every row at most 5 s apart, logs it once, and once more when it is back', async () => {
    const chats = privateChats(h.tg, 3);
    await plan(
      h.db,
      h.time.clock,
      chats.map((chat) => textRow(`row-${chat}`, chat)),
    );
    h.tg.failNext({ method: 'sendMessage', error: { disconnect: true }, times: 30 });
    const lines: Record<string, unknown>[] = [];
    const d = createDispatcher({
      db: h.db,
      api: new Api(TOKEN, { apiRoot: h.tg.apiRoot }),
      logger: createLogger({ level: 'info', secrets: [TOKEN], destination: { write: (line) => lines.push(JSON.parse(line)) } }),
      clock: h.time.clock,
      sleep: h.time.sleep,
      limits: MANUAL,
    });

    await d.drain();

    expect(h.tg.calls.filter((call) => call.method === 'sendMessage' && call.status === 0)).toHaveLength(30);
    expect([...deliveries(h.tg).values()]).toEqual([1, 1, 1]);
    let longest = 0;
    for (const chat of chats) {
      const at = sendsTo(h.tg, chat).map((call) => call.at.getTime());
      expect(at.length).toBeGreaterThan(5);
      for (let i = 1; i < at.length; i++) longest = Math.max(longest, at[i]! - at[i - 1]!);
    }
    // 5 s of backoff, plus a few global slots (1/28 s each) to line up behind the other chats: how
    // many depends on how the three chats' sleeps interleave on the manual clock, which varies with
    // the machine's load (seen: 5,115 ms). An uncapped backoff's next wait would be 8 s or more.
    expect(longest).toBeGreaterThanOrEqual(5000);
    expect(longest).toBeLessThanOrEqual(5000 + 4 * Math.ceil(1000 / DEFAULT_LIMITS.globalPerSecond) * chats.length);
    expect(lines.filter((l) => (l.level as number) >= 40).map((l) => l.msg)).toEqual([expect.stringMatching(/^Bot API unreachable/)]);
    expect(lines.filter((l) => /Bot API reachable again/.test(String(l.msg)))).toEqual([expect.objectContaining({ failedSends: 30 })]);
    expect(lines.some((l) => l.msg === 'send failed; will retry')).toBe(false);
    expect((await allRows(h.db)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('when a dispatcher died with a row claimed (no heartbeat), another one sends it once the 15 s lease has run out', async () => {
    const [alice] = privateChats(h.tg, 1);
    await plan(h.db, h.time.clock, [textRow('orphan', alice!)]);
    const claimedAt = h.time.clock.now().getTime();
    const repo = createOutboxDispatchRepository({ db: h.db });
    // what a dispatcher's claim does, with the default lease; then the process is gone
    expect(await repo.claim({ now: h.time.clock.now(), limit: 10, leaseMs: DEFAULT_LIMITS.leaseMs, owner: 'dead' })).toHaveLength(1);

    await dispatcherFor({ db: h.db, tg: h.tg, clock: h.time.clock, sleep: h.time.sleep, limits: MANUAL, owner: 'survivor' }).drain();

    const takenOverAfter = sendsTo(h.tg, alice!)[0]!.at.getTime() - claimedAt;
    expect(takenOverAfter).toBeGreaterThanOrEqual(15_000);
    expect(takenOverAfter).toBeLessThan(16_000);
    expect(deliveries(h.tg).get('orphan')).toBe(1);
    expect((await allRows(h.db))[0]).toMatchObject({ status: 'sent', claimedBy: 'survivor', attempts: 2 });
  });

  it('a live dispatcher whose send is slow keeps its row by heartbeat: another one does not take it over after the lease', async () => {
    const [alice] = privateChats(h.tg, 1);
    await plan(h.db, h.time.clock, [textRow('slow', alice!)]);
    // Telegram takes its time with this request: it answers when the test says so
    const api = new Api(TOKEN, { apiRoot: h.tg.apiRoot });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let onTheWire = false;
    api.config.use(async (prev, method, payload, signal) => {
      onTheWire = true;
      await gate;
      return prev(method, payload, signal);
    });
    // the heartbeat beats on real time: fast here, so that the test need not wait 5 s for it
    const slow = dispatcherFor({ db: h.db, tg: h.tg, clock: h.time.clock, api, limits: { ...MANUAL, heartbeatMs: 20 }, owner: 'slow' });
    const other = dispatcherFor({ db: h.db, tg: h.tg, clock: h.time.clock, sleep: h.time.sleep, limits: MANUAL, owner: 'other' });
    const claimedAt = h.time.clock.now().getTime();
    const sending = slow.runOnce();
    await eventually(() => onTheWire, 5000, 'the send on the wire');

    const leaseEnd = async () => (await allRows(h.db))[0]!.claimedUntil!.getTime();
    for (const step of [10_000, 10_000, 10_000]) {
      h.time.clock.advanceBy(step);
      const now = h.time.clock.now().getTime();
      await eventually(async () => (await leaseEnd()) >= now + DEFAULT_LIMITS.leaseMs, 5000, 'the heartbeat renewing the lease');
      expect(await other.runOnce()).toBe(0);
    }
    expect(h.time.clock.now().getTime() - claimedAt).toBe(30_000); // twice the lease, and still ours

    release();
    await sending;
    expect(deliveries(h.tg).get('slow')).toBe(1);
    expect((await allRows(h.db))[0]).toMatchObject({ status: 'sent', claimedBy: 'slow', attempts: 1 });
  });

  it('a send whose heartbeat finds the row taken by another dispatcher is aborted before it reaches Telegram', async () => {
    const [alice] = privateChats(h.tg, 1);
    await plan(h.db, h.time.clock, [textRow('taken', alice!)]);
    const api = new Api(TOKEN, { apiRoot: h.tg.apiRoot });
    let onTheWire = false;
    // a request held up on its way (a slow network): it goes on only when aborted
    api.config.use(async (prev, method, payload, signal) => {
      onTheWire = true;
      await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
      return prev(method, payload, signal);
    });
    const paused = dispatcherFor({ db: h.db, tg: h.tg, clock: h.time.clock, api, limits: { ...MANUAL, heartbeatMs: 20 }, owner: 'paused' });
    const sending = paused.runOnce();
    await eventually(() => onTheWire, 5000, 'the send on the wire');
    // what another dispatcher's claim does once our lease has run out (a stall longer than the lease)
    await h.db.update(outbox).set({ claimedBy: 'thief' }).where(eq(outbox.key, 'taken'));
    const takenAt = Date.now();

    await sending;
    // the next heartbeat found the row gone and aborted the send, long before the lease abort (10 s)
    expect(Date.now() - takenAt).toBeLessThan(2000);

    expect(deliveries(h.tg).get('taken')).toBeUndefined();
    expect((await allRows(h.db))[0]).toMatchObject({ status: 'sending', claimedBy: 'thief' });
  });
});
