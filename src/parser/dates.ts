import { nationalCalendar } from '../calendar/model/working-calendar.js';
import { STATUTORY_HOLIDAY_KEYS, type StatutoryHolidayKey } from '../calendar/model/statutory.js';
import { addDays, addMonths, daysBetween, formatYMD, isValidDate, lastDayOfMonth, mondayOf, parseYMD, weekday, type YMD } from '../calendar/model/ymd.js';
import { zonedParts } from '../calendar/model/zoned-time.js';
import type { Locale } from '../i18n/translator.js';
import { EN_NUM, EN_ORDINAL, NUM, parseEnglishNumber, parseEnglishOrdinal, parseNumber } from './numerals.js';
import { note, type ParserNote } from './warnings.js';

/**
 * Dates in an instruction, read relative to "now" in the configured zone.
 *
 * Decisions (where people could read a phrase two ways, this is the way we read it):
 * - "by day D" (X月X日前, by 30 July, due 2024-08-15) means until the END of day D in the
 *   configured zone: the result is the date D, and `dueInstant()` in parse.ts turns it into
 *   23:59:59.999 local time. A time of day, when given, is kept apart as deadlineTime.
 * - A date without a year is the next such date on or after today: 1月10日前 written in July
 *   is next January. If that pushed a date written within the last month into next year (7月18日
 *   written on 19 July), it is probably a slip, so a warning says how it was read.
 * - A date with an explicit year (or 本月/今年) that is already past stays as written, with a warning.
 * - N日内 / N天内 count calendar days from today: the deadline is today + N.
 * - N个工作日内 counts working days after today: today + N working days (holidays and make-up
 *   working days included), so on a Friday "1个工作日内" is the next working Monday.
 * - 两周内 = today + 14 days, N个月内 = today + N calendar months, N小时内 = now + N hours (with a time).
 * - Weeks run Monday to Sunday. 本周五 is the Friday of this week; when it is already past
 *   (written on a Saturday) it is read as next Friday, with a warning. 下周三 is the Wednesday of
 *   next week. A bare 周五 / "Friday" is the next Friday on or after today. English "next Friday"
 *   is read like 下周五 (Friday of next week); "this Friday" like 本周五.
 * - 本周内 = this week's Friday (the working week); 月底 = the last day of this month (today on
 *   the last day); 年底/年内 = 31 December; 上旬 = the 10th, 中旬 = the 20th, 下旬 = month end;
 *   X季度末 = the quarter's last day; "end of week" = Friday.
 * - A time without a day (下午5点前) is today, or tomorrow once it has passed (with a warning).
 * - A day without a month (30日前, 5号前) is that day of this month, or of next month once passed.
 * - With several report rhythms (每日..., 每周...) the most frequent one is kept.
 * - Not deadlines: dates after 每 (每月5日前 is a report rhythm), start dates (自/从 X 起,
 *   X 至 Y's X, from/since X), events (X召开/印发), things already done (已于 X 完成), and a
 *   date restated in other words (7月30日前(即下下周二)).
 * - A written year more than 100 years from now (9999年) is a slip, read as an invalid date.
 * - 当天 is a deadline only as 当天办结/当天内 (当日进展 is "the day's progress").
 * - Several deadlines become milestones sorted by date; the last one is the deadline.
 * - Holidays are read on the office's calendar (imported schedules, else the statutory days): 春节前
 *   / 国庆节前 / "before the National Day holiday" = the last working day before the holiday's run
 *   of days off (a make-up Saturday counts); 国庆节后第一个工作日 / 国庆假期后 = the first working day
 *   after it. Without a year, the next such holiday that has not begun (前) or not ended (后); a
 *   bare 节前/节后第一个工作日 is the nearest one. 春节前后 ("around") is no deadline.
 * - A month.day (3.15前) is read only with a deadline word next to it (前/日/号/报送 after, 于/截至/
 *   by before) and never after 增长/达到/第 or before %/亿/倍/条/版...: 增长3.5%, 1.5亿, v2.1 stay numbers.
 * - 下班前 is the end of working hours (default 18:00); 今天下班前 / 今天之内 / 下班前 alone written
 *   on a day off are the next working day's end of working hours, with a warning.
 * - Not deadlines either: a date that introduces a basis (根据/按照/落实 X ... 精神/要求/部署/会议),
 *   unless 前/内 follows it; a bare period (一季度, 上半年) not followed by 前/内/完成 or the end of the
 *   clause (报送一季度投资完成情况); a date that describes a noun (7月30日的会议纪要).
 */

/** The statutory holidays a leader names (春节前, 国庆节后第一个工作日). */
export type HolidayKey = StatutoryHolidayKey;

/** What the parser needs of the office's working calendar; a WorkingCalendar fits. */
export type ParserCalendar = {
  isWorkingDay(date: YMD): boolean;
  addWorkingDays(from: YMD, n: number): YMD;
  uncoveredYearsBetween(a: YMD, b: YMD): number[];
  /** The contiguous run of days off around the holiday's statutory days in that year. */
  holidayPeriod(key: HolidayKey, year: number): { first: YMD; last: YMD } | null;
};

export type DateContext = {
  now: Date;
  timezone: string;
  /** Default: the national calendar (with any imported schedules). */
  calendar?: ParserCalendar;
  /** End of working hours, minutes since midnight (下班前); default 18:00. */
  workdayEnd?: number;
};

export type DueDate = {
  start: number;
  end: number;
  ymd: YMD;
  /** Minutes since midnight, or null for "end of day". */
  minute: number | null;
  /** The words as written. */
  written: string;
};

import type { ReportEvery, ReportsFrom } from '../items/model/report-rhythm.js';
export type { ReportEvery, ReportsFrom };

export type DateReading = {
  due: DueDate[];
  /** Every date or time expression read, deadline or not (role lists never cross them). */
  spans: { start: number; end: number }[];
  reportEvery: ReportEvery | null;
  /** 'all' when the rhythm is asked of every unit (各单位每周五报送), else 'lead'. */
  reportsFrom: ReportsFrom;
  warnings: ParserNote[];
};

