import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCalendarCsv, parseCalendarFile, parseCalendarJson } from '../../src/calendar/calendar-file.js';
import { yearArrangement } from '../../src/calendar/model/working-calendar.js';
import { addDays } from '../../src/calendar/model/ymd.js';
import { isAppError } from '../../src/shared/errors.js';

const EXAMPLE = fileURLToPath(new URL('../../config/calendar-2026.example.csv', import.meta.url));

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (isAppError(error, 'calendar.file_invalid')) return String(error.params.problems).split('\n');
    throw error;
  }
  throw new Error('the file was accepted');
}

const csv = (...lines: string[]) => ['date,type,name', ...lines].join('\n');
const offRun = (month: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `2027-${month}-${String(from + i).padStart(2, '0')},off,`);

describe('calendar files', () => {
  it('reads the README example: the official 2026 schedule, exactly what chinese-days publishes', () => {
    const file = parseCalendarFile('calendar-2026.example.csv', readFileSync(EXAMPLE));
    const published = yearArrangement(2026);
    expect(file.year).toBe(2026);
    expect(file.daysOff).toEqual(published.daysOff.map((d) => d.date));
    expect(file.workdays).toEqual(published.workdays.map((d) => d.date));
    expect(file.daysOff).toHaveLength(33);
    expect(file.workdays).toHaveLength(6);
    expect(file.names!['2026-02-17']).toBe('春节');
    expect(file.notice).toContain('2026年部分节假日安排');
  });

  it('reads JSON, dates or { date, name } entries', () => {
    const file = parseCalendarJson(
      JSON.stringify({
        year: 2027,
        notice: '国办发明电〔2026〕X号',
        daysOff: [{ date: '2027-01-01', name: '元旦' }, '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09'],
        workdays: ['2027-02-20'],
      }),
    );
    expect(file).toMatchObject({ year: 2027, workdays: ['2027-02-20'], names: { '2027-01-01': '元旦' }, notice: '国办发明电〔2026〕X号' });
    expect(file.daysOff).toHaveLength(6);
  });

  it('accepts Chinese day types (休/班) and a byte-order mark', () => {
    const text = csv(...offRun('02', 5, 11).map((l) => l.replace(',off,', ',休,春节')), '2027-02-20,班,春节调休上班');
    expect(parseCalendarFile('x.CSV', Buffer.from(`\uFEFF${text}`, 'utf8'))).toMatchObject({
      workdays: ['2027-02-20'],
      names: { '2027-02-20': '春节调休上班' },
    });
  });

  it('lists every problem with its row and refuses the whole file', () => {
    const problems = problemsOf(() =>
      parseCalendarCsv(
        csv(
          ...offRun('02', 5, 11), // rows 2-8
          '2027-02-30,off,', // row 9: no such date
          '2028-01-01,off,', // row 10: another year
          '2027-02-06,work,', // row 11: already a day off
          '2027-03-03,work,', // row 12: a Wednesday
          '2027-04-05,sometimes,', // row 13
        ),
      ),
    );
    expect(problems).toEqual([
      'row 9: "2027-02-30" is not a date (YYYY-MM-DD)',
      'row 10: 2028-01-01 is not in 2027',
      'row 11: 2027-02-06 is both a day off and a working day (row 3)',
      'row 12: 2027-03-03 is a weekday, already a working day; make-up working days fall on a Saturday or Sunday',
      'row 13: "sometimes" is not a day type (off or work)',
    ]);
  });

  it('refuses implausible counts: too few or too many days off, too many make-up days', () => {
    expect(problemsOf(() => parseCalendarCsv(csv('2027-01-01,off,元旦')))).toEqual(['1 days off is not a plausible year (expected 5 to 40)']);
    const days = (first: string, count: number, step: number) => Array.from({ length: count }, (_, i) => addDays(first, i * step));
    expect(problemsOf(() => parseCalendarJson(JSON.stringify({ year: 2027, daysOff: days('2027-07-01', 45, 1), workdays: [] })))).toEqual([
      '45 days off is not a plausible year (expected 5 to 40)',
    ]);
    const saturdays = days('2027-03-06', 13, 7);
    expect(problemsOf(() => parseCalendarJson(JSON.stringify({ year: 2027, daysOff: days('2027-02-05', 7, 1), workdays: saturdays })))).toEqual([
      '13 make-up working days is not a plausible year (expected at most 12)',
    ]);
  });

  it('refuses a file for another year than asked, a wrong header, an empty file and other file types', () => {
    expect(problemsOf(() => parseCalendarCsv(csv(...offRun('02', 5, 11)), { year: 2026 }))[0]).toBe('row 2: 2027-02-05 is not in 2026');
    expect(problemsOf(() => parseCalendarCsv('day,kind\n2027-01-01,off'))[0]).toMatch(/^row 1: the header must be date,type\[,name\]/);
    expect(problemsOf(() => parseCalendarCsv(''))).toEqual(['the file has no header (date,type[,name])']);
    expect(problemsOf(() => parseCalendarJson('{"year": 2027, "daysOff": [], "workdays": []}'))).toEqual(['the file lists no days']);
    expect(() => parseCalendarFile('x.xlsx', Buffer.from(''))).toThrow(expect.objectContaining({ code: 'calendar.file_type' }) as Error);
    expect(() => parseCalendarJson('{nope')).toThrow(expect.objectContaining({ code: 'calendar.file_unreadable' }) as Error);
  });
});
