import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../../src/calendar/model/working-calendar.js';
import { lateness, latenessText } from '../../../src/calendar/model/lateness.js';
import { createTranslator } from '../../../src/i18n/translator.js';

describe('lateness', () => {
  it('counts working days and calendar days after the deadline, up to and including today', () => {
    // Thursday -> Friday: one of each.
    expect(lateness('2026-03-05', '2026-03-06')).toEqual({ workingDays: 1, calendarDays: 1 });
  });

  it('skips the weekend in working days only: a Friday deadline is 1 working day (3 days) late on Monday', () => {
    expect(lateness('2026-03-06', '2026-03-09')).toEqual({ workingDays: 1, calendarDays: 3 });
    expect(lateness('2026-03-06', '2026-03-07')).toEqual({ workingDays: 0, calendarDays: 1 });
  });

  it('skips a statutory holiday and counts its make-up working day (May Day 2026: 1-5 May off, Saturday 9 May worked)', () => {
    expect(lateness('2026-04-30', '2026-05-06')).toEqual({ workingDays: 1, calendarDays: 6 });
    expect(lateness('2026-04-30', '2026-05-11')).toEqual({ workingDays: 5, calendarDays: 11 });
  });

  it('is nothing on the deadline day or before it', () => {
    expect(lateness('2026-03-09', '2026-03-09')).toEqual({ workingDays: 0, calendarDays: 0 });
    expect(lateness('2026-03-09', '2026-03-06')).toEqual({ workingDays: 0, calendarDays: 0 });
  });

  it('follows a calendar with local days off', () => {
    const local = createWorkingCalendar({ overrides: { '2026-03-09': false } });
    expect(lateness('2026-03-06', '2026-03-10', local)).toEqual({ workingDays: 1, calendarDays: 4 });
  });
});

describe('latenessText', () => {
  const translator = createTranslator();
  const zh = translator.for('zh');
  const en = translator.for('en');

  it('says working days, with the calendar days in brackets where they differ', () => {
    expect(latenessText(zh, { workingDays: 3, calendarDays: 5 })).toBe('3 个工作日（5 天）');
    expect(latenessText(en, { workingDays: 3, calendarDays: 5 })).toBe('3 working days (5 days)');
    expect(latenessText(en, { workingDays: 1, calendarDays: 3 })).toBe('1 working day (3 days)');
  });

  it('says working days alone where both counts agree', () => {
    expect(latenessText(zh, { workingDays: 2, calendarDays: 2 })).toBe('2 个工作日');
    expect(latenessText(en, { workingDays: 1, calendarDays: 1 })).toBe('1 working day');
  });
});
