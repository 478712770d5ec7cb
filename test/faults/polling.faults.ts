import { it } from 'vitest';
import type { User } from 'grammy/types';
import type { FakeTelegram } from '@duban/fake-telegram';
import { createOutboxRepository } from '../../src/outbox/outbox.repository.js';
import { systemClock } from '../../src/shared/clock.js';
import { createPgTestDatabase } from '../helpers/db.js';
import { LEVEL, report, Scope, until, type BotProcess, type Gateway } from './harness.js';

/** The bot's answer to /start in a private chat. */
const answered = (tg: FakeTelegram, user: User) => tg.sentMessages(user.id).filter((m) => m.text?.includes('督办')).length;

/** Two pollers on one token, and the Bot API out of reach. */
export function pollingFaults(): void {
  async function setUp(scope: Scope, token: string) {
    const tg = await scope.telegram(token);
    const database = await createPgTestDatabase();
    scope.defer(() => database.drop());
    const gateway = (options: { listening?: boolean } = {}) => scope.gateway(tg, options);
    const start = (g: Gateway) => scope.processes.start({ BOT_TOKEN: token, BOT_API_ROOT: g.apiRoot, DATABASE_URL: database.url! });
    const users = (count: number, name: string) => Array.from({ length: count }, (_, i) => tg.createUser({ firstName: `${name}${i + 1}` }));
    return { tg, database, gateway, start, users };
  }

  it('a second process polling the same token: neither exits, exactly one polls, every update is handled once', async ({ onTestFinished, expect }) => {
    const { tg, gateway, start, users } = await setUp(new Scope(onTestFinished), '7100000023:FAULTS-two-pollers');
    const [viaA, viaB] = [await gateway(), await gateway()];
    const a = start(viaA);
    await a.ready();
    await until(() => viaA.callsTo('getUpdates').length > 0, 'the first process to poll');
    const b = start(viaB);
    await b.ready();
    // Telegram ends the first one's waiting poll with 409 Conflict: it says so once and stays up.
    const conflict = await a.waitForLine(/another instance is polling/, 10_000);
    const conflictAt = viaA.callsTo('getUpdates').find((c) => c.status === 409)!.answeredAt!;

    const people = users(20, '用户');
    for (const user of people) tg.sendText({ from: user, chat: 'private', text: '/start' });
    await until(() => people.every((user) => answered(tg, user) > 0), 'every /start to be answered', 20_000);
    // Telegram forgets updates only when the poller confirms them (the offset of its next poll).
    const lastUpdateId = Math.max(
      ...tg.calls
        .filter((c) => c.method === 'getUpdates' && c.response?.ok)
        .flatMap((c) => (c.response as { result: { update_id: number }[] }).result.map((u) => u.update_id)),
    );
    const confirmed = () => [viaA, viaB].some((g) => g.callsTo('getUpdates').some((c) => Number(c.params.offset) > lastUpdateId));
    await until(confirmed, 'the updates to be confirmed', 10_000);
    const windowEnd = Date.now() + 1;

    const pollsAfterConflict = (g: Gateway) => g.callsTo('getUpdates').filter((c) => c.receivedAt > conflictAt && c.receivedAt < windowEnd);
    const handledBy = (g: Gateway) => g.callsTo('getUpdates').reduce((sum, c) => sum + (c.updates ?? 0), 0);
    report('a second poller on the same token', {
      updates: people.length,
      answers: people.map((user) => answered(tg, user)).reduce((a, b) => a + b, 0),
      conflictLinesFirst: a.linesMatching(/another instance is polling/).length,
      conflictLinesSecond: b.linesMatching(/another instance is polling/).length,
      pollsAfterConflict: { first: pollsAfterConflict(viaA).length, second: pollsAfterConflict(viaB).length },
      updatesFetched: { first: handledBy(viaA), second: handledBy(viaB) },
      firstRetryInSeconds: conflict.retryInSeconds,
    });
    expect(conflict.level).toBe(LEVEL.warn);
    expect(a.linesMatching(/another instance is polling/)).toHaveLength(1);
    // Exactly one polls: after the conflict the first waits (15 s and more) while the second polls.
    expect(pollsAfterConflict(viaA)).toHaveLength(0);
    expect(pollsAfterConflict(viaB).length).toBeGreaterThan(0);
    expect(handledBy(viaB)).toBe(people.length);
    // Every update handled once: one answer each.
    for (const user of people) expect(answered(tg, user)).toBe(1);
    // Neither exited; both stop cleanly.
    expect([a.alive, b.alive]).toEqual([true, true]);
    expect(await a.stop()).toMatchObject({ code: 0 });
    expect(await b.stop()).toMatchObject({ code: 0 });
  }, 90_000);

  // main.ts asks getMe itself through callUntilAnswered: grammY's bot.init() retries getMe on its
  // own, silently and with a doubling wait (up to 20 minutes), which this test caught.
  it('the Bot API unreachable at start-up: logged once, answers within ~5 s of it coming back', async ({ onTestFinished, expect }) => {
    const { tg, gateway, start, users } = await setUp(new Scope(onTestFinished), '7100000024:FAULTS-startup-outage');
    const via = await gateway({ listening: false });
    const [early] = users(1, '等待者');
    const bot = start(via);
    const firstLine = await bot.waitForLine(/Bot API unreachable/, 30_000);
    expect(firstLine.level).toBe(LEVEL.warn);
    tg.sendText({ from: early!, chat: 'private', text: '/start' });
    await outage(6_000);
    const figures = await recover(
      via,
      () => via.up(),
      () => answered(tg, early!) > 0,
      bot,
    );
    report('the Bot API out of reach at start-up', { outageSeconds: 6, ...figures });
    expect(figures.unreachableLines).toBe(1);
    expect(figures.recoveredLines).toBe(1);
    expect(figures.answerSecondsAfterBack).toBeLessThan(6.5);
    expect(figures.warnOrWorseLines).toBeLessThanOrEqual(3);
    expect(await bot.stop()).toMatchObject({ code: 0 });
  }, 60_000);

  // main.ts installs its SIGTERM/SIGINT handlers before it starts: a stop during start-up (a
  // supervisor restarting an instance, a deploy) ends the process cleanly with code 0 (before,
  // the signal itself ended it).
  it('SIGTERM during start-up: a clean stop with exit code 0', async ({ onTestFinished, expect }) => {
    const { gateway, start } = await setUp(new Scope(onTestFinished), '7100000026:FAULTS-startup-term');
    const bot = start(await gateway());
    await bot.waitForLine(/^database ready/, 60_000);
    bot.kill('SIGTERM');
    const exit = await bot.exited;
    report('SIGTERM during start-up', { exit, lastLines: bot.lines.slice(-3).map((l) => l.msg) });
    expect(exit).toMatchObject({ code: 0, signal: null });
  }, 90_000);

  it('the Bot API unreachable while running (refused, then 502): answers and sends resume within ~5 s of it coming back, one log line per outage', async ({
    onTestFinished,
    expect,
  }) => {
    const { tg, database, gateway, start, users } = await setUp(new Scope(onTestFinished), '7100000025:FAULTS-running-outage');
    const via = await gateway();
    const group = tg.createGroup({ title: '住建局工作群' });
    const [first, during, during502] = users(3, '等待者');
    const bot = start(via);
    await bot.ready();
    tg.sendText({ from: first!, chat: 'private', text: '/start' });
    await until(() => answered(tg, first!) > 0, 'the first answer');

    // Cut while running (connection refused, open connections dropped), with an answer and an
    // outbox message waiting; then Telegram's front end answering 502 Bad Gateway for a while.
    // The 502 outage is long enough (16 s) that an uncapped doubling backoff would answer 15 s
    // after it ends (tries at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s); capped at 5 s, within 2 s.
    const refused = await cut(bot, via, () => via.down(), during!, group.id, 'outbox:during-refuse', 6_000);
    const bad = await cut(bot, via, () => via.badGateway(), during502!, group.id, 'outbox:during-502', 16_000);

    report('the Bot API out of reach while running', {
      refused: { outageSeconds: 6, ...refused },
      badGateway: { outageSeconds: 16, ...bad },
    });
    for (const figures of [refused, bad]) {
      expect(figures.unreachableLines).toBe(1);
      // (The dispatcher says it once if one of its tries fell in the outage.)
      expect(figures.dispatcherUnreachableLines).toBeLessThanOrEqual(1);
      expect(figures.recoveredLines).toBe(1);
      // Backoff capped at 5 s: the answer comes within 5 s (+ handling) of the API coming back.
      expect(figures.answerSecondsAfterBack).toBeLessThan(6.5);
      expect(figures.sendSecondsAfterBack).toBeLessThan(6.5);
      // No line per try: a handful of lines for the whole outage.
      expect(figures.warnOrWorseLines).toBeLessThanOrEqual(3);
    }
    expect(await bot.stop()).toMatchObject({ code: 0 });

    async function cut(bot: BotProcess, via: Gateway, takeDown: () => Promise<void>, user: User, chatId: number, key: string, ms: number) {
      const from = bot.lines.length;
      await takeDown();
      tg.sendText({ from: user, chat: 'private', text: '/start' });
      await createOutboxRepository({ db: database.db, clock: systemClock }).enqueue([{ key, chatId, payload: { text: key }, purpose: 'notice' }]);
      await outage(ms);
      const sent = () => tg.callsTo('sendMessage').some((c) => c.status === 200 && c.params.text === key);
      const figures = await recover(
        via,
        () => via.up(),
        () => answered(tg, user) > 0,
        bot,
        from,
      );
      await until(sent, `the outbox message ${key} to be sent`, 10_000);
      const sentAt = tg
        .callsTo('sendMessage')
        .find((c) => c.status === 200 && c.params.text === key)!
        .at.getTime();
      return { ...figures, sendSecondsAfterBack: (sentAt - figures.backAt) / 1000 };
    }
  }, 90_000);
}

