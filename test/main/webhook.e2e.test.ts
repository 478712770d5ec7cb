import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Update, User } from 'grammy/types';
import { createConfig } from '../../src/config.js';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import { silentLogger } from '../../src/logger.js';
import { startApp, type App } from '../../src/app.js';
import { createPgTestDatabase, describePg, type TestDatabase } from '../helpers/db.js';

const TOKEN = '7100000004:HOOK-test-token';
const WEBHOOK_URL = 'https://duban.example.org/telegram/hook';
const SECRET = 'webhook_Secret-0123456789';

/**
 * WEBHOOK_URL set: the instance does not poll; Telegram posts updates to its HTTP server, which
 * takes only those that carry the secret token. The fake Telegram does not post by itself: the
 * test takes the update the fake built and posts it as Telegram would.
 */
describePg('webhook mode', () => {
  let tg: FakeTelegram;
  let database: TestDatabase;
  let alice: User;
  const apps: App[] = [];

  beforeEach(async () => {
    tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_hook_bot' });
    alice = tg.createUser({ firstName: 'Alice' });
    database = await createPgTestDatabase();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
    await tg.stop();
    await database.drop();
  });

  const start = async (options: { onUpdateHandled?: (updateId: number) => void } = {}) => {
    const config = createConfig({
      env: { BOT_TOKEN: TOKEN, BOT_API_ROOT: tg.apiRoot, DATABASE_URL: database.url!, WEBHOOK_URL, WEBHOOK_SECRET: SECRET, PORT: '0', HOST: '127.0.0.1' },
    });
    const app = await startApp(config, {
      logger: silentLogger,
      schedulerTrigger: { start() {}, stop() {} } /* never ticks: not a scheduler test */,
      ...options,
    });
    apps.push(app);
    return app;
  };
  /** A user's /start in their private chat, as the update Telegram would post. */
  const startUpdate = (from: User): Update => {
    tg.sendText({ from, chat: 'private', text: '/start' });
    return tg.pendingUpdates().at(-1)!;
  };
  const post = (app: App, body: unknown, secret: string | null = SECRET) =>
    fetch(`http://127.0.0.1:${app.webhook!.address.port}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
      body: JSON.stringify(body),
    });
  const repliesTo = (user: User) => tg.sentMessages(user.id).filter((m) => m.text?.includes('督办'));

  it('sets the webhook with its secret and the allowed updates at start-up, and never polls', async () => {
    const app = await start();
    expect(app.webhook!.address.port).toBeGreaterThan(0);
    const [setWebhook] = tg.callsTo('setWebhook');
    expect(setWebhook).toMatchObject({
      status: 200,
      params: { url: WEBHOOK_URL, secret_token: SECRET, allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'] },
    });
    expect(tg.webhook()).toEqual({ url: WEBHOOK_URL, secretToken: SECRET, allowedUpdates: ['message', 'edited_message', 'callback_query', 'my_chat_member'] });

    const response = await post(app, startUpdate(alice));
    expect(response.status).toBe(200);
    expect(repliesTo(alice)).toHaveLength(1);
    expect(tg.callsTo('getUpdates')).toHaveLength(0);
  });

  it('refuses an update without the secret token, or with a wrong one, with 401 and does not handle it', async () => {
    const handled: number[] = [];
    const app = await start({ onUpdateHandled: (id) => handled.push(id) });
    const update = startUpdate(alice);
    for (const secret of [null, '', 'wrong', `${SECRET}x`, SECRET.slice(0, -1)]) {
      const response = await post(app, update, secret);
      expect(response.status, `secret ${secret}`).toBe(401);
    }
    expect(handled).toEqual([]);
    expect(tg.sentMessages(alice.id)).toEqual([]);
    expect(tg.callsTo('sendMessage')).toHaveLength(0);

    // The same update with the right secret is then handled: nothing of it was recorded before.
    expect((await post(app, update)).status).toBe(200);
    expect(handled).toEqual([update.update_id]);
    expect(repliesTo(alice)).toHaveLength(1);
  });

  it('answers other methods with 405 and a body that is not JSON with 400', async () => {
    const app = await start();
    const base = `http://127.0.0.1:${app.webhook!.address.port}/telegram/hook`;
    expect((await fetch(base)).status).toBe(405);
    const garbage = await fetch(base, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: '{not json' });
    expect(garbage.status).toBe(400);
    // Still serving.
    expect((await post(app, startUpdate(alice))).status).toBe(200);
    expect(repliesTo(alice)).toHaveLength(1);
  });

  it('with three instances on one database, an update posted to two of them (a redelivery) is answered once', async () => {
    const instances = [await start(), await start(), await start()];
    expect(tg.callsTo('setWebhook')).toHaveLength(3);
    const bob = tg.createUser({ firstName: 'Bob' });
    const update = startUpdate(bob);
    const answers = await Promise.all([post(instances[0]!, update), post(instances[1]!, update)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(repliesTo(bob)).toHaveLength(1);
    // Each instance serves its share.
    const carol = tg.createUser({ firstName: 'Carol' });
    expect((await post(instances[2]!, startUpdate(carol))).status).toBe(200);
    expect(repliesTo(carol)).toHaveLength(1);
    expect(tg.callsTo('getUpdates')).toHaveLength(0);
  });

  it("answers 500, and does not handle the update, while the inbox cannot store it; Telegram's repost is then handled once", async () => {
    const app = await start();
    const dave = tg.createUser({ firstName: 'Dave' });
    const update = startUpdate(dave);
    // The inbox's table out of reach, as in an outage (the statement fails).
    await database.sql!.unsafe('alter table processed_updates rename to processed_updates_away');
    expect((await post(app, update)).status).toBe(500);
    expect(repliesTo(dave)).toHaveLength(0);
    await database.sql!.unsafe('alter table processed_updates_away rename to processed_updates');
    expect((await post(app, update)).status).toBe(200);
    expect((await post(app, update)).status).toBe(200);
    expect(repliesTo(dave)).toHaveLength(1);
  });

  it('a stop closes the server first, then finishes the updates it took before the database closes', async () => {
    const users = Array.from({ length: 10 }, (_, i) => tg.createUser({ firstName: `用户${i + 1}` }));
    const handled: number[] = [];
    const app = await start({ onUpdateHandled: (id) => handled.push(id) });
    const port = app.webhook!.address.port;
    const posts = users.map((user) => post(app, startUpdate(user)));
    // Wait until the server has taken them all (each is being handled), then stop.
    const deadline = Date.now() + 10_000;
    while (app.webhook!.size() + handled.length < users.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    apps.splice(apps.indexOf(app), 1);
    expect(app.webhook!.size()).toBeGreaterThan(0);
    await app.stop();
    expect((await Promise.all(posts)).map((r) => r.status)).toEqual(users.map(() => 200));
    expect(handled).toHaveLength(users.length);
    for (const user of users) expect(repliesTo(user)).toHaveLength(1);
    await expect(fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
