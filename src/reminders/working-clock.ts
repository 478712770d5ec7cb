import { nationalCalendar, type WorkingCalendar } from '../calendar/calendar.models.js';
import { fromDayNumber, toDayNumber, type YMD } from '../calendar/ymd.js';
import { parseHHmm, zonedInstant, zoneOffsetMs } from '../calendar/zoned-time.js';

/**
 * The working-time arithmetic of the reminder rules, answering exactly as the calendar module
 * does (`nextWorkingInstant`, `addWorkingHours`, `workingHoursBetween`, test/reminders checks the
 * two agree), but remembering what it computed: the zone offset of each hour and the opening and
 * closing instants of each day. The calendar asks Intl for every instant (some 10 µs a time);
 * the sweep asks the same questions about the same few days for every item it looks at, and the
 * 20-minute-polling test for every step, so without the memo a long-overdue item costs
 * milliseconds. Caches are per (calendar, zone, hours) and bounded.
 */
export type WorkingClock = ReturnType<typeof createWorkingClock>;

type Day = { working: boolean; open: number; close: number };
type Memo = { offsets: Map<number, number>; days: Map<number, Day> };

const HOUR = 3_600_000;
const DAY = 86_400_000;
const LIMIT = 50_000;
const memos = new WeakMap<WorkingCalendar, Map<string, Memo>>();

function memoFor(calendar: WorkingCalendar, key: string): Memo {
  let byKey = memos.get(calendar);
  if (!byKey) memos.set(calendar, (byKey = new Map()));
  let memo = byKey.get(key);
  if (!memo) byKey.set(key, (memo = { offsets: new Map(), days: new Map() }));
  return memo;
}

export function createWorkingClock(input: { timezone: string; start: string; end: string; calendar?: WorkingCalendar }) {
  const cal = input.calendar ?? nationalCalendar;
  const { timezone } = input;
  const startMinute = parseHHmm(input.start);
  const endMinute = parseHHmm(input.end);
  if (!(startMinute < endMinute)) throw new RangeError(`working hours must start before they end (got ${input.start}-${input.end})`);
  const memo = memoFor(cal, `${timezone}|${startMinute}|${endMinute}`);

  /** Zone offsets change on whole UTC hours (in every zone that matters here): one lookup per hour. */
  function offsetAt(ms: number): number {
    const hour = Math.floor(ms / HOUR);
    let offset = memo.offsets.get(hour);
    if (offset === undefined) {
      if (memo.offsets.size > LIMIT) memo.offsets.clear();
      offset = zoneOffsetMs(new Date(hour * HOUR), timezone);
      memo.offsets.set(hour, offset);
    }
    return offset;
  }

  /** The local day number of an instant. */
  const dayNumberOf = (ms: number): number => Math.floor((ms + offsetAt(ms)) / DAY);

  function day(n: number): Day {
    let d = memo.days.get(n);
    if (!d) {
      if (memo.days.size > LIMIT) memo.days.clear();
      const ymd = fromDayNumber(n);
      d = { working: cal.isWorkingDay(ymd), open: zonedInstant(ymd, startMinute, timezone).getTime(), close: zonedInstant(ymd, endMinute, timezone).getTime() };
      memo.days.set(n, d);
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
    calendar: cal,
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
    /** `at` when inside working hours, else the next opening (calendar.nextWorkingInstant). */
    nextWorkingInstant: (at: Date): Date => new Date(nextWorkingMs(at.getTime())),
    /** `hours` working hours after `at`; a span that uses up a day ends at its closing time (calendar.addWorkingHours). */
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
    /** Working hours between two instants (calendar.workingHoursBetween). */
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
