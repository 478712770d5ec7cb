/**
 * When an item's people must be warned, nagged or escalated to: pure rules, no I/O.
 * (What a reminder is — kinds, colours, the policy, the facts it carries — is in policy.ts.)
 *
 * `planReminders` looks at one item at one instant and answers two questions: which reminders
 * are due now and not planned yet, and when the item must be looked at next (`nextCheckAt`). The
 * sweep (reminders.usecases.ts) stores the answer; the reminders table's unique key (item, unit,
 * kind, slot) makes planning idempotent, so the same question asked twice (two sweeps, three
 * instances) plans nothing twice.
 *
 * Slots. Every reminder belongs to a slot that names the moment it stands for: a warning to "3
 * working days before the deadline 2026-03-20", an overdue nag to "the working day 2026-03-24 of
 * the deadline 2026-03-20", an acknowledgement nag to "the 2nd period of 4 working hours since the
 * assignment at ...". A schedule is a series of slots with instants.
 *
 * Downtime. Of each series only the latest slot whose instant has come is due; the earlier ones it
 * supersedes are never planned. So after three days down, the next sweep plans one overdue nag per
 * unit (today's), not three, and a warning for "1 day left" replaces the missed "3 days left".
 *
 * Working calendar. Every slot instant is a working instant (a working day, inside working hours,
 * in the configured zone), and nothing is due while `now` is outside working hours: the sweep then
 * answers "look again at the next working instant", so a reminder that fell due in the night goes
 * out at the next opening.
 *
 * The policy (documented with the defaults in README.md, "Reminders"):
 * - warning: on the working day `n` working days before the deadline (and each milestone) for each
 *   `n` in the level's `warnDays`, at the opening of working hours; 0 is the deadline day itself,
 *   or the last working day before a deadline that falls on a day off. Colour: 2 or more working
 *   days left blue, 1 or 0 yellow; overdue red. Warnings the unit had passed when it was assigned
 *   are not sent (its card shows the deadline). To the lead units and the cooperating units that
 *   still owe their contribution; milestone warnings to the lead units.
 * - ack_nag: a unit that has not acknowledged `ackNagHours` working hours after its assignment is
 *   nagged, and again every `ackNagHours` working hours, until the deadline (then the overdue nag
 *   takes over).
 * - report_nag: with a report rhythm (限时报告), a lead unit (every unit still owing its part, with
 *   reportsFrom 'all') owes a progress report by each of the rhythm's fixed days (每周五, 每月25日,
 *   每半月 = the 15th and the month's end, 每季度末; src/items/model/report-rhythm.ts), moved to the next
 *   working day when it is a day off. A due day that passes without a report made since the due
 *   day before it is nagged at the next working day's opening, once. A report whose nag would
 *   fall on the deadline date or later is not asked for: the result is.
 * - overdue_nag: from the first working instant after the deadline passes, every
 *   `overdueNagEveryDays` working days, to the lead units and the cooperating units that still owe
 *   their contribution. Not for excused items.
 * - milestone_nag (时间节点): a milestone not reported done by the end of its day is nagged from
 *   the next working instant, every `overdueNagEveryDays` working days (the overdue nag's cadence),
 *   to the lead units still owing their result, until it is reported or the deadline passes (the
 *   overdue nag takes over). Milestone warnings stop once the milestone is reported. No ladder.
 * - escalation: each overdue nag counts; a unit reaches rung r (2..4) when its overdue nags for the
 *   current deadline reach `escalation.rungR.nags` or the working days overdue reach
 *   `escalation.rungR.daysOverdue`. Rung 2 mentions the unit head in every later nag and writes to
 *   the head privately; rung 3 tells the item's leaders chat with the leader in charge mentioned;
 *   rung 4 refers the item to the discipline group (移交; without one bound the referral waits,
 *   and a level may set its own rung-4 threshold, or none: levels.<level>.rung4). Each rung is
 *   reached once per deadline; an approved extension starts the count again.
 * - confirm_nag: a result waiting `confirmNagDays` working days (of working hours) for the
 *   leader's confirmation nags the issuing leader and the leader in charge, and again every
 *   `confirmNagDays` working days.
 */
