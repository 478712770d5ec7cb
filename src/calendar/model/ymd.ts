/**
 * Calendar dates without a time or a zone, written 'YYYY-MM-DD'. All arithmetic goes through
 * day numbers counted from 1970-01-01 in the proleptic Gregorian calendar (Date.UTC), so the
 * machine's time zone never enters: a date is a date, whatever TZ the process runs in.
 */

export type YMD = string;

const MS_PER_DAY = 86_400_000;
const YMD_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month; month is 1-12. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a real calendar date (year 1000-9999; '2025-02-29' is not one). */
export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1000 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

export function isYMD(value: string): boolean {
  const m = YMD_RE.exec(value);
  return m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function formatYMD(year: number, month: number, day: number): YMD {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Splits a YMD; throws RangeError on anything that is not a real date. */
export function parseYMD(value: YMD): { year: number; month: number; day: number } {
  const m = YMD_RE.exec(value);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (isValidDate(year, month, day)) return { year, month, day };
  }
  throw new RangeError(`not a date in YYYY-MM-DD form: ${JSON.stringify(value)}`);
}

/** Day number: days since 1970-01-01. */
export function toDayNumber(value: YMD): number {
  const { year, month, day } = parseYMD(value);
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export function fromDayNumber(dayNumber: number): YMD {
  const d = new Date(dayNumber * MS_PER_DAY);
  return formatYMD(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(value: YMD, days: number): YMD {
  return fromDayNumber(toDayNumber(value) + days);
}

/** Calendar months added the way people count them: Jan 31 + 1 month = the last day of February. */
export function addMonths(value: YMD, months: number): YMD {
  const { year, month, day } = parseYMD(value);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return formatYMD(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Day of the week: 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(value: YMD): number {
  return (((toDayNumber(value) + 4) % 7) + 7) % 7;
}

/** The Monday of the Monday-to-Sunday week holding the date (the Chinese week: 周一 ... 周日). */
export function mondayOf(value: YMD): YMD {
  const wd = weekday(value);
  return addDays(value, wd === 0 ? -6 : 1 - wd);
}

export function lastDayOfMonth(year: number, month: number): YMD {
  return formatYMD(year, month, daysInMonth(year, month));
}

/** Signed number of days from a to b. */
export function daysBetween(a: YMD, b: YMD): number {
  return toDayNumber(b) - toDayNumber(a);
}
