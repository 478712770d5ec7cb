/**
 * The machine's clock set back: pacing state (a chat's next send, its window, the global slot)
 * and leases written before the jump lie in the future by the whole jump. Read as they stand,
 * they would hold a chat for an hour after an hour's jump. On a manual clock.
 */
import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { pacedDirectSends } from '../../src/outbox/direct-pacing.js';
import { DEFAULT_LIMITS, type DispatcherLimits } from '../../src/outbox/dispatcher.js';
import { createOutboxDispatchRepository } from '../../src/outbox/outbox.repository.js';
import { storageKinds } from '../helpers/db.js';
import { allRows, arrivals, dispatcherFor, groups, plan, privateChats, textRow, textsIn, TOKEN, useOutboxHarness } from './fixture.js';

const MANUAL: Partial<DispatcherLimits> = { lateSlotMs: Number.POSITIVE_INFINITY };
const MINUTE = 60_000;
/** The dispatchers' lease (a dead one's rows are taken over after it). */
const LEASE = DEFAULT_LIMITS.leaseMs;
const HOUR = 60 * MINUTE;

describe.each(storageKinds())('pacing and leases when the clock goes back (%s)', (kind) => {
  const h = useOutboxHarness(kind);

  const dispatcher = (owner?: string) =>
    dispatcherFor({ db: h.db, tg: h.tg, clock: h.time.clock, sleep: h.time.sleep, limits: MANUAL, ...(owner ? { owner } : {}) });
  const goBack = (ms: number) => h.time.clock.set(new Date(h.time.clock.now().getTime() - ms));

  it('sends the next message to a group within the pacing gap after the clock is set back an hour, not an hour later', async () => {
    const [group] = groups(h.tg, 1);
    await plan(
      h.db,
      h.time.clock,
      Array.from({ length: 5 }, (_, i) => textRow(`before-${i}`, group!)),
    );
    await dispatcher().drain();

    goBack(HOUR);
    const jumpedAt = h.time.clock.now().getTime();
    await plan(h.db, h.time.clock, [textRow('after', group!)]);
    await dispatcher().drain();

    expect(textsIn(h.tg, group!).at(-1)).toBe('after');
    expect(arrivals(h.tg, group!).at(-1)! - jumpedAt).toBeLessThanOrEqual(1000);
    // and the chat is paced from the new time on: the one after goes a gap later, not sooner
    await plan(h.db, h.time.clock, [textRow('after-2', group!)]);
    await dispatcher().drain();
    const at = arrivals(h.tg, group!);
    expect(at.at(-1)! - at.at(-2)!).toBeGreaterThanOrEqual(1000);
    expect(at.at(-1)! - jumpedAt).toBeLessThanOrEqual(2500);
  });

  it('sends what was planned to go at once just before the jump, now; what was planned for later still waits', async () => {
    const [group] = groups(h.tg, 1);
    const later = new Date(h.time.clock.now().getTime() + 2 * HOUR);
    await plan(h.db, h.time.clock, [textRow('at-once', group!), textRow('in-two-hours', group!, { notBefore: later })]);

    goBack(HOUR);
    const jumpedAt = h.time.clock.now().getTime();
    await dispatcher().drain();

    expect(textsIn(h.tg, group!)).toEqual(['at-once']);
    expect(arrivals(h.tg, group!)[0]! - jumpedAt).toBeLessThanOrEqual(1000);
    expect((await allRows(h.db)).find((r) => r.key === 'in-two-hours')).toMatchObject({ status: 'pending', notBefore: later });
  });

  it('holds a group whose window was full at most a window after the jump, and keeps it to 20 a minute', async () => {
    const [group] = groups(h.tg, 1);
    await plan(
      h.db,
      h.time.clock,
      Array.from({ length: 20 }, (_, i) => textRow(`burst-${i}`, group!)),
    );
    await dispatcher().drain();

    goBack(HOUR);
    const jumpedAt = h.time.clock.now().getTime();
    await plan(
      h.db,
      h.time.clock,
      Array.from({ length: 3 }, (_, i) => textRow(`later-${i}`, group!)),
    );
    await dispatcher().drain();

    const at = arrivals(h.tg, group!);
    expect(at).toHaveLength(23);
    // the window counts the burst where it really was (an hour "later" by the old clock): the
    // 21st goes once the first is a minute old, which is well within a minute of the jump
    const firstOfBurst = at[0]! - HOUR;
    expect(at[20]! - firstOfBurst).toBeGreaterThanOrEqual(MINUTE);
    expect(at[20]! - firstOfBurst).toBeLessThanOrEqual(MINUTE + 1000);
    expect(at[20]! - jumpedAt).toBeLessThanOrEqual(MINUTE);
  });

  it('keeps a 429 hold given just before the jump for its own length, not its length plus the jump', async () => {
    const [alice] = privateChats(h.tg, 1);
    const api = new Api(TOKEN, { apiRoot: h.tg.apiRoot });
    api.config.use(pacedDirectSends({ db: h.db, clock: h.time.clock, sleep: h.time.sleep, logger: silentLogger }));
    h.tg.failNext({ chatId: alice!, error: { code: 429, retryAfter: 30 } });
    await expect(api.sendMessage(alice!, 'too fast')).rejects.toThrow(/429/);

    goBack(HOUR);
    const jumpedAt = h.time.clock.now().getTime();
    await plan(h.db, h.time.clock, [textRow('held', alice!)]);
    await dispatcher().drain();

    const sentAt = arrivals(h.tg, alice!)[0]! - jumpedAt;
    expect(sentAt).toBeGreaterThanOrEqual(30_000);
    expect(sentAt).toBeLessThanOrEqual(31_000);
  });

  it("answers a handler's direct reply without waiting out the jump", async () => {
    const [alice] = privateChats(h.tg, 1);
    const api = new Api(TOKEN, { apiRoot: h.tg.apiRoot });
    api.config.use(pacedDirectSends({ db: h.db, clock: h.time.clock, sleep: h.time.sleep, logger: silentLogger, maxWaitMs: 2 * HOUR }));
    await api.sendMessage(alice!, 'before');

    goBack(HOUR);
    const jumpedAt = h.time.clock.now().getTime();
    await api.sendMessage(alice!, 'after');

    expect(arrivals(h.tg, alice!).at(-1)! - jumpedAt).toBeLessThanOrEqual(1000);
  });

  it('takes over a dead dispatcher’s row one lease after the jump, not a lease plus the jump', async () => {
    const [alice] = privateChats(h.tg, 1);
    await plan(h.db, h.time.clock, [textRow('orphan', alice!)]);
    const claimed = await createOutboxDispatchRepository({ db: h.db }).claim({ now: h.time.clock.now(), limit: 10, leaseMs: LEASE, owner: 'died' });
    expect(claimed).toHaveLength(1);

    goBack(HOUR);
    const jumpedAt = h.time.clock.now().getTime();
    await dispatcher('survivor').drain();

    expect(textsIn(h.tg, alice!)).toEqual(['orphan']);
    const sentAt = arrivals(h.tg, alice!)[0]! - jumpedAt;
    expect(sentAt).toBeGreaterThanOrEqual(LEASE);
    expect(sentAt).toBeLessThanOrEqual(LEASE + 1000);
    expect((await allRows(h.db))[0]).toMatchObject({ status: 'sent', claimedBy: 'survivor' });
  });

  it('still honours a 429 hold and a pacing gap when the clock only moves forward', async () => {
    const [alice] = privateChats(h.tg, 1);
    h.tg.failNext({ chatId: alice!, error: { code: 429, retryAfter: 7 } });
    const refusedAt = h.time.clock.now().getTime();
    await plan(h.db, h.time.clock, [textRow('held', alice!)]);
    await dispatcher().drain();
    expect(arrivals(h.tg, alice!)[0]! - refusedAt).toBeGreaterThanOrEqual(7000);
  });
});
