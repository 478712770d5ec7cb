import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadersDigestMessages } from '../../src/digests/digests.usecases.js';
import { createManualClock, type ManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';
import { act, at, digestsDeps, HOUSING_STAFF, openItem, seedDigestOrg, type DigestOrg } from './fixture.js';

/**
 * The leaders digest counts per unit without joining item_units row by row: the first lead unit
 * and the unacknowledged units come from generated columns of items. These cases check the
 * edges of that: several lead units (共同牵头), and more than one unit not acknowledged.
 */
describe.each(storageKinds())('the leaders digest with several lead units (%s)', (kind) => {
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
    // Led by 住建局 and 城管局 together, 教育局 cooperating; overdue by 11 March.
    const shared = await openItem(deps, { lead: [org.housing, org.urban], cooperating: [org.education], deadline: '2026-03-05' });
    at(clock, '2026-03-03 09:00');
    await act(deps, HOUSING_STAFF, shared, { type: 'acknowledge' });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('counts the item once in the totals and for each lead unit, and names every unit that has not acknowledged', async () => {
    at(clock, '2026-03-11 09:00');
    const [message] = await leadersDigestMessages(deps);
    const text = message!.text;
    expect(text).toContain('在办 1 件 · 未签收 1 件 · 逾期 1 件');
    expect(text).toContain('<b>市住房和城乡建设局</b>：🔴逾期 1 · 在办 1');
    expect(text).toContain(
      [
        '<b>市城市管理执法局</b>：⚪未签收 1 · 🔴逾期 1 · 在办 1',
        '  ⚪ 未签收：督办〔2026〕1号 7 个工作日',
        '  🔴 逾期：督办〔2026〕1号 晚 4 个工作日（6 天）',
      ].join('\n'),
    );
    expect(text).toContain(['<b>市住房和城乡建设局</b>：🔴逾期 1 · 在办 1', '  🔴 逾期：督办〔2026〕1号 晚 4 个工作日（6 天）'].join('\n'));
    expect(text).toContain('<b>市教育局</b>：⚪未签收 1 · 在办 0');
    expect(text).toContain('  ⚪ 未签收：督办〔2026〕1号（配合） 7 个工作日');
  });
});
