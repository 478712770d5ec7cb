import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FakeTelegram } from '../../src/fake-telegram/index.js';
import { createOutboxRepository } from '../../src/outbox/outbox.repository.js';
import { systemClock } from '../../src/shared/clock.js';
import { createPgTestDatabase, describePg, type TestDatabase } from '../helpers/db.js';
import { fakeTelegram, gatewayTo, Processes, report, until, type Gateway } from './harness.js';

const TOKEN = '7100000021:FAULTS-sends-token';
const GROUPS = 150;
/** Telegram's answer to a send reaches the bot this long after the message was delivered. */
const ANSWER_DELAY_MS = 400;
/** The dispatcher's lease (src/outbox/dispatcher.ts DEFAULT_LIMITS.leaseMs): rows a dead process claimed wait this long. */
const LEASE_MS = 15_000;

/**
 * Real processes during a send burst: a digest-like fan-out, one message to each of 150 groups,
 * sent by the bot's outbox dispatcher; Telegram's answers are held back 400 ms so that a number
 * of sends are on the wire (delivered, not yet confirmed) at any moment.
 */
describePg('faults: the bot process killed during a burst of sends', () => {
  let tg: FakeTelegram;
  let gateway: Gateway;
  let database: TestDatabase;
  const processes = new Processes();
  let groups: number[];

  beforeEach(async () => {
    tg = await fakeTelegram(TOKEN);
    gateway = await gatewayTo(tg);
    gateway.delayAnswers((method) => (method === 'sendMessage' ? ANSWER_DELAY_MS : 0));
    database = await createPgTestDatabase();
    groups = Array.from({ length: GROUPS }, (_, i) => tg.createGroup({ title: `单位群 ${i + 1}` }).id);
  });
  afterEach(async () => {
    await processes.killAll();
    await gateway.close();
    await tg.stop();
    await database.drop();
  });

  const env = () => ({ BOT_TOKEN: TOKEN, BOT_API_ROOT: gateway.apiRoot, DATABASE_URL: database.url! });
  const fanOut = () =>
    createOutboxRepository({ db: database.db, clock: systemClock }).enqueue(
      groups.map((chatId, i) => ({ key: `digest:${i}`, chatId, payload: { text: `日报 ${i}` }, purpose: 'digest' })),
    );
  /** How many times Telegram delivered each message of the fan-out. */
  const deliveries = () => {
    const count = new Map<string, number>();
    for (const call of tg.callsTo('sendMessage')) {
      if (call.status !== 200) continue;
      const text = String(call.params.text);
      count.set(text, (count.get(text) ?? 0) + 1);
    }
    return { distinct: count.size, twice: [...count.values()].filter((n) => n > 1).length, total: [...count.values()].reduce((a, b) => a + b, 0) };
  };
  const delivered = () => tg.callsTo('sendMessage').filter((c) => c.status === 200).length;

  it('kill -9 with sends on the wire: after a restart none is lost, at most the ones in transit are sent twice, within seconds', async () => {
    const first = processes.start(env());
    await first.ready();
    await fanOut();
    await until(() => delivered() >= 40, '40 messages of the fan-out to be delivered', 30_000);
    const inTransitAtKill = gateway.callsTo('sendMessage').filter((c) => c.answeredAt === null).length;
    const killedAt = Date.now();
    first.kill('SIGKILL');
    await first.exited;
    // Delivered by Telegram, never confirmed to the bot: these are the ones that may go twice.
    const unconfirmed = gateway.unanswered('sendMessage').length;
    const deliveredAtKill = deliveries().distinct;

    const second = processes.start(env());
    await second.ready();
    const restartedAt = Date.now();
    await until(() => deliveries().distinct === GROUPS, `all ${GROUPS} messages to be delivered`, LEASE_MS + 20_000);
    const finishedAt = Date.now();
    const { twice } = deliveries();

    report('kill -9 during a send burst', {
      messages: GROUPS,
      deliveredBeforeKill: deliveredAtKill,
      inTransitAtKill,
      deliveredButUnconfirmed: unconfirmed,
      lost: GROUPS - deliveries().distinct,
      sentTwice: twice,
      secondsFromKillToLast: (finishedAt - killedAt) / 1000,
      secondsFromRestartToLast: (finishedAt - restartedAt) / 1000,
    });
    expect(inTransitAtKill).toBeGreaterThan(0);
    expect(deliveries().distinct).toBe(GROUPS);
    expect(twice).toBeLessThanOrEqual(unconfirmed);
    expect(twice).toBeLessThanOrEqual(inTransitAtKill);
    // The dead process's claimed rows come back after its lease (15 s), not a minute.
    expect(finishedAt - restartedAt).toBeLessThan(LEASE_MS + 10_000);
    expect(await second.stop()).toMatchObject({ code: 0 });
  }, 90_000);

  it('SIGTERM during a send burst: exits 0 after finishing the sends on the wire; nothing lost or sent twice after a restart', async () => {
    const first = processes.start(env());
    await first.ready();
    await fanOut();
    await until(() => delivered() >= 40, '40 messages of the fan-out to be delivered', 30_000);
    const inTransitAtStop = gateway.callsTo('sendMessage').filter((c) => c.answeredAt === null).length;
    const stoppedAt = Date.now();
    const exit = await first.stop();
    const secondsToExit = (Date.now() - stoppedAt) / 1000;
    const unconfirmed = gateway.unanswered('sendMessage').length;
    const deliveredAtStop = deliveries().distinct;

    const second = processes.start(env());
    await second.ready();
    const restartedAt = Date.now();
    await until(() => deliveries().distinct === GROUPS, `all ${GROUPS} messages to be delivered`, 30_000);
    const finishedAt = Date.now();
    const { twice } = deliveries();

    report('SIGTERM during a send burst', {
      messages: GROUPS,
      exitCode: exit.code,
      secondsToExit,
      deliveredBeforeStop: deliveredAtStop,
      inTransitAtStop,
      deliveredButUnconfirmed: unconfirmed,
      lost: GROUPS - deliveries().distinct,
      sentTwice: twice,
      secondsFromRestartToLast: (finishedAt - restartedAt) / 1000,
    });
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(inTransitAtStop).toBeGreaterThan(0);
    // The sends on the wire were finished and recorded before the process exited.
    expect(unconfirmed).toBe(0);
    expect(deliveries().distinct).toBe(GROUPS);
    expect(twice).toBe(0);
    // The rows waiting for their slot were given back at once, not left to a lease.
    expect(finishedAt - restartedAt).toBeLessThan(LEASE_MS);
    expect(await second.stop()).toMatchObject({ code: 0 });
  }, 90_000);
});

