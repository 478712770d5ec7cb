/**
 * 限时报告: the fixed days on which units owe a progress report (每周五报送进展, 每月25日前报告,
 * 每半月, 每季度末). A rhythm is stored as a short string so that it stays one JSON field:
 *
 *   day            every working day
 *   week:N         every week by weekday N (1 = Monday ... 7 = Sunday); `week` alone: by Friday
 *   half-month     by the 15th and by the last day of each month
 *   month:N        every month by day N (a day the month lacks is its last day); `month` alone: by the last day
 *   quarter        by the last day of each quarter (3/31, 6/30, 9/30, 12/31)
 *
 * The days are fixed: a report made late does not move the next due day (the first version
 * counted "a week after the last report", so one late report shifted every later one).
 * A due day that is a day off moves to the next working day. A due day less than
 * FIRST_REPORT_MIN_WORKING_DAYS working days after the unit was assigned is not asked for: a unit
 * given an item on Thursday does not owe a report on Friday.
 */
import type { YMD } from '../../calendar/model/ymd.js';
import { addDays, daysInMonth, formatYMD, parseYMD, weekday } from '../../calendar/model/ymd.js';

export const REPORT_PERIODS = ['day', 'week', 'half-month', 'month', 'quarter'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];
export type ReportEvery = 'day' | 'week' | `week:${number}` | 'half-month' | 'month' | `month:${number}` | 'quarter';
/** Who owes the reports: the lead units (default) or every unit on the item. */
export type ReportsFrom = 'lead' | 'all';

/** `week` without a weekday: by Friday, the usual 周报 day. */
export const DEFAULT_REPORT_WEEKDAY = 5;
/** `month` without a day: by the month's last day. */
export const MONTH_END = 31;
export const FIRST_REPORT_MIN_WORKING_DAYS = 2;

export type Rhythm = { period: ReportPeriod; on: number | null };

export function parseReportEvery(value: string): Rhythm | null {
  const m = /^(day|week|half-month|month|quarter)(?::(\d{1,2}))?$/.exec(value);
  if (!m) return null;
  const period = m[1] as ReportPeriod;
  const on = m[2] === undefined ? null : Number(m[2]);
  if (on !== null) {
    if (period === 'week' && (on < 1 || on > 7)) return null;
    if (period === 'month' && (on < 1 || on > 31)) return null;
    if (period !== 'week' && period !== 'month') return null;
  }
  return { period, on };
}

export function isReportEvery(value: unknown): value is ReportEvery {
  return typeof value === 'string' && parseReportEvery(value) !== null;
}

/** The working-calendar operations the due days need. */
export type RhythmCalendar = { addWorkingDays(from: YMD, n: number): YMD; workingDayOnOrAfter(date: YMD): YMD };

/** The nominal due days (before moving off days off) strictly after `after`, in order. */
function* nominalDays(rhythm: Rhythm, after: YMD): Generator<YMD> {
  const start = parseYMD(after);
  switch (rhythm.period) {
    case 'day':
      for (let d = addDays(after, 1); ; d = addDays(d, 1)) yield d;
    case 'week': {
      const target = rhythm.on ?? DEFAULT_REPORT_WEEKDAY;
      let d = addDays(after, 1);
      // ymd's weekday counts Sunday as 0; ours as 7.
      while ((weekday(d) || 7) !== target) d = addDays(d, 1);
      for (; ; d = addDays(d, 7)) yield d;
    }
    case 'half-month':
    case 'month':
    case 'quarter': {
      for (let year = start.year, month = start.month; ; year += month === 12 ? 1 : 0, month = (month % 12) + 1) {
        const last = daysInMonth(year, month);
        const days =
          rhythm.period === 'half-month' ? [15, last] : rhythm.period === 'month' ? [Math.min(rhythm.on ?? MONTH_END, last)] : month % 3 === 0 ? [last] : [];
        for (const day of days) {
          const d = formatYMD(year, month, day);
          if (d > after) yield d;
        }
      }
    }
  }
}

/**
 * The days a report is due, in order, for a unit assigned on `assigned`: each nominal day moved to
 * a working day, the ones too soon after the assignment left out (see the module comment).
 */
export function* reportDueDays(cal: RhythmCalendar, every: ReportEvery, assigned: YMD): Generator<YMD> {
  const rhythm = parseReportEvery(every);
  if (!rhythm) return;
  const earliest = rhythm.period === 'day' ? cal.addWorkingDays(assigned, 1) : cal.addWorkingDays(assigned, FIRST_REPORT_MIN_WORKING_DAYS);
  let previous: YMD | null = null;
  for (const nominal of nominalDays(rhythm, assigned)) {
    const due = cal.workingDayOnOrAfter(nominal);
    if (due < earliest || due === previous) continue;
    previous = due;
    yield due;
  }
}