/** The fault itself lasts this long: a deliberate wait, not a wait for an event. */
const outage = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Brings the Bot API back and measures how soon `answered` holds; counts the outage's log lines. */
async function recover(_via: Gateway, bringBack: () => Promise<void>, answered: () => boolean, bot: BotProcess, from = 0) {
  await bringBack();
  const backAt = Date.now();
  await until(answered, 'the answer after the outage', 20_000);
  const answerSecondsAfterBack = (Date.now() - backAt) / 1000;
  await bot.waitForLine(/Bot API answers again/, 10_000, from);
  const lines = bot.lines.slice(from);
  return {
    backAt,
    answerSecondsAfterBack,
    // One line when the outage starts, from each part that talks to Telegram: polling (or getMe
    // at start-up) and the outbox dispatcher, if it had something to send.
    unreachableLines: lines.filter((l) => /Bot API unreachable/.test(l.msg) && l.component !== 'dispatcher').length,
    dispatcherUnreachableLines: lines.filter((l) => /Bot API unreachable/.test(l.msg) && l.component === 'dispatcher').length,
    recoveredLines: lines.filter((l) => /Bot API answers again/.test(l.msg)).length,
    warnOrWorseLines: lines.filter((l) => l.level >= LEVEL.warn).length,
    warnings: lines.filter((l) => l.level >= LEVEL.warn).map((l) => `${String(l.component ?? l.what ?? '')}: ${l.msg}`),
  };
}
