import chineseDays from 'chinese-days';
import { addDays, formatYMD, fromDayNumber, toDayNumber, type YMD } from './ymd.js';

/**
 * China's statutory holidays (法定节假日) for any year, from the rules of the State Council's
 * 《全国年节及纪念日放假办法》, the fallback for a year nobody imported and chinese-days lacks.
 *
 * Rules (as revised in 2024, in force from 2025):
 *   元旦 1 January · 春节 除夕 to 正月初三 (4 days) · 清明 the solar-term day · 劳动节 1-2 May ·
 *   端午 五月初五 · 中秋 八月十五 · 国庆 1-3 October.
 * Earlier years follow the rules then in force, so that the computed days match the published
 * schedules: 2014-2024 春节 初一 to 初三 and 劳动节 1 May only; 2008-2013 春节 除夕 to 初二.
 * (Before 2008 there was no 清明/端午/中秋 holiday; such years are not asked for in practice and
 * get the 2008 rules.)
 *
 * Only the days the rules fix are here: the extra days off and the make-up working days (调休)
 * that each year's notice adds are not predictable.
 *
 * Timezone. chinese-days' date functions (getLunarDate, getSolarDateFromLunar, getSolarTermDate)
 * parse and format dates in the machine's zone and come out a day early west of UTC. We use only
 * its pure number tables (monthDays, getYearLeapMonth: the lengths of lunar months) and do the
 * date arithmetic on day numbers; 清明 uses the same solar-term formula the package uses.
 * test/calendar/model/statutory.test.ts cross-checks both against the package under TZ=UTC.
 */

const { monthDays, getYearLeapMonth } = chineseDays;

export type StatutoryHolidayKey = 'newyear' | 'spring' | 'qingming' | 'labour' | 'dragonboat' | 'midautumn' | 'national';

export type StatutoryHoliday = {
  key: StatutoryHolidayKey;
  nameZh: string;
  nameEn: string;
  /** The days off the rules fix, in order. */
  days: YMD[];
};

export const STATUTORY_HOLIDAY_KEYS: readonly StatutoryHolidayKey[] = ['newyear', 'spring', 'qingming', 'labour', 'dragonboat', 'midautumn', 'national'];

export const STATUTORY_HOLIDAY_NAMES: Record<StatutoryHolidayKey, { zh: string; en: string }> = {
  newyear: { zh: '元旦', en: "New Year's Day" },
  spring: { zh: '春节', en: 'Spring Festival' },
  qingming: { zh: '清明节', en: 'Tomb-sweeping Day' },
  labour: { zh: '劳动节', en: 'Labour Day' },
  dragonboat: { zh: '端午节', en: 'Dragon Boat Festival' },
  midautumn: { zh: '中秋节', en: 'Mid-autumn Festival' },
  national: { zh: '国庆节', en: 'National Day' },
};

/** The lunar calendar data (chinese-days) covers lunar years 1900-2099. */
export const FIRST_LUNAR_YEAR = 1900;
export const LAST_LUNAR_YEAR = 2099;

/** 正月初一 of lunar year 1900 was 1900-01-31. */
const LUNAR_EPOCH = toDayNumber('1900-01-31');

function leapMonthOf(lunarYear: number): { month: number; days: number } {
  const leap = getYearLeapMonth(lunarYear);
  return { month: leap.leapMonth ?? 0, days: leap.days };
}

function lunarYearLength(lunarYear: number): number {
  let days = leapMonthOf(lunarYear).days;
  for (let m = 1; m <= 12; m++) days += monthDays(lunarYear, m);
  return days;
}

const newYearCache = new Map<number, number>();

