/**
 * 时间节点 (milestones) of an item, read from its state: which are done, which are overdue and
 * how late. Pure; the lateness is counted like a deadline's (src/calendar/model/lateness.ts), so a
 * milestone "2 个工作日（4 天）" late reads the same as a deadline that late.
 *
 * A milestone due on day D lasts the whole of D (like a deadline without a time); it is overdue
 * from the next day while the item is open and the milestone is not reported.
 */
import { lateness, type Lateness } from '../../calendar/model/lateness.js';
import type { WorkingCalendar } from '../../calendar/model/working-calendar.js';
import type { ItemState, Milestone, MilestoneDone } from './types.js';

export type MilestoneStatus = 'done' | 'overdue' | 'pending';

/** One milestone as cards, digests and the ledger show it: its number (1-based) and where it stands. */
export type MilestoneView = {
  index: number;
  due: string;
  text: string;
  status: MilestoneStatus;
  done: MilestoneDone | null;
  /** How late, for an overdue milestone; null otherwise. */
  late: Lateness | null;
};

/** Whether milestone `m` is overdue on `today`: the item is open, the day has passed, it is not reported. */
export function milestoneOverdue(state: Pick<ItemState, 'status'>, m: Milestone, today: string): boolean {
  return state.status === 'open' && !m.done && m.due < today;
}

/** Every milestone of the item with its number and status on `today`. */
export function milestoneViews(
  state: Pick<ItemState, 'status' | 'milestones'>,
  today: string,
  calendar?: Pick<WorkingCalendar, 'workingDaysBetween'>,
): MilestoneView[] {
  return state.milestones.map((m, i) => {
    const overdue = milestoneOverdue(state, m, today);
    return {
      index: i + 1,
      due: m.due,
      text: m.text,
      status: m.done ? 'done' : overdue ? 'overdue' : 'pending',
      done: m.done ?? null,
      late: overdue ? lateness(m.due, today, calendar) : null,
    };
  });
}

/** The overdue milestones of the item on `today` (none unless it is open). */
export function overdueMilestones(
  state: Pick<ItemState, 'status' | 'milestones'>,
  today: string,
  calendar?: Pick<WorkingCalendar, 'workingDaysBetween'>,
): MilestoneView[] {
  return milestoneViews(state, today, calendar).filter((m) => m.status === 'overdue');
}

/** The first milestone not reported yet (the one a lead unit's button reports), or null. */
export function nextPendingMilestone(state: Pick<ItemState, 'milestones'>): { index: number; milestone: Milestone } | null {
  const i = state.milestones.findIndex((m) => !m.done);
  return i < 0 ? null : { index: i + 1, milestone: state.milestones[i]! };
}

/** Done / overdue / total, for counts (ledger, bulletin). */
export function milestoneCounts(state: Pick<ItemState, 'status' | 'milestones'>, today: string): { done: number; overdue: number; total: number } {
  const views = milestoneViews(state, today);
  return { done: views.filter((m) => m.status === 'done').length, overdue: views.filter((m) => m.status === 'overdue').length, total: views.length };
}
