import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cronRuns } from '../../src/db/schema/index.js';
import { createReadiness } from '../../src/ops/readiness.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';

describe.each(storageKinds())('readiness on %s', (kind) => {
  let database: TestDatabase;
  let closed = false;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    closed = false;
  });
  afterEach(async () => {
    // A closed PGlite cannot be closed again; a PostgreSQL test database must still be dropped.
    if (!closed || kind === 'postgres') await database.drop();
  });

  const clock = createManualClock('2026-03-02T10:05:30+08:00');
  const readiness = () => createReadiness({ db: database.db, clock, timezone: 'Asia/Shanghai', sweepCron: '* * * * *' })();
  const sweepRan = (at: string) =>
    database.db
      .insert(cronRuns)
      .values({ name: 'sweep', slot: new Date(at).toISOString(), instance: 'test', startedAt: new Date(at), finishedAt: new Date(at), outcome: 'done' });

  it('is ready when the database answers, the migrations are applied and a sweep ran within the grace period', async () => {
    await sweepRan('2026-03-02T10:04:00+08:00');
    const report = await readiness();
    expect(report.ready).toBe(true);
    expect(report.checks.migrations).toMatchObject({ ok: true });
  });

  it('is not ready when no sweep ran since the fire due two minutes ago, and says when the last one ran', async () => {
    await sweepRan('2026-03-02T10:02:00+08:00');
    const report = await readiness();
    expect(report.ready).toBe(false);
    expect(report.checks.database.ok).toBe(true);
    expect(report.checks.sweep).toEqual({ ok: false, lastRunAt: '2026-03-02T02:02:00.000Z', expectedSince: '2026-03-02T02:03:00.000Z' });
  });

  it('is not ready, and skips the other checks, when the database does not answer', async () => {
    await database.close();
    closed = true;
    const report = await readiness();
    expect(report.ready).toBe(false);
    expect(report.checks.database).toMatchObject({ ok: false, error: expect.any(String) });
    expect(report.checks.sweep).toMatchObject({ ok: false, skipped: expect.any(String) });
  });

  it('is not ready while the Bot API does not answer, and asks Telegram at most once per cache period', async () => {
    await sweepRan('2026-03-02T10:04:00+08:00');
    let calls = 0;
    let answers = false;
    const check = createReadiness({
      db: database.db,
      clock,
      timezone: 'Asia/Shanghai',
      sweepCron: '* * * * *',
      botApiCacheMs: 60_000,
      botApi: async () => {
        calls++;
        if (!answers) throw new Error('getaddrinfo ENOTFOUND api.telegram.org');
      },
    });
    const down = await check();
    expect(down.ready).toBe(false);
    expect(down.checks.botApi).toEqual({ ok: false, error: 'getaddrinfo ENOTFOUND api.telegram.org' });
    answers = true;
    expect((await check()).ready).toBe(false);
    expect(calls).toBe(1);
    const fresh = createReadiness({
      db: database.db,
      clock,
      timezone: 'Asia/Shanghai',
      sweepCron: '* * * * *',
      botApiCacheMs: 0,
      botApi: async () => ({ ok: true }),
    });
    const up = await fresh();
    expect(up.ready).toBe(true);
    expect(up.checks.botApi).toEqual({ ok: true });
  });

  it('is not ready when an outbox message has been due for longer than ten minutes, and says how many are due', async () => {
    await sweepRan('2026-03-02T10:04:00+08:00');
    const withBacklog = (oldestAgeSeconds: number) =>
      createReadiness({ db: database.db, clock, timezone: 'Asia/Shanghai', sweepCron: '* * * * *', backlog: async () => ({ due: 42, oldestAgeSeconds }) })();
    const stuck = await withBacklog(11 * 60);
    expect(stuck.ready).toBe(false);
    expect(stuck.checks.outbox).toEqual({ ok: false, due: 42, oldestAgeSeconds: 660 });
    const flowing = await withBacklog(30);
    expect(flowing.ready).toBe(true);
    expect(flowing.checks.outbox).toEqual({ ok: true, due: 42, oldestAgeSeconds: 30 });
  });
});
