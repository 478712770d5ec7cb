import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { formatItemCode } from '../items/items.refs.js';
import { NAG_KINDS, type HistoryEvent, type NagRecord } from './bulletin.figures.js';
import { emptyCounts, SECTIONS, type DigestCounts, type DigestItem, type DigestWindow, type LeadersDigest, type Section, type UnitDigest, type UnitDigestItem } from './digests.models.js';

/**
 * The digests' queries. Counting happens in SQL (a digest over 100,000 open items must not load
 * them); only the items a digest lists are read, and only their short columns.
 *
 * Raw SQL, because the drivers disagree on raw values: instants come back as epoch milliseconds
 * (a float both drivers return as a number) and go in as ISO text cast to timestamptz.
 *
 * Speed (test/bench/digest.bench.ts): every per-row condition compares instants or tests text for
 * equality; an ordering comparison of text (a deadline date against '2026-03-16') goes through
 * the database's collation and costs far more over 100,000 rows. The narrow scan of the items
 * is materialized once, with enough work_mem to stay in memory, and without JIT: the planner's
 * estimates for these statements cross its threshold, and compiling costs more than it saves.
 */

type Row = Record<string, unknown>;

function rowsOf(result: unknown): Row[] {
  return Array.isArray(result) ? (result as Row[]) : ((result as { rows?: Row[] }).rows ?? []);
}

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
      i.status = 'open' as f_open_only
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

const SECTION_FLAG: Record<Section, SQL> = {
  overdue: sql`f_overdue`,
  dueSoon: sql`f_due_soon`,
  waiting: sql`f_waiting`,
  opened: sql`f_opened`,
  closed: sql`f_closed`,
};
const SECTION_ORDER: Record<Section, SQL> = {
  overdue: sql`deadline_at, id`,
  dueSoon: sql`deadline_at, id`,
  waiting: sql`result_submitted_at, id`,
  opened: sql`opened_at, id`,
  closed: sql`closed_at, id`,
};

/** Memory for one digest statement: the materialized scan of 100,000 items takes about 8 MB. */
const DIGEST_WORK_MEM = '32MB';

