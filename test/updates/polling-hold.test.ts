import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, expect, it, describe } from 'vitest';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { startPolling, type Poller } from '../../src/bot/polling.js';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import type { UpdateInbox } from '../../src/updates/inbox.js';

const TOKEN = '7100000009:HOLD-test-token';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An inbox whose database is down for the first `failures` writes. */
function outageInbox(failures: number) {
  const stored: number[] = [];
  let calls = 0;
  const inbox = {
    async receive(updates: readonly Update[]) {
      calls++;
      if (calls <= failures) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      stored.push(...updates.map((u) => u.update_id));
      return [...updates];
    },
  } as unknown as UpdateInbox;
  return { inbox, stored, calls: () => calls };
}

describe('polling holds updates while the inbox cannot store them', () => {
  let tg: FakeTelegram;
  let poller: Poller | null = null;
  beforeEach(async () => {
    tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_hold_bot' });
  });
  afterEach(async () => {
    await poller?.stop();
    poller = null;
    await tg.stop();
  });

  it('does not move the offset past an update, nor handle it, until it is stored; then handles it once, with one warning', async () => {
    const user = tg.createUser({ firstName: 'Hu' });
    const bot = new Bot(TOKEN, { client: { apiRoot: tg.apiRoot } });
    const handled: number[] = [];
    bot.on('message', (ctx) => {
      handled.push(ctx.update.update_id);
    });
    await bot.init();
    const lines: { level: number; msg: string }[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _e, done) {
          for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
          done();
        },
      }),
    );
    const outage = outageInbox(4);
    const waits: number[] = [];
    // Real waits are not needed: each wait is recorded and returns after a tick.
    const sleep = (ms: number) => {
      waits.push(ms);
      return new Promise<void>((resolve) => setTimeout(resolve, 5));
    };
    tg.sendText({ from: user, chat: 'private', text: 'first' });
    poller = startPolling(bot, { logger, inbox: outage.inbox, sleep, timeoutSeconds: 0 });
    await until(() => handled.length === 1, 'the held update to be handled');
    const id = handled[0]!;
    expect(outage.calls()).toBe(5);
    expect(outage.stored).toEqual([id]);
    // While it could not be stored, no getUpdates asked past it (Telegram would have dropped it).
    const offsets = tg.callsTo('getUpdates').map((c) => Number((c.params as { offset?: number }).offset ?? 0));
    expect(offsets[0]).toBeLessThanOrEqual(id);
    expect(waits).toEqual([500, 1000, 2000, 4000]);
    expect(lines.filter((l) => l.msg.startsWith('cannot store updates')).length).toBe(1);
    expect(lines.some((l) => l.msg.startsWith('the inbox takes updates again'))).toBe(true);
    // The next update goes through at once, and the first is not handled again.
    tg.sendText({ from: user, chat: 'private', text: 'second' });
    await until(() => handled.length === 2, 'the next update');
    expect(new Set(handled).size).toBe(2);
  });
});
