/**
 * What the reminders are, apart from when they fall due: their kinds and colours, the policy read
 * from config.reminders, the facts each kind carries, the escalation ladder's rungs and the slot
 * keys that make planning idempotent. Pure; the notifications word these, the digests count them,
 * and rules.ts (planReminders) decides when each is due.
 */
import type { WorkingCalendar } from '../../calendar/model/working-calendar.js';
import type { YMD } from '../../calendar/model/ymd.js';
import type { ItemLevel, ReportEvery } from '../../items/model/types.js';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export const REMINDER_KINDS = ['warning', 'ack_nag', 'report_nag', 'overdue_nag', 'escalation', 'confirm_nag', 'extension_nag', 'milestone_nag'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];
/** Kinds that count as a nag (催办) for the bulletin and the ledger. */
export const NAG_KINDS = ['ack_nag', 'report_nag', 'overdue_nag', 'milestone_nag'] as const satisfies readonly ReminderKind[];

/** A warning's colour: 🔵 two or more working days left, 🟡 one or none (the deadline day), 🔴 overdue. */
export type Colour = 'blue' | 'yellow' | 'red';
/** The mark a colour wears in chat text: reminders and digests alike. */
export const COLOUR_MARK: Record<Colour, string> = { blue: '🔵', yellow: '🟡', red: '🔴' };

/** How one level is reminded (config.reminders.levels[level]). */
export type RungThreshold = { nags: number; daysOverdue: number };
/**
 * `rung4`: this level's threshold for rung 4 (移交) instead of the escalation's, or null when the
 * level's ladder stops at rung 3; absent = the escalation's.
 */
export type LevelPolicy = {
  warnDays: readonly number[];
  ackNagHours: number;
  ackNagLimit: number;
  overdueNagEveryDays: number;
  confirmNagDays: number;
  rung4?: RungThreshold | null | undefined;
};
/**
 * 屡推不动: work that stalls before its deadline climbs the ladder too. `missedReports`: the unit
 * head hears after so many report due days missed in a row (rung 2), the leaders after so many
 * (rung 3); `returns`: a result returned so many times is brought to the leaders (rung 3).
 */
export type StalledPolicy = { missedReports: { rung2: number; rung3: number }; returns: number };
export const DEFAULT_STALLED: StalledPolicy = { missedReports: { rung2: 2, rung3: 3 }, returns: 3 };
export type EscalationPolicy = { rung2: RungThreshold; rung3: RungThreshold; rung4: RungThreshold; stalled?: StalledPolicy };
/** config.reminders (the sweep's cron expression is the scheduler's business). */
export type ReminderPolicy = { levels: Record<ItemLevel, LevelPolicy>; escalation: EscalationPolicy };

/** Where and when people work: config.timezone and config.workingHours, on China's calendar. */
export type WorkingTime = {
  timezone: string;
  workingHours: { start: string; end: string };
  /** A calendar with local overrides; the national one by default. */
  calendar?: WorkingCalendar;
};

/** Everything the sweep needs from the configuration. */
export type ReminderSchedule = { policy: ReminderPolicy; time: WorkingTime };

/** Builds the schedule from the application config. */
export function reminderSchedule(config: { timezone: string; workingHours: { start: string; end: string }; reminders: ReminderPolicy }): ReminderSchedule {
  return {
    policy: { levels: config.reminders.levels, escalation: config.reminders.escalation },
    time: { timezone: config.timezone, workingHours: config.workingHours },
  };
}

/** A reminder already planned for the item (a row of the reminders table). */
export type PlannedSlot = { unitId: number; kind: ReminderKind; slot: string };

/**
 * Who hears a reminder: `unit` the unit's group (or its members who started the bot), `unit_head`
 * the unit head privately, `leaders` the item's leaders chat with the leader in charge mentioned
 * (and privately), `deciders` the item's leaders chat with the issuing leader and the leader in
 * charge mentioned (and privately), `discipline` the discipline group.
 */
export type Recipient = 'unit' | 'unit_head' | 'leaders' | 'deciders' | 'discipline';