type Candidate = {
  start: number;
  end: number;
  kind: 'date' | 'time';
  lang: Locale;
  ymd: YMD | null;
  minute: number | null;
  /** For times: whether the words fix the half of the day (下午, pm, 17:00) or a day word implies it. */
  period?: 'am' | 'pm' | 'fixed';
  /** Day words that imply evening or morning for an attached time (今晚8点). */
  implies?: 'am' | 'pm';
  /** A standalone time is read only when it says 下午/pm or is followed by 前. */
  strongTime?: boolean;
  /** A bare period (一季度, 上半年): a deadline only when a deadline word follows it. */
  bare?: boolean;
  /** 下班前: the end of working hours; alone it means today's (or, on a day off, the next working day's). */
  workEnd?: boolean;
  warnings: ParserNote[];
};

type Ctx = {
  today: YMD;
  year: number;
  month: number;
  day: number;
  minuteOfDay: number;
  now: Date;
  timezone: string;
  calendar: ParserCalendar;
  workdayEnd: number;
};

type Pattern = {
  re: RegExp;
  lang: Locale;
  read(m: RegExpExecArray, ctx: Ctx, text: string): Omit<Candidate, 'start' | 'end' | 'lang'> | null;
};

const NOT_NUM_BEFORE = '(?<![\\d零〇一二两三四五六七八九十百千])';
const YEAR = '(?:(\\d{4}|[零〇一二三四五六七八九]{4})年|(今|本|明|次|后|去)年)';
const MONTHS_EN = 'january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|nov|dec';
const WEEKDAYS_EN = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri';

const EN_MONTH_INDEX: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const ZH_WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };
const EN_WEEKDAY: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

function date(ymd: YMD | null, warnings: ParserNote[] = []): Omit<Candidate, 'start' | 'end' | 'lang'> {
  return { kind: 'date', ymd, minute: null, warnings };
}

function invalid(written: string): Omit<Candidate, 'start' | 'end' | 'lang'> {
  return date(null, [note('invalidDate', written)]);
}

/** Explicit or relative year; undefined when none was written. */
function yearOf(explicit: string | undefined, relative: string | undefined, ctx: Ctx): number | undefined {
  if (explicit) return parseNumber(explicit);
  switch (relative) {
    case '今':
    case '本':
      return ctx.year;
    case '明':
    case '次':
      return ctx.year + 1;
    case '后':
      return ctx.year + 2;
    case '去':
      return ctx.year - 1;
    default:
      return undefined;
  }
}

/** A written year stays as written (past or not); without one, the next occurrence on or after today. */
function monthDay(written: string, year: number | undefined, month: number, day: number | 'last', ctx: Ctx) {
  const build = (y: number): YMD | null => {
    if (!Number.isInteger(month) || month < 1 || month > 12) return null;
    if (day === 'last') return lastDayOfMonth(y, month);
    return isValidDate(y, month, day) ? formatYMD(y, month, day) : null;
  };
  if (year !== undefined) {
    // 9999年 or 0001年 is a slip of the keyboard, not a deadline.
    if (!(year >= ctx.year - 100 && year <= ctx.year + 100)) return invalid(written);
    const ymd = build(year);
    if (!ymd) return invalid(written);
    return date(ymd, ymd < ctx.today ? [note('pastDate', written, ymd)] : []);
  }
  const thisYear = build(ctx.year);
  if (thisYear && thisYear >= ctx.today) return date(thisYear);
  // The next year that has the date (2月29日 waits for a leap year).
  for (let y = ctx.year + 1; y <= ctx.year + 8; y++) {
    const next = build(y);
    if (!next) continue;
    const recent = thisYear !== null && daysBetween(thisYear, ctx.today) <= 31;
    return date(next, recent ? [note('rolledToNextYear', written, next)] : []);
  }
  return invalid(written);
}

/** The given weekday (1 = Monday ... 7 = Sunday) of this week, next week, or the next on or after today. */
function weekdayDate(written: string, which: 'this' | 'next' | 'after-next' | 'coming', target: number, ctx: Ctx) {
  const monday = mondayOf(ctx.today);
  if (which === 'next') return date(addDays(monday, 7 + target - 1));
  if (which === 'after-next') return date(addDays(monday, 14 + target - 1));
  if (which === 'this') {
    const ymd = addDays(monday, target - 1);
    if (ymd >= ctx.today) return date(ymd);
    const next = addDays(ymd, 7);
    return date(next, [note('weekdayPassed', written, next)]);
  }
  const todayWd = weekday(ctx.today) === 0 ? 7 : weekday(ctx.today);
  return date(addDays(ctx.today, (target - todayWd + 7) % 7));
}

function quarterEnd(written: string, year: number | undefined, quarter: number, ctx: Ctx) {
  if (!(quarter >= 1 && quarter <= 4)) return null;
  return monthDay(written, year, quarter * 3, 'last', ctx);
}

function workingDaysFromToday(n: number, ctx: Ctx) {
  const ymd = ctx.calendar.addWorkingDays(ctx.today, n);
  const uncovered = ctx.calendar.uncoveredYearsBetween(ctx.today, ymd);
  return date(ymd, uncovered.length > 0 ? [note('uncoveredCalendar', uncovered)] : []);
}

function hoursFromNow(hours: number, ctx: Ctx): Omit<Candidate, 'start' | 'end' | 'lang'> {
  const local = zonedParts(new Date(ctx.now.getTime() + hours * 3_600_000), ctx.timezone);
  return { kind: 'date', ymd: local.ymd, minute: Math.floor(local.minuteOfDay), period: 'fixed', warnings: [] };
}

