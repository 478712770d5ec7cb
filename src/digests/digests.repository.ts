import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { formatItemCode } from '../items/model/refs.js';
import { NAG_KINDS, type HistoryEvent, type NagRecord } from './bulletin.figures.js';
import {
  type CoordinationLine,
  emptyChanges,
  emptyCounts,
  type DecisionItem,
  type DigestChanges,
  type DigestCounts,
  type DigestItem,
  type DigestWindow,
  type LeadersDigest,
  type LeadersDigestUnit,
  type OverdueMilestoneRow,
  type Section,
  type UnitDigest,
  type UnitDigestItem,
} from './digest-text.js';

/**
 * The digests' queries. Counting happens in SQL (a digest over 100,000 open items must not load
 * them); only the items a digest lists are read, and only their short columns.
 *
 * Raw SQL, because the drivers disagree on raw values: instants come back as epoch milliseconds
 * (a float both drivers return as a number) and go in as ISO text cast to timestamptz.
 *
 * Speed (test/bench/digest.bench.ts): every per-row condition compares instants or tests text for
 * equality; an ordering comparison of text (a deadline date against '2026-03-16') goes through
 * the database's collation and costs far more over 100,000 rows. Without JIT: the planner's
 * estimates for these statements cross its threshold, and compiling costs more than it saves.
 * The leaders digest never scans the items: what does not depend on the time of reading comes
 * from item_tallies (running counts kept by triggers on items, drizzle/0007), the overdue and
 * due-soon counts from an index over the deadlines of the open items up to the due-soon horizon
 * (read alone, without the table), what opened or closed from the opening and closing indexes,
 * and the items it lists through indexes, a few rows for each unit it shows in full; its
 * statements run side by side on the pool's connections. In numbers (500 units, 100,000 open
 * items): about 35 ms, 3 to 5 times one plain scan of the items table.
 * A unit's digest scans the items once and materializes that narrow scan.
 */

