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
    database.db.insert(cronRuns).values({ name: 'sweep', slot: new Date(at).toISOString(), instance: 'test', startedAt: new Date(at), finishedAt: new Date(at), outcome: 'done' });

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
});