import { lateness } from '../../calendar/model/lateness.js';
import { nationalCalendar, type WorkingCalendar } from '../../calendar/model/working-calendar.js';
import type { YMD } from '../../calendar/model/ymd.js';
import { endOfZonedDay, parseHHmm } from '../../calendar/model/zoned-time.js';
import type { WorkingClock } from '../../calendar/model/working-clock.js';
import { deadlineInstant } from '../../items/model/codec.js';
import { reportDueDays } from '../../items/model/report-rhythm.js';
import { activeUnits, missingContributions, pendingLeads, verificationPending } from '../../items/model/queries.js';
import type { ItemState, ItemUnitState, ReportEvery } from '../../items/model/types.js';
import {
  colourFor,
  DEFAULT_STALLED,
  rung4Threshold,
  rungFor,
  slotKey,
  type DueReminder,
  type EscalationPolicy,
  type LevelPolicy,
  type PlannedSlot,
  type Recipient,
  type ReminderFacts,
  type ReminderSchedule,
  type WorkingTime,
} from './policy.js';

export type ReminderInput = {
  state: ItemState;
  now: Date;
  schedule: ReminderSchedule;
  /** What the sweep planned before; empty when unknown (then due slots count as unplanned). */
  planned?: readonly PlannedSlot[];
  /**
   * Whether a discipline group is bound. Rung 4 no longer depends on it (移交: without a group the
   * referral waits for one); kept so callers may say it.
   */
  disciplineChat?: boolean;
};

export type ReminderPlan = {
  /** Reminders to plan now, escalations after the nag that reached them. */
  due: DueReminder[];
  /** When to look again once `due` is planned; null when nothing can fall due any more. */
  nextCheckAt: Date | null;
};

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

/** The reminders due for one item now, and when to look at it next. */
export function planReminders(input: ReminderInput): ReminderPlan {
  const t = workingTime(input.schedule.time);
  const { state, now } = input;
  const planned = new Set((input.planned ?? []).map(slotKey));
  const plannedList = input.planned ?? [];
  const policy = input.schedule.policy.levels[state.level];
  const streams: Stream[] = [];

  if (state.status === 'open' && state.deadline !== null) {
    const deadlineAt = deadlineInstant(state.deadline, state.deadlineTime, t.timezone)!;
    // The moment the deadline passes is a check too, even on a day off: the item's cards then
    // show it overdue (the sweep refreshes them), before its first nag at the next working hour.
    const passed = new Date(deadlineAt.getTime() + 60_000);
    if (now.getTime() < passed.getTime()) streams.push({ due: [], next: passed });
    const owing = owingUnits(state);
    for (const unit of owing) streams.push(deadlineWarnings(t, state, unit, policy, now, deadlineAt));
    for (const unit of pendingLeads(state)) streams.push(...milestoneWarnings(t, state, unit, policy, now));
    // 时间节点: an unreported milestone past its date is nagged like an overdue deadline, until
    // it is reported or the deadline itself passes (then the overdue nag asks for the result).
    if (now.getTime() < deadlineAt.getTime()) {
      for (const unit of pendingLeads(state)) streams.push(...milestoneNags(t, state, unit, policy, now, deadlineAt, plannedList));
    }
    for (const unit of activeUnits(state)) streams.push(ackNags(t, unit, policy, now, deadlineAt));
    if (state.reportEvery !== null) {
      // 限时报告: the lead units still owing their result; with reportsFrom 'all' also the
      // cooperating units that still owe their part.
      const reporting = state.reportsFrom === 'all' ? [...pendingLeads(state), ...missingContributions(state)] : pendingLeads(state);
      for (const unit of reporting) streams.push(reportNags(t, state, unit, state.reportEvery, input.schedule.policy.escalation, now, deadlineAt));
    }
    // 屡退不改: a result returned again and again is brought to the leaders, once.
    const returnsLimit = (input.schedule.policy.escalation.stalled ?? DEFAULT_STALLED).returns;
    if (state.returnCount >= returnsLimit) {
      const lead = activeUnits(state, 'lead')[0];
      streams.push({
        due: [
          {
            kind: 'escalation',
            cause: 'returns',
            nagCount: state.returnCount,
            date: state.deadline,
            time: state.deadlineTime,
            daysOverdue: 0,
            calendarDaysOverdue: 0,
            unitId: lead?.unitId ?? 0,
            slot: `returns:${returnsLimit}/r3`,
            rung: 3,
            colour: null,
            to: [RUNG_RECIPIENT[3]!],
          },
        ],
        next: null,
      });
    }
    // A pending extension request stops the overdue nags until a leader decides: the deciding
    // leaders are reminded instead (extension_nag).
    if (state.pendingExtension !== null) streams.push(extensionNags(t, state, policy, now));
    // 容错: 免责 ends the overdue nags; 从轻/减轻 keep them (the work is still owed) without the ladder (below).
    else if (state.excused?.degree !== 'exempt') {
      for (const unit of owing) {
        streams.push(overdueNags(t, state, unit, policy, input.schedule.policy.escalation, now, deadlineAt, plannedList));
      }
    }
  }
  if (state.status === 'result_submitted' && state.result !== null) {
    // 调查复核: the leaders cannot confirm before a supervisor has verified, so they are not nagged to.
    if (!verificationPending(state)) streams.push(confirmNags(t, state, policy, now));
    if (state.pendingExtension !== null) streams.push(extensionNags(t, state, policy, now));
  }

  const inHours = t.clock.isWithinWorkingHours(now);
  const due: DueReminder[] = [];
  let next: number = Infinity;
  for (const stream of streams) {
    if (stream.next) next = Math.min(next, stream.next.getTime());
    // An item excused 从轻/减轻 climbs no further: the office has already ruled on the accountability.
    const unplanned = stream.due.filter((r) => !planned.has(slotKey(r)) && !(state.excused !== null && r.kind === 'escalation'));
    if (unplanned.length === 0) continue;
    // A due reminder waits for working hours; by then a later slot may have superseded it.
    if (inHours) due.push(...unplanned);
    else next = Math.min(next, t.clock.nextWorkingInstant(now).getTime());
  }
  return { due, nextCheckAt: Number.isFinite(next) ? new Date(next) : null };
}

