import { sql } from 'drizzle-orm';
import { it } from 'vitest';
import { createOutboxRepository } from '../../src/outbox/outbox.repository.js';
import { systemClock } from '../../src/shared/clock.js';
import { createPgTestDatabase } from '../helpers/db.js';
import { report, Scope, until } from './harness.js';

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
export function sendFaults(): void {
  async function setUp(scope: Scope, token: string) {
    const tg = await scope.telegram(token);
    const gateway = await scope.gateway(tg);
    gateway.delayAnswers((method) => (method === 'sendMessage' ? ANSWER_DELAY_MS : 0));
    const database = await createPgTestDatabase();
    scope.defer(() => database.drop());
    const groups = Array.from({ length: GROUPS }, (_, i) => tg.createGroup({ title: `单位群 ${i + 1}` }).id);
    const env = { BOT_TOKEN: token, BOT_API_ROOT: gateway.apiRoot, DATABASE_URL: database.url! };
    const fanOut = () =>
      createOutboxRepository({ db: database.db, clock: systemClock }).enqueue(
        groups.map((chatId, i) => ({ key: `digest:${i}`, chatId, payload: { text: `日报 ${i}` }, purpose: 'digest' })),
      );
    /** How many of the fan-out's messages Telegram delivered, and how many of them more than once. */
    const deliveries = () => {
      const count = new Map<string, number>();
      for (const call of tg.callsTo('sendMessage')) {
        if (call.status !== 200) continue;
        const text = String(call.params.text);
        count.set(text, (count.get(text) ?? 0) + 1);
      }
      return { distinct: count.size, twice: [...count.values()].filter((n) => n > 1).length, total: [...count.values()].reduce((a, b) => a + b, 0) };
    };
    /**
     * Messages Telegram delivered whose outbox row is not recorded as sent: in transit when the
     * process died (sent, but its answer not yet received or not yet written down). Only these
     * may be sent again.
     */
    const inTransit = async () => {
      const rows = await database.db.execute<{ key: string; status: string }>(sql`select key, status from outbox where key like 'digest:%'`);
      const delivered = new Set(
        tg
          .callsTo('sendMessage')
          .filter((c) => c.status === 200)
          .map((c) => String(c.params.text)),
      );
      return (rows as unknown as { key: string; status: string }[]).filter((r) => r.status !== 'sent' && delivered.has(`日报 ${r.key.slice('digest:'.length)}`))
        .length;
    };
    const start = () => scope.processes.start(env);
    /** Sends whose answer the bot has not heard (yet): on the wire. */
    const onTheWire = () => gateway.callsTo('sendMessage').filter((c) => c.answeredAt === null).length;
    return { gateway, fanOut, deliveries, start, onTheWire, inTransit };
  }

  it('kill -9 with sends on the wire: after a restart none is lost, at most the ones in transit are sent twice, within seconds', async ({
    onTestFinished,
    expect,
  }) => {
    const scope = new Scope(onTestFinished);
    const { gateway, fanOut, deliveries, start, onTheWire, inTransit } = await setUp(scope, '7100000021:FAULTS-sends-kill');
    const first = start();
    await first.ready();
    await fanOut();
    await until(() => deliveries().total >= 40, '40 messages of the fan-out to be delivered', 30_000);
    const onTheWireAtKill = onTheWire();
    const killedAt = Date.now();
    first.kill('SIGKILL');
    await first.exited;
    // What the bot had written before it died still reaches Telegram (and is delivered) a moment later.
    await gateway.settled();
    // Delivered by Telegram, not recorded as sent: these are the ones that may go twice.
    const inTransitAtKill = await inTransit();
    const answerNeverHeard = gateway.unanswered('sendMessage').length;
    const deliveredAtKill = deliveries().distinct;

    const second = start();
    await second.ready();
    const restartedAt = Date.now();
    await until(() => deliveries().distinct === GROUPS, `all ${GROUPS} messages to be delivered`, LEASE_MS + 20_000);
    const finishedAt = Date.now();
    const { twice, distinct } = deliveries();

    report('kill -9 during a send burst', {
      messages: GROUPS,
      deliveredBeforeKill: deliveredAtKill,
      inTransitAtKill,
      requestsOnTheWireAtKill: onTheWireAtKill,
      answersNeverHeard: answerNeverHeard,
      lost: GROUPS - distinct,
      sentTwice: twice,
      secondsFromKillToLast: (finishedAt - killedAt) / 1000,
      secondsFromRestartToLast: (finishedAt - restartedAt) / 1000,
    });
    expect(inTransitAtKill).toBeGreaterThan(0);
    expect(distinct).toBe(GROUPS);
    expect(twice).toBeLessThanOrEqual(inTransitAtKill);
    // The dead process's claimed rows come back after its lease (15 s), not a minute.
    expect(finishedAt - restartedAt).toBeLessThan(LEASE_MS + 10_000);
    expect(await second.stop()).toMatchObject({ code: 0 });
  }, 90_000);

  it('SIGTERM during a send burst: exits 0 after finishing the sends on the wire; nothing lost or sent twice after a restart', async ({
    onTestFinished,
    expect,
  }) => {
    const scope = new Scope(onTestFinished);
    const { gateway, fanOut, deliveries, start, onTheWire } = await setUp(scope, '7100000022:FAULTS-sends-term');
    const first = start();
    await first.ready();
    await fanOut();
    await until(() => deliveries().total >= 40, '40 messages of the fan-out to be delivered', 30_000);
    const inTransitAtStop = onTheWire();
    const stoppedAt = Date.now();
    const exit = await first.stop();
    const secondsToExit = (Date.now() - stoppedAt) / 1000;
    const unconfirmed = gateway.unanswered('sendMessage').length;
    const deliveredAtStop = deliveries().distinct;

    const second = start();
    await second.ready();
    const restartedAt = Date.now();
    await until(() => deliveries().distinct === GROUPS, `all ${GROUPS} messages to be delivered`, 30_000);
    const finishedAt = Date.now();
    const { twice, distinct } = deliveries();

    report('SIGTERM during a send burst', {
      messages: GROUPS,
      exitCode: exit.code,
      secondsToExit,
      deliveredBeforeStop: deliveredAtStop,
      inTransitAtStop,
      deliveredButUnconfirmed: unconfirmed,
      lost: GROUPS - distinct,
      sentTwice: twice,
      secondsFromRestartToLast: (finishedAt - restartedAt) / 1000,
    });
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(inTransitAtStop).toBeGreaterThan(0);
    // The sends on the wire were finished and recorded before the process exited.
    expect(unconfirmed).toBe(0);
    expect(distinct).toBe(GROUPS);
    expect(twice).toBe(0);
    // The rows waiting for their slot were given back at once, not left to a lease.
    expect(finishedAt - restartedAt).toBeLessThan(LEASE_MS);
    expect(await second.stop()).toMatchObject({ code: 0 });
  }, 90_000);
}
