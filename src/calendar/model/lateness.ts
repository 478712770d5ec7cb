import type { Translate } from '../../i18n/translator.js';
import { nationalCalendar, type WorkingCalendar, type YMD } from './working-calendar.js';
import { daysBetween } from './ymd.js';

/**
 * How late something due on a date is: in working days, the count the reminders and the
 * escalation ladder use, and in calendar days, what a reader counts on a wall calendar.
 */
export type Lateness = { workingDays: number; calendarDays: number };

/**
 * The lateness on `today` of something due on `deadline` (0 and 0 on the day itself or before).
 * Working days are those after the deadline up to and including today (a Friday deadline is 1
 * working day late on Monday, and 3 calendar days).
 */
export function lateness(deadline: YMD, today: YMD, calendar: Pick<WorkingCalendar, 'workingDaysBetween'> = nationalCalendar): Lateness {
  return {
    workingDays: Math.max(0, calendar.workingDaysBetween(deadline, today)),
    calendarDays: Math.max(0, daysBetween(deadline, today)),
  };
}

/**
 * The one way every message says how late: "3 个工作日（5 天）" / "3 working days (5 days)",
 * the calendar days in brackets only where they differ from the working days.
 */
export function latenessText(t: Translate, late: Lateness): string {
  return late.calendarDays === late.workingDays
    ? t('late-working-days', { working: late.workingDays })
    : t('late-working-and-calendar-days', { working: late.workingDays, calendar: late.calendarDays });
}
