import { addWorkingHours } from '../calendar/model/working-calendar.js';
import { deadlineInstant } from '../items/model/codec.js';
import type { ItemLevel } from '../items/model/types.js';

/**
 * The bulletin's figures (通报), computed from the history alone: item_events (who got which item
 * when, acknowledgements, deadlines and extensions, results, returns, confirmations, cancels,
 * excuses) and the reminders the sweep planned (nags). Pure: the caller loads the rows; the
 * ledger reuses the same function for its per-unit sheet.
 *
 * Definitions, for one unit and a period P = [from, to):
 *
 * - excluded items: an item that was excused (容错) — at any time, also after P: an excuse means
 *   the item no longer counts against its units, in every report computed after it — or that was
 *   cancelled before `to`. Excluded items count in no figure below; `excusedExcluded` counts the
 *   excused ones the unit was on.
 * - assigned: the unit got an item in P (on confirm, or as the new lead unit of a transfer).
 * - acknowledgement on time: within the level's `ackNagHours` working hours of getting it (the
 *   same limit after which the sweep nags). Counted over the assignments of P that are decided by
 *   `to`: acknowledged before `to`, or whose limit passed before `to`. An assignment the unit lost
 *   (transfer) before its limit, unacknowledged, is not counted. onTimeAckRate = onTime / counted.
 * - closing on time (lead units only, the lead unit owns the result): counted are the items closed
 *   (result confirmed) in P, and the items whose deadline passed in P and that were not closed by
 *   `to` — except for a lead unit whose own result came in by the deadline (the wait for the leader,
 *   or for another lead unit, is not its own). On time: the lead unit's confirmed result was
 *   submitted by the deadline in force (after approved extensions). onTimeCloseRate = closedOnTime /
 *   counted. 共同牵头: each lead unit is judged by its own result; a lead unit a leader waived
 *   (lead_waived) is not counted for closing at all.
 * - overdue: lead units of items open at `to` whose deadline has passed by then and whose own result
 *   has not come in (nor was waived). The item counts once in the totals.
 * - nags: reminders of kind ack_nag, overdue_nag, report_nag, escalation or milestone_nag addressed to the unit,
 *   planned in P.
 * - returned: results of the unit returned by a leader in P.
 * - milestonesOverdue (节点逾期): 时间节点 of items open at `to` whose day has ended by then and
 *   that were not reported done (milestone_reported) before `to`, counted for each lead unit still
 *   owing its result (as overdue is). Shown beside the ranking; it does not change the order.
 *
 * A rate is null when nothing was counted. Nothing here depends on the order of the rows.
 */

export const NAG_KINDS = ['ack_nag', 'overdue_nag', 'report_nag', 'escalation', 'milestone_nag'] as const;

/** One history event, as item_events holds it (data may be the full event data or just the fields read here). */
export type HistoryEvent = { id?: number; itemId: number; type: string; at: Date; unitId: number | null; data: unknown };
/** One planned reminder (reminders table). */
export type NagRecord = { itemId: number; unitId: number; kind: string; plannedAt: Date };

export type FiguresOptions = {
  from: Date;
  to: Date;
  timezone: string;
  workingHours: { start: string; end: string };
  /** Working hours a unit has to acknowledge, per level (config.reminders.levels[level].ackNagHours). */
  ackNagHours: Record<ItemLevel, number>;
};

export type UnitFigures = {
  unitId: number;
  assigned: number;
  ackCounted: number;
  ackOnTime: number;
  onTimeAckRate: number | null;
  closeCounted: number;
  closed: number;
  closedOnTime: number;
  onTimeCloseRate: number | null;
  overdue: number;
  nags: number;
  returned: number;
  excusedExcluded: number;
  /** Items of this unit's counted above but excused 从轻 or 减轻 (marked in the bulletin and the ledger). */
  lenient: number;
  /** 时间节点 overdue at `to` on items the unit leads (see above). */
  milestonesOverdue: number;
};

/** Item-level totals of the period (an item with two lead units counts once here). */
export type FiguresTotals = {
  opened: number;
  closed: number;
  closedOnTime: number;
  overdue: number;
  returned: number;
  nags: number;
  excused: number;
  cancelled: number;
  /** Items excused 从轻 / 减轻: counted in every figure, marked. */
  lenient: number;
  mitigated: number;
  /** 时间节点 overdue at `to`, each milestone once. */
  milestonesOverdue: number;
};

export type BulletinFigures = { from: Date; to: Date; units: Map<number, UnitFigures>; totals: FiguresTotals };

