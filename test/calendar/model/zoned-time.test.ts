import { describe, expect, it } from 'vitest';
import { addMonths, mondayOf, weekday } from '../../../src/calendar/model/ymd.js';
import { endOfZonedDay, isValidTimeZone, zonedInstant, zonedParts } from '../../../src/calendar/model/zoned-time.js';

describe('zoned time', () => {
  it('reads the local date and time of an instant in a zone, whatever the machine zone', () => {
    const instant = new Date('2024-07-19T16:30:00Z');
    expect(zonedParts(instant, 'Asia/Shanghai')).toMatchObject({ ymd: '2024-07-20', hour: 0, minute: 30 });
    expect(zonedParts(instant, 'America/Los_Angeles')).toMatchObject({ ymd: '2024-07-19', hour: 9, minute: 30 });
  });

  it('turns a local wall time into an instant, through daylight-saving gaps and overlaps', () => {
    expect(zonedInstant('2024-07-19', 17 * 60, 'Asia/Shanghai').toISOString()).toBe('2024-07-19T09:00:00.000Z');
    // 02:30 does not exist on 10 March 2024 in New York: it moves forward to 03:30 EDT.
    expect(zonedInstant('2024-03-10', 150, 'America/New_York').toISOString()).toBe('2024-03-10T07:30:00.000Z');
    // 01:30 happens twice on 3 November 2024: the earlier (EDT) one.
    expect(zonedInstant('2024-11-03', 90, 'America/New_York').toISOString()).toBe('2024-11-03T05:30:00.000Z');
  });

  it('ends a day at the last millisecond before the next local midnight, even on a 23-hour day', () => {
    expect(endOfZonedDay('2024-07-30', 'Asia/Shanghai').toISOString()).toBe('2024-07-30T15:59:59.999Z');
    expect(endOfZonedDay('2024-03-10', 'America/New_York').toISOString()).toBe('2024-03-11T03:59:59.999Z');
  });

  it('knows valid zones', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('does calendar arithmetic on dates without a zone', () => {
    expect(weekday('2024-07-19')).toBe(5);
    expect(mondayOf('2024-07-21')).toBe('2024-07-15');
    expect(mondayOf('2024-07-15')).toBe('2024-07-15');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15');
  });
});