/** Day number of 正月初一 of a lunar year. */
function lunarNewYearDay(lunarYear: number): number {
  if (!Number.isInteger(lunarYear) || lunarYear < FIRST_LUNAR_YEAR || lunarYear > LAST_LUNAR_YEAR) {
    throw new RangeError(`no lunar calendar data for ${lunarYear} (${FIRST_LUNAR_YEAR}-${LAST_LUNAR_YEAR})`);
  }
  let day = newYearCache.get(lunarYear);
  if (day !== undefined) return day;
  day = LUNAR_EPOCH;
  for (let y = FIRST_LUNAR_YEAR; y < lunarYear; y++) day += lunarYearLength(y);
  newYearCache.set(lunarYear, day);
  return day;
}

/**
 * The Gregorian date of a lunar date (month 1-12, not a leap month) in a lunar year: 正月初一 plus
 * the lengths of the months before it, a leap month counting after the month it repeats.
 */
export function solarFromLunar(lunarYear: number, month: number, day: number): YMD {
  let n = lunarNewYearDay(lunarYear);
  const leap = leapMonthOf(lunarYear);
  for (let m = 1; m < month; m++) {
    n += monthDays(lunarYear, m);
    if (leap.month === m) n += leap.days;
  }
  return fromDayNumber(n + day - 1);
}

/** 除夕: the last day of the twelfth lunar month (the 29th or the 30th), the eve of 正月初一. */
export function lunarNewYearsEve(lunarYear: number): YMD {
  return fromDayNumber(lunarNewYearDay(lunarYear) - 1);
}

/**
 * 清明 in a Gregorian year: the solar-term formula chinese-days uses (day = [Y·0.2422 + C] − [Y/4],
 * C = 4.81 in the 21st century, 5.59 in the 20th; the package has no correction for 清明).
 */
export function qingmingDay(year: number): YMD {
  const y = year % 100;
  const c = year >= 2000 ? 4.81 : 5.59;
  const day = Math.floor(y * 0.2422 + c) - Math.floor(y / 4);
  return formatYMD(year, 4, day);
}

function run(first: YMD, count: number): YMD[] {
  return Array.from({ length: count }, (_, i) => addDays(first, i));
}

function holiday(key: StatutoryHolidayKey, days: YMD[]): StatutoryHoliday {
  const names = STATUTORY_HOLIDAY_NAMES[key];
  return { key, nameZh: names.zh, nameEn: names.en, days };
}

const statutoryCache = new Map<number, StatutoryHoliday[]>();

/**
 * The statutory holidays of a Gregorian year (1901-2099), always in this order: 元旦, 春节, 清明,
 * 劳动节, 端午, 中秋, 国庆. Days of two holidays can coincide (中秋 fell on 1 October in 2020).
 */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  const cached = statutoryCache.get(year);
  if (cached) return cached.map((h) => ({ ...h, days: [...h.days] }));
  if (!Number.isInteger(year) || year <= FIRST_LUNAR_YEAR || year > LAST_LUNAR_YEAR) {
    throw new RangeError(`statutory holidays are computed for 1901-2099, not ${year}`);
  }
  const chuyi = solarFromLunar(year, 1, 1);
  const spring = year >= 2025 ? run(lunarNewYearsEve(year), 4) : year >= 2014 ? run(chuyi, 3) : run(lunarNewYearsEve(year), 3);
  const list = [
    holiday('newyear', [formatYMD(year, 1, 1)]),
    holiday('spring', spring),
    holiday('qingming', [qingmingDay(year)]),
    holiday('labour', run(formatYMD(year, 5, 1), year >= 2025 ? 2 : 1)),
    holiday('dragonboat', [solarFromLunar(year, 5, 5)]),
    holiday('midautumn', [solarFromLunar(year, 8, 15)]),
    holiday('national', run(formatYMD(year, 10, 1), 3)),
  ];
  statutoryCache.set(year, list);
  return list.map((h) => ({ ...h, days: [...h.days] }));
}

/** Every statutory day off of a year with its holiday, by date (a coinciding day keeps the first). */
export function statutoryDaysOff(year: number): Map<YMD, StatutoryHoliday> {
  const days = new Map<YMD, StatutoryHoliday>();
  for (const h of statutoryHolidays(year)) for (const d of h.days) if (!days.has(d)) days.set(d, h);
  return days;
}
