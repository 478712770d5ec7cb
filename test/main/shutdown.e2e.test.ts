import { afterEach, beforeEach, expect, it } from 'vitest';
import type { User } from 'grammy/types';
import { createConfig } from '../../src/config.js';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import { silentLogger } from '../../src/logger.js';
import { startApp } from '../../src/app.js';
import { createPgTestDatabase, describePg, type TestDatabase } from '../helpers/db.js';

const TOKEN = '7100000003:STOP-test-token';

/**
 * A stop (SIGTERM runs app.stop()) while the bot is handling a burst of updates: polling stops,
 * the updates already taken from Telegram are finished, and only then does the database close.
 * Before, the database was closed under the running handlers and most of the burst was lost.
 */
describePg('stopping while updates are being handled', () => {
  let tg: FakeTelegram;
  let database: TestDatabase;

  beforeEach(async () => {
    tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_stop_bot' });
    database = await createPgTestDatabase();
  });
  afterEach(async () => {
    await tg.stop();
    await database.drop();
  });

  it('answers every update it took before the database closes', async () => {
    const config = createConfig({ env: { BOT_TOKEN: TOKEN, BOT_API_ROOT: tg.apiRoot, DATABASE_URL: database.url! } });
    const users: User[] = Array.from({ length: 30 }, (_, i) => tg.createUser({ firstName: `用户${i + 1}` }));
    const handled: number[] = [];
    const app = await startApp(config, {
      logger: silentLogger,
      schedulerTrigger: { start() {}, stop() {} } /* never ticks: not a scheduler test */,
      onUpdateHandled: (id) => handled.push(id),
    });
    try {
      // The burst arrives together: one getUpdates hands the bot all 30.
      for (const user of users) tg.sendText({ from: user, chat: 'private', text: '/start' });
      const deadline = Date.now() + 15_000;
      while (handled.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(handled.length).toBeGreaterThan(0);
      expect(handled.length).toBeLessThan(30);
    } finally {
      await app.stop();
    }
    expect(handled).toHaveLength(30);
    for (const user of users)
      expect(
        tg
          .sentMessages(user.id)
          .map((m) => m.text ?? '')
          .join('\n'),
      ).toContain('督办');
  });
});
