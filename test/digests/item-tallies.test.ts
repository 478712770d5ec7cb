import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/rows.js';
import { digestWindow, UNIT_LIST_LIMIT } from '../../src/digests/digest-text.js';
import { createDigestsRepository } from '../../src/digests/digests.repository.js';
import { createManualClock, type ManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, storageKinds, type TestDatabase } from '../helpers/db.js';
import { act, at, digestsDeps, HOUSING_STAFF, LEADER, openItem, RESOURCES_STAFF, seedDigestOrg, URBAN_STAFF, type DigestOrg } from './fixture.js';

/**
 * The leaders digest reads its counts from item_tallies, kept by statement triggers on items
 * (drizzle/0007). After every kind of change (open, acknowledge, submit, return, confirm, cancel,
 * transfer, a raw update of many rows, a delete, a truncate) the tallies must equal the same
 * counts recomputed from the items, and reading them folds the appended deltas into one row per key.
 */
/** Milliseconds since the epoch, as a text both engines print alike. */
const epochMs = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::bigint::text`;

describe.each(storageKinds())('the running tallies of the leaders digest (%s)', (kind) => {
  let database: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof digestsDeps>;
  let org: DigestOrg;

  const query = async (q: ReturnType<typeof sql>) => rowsOf(await database.db.execute(q));
  /** The tallies as the triggers keep them, summed per key, zeros left out; as sorted text. */
  const tallied = async () =>
    (await query(sql`select kind, unit_id, status, unacked, sum(n)::int as n from item_tallies group by 1, 2, 3, 4 having sum(n) <> 0`))
      .map((r) => `${r.kind}:${r.unit_id}:${r.status}:${r.unacked === true || r.unacked === 't'}=${r.n}`)
      .sort();
  /** The same counts computed from the items now. */
  const recomputed = async () =>
    (
      await query(sql`
        select kind, unit_id, status, unacked, count(*)::int as n from (
          select 1 as kind, coalesce(lead_unit, 0) as unit_id, status, (status = 'open' and unacked_count > 0) as unacked
          from items where code_number is not null and status in ('open', 'result_submitted')
          union all
          select 2, u.value::int, 'open', true from items cross join lateral jsonb_array_elements_text(unacked_units) u
          where code_number is not null and status = 'open'
        ) k group by 1, 2, 3, 4`)
    )
      .map((r) => `${r.kind}:${r.unit_id}:${r.status}:${r.unacked === true || r.unacked === 't'}=${r.n}`)
      .sort();
  /** The open items' deadlines per unit and flag as the summary and the deltas hold them, as sorted text. */
  const deadlinesTallied = async () =>
    (
      await query(sql`
        select unit_id, excused, ${epochMs(sql`deadline_at`)} as at, sum(n)::int as n from (
          select s.unit_id, s.excused, x.deadline_at, x.cum - coalesce(s.counts[x.ord::int - 1], 0) as n
          from item_deadline_summary s cross join lateral unnest(s.deadlines, s.counts) with ordinality as x(deadline_at, cum, ord)
          union all
          select unit_id, excused, deadline_at, n from item_deadline_tallies
        ) k group by 1, 2, 3 having sum(n) <> 0`)
    )
      .map((r) => `${r.unit_id}:${r.excused === true || r.excused === 't'}:${r.at}=${r.n}`)
      .sort();
  const deadlinesRecomputed = async () =>
    (
      await query(sql`
        select coalesce(lead_unit, 0) as unit_id, excused, ${epochMs(sql`deadline_at`)} as at, count(*)::int as n from items
        where code_number is not null and status = 'open' and deadline_at is not null group by 1, 2, 3`)
    )
      .map((r) => `${r.unit_id}:${r.excused === true || r.excused === 't'}:${r.at}=${r.n}`)
      .sort();
  /** The digest's time-dependent counts per first lead unit, against the same counted from the items. */
  const expectDeadlineCounts = async (options: { tallyFoldAfter?: number } = {}) => {
    const window = digestWindow({ at: clock.now(), timezone: deps.config.timezone, dailyTime: '08:30', lastDigestAt: null, severeAfterWorkingDays: 7 });
    const direct = await query(sql`
      select coalesce(lead_unit, 0) as unit_id,
        count(*) filter (where deadline_at < ${window.at.toISOString()}::timestamptz and not excused)::int as overdue,
        count(*) filter (where deadline_at < ${window.severeBefore.toISOString()}::timestamptz and not excused)::int as severe,
        count(*) filter (where deadline_at < ${window.at.toISOString()}::timestamptz and excused)::int as excused,
        count(*) filter (where deadline_at >= ${window.at.toISOString()}::timestamptz and deadline_at < ${window.dueSoonBefore.toISOString()}::timestamptz)::int as due_soon
      from items where code_number is not null and status = 'open' and deadline_at is not null and lead_count <= 1 group by 1`);
    const d = await createDigestsRepository({ db: database.db, ...options }).leadersDigest({
      window,
      limit: 10,
      unitLimit: UNIT_LIST_LIMIT,
      codePrefix: '督办',
    });
    const shown = new Map(d.units.map((u) => [u.unitId, u.counts]));
    let checked = 0;
    for (const r of direct) {
      const unitId = Number(r.unit_id);
      if (unitId === 0) continue;
      expect({
        unitId,
        overdue: shown.get(unitId)?.overdue,
        severe: shown.get(unitId)?.overdueSevere,
        excused: shown.get(unitId)?.overdueExcused,
        dueSoon: shown.get(unitId)?.dueSoon,
      }).toEqual({
        unitId,
        overdue: Number(r.overdue),
        severe: Number(r.severe),
        excused: Number(r.excused),
        dueSoon: Number(r.due_soon),
      });
      checked++;
    }
    return checked;
  };
  const expectConsistent = async () => {
    const now = await recomputed();
    expect(now.length).toBeGreaterThan(0);
    expect(await tallied()).toEqual(now);
    expect(await deadlinesTallied()).toEqual(await deadlinesRecomputed());
  };
  const digest = (options: { tallyFoldAfter?: number } = {}) => {
    const window = digestWindow({ at: clock.now(), timezone: deps.config.timezone, dailyTime: '08:30', lastDigestAt: null, severeAfterWorkingDays: 7 });
    return createDigestsRepository({ db: database.db, ...options }).leadersDigest({ window, limit: 10, unitLimit: UNIT_LIST_LIMIT, codePrefix: '督办' });
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    clock = createManualClock('2026-03-02T09:00:00+08:00');
    deps = digestsDeps(database.db, clock);
    org = await seedDigestOrg(deps);
  });
  afterAll(async () => {
    await database.drop();
  });

  let a = 0;
  let b = 0;
  let c = 0;

  it('counts opened items per lead unit and every unit that has not acknowledged', async () => {
    at(clock, '2026-03-02 09:00');
    a = await openItem(deps, { lead: [org.housing], cooperating: [org.urban, org.education], deadline: '2026-03-05' });
    b = await openItem(deps, { lead: [org.urban], deadline: '2026-03-20' });
    c = await openItem(deps, { lead: [org.resources], cooperating: [org.housing], deadline: '2026-03-04' });
    await expectConsistent();
    const d = await digest();
    expect(d.totals.open).toBe(3);
    expect(d.totals.unacknowledged).toBe(3);
    const unit = (id: number) => d.units.find((u) => u.unitId === id)!.counts;
    expect(unit(org.housing)).toMatchObject({ open: 1, unacknowledged: 2 });
    expect(unit(org.urban)).toMatchObject({ open: 1, unacknowledged: 2 });
    expect(unit(org.education)).toMatchObject({ open: 0, unacknowledged: 1 });
  });

  it('follows acknowledgements, results, returns, confirmations and transfers', async () => {
    at(clock, '2026-03-03 09:00');
    await act(deps, HOUSING_STAFF, a, { type: 'acknowledge' });
    await act(deps, URBAN_STAFF, a, { type: 'acknowledge' });
    await act(deps, URBAN_STAFF, b, { type: 'acknowledge' });
    await expectConsistent();
    await act(deps, URBAN_STAFF, b, { type: 'submit_result', text: '已完成整改。' });
    await expectConsistent();
    let d = await digest();
    expect(d.totals.waiting).toBe(1);
    await act(deps, LEADER, b, { type: 'return_result', reason: '请补充整改照片。' });
    await expectConsistent();
    await act(deps, URBAN_STAFF, b, { type: 'submit_result', text: '已补充照片。' });
    await act(deps, LEADER, b, { type: 'confirm_result' });
    await expectConsistent();
    await act(deps, RESOURCES_STAFF, c, { type: 'acknowledge' });
    await act(deps, LEADER, c, { type: 'transfer', fromUnitId: org.resources, toUnitId: org.urban, reason: '职责调整。' });
    await expectConsistent();
    at(clock, '2026-03-11 09:00');
    d = await digest();
    expect(d.totals.open).toBe(2);
    expect(d.totals.waiting).toBe(0);
    // a is overdue with 教育局 not acknowledged; c moved to 城管局, which has not acknowledged it.
    expect(d.totals.overdue).toBe(2);
    expect(d.units.find((u) => u.unitId === org.urban)!.counts).toMatchObject({ open: 1, overdue: 1, unacknowledged: 1 });
    expect(d.units.find((u) => u.unitId === org.resources)?.counts.open ?? 0).toBe(0);
  });

  it('counts overdue, severe, excused and due-soon items from the folded deadlines and the deltas, at any moment', async () => {
    at(clock, '2026-02-10 09:00');
    const ids: number[] = [];
    for (const [lead, deadline, deadlineTime] of [
      [org.housing, '2026-03-02', null],
      [org.housing, '2026-03-02', null],
      [org.housing, '2026-03-11', '08:59'],
      [org.housing, '2026-03-11', '09:00'],
      [org.housing, '2026-03-12', null],
      [org.education, '2026-02-20', null],
      [org.education, '2026-03-13', null],
      [org.education, '2026-05-01', null],
    ] as const) {
      ids.push(await openItem(deps, { lead: [lead], deadline, deadlineTime }));
    }
    await expectConsistent();
    at(clock, '2026-03-11 09:00');
    // Appended only: nothing folded yet (the summary holds the items of the migration, none).
    expect(await expectDeadlineCounts()).toBeGreaterThanOrEqual(3);
    // Folded on reading, then more deltas on top of the summary: an excused item, a deadline
    // moved later (an extension), a deadline moved earlier, a closed one.
    expect(await expectDeadlineCounts({ tallyFoldAfter: 0 })).toBeGreaterThanOrEqual(3);
    const [{ n: folded } = { n: -1 }] = await query(sql`select count(*)::int as n from item_deadline_tallies`);
    expect(Number(folded)).toBe(0);
    await query(sql`update items set excused = true where id = ${ids[0]!}`);
    await query(sql`update items set deadline_at = deadline_at + interval '10 days' where id = ${ids[1]!}`);
    await query(sql`update items set deadline_at = deadline_at - interval '20 days' where id = ${ids[6]!}`);
    await query(sql`update items set status = 'result_submitted' where id = ${ids[4]!}`);
    await expectConsistent();
    // Exactly at a deadline (09:00 on the 11th is not yet overdue at 09:00), a minute later, the
    // next working day, a week on (severe), each read with and without a fold first.
    for (const moment of ['2026-03-11 09:00', '2026-03-11 09:01', '2026-03-12 09:00', '2026-03-23 09:00']) {
      at(clock, moment);
      expect(await expectDeadlineCounts()).toBeGreaterThanOrEqual(2);
      expect(await expectDeadlineCounts({ tallyFoldAfter: 0 })).toBeGreaterThanOrEqual(2);
      await expectConsistent();
    }
    at(clock, '2026-03-11 09:00');
    const [housing] = (await digest()).units.filter((u) => u.unitId === org.housing);
    // Housing: the 03-02 excused one, the one moved to 03-12, 03-11 08:59 overdue, 03-11 09:00 due soon.
    expect(housing!.counts).toMatchObject({ overdueExcused: 1, dueSoon: 2 });
    for (const id of ids) await act(deps, LEADER, id, { type: 'cancel', reason: '测试结束。' });
    await expectConsistent();
  });

  it('follows a cancellation, a raw update of many rows and a delete', async () => {
    await act(deps, LEADER, a, { type: 'cancel', reason: '任务调整。' });
    await expectConsistent();
    const extra = await openItem(deps, { lead: [org.education], deadline: '2026-04-30' });
    await openItem(deps, { lead: [org.housing, org.urban], deadline: '2026-04-30' });
    await query(sql`update items set status = 'result_submitted' where status = 'open' and id <> ${extra}`);
    await expectConsistent();
    // An item written straight into the table (as an import would), then deleted: it has no
    // history (item_events is append-only, so only such an item can be deleted).
    const [raw] = await query(sql`
      insert into items (code_year, code_number, status, level, instruction, issued_by, drafted_by, source_chat_id, created_at, updated_at, version, state)
      values (2026, 900, 'open', 'routine', '导入的事项', ${LEADER}, ${LEADER}, -1, now(), now(), 1,
        jsonb_build_object('units', jsonb_build_array(
          jsonb_build_object('unitId', ${org.education}::int, 'role', 'lead', 'removedAt', null, 'acknowledgedAt', null),
          jsonb_build_object('unitId', ${org.resources}::int, 'role', 'cooperating', 'removedAt', null, 'acknowledgedAt', null))))
      returning id`);
    await expectConsistent();
    expect((await digest()).units.find((u) => u.unitId === org.resources)!.counts.unacknowledged).toBe(1);
    await query(sql`delete from items where id = ${Number(raw!.id)}`);
    expect((await digest()).units.find((u) => u.unitId === org.resources)?.counts.unacknowledged ?? 0).toBe(0);
    await expectConsistent();
  });

  it('folds the appended deltas into one row per key when read', async () => {
    await query(sql`update items set status = 'open' where status = 'result_submitted'`);
    await query(sql`update items set status = 'result_submitted' where status = 'open'`);
    const [rows] = await query(sql`select count(*)::int as n from item_tallies`);
    const keys = (await tallied()).length;
    expect(Number(rows!.n)).toBeGreaterThan(keys);
    // Not yet: the deltas are few (fewer than 1,000 beyond twice the keys).
    await digest();
    const [kept] = await query(sql`select count(*)::int as n from item_tallies`);
    expect(Number(kept!.n)).toBe(Number(rows!.n));
    await digest({ tallyFoldAfter: 0 });
    const [folded] = await query(sql`select count(*)::int as n from item_tallies`);
    expect(Number(folded!.n)).toBe(keys);
    await expectConsistent();
  });

  it('empties with a truncate of the items', async () => {
    await query(sql`truncate items cascade`);
    const [rows] = await query(sql`select count(*)::int as n from item_tallies`);
    expect(Number(rows!.n)).toBe(0);
  });
});