/**
 * When the sweep must first look at an item, computed on every save without knowing what was
 * planned already: a slot that is due now counts as unplanned, so the answer may be "now", and
 * the sweep then finds out (at no cost beyond one look) that it was planned before.
 */
export function computeNextCheckAt(input: Omit<ReminderInput, 'planned' | 'disciplineChat'>): Date | null {
  const plan = planReminders(input);
  if (plan.due.length === 0) return plan.nextCheckAt;
  const now = input.now.getTime();
  return new Date(Math.min(now, plan.nextCheckAt?.getTime() ?? now));
}

// ---------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------

/** One series of slots for one unit: what is due now (the latest slot come, plus its escalations) and the next instant. */
type Stream = { due: DueReminder[]; next: Date | null };
const NOTHING: Stream = { due: [], next: null };

type Time = {
  timezone: string;
  cal: WorkingCalendar;
  clock: WorkingClock;
  /** Length of a working day in hours (a "working day" of waiting, for the confirmation nag). */
  dayHours: number;
};

function workingTime(w: WorkingTime): Time {
  const cal = w.calendar ?? nationalCalendar;
  return {
    timezone: w.timezone,
    cal,
    clock: cal.workingClock({ timezone: w.timezone, start: w.workingHours.start, end: w.workingHours.end }),
    dayHours: (parseHHmm(w.workingHours.end) - parseHHmm(w.workingHours.start)) / 60,
  };
}

const localDate = (t: Time, at: Date): YMD => t.clock.localDate(at);
const opening = (t: Time, day: YMD): Date => t.clock.opening(day);
const lastWorkingDayOnOrBefore = (t: Time, day: YMD): YMD => (t.cal.isWorkingDay(day) ? day : t.cal.addWorkingDays(day, -1));
const deadlineKey = (date: YMD, time: string | null) => (time === null ? date : `${date}T${time}`);

/**
 * Units that still owe something for the deadline: the lead units whose result has not come in
 * (共同牵头: a lead unit that delivered is not nagged for the others, nor one a leader waived), and
 * cooperating units whose contribution is missing.
 */