type Row = Record<string, unknown>;

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const epoch = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::float8`;
const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(Number(v)));
const toNumbers = (v: unknown): number[] => {
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === 'string') return v.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
  return [];
};

/**
 * One scan of `items` per digest: the items a window is about (open, or opened or closed in it),
 * with only the short columns and one flag per count, materialized once; counts and the lists
 * are then taken from that, and only the listed items are read in full.
 */
function scope(w: DigestWindow) {
  const at = ts(w.at);
  const since = ts(w.since);
  return sql`s as materialized (
    select i.id, i.deadline_at, i.opened_at, i.closed_at, i.result_submitted_at,
      i.status in ('open', 'result_submitted') as f_open,
      i.status = 'open' and i.deadline_at < ${at} as f_late,
      i.status = 'open' and i.deadline_at < ${at} and not i.excused as f_overdue,
      i.status = 'open' and i.deadline_at < ${at} and not i.excused and i.deadline_at < ${ts(w.severeBefore)} as f_severe,
      i.status = 'open' and i.deadline_at < ${at} and i.excused as f_excused,
      i.status = 'open' and i.deadline_at >= ${at} and i.deadline_at < ${ts(w.dueSoonBefore)} as f_due_soon,
      i.status = 'result_submitted' as f_waiting,
      i.opened_at > ${since} and i.opened_at <= ${at} and i.status <> 'cancelled' as f_opened,
      i.status = 'closed' and i.closed_at > ${since} and i.closed_at <= ${at} as f_closed,
      i.status = 'open' as f_open_only,
      i.lead_count > 1 as f_joint
    from items i
    where i.code_number is not null
      and (i.status in ('open', 'result_submitted') or (i.opened_at > ${since} and i.opened_at <= ${at}) or (i.closed_at > ${since} and i.closed_at <= ${at}))
  )`;
}

/** The counts over rows of `s` (joined or not); `unacknowledged` needs the unit's row. */
function countColumns(unacknowledged: SQL) {
  return sql`
    count(*) filter (where f_open)::int as open,
    count(*) filter (where f_overdue)::int as overdue,
    count(*) filter (where f_severe)::int as overdue_severe,
    count(*) filter (where f_excused)::int as overdue_excused,
    count(*) filter (where f_due_soon)::int as due_soon,
    count(*) filter (where f_waiting)::int as waiting,
    count(*) filter (where f_opened)::int as opened,
    count(*) filter (where f_closed)::int as closed,
    count(*) filter (where ${unacknowledged})::int as unacknowledged`;
}

function countsOf(row: Row | undefined): DigestCounts {
  if (!row) return emptyCounts();
  return {
    open: Number(row.open),
    overdue: Number(row.overdue),
    overdueSevere: Number(row.overdue_severe),
    overdueExcused: Number(row.overdue_excused),
    dueSoon: Number(row.due_soon),
    waiting: Number(row.waiting),
    opened: Number(row.opened),
    closed: Number(row.closed),
    unacknowledged: Number(row.unacknowledged),
  };
}

/**
 * A listed item, in full, as one JSON object (so that count rows and item rows share one
 * result); with its lead units for the leaders digest (a unit's own digest shows its role instead).
 */
function itemJson(options: { leadUnits: boolean }) {
  const leads = options.leadUnits
    ? sql`, 'lead_unit_ids', (select coalesce(array_agg(l.unit_id order by l.unit_id), '{}') from item_units l where l.item_id = i.id and l.role = 'lead')`
    : sql``;
  return sql`jsonb_build_object(
    'id', i.id, 'code_year', i.code_year, 'code_number', i.code_number, 'text', left(i.instruction, 80), 'status', i.status,
    'deadline', i.deadline, 'deadline_time', i.deadline_time, 'excused', i.excused,
    'deadline_at', ${epoch(sql`i.deadline_at`)}, 'opened_at', ${epoch(sql`i.opened_at`)},
    'result_submitted_at', ${epoch(sql`i.result_submitted_at`)}, 'closed_at', ${epoch(sql`i.closed_at`)},
    'closed_on_time', case when i.status = 'closed' then (i.state -> 'result' ->> 'at')::timestamptz <= i.deadline_at end${leads})`;
}

const json = (v: unknown): Row => (typeof v === 'string' ? (JSON.parse(v) as Row) : ((v as Row | null) ?? {}));

function itemOf(row: Row, codePrefix: string): DigestItem {
  return {
    id: Number(row.id),
    code: formatItemCode(codePrefix, Number(row.code_year), Number(row.code_number)),
    text: String(row.text ?? ''),
    status: String(row.status),
    deadline: (row.deadline as string | null) ?? null,
    deadlineTime: (row.deadline_time as string | null) ?? null,
    deadlineAt: toDate(row.deadline_at),
    openedAt: toDate(row.opened_at),
    resultSubmittedAt: toDate(row.result_submitted_at),
    closedAt: toDate(row.closed_at),
    closedOnTime: row.closed_on_time === null || row.closed_on_time === undefined ? null : Boolean(row.closed_on_time),
    excused: Boolean(row.excused),
    leadUnitIds: toNumbers(row.lead_unit_ids),
  };
}

/** The history events the "changed since the last digest" lines count, by the unit each names. */
const CHANGE_EVENTS: Record<string, keyof DigestChanges> = {
  unit_acknowledged: 'acknowledged',
  result_submitted: 'submitted',
  result_returned: 'returned',
  extension_requested: 'extensionsRequested',
  extension_approved: 'extensionsApproved',
  extension_rejected: 'extensionsRejected',
};

/** An item waits on a leader: its result waits for confirmation, or a unit asked for more time. */
const WAITS_ON_LEADER = sql`(i.status = 'result_submitted' or (i.status = 'open' and i.extension_requested_at is not null))`;

/**
 * 共同牵头: whether this lead unit of the item (`i`) has submitted its own result or was waived, so
 * that an item still open for another lead unit is not listed as overdue for it.
 */
function leadDelivered(unitId: SQL): SQL {
  return sql`jsonb_path_exists(i.state, '$.units[*] ? (@.unitId == $u && @.removedAt == null && @.role == "lead" && (exists(@.result.at) || exists(@.resultWaived.at)))', jsonb_build_object('u', ${unitId}))`;
}

/**
 * The class of an item in a digest's window, one letter: open and x excused overdue, S severe
 * overdue, O overdue, D due soon, o later; w result waiting; c closed in the window; - otherwise.
 * (p, for one lead unit of a joint item: it delivered, the item waits on another lead.)
 */
function kindOf(w: DigestWindow): SQL {
  const at = ts(w.at);
  return sql`case
    when i.status = 'open' then case
      when i.deadline_at < ${at} then case when i.excused then 'x' when i.deadline_at < ${ts(w.severeBefore)} then 'S' else 'O' end
      when i.deadline_at < ${ts(w.dueSoonBefore)} then 'D'
      else 'o' end
    when i.status = 'result_submitted' then 'w'
    when i.status = 'closed' and i.closed_at > ${ts(w.since)} and i.closed_at <= ${at} then 'c'
    else '-' end`;
}

/** Adds `n` items of one class (see kindOf), new in the window or not, to some counts. */
function addKind(c: DigestCounts, kind: string, isNew: boolean, n: number): void {
  if (kind !== '-' && kind !== 'c') c.open += n;
  if (kind === 'S' || kind === 'O') c.overdue += n;
  if (kind === 'S') c.overdueSevere += n;
  if (kind === 'x') c.overdueExcused += n;
  if (kind === 'D') c.dueSoon += n;
  if (kind === 'w') c.waiting += n;
  if (kind === 'c') c.closed += n;
  if (isNew) c.opened += n;
}

/** The advisory lock that keeps two folds of item_tallies apart (any number, fixed for the app). */
const TALLY_FOLD_LOCK = 0x64756261;
/** The tallies are folded when their rows outnumber twice their keys by this many. */
const TALLY_FOLD_AFTER = 1000;

/** Memory for one digest statement: the materialized scan of 100,000 items takes about 8 MB. */
const DIGEST_WORK_MEM = '32MB';

/** 调查复核 pending: a verification (state.verification) without a verdict yet. */
function awaitsVerification(value: unknown): boolean {
  const v = value === null || value === undefined ? null : json(value);
  return v !== null && typeof v === 'object' && 'verdict' in v && (v as { verdict: unknown }).verdict === null;
}

export function createDigestsRepository({ db, tallyFoldAfter = TALLY_FOLD_AFTER }: { db: DbOrTx; tallyFoldAfter?: number }) {
  const run = async (query: SQL) => rowsOf(await db.execute(query));
  /** Runs one digest statement in a transaction of its own, with the work_mem it needs. */
  const runDigest = (query: SQL) =>
    db.transaction(async (tx) => {
      // One round trip for the settings (set_config(..., true) is SET LOCAL).
      await tx.execute(sql`select set_config('work_mem', ${DIGEST_WORK_MEM}, true), set_config('jit', 'off', true)`);
      return rowsOf(await tx.execute(query));
    });

  /**
   * The counts of the leaders digest per first lead unit (0: none), in one statement and one
   * row per unit, none of them a scan of the items:
   * - what does not depend on the time of reading, from the running tallies (item_tallies, kept
   *   by triggers on items): open and waiting items, how many of them some unit has not
   *   acknowledged, and per unit (any role) the open items it has not acknowledged;
   * - what does: overdue (severe among them), excused and due soon, from the folded deadlines
   *   (item_deadline_summary: per unit and excused flag, the number due before a moment is one
   *   binary search in its running counts) plus the deadlines appended since the fold; and what
   *   opened or closed in the window, from the opening and closing indexes alone.
   * Both kinds of tallies are deltas summed here; when they have grown to many more rows than
   * keys (a day of changes), they are folded and the counts read again.
   */
  async function unitCounts(w: DigestWindow) {
    const at = ts(w.at);
    const since = ts(w.since);
    // The number of deadlines strictly before a moment: width_bucket counts the deadlines at or
    // before its operand, and timestamps are whole microseconds.
    const before = (moment: Date) => sql`coalesce(s.counts[width_bucket(${ts(moment)}::timestamptz - interval '1 microsecond', s.deadlines)], 0)`;
    const read = () =>
      run(sql`
        with t as (
          select unit_id,
            sum(n) filter (where kind = 1) as open,
            sum(n) filter (where kind = 1 and status = 'result_submitted') as waiting,
            sum(n) filter (where kind = 1 and unacked) as open_unacked,
            sum(n) filter (where kind = 2) as unacknowledged,
            count(*) as parts
          from item_tallies group by unit_id
        ),
        d as (
          select unit_id, sum(overdue) as overdue, sum(severe) as severe, sum(excused) as excused, sum(due_soon) as due_soon
          from (
            select s.unit_id,
              case when s.excused then 0 else ${before(w.at)} end as overdue,
              case when s.excused then 0 else ${before(w.severeBefore)} end as severe,
              case when s.excused then ${before(w.at)} else 0 end as excused,
              ${before(w.dueSoonBefore)} - ${before(w.at)} as due_soon
            from item_deadline_summary s
            union all
            select unit_id,
              case when deadline_at < ${at} and not excused then n else 0 end,
              case when deadline_at < ${ts(w.severeBefore)} and not excused then n else 0 end,
              case when deadline_at < ${at} and excused then n else 0 end,
              case when deadline_at >= ${at} then n else 0 end
            from item_deadline_tallies where deadline_at < ${ts(w.dueSoonBefore)}
          ) x
          group by unit_id
        ),
        o as (
          select coalesce(i.lead_unit, 0) as unit_id, count(*) as opened from items i
          where i.code_number is not null and i.opened_at > ${since} and i.opened_at <= ${at} and i.status <> 'cancelled'
          group by 1
        ),
        c as (
          select coalesce(i.lead_unit, 0) as unit_id, count(*) as closed from items i
          where i.code_number is not null and i.closed_at > ${since} and i.closed_at <= ${at} and i.status = 'closed'
          group by 1
        )
        select unit_id,
          coalesce(t.open, 0)::int as open, coalesce(t.waiting, 0)::int as waiting,
          coalesce(t.open_unacked, 0)::int as open_unacked, coalesce(t.unacknowledged, 0)::int as unacknowledged,
          coalesce(t.parts, 0)::int as parts, (select count(*) from item_deadline_tallies)::int as deadline_parts,
          coalesce(d.overdue, 0)::int as overdue, coalesce(d.severe, 0)::int as severe,
          coalesce(d.excused, 0)::int as excused, coalesce(d.due_soon, 0)::int as due_soon,
          coalesce(o.opened, 0)::int as opened, coalesce(c.closed, 0)::int as closed
        from t full join d using (unit_id) full join o using (unit_id) full join c using (unit_id)`);
    const rows = await read();
    const parts = rows.reduce((sum, r) => sum + Number(r.parts), 0);
    const deadlineParts = Number(rows[0]?.deadline_parts ?? 0);
    // At most five keys per unit (kind 1: two statuses by two flags; kind 2: one).
    if (parts <= tallyFoldAfter + 5 * rows.length && deadlineParts <= tallyFoldAfter) return rows;
    await foldTallies();
    return read();
  }

  /**
   * Folds the tallies' deltas into one row per key (zeros dropped), and the deadlines appended
   * since the last fold into the summary's running counts, under a lock so that two folds never
   * overlap: the second waits, then reads the first's rows with a fresh snapshot. Deltas
   * appended meanwhile by other transactions are not in the snapshot and stay as they are. A
   * reader's one statement sees either the old summary and deltas or the new ones. Without
   * waiting for the disk at commit: a fold lost in a crash leaves the same sums.
   */
  async function foldTallies() {
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${TALLY_FOLD_LOCK}), set_config('synchronous_commit', 'off', true)`);
      await tx.execute(sql`
        with d as (delete from item_tallies returning kind, unit_id, status, unacked, n)
        insert into item_tallies (kind, unit_id, status, unacked, n)
        select kind, unit_id, status, unacked, sum(n)::int from d group by 1, 2, 3, 4 having sum(n) <> 0`);
      // The summary back to one count per deadline (the running counts' differences), the new
      // deadlines added, and the running counts made again. The summary has no unique key: the
      // rows deleted and the rows inserted by this one statement never clash.
      await tx.execute(sql`
        with appended as (delete from item_deadline_tallies returning unit_id, excused, deadline_at, n),
        old as (delete from item_deadline_summary returning unit_id, excused, deadlines, counts),
        expanded as (
          select o.unit_id, o.excused, x.deadline_at, x.cum - coalesce(o.counts[x.ord::int - 1], 0) as n
          from old o cross join lateral unnest(o.deadlines, o.counts) with ordinality as x(deadline_at, cum, ord)
        ),
        merged as (
          select unit_id, excused, deadline_at, sum(n) as n
          from (select unit_id, excused, deadline_at, n from expanded union all select unit_id, excused, deadline_at, n from appended) k
          group by 1, 2, 3 having sum(n) <> 0
        )
        insert into item_deadline_summary (unit_id, excused, deadlines, counts)
        select unit_id, excused, array_agg(deadline_at order by deadline_at), array_agg(cum order by deadline_at)
        from (select *, (sum(n) over (partition by unit_id, excused order by deadline_at))::int as cum from merged) c
        group by unit_id, excused`);
    });
  }

  /**
   * Items with several lead units (共同牵头), one statement: `other` rows, the classes of their
   * other lead units (from item_units), where a lead that delivered (or was waived) while the
   * item waits on another is 'p': open, neither overdue nor due soon for it; `first` rows, the
   * open items whose first lead unit delivered, which unitCounts counted for it by the item's
   * deadline (the caller moves them to 'p').
   */
  async function jointLeadCounts(w: DigestWindow) {
    const at = ts(w.at);
    const since = ts(w.since);
    return run(sql`
      select false as first, iu.unit_id, case when i.status = 'open' and ${leadDelivered(sql`iu.unit_id`)} then 'p' else ${kindOf(w)} end as kind,
        (i.opened_at > ${since} and i.opened_at <= ${at}) as is_new, count(*)::int as n
      from items i join item_units iu on iu.item_id = i.id and iu.role = 'lead' and iu.unit_id <> i.lead_unit
      where i.lead_count > 1 and i.status in ('open', 'result_submitted', 'closed') and i.code_number is not null
      group by 1, 2, 3, 4
      union all
      select true, i.lead_unit, ${kindOf(w)}, (i.opened_at > ${since} and i.opened_at <= ${at}), count(*)::int
      from items i
      where i.lead_count > 1 and i.status in ('open', 'result_submitted', 'closed') and i.status = 'open' and i.code_number is not null
        and ${leadDelivered(sql`i.lead_unit`)}
      group by 1, 2, 3, 4`);
  }

  /**
   * Per unit of `unitIds`, the oldest `limit` unacknowledged (any role), overdue and waiting items, each found
   * through an index: a few rows per unit, whatever the number of items. Items with several lead
   * units (few) are read whole for their other lead units; the caller keeps the oldest `limit`.
   */
  async function unitLists(w: DigestWindow, limit: number, unitIds: number[]) {
    if (unitIds.length === 0) return [];
    const at = ts(w.at);
    // One array parameter: the same statement whatever the number of units, prepared once, which
    // PostgreSQL soon runs on its generic plan (planned anew each time, it cost more to plan than to run).
    const ids = sql`${`{${unitIds.map((id) => Math.trunc(id)).join(',')}}`}::int[]`;
    return run(sql`
      with u (id) as (select unnest(${ids}))
      select 'overdue' as kind, u.id as unit_id, x.* from u cross join lateral (
        select i.id, 'lead' as role, ${epoch(sql`i.deadline_at`)} as since, i.code_year, i.code_number, i.deadline from items i
        where i.lead_unit = u.id and i.status = 'open' and not i.excused and i.deadline_at < ${at} and i.code_number is not null
        order by i.deadline_at, i.id limit ${limit}) x
      union all
      select 'waiting', u.id, x.* from u cross join lateral (
        select i.id, 'lead', ${epoch(sql`i.result_submitted_at`)}, i.code_year, i.code_number, i.deadline from items i
        where i.lead_unit = u.id and i.status = 'result_submitted' and i.code_number is not null
        order by i.result_submitted_at, i.id limit ${limit}) x
      union all
      select 'unacknowledged', u.id, x.* from u cross join lateral (
        select i.id, iu.role, ${epoch(sql`iu.assigned_at`)}, i.code_year, i.code_number, i.deadline
        from item_units iu join items i on i.id = iu.item_id
        where iu.unit_id = u.id and iu.acknowledged_at is null and iu.item_open and i.status = 'open' and i.code_number is not null
        order by iu.assigned_at, iu.item_id limit ${limit}) x
      union all
      select case when i.status = 'result_submitted' then 'waiting' else 'overdue' end, iu.unit_id, i.id, 'lead',
        ${epoch(sql`case when i.status = 'result_submitted' then i.result_submitted_at else i.deadline_at end`)}, i.code_year, i.code_number, i.deadline
      from items i join item_units iu on iu.item_id = i.id and iu.role = 'lead' and iu.unit_id <> i.lead_unit
      where i.lead_count > 1 and i.code_number is not null and iu.unit_id = any(${ids})
        and (i.status = 'result_submitted' or (i.status = 'open' and not i.excused and i.deadline_at < ${at}))`);
  }

  /**
   * The items that wait on a leader (results to confirm, extension requests), at most `limit`:
   * those the reader issued or has in charge first, then the longest waiting.
   */
  async function waitingOnLeaders(input: { limit: number; codePrefix: string; readerId: number | null }): Promise<LeadersDigest['decisions']> {
    // For a group (no reader), through indexes: the oldest results waiting and the oldest
    // extension requests, and the number of requests (the results' number is the counts'
    // `waiting`, added by the caller). For one leader, every waiting item is read to put that
    // leader's own first (a /digest only).
    const mine = input.readerId === null ? sql`false` : sql`(i.issued_by = ${input.readerId} or coalesce(i.leader_in_charge = ${input.readerId}, false))`;
    const group = input.readerId === null;
    const waiting = group
      ? sql`(select i.id, false as mine, i.result_submitted_at as since, false as counted from items i
           where i.status = 'result_submitted' and i.code_number is not null order by i.result_submitted_at, i.id limit ${input.limit})
         union all
         (select i.id, false, i.extension_requested_at, true from items i
           where i.status = 'open' and i.extension_requested_at is not null and i.code_number is not null order by i.extension_requested_at, i.id limit ${input.limit})`
      : sql`select i.id, ${mine} as mine, coalesce(i.result_submitted_at, i.extension_requested_at) as since, true as counted
         from items i where i.code_number is not null and ${WAITS_ON_LEADER}`;
    const totalCount = group
      ? sql`(select count(*) from items i where i.status = 'open' and i.extension_requested_at is not null and i.code_number is not null)`
      : sql`(select count(*) from d where counted)`;
    const rows = await run(sql`
      with d as materialized (${waiting}),
      top as (select * from d order by mine desc, since, id limit ${input.limit})
      select 'total' as kind, 0::bigint as ord, jsonb_build_object('total', ${totalCount}, 'mine', (select count(*) from d where mine)) as row,
        null::boolean as mine, null::int as version, null::bigint as issued_by, null::bigint as leader_in_charge, null::jsonb as extension, null::jsonb as verification
      union all
      select 'item', row_number() over (order by t.mine desc, t.since, t.id), ${itemJson({ leadUnits: true })}, t.mine, i.version, i.issued_by, i.leader_in_charge,
        i.state -> 'pendingExtension', i.state -> 'verification'
      from top t join items i on i.id = t.id`);
    let total = 0;
    let mineTotal = 0;
    const items: { ord: number; item: DecisionItem }[] = [];
    for (const r of rows) {
      if (r.kind === 'total') {
        const row = json(r.row);
        total = Number(row.total);
        mineTotal = Number(row.mine);
        continue;
      }
      const item = itemOf(json(r.row), input.codePrefix);
      const ext = r.extension === null || r.extension === undefined ? null : json(r.extension);
      items.push({
        ord: Number(r.ord),
        item: {
          ...item,
          version: Number(r.version),
          issuedBy: Number(r.issued_by),
          leaderInCharge: r.leader_in_charge === null || r.leader_in_charge === undefined ? null : Number(r.leader_in_charge),
          result: item.status === 'result_submitted',
          extension:
            ext && typeof ext === 'object' && 'until' in ext
              ? {
                  unitId: Number(ext.unitId),
                  until: String(ext.until),
                  untilTime: (ext.untilTime as string | null) ?? null,
                  requestedAt: ext.requestedAt ? new Date(String(ext.requestedAt)) : null,
                }
              : null,
          mine: r.mine === true || r.mine === 't',
          awaitingVerification: item.status === 'result_submitted' && awaitsVerification(r.verification),
        },
      });
    }
    items.sort((a, b) => a.ord - b.ord);
    return { items: items.map((x) => x.item), total, mine: mineTotal };
  }

  /**
   * 逐级协调: the coordination requests not yet resolved on items still open (or awaiting
   * confirmation), of the given units or all, oldest first, at most `limit`, with their number.
   * Reads the open items' JSON state (requests are few; items without any are skipped cheaply).
   */
  async function openCoordinations(input: { limit: number; codePrefix: string; unitIds?: number[] }): Promise<{ items: CoordinationLine[]; total: number }> {
    const units = input.unitIds
      ? sql`and (e ->> 'unitId')::bigint in (${sql.join(
          input.unitIds.map((id) => sql`${id}`),
          sql`, `,
        )})`
      : sql``;
    const rows = await run(sql`
      with c as materialized (
        select i.id, i.code_year, i.code_number, (e ->> 'id')::int as cid, (e ->> 'unitId')::bigint as unit_id, e ->> 'text' as text,
          e ->> 'level' as level, ${epoch(sql`(e ->> 'raisedAt')::timestamptz`)} as since
        from items i cross join lateral jsonb_array_elements(case when jsonb_typeof(i.state -> 'coordinations') = 'array' then i.state -> 'coordinations' else '[]'::jsonb end) e
        where i.status in ('open', 'result_submitted') and i.open_coordinations > 0 and i.code_number is not null and (e -> 'resolved') = 'null'::jsonb ${units}
      )
      select *, count(*) over () as total from c order by since, id, cid limit ${input.limit}`);
    return {
      items: rows.map((r) => ({
        itemId: Number(r.id),
        code: formatItemCode(input.codePrefix, Number(r.code_year), Number(r.code_number)),
        id: Number(r.cid),
        unitId: Number(r.unit_id),
        since: toDate(r.since) ?? new Date(0),
        level: String(r.level),
        text: String(r.text ?? ''),
      })),
      total: Number(rows[0]?.total ?? 0),
    };
  }

  /** What changed per unit in the window, from the history: counts per unit and kind. */
  async function changesIn(w: DigestWindow): Promise<{ unitId: number; change: keyof DigestChanges; count: number }[]> {
    const types = sql.join(
      Object.keys(CHANGE_EVENTS).map((k) => sql`${k}`),
      sql`, `,
    );
    const rows = await run(sql`
      select unit_id, type, count(*)::int as n from item_events
      where at > ${ts(w.since)} and at <= ${ts(w.at)} and unit_id is not null and type in (${types})
      group by unit_id, type`);
    return rows.map((r) => ({ unitId: Number(r.unit_id), change: CHANGE_EVENTS[String(r.type)]!, count: Number(r.n) }));
  }

  /**
   * 时间节点 overdue on `date`: milestones of open items due before that day and not reported
   * (no `done` in the item's state), oldest first, with the items' lead units; only items some of
   * `unitIds` leads when given.
   */
  async function overdueMilestones(input: { date: string; codePrefix: string; unitIds?: number[] }): Promise<OverdueMilestoneRow[]> {
    const units = input.unitIds
      ? sql`and exists (select 1 from item_units f where f.item_id = i.id and f.role = 'lead' and f.unit_id in (${sql.join(
          input.unitIds.map((id) => sql`${id}`),
          sql`, `,
        )}))`
      : sql``;
    const rows = await run(sql`
      select i.id, i.code_year, i.code_number, m.ord::int as ord, m.value ->> 'due' as due, m.value ->> 'text' as text,
        (select coalesce(array_agg(l.unit_id order by l.unit_id), '{}') from item_units l where l.item_id = i.id and l.role = 'lead') as lead_unit_ids
      from items i cross join lateral jsonb_array_elements(coalesce(i.state -> 'milestones', '[]'::jsonb)) with ordinality as m(value, ord)
      where i.status = 'open' and i.code_number is not null
        and i.milestones_pending > 0
        and m.value ->> 'due' < ${input.date}
        and jsonb_typeof(m.value -> 'done') is distinct from 'object'
        ${units}
      order by due, i.id, ord`);
    return rows.map((r) => ({
      itemId: Number(r.id),
      code: formatItemCode(input.codePrefix, Number(r.code_year), Number(r.code_number)),
      index: Number(r.ord),
      due: String(r.due),
      text: String(r.text ?? ''),
      leadUnitIds: toNumbers(r.lead_unit_ids),
    }));
  }

  /** The first `limit` items due soon and new in the window, through the deadline and opening indexes. */
  async function sections(w: DigestWindow, limit: number, codePrefix: string): Promise<Record<Section, DigestItem[]>> {
    const at = ts(w.at);
    const since = ts(w.since);
    const rows = await run(sql`
      with picked as (
        (select 'dueSoon' as section, i.id, i.deadline_at as k from items i
         where i.status = 'open' and i.deadline_at >= ${at} and i.deadline_at < ${ts(w.dueSoonBefore)} and i.code_number is not null
         order by i.deadline_at, i.id limit ${limit})
        union all
        (select 'opened', i.id, i.opened_at from items i
         where i.opened_at > ${since} and i.opened_at <= ${at} and i.status <> 'cancelled' and i.code_number is not null
         order by i.opened_at, i.id limit ${limit})
      )
      select p.section, ${itemJson({ leadUnits: true })} as row from picked p join items i on i.id = p.id order by p.section, p.k, p.id`);
    const out: Record<Section, DigestItem[]> = { dueSoon: [], opened: [] };
    for (const r of rows) out[r.section as Section].push(itemOf(json(r.row), codePrefix));
    return out;
  }

  return {
    /**
     * Where a digest's window starts, in one round trip: when the last scheduled digest ran (its
     * claim time in cron_runs) before `before`, null before the first one (`jobName` is the
     * scheduler job the digest runs under); and only then when the bot was installed, as far as
     * the database knows: the first person, unit or chat binding it recorded (an organisation
     * starts by being set up), null on an empty database. PostgreSQL evaluates the installation's
     * subqueries only when the CASE needs them.
     */
    async windowStart(input: { jobName: string; before: Date }): Promise<{ lastDigestAt: Date | null; installedAt: Date | null }> {
      const rows = await run(sql`
        with last as (
          select started_at from cron_runs
          where name = ${input.jobName} and outcome in ('sent', 'late') and started_at < ${ts(input.before)}
          order by started_at desc limit 1
        )
        select ${epoch(sql`(select started_at from last)`)} as last_at,
          case when (select started_at from last) is null then
            ${epoch(sql`least((select min(created_at) from people), (select min(created_at) from units), (select min(bound_at) from bound_chats))`)}
          end as installed_at`);
      return { lastDigestAt: toDate(rows[0]?.last_at), installedAt: toDate(rows[0]?.installed_at) };
    },

    /**
     * The leaders digest: totals and per-unit counts (of the items each unit leads; unacknowledged
     * of every unit on an item), per unit the first `unitLimit` unacknowledged, overdue and
     * waiting items (oldest first), what changed per unit since the last digest, the items that
     * wait on a leader (the reader's first when `readerId` is given), and the first `limit` items
     * of each section. No scan of the items for the counts (see unitCounts); everything else through
     * indexes, a few rows at a time; the statements run side by side.
     */
    async leadersDigest(input: {
      window: DigestWindow;
      limit: number;
      unitLimit: number;
      codePrefix: string;
      readerId?: number | null;
      /** Which units' items to list, given every unit's counts and changes (default: all). */
      listUnits?: (units: LeadersDigestUnit[]) => number[] | Promise<number[]>;
    }): Promise<LeadersDigest> {
      const w = input.window;
      // What the lists of the units need (their counts and changes) first; the rest meanwhile,
      // and the lists beside the rest once the units are known.
      const rest = Promise.all([
        waitingOnLeaders({ ...input, readerId: input.readerId ?? null }),
        sections(w, input.limit, input.codePrefix),
        openCoordinations({ limit: input.limit, codePrefix: input.codePrefix }),
        overdueMilestones({ date: w.date, codePrefix: input.codePrefix }),
      ]);
      // Handled here so that a failure of the rest while the counts are read is not unhandled.
      rest.catch(() => {});
      const [countRows, jointRows, changes] = await Promise.all([unitCounts(w), jointLeadCounts(w), changesIn(w)]);

      const totals = emptyCounts();
      const units = new Map<number, LeadersDigestUnit>();
      const unitOf = (unitId: number) => {
        let u = units.get(unitId);
        if (!u) {
          u = { unitId, counts: emptyCounts(), changes: emptyChanges(), unacknowledged: [], overdue: [], waiting: [] };
          units.set(unitId, u);
        }
        return u;
      };
      const yes = (v: unknown) => v === true || v === 't';
      // Unit 0: items without a lead unit, counted in the totals only.
      for (const r of countRows) {
        const unitId = Number(r.unit_id);
        for (const c of unitId > 0 ? [totals, unitOf(unitId).counts] : [totals]) {
          c.open += Number(r.open);
          c.waiting += Number(r.waiting);
          c.overdue += Number(r.overdue);
          c.overdueSevere += Number(r.severe);
          c.overdueExcused += Number(r.excused);
          c.dueSoon += Number(r.due_soon);
          c.opened += Number(r.opened);
          c.closed += Number(r.closed);
        }
        // Per unit: the open items it has not acknowledged (any role); in the totals: the open
        // items some unit has not acknowledged, each once.
        if (unitId > 0) unitOf(unitId).counts.unacknowledged += Number(r.unacknowledged);
        totals.unacknowledged += Number(r.open_unacked);
      }
      for (const r of jointRows) {
        const counts = unitOf(Number(r.unit_id)).counts;
        if (!yes(r.first)) addKind(counts, String(r.kind), yes(r.is_new), Number(r.n));
        else {
          // 共同牵头: a first lead that delivered is not overdue (nor due soon) for an item another lead still owes.
          addKind(counts, String(r.kind), yes(r.is_new), -Number(r.n));
          addKind(counts, 'p', yes(r.is_new), Number(r.n));
        }
      }

      const totalChanges = { ...emptyChanges(), opened: totals.opened, closed: totals.closed };
      for (const c of changes) {
        unitOf(c.unitId).changes[c.change] += c.count;
        totalChanges[c.change] += c.count;
      }
      for (const u of units.values()) {
        u.changes.opened = u.counts.opened;
        u.changes.closed = u.counts.closed;
      }

      // The items of the units the digest shows in full: a few index reads per unit.
      const listed = input.listUnits ? await input.listUnits([...units.values()]) : [...units.keys()];
      const [[decisions, picked, coordinations, milestonesOverdue], lists] = await Promise.all([rest, unitLists(w, input.unitLimit, listed)]);
      // Without a reader the decisions counted only the open items' extension requests.
      if ((input.readerId ?? null) === null) decisions.total += totals.waiting;
      lists.sort((a, b) => Number(a.since) - Number(b.since) || Number(a.id) - Number(b.id));
      for (const r of lists) {
        const kind = r.kind as 'unacknowledged' | 'overdue' | 'waiting';
        const items = unitOf(Number(r.unit_id))[kind];
        if (items.length >= input.unitLimit) continue;
        items.push({
          id: Number(r.id),
          code: formatItemCode(input.codePrefix, Number(r.code_year), Number(r.code_number)),
          role: r.role === 'cooperating' ? 'cooperating' : 'lead',
          since: toDate(r.since),
          deadline: (r.deadline as string | null) ?? null,
        });
      }
      return { totals, changes: totalChanges, decisions, sections: picked, units: [...units.values()], coordinations, milestonesOverdue };
    },

    /**
     * The digests of some units (lead or cooperating): their counts and their first `limit` open
     * items, overdue first, then by deadline. One statement, one scan of items.
     */
    async unitDigests(input: { window: DigestWindow; unitIds: number[]; limit: number; codePrefix: string }): Promise<UnitDigest[]> {
      if (input.unitIds.length === 0) return [];
      const ids = sql`(${sql.join(
        input.unitIds.map((id) => sql`${id}`),
        sql`, `,
      )})`;
      const rows = await runDigest(sql`
        with ${scope(input.window)},
        r0 as (
          select iu.unit_id, iu.role, iu.acknowledged_at is not null as acknowledged, s.*,
            -- 共同牵头: a lead unit that delivered its own result (or was waived) is not late for the others.
            (s.f_joint and iu.role = 'lead' and (select ${leadDelivered(sql`iu.unit_id`)} from items i where i.id = s.id)) as delivered
          from s join item_units iu on iu.item_id = s.id
          where iu.unit_id in ${ids}
        ),
        r as materialized (
          select unit_id, role, acknowledged, delivered, id, deadline_at, opened_at, closed_at, result_submitted_at, f_open,
            f_late and not delivered as f_late, f_overdue and not delivered as f_overdue, f_severe and not delivered as f_severe,
            f_excused and not delivered as f_excused, f_due_soon and not delivered as f_due_soon,
            f_waiting, f_opened, f_closed, f_open_only
          from r0
        ),
        counts as (
          select unit_id,
            count(*) filter (where f_open and role = 'lead')::int as lead_open,
            count(*) filter (where f_open and role = 'cooperating')::int as cooperating_open,
            ${countColumns(sql`f_open_only and not acknowledged`)}
          from r group by unit_id
        ),
        ranked as (
          select * from (
            select unit_id, role, acknowledged, delivered, id,
              row_number() over (partition by unit_id order by f_late desc, deadline_at asc nulls last, id) as rn
            from r where f_open
          ) x where rn <= ${input.limit}
        )
        select 'count' as kind, c.unit_id, null::text as role, null::boolean as acknowledged, null::boolean as delivered, 0::bigint as rn, to_jsonb(c) as row from counts c
        union all
        select 'item', k.unit_id, k.role, k.acknowledged, k.delivered, k.rn, ${itemJson({ leadUnits: false })} from ranked k join items i on i.id = k.id`);
      const byUnit = new Map<number, UnitDigest>();
      for (const id of input.unitIds) byUnit.set(id, { unitId: id, counts: { ...emptyCounts(), lead: 0, cooperating: 0 }, items: [] });
      const items: { unitId: number; rn: number; item: UnitDigestItem }[] = [];
      for (const r of rows) {
        const row = json(r.row);
        const unitId = Number(r.unit_id);
        if (r.kind === 'count') {
          const digest = byUnit.get(unitId);
          if (digest) digest.counts = { ...countsOf(row), lead: Number(row.lead_open), cooperating: Number(row.cooperating_open) };
        } else {
          items.push({
            unitId,
            rn: Number(r.rn),
            item: {
              ...itemOf(row, input.codePrefix),
              role: r.role === 'lead' ? 'lead' : 'cooperating',
              acknowledged: Boolean(r.acknowledged),
              ...(r.delivered ? { delivered: true } : {}),
            },
          });
        }
      }
      items.sort((a, b) => a.rn - b.rn);
      for (const { unitId, item } of items) byUnit.get(unitId)?.items.push(item);
      // 逐级协调: each unit's own open requests.
      const coordinations = await openCoordinations({ limit: input.limit * input.unitIds.length, codePrefix: input.codePrefix, unitIds: input.unitIds });
      for (const c of coordinations.items) {
        const digest = byUnit.get(c.unitId);
        if (digest) digest.coordinations = [...(digest.coordinations ?? []), c];
      }
      // 时间节点 overdue on the items each unit leads.
      const milestones = await overdueMilestones({ date: input.window.date, codePrefix: input.codePrefix, unitIds: input.unitIds });
      for (const digest of byUnit.values()) digest.milestonesOverdue = milestones.filter((m) => m.leadUnitIds.includes(digest.unitId));
      return [...byUnit.values()];
    },

    /**
     * The history a bulletin (or the ledger) needs for the period [from, to): every event of the
     * items confirmed before `to` and not closed before `from` (excuses after `to` included, they
     * apply retroactively), with only the fields the figures read; and the nags planned in it.
     */
    async history(input: { from: Date; to: Date }): Promise<{ events: HistoryEvent[]; nags: NagRecord[] }> {
      const from = ts(input.from);
      const to = ts(input.to);
      const eventRows = await run(sql`
        select e.id, e.item_id, e.type, ${epoch(sql`e.at`)} as at, e.unit_id,
          case e.type
            when 'item_opened' then jsonb_build_object(
              'leadUnitIds', e.data -> 'leadUnitIds', 'cooperatingUnitIds', e.data -> 'cooperatingUnitIds',
              'deadline', e.data -> 'deadline', 'deadlineTime', e.data -> 'deadlineTime', 'level', e.data -> 'level',
              'milestones', (select jsonb_agg(jsonb_build_object('due', m -> 'due')) from jsonb_array_elements(coalesce(e.data -> 'milestones', '[]'::jsonb)) m))
            when 'milestone_reported' then jsonb_build_object('index', e.data -> 'index')
            when 'extension_approved' then jsonb_build_object('deadline', jsonb_build_object('after', e.data -> 'deadline' -> 'after'))
            when 'unit_transferred' then jsonb_build_object('fromUnitId', e.data -> 'fromUnitId', 'toUnitId', e.data -> 'toUnitId')
            when 'result_confirmed' then jsonb_build_object('result', jsonb_build_object('at', e.data -> 'result' -> 'at', 'unitId', e.data -> 'result' -> 'unitId'),
              'results', (select jsonb_agg(jsonb_build_object('at', r -> 'at', 'unitId', r -> 'unitId')) from jsonb_array_elements(coalesce(e.data -> 'results', '[]'::jsonb)) r))
            when 'result_returned' then jsonb_build_object(
              'results', (select jsonb_agg(jsonb_build_object('unitId', r -> 'unitId')) from jsonb_array_elements(coalesce(e.data -> 'results', '[]'::jsonb)) r))
            -- 共同牵头: a lead unit's partial result (or a waiver) changes the status only when it completes the set.
            when 'result_submitted' then jsonb_build_object('status', jsonb_build_object('after', e.data -> 'status' -> 'after'))
            when 'lead_waived' then jsonb_build_object('status', jsonb_build_object('after', e.data -> 'status' -> 'after'))
            -- 容错: 免责 leaves the item out, 从轻/减轻 keep it counted (absent in excuses written before degrees: 免责).
            when 'item_excused' then jsonb_build_object('degree', e.data -> 'degree')
          end as data
        from item_events e join items i on i.id = e.item_id
        where i.opened_at < ${to} and (i.closed_at is null or i.closed_at >= ${from})
          and e.type in ('item_opened', 'unit_acknowledged', 'unit_transferred', 'extension_approved', 'result_submitted',
                         'result_returned', 'result_confirmed', 'item_cancelled', 'item_excused', 'lead_waived', 'milestone_reported')
          and (e.at < ${to} or e.type = 'item_excused')
        order by e.item_id, e.id`);
      const kinds = sql.join(
        NAG_KINDS.map((k) => sql`${k}`),
        sql`, `,
      );
      const nagRows = await run(sql`
        select item_id, unit_id, kind, ${epoch(sql`planned_at`)} as planned_at from reminders
        where planned_at >= ${from} and planned_at < ${to} and unit_id <> 0 and kind in (${kinds})`);
      return {
        events: eventRows.map((r) => ({
          id: Number(r.id),
          itemId: Number(r.item_id),
          type: String(r.type),
          at: toDate(r.at)!,
          unitId: r.unit_id === null || r.unit_id === undefined ? null : Number(r.unit_id),
          data: typeof r.data === 'string' ? (JSON.parse(r.data) as unknown) : r.data,
        })),
        nags: nagRows.map((r) => ({ itemId: Number(r.item_id), unitId: Number(r.unit_id), kind: String(r.kind), plannedAt: toDate(r.planned_at)! })),
      };
    },
  };
}

export type DigestsRepository = ReturnType<typeof createDigestsRepository>;
