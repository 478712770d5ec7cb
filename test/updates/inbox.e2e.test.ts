import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Update } from 'grammy/types';
import { createBot } from '../../src/bot/index.js';
import type { Db } from '../../src/db/client.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { silentLogger } from '../../src/logger.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createUpdateInbox, UPDATE_LEASE_MS } from '../../src/updates/inbox.js';
import { rowsOf } from '../../src/db/rows.js';
import { BOT_TOKEN, buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

/**
 * A clock for the leases of a test's own inboxes, far ahead of the system's: the harness's own
 * inbox looks for pending updates every 2 s on the system clock, and would otherwise take a test's
 * update between two of its steps (applied by the other bot, the test's retry then answering
 * "applied before").
 */
const leaseClockAt = (time: string) => createManualClock(`2099-03-02T${time}:00+08:00`);

type InboxRow = { update_id: string | number; applied_at: unknown; handled_at: unknown; lease_until: unknown; payload: string | null; attempts: number };

for (const kind of storageKinds()) {
  describe(`the inbox of updates: none lost, none applied twice (${kind})`, () => {
    let h: Harness;
    let org: Org;

    const progressCount = async () =>
      rowsOf<{ n: number }>(await h.database.db.execute(sql`select count(*)::int as n from item_events where type = 'progress_reported'`))[0]!.n;
    const row = async (updateId: number): Promise<InboxRow | undefined> =>
      rowsOf<InboxRow>(await h.database.db.execute(sql`select * from processed_updates where update_id = ${updateId}`))[0];
    /** The next update the fake hands out, as it is sent. */
    const nextUpdate = () =>
      new Promise<Update>((resolve) => {
        const off = h.tg.on('update', (u: Update) => {
          off();
          resolve(u);
        });
      });

    beforeAll(async () => {
      h = await startHarness({ kind, clock: '2026-03-02T09:00:00+08:00' });
      org = await seedOrg(h);
      await h.say(org.leader, org.leadersGroup, '/assign 请市住建局牵头，于3月20日前报送燃气管道排查方案。');
      const draft = h.lastBotMessage(org.leadersGroup);
      await h.press(org.leader, org.leadersGroup, draft.message_id, buttonsOf(draft).find((b) => b.text.includes('确认交办'))!);
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('marks a command applied with its effects and handled when answered, and drops its payload', async () => {
      const sent = nextUpdate();
      await h.say(org.housingStaff, org.housingGroup, '/progress 2026-1 已完成摸底');
      const update = await sent;
      expect(h.lastBotMessage(org.housingGroup).text).toContain('进展已记录');
      const stored = await row(update.update_id);
      expect(stored?.applied_at).not.toBeNull();
      expect(stored?.handled_at).not.toBeNull();
      expect(stored?.payload).toBeNull();
    });

    it('records a refused command as handled, with nothing applied', async () => {
      const sent = nextUpdate();
      await h.say(org.stranger, org.housingGroup, '/progress 2026-1 我来说两句');
      const update = await sent;
      expect(h.lastBotMessage(org.housingGroup).text).not.toContain('进展已记录');
      const stored = await row(update.update_id);
      expect(stored?.applied_at).toBeNull();
      expect(stored?.handled_at).not.toBeNull();
    });

    it('does not apply a command twice when the run that applied it died before answering, and tells the sender', async () => {
      const sent = nextUpdate();
      await h.say(org.housingStaff, org.housingGroup, '/progress 2026-1 完成一半');
      const update = await sent;
      const before = await progressCount();
      // The state a kill -9 leaves between the commit and the answer: applied, not handled, lease run out.
      await h.database.db.execute(
        sql`update processed_updates set handled_at = null, lease_until = now() - interval '1 minute', payload = ${JSON.stringify(update)} where update_id = ${update.update_id}`,
      );
      h.tg.redeliver(update);
      await h.settle(update.update_id);
      expect(await progressCount()).toBe(before);
      expect(h.lastBotMessage(org.housingGroup).text).toContain('已经生效');
      expect((await row(update.update_id))?.handled_at).not.toBeNull();
    });

    it('keeps an update whose handler met an unavailable database, and applies it once when the database is back', async () => {
      // A second bot on the same database whose transactions fail as a dropped connection does.
      let down = true;
      const raw = h.database.db;
      const flaky = new Proxy(raw, {
        get(target, property) {
          if (property === 'transaction' && down)
            return () => Promise.reject(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }));
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }) as Db;
      const leaseClock = leaseClockAt('10:00');
      const inbox = createUpdateInbox({ db: raw, logger: silentLogger, clock: leaseClock });
      const bot = createBot(
        BOT_TOKEN,
        { db: flaky, clock: h.clock, config: h.config, logger: silentLogger, translator: createTranslator() },
        {
          apiRoot: h.tg.apiRoot,
          inbox,
          pacing: { limits: { privateGapMs: 0, groupGapMs: 0, groupWindowMax: 0 } },
        },
      );
      await bot.init();
      // The shape of a real update, taken from the fake, with an id of its own.
      const sent = nextUpdate();
      await h.say(org.housingStaff, org.housingGroup, '/whoami');
      const template = await sent;
      const update = {
        ...template,
        update_id: 9_000_001,
        message: { ...template.message!, text: '/progress 2026-1 管道已全部排查', entities: [{ type: 'bot_command', offset: 0, length: 9 }] },
      } as Update;
      const before = await progressCount();
      const messagesBefore = h.botMessages(org.housingGroup).length;

      const [taken] = await inbox.receive([update]);
      await bot.handleUpdate(taken!);
      expect(await progressCount()).toBe(before);
      // No "internal error": the person hears when it is done.
      expect(h.botMessages(org.housingGroup).length).toBe(messagesBefore);
      expect((await row(update.update_id))?.handled_at).toBeNull();
      expect(inbox.inFlight()).toBe(0);

      // Still down at the next look: kept again.
      const handle = (u: Update) => bot.handleUpdate(u);
      leaseClock.advanceBy(1_000);
      expect(await inbox.recover(handle)).toBe(1);
      expect(await progressCount()).toBe(before);

      down = false;
      leaseClock.advanceBy(1_000);
      expect(await inbox.recover(handle)).toBe(1);
      expect(await progressCount()).toBe(before + 1);
      expect(h.lastBotMessage(org.housingGroup).text).toContain('进展已记录');
      const stored = await row(update.update_id);
      expect(stored?.handled_at).not.toBeNull();
      expect(stored?.attempts).toBe(3);
      // Nothing left to take.
      leaseClock.advanceBy(UPDATE_LEASE_MS * 2);
      expect(await inbox.recover(handle)).toBe(0);
      expect(await progressCount()).toBe(before + 1);
    });

    it('takes over an update whose instance died while handling it once the lease runs out, not before', async () => {
      const leaseClock = leaseClockAt('11:00');
      const dead = createUpdateInbox({ db: h.database.db, logger: silentLogger, clock: leaseClock });
      const alive = createUpdateInbox({ db: h.database.db, logger: silentLogger, clock: leaseClock });
      const update = {
        update_id: 9_000_002,
        message: { message_id: 1, date: 0, chat: { id: 5, type: 'private', first_name: 'x' }, text: 'hi\u0000 \ud800' },
      } as Update;
      expect(await dead.receive([update])).toHaveLength(1);
      const seen: Update[] = [];
      const handle = async (u: Update) => {
        seen.push(u);
        await alive.finish(u, 'handled');
      };
      leaseClock.advanceBy(UPDATE_LEASE_MS - 1_000);
      expect(await alive.recover(handle)).toBe(0);
      // Telegram's redelivery meanwhile is not taken either: the lease holds.
      expect(await alive.receive([update])).toHaveLength(0);
      leaseClock.advanceBy(2_000);
      expect(await alive.recover(handle)).toBe(1);
      // The text came back exactly as Telegram sent it (NUL and a lone surrogate included).
      expect(seen.map((u) => u.message?.text)).toEqual(['hi\u0000 \ud800']);
      expect(await alive.receive([update])).toHaveLength(0);
    });

    it('gives up an update that keeps failing after the set number of tries', async () => {
      const leaseClock = leaseClockAt('12:00');
      const inbox = createUpdateInbox({ db: h.database.db, logger: silentLogger, clock: leaseClock, maxAttempts: 3 });
      const update = { update_id: 9_000_003, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private', first_name: 'x' }, text: 'hi' } } as Update;
      await inbox.receive([update]);
      let runs = 0;
      const failing = async (u: Update) => {
        runs++;
        await inbox.finish(u, 'deferred');
      };
      await inbox.finish(update, 'deferred');
      for (let i = 0; i < 5; i++) {
        leaseClock.advanceBy(1_000);
        await inbox.recover(failing);
      }
      expect(runs).toBe(2);
      expect((await row(update.update_id))?.handled_at).not.toBeNull();
    });

    it('releases the updates still in flight at shutdown, so the next instance takes them at once', async () => {
      const leaseClock = leaseClockAt('13:00');
      const stopping = createUpdateInbox({ db: h.database.db, logger: silentLogger, clock: leaseClock });
      const next = createUpdateInbox({ db: h.database.db, logger: silentLogger, clock: leaseClock });
      const update = { update_id: 9_000_004, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private', first_name: 'x' }, text: 'hi' } } as Update;
      await stopping.receive([update]);
      await stopping.stop();
      leaseClock.advanceBy(1);
      const seen: number[] = [];
      expect(
        await next.recover(async (u) => {
          seen.push(u.update_id);
          await next.finish(u, 'handled');
        }),
      ).toBe(1);
      expect(seen).toEqual([9_000_004]);
    });
  });
}