/** Chinese and English holiday names; a bare 节/假期/holiday is the nearest one (null). */
function holidayKey(name: string | undefined): HolidayKey | null {
  if (!name) return null;
  const n = name.toLowerCase();
  if (/元旦|new year'?s? day/.test(n)) return 'newyear';
  if (/春节|spring festival|lunar new year|chinese new year/.test(n)) return 'spring';
  if (/清明|qingming|tomb/.test(n)) return 'qingming';
  if (/五一|劳动|may day|labou?r day/.test(n)) return 'labour';
  if (/端午|dragon boat/.test(n)) return 'dragonboat';
  if (/中秋|mid-?autumn/.test(n)) return 'midautumn';
  if (/国庆|national day/.test(n)) return 'national';
  return null;
}

function withCalendarNote(ymd: YMD, ctx: Ctx, warnings: ParserNote[] = []) {
  const uncovered = ctx.calendar.uncoveredYearsBetween(ctx.today, ymd);
  return date(ymd, uncovered.length > 0 ? [...warnings, note('uncoveredCalendar', uncovered)] : warnings);
}

/**
 * 春节前 = the last working day before the holiday's days off; 国庆节后第一个工作日 = the first
 * working day after them. Without a year, the next such holiday: for "before", one whose days off
 * have not begun; for "after", one that has not ended. A bare 节前/节后 is the nearest holiday.
 */
function holidayDate(written: string, key: HolidayKey | null, side: 'before' | 'after', year: number | undefined, ctx: Ctx) {
  const period = (k: HolidayKey, y: number) => ctx.calendar.holidayPeriod(k, y);
  const upcoming = (p: { first: YMD; last: YMD }) => (side === 'before' ? p.first > ctx.today : p.last >= ctx.today);
  let found: { first: YMD; last: YMD } | null = null;
  if (year !== undefined) {
    if (!(year >= ctx.year - 100 && year <= ctx.year + 100)) return invalid(written);
    for (const k of key ? [key] : STATUTORY_HOLIDAY_KEYS) {
      const p = period(k, year);
      if (p && (key || upcoming(p)) && (!found || p.first < found.first)) found = p;
    }
  } else {
    for (let y = ctx.year; y <= ctx.year + 2 && !found; y++) {
      for (const k of key ? [key] : STATUTORY_HOLIDAY_KEYS) {
        const p = period(k, y);
        if (p && upcoming(p) && (!found || p.first < found.first)) found = p;
      }
    }
  }
  if (!found) return date(null, [note('unreadDate', written)]);
  const ymd = side === 'before' ? ctx.calendar.addWorkingDays(found.first, -1) : ctx.calendar.addWorkingDays(found.last, 1);
  return withCalendarNote(ymd, ctx, ymd < ctx.today ? [note('pastDate', written, ymd)] : []);
}

/**
 * 今天下班前 / 今天之内: today, or, written on a day off, the next working day at the end of
 * working hours (an office reads "today" on a Sunday as "first thing we are back").
 */
function todayAtWork(written: string, untilEndOfWork: boolean, ctx: Ctx) {
  if (ctx.calendar.isWorkingDay(ctx.today)) {
    if (!untilEndOfWork) return date(ctx.today);
    if (ctx.minuteOfDay < ctx.workdayEnd) return { ...date(ctx.today), minute: ctx.workdayEnd, period: 'fixed' as const };
    const next = ctx.calendar.addWorkingDays(ctx.today, 1);
    return { ...date(next, [note('timePassed', written, next)]), minute: ctx.workdayEnd, period: 'fixed' as const };
  }
  const next = ctx.calendar.addWorkingDays(ctx.today, 1);
  return { ...withCalendarNote(next, ctx, [note('todayIsDayOff', written, next)]), minute: ctx.workdayEnd, period: 'fixed' as const };
}

/** A duration from today: unit is day, week, month, workday or hour. */
function duration(n: number, unit: string, ctx: Ctx) {
  if (!Number.isFinite(n) || n < 0 || n > 3660) return null;
  switch (unit) {
    case 'day':
      return date(addDays(ctx.today, Math.round(n)));
    case 'week':
      return date(addDays(ctx.today, Math.round(n * 7)));
    case 'month':
      return n === 0.5 ? date(addDays(ctx.today, 15)) : Number.isInteger(n) ? date(addMonths(ctx.today, n)) : null;
    case 'workday':
      return Number.isInteger(n) ? workingDaysFromToday(n, ctx) : null;
    case 'hour':
      return n <= 24 * 366 ? hoursFromNow(n, ctx) : null;
    default:
      return null;
  }
}

function time(hour: number, minute: number, period: Candidate['period'], strong: boolean) {
  if (!Number.isInteger(hour) || !Number.isInteger(minute) || hour < 0 || hour > 24 || minute < 0 || minute > 59) return null;
  if (hour === 24 && minute > 0) return null;
  return { kind: 'time' as const, ymd: null, minute: hour * 60 + minute, period, strongTime: strong, warnings: [] };
}

/** What may not follow a month.day: amounts, percentages, counts, sections (1.5亿, 3.5倍, 2.1节). */
const SHORT_DATE_NOT_AFTER =
  /^\s*(?:[%‰亿万千百元角倍个件项家台套吨米斤辆条节款章版级度层楼户人次批]|公里|平方|亩|分钟|小时|\s*(?:percent|million|billion|times|%))/i;
/** A month.day is a date when a deadline word follows (3.15前, 3.15完成) ... */
const SHORT_DATE_AFTER = /^\s*(?:日|号|之前|以前|前|为止|止|完成|办结|报送|上报|报|提交|反馈|答复)/;
/** Never a date after a word that introduces a quantity (增长3.15, 达到3.5, 第3.1). */
const SHORT_DATE_NOT_BEFORE = /(?:增长|下降|增加|减少|提高|降低|提升|达到|达|约|共|计|占|为|是|比|率|值|额|量|数|第|价|超过|不足|逾|近)\s*$/;
/** ... or precedes it (于3.15, 截至3.15, by 3.15, deadline: 3.15). */
const SHORT_DATE_BEFORE = /(?:于|在|截至|截止到?|最迟|最晚|不晚于|时限|期限|时间|\b(?:by|before|due|on|until|deadline))\s*:?\s*$/i;

const ZH_PM = new Set(['下午', '傍晚', '晚上', '晚间', '夜间', '夜里']);
const ZH_AM = new Set(['上午', '早上', '早晨', '清晨', '凌晨']);

const PATTERNS: Pattern[] = [
  // 春节前, 2027年国庆节前, 五一假期前, 国庆节后第一个工作日, 节后第一个工作日, 国庆假期后, 节前
  {
    re: /(?:(\d{4})年|(今|明)年)?(元旦|春节|清明节?|五一劳动节|五一|劳动节|端午节?|中秋节?|国庆节?|(?<=^|[^\u4e00-\u9fff]|[于在请要须需并务必争保])(?:节|节假日|假期|长假|放假))(?:假期|长假|小长假|放假|节假日|节)?(?:(之前|以前|前(?!后))|后(?:的)?(?:第一个工作日|首个工作日|第一个上班日|上班第一天|第一天上班|上班后?)|(?:结束)?后)/g,
    lang: 'zh',
    read: (m, ctx) => {
      const name = m[3]!;
      const key = holidayKey(name);
      if (!key && !/^(?:节|节假日|假期|长假|放假)$/.test(name)) return null;
      return holidayDate(m[0], key, m[4] ? 'before' : 'after', yearOf(m[1], undefined, ctx) ?? (m[2] ? yearOf(undefined, m[2], ctx) : undefined), ctx);
    },
  },
  // before the Spring Festival, before the National Day holiday, first working day after the May Day holiday
  {
    re: /\b(?:(before)\s+(?:the\s+)?|(?:(?:on\s+)?the\s+)?(first)\s+(?:working|business)\s+day\s+after\s+(?:the\s+)?|(after)\s+the\s+)(spring\s+festival|lunar\s+new\s+year|chinese\s+new\s+year|qingming(?:\s+festival)?|tomb[- ]sweeping\s+day|may\s+day|labou?r\s+day|dragon\s+boat\s+festival|mid-autumn\s+festival|national\s+day|new\s+year'?s\s+day|holidays?|break)(?:\s+(?:holidays?|break))?\b/gi,
    lang: 'en',
    read: (m, ctx) => {
      const key = holidayKey(m[4]!.replace(/\s+/g, ' '));
      if (!key && m[3]) return null; // "after the break" alone is too loose
      return holidayDate(m[0], key, m[1] ? 'before' : 'after', undefined, ctx);
    },
  },
  // 今天下班前, 今天之内 (on a day off: the next working day, end of working hours)
  {
    re: /(?:(今天|今日|当天)(?:之内|以内|内)|(?:今天|今日|当天)下班(?:之前|以前|前))/g,
    lang: 'zh',
    read: (m, ctx) => todayAtWork(m[0], m[1] === undefined, ctx),
  },
  // 下班前: a time of day, the end of working hours (明天下班前, 周五下班前); alone, like 今天下班前
  {
    re: /下班(?:之前|以前|前)/g,
    lang: 'zh',
    read: (_m, ctx) => ({ kind: 'time', ymd: null, minute: ctx.workdayEnd, period: 'fixed', strongTime: true, workEnd: true, warnings: [] }),
  },
  // by close of business, COB, end of business today
  {
    re: /\b(?:(?:the\s+)?close\s+of\s+business|cob|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:business|working)\s+day)(?:\s+today)?\b/gi,
    lang: 'en',
    read: (m, ctx) => todayAtWork(m[0], true, ctx),
  },
  // 3.15前, 12.31: month.day, only where a deadline word is next to it (not 增长3.5%, 1.5亿, v2.1)
  {
    re: /(?<![\d.]|[a-zA-Z]|版本?)(1[0-2]|0?[1-9])\.(3[01]|[12]\d|0?[1-9])(?![\d%‰]|\.\d)/g,
    lang: 'zh',
    read: (m, ctx, text) => {
      const end = (m.index ?? 0) + m[0].length;
      const after = text.slice(end, end + 6);
      const before = text.slice(Math.max(0, (m.index ?? 0) - 10), m.index);
      if (SHORT_DATE_NOT_AFTER.test(after) || SHORT_DATE_NOT_BEFORE.test(before)) return null;
      if (!SHORT_DATE_AFTER.test(after) && !SHORT_DATE_BEFORE.test(before)) return null;
      return monthDay(m[0], undefined, Number(m[1]), Number(m[2]), ctx);
    },
  },
  // 2025年1月10日, 今年7月30日, 7月30日, 七月三十日
  {
    re: new RegExp(`${NOT_NUM_BEFORE}${YEAR}?(${NUM})月(${NUM})[日号]`, 'g'),
    lang: 'zh',
    read: (m, ctx) => monthDay(m[0], yearOf(m[1], m[2], ctx), parseNumber(m[3]!), parseNumber(m[4]!), ctx),
  },
  // 2024-08-15, 2024/8/15, 2024.8.15
  {
    re: /(?<![\d.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d])/g,
    lang: 'zh',
    read: (m, ctx) => monthDay(m[0], Number(m[1]), Number(m[3]), Number(m[4]), ctx),
  },
  // 8月底, 2025年6月底, 9月下旬
  {
    re: new RegExp(`${NOT_NUM_BEFORE}${YEAR}?(${NUM})月份?(底|末|上旬|中旬|下旬)`, 'g'),
    lang: 'zh',
    read: (m, ctx) => {
      const part = m[4]!;
      const day = part === '上旬' ? 10 : part === '中旬' ? 20 : 'last';
      return monthDay(m[0], yearOf(m[1], m[2], ctx), parseNumber(m[3]!), day, ctx);
    },
  },
  // 月底, 本月底, 下月底, 下个月中旬
  {
    re: new RegExp(`${NOT_NUM_BEFORE}(本|这个|当|下个|下|次)?月(底|末|上旬|中旬|下旬)`, 'g'),
    lang: 'zh',
    read: (m, ctx) => {
      const offset = m[1] === '下' || m[1] === '下个' || m[1] === '次' ? 1 : 0;
      const first = addMonths(formatYMD(ctx.year, ctx.month, 1), offset);
      const { year, month } = parseYMD(first);
      const part = m[2]!;
      const day = part === '上旬' ? 10 : part === '中旬' ? 20 : parseYMD(lastDayOfMonth(year, month)).day;
      const ymd = formatYMD(year, month, day);
      return date(ymd, ymd < ctx.today ? [note('pastDate', m[0], ymd)] : []);
    },
  },
  // 本月10日, 下月5日, 下个月10号
  {
    re: new RegExp(`(本|这个|当|下个|下|次)月(${NUM})[日号]`, 'g'),
    lang: 'zh',
    read: (m, ctx) => {
      const offset = m[1] === '下' || m[1] === '下个' || m[1] === '次' ? 1 : 0;
      const { year, month } = parseYMD(addMonths(formatYMD(ctx.year, ctx.month, 1), offset));
      return monthDay(m[0], year, month, parseNumber(m[2]!), ctx);
    },
  },
  // 年底, 年内, 今年底, 2025年底, 明年年底, 本年度内
  {
    re: new RegExp(`${NOT_NUM_BEFORE}(?:(\\d{4})|(今|本|明|次|去))?年(?:度)?(?:年)?(底|末|内)`, 'g'),
    lang: 'zh',
    read: (m, ctx) => monthDay(m[0], yearOf(m[1], m[2], ctx) ?? ctx.year, 12, 31, ctx),
  },
  // 上半年, 今年上半年, 下半年
  {
    re: /(?:(\d{4})年|(今|本|明)年)?(上|下)半年/g,
    lang: 'zh',
    read: (m, ctx) => ({ ...monthDay(m[0], yearOf(m[1], m[2], ctx), m[3] === '上' ? 6 : 12, m[3] === '上' ? 30 : 31, ctx), bare: true }),
  },
  // 三季度末, 第三季度, 2025年第一季度末
  {
    re: /(?:(\d{4})年|(今|本|明)年)?第?([一二三四1-4])季度(末|底)?/g,
    lang: 'zh',
    read: (m, ctx) => {
      const end = quarterEnd(m[0], yearOf(m[1], m[2], ctx), parseNumber(m[3]!), ctx);
      return end && !m[4] ? { ...end, bare: true } : end;
    },
  },
  // 本季度末, 下季度末
  {
    re: /(本|这个|当|下个|下)季度(?:末|底|内)/g,
    lang: 'zh',
    read: (m, ctx) => {
      const q = Math.ceil(ctx.month / 3) + (m[1]!.startsWith('下') ? 1 : 0);
      return q > 4 ? quarterEnd(m[0], ctx.year + 1, q - 4, ctx) : quarterEnd(m[0], ctx.year, q, ctx);
    },
  },
  // 本周五, 下周三, 下下周一, 周五, 星期五, 礼拜天
  {
    re: new RegExp(`${NOT_NUM_BEFORE}(本|这|下下|下个|下|次)?(?:周|星期|礼拜)([一二三四五六日天1-7])`, 'g'),
    lang: 'zh',
    read: (m, ctx) => {
      const which = m[1] === '下下' ? 'after-next' : m[1] === '下' || m[1] === '下个' || m[1] === '次' ? 'next' : m[1] ? 'this' : 'coming';
      return weekdayDate(m[0], which, ZH_WEEKDAY[m[2]!]!, ctx);
    },
  },
  // 本周内, 下周内
  {
    re: /(本|这|下个|下)周内/g,
    lang: 'zh',
    read: (m, ctx) => weekdayDate(m[0], m[1]!.startsWith('下') ? 'next' : 'this', 5, ctx),
  },
  // 今天, 明天, 后天, 今晚, 明早
  {
    // 当天 only as a deadline (当天办结); 当日进展 is "the day's progress".
    re: /(大后天|后天|明天|明日|明早|明晚|今天|今日|今晚|今早|当天(?=之内|以内|内|办结|完成|反馈|报送|答复|之前|前))/g,
    lang: 'zh',
    read: (m, ctx) => {
      const w = m[1]!;
      const offset = w === '大后天' ? 3 : w === '后天' ? 2 : w.startsWith('明') ? 1 : 0;
      return { ...date(addDays(ctx.today, offset)), implies: w.endsWith('晚') ? 'pm' : w.endsWith('早') ? 'am' : undefined };
    },
  },
  // 三日内, 15天内, 十五个自然日内
  {
    re: new RegExp(`(${NUM})个?(?:自然)?(?:日|天)(?:之内|以内|内)`, 'g'),
    lang: 'zh',
    read: (m, ctx) => duration(parseNumber(m[1]!), 'day', ctx),
  },
  // 5个工作日内, 三个工作日
  {
    // 第一个工作日 is a day, not a count (节后第一个工作日 is read above).
    re: new RegExp(`(?<!第)(${NUM})个?工作日(?:之内|以内|内)?`, 'g'),
    lang: 'zh',
    read: (m, ctx) => duration(parseNumber(m[1]!), 'workday', ctx),
  },
  // 两周内, 一个星期内, 半个月内, 3个月内, 24小时内
  {
    re: new RegExp(`(${NUM}|半)个?(周|星期|礼拜|月|小时|钟头)(?:之内|以内|内)`, 'g'),
    lang: 'zh',
    read: (m, ctx) => {
      const n = m[1] === '半' ? 0.5 : parseNumber(m[1]!);
      const unit = m[2] === '月' ? 'month' : m[2] === '小时' || m[2] === '钟头' ? 'hour' : 'week';
      // "3月内" is more likely "within March" than three months; only "3个月内" counts months.
      if (unit === 'month' && !m[0].includes('个') && m[1] !== '半') return null;
      return duration(n, unit, ctx);
    },
  },
  // 30日前, 5号前: a day of this month (next month once it has passed)
  {
    re: new RegExp(`(?<![月\\d零〇一二两三四五六七八九十百千个])(${NUM})[日号](?=之前|以前|前|止|为止)`, 'g'),
    lang: 'zh',
    read: (m, ctx) => {
      const d = parseNumber(m[1]!);
      if (!(d >= 1 && d <= 31)) return invalid(m[0]);
      for (let k = 0; k < 3; k++) {
        const { year, month } = parseYMD(addMonths(formatYMD(ctx.year, ctx.month, 1), k));
        if (isValidDate(year, month, d) && formatYMD(year, month, d) >= ctx.today) return date(formatYMD(year, month, d));
      }
      return invalid(m[0]);
    },
  },
  // 下午5点, 17时30分, 17:00, 中午12点, 五点半
  {
    re: new RegExp(`(上午|早上|早晨|清晨|凌晨|中午|午间|下午|傍晚|晚上|晚间|夜间|夜里)?(${NUM})(?:点|时|:)(?:(半)|(一刻)|(三刻)|(${NUM})分?)?`, 'g'),
    lang: 'zh',
    read: (m, _ctx, text) => {
      const word = m[1];
      let hour = parseNumber(m[2]!);
      const colon = m[0].includes(':');
      if (colon && !(m[6] && /^\d{2}$/.test(m[6]))) return null; // "1:1" is a ratio, not a time
      const minute = m[3] ? 30 : m[4] ? 15 : m[5] ? 45 : m[6] ? parseNumber(m[6]) : 0;
      let period: Candidate['period'];
      if (word && ZH_PM.has(word)) {
        if (hour < 12) hour += 12;
        period = 'fixed';
      } else if (word === '中午' || word === '午间') {
        if (hour >= 1 && hour <= 2) hour += 12;
        period = 'fixed';
      } else if (word && ZH_AM.has(word)) {
        period = 'fixed';
      } else {
        period = hour > 12 || colon ? 'fixed' : undefined;
      }
      const end = (m.index ?? 0) + m[0].length;
      const strong = word !== undefined || /^(?:之前|以前|前)/.test(text.slice(end, end + 2));
      return time(hour, minute, period, strong);
    },
  },
  // English: 30 July, 30th of July 2025, the thirtieth of July
  {
    re: new RegExp(`\\b(?:the\\s+)?(${EN_ORDINAL})(?:\\s+of)?\\s+(${MONTHS_EN})\\b\\.?(?:,?\\s+(\\d{4})\\b)?`, 'gi'),
    lang: 'en',
    read: (m, ctx) => monthDay(m[0].trim(), m[3] ? Number(m[3]) : undefined, EN_MONTH_INDEX[m[2]!.toLowerCase().slice(0, 3)]!, parseEnglishOrdinal(m[1]!), ctx),
  },
  // English: July 30, July 30th, 2025
  {
    re: new RegExp(`\\b(${MONTHS_EN})\\.?\\s+(?:the\\s+)?(${EN_ORDINAL})\\b(?:,?\\s+(\\d{4})\\b)?`, 'gi'),
    lang: 'en',
    read: (m, ctx) => monthDay(m[0], m[3] ? Number(m[3]) : undefined, EN_MONTH_INDEX[m[1]!.toLowerCase().slice(0, 3)]!, parseEnglishOrdinal(m[2]!), ctx),
  },
  // English: end of (this|next) month/year/week/quarter, month-end, year-end
  {
    re: /\b(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:(this|next|current|the)\s+)?(month|year|week|quarter)|(month|year|week|quarter)[- ]end)\b/gi,
    lang: 'en',
    read: (m, ctx) => {
      const next = m[1]?.toLowerCase() === 'next';
      const unit = (m[2] ?? m[3])!.toLowerCase();
      if (unit === 'week') return weekdayDate(m[0], next ? 'next' : 'this', 5, ctx);
      if (unit === 'year') return monthDay(m[0], ctx.year + (next ? 1 : 0), 12, 31, ctx);
      if (unit === 'quarter') {
        const q = Math.ceil(ctx.month / 3) + (next ? 1 : 0);
        return q > 4 ? quarterEnd(m[0], ctx.year + 1, q - 4, ctx) : quarterEnd(m[0], ctx.year, q, ctx);
      }
      const { year, month } = parseYMD(addMonths(formatYMD(ctx.year, ctx.month, 1), next ? 1 : 0));
      return date(lastDayOfMonth(year, month));
    },
  },
  // English: end of August (2025)
  {
    re: new RegExp(`\\b(?:the\\s+)?end\\s+of\\s+(${MONTHS_EN})\\b\\.?(?:,?\\s+(\\d{4})\\b)?`, 'gi'),
    lang: 'en',
    read: (m, ctx) => monthDay(m[0].trim(), m[2] ? Number(m[2]) : undefined, EN_MONTH_INDEX[m[1]!.toLowerCase().slice(0, 3)]!, 'last', ctx),
  },
  // English: Friday, this Friday, next Friday
  {
    re: new RegExp(`\\b(?:(this|next|coming|this\\s+coming)\\s+)?(${WEEKDAYS_EN})\\b`, 'gi'),
    lang: 'en',
    read: (m, ctx) => {
      const w = m[1]?.toLowerCase();
      const which = w === 'next' ? 'next' : w === 'this' ? 'this' : 'coming';
      return weekdayDate(m[0], which, EN_WEEKDAY[m[2]!.toLowerCase().slice(0, 3)]!, ctx);
    },
  },
  // English: today, tonight, tomorrow, the day after tomorrow, end of day
  {
    re: /\b(the\s+day\s+after\s+tomorrow|tomorrow|today|tonight|end\s+of\s+(?:the\s+)?day|eod)\b/gi,
    lang: 'en',
    read: (m, ctx) => {
      const w = m[1]!.toLowerCase();
      const offset = w.startsWith('the') ? 2 : w === 'tomorrow' ? 1 : 0;
      return { ...date(addDays(ctx.today, offset)), implies: w === 'tonight' ? 'pm' : undefined };
    },
  },
  // English: within 3 working days, in 10 days, within two weeks, within a month, within 24 hours
  {
    re: new RegExp(`\\b(?:within|in)\\s+(?:the\\s+next\\s+)?(${EN_NUM})\\s+(?:(working|business|calendar)\\s+)?(days?|weeks?|months?|hours?)\\b`, 'gi'),
    lang: 'en',
    read: (m, ctx) => {
      const n = parseEnglishNumber(m[1]!);
      const kind = m[3]!.toLowerCase().replace(/s$/, '');
      const working = m[2] !== undefined && m[2].toLowerCase() !== 'calendar';
      if (working && kind !== 'day') return null;
      return duration(n, working ? 'workday' : kind, ctx);
    },
  },
  // English times: 5pm, 5:30 p.m., noon
  {
    re: /\b(?:(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?(?![a-z])|(noon|midday))/gi,
    lang: 'en',
    read: (m) => {
      if (m[4]) return time(12, 0, 'fixed', true);
      let hour = Number(m[1]);
      if (hour < 1 || hour > 12) return null;
      const pm = m[3]!.toLowerCase() === 'p';
      if (hour === 12) hour = pm ? 12 : 0;
      else if (pm) hour += 12;
      return time(hour, m[2] ? Number(m[2]) : 0, 'fixed', true);
    },
  },
];

function collect(text: string, ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  for (const pattern of PATTERNS) {
    pattern.re.lastIndex = 0;
    for (let m = pattern.re.exec(text); m; m = pattern.re.exec(text)) {
      if (m[0].length === 0) {
        pattern.re.lastIndex++;
        continue;
      }
      const read = pattern.read(m, ctx, text);
      if (read) out.push({ ...read, start: m.index, end: m.index + m[0].length, lang: pattern.lang });
    }
  }
  // Earliest first, longest first at the same place; a match inside a kept one is dropped.
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  let reach = -1;
  for (const c of out) {
    if (c.start < reach) continue;
    kept.push(c);
    reach = c.end;
  }
  return kept;
}

function applyPeriod(minute: number, implies: 'am' | 'pm' | undefined, period: Candidate['period']): number {
  if (implies === 'pm' && period === undefined && minute < 12 * 60) return minute + 12 * 60;
  return minute;
}

/** Joins a date and a time of day written next to each other (明天下午5点, 5pm tomorrow). */
function attachTimes(text: string, candidates: Candidate[], ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    const next = candidates[i + 1];
    const gap = next ? text.slice(c.end, next.start) : '';
    if (c.kind === 'date' && next?.kind === 'time' && /^\s*(?:的|at|,)?\s*$/i.test(gap) && gap.length <= 4) {
      out.push({ ...c, end: next.end, minute: c.ymd ? applyPeriod(next.minute!, c.implies, next.period) : null, warnings: [...c.warnings] });
      i++;
    } else if (c.kind === 'time' && next?.kind === 'date' && next.lang === 'en' && /^\s*(?:on)?\s*$/i.test(gap) && gap.length <= 4) {
      out.push({ ...next, start: c.start, minute: next.ymd ? applyPeriod(c.minute!, next.implies, c.period) : null });
      i++;
    } else if (c.kind === 'time' && c.workEnd) {
      out.push({ ...c, ...todayAtWork(text.slice(c.start, c.end), true, ctx), kind: 'date' });
    } else if (c.kind === 'time') {
      if (!c.strongTime) continue;
      // A time with no day: today, or tomorrow once it has passed.
      const written = text.slice(c.start, c.end);
      const minute = c.minute!;
      if (minute >= ctx.minuteOfDay) out.push({ ...c, kind: 'date', ymd: ctx.today });
      else {
        const tomorrow = addDays(ctx.today, 1);
        out.push({ ...c, kind: 'date', ymd: tomorrow, warnings: [note('timePassed', written, tomorrow)] });
      }
    } else {
      out.push(c);
    }
  }
  return out;
}

