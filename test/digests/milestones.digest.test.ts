import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulletinFiguresFor, leadersDigestMessages, unitDigestMessages } from '../../src/digests/digests.usecases.js';
import { createManualClock, type ManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';
import { act, at, digestsDeps, openItem, seedDigestOrg, URBAN_STAFF, type DigestOrg } from './fixture.js';

/**
 * 时间节点 in the digests and the bulletin: an unreported milestone past its day is listed (how
 * late, counted like a deadline) in the leaders digest and the lead unit's digest, and counted as
 * 节点逾期 for the lead unit in the bulletin; a reported one is not.
 */
describe.each(storageKinds())('overdue milestones in digests and the bulletin (%s)', (kind) => {
  let database: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof digestsDeps>;
  let org: DigestOrg;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    clock = createManualClock('2026-03-02T09:00:00+08:00');
    deps = digestsDeps(database.db, clock);
    org = await seedDigestOrg(deps);
    at(clock, '2026-03-02 09:00');
    // 住建局: two milestones (Wed 4 and Fri 6 March), neither reported.
    await openItem(deps, {
      lead: [org.housing],
      deadline: '2026-03-31',
      milestones: [
        { due: '2026-03-04', text: '完成现场排查' },
        { due: '2026-03-06', text: '拿出方案初稿' },
      ],
    });
    // 城管局: one milestone, reported on time.
    const urbanItem = await openItem(deps, { lead: [org.urban], deadline: '2026-03-31', milestones: [{ due: '2026-03-05', text: '摸清底数' }] });
    at(clock, '2026-03-04 10:00');
    await act(deps, URBAN_STAFF, urbanItem, { type: 'report_milestone', index: 1, text: '底数已摸清' });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('lists the overdue milestones in the leaders digest, with the lead unit and how late', async () => {
    at(clock, '2026-03-09 15:00');
    const text = (await leadersDigestMessages(deps)).map((m) => m.text).join('\n');
    expect(text).toContain('⏰ 节点逾期 2 个：');
    expect(text).toContain('· 督办〔2026〕1号 节点1（2026-03-04，完成现场排查）逾期 3 个工作日（5 天） · 市住房和城乡建设局');
    expect(text).toContain('· 督办〔2026〕1号 节点2（2026-03-06，拿出方案初稿）逾期 1 个工作日（3 天） · 市住房和城乡建设局');
    expect(text).not.toContain('摸清底数');
  });

  it("lists them in the lead unit's own digest, and not in another unit's", async () => {
    at(clock, '2026-03-09 15:00');
    const housing = (await unitDigestMessages(deps, { unitId: org.housing })).join('\n');
    expect(housing).toContain('⏰ 节点逾期 2 个：');
    expect(housing).toContain('· 督办〔2026〕1号 节点1（2026-03-04，完成现场排查）逾期 3 个工作日（5 天）');
    const urban = (await unitDigestMessages(deps, { unitId: org.urban })).join('\n');
    expect(urban).not.toContain('节点逾期');
  });

  it('counts 节点逾期 for the lead unit in the bulletin', async () => {
    const figures = await bulletinFiguresFor(deps, { from: new Date('2026-03-02T00:00:00+08:00'), to: new Date('2026-03-09T00:00:00+08:00') });
    expect(figures.units.get(org.housing)?.milestonesOverdue).toBe(2);
    expect(figures.units.get(org.urban)?.milestonesOverdue).toBe(0);
    expect(figures.totals.milestonesOverdue).toBe(2);
  });
});
