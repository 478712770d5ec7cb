import { addDays, formatYMD, parseYMD, type YMD } from './ymd.js';
import type { Clock } from '../../shared/clock.js';

/**
 * Wall-clock time in a named IANA zone, through Intl only: the process's own TZ is never used
 * (tests run with TZ=UTC while the bot lives in Asia/Shanghai). Formatters are cached per zone
 * because building one costs far more than using it.
 */

export type ZonedParts = {
  ymd: YMD;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes since local midnight, with seconds as a fraction. */
  minuteOfDay: number;
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

export function isValidTimeZone(timezone: string): boolean {
  if (typeof timezone !== 'string' || timezone.length === 0) return false;
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date and clock time of an instant in a zone. Throws RangeError on an unknown zone. */
export function zonedParts(instant: Date, timezone: string): ZonedParts {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  const values: Record<string, number> = {};
  for (const part of formatterFor(timezone).formatToParts(instant)) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  const year = values.year!;
  const month = values.month!;
  const day = values.day!;
  const hour = values.hour! % 24;
  const minute = values.minute!;
  const second = values.second!;
  const millisecond = ((ms % 1000) + 1000) % 1000;
  return {
    ymd: formatYMD(year, month, day),
    year,
    month,
    day,
    hour,
    minute,
    second,
    millisecond,
    minuteOfDay: hour * 60 + minute + (second + millisecond / 1000) / 60,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(instant: Date, timezone: string): number {
  const p = zonedParts(instant, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond);
  return asUtc - instant.getTime();
}

// An instant's offset, remembered. Code that asks about many instants (a ledger of a million
// events, a digest naming thousands of items, the sweep's working clock) would otherwise pay
// Intl's microseconds for each. Offsets are kept per zone and UTC day when the offset is the same
// at the day's first and last quarter hour (every day but the two a year when daylight saving
// starts or ends), else per quarter hour, since every zone in use today changes its offset on a
// quarter-hour boundary. Both maps are bounded.

const QUARTER_HOUR_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const OFFSET_MEMO_LIMIT = 100_000;
type OffsetMemo = { days: Map<number, number | null>; quarterHours: Map<number, number> };
const offsetMemos = new Map<string, OffsetMemo>();

/** zoneOffsetMs at the instant `ms` (epoch milliseconds), from the memo above. */
export function cachedZoneOffsetMs(ms: number, timezone: string): number {
  let memo = offsetMemos.get(timezone);
  if (!memo) {
    memo = { days: new Map(), quarterHours: new Map() };
    offsetMemos.set(timezone, memo);
  }
  const day = Math.floor(ms / DAY_MS);
  let uniform = memo.days.get(day);
  if (uniform === undefined) {
    const first = zoneOffsetMs(new Date(day * DAY_MS), timezone);
    const last = zoneOffsetMs(new Date((day + 1) * DAY_MS - QUARTER_HOUR_MS), timezone);
    uniform = first === last ? first : null;
    if (memo.days.size >= OFFSET_MEMO_LIMIT) memo.days.clear();
    memo.days.set(day, uniform);
  }
  if (uniform !== null) return uniform;
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let offset = memo.quarterHours.get(quarter);
  if (offset === undefined) {
    offset = zoneOffsetMs(new Date(quarter * QUARTER_HOUR_MS), timezone);
    if (memo.quarterHours.size >= OFFSET_MEMO_LIMIT) memo.quarterHours.clear();
    memo.quarterHours.set(quarter, offset);
  }
  return offset;
}

/** The day number (see ymd.ts toDayNumber) of the local date of the instant `ms` in the zone. */
export function zonedDayNumber(ms: number, timezone: string): number {
  return Math.floor((ms + cachedZoneOffsetMs(ms, timezone)) / DAY_MS);
}

/** Parses 'HH:mm' (00:00-24:00) into minutes since midnight; throws RangeError otherwise. */
export function parseHHmm(value: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new RangeError(`not a time of day in HH:mm form: ${JSON.stringify(value)}`);
  return minutes;
}

/**
 * The instant when the wall clock in `timezone` shows `ymd` at `minuteOfDay` (24:00 is the next
 * midnight). Daylight-saving is resolved the way Temporal's 'compatible' mode does: a time that
 * never shows (a gap) moves forward by the gap, a time that shows twice (an overlap) takes the
 * earlier instant. Zones change offset at most once in a couple of days, so the offsets a day
 * before and a day after are the only candidates.
 */
export function zonedInstant(ymd: YMD, minuteOfDay: number, timezone: string): Date {
  const { year, month, day } = parseYMD(ymd);
  const wall = Date.UTC(year, month - 1, day) + Math.round(minuteOfDay * 60_000);
  const offsetBefore = zoneOffsetMs(new Date(wall - 86_400_000), timezone);
  const offsetAfter = zoneOffsetMs(new Date(wall + 86_400_000), timezone);
  if (offsetBefore === offsetAfter) return new Date(wall - offsetBefore);
  const before = wall - offsetBefore;
  const after = wall - offsetAfter;
  const beforeFits = before + zoneOffsetMs(new Date(before), timezone) === wall;
  const afterFits = after + zoneOffsetMs(new Date(after), timezone) === wall;
  if (beforeFits && afterFits) return new Date(Math.min(before, after));
  if (beforeFits) return new Date(before);
  if (afterFits) return new Date(after);
  return new Date(Math.max(before, after));
}

/** The first instant of a local calendar day. */
export function startOfZonedDay(ymd: YMD, timezone: string): Date {
  return zonedInstant(ymd, 0, timezone);
}

/**
 * The last millisecond of a local calendar day: "by day D" means until this instant.
 * Computed as the next local midnight minus 1 ms, so days of 23 or 25 hours come out right.
 */
export function endOfZonedDay(ymd: YMD, timezone: string): Date {
  return new Date(startOfZonedDay(addDays(ymd, 1), timezone).getTime() - 1);
}

/** Minutes since midnight as 'HH:mm' (truncating seconds). */
export function formatHHmm(minuteOfDay: number): string {
  const m = Math.floor(minuteOfDay);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** "2026-03-02 09:30": an instant's local date and minute in the timezone, as messages show it. */
export function localMinute(at: Date, timezone: string): string {
  const p = zonedParts(at, timezone);
  return `${p.ymd} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** The organisation's local date and time of day now, by the injected clock. */
export function localNow(deps: { clock: Clock; config: { timezone: string } }): { at: Date; today: YMD; timeOfDay: string; year: number } {
  const at = deps.clock.now();
  const p = zonedParts(at, deps.config.timezone);
  return { at, today: p.ymd, timeOfDay: `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`, year: p.year };
}