const RHYTHM_BEFORE = /(?:每|每个|every\s+|each\s+)(?:月|周|星期|礼拜|天|日|晚|个?工作日)?\s*$/i;
const START_BEFORE = /(?:自|从|自从|起自|from\s+|since\s+|starting\s+(?:on\s+|from\s+)?|beginning\s+(?:on\s+)?|effective\s+)\s*$/i;
const START_AFTER = /^\s*(?:起|开始|以来|至今)/;
const RANGE_AFTER = /^\s*(?:至|到|~|—|–|-|until|to|through)\s*/i;
const EVENT_AFTER = /^\s*(?:上午|下午|晚上)?\s*(?:召开|举行|举办|印发|发布|下发|出台|开会|会议|的会议)/;
const DONE_BEFORE = /(?:已于|已在|已经于|已经在|曾于|已)\s*$/;
/** A date restated in other words (7月30日前(即下周二前)) is not a second deadline. */
const RESTATED_BEFORE = /(?:即|也就是|\bi\.e\.,?)\s*$/i;

/** A date that introduces a basis: 根据3月1日市委常委会精神, 按照6月5日会议要求, "in line with the 1 March meeting". */
const BASIS_BEFORE =
  /(?:根据|按照|依据|遵照|落实|贯彻|对照|传达|学习|参照|结合)[^,;:。!?\n]{0,10}$|\b(?:according\s+to|in\s+line\s+with|pursuant\s+to|as\s+(?:decided|agreed|required)\s+(?:at|by|in)|following|implementing|per)\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}$/i;
