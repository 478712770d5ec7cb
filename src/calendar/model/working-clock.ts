import { fromDayNumber, toDayNumber, type YMD } from './ymd.js';
import { parseHHmm, zonedDayNumber, zonedInstant } from './zoned-time.js';

/**
 * Working time: which instants fall inside working hours on working days, and how many working
 * hours lie between two instants. This is the one implementation: the calendar's
 * isWithinWorkingHours, nextWorkingInstant, addWorkingHours and workingHoursBetween answer through
 * a clock that createWorkingCalendar keeps per zone and hours, and the reminder rules hold one.
 *
 * A clock remembers the opening and closing instants of each day it was asked about, and local
 * dates come from zoned-time's offset memo: the sweep asks the same questions about the same few
 * days for every item it looks at, and the 20-minute-polling test for every step, so asking Intl
 * for every instant (some 10 µs a time) would make a long-overdue item cost milliseconds.
 */
export type WorkingClock = ReturnType<typeof createWorkingClock>;

/** A zone and the working day's start and end in it ('HH:mm'). */
export type WorkingHours = { timezone: string; start: string; end: string };

type Day = { working: boolean; open: number; close: number };

const HOUR = 3_600_000;
const LIMIT = 50_000;

/** A clock for `workday`'s hours on the calendar whose working days `isWorkingDay` tells. */
export function createWorkingClock(workday: WorkingHours, isWorkingDay: (date: YMD) => boolean) {
  const { timezone } = workday;
  const startMinute = parseHHmm(workday.start);
  const endMinute = parseHHmm(workday.end);
  if (!(startMinute < endMinute)) throw new RangeError(`working hours must start before they end (got ${workday.start}-${workday.end})`);
  const days = new Map<number, Day>();

  /** The local day number of an instant. */
  const dayNumberOf = (ms: number): number => zonedDayNumber(ms, timezone);

  function day(n: number): Day {
    let d = days.get(n);
    if (!d) {
      if (days.size > LIMIT) days.clear();
      const ymd = fromDayNumber(n);
      d = { working: isWorkingDay(ymd), open: zonedInstant(ymd, startMinute, timezone).getTime(), close: zonedInstant(ymd, endMinute, timezone).getTime() };
      days.set(n, d);
    }
    return d;
  }

  function nextWorkingDayNumber(n: number): number {
    let m = n + 1;
    while (!day(m).working) m++;
    return m;
  }

  function nextWorkingMs(ms: number): number {
    const n = dayNumberOf(ms);
    const d = day(n);
    if (d.working) {
      if (ms < d.open) return d.open;
      if (ms < d.close) return ms;
    }
    return day(nextWorkingDayNumber(n)).open;
  }

  return {
    timezone,
    /** The local calendar date of an instant. */
    localDate: (at: Date): YMD => fromDayNumber(dayNumberOf(at.getTime())),
    /** When work starts on a day. */
    opening: (date: YMD): Date => new Date(day(toDayNumber(date)).open),
    isWithinWorkingHours(at: Date): boolean {
      const ms = at.getTime();
      const d = day(dayNumberOf(ms));
      return d.working && ms >= d.open && ms < d.close;
    },
    /** `at` when inside working hours, else the next opening. */
    nextWorkingInstant(at: Date): Date {
      const ms = nextWorkingMs(at.getTime());
      return ms === at.getTime() ? at : new Date(ms);
    },
    /**
     * `hours` working hours after `at` (fractions allowed, >= 0). Time outside working hours does
     * not count: 2 working hours from Friday 17:00 is Monday 10:00 (or later after a holiday). A
     * span that uses up a day exactly ends at that day's closing time rather than at the next
     * opening. 0 hours gives nextWorkingInstant(at).
     */
    addWorkingHours(at: Date, hours: number): Date {
      if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`addWorkingHours needs hours >= 0, got ${hours}`);
      let ms = nextWorkingMs(at.getTime());
      let left = Math.round(hours * HOUR);
      for (;;) {
        const n = dayNumberOf(ms);
        const available = day(n).close - ms;
        if (left <= available) return new Date(ms + left);
        left -= available;
        ms = day(nextWorkingDayNumber(n)).open;
      }
    },
    /** Working hours elapsed between two instants (negative when b is before a). */
    workingHoursBetween(a: Date, b: Date): number {
      const [lo, hi, sign] = b.getTime() >= a.getTime() ? [a.getTime(), b.getTime(), 1] : [b.getTime(), a.getTime(), -1];
      let total = 0;
      for (let n = dayNumberOf(lo); n <= dayNumberOf(hi); n++) {
        const d = day(n);
        if (!d.working) continue;
        const from = Math.max(d.open, lo);
        const to = Math.min(d.close, hi);
        if (to > from) total += to - from;
      }
      return (sign * total) / HOUR;
    },
  };
}
