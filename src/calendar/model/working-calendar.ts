import holidayData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { fromDayNumber, parseYMD, toDayNumber, weekday, type YMD } from './ymd.js';
import { statutoryDaysOff, statutoryHolidays, type StatutoryHolidayKey } from './statutory.js';
import { createWorkingClock, type WorkingClock } from './working-clock.js';

export type { YMD } from './ymd.js';

/**
 * The working calendar: China's statutory holidays and make-up working days (调休), plus working
 * hours in a configurable time zone.
 *
 * Where a year's days off come from, first match wins:
 *   1. an imported schedule: the office loaded the State Council's notice for that year
 *      (`npx duban calendar import`, `/calendar`), stored in the database (calendar_years/_days);
 *   2. the `chinese-days` package's published table (2004 through 2026 in 1.5.7);
 *   3. the statutory fallback (statutory.ts): the days the State Council's rules fix (元旦, 春节 除夕
 *      to 初三, 清明, 劳动节 1-2 May, 端午, 中秋, 国庆 1-3 October) are days off, weekends as usual,
 *      调休 unknown. Such days are `covered: false` and callers warn ("the 2027 schedule is not
 *      loaded; statutory holidays assumed").
 *
 * Installed schedules. Imported years live in a process-wide registry (`installCalendarSchedules`),
 * like the package's table beside it, rather than in each calendar object: a dozen modules call
 * the national calendar's functions directly, and all of them must see an imported year at once,
 * without threading the database through pure date math. The registry is filled from the database
 * by calendar.usecases.ts: at start-up (main.ts, before the bot and the scheduler run), right after
 * an import in this process, and in every instance before each scheduled job and once a minute
 * (main.ts), where a one-row version query (count and latest import time) decides whether anything
 * must be reloaded, so an import through one instance reaches the others within a minute, and a
 * digest or a sweep never plans on a stale calendar. Installing clears the day cache.
 *
 * Data, not functions. We read chinese-days' published table (dist/chinese-days.json: holidays,
 * make-up working days, keyed 'YYYY-MM-DD') rather than calling its isWorkday(): those functions
 * build their keys by parsing dates as UTC and formatting them in the machine's zone, so on a
 * machine west of UTC (TZ=America/New_York) every holiday moves one day early. The table is the
 * same data without that trap; test/calendar checks it agrees with isWorkday() under TZ=UTC.
 *
 * Dates are 'YYYY-MM-DD' strings (calendar dates, no zone). Instants are Dates; the zone that turns
 * an instant into a date is always passed in, never taken from the machine.
 *
 * Speed. Each date is classified once and cached; the table itself is a hash lookup.
 */

type HolidayTable = { holidays: Record<string, string>; workdays: Record<string, string> };
const table = holidayData as unknown as HolidayTable;

export type DayInfo = {
  date: YMD;
  working: boolean;
  /** 'holiday' (statutory, incl. 调休 days off), 'makeup' (a weekend day worked), 'weekend', 'weekday'. */
  kind: 'holiday' | 'makeup' | 'weekend' | 'weekday';
  /**
   * The holiday name (chinese-days: "Spring Festival,春节,4"; statutory fallback: "Spring
   * Festival,春节"; imported: the file's name column, else the statutory name or ''), '' for ordinary days.
   */
  name: string;
  /** False when no schedule backs the year: statutory holidays and weekends were assumed, 调休 unknown. */
  covered: boolean;
  /** Where the year's arrangement came from (see the module note). */
  source: CalendarSource;
};

/** Where a year's days off come from: an imported schedule, chinese-days, or the statutory rules alone. */
export type CalendarSource = 'imported' | 'chinese-days' | 'statutory';

/** One year's official schedule as the office imported it. */
export type ImportedSchedule = {
  year: number;
  /** Days off (放假), weekends inside a break included or not: both read the same. */
  daysOff: YMD[];
  /** Make-up working days (调休上班), usually weekend days. */
  workdays: YMD[];
  /** Optional names per date (e.g. '春节'). */
  names?: Record<YMD, string>;
};

export type WorkingHoursOptions = {
  /** IANA zone, e.g. 'Asia/Shanghai'. */
  timezone: string;
  /** Start of the working day, 'HH:mm' (default '09:00'). */
  start?: string;
  /** End of the working day, 'HH:mm' (default '18:00'); must be after start. */
  end?: string;
};

