import { parse } from 'csv-parse/sync';
import { decodeCsv } from '../org/units-file.js';
import { appError } from '../shared/errors.js';
import type { ImportedSchedule } from './model/working-calendar.js';
import { isYMD, parseYMD, weekday, type YMD } from './model/ymd.js';

/**
 * Calendar files: one year's official schedule (the State Council's notice), as the office types
 * or exports it.
 *
 * CSV, header `date,type[,name]`, one row per day; `type` is `off` (放假, also 休/假/holiday) or
 * `work` (调休上班, also 班/workday). Lines starting with `#` are comments; `# notice: 国办发明电〔2025〕7号`
 * names the notice the schedule comes from.
 *
 * JSON: `{ "year": 2026, "notice": "…", "daysOff": ["2026-01-01", …], "workdays": ["2026-01-04", …] }`;
 * a list entry may also be `{ "date": "2026-01-01", "name": "元旦" }`.
 *
 * Checks (every problem is listed, with its row, and the whole file is refused): real dates, all in
 * one year (the `year` given, else the first date's), no date twice, no day both off and worked,
 * make-up working days on a Saturday or Sunday, and plausible counts: 5 to 40 days off, at most
 * 12 make-up days (the State Council's notices have had 28 to 33 and 5 to 8).
 */

export type CalendarFile = ImportedSchedule & { notice: string | null };

export const CALENDAR_FILE_LIMITS = { minDaysOff: 5, maxDaysOff: 40, maxWorkdays: 12 } as const;

type Row = { row: string; date: string; kind: 'off' | 'work' | null; typeText: string; name: string };

const KIND_WORDS: Record<string, 'off' | 'work'> = {
  off: 'off',
  holiday: 'off',
  rest: 'off',
  休: 'off',
  假: 'off',
  放假: 'off',
  休息: 'off',
  work: 'work',
  workday: 'work',
  working: 'work',
  班: 'work',
  上班: 'work',
  补班: 'work',
  调休上班: 'work',
};

function refuse(problems: string[]): never {
  throw appError('calendar.file_invalid', { problems: problems.join('\n') });
}

/** Checks rows from either format and makes the schedule (see the module note). */
function checkRows(rows: Row[], declaredYear: number | null, notice: string | null, problems: string[]): CalendarFile {
  const firstDate = rows.find((r) => isYMD(r.date));
  const year = declaredYear ?? (firstDate ? parseYMD(firstDate.date).year : null);
  if (rows.length === 0) problems.push('the file lists no days');
  const seen = new Map<YMD, Row>();
  const daysOff: YMD[] = [];
  const workdays: YMD[] = [];
  const names: Record<YMD, string> = {};
  for (const r of rows) {
    if (!isYMD(r.date)) {
      problems.push(`${r.row}: "${r.date}" is not a date (YYYY-MM-DD)`);
      continue;
    }
    if (r.kind === null) {
      problems.push(`${r.row}: "${r.typeText}" is not a day type (off or work)`);
      continue;
    }
    if (year !== null && parseYMD(r.date).year !== year) {
      problems.push(`${r.row}: ${r.date} is not in ${year}`);
      continue;
    }
    const earlier = seen.get(r.date);
    if (earlier) {
      problems.push(
        earlier.kind === r.kind
          ? `${r.row}: ${r.date} is already listed (${earlier.row})`
          : `${r.row}: ${r.date} is both a day off and a working day (${earlier.row})`,
      );
      continue;
    }
    seen.set(r.date, r);
    if (r.kind === 'work') {
      const wd = weekday(r.date);
      if (wd !== 0 && wd !== 6) problems.push(`${r.row}: ${r.date} is a weekday, already a working day; make-up working days fall on a Saturday or Sunday`);
      workdays.push(r.date);
    } else daysOff.push(r.date);
    if (r.name) names[r.date] = r.name;
  }
  const { minDaysOff, maxDaysOff, maxWorkdays } = CALENDAR_FILE_LIMITS;
  if (rows.length > 0 && (daysOff.length < minDaysOff || daysOff.length > maxDaysOff)) {
    problems.push(`${daysOff.length} days off is not a plausible year (expected ${minDaysOff} to ${maxDaysOff})`);
  }
  if (workdays.length > maxWorkdays) problems.push(`${workdays.length} make-up working days is not a plausible year (expected at most ${maxWorkdays})`);
  if (problems.length > 0 || year === null) refuse(problems.length > 0 ? problems : ['the file names no year']);
  return { year, daysOff: daysOff.sort(), workdays: workdays.sort(), names, notice };
}

