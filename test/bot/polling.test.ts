/**
 * Polling recovers quickly: when the Bot API cannot be reached at start-up or while polling, the
 * bot tries again at most 5 s apart, says so once in the log (and once when it is back), and
 * neither stops polling nor exits. Waits go through an injected sleep that only records them.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Api, Bot, GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callUntilAnswered, reachabilityOnly, reconnectDelayMs, startPolling } from '../../src/bot/polling.js';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import { createLogger } from '../../src/logger.js';
import type { Sleep } from '../../src/outbox/dispatcher.js';

const TOKEN = '7200000003:POLLING-test-token';

describe('the reconnect delay', () => {
  it('doubles from 0.5 s and never exceeds 5 s, however many failures', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelayMs(n))).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    for (let n = 0; n <= 2000; n++) expect(reconnectDelayMs(n)).toBeLessThanOrEqual(5000);
  });
});

describe('calling the Bot API until it answers', () => {
  let tg: FakeTelegram;
  let lines: Record<string, unknown>[];
  let raw: string[];
  let slept: number[];
  const sleep: Sleep = async (ms) => {
    slept.push(ms);
    await nextTurn();
  };
  const logger = () =>
    createLogger({
      level: 'info',
      secrets: [TOKEN],
      destination: {
        write: (line) => {
          raw.push(line);
          lines.push(JSON.parse(line));
        },
      },
    });
  const warnings = () => lines.filter((l) => (l.level as number) >= 40).map((l) => String(l.msg));

  beforeEach(async () => {
    tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_polling_bot' });
    lines = [];
    raw = [];
    slept = [];
  });
  afterEach(async () => {
    await tg.stop();
  });

  it('at start-up, waits for an unreachable Bot API at most 5 s between tries and logs it once, without the token', async () => {
    tg.failNext({ method: 'getMe', error: { disconnect: true }, times: 6 });
    const api = new Api(TOKEN, { apiRoot: tg.apiRoot });

    const me = await callUntilAnswered(() => api.getMe(), { logger: logger(), what: 'getMe', sleep, retryable: reachabilityOnly });

    expect(me.username).toBe('duban_polling_bot');
    expect(slept).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    expect(warnings()).toEqual([expect.stringMatching(/^Bot API unreachable/)]);
    expect(lines.filter((l) => l.msg === 'Bot API answers again')).toEqual([expect.objectContaining({ failedTries: 6, waitedMs: 17_500 })]);
    for (const line of raw) expect(line).not.toContain(TOKEN);
  });

  it('at start-up, does not wait for a token Telegram refuses (401): that is for the operator to fix', async () => {
    tg.failNext({ method: 'getMe', error: { code: 401 } });
    const api = new Api(TOKEN, { apiRoot: tg.apiRoot });

    await expect(callUntilAnswered(() => api.getMe(), { logger: logger(), what: 'getMe', sleep, retryable: reachabilityOnly })).rejects.toBeInstanceOf(
      GrammyError,
    );
    expect(slept).toEqual([]);
  });

  it('when a webhook is set for the token, says so (not "another instance is polling") and polls once it is removed', async () => {
    const bot = new Bot(TOKEN, { client: { apiRoot: tg.apiRoot } });
    const seen: string[] = [];
    bot.on('message:text', (ctx) => {
      seen.push(ctx.message.text);
    });
    await bot.init();
    await bot.api.setWebhook('https://bot.example.org/hook', { secret_token: 'secret' });
    const user = tg.createUser({ firstName: 'Alice' });
    tg.sendText({ from: user, chat: 'private', text: 'hello' });

    // The operator removes the webhook during the second wait.
    const sleepThenRemove: Sleep = async (ms) => {
      slept.push(ms);
      if (slept.length === 2) await bot.api.deleteWebhook();
      await nextTurn();
    };
    const runner = startPolling(bot, { logger: logger(), allowedUpdates: ['message'], sleep: sleepThenRemove });
    try {
      const until = Date.now() + 10_000;
      while (seen.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual(['hello']);
    } finally {
      await runner.stop();
    }
    expect(warnings()).toEqual([expect.stringMatching(/^a webhook is set for this bot token.*set WEBHOOK_URL here too, or remove the webhook/)]);
  });

  it('keeps polling through dropped connections, 5xx and a 409 Conflict, then handles the update that was waiting', async () => {
    const bot = new Bot(TOKEN, { client: { apiRoot: tg.apiRoot } });
    const seen: string[] = [];
    bot.on('message:text', (ctx) => {
      seen.push(ctx.message.text);
    });
    await bot.init();
    const user = tg.createUser({ firstName: 'Alice' });
    tg.sendText({ from: user, chat: 'private', text: 'hello' });
    tg.failNext({ method: 'getUpdates', error: { disconnect: true }, times: 3 });
    tg.failNext({ method: 'getUpdates', error: { code: 500 }, times: 1 });
    tg.failNext({ method: 'getUpdates', error: { code: 409, description: 'Conflict: terminated by other getUpdates request' }, times: 2 });

    const runner = startPolling(bot, { logger: logger(), allowedUpdates: ['message'], sleep });
    try {
      const until = Date.now() + 10_000;
      while (seen.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual(['hello']);
      expect(runner.isRunning()).toBe(true);
    } finally {
      await runner.stop();
    }

    expect(tg.calls.filter((call) => call.method === 'getUpdates' && call.injected)).toHaveLength(6);
    // Network errors and 5xx: at most 5 s; a 409 Conflict: the longer conflict waits (15 s, doubling).
    expect(slept).toEqual([500, 1000, 2000, 4000, 15000, 30000]);
    expect(warnings()).toEqual([expect.stringMatching(/^Bot API unreachable/), expect.stringMatching(/409 Conflict/)]);
    expect(lines.filter((l) => l.msg === 'Bot API answers again')).toHaveLength(1);
    for (const line of raw) expect(line).not.toContain(TOKEN);
  });
});