export type WorkingCalendarOptions = {
  /**
   * Local exceptions on top of the national calendar: true makes a date a working day, false a
   * day off (e.g. a city's own holiday). They win over chinese-days.
   */
  overrides?: Record<YMD, boolean>;
};

export type WorkingCalendar = ReturnType<typeof createWorkingCalendar>;

const publishedYears: ReadonlySet<number> = new Set(Object.keys(table.holidays).map((date) => Number(date.slice(0, 4))));

type InstalledYear = { daysOff: Map<YMD, string>; workdays: Map<YMD, string> };
const installed = new Map<number, InstalledYear>();
let installedVersion: string | null = null;
const nationalCache = new Map<number, DayInfo>();
/** Counts installs, so that working clocks built on the old schedules are dropped (see workingClock). */
let installs = 0;

/**
 * Replaces the set of imported schedules every calendar consults (see the module note): years
 * not in `schedules` fall back to chinese-days or the statutory rules again. `version` is the
 * storage's fingerprint of what was installed (calendar.usecases.ts compares it to reload).
 */
export function installCalendarSchedules(schedules: readonly ImportedSchedule[], version: string | null = null): void {
  installed.clear();
  installedVersion = version;
  for (const s of schedules) {
    const names = s.names ?? {};
    const statutory = s.year > 1900 && s.year < 2100 ? statutoryDaysOff(s.year) : new Map();
    const nameOf = (d: YMD) => names[d] ?? (statutory.has(d) ? statutory.get(d)!.nameZh : '');
    installed.set(s.year, {
      daysOff: new Map(s.daysOff.map((d) => [d, nameOf(d)])),
      workdays: new Map(s.workdays.map((d) => [d, names[d] ?? ''])),
    });
  }
  nationalCache.clear();
  installs++;
}

/** The fingerprint given with the schedules installed last (null: none, or installed by hand). */
export function installedScheduleVersion(): string | null {
  return installedVersion;
}

/** Where the national calendar takes a year's arrangement from. */
export function calendarSourceOf(year: number): CalendarSource {
  if (installed.has(year)) return 'imported';
  if (publishedYears.has(year)) return 'chinese-days';
  return 'statutory';
}

/** True when a real schedule backs the year: imported, or published by chinese-days (see the module note). */
export function isCoveredYear(year: number): boolean {
  return calendarSourceOf(year) !== 'statutory';
}

/** The first and last year chinese-days publishes (2004 and 2026 with 1.5.7); imported years aside. */
export function calendarCoverage(): { firstYear: number; lastYear: number } {
  return { firstYear: Math.min(...publishedYears), lastYear: Math.max(...publishedYears) };
}

function classify(date: YMD, year: number): Omit<DayInfo, 'date'> {
  const wd = weekday(date);
  const plain: DayInfo['kind'] = wd === 0 || wd === 6 ? 'weekend' : 'weekday';
  const imported = installed.get(year);
  if (imported) {
    const makeup = imported.workdays.get(date);
    if (makeup !== undefined) return { working: true, kind: 'makeup', name: makeup, covered: true, source: 'imported' };
    const off = imported.daysOff.get(date);
    if (off !== undefined) return { working: false, kind: 'holiday', name: off, covered: true, source: 'imported' };
    return { working: plain === 'weekday', kind: plain, name: '', covered: true, source: 'imported' };
  }
  if (publishedYears.has(year)) {
    const makeup = table.workdays[date];
    const holiday = table.holidays[date];
    const kind: DayInfo['kind'] = makeup !== undefined ? 'makeup' : holiday !== undefined ? 'holiday' : plain;
    const name = makeup ?? holiday ?? '';
    return { working: kind === 'weekday' || kind === 'makeup', kind, name, covered: true, source: 'chinese-days' };
  }
  const statutory = year > 1900 && year < 2100 ? statutoryDaysOff(year).get(date) : undefined;
  if (statutory) {
    return { working: false, kind: 'holiday', name: `${statutory.nameEn},${statutory.nameZh}`, covered: false, source: 'statutory' };
  }
  return { working: plain === 'weekday', kind: plain, name: '', covered: false, source: 'statutory' };
}

function nationalDayInfo(dayNumber: number): DayInfo {
  let info = nationalCache.get(dayNumber);
  if (info) return info;
  const date = fromDayNumber(dayNumber);
  info = { date, ...classify(date, parseYMD(date).year) };
  nationalCache.set(dayNumber, info);
  return info;
}