export function createDigestsRepository({ db }: { db: DbOrTx }) {
  const run = async (query: SQL) => rowsOf(await db.execute(query));
  /** Runs one digest statement in a transaction of its own, with the work_mem it needs. */
  const runDigest = (query: SQL) =>
    db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local work_mem = '${DIGEST_WORK_MEM}'`));
      await tx.execute(sql.raw('set local jit = off'));
      return rowsOf(await tx.execute(query));
    });

  return {
    /**
     * When the last scheduled digest ran (its claim time in cron_runs), before `before`; null
     * before the first one. `jobName` is the scheduler job the digest runs under.
     */
    async lastDigestAt(input: { jobName: string; before: Date }): Promise<Date | null> {
      const rows = await run(sql`
        select ${epoch(sql`started_at`)} as at from cron_runs
        where name = ${input.jobName} and outcome in ('sent', 'late') and started_at < ${ts(input.before)}
        order by started_at desc limit 1`);
      return toDate(rows[0]?.at);
    },

    /**
     * When the bot was installed, as far as the database knows: the first person, unit or chat
     * binding it recorded (an organisation starts by being set up). Null on an empty database.
     */
    async installedAt(): Promise<Date | null> {
      const rows = await run(sql`
        select ${epoch(sql`least((select min(created_at) from people), (select min(created_at) from units), (select min(bound_at) from bound_chats))`)} as at`);
      return toDate(rows[0]?.at);
    },

    /**
     * The leaders digest: totals, per-unit counts of the items each unit leads, and the first
     * `limit` items of each section. One statement, one scan of items.
     */
    async leadersDigest(input: { window: DigestWindow; limit: number; codePrefix: string }): Promise<LeadersDigest> {
      const picks = SECTIONS.map(
        (section) => sql`(select ${section}::text as section, row_number() over (order by ${SECTION_ORDER[section]}) as ord, id from s where ${SECTION_FLAG[section]} order by ${SECTION_ORDER[section]} limit ${input.limit})`,
      );
      const rows = await runDigest(sql`
        with ${scope(input.window)},
        counts as (
          select null::int as unit_id, ${countColumns(sql`false`)} from s
          union all
          select iu.unit_id, ${countColumns(sql`s.f_open_only and iu.acknowledged_at is null`)}
          from s join item_units iu on iu.item_id = s.id and iu.role = 'lead'
          group by iu.unit_id
        ),
        picked as (${sql.join(picks, sql` union all `)})
        select 'count' as kind, null::text as section, 0::bigint as ord, to_jsonb(c) as row from counts c
        union all
        select 'item', p.section, p.ord, ${itemJson({ leadUnits: true })} from picked p join items i on i.id = p.id`);
      const sections = Object.fromEntries(SECTIONS.map((s) => [s, [] as { ord: number; item: DigestItem }[]])) as Record<Section, { ord: number; item: DigestItem }[]>;
      let totals = emptyCounts();
      const units: LeadersDigest['units'] = [];
      for (const r of rows) {
        const row = json(r.row);
        if (r.kind === 'count') {
          if (row.unit_id === null || row.unit_id === undefined) totals = countsOf(row);
          else units.push({ unitId: Number(row.unit_id), counts: countsOf(row) });
        } else {
          sections[r.section as Section].push({ ord: Number(r.ord), item: itemOf(row, input.codePrefix) });
        }
      }
      const ordered = Object.fromEntries(SECTIONS.map((s) => [s, sections[s].sort((a, b) => a.ord - b.ord).map((x) => x.item)])) as Record<Section, DigestItem[]>;
      return { totals, sections: ordered, units };
    },

    /**
     * The digests of some units (lead or cooperating): their counts and their first `limit` open
     * items, overdue first, then by deadline. One statement, one scan of items.
     */
    async unitDigests(input: { window: DigestWindow; unitIds: number[]; limit: number; codePrefix: string }): Promise<UnitDigest[]> {
      if (input.unitIds.length === 0) return [];
      const ids = sql`(${sql.join(input.unitIds.map((id) => sql`${id}`), sql`, `)})`;
      const rows = await runDigest(sql`
        with ${scope(input.window)},
        r as materialized (
          select iu.unit_id, iu.role, iu.acknowledged_at is not null as acknowledged, s.*
          from s join item_units iu on iu.item_id = s.id
          where iu.unit_id in ${ids}
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
            select unit_id, role, acknowledged, id,
              row_number() over (partition by unit_id order by f_late desc, deadline_at asc nulls last, id) as rn
            from r where f_open
          ) x where rn <= ${input.limit}
        )
        select 'count' as kind, c.unit_id, null::text as role, null::boolean as acknowledged, 0::bigint as rn, to_jsonb(c) as row from counts c
        union all
        select 'item', k.unit_id, k.role, k.acknowledged, k.rn, ${itemJson({ leadUnits: false })} from ranked k join items i on i.id = k.id`);
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
          items.push({ unitId, rn: Number(r.rn), item: { ...itemOf(row, input.codePrefix), role: r.role === 'lead' ? 'lead' : 'cooperating', acknowledged: Boolean(r.acknowledged) } });
        }
      }
      items.sort((a, b) => a.rn - b.rn);
      for (const { unitId, item } of items) byUnit.get(unitId)?.items.push(item);
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
              'deadline', e.data -> 'deadline', 'deadlineTime', e.data -> 'deadlineTime', 'level', e.data -> 'level')
            when 'extension_approved' then jsonb_build_object('deadline', jsonb_build_object('after', e.data -> 'deadline' -> 'after'))
            when 'unit_transferred' then jsonb_build_object('fromUnitId', e.data -> 'fromUnitId', 'toUnitId', e.data -> 'toUnitId')
            when 'result_confirmed' then jsonb_build_object('result', jsonb_build_object('at', e.data -> 'result' -> 'at', 'unitId', e.data -> 'result' -> 'unitId'))
          end as data
        from item_events e join items i on i.id = e.item_id
        where i.opened_at < ${to} and (i.closed_at is null or i.closed_at >= ${from})
          and e.type in ('item_opened', 'unit_acknowledged', 'unit_transferred', 'extension_approved', 'result_submitted',
                         'result_returned', 'result_confirmed', 'item_cancelled', 'item_excused')
          and (e.at < ${to} or e.type = 'item_excused')
        order by e.item_id, e.id`);
      const kinds = sql.join(NAG_KINDS.map((k) => sql`${k}`), sql`, `);
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