type Assignment = { unitId: number; role: 'lead' | 'cooperating'; assignedAt: Date; removedAt: Date | null; ackAt: Date | null };

type ItemFold = {
  opened: boolean;
  status: 'open' | 'result_submitted' | 'closed' | 'cancelled';
  level: ItemLevel;
  deadline: string | null;
  deadlineTime: string | null;
  assignments: Assignment[];
  resultAt: Date | null;
  /** 共同牵头: each lead unit's current result (cleared by a return, or a transfer away). */
  leadResults: Map<number, Date>;
  waivedLeads: Set<number>;
  closedAt: Date | null;
  confirmedResultAt: Date | null;
  /** Each lead unit's confirmed result. */
  confirmedLeadResults: Map<number, Date>;
  cancelledAt: Date | null;
  /** Excused 免责 (left out of every figure). */
  excused: boolean;
  /** Excused 从轻 or 减轻: counted, marked (the latest ruling wins). */
  lenience: 'lenient' | 'mitigated' | null;
  /** One entry per lead unit whose result went back; `first` marks one entry per return (the item-level count). */
  returns: { unitId: number; at: Date; first: boolean }[];
  /** 时间节点 as opened (date order), and which were reported done before `to`. */
  milestones: { due: string; done: boolean }[];
};

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function emptyFigures(unitId: number): UnitFigures {
  return {
    unitId,
    assigned: 0,
    ackCounted: 0,
    ackOnTime: 0,
    onTimeAckRate: null,
    closeCounted: 0,
    closed: 0,
    closedOnTime: 0,
    onTimeCloseRate: null,
    overdue: 0,
    nags: 0,
    returned: 0,
    excusedExcluded: 0,
    lenient: 0,
    milestonesOverdue: 0,
  };
}

/** Replays one item's history up to `to` (excuses: whenever they happened). */
function foldItem(events: HistoryEvent[], to: number): ItemFold {
  const fold: ItemFold = {
    opened: false,
    status: 'open',
    level: 'routine',
    deadline: null,
    deadlineTime: null,
    assignments: [],
    resultAt: null,
    leadResults: new Map(),
    waivedLeads: new Set(),
    closedAt: null,
    confirmedResultAt: null,
    confirmedLeadResults: new Map(),
    cancelledAt: null,
    excused: false,
    lenience: null,
    returns: [],
    milestones: [],
  };
  const active = (unitId: number) => fold.assignments.find((a) => a.unitId === unitId && a.removedAt === null);
  for (const e of events) {
    if (e.type === 'item_excused') {
      // Events written before degrees carry none: 免责. A later ruling replaces an earlier one.
      const degree = str(obj(e.data).degree) ?? 'exempt';
      fold.excused = degree === 'exempt';
      fold.lenience = degree === 'lenient' || degree === 'mitigated' ? degree : null;
      continue;
    }
    if (e.at.getTime() >= to) continue;
    const data = obj(e.data);
    switch (e.type) {
      case 'item_opened': {
        fold.opened = true;
        fold.level = (str(data.level) as ItemLevel | null) ?? 'routine';
        fold.deadline = str(data.deadline);
        fold.deadlineTime = str(data.deadlineTime);
        for (const unitId of numbers(data.leadUnitIds)) fold.assignments.push({ unitId, role: 'lead', assignedAt: e.at, removedAt: null, ackAt: null });
        for (const unitId of numbers(data.cooperatingUnitIds))
          fold.assignments.push({ unitId, role: 'cooperating', assignedAt: e.at, removedAt: null, ackAt: null });
        fold.milestones = (Array.isArray(data.milestones) ? data.milestones : [])
          .map((m) => ({ due: str(obj(m).due) ?? '', done: false }))
          .filter((m) => m.due !== '');
        break;
      }
      case 'milestone_reported': {
        const index = numbers([data.index])[0];
        const m = index === undefined ? undefined : fold.milestones[index - 1];
        if (m) m.done = true;
        break;
      }
      case 'unit_acknowledged': {
        const a = e.unitId === null ? undefined : active(e.unitId);
        if (a && a.ackAt === null) a.ackAt = e.at;
        break;
      }
      case 'unit_transferred': {
        const from = numbers([data.fromUnitId])[0];
        const to_ = numbers([data.toUnitId])[0];
        if (from === undefined || to_ === undefined) break;
        for (const a of fold.assignments) if (a.removedAt === null && (a.unitId === from || a.unitId === to_)) a.removedAt = e.at;
        fold.leadResults.delete(from);
        fold.waivedLeads.delete(from);
        fold.assignments.push({ unitId: to_, role: 'lead', assignedAt: e.at, removedAt: null, ackAt: null });
        break;
      }
      case 'extension_approved': {
        const after = obj(obj(data.deadline).after);
        fold.deadline = str(after.date) ?? fold.deadline;
        fold.deadlineTime = str(after.time);
        break;
      }
      case 'result_submitted': {
        // A joint lead unit's partial result leaves the item open (status.after; older events have none).
        if (e.unitId !== null) fold.leadResults.set(e.unitId, e.at);
        const after = str(obj(data.status).after) ?? 'result_submitted';
        if (after === 'result_submitted') {
          fold.status = 'result_submitted';
          fold.resultAt = e.at;
        }
        break;
      }
      case 'lead_waived': {
        if (e.unitId !== null) fold.waivedLeads.add(e.unitId);
        if (str(obj(data.status).after) === 'result_submitted') {
          fold.status = 'result_submitted';
          fold.resultAt = e.at;
        }
        break;
      }
      case 'result_returned': {
        fold.status = 'open';
        fold.resultAt = null;
        fold.leadResults.clear();
        // Every lead unit whose result went back counts a return (older events name only one).
        const returned = Array.isArray(data.results) ? data.results.map((r) => numbers([obj(r).unitId])[0]).filter((id): id is number => id !== undefined) : [];
        for (const [i, unitId] of (returned.length ? returned : e.unitId !== null ? [e.unitId] : []).entries())
          fold.returns.push({ unitId, at: e.at, first: i === 0 });
        break;
      }
      case 'result_confirmed': {
        fold.status = 'closed';
        fold.closedAt = e.at;
        const results = Array.isArray(data.results) && data.results.length ? data.results.map(obj) : [obj(data.result)];
        for (const r of results) {
          const unitId = numbers([r.unitId])[0];
          const at = str(r.at);
          if (unitId !== undefined && at) fold.confirmedLeadResults.set(unitId, new Date(at));
        }
        const times = [...fold.confirmedLeadResults.values()].map((d) => d.getTime());
        fold.confirmedResultAt = times.length ? new Date(Math.max(...times)) : fold.resultAt;
        break;
      }
      case 'item_cancelled':
        fold.status = 'cancelled';
        fold.cancelledAt = e.at;
        break;
      default:
        break;
    }
  }
  return fold;
}

