/**
 * Deadlines as the organisation's local date and optional time of day (`YYYY-MM-DD`, `HH:mm`):
 * whether one has passed, by how many days, and how it is written in refusals and events.
 */
import type { DeadlineJson, ItemState, JudgeContext } from './types.js';

/** A deadline without a time lasts until the end of its day. */
const END_OF_DAY = '24:00';

/**
 * Whether moment `a` is after deadline `b`. When `a` is "now" and carries no time of day
 * (`aHasTime` false), it counts as the start of its day, so a deadline later that day has not
 * passed yet.
 */
export function isAfter(a: DeadlineJson, b: DeadlineJson, aHasTime: boolean): boolean {
  if (a.date !== b.date) return a.date > b.date;
  const aTime = a.time ?? (aHasTime ? END_OF_DAY : '00:00');
  return aTime > (b.time ?? END_OF_DAY);
}

export function hasPassed(deadline: DeadlineJson, ctx: JudgeContext): boolean {
  return isAfter({ date: ctx.today, time: ctx.timeOfDay ?? null }, deadline, ctx.timeOfDay !== undefined);
}

export function calendarDaysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function currentDeadline(state: ItemState): DeadlineJson {
  return { date: must(state.deadline), time: state.deadlineTime };
}

export function formatDeadline(state: ItemState): string {
  return state.deadline === null ? '' : formatDeadlineJson({ date: state.deadline, time: state.deadlineTime });
}

export function formatDeadlineJson(deadline: DeadlineJson): string {
  return deadline.time === null ? deadline.date : `${deadline.date} ${deadline.time}`;
}

/**
 * Whether the item's deadline has passed at `today` (and `timeOfDay`, for a deadline with a
 * time), whatever its status. A deadline without a time lasts the whole day.
 */
export function deadlinePassed(state: ItemState, today: string, timeOfDay?: string): boolean {
  if (state.deadline === null) return false;
  return isAfter({ date: today, time: timeOfDay ?? null }, { date: state.deadline, time: state.deadlineTime }, timeOfDay !== undefined);
}

/**
 * Whether the units are late now: the item is open and its deadline has passed. An item whose
 * result awaits the leader's confirmation is not overdue (the units have done their part).
 */
export function isOverdue(state: ItemState, today: string, timeOfDay?: string): boolean {
  return state.status === 'open' && deadlinePassed(state, today, timeOfDay);
}

/**
 * Calendar days between the deadline and `today` for an overdue item, else 0. An item due today
 * at a time that has passed is overdue by 0 days.
 */
export function daysOverdue(state: ItemState, today: string, timeOfDay?: string): number {
  if (!isOverdue(state, today, timeOfDay) || state.deadline === null) return 0;
  return calendarDaysBetween(state.deadline, today);
}

/** For values the judgement has already proven present. */
export function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('items model: invariant broken (value checked by judge is missing)');
  return value;
}
