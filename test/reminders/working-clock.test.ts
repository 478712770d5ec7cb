import { describe, expect, it } from 'vitest';
import { addWorkingHours, createWorkingCalendar, isWithinWorkingHours, nextWorkingInstant, workingHoursBetween } from '../../src/calendar/calendar.models.js';
import { zonedParts } from '../../src/calendar/zoned-time.js';
import { createWorkingClock } from '../../src/reminders/working-clock.js';
import { createRandom as random } from '../helpers/random.js';


describe('the memoised working clock of the reminder rules', () => {
  const zones = [
    { timezone: 'Asia/Shanghai', start: '09:00', end: '18:00' },
    { timezone: 'Asia/Shanghai', start: '08:30', end: '17:30' },
    // A zone with daylight saving, to show the hour-by-hour offset memo holds there too.
    { timezone: 'Europe/Berlin', start: '09:00', end: '17:00' },
  ];
  for (const hours of zones) {
    it(`answers exactly as the calendar module does (${hours.timezone} ${hours.start}-${hours.end}), over 2026 with its holidays`, () => {
      const clock = createWorkingClock(hours);
      const r = random(7);
      const from = Date.parse('2026-01-01T00:00:00Z');
      for (let i = 0; i < 400; i++) {
        const a = new Date(from + Math.floor(r() * 365 * 24 * 60) * 60_000);
        const b = new Date(a.getTime() + Math.floor(r() * 40 * 24 * 60) * 60_000);
        const h = Math.floor(r() * 60 * 4) / 4;
        expect(clock.localDate(a)).toBe(zonedParts(a, hours.timezone).ymd);
        expect(clock.isWithinWorkingHours(a)).toBe(isWithinWorkingHours(a, hours));
        expect(clock.nextWorkingInstant(a).toISOString()).toBe(nextWorkingInstant(a, hours).toISOString());
        expect(clock.addWorkingHours(a, h).toISOString()).toBe(addWorkingHours(a, h, hours).toISOString());
        expect(clock.workingHoursBetween(a, b)).toBeCloseTo(workingHoursBetween(a, b, hours), 9);
        expect(clock.workingHoursBetween(b, a)).toBeCloseTo(workingHoursBetween(b, a, hours), 9);
      }
    });
  }

  it('follows a calendar with local overrides, kept apart from the national one', () => {
    const local = createWorkingCalendar({ overrides: { '2026-03-10': false } });
    const hours = { timezone: 'Asia/Shanghai', start: '09:00', end: '18:00' };
    const clock = createWorkingClock({ ...hours, calendar: local });
    const national = createWorkingClock(hours);
    const monday = new Date('2026-03-09T17:00:00+08:00');
    expect(clock.addWorkingHours(monday, 2).toISOString()).toBe(local.addWorkingHours(monday, 2, hours).toISOString());
    expect(clock.addWorkingHours(monday, 2).toISOString()).toBe('2026-03-11T02:00:00.000Z');
    expect(national.addWorkingHours(monday, 2).toISOString()).toBe('2026-03-10T02:00:00.000Z');
  });
});