/** Figures of every unit that had anything to do with an item in scope, plus item-level totals. */
export function bulletinFigures(input: { events: Iterable<HistoryEvent>; nags: Iterable<NagRecord> }, options: FiguresOptions): BulletinFigures {
  const from = options.from.getTime();
  const to = options.to.getTime();
  const inPeriod = (d: Date | null) => d !== null && d.getTime() >= from && d.getTime() < to;
  const units = new Map<number, UnitFigures>();
  const unit = (id: number) => {
    let f = units.get(id);
    if (!f) {
      f = emptyFigures(id);
      units.set(id, f);
    }
    return f;
  };
  const totals: FiguresTotals = {
    opened: 0,
    closed: 0,
    closedOnTime: 0,
    overdue: 0,
    returned: 0,
    nags: 0,
    excused: 0,
    cancelled: 0,
    lenient: 0,
    mitigated: 0,
    milestonesOverdue: 0,
  };

  const byItem = new Map<number, HistoryEvent[]>();
  for (const e of input.events) {
    const list = byItem.get(e.itemId);
    if (list) list.push(e);
    else byItem.set(e.itemId, [e]);
  }
  const excluded = new Set<number>();
  const hoursOpts = { timezone: options.timezone, start: options.workingHours.start, end: options.workingHours.end };

  for (const [itemId, events] of byItem) {
    events.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id ?? 0) - (b.id ?? 0));
    const fold = foldItem(events, to);
    if (!fold.opened) continue;
    // In scope: open at some point of P (not closed or cancelled before it).
    if (fold.closedAt !== null && fold.closedAt.getTime() < from) continue;
    if (fold.cancelledAt !== null && fold.cancelledAt.getTime() < from && !fold.excused) continue;
    const current = fold.assignments.filter((a) => a.removedAt === null);
    const leads = current.filter((a) => a.role === 'lead').map((a) => a.unitId);
    if (fold.excused || fold.status === 'cancelled') {
      excluded.add(itemId);
      if (fold.excused) {
        totals.excused++;
        for (const id of new Set(fold.assignments.map((a) => a.unitId))) unit(id).excusedExcluded++;
      } else totals.cancelled++;
      continue;
    }

    if (fold.lenience !== null) {
      totals[fold.lenience]++;
      for (const id of new Set(leads)) unit(id).lenient++;
    }

    const openedAt = fold.assignments[0]?.assignedAt ?? null;
    if (inPeriod(openedAt)) totals.opened++;

    for (const a of fold.assignments) {
      if (!inPeriod(a.assignedAt)) continue;
      const f = unit(a.unitId);
      f.assigned++;
      const limit = addWorkingHours(a.assignedAt, options.ackNagHours[fold.level], hoursOpts).getTime();
      if (a.ackAt !== null) {
        f.ackCounted++;
        if (a.ackAt.getTime() <= limit) f.ackOnTime++;
      } else if (limit < to && !(a.removedAt !== null && a.removedAt.getTime() <= limit)) {
        f.ackCounted++;
      }
    }

    const deadlineAt = deadlineInstant(fold.deadline, fold.deadlineTime, options.timezone)?.getTime() ?? null;
    const by = (d: Date | null | undefined) => deadlineAt !== null && d != null && d.getTime() <= deadlineAt;
    // 共同牵头: each lead unit answers for its own result; a waived lead unit for none.
    const owingLeads = leads.filter((id) => !fold.waivedLeads.has(id));
    if (fold.status === 'closed' && inPeriod(fold.closedAt)) {
      totals.closed++;
      if (by(fold.confirmedResultAt)) totals.closedOnTime++;
      for (const id of owingLeads) {
        const f = unit(id);
        f.closeCounted++;
        f.closed++;
        if (by(fold.confirmedLeadResults.get(id) ?? fold.confirmedResultAt)) f.closedOnTime++;
      }
    } else if (fold.status !== 'closed' && deadlineAt !== null && deadlineAt >= from && deadlineAt < to) {
      for (const id of owingLeads) if (!by(fold.leadResults.get(id))) unit(id).closeCounted++;
    }

    if (fold.status === 'open' && deadlineAt !== null && deadlineAt < to) {
      const late = owingLeads.filter((id) => !fold.leadResults.has(id));
      if (late.length) totals.overdue++;
      for (const id of late) unit(id).overdue++;
    }

    if (fold.status === 'open') {
      const missed = fold.milestones.filter((m) => !m.done && deadlineInstant(m.due, null, options.timezone)!.getTime() < to).length;
      if (missed > 0) {
        totals.milestonesOverdue += missed;
        for (const id of owingLeads) if (!fold.leadResults.has(id)) unit(id).milestonesOverdue += missed;
      }
    }

    for (const r of fold.returns) {
      if (!inPeriod(r.at)) continue;
      if (r.first) totals.returned++;
      unit(r.unitId).returned++;
    }
  }

  const nagKinds: readonly string[] = NAG_KINDS;
  for (const nag of input.nags) {
    if (nag.unitId === 0 || !nagKinds.includes(nag.kind) || excluded.has(nag.itemId) || !inPeriod(nag.plannedAt)) continue;
    totals.nags++;
    unit(nag.unitId).nags++;
  }

  for (const f of units.values()) {
    f.onTimeAckRate = f.ackCounted > 0 ? f.ackOnTime / f.ackCounted : null;
    f.onTimeCloseRate = f.closeCounted > 0 ? f.closedOnTime / f.closeCounted : null;
  }
  return { from: options.from, to: options.to, units, totals };
}

/** Whether a unit has anything to show (units with only zeros are left out of a ranking). */
export function hasActivity(f: UnitFigures): boolean {
  return f.assigned + f.ackCounted + f.closeCounted + f.overdue + f.nags + f.returned + f.milestonesOverdue > 0;
}

/**
 * The bulletin's order: on-time closing rate (best first), then on-time acknowledgement rate,
 * then fewer overdue items, fewer nags, fewer returns; a unit with no rate goes after those with
 * one; the name breaks the remaining ties so the order never depends on the input's.
 */
export function rankUnits<T extends UnitFigures & { name: string }>(rows: T[]): T[] {
  const rate = (r: number | null) => (r === null ? -1 : r);
  return [...rows].sort(
    (a, b) =>
      rate(b.onTimeCloseRate) - rate(a.onTimeCloseRate) ||
      rate(b.onTimeAckRate) - rate(a.onTimeAckRate) ||
      a.overdue - b.overdue ||
      a.nags - b.nags ||
      a.returned - b.returned ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}
