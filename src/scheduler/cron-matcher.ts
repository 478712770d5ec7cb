import cron from 'node-cron';
import { addDays, parseYMD, weekday, type YMD } from '../calendar/model/ymd.js';
import { zonedInstant, zonedParts } from '../calendar/model/zoned-time.js';

/**
 * Pure cron matching in a named zone: which instants an expression fires at, without timers.
 *
 * The scheduler's minutely tick uses this matcher to find each job's latest fire (on time, or the
 * one it should have seen while it was not running or the clock jumped). Expressions keep
 * node-cron's syntax, the one the configuration documents, so they are parsed by node-cron itself
 * (`cron.parse`: ranges, steps, names, nicknames, 7 = Sunday) and only the matching is ours. Like
 * node-cron 4, every field must match (day-of-month AND day-of-week, not the Vixie OR).
 *
 * Supported beyond plain numbers: `L` (last day) in day-of-month, `n#k` (k-th weekday n) and `nL`
 * (last weekday n) in day-of-week. Other special tokens (`W`, `L-n`) are refused up front, so an
 * expression the catch-up could misread never reaches production.
 */

export type CronFields = {
  expression: string;
  seconds: number[];
  minutes: number[];
  hours: number[];
  daysOfMonth: (number | 'L')[];
  months: number[];
  daysOfWeek: (number | { weekday: number; nth: number } | { weekday: number; last: true })[];
};

/** Parses an expression as node-cron does; throws on an invalid or unsupported one. */
export function parseCron(expression: string): CronFields {
  const f = cron.parse(expression);
  const numbers = (values: (number | string)[], field: string): number[] =>
    values.map((v) => {
      if (typeof v !== 'number') throw new Error(`cron "${expression}": token "${v}" in ${field} is not supported`);
      return v;
    });
  const daysOfMonth = f.dayOfMonth.map((v) => {
    if (typeof v === 'number' || v === 'L') return v;
    throw new Error(`cron "${expression}": day-of-month token "${v}" is not supported`);
  });
  const daysOfWeek = f.dayOfWeek.map((v) => {
    if (typeof v === 'number') return v % 7;
    const nth = /^([0-7])#([1-5])$/.exec(v);
    if (nth) return { weekday: Number(nth[1]) % 7, nth: Number(nth[2]) };
    const last = /^([0-7])L$/i.exec(v);
    if (last) return { weekday: Number(last[1]) % 7, last: true as const };
    throw new Error(`cron "${expression}": day-of-week token "${v}" is not supported`);
  });
  const desc = (a: number, b: number) => b - a;
  return {
    expression,
    seconds: numbers(f.second, 'seconds').sort(desc),
    minutes: numbers(f.minute, 'minutes').sort(desc),
    hours: numbers(f.hour, 'hours').sort(desc),
    daysOfMonth,
    months: numbers(f.month, 'months'),
    daysOfWeek,
  };
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether a local calendar date is one the expression fires on (time of day aside). */
export function matchesDate(fields: CronFields, date: YMD): boolean {
  const { year, month, day } = parseYMD(date);
  if (!fields.months.includes(month)) return false;
  const last = lastDayOfMonth(year, month);
  if (!fields.daysOfMonth.some((d) => d === day || (d === 'L' && day === last))) return false;
  const wd = weekday(date);
  return fields.daysOfWeek.some((d) => {
    if (typeof d === 'number') return d === wd;
    if (d.weekday !== wd) return false;
    return 'nth' in d ? Math.ceil(day / 7) === d.nth : day + 7 > last;
  });
}

/** Whether the expression fires at this instant (to the second) in the zone. */
export function matchesInstant(fields: CronFields, at: Date, timezone: string): boolean {
  const p = zonedParts(at, timezone);
  return (
    p.millisecond === 0 && fields.seconds.includes(p.second) && fields.minutes.includes(p.minute) && fields.hours.includes(p.hour) && matchesDate(fields, p.ymd)
  );
}

/**
 * The latest fire at or before `at`, and not before `notBefore`; null when there is none in
 * between. Walks back day by day (a day that does not match costs one date check), and inside a
 * matching day tries its times latest first, so a daily or weekly expression with a window of a
 * week costs a handful of steps.
 */
export function previousFire(fields: CronFields, at: Date, timezone: string, notBefore: Date): Date | null {
  const atMs = at.getTime();
  const floor = notBefore.getTime();
  if (floor > atMs) return null;
  const lastDay = zonedParts(at, timezone).ymd;
  const firstDay = zonedParts(notBefore, timezone).ymd;
  for (let day = lastDay; day >= firstDay; day = addDays(day, -1)) {
    if (!matchesDate(fields, day)) continue;
    for (const hour of fields.hours) {
      for (const minute of fields.minutes) {
        const base = zonedInstant(day, hour * 60 + minute, timezone).getTime();
        // A wall time that does not exist (a DST gap) moves forward; it is not this hour's fire.
        const local = zonedParts(new Date(base), timezone);
        if (local.hour !== hour || local.minute !== minute || local.ymd !== day) continue;
        for (const second of fields.seconds) {
          const candidate = base + second * 1000;
          if (candidate <= atMs) return candidate >= floor ? new Date(candidate) : null;
        }
      }
    }
  }
  return null;
}

/** The first fire strictly after `after`, looking at most `horizonDays` ahead (for logs and tests). */
export function nextFire(fields: CronFields, after: Date, timezone: string, horizonDays = 366): Date | null {
  const afterMs = after.getTime();
  const firstDay = zonedParts(after, timezone).ymd;
  const ascending = (values: number[]) => [...values].sort((a, b) => a - b);
  const [hours, minutes, seconds] = [ascending(fields.hours), ascending(fields.minutes), ascending(fields.seconds)];
  for (let i = 0, day = firstDay; i <= horizonDays; i++, day = addDays(day, 1)) {
    if (!matchesDate(fields, day)) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        const base = zonedInstant(day, hour * 60 + minute, timezone).getTime();
        const local = zonedParts(new Date(base), timezone);
        if (local.hour !== hour || local.minute !== minute || local.ymd !== day) continue;
        for (const second of seconds) {
          if (base + second * 1000 > afterMs) return new Date(base + second * 1000);
        }
      }
    }
  }
  return null;
}
