/**
 * The bot token is never written down by the dispatcher: not in a log line, not in a stored
 * error. grammY's network errors carry the request URL (node-fetch: "request to
 * https://.../bot<token>/sendMessage failed, reason: ..."), and the dispatcher keeps that
 * message as the row's last_error.
 */
import { sql } from 'drizzle-orm';
import { Api } from 'grammy';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createDispatcher, type DispatcherLimits } from '../../src/outbox/dispatcher.js';
import { rowsOf } from '../../src/db/rows.js';
import { storageKinds } from '../helpers/db.js';
import { allRows, plan, privateChats, textRow, TOKEN, useOutboxHarness } from './fixture.js';

const MANUAL: Partial<DispatcherLimits> = { lateSlotMs: Number.POSITIVE_INFINITY };
const SECRET = TOKEN.slice(TOKEN.indexOf(':') + 1);

describe.each(storageKinds())('on %s, the dispatcher', (kind) => {
  const h = useOutboxHarness(kind);
  let lines: string[];
  beforeEach(() => {
    lines = [];
  });

  /** The dispatcher as main.ts makes it: a logger told the token, whose every line we keep. */
  const dispatcher = (api: Api, limits: Partial<DispatcherLimits> = {}) =>
    createDispatcher({
      db: h.db,
      api,
      logger: createLogger({ level: 'debug', secrets: [TOKEN], destination: { write: (line) => lines.push(line) } }),
      clock: h.time.clock,
      sleep: h.time.sleep,
      limits: { ...MANUAL, ...limits },
    });

  /** Every text the dispatcher stores, as one string per row of outbox and chat_send_state. */
  async function storedText(): Promise<string[]> {
    const result = await h.db.execute(sql`
      select row_to_json(o)::text as t from outbox o
      union all select row_to_json(c)::text from chat_send_state c`);
    return rowsOf<{ t: string }>(result).map((r) => r.t);
  }

  function expectNoToken(texts: string[]) {
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(encodeURIComponent(TOKEN));
      expect(text).not.toContain(SECRET);
    }
  }

  it('stores and logs dropped connections without the token the request URL carried', async () => {
    const [alice] = privateChats(h.tg, 1);
    await plan(h.db, h.time.clock, [textRow('dropped', alice!), textRow('doomed', alice!)]);
    h.tg.failNext({ chatId: alice!, error: { disconnect: true }, times: 1 + 3 });

    await dispatcher(new Api(TOKEN, { apiRoot: h.tg.apiRoot }), { maxAttempts: 3 }).drain();

    const [dropped, doomed] = await allRows(h.db);
    expect(dropped).toMatchObject({ status: 'failed' });
    expect(dropped!.lastError).toMatch(/^gave up after 3 attempts: network: request to http:\/\/127\.0\.0\.1:\d+\/bot\[REDACTED\]\/sendMessage failed/);
    expect(doomed).toMatchObject({ status: 'sent' });
    expectNoToken(await storedText());
    expectNoToken(lines);
  });

  it('stores and logs a failing fetch (the Bot API unreachable) without the token', async () => {
    const [alice] = privateChats(h.tg, 1);
    await plan(h.db, h.time.clock, [textRow('unreachable', alice!)]);
    let failures = 2;
    const api = new Api(TOKEN, {
      apiRoot: 'https://api.telegram.org',
      // what node-fetch throws when the host cannot be reached; then Telegram is back
      fetch: (async (url: string, init: unknown) => {
        if (failures-- > 0)
          throw Object.assign(new Error(`request to ${url} failed, reason: getaddrinfo ENOTFOUND api.telegram.org`), { type: 'system', code: 'ENOTFOUND' });
        return fetch(String(url).replace('https://api.telegram.org', h.tg.apiRoot), init as RequestInit);
      }) as never,
    });

    await dispatcher(api).drain();

    const rows = await allRows(h.db);
    expect(rows[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect(lines.some((line) => line.includes('ENOTFOUND') && line.includes('[REDACTED]'))).toBe(true);
    expectNoToken(await storedText());
    expectNoToken(lines);
  });

  it('stores a refusal whose description quotes the token without it, in last_error and forbidden_reason', async () => {
    const [alice, bob] = privateChats(h.tg, 2);
    await plan(h.db, h.time.clock, [textRow('refused', alice!), textRow('bad', bob!)]);
    h.tg.failNext({ chatId: alice!, error: { code: 403, description: `Forbidden: bot${TOKEN} was blocked by the user` } });
    h.tg.failNext({ chatId: bob!, error: { code: 400, description: `Bad Request: see /bot${encodeURIComponent(TOKEN)}/sendMessage` } });

    await dispatcher(new Api(TOKEN, { apiRoot: h.tg.apiRoot })).drain();

    const rows = await allRows(h.db);
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(rows[0]!.lastError).toBe('403 Forbidden: bot[REDACTED] was blocked by the user');
    expectNoToken(await storedText());
    expectNoToken(lines);
  });
});