/**
 * Builds a working calendar. The module also exports the national calendar's functions
 * directly (isWorkingDay, addWorkingDays, ...); build your own only for local overrides.
 */
export function createWorkingCalendar(options: WorkingCalendarOptions = {}) {
  const overrides = new Map<number, boolean>();
  for (const [date, working] of Object.entries(options.overrides ?? {})) {
    overrides.set(toDayNumber(date), working);
  }

  function workingByNumber(n: number): boolean {
    const override = overrides.get(n);
    return override ?? nationalDayInfo(n).working;
  }

  /** Everything known about a date: working or not, why, and whether real data backs it. */
  function dayInfo(date: YMD): DayInfo {
    const n = toDayNumber(date);
    const info = nationalDayInfo(n);
    const override = overrides.get(n);
    if (override === undefined || override === info.working) return info;
    return { ...info, working: override, kind: override ? 'makeup' : 'holiday', name: info.name || 'local override' };
  }

  /** True on Monday-Friday that is no statutory holiday, and on make-up working days (调休上班). */
  function isWorkingDay(date: YMD): boolean {
    return workingByNumber(toDayNumber(date));
  }

  /**
   * The n-th working day after `from` (n > 0), or before it (n < 0); `from` itself never counts.
   * n = 0 returns `from` unchanged, working day or not. So "N个工作日内" from today is
   * addWorkingDays(today, N): a Friday plus 1 is the next Monday (or the first day after a holiday).
   */
  function addWorkingDays(from: YMD, n: number): YMD {
    if (!Number.isInteger(n)) throw new RangeError(`addWorkingDays needs a whole number of days, got ${n}`);
    let day = toDayNumber(from);
    const step = n > 0 ? 1 : -1;
    let left = Math.abs(n);
    while (left > 0) {
      day += step;
      if (workingByNumber(day)) left--;
    }
    return fromDayNumber(day);
  }

  /** The first working day strictly after `from`. */
  function nextWorkingDay(from: YMD): YMD {
    return addWorkingDays(from, 1);
  }

  /** `date` itself when it is a working day, else the first working day after it. */
  function workingDayOnOrAfter(date: YMD): YMD {
    return isWorkingDay(date) ? date : nextWorkingDay(date);
  }

  /**
   * Working days d with a < d <= b (negative, counted the same way, when b is before a).
   * The inverse of addWorkingDays: workingDaysBetween(a, addWorkingDays(a, n)) === n.
   */
  function workingDaysBetween(a: YMD, b: YMD): number {
    const from = toDayNumber(a);
    const to = toDayNumber(b);
    if (to === from) return 0;
    const [lo, hi, sign] = to > from ? [from, to, 1] : [to, from, -1];
    let count = 0;
    for (let d = lo + 1; d <= hi; d++) if (workingByNumber(d)) count++;
    return sign * count;
  }

  /** Years between a and b (inclusive) that no schedule backs (statutory holidays assumed, 调休 unknown). */
  function uncoveredYearsBetween(a: YMD, b: YMD): number[] {
    const ya = parseYMD(a).year;
    const yb = parseYMD(b).year;
    const years: number[] = [];
    for (let y = Math.min(ya, yb); y <= Math.max(ya, yb); y++) if (!isCoveredYear(y)) years.push(y);
    return years;
  }

  /**
   * The contiguous run of days off (weekends included) on this calendar that holds a statutory
   * holiday's days in `year`: 春节 2026 is 2026-02-15..2026-02-23 on the published schedule, and
   * 2027-02-05..2027-02-08 when only the statutory rules are known. Null when none of the
   * holiday's statutory days is a day off (an imported schedule that works through it).
   */
  function holidayPeriod(key: StatutoryHolidayKey, year: number): { first: YMD; last: YMD } | null {
    if (!Number.isInteger(year) || year <= 1900 || year >= 2100) return null;
    const holiday = statutoryHolidays(year).find((h) => h.key === key);
    if (!holiday) return null;
    const offDays = holiday.days.map(toDayNumber).filter((n) => !workingByNumber(n));
    if (offDays.length === 0) return null;
    let first = Math.min(...offDays);
    let last = Math.max(...offDays);
    // Statutory days split by a worked day (an odd import) still give one period: the outer runs.
    while (!workingByNumber(first - 1)) first--;
    while (!workingByNumber(last + 1)) last++;
    return { first: fromDayNumber(first), last: fromDayNumber(last) };
  }

  const clocks = new Map<string, WorkingClock>();
  let clocksBuiltAt = installs;

  /**
   * The working clock (working-clock.ts) for a zone and hours, 09:00-18:00 unless given: one per
   * combination, rebuilt after new schedules were installed (a clock remembers which days work).
   * Throws RangeError on hours that are not 'HH:mm' or that end before they start.
   */
  function workingClock(options: WorkingHoursOptions): WorkingClock {
    if (clocksBuiltAt !== installs) {
      clocks.clear();
      clocksBuiltAt = installs;
    }
    const hours = { timezone: options.timezone, start: options.start ?? '09:00', end: options.end ?? '18:00' };
    const key = `${hours.timezone}|${hours.start}|${hours.end}`;
    let clock = clocks.get(key);
    if (!clock) {
      clock = createWorkingClock(hours, isWorkingDay);
      if (clocks.size >= 100) clocks.clear();
      clocks.set(key, clock);
    }
    return clock;
  }

  /** Inside working hours: a working day in the zone, and start <= local time < end. */
  function isWithinWorkingHours(instant: Date, options: WorkingHoursOptions): boolean {
    return workingClock(options).isWithinWorkingHours(instant);
  }

  /**
   * `instant` when it is inside working hours, else the next moment that is: the start of this
   * working day when it is early morning, otherwise the start of the next working day.
   */
  function nextWorkingInstant(instant: Date, options: WorkingHoursOptions): Date {
    return workingClock(options).nextWorkingInstant(instant);
  }

  /**
   * The instant `hours` working hours after `instant` (fractions allowed, >= 0). Time outside
   * working hours does not count: 2 working hours from Friday 17:00 is Monday 10:00 (or later
   * after a holiday). A span that uses up a day exactly ends at that day's closing time rather
   * than at the next opening. 0 hours gives nextWorkingInstant(instant).
   */
  function addWorkingHours(instant: Date, hours: number, options: WorkingHoursOptions): Date {
    return workingClock(options).addWorkingHours(instant, hours);
  }

  /** Working hours elapsed between two instants (negative when b is before a). */
  function workingHoursBetween(a: Date, b: Date, options: WorkingHoursOptions): number {
    return workingClock(options).workingHoursBetween(a, b);
  }

  return {
    dayInfo,
    isWorkingDay,
    addWorkingDays,
    nextWorkingDay,
    workingDayOnOrAfter,
    workingDaysBetween,
    uncoveredYearsBetween,
    holidayPeriod,
    workingClock,
    isWithinWorkingHours,
    nextWorkingInstant,
    addWorkingHours,
    workingHoursBetween,
  };
}

