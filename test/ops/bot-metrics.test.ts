import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot/index.js';
import { createConfig } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { silentLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createTestDatabase } from '../helpers/db.js';

const botInfo = {
  id: 42,
  is_bot: true as const,
  first_name: '督办',
  username: 'duban_metrics_bot',
  can_join_groups: true,
  can_read_all_group_messages: true,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

describe('bot metrics', () => {
  it('when a handler fails unexpectedly (here: no database), counts the update as received and failed, not handled', async () => {
    const metrics = createMetrics();
    const brokenDb = {} as Db; // every query throws a TypeError
    const bot = createBot(
      '42:metrics-test',
      { db: brokenDb, clock: createManualClock(), config: createConfig({ env: {} }), logger: silentLogger, translator: createTranslator(), metrics },
      { botInfo },
    );
    const update = { update_id: 7, callback_query: { id: 'q1', from: { id: 5, is_bot: false, first_name: 'A' }, chat_instance: 'c', data: 'x' } };
    // Run by the runner, this error goes to bot.catch; handleUpdate hands it to the caller.
    await expect(bot.handleUpdate(update)).rejects.toThrow();
    const value = async (counter: 'updatesReceived' | 'updatesHandled' | 'updatesFailed') =>
      (await metrics[counter].get()).values.find((v) => v.labels.kind === 'callback_query')?.value ?? 0;
    expect(await value('updatesReceived')).toBe(1);
    expect(await value('updatesFailed')).toBe(1);
    expect(await value('updatesHandled')).toBe(0);
    expect((await metrics.handlerSeconds.get()).values.find((v) => v.metricName === 'duban_update_handler_duration_seconds_count')?.value).toBe(1);
  });

  it('when a feature fails unexpectedly (the error boundary answers the person), counts the update as failed', async () => {
    const metrics = createMetrics();
    const database = await createTestDatabase();
    try {
      await database.db.execute(sql`drop table invites`); // redeeming an invite now fails in SQL
      const bot = createBot(
        '42:metrics-test',
        { db: database.db, clock: createManualClock(), config: createConfig({ env: {} }), logger: silentLogger, translator: createTranslator(), metrics },
        { botInfo },
      );
      const sent: string[] = [];
      // Outermost, so Telegram is never called (nor the bot's own transformers: sends are not counted here).
      bot.api.config.use(async (_prev, method) => {
        sent.push(method);
        return { ok: true, result: { message_id: 1, date: 0, chat: { id: 5, type: 'private', first_name: 'A' } } } as never;
      });
      const from = { id: 5, is_bot: false, first_name: 'A' };
      await bot.handleUpdate({
        update_id: 8,
        message: {
          message_id: 3,
          date: 0,
          chat: { id: 5, type: 'private', first_name: 'A' },
          from,
          text: '/start abcdefghijklmnopqrstuv',
          entities: [{ type: 'bot_command', offset: 0, length: 6 }],
        },
      });
      expect(sent).toContain('sendMessage'); // the apology
      expect((await metrics.updatesFailed.get()).values.find((v) => v.labels.kind === 'message')?.value).toBe(1);
      expect((await metrics.updatesHandled.get()).values.find((v) => v.labels.kind === 'message')).toBeUndefined();
    } finally {
      await database.drop();
    }
  });
});