const BASIS_AFTER =
  /^[^,;:。!?\n]{0,20}?(?:精神|要求|部署|会议|讲话|批示|指示|通知|文件|纪要|决定|意见)|^[^,;:.!?\n]{0,40}?\b(?:meeting|session|spirit|instructions?|requirements?|decisions?|notice|circular|speech|minutes)\b/i;
/**
 * What may follow a bare period (一季度, 上半年) that is a deadline: 前/内, a verb of completing,
 * or the end of the clause. 一季度重点项目投资完成情况 names a period inside the object instead.
 */
const BARE_PERIOD_DEADLINE_AFTER = /^\s*(?:之前|以前|前|之内|以内|内|结束前|完成|办结|到位|建成|完工|实现|落实|全面|全部|基本|[,;:。!?\n]|$)/;
/** 于7月30日前: the date is a deadline whatever surrounds it (按照通知要求于7月30日前报送会议材料). */
const DEADLINE_AFTER = /^\s*(?:之前|以前|前|之内|以内|内|为止|止)/;
/** 7月30日的会议, 本周五的例会: a date that describes a noun. */
const ATTRIBUTIVE_AFTER = /^的(?!前|下班|上午|下午|晚上|中午|\d|[零〇一二两三四五六七八九十]+[点时])/;

/**
 * Candidates that are not deadlines: report rhythms, start dates, events, things done, a date that
 * introduces a basis, a period inside the object of the sentence.
 */
