/**
 * The bot built by createBot paces its direct replies through the chat pacing it shares with
 * the outbox dispatchers (on a manual clock; the fake Bot API records when each call arrived).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBot } from '../../src/bot/index.js';
import { createConfig } from '../../src/config.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { dispatcherFor, groups, manualTime, plan, startTelegram, textRow, TOKEN } from '../outbox/fixture.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

it("counts the bot's direct replies in a group's window shared with the outbox", async () => {
  const time = manualTime();
  const tg = await startTelegram({ clock: time.clock });
  try {
    const [group] = groups(tg, 1);
    const config = createConfig({ env: { BOT_TOKEN: TOKEN, BOT_API_ROOT: tg.apiRoot }, file: {} });
    const bot = createBot(
      TOKEN,
      { db: database.db, clock: time.clock, config, logger: silentLogger, translator: createTranslator() },
      {
        pacing: { clock: time.clock, sleep: time.sleep },
      },
    );
    for (let i = 0; i < 20; i++) await bot.api.sendMessage(group!, `reply-${i}`);
    const replies = tg.callsTo('sendMessage').map((call) => call.at.getTime());
    expect(replies.slice(1).map((t, i) => t - replies[i]!)).toEqual(Array.from({ length: 19 }, () => 1000));

    await plan(database.db, time.clock, [textRow('from-the-outbox', group!)]);
    await dispatcherFor({ db: database.db, tg, clock: time.clock, sleep: time.sleep, limits: { lateSlotMs: Number.POSITIVE_INFINITY } }).drain();

    const outbox = tg.callsTo('sendMessage').at(-1)!;
    expect(outbox.params.text).toBe('from-the-outbox');
    expect(outbox.at.getTime() - replies[0]!).toBe(60_000);
  } finally {
    await tg.stop();
  }
});