/** Reads a calendar CSV (see the module note). Row numbers are the file's line numbers. */
export function parseCalendarCsv(content: string, options: { year?: number } = {}): CalendarFile {
  let records: string[][];
  try {
    records = parse(content.replace(/^\uFEFF/, ''), { skip_empty_lines: false, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    throw appError('calendar.file_unreadable', { reason: (error as Error).message });
  }
  const problems: string[] = [];
  let notice: string | null = null;
  let header: string[] | null = null;
  const rows: Row[] = [];
  records.forEach((cells, i) => {
    const line = i + 1;
    const first = cells[0] ?? '';
    if (first.startsWith('#')) {
      const m = /^#\s*(?:notice|source|文件|来源)\s*[:：]\s*(.+)$/i.exec(cells.join(',').trim());
      if (m) notice = m[1]!.trim();
      return;
    }
    if (cells.every((c) => c === '')) return;
    if (!header) {
      header = cells.map((c) => c.toLowerCase());
      if (header[0] !== 'date' || header[1] !== 'type' || (header[2] !== undefined && header[2] !== 'name' && header[2] !== '')) {
        problems.push(`row ${line}: the header must be date,type[,name] (got ${cells.join(',')})`);
      }
      return;
    }
    const typeText = cells[1] ?? '';
    rows.push({ row: `row ${line}`, date: cells[0] ?? '', typeText, kind: KIND_WORDS[typeText.toLowerCase()] ?? null, name: cells[2] ?? '' });
  });
  if (!header) refuse(['the file has no header (date,type[,name])']);
  return checkRows(rows, options.year ?? null, notice, problems);
}

function jsonEntries(list: unknown, field: string, kind: 'off' | 'work', problems: string[]): Row[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    problems.push(`"${field}" must be a list of dates`);
    return [];
  }
  return list.map((entry: unknown, i) => {
    const row = `${field}[${i}]`;
    if (typeof entry === 'string') return { row, date: entry, kind, typeText: kind, name: '' };
    if (entry && typeof entry === 'object' && typeof (entry as { date?: unknown }).date === 'string') {
      const e = entry as { date: string; name?: unknown };
      return { row, date: e.date, kind, typeText: kind, name: typeof e.name === 'string' ? e.name.trim() : '' };
    }
    return { row, date: JSON.stringify(entry), kind, typeText: kind, name: '' };
  });
}

/** Reads a calendar JSON file (see the module note). Rows are named by list and index: daysOff[3]. */
export function parseCalendarJson(content: string, options: { year?: number } = {}): CalendarFile {
  let data: unknown;
  try {
    data = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw appError('calendar.file_unreadable', { reason: (error as Error).message });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) refuse(['the file must be one JSON object with "year", "daysOff" and "workdays"']);
  const o = data as Record<string, unknown>;
  const problems: string[] = [];
  let year: number | null = options.year ?? null;
  if (o.year !== undefined) {
    if (!Number.isInteger(o.year) || (o.year as number) < 1000 || (o.year as number) > 9999)
      problems.push(`"year" must be a year such as 2027 (got ${JSON.stringify(o.year)})`);
    else if (year !== null && year !== o.year) problems.push(`"year" is ${String(o.year)}, but ${year} was asked for`);
    else year = o.year as number;
  }
  const rows = [...jsonEntries(o.daysOff, 'daysOff', 'off', problems), ...jsonEntries(o.workdays, 'workdays', 'work', problems)];
  const notice = typeof o.notice === 'string' && o.notice.trim() ? o.notice.trim() : null;
  return checkRows(rows, year, notice, problems);
}

/**
 * Reads a calendar file's bytes by its name's extension (.csv or .json); anything else is refused
 * with `calendar.file_type`. A CSV may be UTF-8 or GB18030 (Excel on Chinese Windows).
 */
export function parseCalendarFile(fileName: string, bytes: Buffer, options: { year?: number } = {}): CalendarFile {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return parseCalendarCsv(decodeCsv(bytes), options);
  if (lower.endsWith('.json')) return parseCalendarJson(new TextDecoder('utf-8').decode(bytes), options);
  throw appError('calendar.file_type', { expected: 'CSV, JSON' });
}