function isDeadline(text: string, c: Candidate, next: Candidate | undefined): boolean {
  const before = text.slice(Math.max(0, c.start - 12), c.start);
  const after = text.slice(c.end, c.end + 12);
  if (RHYTHM_BEFORE.test(before)) return false;
  if (c.bare && !BARE_PERIOD_DEADLINE_AFTER.test(after)) return false;
  if (ATTRIBUTIVE_AFTER.test(after)) return false;
  if (!DEADLINE_AFTER.test(after) && BASIS_BEFORE.test(text.slice(Math.max(0, c.start - 30), c.start)) && BASIS_AFTER.test(text.slice(c.end, c.end + 48)))
    return false;
  if (START_BEFORE.test(before) || START_AFTER.test(after)) return false;
  if (EVENT_AFTER.test(after) || DONE_BEFORE.test(before) || RESTATED_BEFORE.test(before)) return false;
  if (next) {
    const range = RANGE_AFTER.exec(after);
    if (range && c.end + range[0].length === next.start) return false;
  }
  return true;
}

/** 周一 … 周日 (日 and 天 are Sunday), as 1 … 7. */
const ZH_WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
const EN_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

const RHYTHMS: { re: RegExp; lang: Locale }[] = [
  {
    // 每周五, 每星期三, 每月25日, 每月底, 每半月, 每季度末 ... (the day, when written, right after the period).
    re: new RegExp(
      `(?:每|按)个?(个?工作日|天|日|周|星期|礼拜|旬|半个?月|两周|双周|月|季度|季|半年|年)(?:(?<=周|星期|礼拜)([一二三四五六日天1-7]))?(?:(?<=月)(?:(${NUM})[日号]|(底|末)))?`,
      'g',
    ),
    lang: 'zh',
  },
  {
    re: /\b(?:every|each)\s+(day|working\s+day|business\s+day|week|two\s+weeks|other\s+week|month|quarter|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(daily|weekly|monthly|fortnightly|biweekly|bi-weekly|quarterly|semi-monthly|twice\s+a\s+month)\b/gi,
    lang: 'en',
  },
];
const REPORT_ZH = /报|反馈|更新|填写/;
const REPORT_EN = /\b(?:report|reports|reporting|update|updates|progress|status)\b/i;
/** The rhythm asked of every unit, not only the lead: 各单位/各配合单位/各有关单位每周五报送. */
const ALL_UNITS_ZH = /各(?:有关|相关|成员|配合|责任)?单位|配合单位|各部门|各地/;
const ALL_UNITS_EN = /\b(?:all|each|every)\s+(?:of\s+the\s+)?(?:units?|departments?|bureaus?)\b|\bcooperating\s+units?\b/i;
/** English weekday or month day given next to the rhythm: on Fridays, by the 25th. */
const EN_ON_WEEKDAY = /\b(?:on|by)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b/i;
const EN_ON_DAY = new RegExp(`\\b(?:on|by)\\s+the\\s+(${EN_ORDINAL})\\b`, 'i');

/** How often each rhythm asks (the most frequent one found is kept). */
const FREQUENCY: Record<string, number> = { day: 0, week: 1, 'half-month': 2, month: 3, quarter: 4 };

/**
 * The report rhythm, on fixed days: 每周五报送进展 -> week:5, 每月25日前报送 -> month:25, 每月报送
 * -> month (its last day), 每半月 -> half-month, 每季度 -> quarter, "weekly progress reports on
 * Fridays" -> week:5; and whether every unit is asked (各单位每周五报送) or the lead units.
 */
function readRhythm(text: string, warnings: ParserNote[]): { every: ReportEvery | null; from: ReportsFrom } {
  const found: { every: ReportEvery; all: boolean }[] = [];
  for (const { re, lang } of RHYTHMS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const after = m.index + m[0].length;
      const clauseEnd = text.slice(after, after + 40).search(lang === 'zh' ? /[;。!?\n]/ : /[;.!?\n]/);
      const rest = text.slice(after, after + (clauseEnd < 0 ? 40 : clauseEnd));
      const clauseStart = Math.max(0, ...[...(lang === 'zh' ? '，,;；。!?\n' : ',;.!?\n')].map((c) => text.lastIndexOf(c, m!.index - 1) + 1));
      const before = text.slice(Math.max(clauseStart, m.index - 40), m.index);
      const around = lang === 'en' ? text.slice(Math.max(0, m.index - 40), m.index) + rest : rest;
      if (!(lang === 'zh' ? REPORT_ZH : REPORT_EN).test(around)) continue;
      const all = (lang === 'zh' ? ALL_UNITS_ZH : ALL_UNITS_EN).test(before + rest);
      const unit = (m[1] ?? m[2] ?? '').toLowerCase().replace(/\s+/g, ' ');
      let every: ReportEvery | null = null;
      if (/^(?:个?工作日|天|日|day|working day|business day|daily)$/.test(unit)) every = 'day';
      else if (/^(?:周|星期|礼拜|week|weekly)$/.test(unit)) {
        const written = lang === 'zh' ? m[2] : EN_ON_WEEKDAY.exec(around)?.[1];
        const day =
          written === undefined
            ? null
            : lang === 'zh'
              ? /^\d$/.test(written)
                ? Number(written)
                : ZH_WEEKDAYS[written]!
              : EN_WEEKDAYS.indexOf(written.toLowerCase()) + 1;
        every = day === null ? 'week' : `week:${day}`;
      } else if (EN_WEEKDAYS.includes(unit)) every = `week:${EN_WEEKDAYS.indexOf(unit) + 1}`;
      else if (/^(?:半个?月|semi-monthly|twice a month)$/.test(unit)) every = 'half-month';
      else if (/^(?:月|month|monthly)$/.test(unit)) {
        const written = lang === 'zh' ? m[3] : EN_ON_DAY.exec(around)?.[1];
        const day = written === undefined ? null : lang === 'zh' ? parseNumber(written) : parseEnglishOrdinal(written);
        if (lang === 'zh' && m[4]) every = 'month';
        else if (day !== null && Number.isInteger(day) && day >= 1 && day <= 31) every = `month:${day}`;
        else every = 'month';
      } else if (/^(?:季度|季|quarter|quarterly)$/.test(unit)) every = 'quarter';
      if (every === null) warnings.push(note('unsupportedRhythm', m[0]));
      else found.push({ every, all });
    }
  }
  if (found.length === 0) return { every: null, from: 'lead' };
  // With several rhythms the most frequent one is kept: it is the one people must keep up with.
  const kept = found.reduce((a, b) => (FREQUENCY[b.every.split(':')[0]!]! < FREQUENCY[a.every.split(':')[0]!]! ? b : a));
  return { every: kept.every, from: kept.all ? 'all' : 'lead' };
}

