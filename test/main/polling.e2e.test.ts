import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Chat, User } from 'grammy/types';
import { createConfig } from '../../src/config.js';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import { startApp, type App } from '../../src/app.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { createOutboxRepository } from '../../src/outbox/outbox.repository.js';
import { systemClock } from '../../src/shared/clock.js';
import { createPgTestDatabase, describePg, type TestDatabase } from '../helpers/db.js';

const TOKEN = '7100000002:POLL-test-token';

type LogLine = { level: number; msg: string; [key: string]: unknown };

/** A pino logger whose lines the test can read. */
function capturedLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describePg('a second poller, or a 409 Conflict, does not end the instance', () => {
  let tg: FakeTelegram;
  let database: TestDatabase;
  let admin: User;
  let group: Chat;
  const apps: App[] = [];

  beforeEach(async () => {
    tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_poll_bot' });
    admin = tg.createUser({ firstName: 'Admin' });
    group = tg.createGroup({ title: '领导群', members: [admin] });
    database = await createPgTestDatabase();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
    await tg.stop();
    await database.drop();
  });

  const start = async (env: Record<string, string> = {}) => {
    const config = createConfig({ env: { BOT_TOKEN: TOKEN, BOT_API_ROOT: tg.apiRoot, ADMIN_IDS: String(admin.id), DATABASE_URL: database.url!, ...env } });
    const { logger, lines } = capturedLogger();
    const metrics = createMetrics();
    const app = await startApp(config, {
      logger,
      metrics,
      schedulerTrigger: { start() {}, stop() {} } /* never ticks: not a scheduler test */,
      polling: { timeoutSeconds: 1, firstRetryMs: 200, maxRetryMs: 400 },
    });
    apps.push(app);
    return { app, lines, metrics };
  };
  const plan = (key: string, text: string) =>
    createOutboxRepository({ db: database.db, clock: systemClock }).enqueue([{ key, chatId: group.id, payload: { text }, purpose: 'notice' }]);
  const sentText = (text: string) => tg.sentMessages(group.id).some((m) => m.text === text);

  it('when getUpdates answers 409, it logs why in one line, keeps sending the outbox, and polls again later', async () => {
    tg.failNext({ method: 'getUpdates', times: 3, error: { code: 409 } });
    const { app, lines, metrics } = await start();
    await until(() => lines.some((l) => /another instance is polling/.test(l.msg)), 'the conflict to be logged');
    const conflict = lines.find((l) => /another instance is polling/.test(l.msg))!;
    expect(conflict).toMatchObject({ level: 40, retryInSeconds: expect.any(Number) });
    expect(conflict.msg).toContain('keeps running as a worker');

    await plan('poll-test:1', '仍在发送');
    app.dispatcher.wake();
    await until(() => sentText('仍在发送'), 'the outbox message to be sent');

    // Once the other poller is gone, this instance polls again and answers people.
    tg.sendText({ from: admin, chat: group.id, text: '/start' });
    await until(() => tg.sentMessages(group.id).some((m) => m.text?.includes('督办机器人')), 'the reply to /start', 15_000);
    expect(tg.callsTo('getUpdates').filter((c) => c.status === 409)).toHaveLength(3);
    // Not a stack of runner errors on the console: one warning for the streak of conflicts.
    expect(lines.filter((l) => /another instance is polling/.test(l.msg))).toHaveLength(1);
    expect((await metrics.pollingConflicts.get()).values[0]?.value).toBe(3);
    expect((await metrics.polling.get()).values[0]?.value).toBe(1);
  });

  it('when a second instance polls the same token, both keep running and people are still answered', async () => {
    const first = await start();
    await tg.waitFor('getUpdates');
    const second = await start();
    await until(() => [...first.lines, ...second.lines].some((l) => /another instance is polling/.test(l.msg)), 'a conflict');

    await plan('poll-test:2', '两个实例');
    first.app.dispatcher.wake();
    second.app.dispatcher.wake();
    await until(() => sentText('两个实例'), 'the outbox message to be sent');
    tg.sendText({ from: admin, chat: group.id, text: '/start' });
    await until(() => tg.sentMessages(group.id).some((m) => m.text?.includes('督办机器人')), 'the reply to /start', 15_000);
  });

  it('with ROLE=worker it never polls, and still sends the outbox', async () => {
    const { app, lines } = await start({ ROLE: 'worker' });
    await plan('poll-test:3', '只做后台');
    app.dispatcher.wake();
    await until(() => sentText('只做后台'), 'the outbox message to be sent');
    expect(tg.callsTo('getUpdates')).toHaveLength(0);
    expect(lines.some((l) => /ROLE=worker/.test(l.msg))).toBe(true);
  });
});
