import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  addWorkingHours,
  calendarCoverage,
  createWorkingCalendar,
  dayInfo,
  installCalendarSchedules,
  isCoveredYear,
  isWithinWorkingHours,
  isWorkingDay,
  nationalCalendar,
  nextWorkingDay,
  nextWorkingInstant,
  uncoveredYearsBetween,
  workingDayOnOrAfter,
  workingDaysBetween,
  workingHoursBetween,
} from '../../../src/calendar/model/working-calendar.js';
import { addDays } from '../../../src/calendar/model/ymd.js';

const shanghai = { timezone: 'Asia/Shanghai' };
const at = (iso: string) => new Date(iso);

describe('working days', () => {
  it('knows the Spring Festival, May Day and National Day breaks of 2024-2026 and their make-up working days', () => {
    const expectations: [string, boolean][] = [
      ['2024-02-04', true], // Sunday, worked (调休)
      ['2024-02-09', true], // 除夕 2024 was a working Friday
      ['2024-02-10', false],
      ['2024-02-16', false], // Friday inside the break
      ['2024-02-18', true], // Sunday, worked
      ['2024-04-28', true],
      ['2024-05-01', false],
      ['2024-05-11', true], // Saturday, worked
      ['2024-09-29', true],
      ['2024-10-07', false],
      ['2024-10-12', true],
      ['2025-01-26', true],
      ['2025-01-28', false],
      ['2025-02-04', false],
      ['2025-02-08', true],
      ['2025-04-27', true],
      ['2025-05-05', false],
      ['2025-09-28', true],
      ['2025-10-08', false], // eight days in 2025 (National Day + Mid-Autumn)
      ['2025-10-11', true],
      ['2026-02-14', true],
      ['2026-02-23', false],
      ['2026-02-28', true],
      ['2026-05-09', true],
      ['2026-09-20', true],
      ['2026-10-07', false],
      ['2026-10-10', true],
      ['2024-07-20', false], // an ordinary Saturday
      ['2024-07-22', true], // an ordinary Monday
    ];
    for (const [date, working] of expectations) expect([date, isWorkingDay(date)]).toEqual([date, working]);
  });

  it('says why a day is (not) worked', () => {
    expect(dayInfo('2024-02-18')).toMatchObject({ working: true, kind: 'makeup', covered: true });
    expect(dayInfo('2024-02-12')).toMatchObject({ working: false, kind: 'holiday', covered: true });
    expect(dayInfo('2024-02-12').name).toContain('春节');
    expect(dayInfo('2024-07-20')).toEqual({
      date: '2024-07-20',
      working: false,
      kind: 'weekend',
      name: '',
      covered: true,
      source: 'chinese-days',
    });
  });

  it('agrees with chinese-days itself, day by day from 2004 to 2026 (under TZ=UTC, where its own functions are right)', () => {
    const { isWorkday } = chineseDays;
    expect(process.env.TZ).toBe('UTC');
    const { firstYear, lastYear } = calendarCoverage();
    for (let d = `${firstYear}-01-01`; d <= `${lastYear}-12-31`; d = addDays(d, 1)) {
      if (isWorkingDay(d) !== isWorkday(d)) throw new Error(`disagreement on ${d}`);
    }
  });

  it('covers the years chinese-days publishes and falls back to the statutory holidays elsewhere, saying so', () => {
    expect(calendarCoverage()).toEqual({ firstYear: 2004, lastYear: expect.any(Number) as number });
    const { lastYear } = calendarCoverage();
    expect(lastYear).toBeGreaterThanOrEqual(2026);
    expect(isCoveredYear(2003)).toBe(false);
    expect(isCoveredYear(lastYear + 1)).toBe(false);
    const newYear = `${lastYear + 1}-01-01`;
    expect(dayInfo(newYear)).toMatchObject({ covered: false, working: false, kind: 'holiday', source: 'statutory' });
    expect(dayInfo(newYear).name).toContain('元旦');
    const secondOfJanuary = `${lastYear + 1}-01-02`;
    const weekday = new Date(`${secondOfJanuary}T00:00:00Z`).getUTCDay();
    expect(dayInfo(secondOfJanuary)).toMatchObject({ covered: false, working: weekday >= 1 && weekday <= 5, name: '' });
    expect(uncoveredYearsBetween(`${lastYear}-12-01`, `${lastYear + 1}-02-01`)).toEqual([lastYear + 1]);
    expect(uncoveredYearsBetween('2024-01-01', '2025-12-31')).toEqual([]);
  });

  it('adds working days after a date: holidays skipped, make-up days counted, the date itself never counted', () => {
    expect(addWorkingDays('2024-02-08', 1)).toBe('2024-02-09');
    expect(addWorkingDays('2024-02-08', 2)).toBe('2024-02-18');
    expect(addWorkingDays('2024-02-08', 5)).toBe('2024-02-21');
    expect(addWorkingDays('2024-09-30', 1)).toBe('2024-10-08');
    expect(addWorkingDays('2025-09-26', 5)).toBe('2025-10-10');
    expect(addWorkingDays('2024-07-20', 1)).toBe('2024-07-22'); // from a Saturday
    expect(addWorkingDays('2024-07-20', 0)).toBe('2024-07-20');
    expect(addWorkingDays('2024-10-08', -1)).toBe('2024-09-30');
    expect(addWorkingDays('2024-02-19', -2)).toBe('2024-02-09');
    expect(() => addWorkingDays('2024-02-19', 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays('2024-02-30', 1)).toThrow(RangeError);
  });

  it('finds the next working day, and the working day on or after a date', () => {
    expect(nextWorkingDay('2024-09-30')).toBe('2024-10-08');
    expect(nextWorkingDay('2024-07-19')).toBe('2024-07-22');
    expect(workingDayOnOrAfter('2024-07-19')).toBe('2024-07-19');
    expect(workingDayOnOrAfter('2024-10-01')).toBe('2024-10-08');
  });

  it('counts working days between two dates as the inverse of adding them', () => {
    expect(workingDaysBetween('2024-09-27', '2024-10-08')).toBe(3);
    expect(workingDaysBetween('2024-10-08', '2024-09-27')).toBe(-3);
    expect(workingDaysBetween('2024-07-19', '2024-07-19')).toBe(0);
    for (const from of ['2024-02-01', '2024-09-25', '2025-01-20', '2026-04-28']) {
      for (let n = 0; n <= 25; n++) expect(workingDaysBetween(from, addWorkingDays(from, n))).toBe(n);
    }
  });

  it('takes local overrides over the national calendar', () => {
    const city = createWorkingCalendar({ overrides: { '2024-07-22': false, '2024-07-20': true } });
    expect(city.isWorkingDay('2024-07-22')).toBe(false);
    expect(city.isWorkingDay('2024-07-20')).toBe(true);
    expect(city.addWorkingDays('2024-07-19', 2)).toBe('2024-07-23');
    expect(city.dayInfo('2024-07-22')).toMatchObject({ working: false, kind: 'holiday' });
    expect(isWorkingDay('2024-07-22')).toBe(true);
  });
});

describe('working hours', () => {
  it('is inside working hours on a working day between start and end, in the configured zone', () => {
    expect(isWithinWorkingHours(at('2024-07-19T09:00:00+08:00'), shanghai)).toBe(true);
    expect(isWithinWorkingHours(at('2024-07-19T17:59:59+08:00'), shanghai)).toBe(true);
    expect(isWithinWorkingHours(at('2024-07-19T18:00:00+08:00'), shanghai)).toBe(false);
    expect(isWithinWorkingHours(at('2024-07-19T08:59:00+08:00'), shanghai)).toBe(false);
    expect(isWithinWorkingHours(at('2024-07-20T10:00:00+08:00'), shanghai)).toBe(false); // Saturday
    expect(isWithinWorkingHours(at('2024-02-18T10:00:00+08:00'), shanghai)).toBe(true); // make-up Sunday
    // 02:00 UTC is 10:00 in Shanghai but 03:00 in London: the zone decides, not the machine.
    expect(isWithinWorkingHours(at('2024-07-19T02:00:00Z'), shanghai)).toBe(true);
    expect(isWithinWorkingHours(at('2024-07-19T02:00:00Z'), { timezone: 'Europe/London' })).toBe(false);
    expect(isWithinWorkingHours(at('2024-07-19T12:30:00+08:00'), { ...shanghai, start: '08:30', end: '12:00' })).toBe(false);
  });

  it('finds the next moment inside working hours', () => {
    const now = at('2024-07-19T10:00:00+08:00');
    expect(nextWorkingInstant(now, shanghai)).toBe(now);
    expect(nextWorkingInstant(at('2024-07-19T07:00:00+08:00'), shanghai).toISOString()).toBe('2024-07-19T01:00:00.000Z');
    expect(nextWorkingInstant(at('2024-07-19T18:00:00+08:00'), shanghai).toISOString()).toBe('2024-07-22T01:00:00.000Z');
    expect(nextWorkingInstant(at('2024-09-30T19:00:00+08:00'), shanghai).toISOString()).toBe('2024-10-08T01:00:00.000Z');
    expect(nextWorkingInstant(at('2024-02-17T12:00:00+08:00'), shanghai).toISOString()).toBe('2024-02-18T01:00:00.000Z');
  });

  it('adds working hours across evenings, weekends and holidays', () => {
    expect(addWorkingHours(at('2024-07-19T10:00:00+08:00'), 4, shanghai).toISOString()).toBe('2024-07-19T06:00:00.000Z');
    expect(addWorkingHours(at('2024-07-19T17:00:00+08:00'), 2, shanghai).toISOString()).toBe('2024-07-22T02:00:00.000Z');
    expect(addWorkingHours(at('2024-07-19T17:00:00+08:00'), 1, shanghai).toISOString()).toBe('2024-07-19T10:00:00.000Z');
    expect(addWorkingHours(at('2024-09-30T16:00:00+08:00'), 4, shanghai).toISOString()).toBe('2024-10-08T03:00:00.000Z');
    expect(addWorkingHours(at('2024-07-20T10:00:00+08:00'), 0, shanghai).toISOString()).toBe('2024-07-22T01:00:00.000Z');
    expect(addWorkingHours(at('2024-07-19T10:00:00+08:00'), 0.5, shanghai).toISOString()).toBe('2024-07-19T02:30:00.000Z');
    expect(addWorkingHours(at('2024-07-19T09:00:00+08:00'), 18, shanghai).toISOString()).toBe('2024-07-22T10:00:00.000Z');
    expect(() => addWorkingHours(at('2024-07-19T09:00:00+08:00'), -1, shanghai)).toThrow(RangeError);
  });

  it('counts working hours between two instants', () => {
    expect(workingHoursBetween(at('2024-07-19T17:00:00+08:00'), at('2024-07-22T10:00:00+08:00'), shanghai)).toBe(2);
    expect(workingHoursBetween(at('2024-07-22T10:00:00+08:00'), at('2024-07-19T17:00:00+08:00'), shanghai)).toBe(-2);
    expect(workingHoursBetween(at('2024-09-30T17:00:00+08:00'), at('2024-10-08T09:30:00+08:00'), shanghai)).toBe(1.5);
  });

  it('handles a zone with daylight saving: a working day that starts an hour earlier in UTC', () => {
    const ny = { timezone: 'America/New_York' };
    // Clocks went forward on Sunday 10 March 2024: Friday 17:00 EST + 2 h is Monday 10:00 EDT.
    expect(addWorkingHours(at('2024-03-08T17:00:00-05:00'), 2, ny).toISOString()).toBe('2024-03-11T14:00:00.000Z');
    expect(nextWorkingInstant(at('2024-03-09T12:00:00-05:00'), ny).toISOString()).toBe('2024-03-11T13:00:00.000Z');
  });

  it('counts working hours across the spring and autumn clock changes of a zone with daylight saving', () => {
    const berlin = { timezone: 'Europe/Berlin', start: '09:00', end: '17:00' };
    // Clocks went forward on Sunday 29 March 2026: Friday 16:00 CET + 2 h is Monday 10:00 CEST.
    expect(addWorkingHours(at('2026-03-27T16:00:00+01:00'), 2, berlin).toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(workingHoursBetween(at('2026-03-27T16:00:00+01:00'), at('2026-03-30T10:00:00+02:00'), berlin)).toBe(2);
    // And back on Sunday 25 October 2026: Friday 16:30 CEST + 1 h is Monday 09:30 CET.
    expect(addWorkingHours(at('2026-10-23T16:30:00+02:00'), 1, berlin).toISOString()).toBe('2026-10-26T08:30:00.000Z');
    expect(workingHoursBetween(at('2026-10-26T09:30:00+01:00'), at('2026-10-23T16:30:00+02:00'), berlin)).toBe(-1);
    expect(nextWorkingInstant(at('2026-10-25T12:00:00+01:00'), berlin).toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });

  it('follows hours other than 09:00-18:00, to the minute', () => {
    const early = { ...shanghai, start: '08:30', end: '17:30' };
    expect(isWithinWorkingHours(at('2024-07-19T08:30:00+08:00'), early)).toBe(true);
    expect(isWithinWorkingHours(at('2024-07-19T17:30:00+08:00'), early)).toBe(false);
    // Half an hour on Friday, half an hour on Monday.
    expect(addWorkingHours(at('2024-07-19T17:00:00+08:00'), 1, early).toISOString()).toBe('2024-07-22T01:00:00.000Z');
    expect(workingHoursBetween(at('2024-07-19T17:00:00+08:00'), at('2024-07-22T09:00:00+08:00'), early)).toBe(1);
  });

  it("reads an instant's local date in zones offset by half and quarter hours, and opens the day at its start", () => {
    const clock = nationalCalendar.workingClock(shanghai);
    expect(clock.localDate(at('2024-07-19T15:59:00Z'))).toBe('2024-07-19');
    expect(clock.localDate(at('2024-07-19T16:00:00Z'))).toBe('2024-07-20');
    expect(clock.opening('2024-07-22').toISOString()).toBe('2024-07-22T01:00:00.000Z');
    // Kathmandu is UTC+05:45, Adelaide UTC+09:30 in July.
    expect(nationalCalendar.workingClock({ timezone: 'Asia/Kathmandu' }).localDate(at('2024-07-19T18:14:00Z'))).toBe('2024-07-19');
    expect(nationalCalendar.workingClock({ timezone: 'Asia/Kathmandu' }).localDate(at('2024-07-19T18:15:00Z'))).toBe('2024-07-20');
    expect(isWithinWorkingHours(at('2024-07-19T08:29:00+09:30'), { timezone: 'Australia/Adelaide', start: '08:30', end: '17:00' })).toBe(false);
    expect(isWithinWorkingHours(at('2024-07-19T08:30:00+09:30'), { timezone: 'Australia/Adelaide', start: '08:30', end: '17:00' })).toBe(true);
  });

  it('counts working hours on a calendar with local overrides, apart from the national one', () => {
    const local = createWorkingCalendar({ overrides: { '2026-03-10': false } });
    const hours = { timezone: 'Asia/Shanghai', start: '09:00', end: '18:00' };
    const monday = at('2026-03-09T17:00:00+08:00');
    expect(local.addWorkingHours(monday, 2, hours).toISOString()).toBe('2026-03-11T02:00:00.000Z');
    expect(addWorkingHours(monday, 2, hours).toISOString()).toBe('2026-03-10T02:00:00.000Z');
    expect(local.workingHoursBetween(monday, at('2026-03-11T10:00:00+08:00'), hours)).toBe(2);
    expect(workingHoursBetween(monday, at('2026-03-11T10:00:00+08:00'), hours)).toBe(11);
    expect(local.isWithinWorkingHours(at('2026-03-10T10:00:00+08:00'), hours)).toBe(false);
    expect(local.nextWorkingInstant(at('2026-03-10T10:00:00+08:00'), hours).toISOString()).toBe('2026-03-11T01:00:00.000Z');
  });

  it('sees a newly installed schedule at once, although its clocks remember which days work', () => {
    const monday = at('2024-07-22T10:00:00+08:00');
    expect(isWithinWorkingHours(monday, shanghai)).toBe(true);
    try {
      installCalendarSchedules([{ year: 2024, daysOff: ['2024-07-22'], workdays: [] }]);
      expect(isWithinWorkingHours(monday, shanghai)).toBe(false);
      expect(addWorkingHours(at('2024-07-19T17:00:00+08:00'), 2, shanghai).toISOString()).toBe('2024-07-23T02:00:00.000Z');
    } finally {
      installCalendarSchedules([]);
    }
    expect(isWithinWorkingHours(monday, shanghai)).toBe(true);
  });

  it('refuses working hours that are not HH:mm or that end before they start', () => {
    expect(() => isWithinWorkingHours(at('2024-07-19T10:00:00+08:00'), { ...shanghai, start: '9:00' })).toThrow(RangeError);
    expect(() => isWithinWorkingHours(at('2024-07-19T10:00:00+08:00'), { ...shanghai, start: '18:00', end: '09:00' })).toThrow(RangeError);
  });
});