function owingUnits(state: ItemState): ItemUnitState[] {
  const missing = new Set([...missingContributions(state), ...pendingLeads(state)].map((u) => u.unitId));
  return activeUnits(state).filter((u) => u.assignedAt !== null && missing.has(u.unitId));
}

/**
 * Warnings before one date: slots at the opening of the working day `n` working days before it
 * (n in warnDays), from the unit's assignment until `endsAt`. The latest slot come is due.
 */
function warningSlots(
  t: Time,
  input: { date: YMD; warnDays: readonly number[]; assignedAt: Date; endsAt: Date; now: Date },
): { due: { daysBefore: number; at: Date } | null; next: Date | null } {
  const d0 = lastWorkingDayOnOrBefore(t, input.date);
  const slots = [...new Set(input.warnDays)]
    .map((n) => ({ daysBefore: n, at: opening(t, t.cal.addWorkingDays(d0, -n)) }))
    .filter((s) => s.at.getTime() >= input.assignedAt.getTime() && s.at.getTime() < input.endsAt.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const come = slots.filter((s) => s.at.getTime() <= input.now.getTime());
  const due = input.now.getTime() < input.endsAt.getTime() ? (come.at(-1) ?? null) : null;
  return { due, next: slots.find((s) => s.at.getTime() > input.now.getTime())?.at ?? null };
}

function deadlineWarnings(t: Time, state: ItemState, unit: ItemUnitState, policy: LevelPolicy, now: Date, deadlineAt: Date): Stream {
  const date = state.deadline!;
  const w = warningSlots(t, { date, warnDays: policy.warnDays, assignedAt: unit.assignedAt!, endsAt: deadlineAt, now });
  if (!w.due) return { due: [], next: w.next };
  const left = t.cal.workingDaysBetween(localDate(t, now), date);
  const reminder: DueReminder = {
    kind: 'warning',
    target: 'deadline',
    date,
    time: state.deadlineTime,
    daysBefore: w.due.daysBefore,
    workingDaysLeft: left,
    unitId: unit.unitId,
    slot: `d:${deadlineKey(date, state.deadlineTime)}:${w.due.daysBefore}`,
    rung: 1,
    colour: colourFor(left),
    to: ['unit'],
  };
  return { due: [reminder], next: w.next };
}

function milestoneWarnings(t: Time, state: ItemState, unit: ItemUnitState, policy: LevelPolicy, now: Date): Stream[] {
  if (unit.assignedAt === null) return [];
  const byDate = new Map<YMD, string[]>();
  // A milestone reported done is not warned about any more.
  for (const m of state.milestones) if (!m.done) byDate.set(m.due, [...(byDate.get(m.due) ?? []), m.text]);
  return [...byDate].map(([date, texts]) => {
    const endsAt = endOfZonedDay(date, t.timezone);
    const w = warningSlots(t, { date, warnDays: policy.warnDays, assignedAt: unit.assignedAt!, endsAt, now });
    if (!w.due) return { due: [], next: w.next };
    const left = t.cal.workingDaysBetween(localDate(t, now), date);
    const reminder: DueReminder = {
      kind: 'warning',
      target: 'milestone',
      date,
      texts,
      daysBefore: w.due.daysBefore,
      workingDaysLeft: left,
      unitId: unit.unitId,
      slot: `m:${date}:${w.due.daysBefore}`,
      rung: 1,
      colour: colourFor(left),
      to: ['unit'],
    };
    return { due: [reminder], next: w.next };
  });
}

/**
 * A series every `stepHours` working hours after `from`: slot k (k >= 1) at the k-th step, moved
 * to the next working instant (a step that ends at closing time is sent at the next opening).
 * Returns the latest k come (0 when none) and the instant of slot k + 1.
 */
function everyWorkingHours(t: Time, from: Date, stepHours: number, now: Date): { k: number; next: Date } {
  const slotAt = (k: number) => t.clock.nextWorkingInstant(t.clock.addWorkingHours(from, k * stepHours));
  const elapsed = Math.max(0, t.clock.workingHoursBetween(from, now));
  let k = Math.floor(elapsed / stepHours + 1e-9);
  while (k > 0 && slotAt(k).getTime() > now.getTime()) k--;
  return { k, next: slotAt(k + 1) };
}

/**
 * Acknowledgement nags: every `ackNagHours` working hours after the assignment, at most
 * `ackNagLimit` times. Then the ladder takes over instead of repeating: one period after the last
 * nag the unit head is told (rung 2), one more period later the leaders (rung 3); then nothing
 * more (the leaders' daily digest lists the item as unacknowledged every day).
 */
function ackNags(t: Time, unit: ItemUnitState, policy: LevelPolicy, now: Date, deadlineAt: Date): Stream {
  const before = (at: Date) => at.getTime() < deadlineAt.getTime();
  if (unit.assignedAt === null || unit.acknowledgedAt !== null || !before(now)) return NOTHING;
  const limit = Math.max(1, policy.ackNagLimit);
  const last = limit + 2;
  const { k: come, next } = everyWorkingHours(t, unit.assignedAt, policy.ackNagHours, now);
  const k = Math.min(come, last);
  const nextBefore = come < last && before(next) ? next : null;
  if (k === 0) return { due: [], next: nextBefore };
  const workingHours = Math.floor(t.clock.workingHoursBetween(unit.assignedAt, now));
  const colour = colourFor(t.cal.workingDaysBetween(localDate(t, now), localDate(t, deadlineAt)));
  if (k <= limit) {
    const reminder: DueReminder = {
      kind: 'ack_nag',
      assignedAt: unit.assignedAt,
      workingHours,
      nagNumber: k,
      unitId: unit.unitId,
      slot: `${unit.assignedAt.toISOString()}#${k}`,
      rung: 1,
      colour,
      to: ['unit'],
    };
    return { due: [reminder], next: nextBefore };
  }
  const rung = k - limit + 1;
  const reminder: DueReminder = {
    kind: 'escalation',
    cause: 'ack',
    assignedAt: unit.assignedAt,
    workingHours,
    nagCount: limit,
    date: localDate(t, deadlineAt),
    time: null,
    daysOverdue: 0,
    calendarDaysOverdue: 0,
    unitId: unit.unitId,
    slot: `ack:${unit.assignedAt.toISOString()}/r${rung}`,
    rung,
    colour,
    to: [RUNG_RECIPIENT[rung]!],
  };
  return { due: [reminder], next: nextBefore };
}

/**
 * The report a unit owes on fixed days (src/items/model/report-rhythm.ts). The latest due day that has
 * passed (nagged at the next working day's opening) is missed when the unit made no report since
 * the due day before it (or since its assignment); a report made late, before the nag, still
 * counts. One nag per missed due day; the due days do not move. A report whose nag would fall
 * on the deadline date or later is not asked for: the result is.
 */
function reportNags(t: Time, state: ItemState, unit: ItemUnitState, every: ReportEvery, escalation: EscalationPolicy, now: Date, deadlineAt: Date): Stream {
  if (unit.assignedAt === null || now.getTime() >= deadlineAt.getTime()) return NOTHING;
  const deadline = state.deadline!;
  const today = localDate(t, now);
  const assigned = localDate(t, unit.assignedAt);
  const reported = unit.lastProgressAt === null ? null : localDate(t, unit.lastProgressAt);
  let latest: YMD | null = null;
  let before: YMD = assigned;
  let periodStart: YMD = assigned;
  let next: Date | null = null;
  const passed: YMD[] = [];
  for (const dueDate of reportDueDays(t.cal, every, assigned)) {
    const nagDay = t.cal.addWorkingDays(dueDate, 1);
    // A report whose nag would fall on the deadline day or later is not asked for: the result is.
    if (nagDay >= deadline) break;
    const at = nagDay <= today ? opening(t, nagDay) : null;
    if (at === null || at.getTime() > now.getTime()) {
      const candidate = at ?? opening(t, nagDay);
      if (candidate.getTime() < deadlineAt.getTime()) next = candidate;
      break;
    }
    latest = dueDate;
    periodStart = before;
    before = dueDate;
    passed.push(dueDate);
  }
  if (latest === null) return { due: [], next };
  // A report made after the due day before this one (on the day of it counts for that one).
  const covered = reported !== null && (periodStart === assigned ? reported >= assigned : reported > periodStart);
  if (covered) return { due: [], next };
  const colour = colourFor(t.cal.workingDaysBetween(today, deadline));
  const due: DueReminder[] = [];
  // 屡推不动: due days missed in a row (since the last report) climb the ladder.
  const missed = passed.filter((_due, i) => reported === null || (i === 0 ? reported < assigned : reported <= passed[i - 1]!));
  const streak = missed.length;
  const stalled = escalation.stalled ?? DEFAULT_STALLED;
  const rung = streak >= stalled.missedReports.rung3 ? 3 : streak >= stalled.missedReports.rung2 ? 2 : 1;
  if (rung >= 2) {
    due.push({
      kind: 'escalation',
      cause: 'report',
      every,
      since: missed[0]!,
      lastReportAt: unit.lastProgressAt,
      nagCount: streak,
      date: deadline,
      time: state.deadlineTime,
      daysOverdue: 0,
      calendarDaysOverdue: 0,
      unitId: unit.unitId,
      slot: `report:${missed[0]!}/r${rung}`,
      rung,
      colour,
      to: [RUNG_RECIPIENT[rung]!],
    });
  }
  const reminder: DueReminder = {
    kind: 'report_nag',
    every,
    dueDate: latest,
    lastReportAt: unit.lastProgressAt,
    unitId: unit.unitId,
    slot: latest,
    rung: 1,
    colour,
    to: ['unit'],
  };
  return { due: [reminder, ...due], next };
}

/**
 * A cadence of one slot every `every` working days from `first` (then at the working day's
 * opening): the local day of the latest slot that has come by `now`, and when the next one comes.
 * Overdue nags and overdue-milestone nags keep the same rhythm.
 */
function everyWorkingDays(t: Time, first: Date, every: number, now: Date): { day: YMD; next: Date } {
  const firstDay = localDate(t, first);
  const slotAt = (k: number) => (k === 0 ? first : opening(t, t.cal.addWorkingDays(firstDay, k * every)));
  let k = Math.floor(Math.max(0, t.cal.workingDaysBetween(firstDay, localDate(t, now))) / every);
  while (k > 0 && slotAt(k).getTime() > now.getTime()) k--;
  return { day: k === 0 ? firstDay : t.cal.addWorkingDays(firstDay, k * every), next: slotAt(k + 1) };
}

function overdueNags(
  t: Time,
  state: ItemState,
  unit: ItemUnitState,
  policy: LevelPolicy,
  escalation: EscalationPolicy,
  now: Date,
  deadlineAt: Date,
  planned: readonly PlannedSlot[],
): Stream {
  // A deadline "by HH:mm" has passed a minute later (the model compares minutes); by a day, at midnight.
  const first = t.clock.nextWorkingInstant(new Date(deadlineAt.getTime() + 60_000));
  if (now.getTime() < first.getTime()) return { due: [], next: first };
  const { day, next } = everyWorkingDays(t, first, policy.overdueNagEveryDays, now);
  const today = localDate(t, now);

  const date = state.deadline!;
  const key = deadlineKey(date, state.deadlineTime);
  const slot = `${key}/${day}`;
  const mine = planned.filter((p) => p.unitId === unit.unitId && p.slot.startsWith(`${key}/`));
  if (mine.some((p) => p.kind === 'overdue_nag' && p.slot === slot)) return { due: [], next };

  const nagCount = mine.filter((p) => p.kind === 'overdue_nag').length + 1;
  const late = lateness(date, today, t.cal);
  const daysOverdue = late.workingDays;
  const threshold4 = rung4Threshold(policy, escalation);
  const rung = rungFor(escalation, nagCount, daysOverdue, threshold4 !== null, threshold4 ?? escalation.rung4);
  const base = {
    date,
    time: state.deadlineTime,
    daysOverdue,
    calendarDaysOverdue: late.calendarDays,
    nagCount,
    unitId: unit.unitId,
    rung,
    colour: 'red' as const,
  };
  const due: DueReminder[] = [{ ...base, kind: 'overdue_nag', slot, to: ['unit'] }];
  for (let r = 2; r <= rung; r++) {
    const rungSlot = `${key}/r${r}`;
    if (mine.some((p) => p.kind === 'escalation' && p.slot === rungSlot)) continue;
    due.push({ ...base, kind: 'escalation', cause: 'overdue', slot: rungSlot, rung: r, to: [RUNG_RECIPIENT[r]!] });
  }
  return { due, next };
}

/**
 * 时间节点 overdue: from the first working instant after milestone day D ends, every
 * `overdueNagEveryDays` working days (the overdue nag's cadence), one nag per unreported milestone
 * to each lead unit still owing its result, until the milestone is reported or the item's
 * deadline passes. No escalation ladder: the deadline's own overdue nags climb it.
 */
function milestoneNags(
  t: Time,
  state: ItemState,
  unit: ItemUnitState,
  policy: LevelPolicy,
  now: Date,
  deadlineAt: Date,
  planned: readonly PlannedSlot[],
): Stream[] {
  if (unit.assignedAt === null) return [];
  return state.milestones.flatMap((m, i): Stream[] => {
    if (m.done) return [];
    const index = i + 1;
    const first = t.clock.nextWorkingInstant(endOfZonedDay(m.due, t.timezone));
    if (first.getTime() >= deadlineAt.getTime()) return [];
    if (now.getTime() < first.getTime()) return [{ due: [], next: first }];
    const { day, next: nextAt } = everyWorkingDays(t, first, policy.overdueNagEveryDays, now);
    const today = localDate(t, now);
    const next = nextAt.getTime() < deadlineAt.getTime() ? nextAt : null;
    const prefix = `m${index}:${m.due}/`;
    const slot = `${prefix}${day}`;
    const mine = planned.filter((p) => p.unitId === unit.unitId && p.kind === 'milestone_nag' && p.slot.startsWith(prefix));
    if (mine.some((p) => p.slot === slot)) return [{ due: [], next }];
    const late = lateness(m.due, today, t.cal);
    const reminder: DueReminder = {
      kind: 'milestone_nag',
      index,
      date: m.due,
      text: m.text,
      daysOverdue: late.workingDays,
      calendarDaysOverdue: late.calendarDays,
      nagCount: mine.length + 1,
      unitId: unit.unitId,
      slot,
      rung: 1,
      colour: 'red',
      to: ['unit'],
    };
    return [{ due: [reminder], next }];
  });
}

/** Who a rung adds (rung 1, the unit, hears every nag). */
const RUNG_RECIPIENT: Record<number, Recipient> = { 2: 'unit_head', 3: 'leaders', 4: 'discipline' };

/**
 * Something waiting for the deciding leaders since `since` (a result, an extension request): they
 * are reminded every `confirmNagDays` working days (of working hours) until they decide.
 */
function deciderNags(
  t: Time,
  since: Date,
  policy: LevelPolicy,
  now: Date,
  facts: (waited: { workingDaysWaiting: number; nagNumber: number }) => ReminderFacts,
): Stream {
  const { k, next } = everyWorkingHours(t, since, policy.confirmNagDays * t.dayHours, now);
  if (k === 0) return { due: [], next };
  const waited = { workingDaysWaiting: Math.floor(t.clock.workingHoursBetween(since, now) / t.dayHours + 1e-9), nagNumber: k };
  const reminder = { ...facts(waited), unitId: 0, slot: `${since.toISOString()}#${k}`, rung: 1, colour: null, to: ['deciders'] } as DueReminder;
  return { due: [reminder], next };
}

function confirmNags(t: Time, state: ItemState, policy: LevelPolicy, now: Date): Stream {
  const result = state.result!;
  // A verified result waits on the leaders from the verification on.
  const since = state.verification?.at ?? result.at;
  return deciderNags(t, since, policy, now, (waited) => ({ kind: 'confirm_nag', resultAt: result.at, resultUnitId: result.unitId, ...waited }));
}

/** A pending extension request waits for the deciding leaders: they are reminded like for a result. */
function extensionNags(t: Time, state: ItemState, policy: LevelPolicy, now: Date): Stream {
  const request = state.pendingExtension!;
  return deciderNags(t, request.requestedAt, policy, now, (waited) => ({
    kind: 'extension_nag',
    requestedAt: request.requestedAt,
    requestUnitId: request.unitId,
    until: request.until,
    ...waited,
  }));
}