/** The national calendar (no local overrides). */
export const nationalCalendar = createWorkingCalendar();

export const {
  dayInfo,
  isWorkingDay,
  addWorkingDays,
  nextWorkingDay,
  workingDayOnOrAfter,
  workingDaysBetween,
  uncoveredYearsBetween,
  holidayPeriod,
  isWithinWorkingHours,
  nextWorkingInstant,
  addWorkingHours,
  workingHoursBetween,
} = nationalCalendar;

/** A year's days off and make-up working days on the national calendar, and where they came from. */
export type YearArrangement = {
  year: number;
  source: CalendarSource;
  /** False for the statutory fallback: 调休 unknown, extra days off unknown. */
  covered: boolean;
  /** Days off other than ordinary weekends (weekends inside a break when the source lists them). */
  daysOff: DayInfo[];
  /** Make-up working days (调休上班); always empty for the statutory fallback. */
  workdays: DayInfo[];
};

/** The national calendar's arrangement of a year (imported schedules included). */
export function yearArrangement(year: number): YearArrangement {
  const daysOff: DayInfo[] = [];
  const workdays: DayInfo[] = [];
  for (let n = toDayNumber(`${year}-01-01`), last = toDayNumber(`${year}-12-31`); n <= last; n++) {
    const info = nationalDayInfo(n);
    if (info.kind === 'holiday') daysOff.push(info);
    else if (info.kind === 'makeup') workdays.push(info);
  }
  return { year, source: calendarSourceOf(year), covered: isCoveredYear(year), daysOff, workdays };
}