/** What each kind of reminder says, beyond its kind. Instants are Dates, dates 'YYYY-MM-DD'. */
export type ReminderFacts =
  | { kind: 'warning'; target: 'deadline'; date: YMD; time: string | null; daysBefore: number; workingDaysLeft: number }
  | { kind: 'warning'; target: 'milestone'; date: YMD; texts: string[]; daysBefore: number; workingDaysLeft: number }
  | { kind: 'ack_nag'; assignedAt: Date; workingHours: number; nagNumber: number }
  | { kind: 'report_nag'; every: ReportEvery; dueDate: YMD; lastReportAt: Date | null }
  | { kind: 'overdue_nag'; date: YMD; time: string | null; daysOverdue: number; calendarDaysOverdue: number; nagCount: number }
  | { kind: 'escalation'; cause: 'overdue'; date: YMD; time: string | null; daysOverdue: number; calendarDaysOverdue: number; nagCount: number }
  | {
      kind: 'escalation';
      cause: 'ack';
      assignedAt: Date;
      workingHours: number;
      nagCount: number;
      date: YMD;
      time: string | null;
      daysOverdue: 0;
      calendarDaysOverdue: 0;
    }
  /** Report due days missed in a row (nagCount), the first of them (since), before the deadline (date). */
  | {
      kind: 'escalation';
      cause: 'report';
      every: ReportEvery;
      since: YMD;
      lastReportAt: Date | null;
      nagCount: number;
      date: YMD;
      time: string | null;
      daysOverdue: 0;
      calendarDaysOverdue: 0;
    }
  /** The result returned so many times (nagCount) while the item is still open. */
  | { kind: 'escalation'; cause: 'returns'; nagCount: number; date: YMD; time: string | null; daysOverdue: 0; calendarDaysOverdue: 0 }
  | { kind: 'confirm_nag'; resultAt: Date; resultUnitId: number; workingDaysWaiting: number; nagNumber: number }
  | { kind: 'extension_nag'; requestedAt: Date; requestUnitId: number; until: YMD; workingDaysWaiting: number; nagNumber: number }
  /** 时间节点: milestone `index` (1-based) due on `date` is not reported done; late like a deadline. */
  | { kind: 'milestone_nag'; index: number; date: YMD; text: string; daysOverdue: number; calendarDaysOverdue: number; nagCount: number };

/**
 * A reminder due now. `unitId` is 0 for the item as a whole (the confirming leaders). `rung` is
 * the escalation rung the unit is on (1 for everything but overdue nags and escalations).
 */
export type DueReminder = ReminderFacts & { unitId: number; slot: string; rung: number; colour: Colour | null; to: Recipient[] };

/** ≥ 2 working days left: blue; 1 or 0 (the deadline day): yellow; past the deadline: red. */
export function colourFor(workingDaysLeft: number, overdue = false): Colour {
  if (overdue || workingDaysLeft < 0) return 'red';
  return workingDaysLeft >= 2 ? 'blue' : 'yellow';
}

/**
 * The rung a unit is on after `nagCount` overdue nags, `daysOverdue` working days late. `rung4`:
 * whether the ladder reaches rung 4 at all (false: it stops at 3); `threshold4` a level's own
 * rung-4 threshold (the escalation's by default).
 */
export function rungFor(
  escalation: EscalationPolicy,
  nagCount: number,
  daysOverdue: number,
  rung4: boolean,
  threshold4: RungThreshold = escalation.rung4,
): number {
  const reached = (t: RungThreshold) => nagCount >= t.nags || daysOverdue >= t.daysOverdue;
  if (rung4 && reached(threshold4)) return 4;
  if (reached(escalation.rung3)) return 3;
  if (reached(escalation.rung2)) return 2;
  return 1;
}

export function slotKey(r: { unitId: number; kind: ReminderKind; slot: string }): string {
  return `${r.unitId}|${r.kind}|${r.slot}`;
}

/** A level's rung-4 (移交) threshold: its own, else the escalation's; null when its ladder stops at rung 3. */
export function rung4Threshold(policy: LevelPolicy, escalation: EscalationPolicy): RungThreshold | null {
  return policy.rung4 === undefined ? escalation.rung4 : policy.rung4;
}
