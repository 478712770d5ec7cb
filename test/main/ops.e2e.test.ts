import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Chat, User } from 'grammy/types';
import { createConfig } from '../../src/config.js';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import { silentLogger } from '../../src/logger.js';
import { startApp, type App } from '../../src/app.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { createOutboxRepository } from '../../src/outbox/outbox.repository.js';
import { manualTrigger } from '../../src/scheduler/scheduler.js';
import { createManualClock, systemClock } from '../../src/shared/clock.js';
import { createPgTestDatabase, describePg, type TestDatabase } from '../helpers/db.js';

const TOKEN = '7100000003:OPS-test-token';

/** The value of one sample in Prometheus text ('name{labels}'), or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describePg('the operator endpoints of a running instance (METRICS_PORT)', () => {
  let tg: FakeTelegram;
  let database: TestDatabase;
  let admin: User;
  let group: Chat;
  let app: App;
  // A Tuesday afternoon: the sweep is due at every tick, and no digest, bundle or bulletin is.
  const clock = createManualClock('2026-03-10T14:00:00+08:00');
  const trigger = manualTrigger();
  const handled = new Set<number>();
  const url = (path: string) => `http://127.0.0.1:${app.ops!.address.port}${path}`;
  const scrape = async () => (await fetch(url('/metrics'))).text();

  beforeAll(async () => {
    tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_ops_bot' });
    admin = tg.createUser({ firstName: 'Admin' });
    group = tg.createGroup({ title: '领导群', members: [admin] });
    database = await createPgTestDatabase();
    const config = createConfig({
      env: { BOT_TOKEN: TOKEN, BOT_API_ROOT: tg.apiRoot, ADMIN_IDS: String(admin.id), DATABASE_URL: database.url!, METRICS_PORT: '0' },
    });
    app = await startApp(config, {
      logger: silentLogger,
      metrics: createMetrics(),
      clock,
      schedulerTrigger: trigger,
      polling: { timeoutSeconds: 1 },
      onUpdateHandled: (id) => handled.add(id),
    });
  });
  afterAll(async () => {
    await app?.stop();
    await tg.stop();
    await database.drop();
  });

  it('serves /healthz, and /readyz only once a sweep has run', async () => {
    expect((await fetch(url('/healthz'))).status).toBe(200);
    const before = await fetch(url('/readyz'));
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ checks: { database: { ok: true }, migrations: { ok: true }, sweep: { ok: false } } });

    await trigger.fire();
    const after = await fetch(url('/readyz'));
    expect(after.status).toBe(200);
    expect(await scrape()).toMatch(/duban_job_duration_seconds_count\{job="sweep",result="done"\} 1/);
  });

  it('counts an update handled, the reply it sent, and an outbox message sent', async () => {
    const first = await scrape();
    for (const name of [
      'duban_updates_received_total',
      'duban_messages_failed_total',
      'duban_telegram_rate_limited_total',
      'duban_telegram_retry_after_seconds_total',
      'duban_polling_conflicts_total',
    ]) {
      expect(first).toContain(`# TYPE ${name} counter`);
    }
    expect(sample(first, 'duban_polling')).toBe(1);
    expect(sample(first, 'duban_outbox_backlog')).toBe(0);
    expect(sample(first, 'duban_updates_handled_total{kind="message"}')).toBeUndefined();

    tg.sendText({ from: admin, chat: group.id, text: '/start' });
    await expect.poll(() => handled.size, { timeout: 15_000 }).toBe(1);
    const afterUpdate = await scrape();
    expect(sample(afterUpdate, 'duban_updates_received_total{kind="message"}')).toBe(1);
    expect(sample(afterUpdate, 'duban_updates_handled_total{kind="message"}')).toBe(1);
    expect(sample(afterUpdate, 'duban_update_handler_duration_seconds_count{kind="message"}')).toBe(1);
    expect(sample(afterUpdate, 'duban_messages_sent_total{source="reply",method="sendMessage"}')).toBe(1);

    // A message due ten seconds ago waits in the outbox until the dispatcher is told.
    await app.dispatcher.stop();
    await createOutboxRepository({ db: database.db, clock: { now: () => new Date(Date.now() - 10_000) } }).enqueue([
      { key: 'ops-test:1', chatId: group.id, payload: { text: '通报已发' }, purpose: 'notice' },
    ]);
    const waiting = await scrape();
    expect(sample(waiting, 'duban_outbox_backlog')).toBe(1);
    expect(sample(waiting, 'duban_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(10);

    app.dispatcher.start();
    await expect.poll(() => tg.sentMessages(group.id).some((m) => m.text === '通报已发'), { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => sample(await scrape(), 'duban_messages_sent_total{source="outbox",method="sendMessage"}'), { timeout: 5_000 }).toBe(1);
    expect(sample(await scrape(), 'duban_outbox_backlog')).toBe(0);
  });

  it('counts a refused send by its reason, and a 429 with its retry_after', async () => {
    tg.failNext({ method: 'sendMessage', error: { code: 429, retryAfter: 1 } });
    await createOutboxRepository({ db: database.db, clock: systemClock }).enqueue([
      { key: 'ops-test:2', chatId: group.id, payload: { text: '限流之后' }, purpose: 'notice' },
    ]);
    app.dispatcher.wake();
    await expect.poll(() => tg.sentMessages(group.id).some((m) => m.text === '限流之后'), { timeout: 10_000 }).toBe(true);
    const text = await scrape();
    expect(sample(text, 'duban_messages_failed_total{source="outbox",reason="rate_limited"}')).toBe(1);
    expect(sample(text, 'duban_telegram_rate_limited_total{source="outbox"}')).toBe(1);
    expect(sample(text, 'duban_telegram_retry_after_seconds_total{source="outbox"}')).toBe(1);
  });
});
