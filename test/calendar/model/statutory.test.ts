import { execFileSync } from 'node:child_process';
import chineseDays from 'chinese-days';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  createWorkingCalendar,
  dayInfo,
  holidayPeriod,
  installCalendarSchedules,
  isCoveredYear,
  isWorkingDay,
  nextWorkingInstant,
  uncoveredYearsBetween,
} from '../../../src/calendar/model/working-calendar.js';
import { lunarNewYearsEve, qingmingDay, solarFromLunar, statutoryHolidays } from '../../../src/calendar/model/statutory.js';
import { addDays } from '../../../src/calendar/model/ymd.js';

const range = (first: string, last: string): string[] => {
  const days: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
  return days;
};

/** Days off and make-up working days from the State Council's notices (国办发明电). */
const official: Record<number, { off: string[]; work: string[] }> = {
  2024: {
    off: [
      '2024-01-01',
      ...range('2024-02-10', '2024-02-17'),
      ...range('2024-04-04', '2024-04-06'),
      ...range('2024-05-01', '2024-05-05'),
      '2024-06-10',
      ...range('2024-09-15', '2024-09-17'),
      ...range('2024-10-01', '2024-10-07'),
    ],
    work: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  2025: {
    off: [
      '2025-01-01',
      ...range('2025-01-28', '2025-02-04'),
      ...range('2025-04-04', '2025-04-06'),
      ...range('2025-05-01', '2025-05-05'),
      ...range('2025-05-31', '2025-06-02'),
      ...range('2025-10-01', '2025-10-08'),
    ],
    work: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    off: [
      ...range('2026-01-01', '2026-01-03'),
      ...range('2026-02-15', '2026-02-23'),
      ...range('2026-04-04', '2026-04-06'),
      ...range('2026-05-01', '2026-05-05'),
      ...range('2026-06-19', '2026-06-21'),
      ...range('2026-09-25', '2026-09-27'),
      ...range('2026-10-01', '2026-10-07'),
    ],
    work: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

const isWeekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

afterEach(() => installCalendarSchedules([]));

describe('the statutory holidays, computed from the State Council rules', () => {
  it('finds 春节 on the published dates: 2024-02-10, 2025-01-29, 2026-02-17, and 除夕 the day before (the 29th or the 30th)', () => {
    expect(solarFromLunar(2024, 1, 1)).toBe('2024-02-10');
    expect(solarFromLunar(2025, 1, 1)).toBe('2025-01-29');
    expect(solarFromLunar(2026, 1, 1)).toBe('2026-02-17');
    expect(lunarNewYearsEve(2026)).toBe('2026-02-16');
    expect(lunarNewYearsEve(2027)).toBe('2027-02-05');
    expect(solarFromLunar(2027, 1, 1)).toBe('2027-02-06');
  });

  it('gives 2027-2030 their statutory days (春节 除夕 to 初三, 劳动节 1-2 May, 国庆 1-3 October)', () => {
    const byKey = (year: number) => Object.fromEntries(statutoryHolidays(year).map((h) => [h.key, h.days]));
    expect(byKey(2027)).toEqual({
      newyear: ['2027-01-01'],
      spring: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
      qingming: ['2027-04-05'],
      labour: ['2027-05-01', '2027-05-02'],
      dragonboat: ['2027-06-09'],
      midautumn: ['2027-09-15'],
      national: ['2027-10-01', '2027-10-02', '2027-10-03'],
    });
    expect(byKey(2028)).toMatchObject({
      spring: range('2028-01-25', '2028-01-28'),
      qingming: ['2028-04-04'],
      dragonboat: ['2028-05-28'],
      midautumn: ['2028-10-03'],
    });
    expect(byKey(2029)).toMatchObject({
      spring: range('2029-02-12', '2029-02-15'),
      qingming: ['2029-04-04'],
      dragonboat: ['2029-06-16'],
      midautumn: ['2029-09-22'],
    });
    expect(byKey(2030)).toMatchObject({
      spring: range('2030-02-02', '2030-02-05'),
      qingming: ['2030-04-05'],
      dragonboat: ['2030-06-05'],
      midautumn: ['2030-09-12'],
    });
    expect(statutoryHolidays(2027).map((h) => h.nameZh)).toEqual(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']);
  });

  it('uses the rules in force in earlier years, so they fall inside the published schedules of 2014-2026', () => {
    for (let year = 2014; year <= 2026; year++) {
      for (const h of statutoryHolidays(year)) {
        for (const d of h.days) expect([year, h.key, d, isWorkingDay(d)]).toEqual([year, h.key, d, false]);
      }
    }
    expect(statutoryHolidays(2024).find((h) => h.key === 'spring')!.days).toEqual(['2024-02-10', '2024-02-11', '2024-02-12']);
  });

  it('agrees with chinese-days lunar conversion and solar terms for 1901-2099 (under TZ=UTC, where those are right)', () => {
    const { getLunarDate, getSolarTermDate } = chineseDays;
    expect(process.env.TZ).toBe('UTC');
    for (let year = 1901; year <= 2099; year++) {
      const chuyi = solarFromLunar(year, 1, 1);
      expect([year, getLunarDate(chuyi)]).toMatchObject([year, { lunarYear: year, lunarMon: 1, lunarDay: 1, isLeap: false }]);
      expect([year, getLunarDate(lunarNewYearsEve(year))]).toMatchObject([year, { lunarMon: 12, isLeap: false }]);
      expect([year, getLunarDate(solarFromLunar(year, 5, 5))]).toMatchObject([year, { lunarMon: 5, lunarDay: 5, isLeap: false }]);
      expect([year, getLunarDate(solarFromLunar(year, 8, 15))]).toMatchObject([year, { lunarMon: 8, lunarDay: 15, isLeap: false }]);
      expect([year, qingmingDay(year)]).toEqual([year, getSolarTermDate(year, 4, 'pure_brightness')]);
    }
  });

  it('gives the same days in a process west of UTC (TZ=America/New_York)', () => {
    const script = `import { statutoryHolidays } from './src/calendar/model/statutory.ts';
      process.stdout.write(JSON.stringify([2024, 2027, 2030].map((y) => statutoryHolidays(y))));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TZ: 'America/New_York' },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual([2024, 2027, 2030].map((y) => statutoryHolidays(y)));
  });
});

describe('the calendar by year: imported schedule, then chinese-days, then the statutory fallback', () => {
  it('pins 2024-2026 to the official schedules, day by day', () => {
    for (const [year, { off, work }] of Object.entries(official)) {
      for (const d of range(`${year}-01-01`, `${year}-12-31`)) {
        const expected = off.includes(d) ? false : work.includes(d) ? true : !isWeekend(d);
        expect([d, isWorkingDay(d)]).toEqual([d, expected]);
        expect(dayInfo(d)).toMatchObject({ covered: true, source: 'chinese-days' });
      }
    }
  });

  it('treats 2027-2030 statutory days as days off, weekends as usual, no make-up days, all marked as assumed', () => {
    for (let year = 2027; year <= 2030; year++) {
      const statutory = new Set(statutoryHolidays(year).flatMap((h) => h.days));
      for (const d of range(`${year}-01-01`, `${year}-12-31`)) {
        const info = dayInfo(d);
        expect([d, info.working]).toEqual([d, !statutory.has(d) && !isWeekend(d)]);
        expect(info).toMatchObject({ covered: false, source: 'statutory' });
      }
      expect(isCoveredYear(year)).toBe(false);
    }
    expect(dayInfo('2027-02-05')).toMatchObject({ kind: 'holiday', name: 'Spring Festival,春节' });
  });

  it('lets an imported schedule override both chinese-days and the fallback, and forgets it when uninstalled', () => {
    installCalendarSchedules([
      { year: 2026, daysOff: ['2026-03-02'], workdays: ['2026-02-16'] },
      { year: 2027, daysOff: range('2027-02-06', '2027-02-13'), workdays: ['2027-02-20'], names: { '2027-02-06': '春节' } },
    ]);
    expect(isWorkingDay('2026-03-02')).toBe(false);
    expect(isWorkingDay('2026-02-16')).toBe(true);
    expect(isWorkingDay('2026-02-17')).toBe(true); // the import does not list it: an ordinary Tuesday
    expect(isWorkingDay('2027-01-01')).toBe(true); // not in the imported 2027 list
    expect(isWorkingDay('2027-02-05')).toBe(true);
    expect(isWorkingDay('2027-02-20')).toBe(true);
    expect(dayInfo('2027-02-06')).toMatchObject({ working: false, kind: 'holiday', name: '春节', covered: true, source: 'imported' });
    expect(dayInfo('2027-02-08')).toMatchObject({ working: false, name: '春节', source: 'imported' }); // the statutory name
    expect(isCoveredYear(2027)).toBe(true);
    expect(uncoveredYearsBetween('2026-12-01', '2028-01-05')).toEqual([2028]);
    installCalendarSchedules([]);
    expect(isWorkingDay('2026-03-02')).toBe(true);
    expect(isWorkingDay('2027-01-01')).toBe(false);
    expect(isCoveredYear(2027)).toBe(false);
  });
});

describe('the first days of 2027, which nobody loaded', () => {
  it('sends nothing on 元旦: the next working moment after 31 December closes is Monday 4 January', () => {
    expect(nextWorkingInstant(new Date('2026-12-31T18:00:00+08:00'), { timezone: 'Asia/Shanghai' })).toEqual(new Date('2027-01-04T09:00:00+08:00'));
    expect(addWorkingDays('2026-12-30', 2)).toBe('2027-01-04');
    expect(addWorkingDays('2027-02-04', 1)).toBe('2027-02-09'); // over 春节 (除夕 to 初三)
  });
});

describe('holidayPeriod', () => {
  it('is the run of days off holding the holiday, weekends included, on the published schedule', () => {
    expect(holidayPeriod('spring', 2026)).toEqual({ first: '2026-02-15', last: '2026-02-23' });
    expect(holidayPeriod('national', 2025)).toEqual({ first: '2025-10-01', last: '2025-10-08' });
    expect(holidayPeriod('midautumn', 2025)).toEqual({ first: '2025-10-01', last: '2025-10-08' });
    expect(holidayPeriod('newyear', 2026)).toEqual({ first: '2026-01-01', last: '2026-01-03' });
    expect(holidayPeriod('spring', 2024)).toEqual({ first: '2024-02-10', last: '2024-02-17' });
    expect(holidayPeriod('dragonboat', 2024)).toEqual({ first: '2024-06-08', last: '2024-06-10' });
  });

  it('uses the statutory days and weekends in a year nobody loaded', () => {
    expect(holidayPeriod('newyear', 2027)).toEqual({ first: '2027-01-01', last: '2027-01-03' }); // Friday to Sunday
    expect(holidayPeriod('spring', 2027)).toEqual({ first: '2027-02-05', last: '2027-02-08' });
    expect(holidayPeriod('labour', 2027)).toEqual({ first: '2027-05-01', last: '2027-05-02' });
    expect(holidayPeriod('national', 2027)).toEqual({ first: '2027-10-01', last: '2027-10-03' });
  });

  it('follows an imported schedule, and a calendar with local overrides', () => {
    installCalendarSchedules([{ year: 2027, daysOff: range('2027-02-06', '2027-02-13'), workdays: ['2027-02-20'] }]);
    expect(holidayPeriod('spring', 2027)).toEqual({ first: '2027-02-06', last: '2027-02-14' });
    const local = createWorkingCalendar({ overrides: { '2026-02-24': false } });
    expect(local.holidayPeriod('spring', 2026)).toEqual({ first: '2026-02-15', last: '2026-02-24' });
    installCalendarSchedules([{ year: 2027, daysOff: [], workdays: [] }]);
    expect(holidayPeriod('spring', 2027)).toEqual({ first: '2027-02-06', last: '2027-02-07' }); // only its weekend is off
    installCalendarSchedules([{ year: 2027, daysOff: [], workdays: range('2027-02-05', '2027-02-08') }]);
    expect(holidayPeriod('spring', 2027)).toBeNull();
  });
});