/** Whether [start, end) overlaps one of the spans (sorted by start, not overlapping). */
function overlaps(spans: { start: number; end: number }[], start: number, end: number): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.length && spans[lo]!.start < end;
}

/** 于开学前 / 在会议召开前: something is due "before" a moment we cannot put a date on. */
function unreadDeadlines(text: string, spans: { start: number; end: number }[]): ParserNote[] {
  const out: ParserNote[] = [];
  const re = /(?:于|在)([^,;:。!?\n\s]{2,12}?)(?:之前|以前|前)/g;
  let looked = 0;
  for (let m = re.exec(text); m && looked < 200; m = re.exec(text), looked++) {
    const start = m.index;
    const end = start + m[0].length;
    if (/^此|^这|^那/.test(m[1]!) || overlaps(spans, start, end)) continue;
    out.push(note('unreadDate', m[0].slice(1)));
    if (out.length >= 5) break;
  }
  return out;
}

/** Reads every deadline and the report rhythm in a folded text. */
export function readDates(text: string, context: DateContext): DateReading {
  const local = zonedParts(context.now, context.timezone);
  const ctx: Ctx = {
    calendar: context.calendar ?? nationalCalendar,
    workdayEnd: context.workdayEnd ?? 18 * 60,
    today: local.ymd,
    year: local.year,
    month: local.month,
    day: local.day,
    minuteOfDay: local.minuteOfDay,
    now: context.now,
    timezone: context.timezone,
  };
  const warnings: ParserNote[] = [];
  const candidates = attachTimes(text, collect(text, ctx), ctx);
  const due: DueDate[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (!isDeadline(text, c, candidates[i + 1])) continue;
    warnings.push(...c.warnings);
    if (!c.ymd) continue;
    const minute = c.minute === null || c.minute >= 24 * 60 ? null : c.minute;
    due.push({ start: c.start, end: c.end, ymd: c.ymd, minute, written: text.slice(c.start, c.end) });
  }
  const spans = candidates.map((c) => ({ start: c.start, end: c.end }));
  warnings.push(...unreadDeadlines(text, spans));
  const rhythm = readRhythm(text, warnings);
  return { due, spans, reportEvery: rhythm.every, reportsFrom: rhythm.from, warnings };
}
