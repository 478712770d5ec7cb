import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCalendarCsv } from '../../src/calendar/calendar-file.js';
import { dayInfo, installCalendarSchedules, isWorkingDay } from '../../src/calendar/model/working-calendar.js';
import { calendarYearStatus, importCalendarYear, loadCalendarSchedules, refreshCalendarSchedules } from '../../src/calendar/calendar.usecases.js';
import { createCalendarRepository } from '../../src/calendar/calendar.repository.js';
import { runCli } from '../../src/cli/index.js';
import { createManualClock } from '../../src/shared/clock.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../helpers/db.js';

const EXAMPLE = fileURLToPath(new URL('../../config/calendar-2026.example.csv', import.meta.url));
const admin = { personId: 1, isAdmin: true, isLeader: false, unitIds: [] };
const staff = { personId: 2, isAdmin: false, isLeader: false, unitIds: [1] };

const schedule2027 = [
  '# notice: 国务院办公厅关于2027年部分节假日安排的通知',
  'date,type,name',
  '2027-01-01,off,元旦',
  '2027-01-02,off,元旦',
  '2027-01-03,off,元旦',
  ...['05', '06', '07', '08', '09', '10', '11', '12', '13'].map((d) => `2027-02-${d},off,春节`),
  '2027-02-20,work,春节调休上班',
].join('\n');

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await runCli(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('imported schedules in the database', () => {
  let database: TestDatabase;
  const clock = createManualClock('2026-12-06T10:00:00+08:00');
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    installCalendarSchedules([]);
    await database.drop();
  });
  const deps = () => ({ db: database.db, clock });

  it('an admin imports 2027 through Telegram: it replaces the statutory fallback at once, and a second import replaces the first', async () => {
    expect(isWorkingDay('2027-02-09')).toBe(true);
    const result = await importCalendarYear(deps(), { file: parseCalendarCsv(schedule2027), fileName: 'c2027.csv', via: 'telegram', actor: admin });
    expect(result).toMatchObject({ year: 2027, daysOff: 12, workdays: 1, replaced: false });
    expect(result.record).toMatchObject({ source: 'c2027.csv (国务院办公厅关于2027年部分节假日安排的通知)', via: 'telegram', importedBy: 1 });
    expect(isWorkingDay('2027-02-09')).toBe(false);
    expect(isWorkingDay('2027-02-20')).toBe(true);
    expect(dayInfo('2027-02-09')).toMatchObject({ source: 'imported', covered: true, name: '春节' });

    clock.advanceBy(60_000);
    const again = await importCalendarYear(deps(), {
      file: parseCalendarCsv(schedule2027.replace('2027-02-20,work', '2027-02-21,work')),
      fileName: 'c2027b.csv',
      via: 'cli',
    });
    expect(again).toMatchObject({ replaced: true, record: { via: 'cli', importedBy: null } });
    expect(isWorkingDay('2027-02-20')).toBe(false);
    expect(isWorkingDay('2027-02-21')).toBe(true);
    const status = await calendarYearStatus(deps(), { year: 2027 });
    expect(status).toMatchObject({ source: 'imported', covered: true, imported: { source: 'c2027b.csv (国务院办公厅关于2027年部分节假日安排的通知)' } });
    expect(status.workdays.map((d) => d.date)).toEqual(['2027-02-21']);
  });

  it('refuses a non-admin on the server, changing nothing', async () => {
    const before = await createCalendarRepository(deps()).version();
    await expect(importCalendarYear(deps(), { file: parseCalendarCsv(schedule2027), fileName: 'x.csv', via: 'telegram', actor: staff })).rejects.toMatchObject({
      code: 'calendar.admin_only',
    });
    expect(await createCalendarRepository(deps()).version()).toBe(before);
  });

  it('another instance picks an import up on its next refresh, and only reloads when something changed', async () => {
    expect(await refreshCalendarSchedules(deps())).toBe(false);
    // Another instance imports 2028: it writes the database; this process has not installed it.
    clock.advanceBy(60_000);
    const days2028 = ['2028-01-24', '2028-01-25', '2028-01-26', '2028-01-27', '2028-01-28', '2028-01-31'];
    await createCalendarRepository(deps()).replaceYear({
      schedule: { year: 2028, daysOff: days2028, workdays: [] },
      source: 'x.csv',
      via: 'cli',
      importedBy: null,
    });
    expect(isWorkingDay('2028-01-31')).toBe(true);
    expect(await refreshCalendarSchedules(deps())).toBe(true);
    expect(isWorkingDay('2028-01-31')).toBe(false);
    expect(await refreshCalendarSchedules(deps())).toBe(false);
    expect(await loadCalendarSchedules(deps())).toEqual([2027, 2028]);
  });
});

describe('duban calendar', () => {
  const dirs: string[] = [];
  let database: TestDatabase | null = null;
  const envBefore = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  beforeAll(async () => {
    if (pgAvailable()) {
      database = await createTestDatabase('postgres');
      process.env.DATABASE_URL = database.url!;
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'duban-calendar-cli-'));
      dirs.push(dir);
      process.env.DATA_DIR = dir;
      delete process.env.DATABASE_URL;
    }
  });
  afterEach(() => installCalendarSchedules([]));
  afterAll(async () => {
    await database?.drop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    for (const [k, v] of Object.entries(envBefore)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('shows a year nobody loaded as the statutory fallback, 调休 unknown', async () => {
    const { code, stdout } = await run(['calendar', 'show', '2027']);
    expect(code).toBe(0);
    expect(stdout).toContain('2027: no schedule');
    expect(stdout).toContain('statutory holidays assumed');
    expect(stdout).toContain('  2027-02-05 Fri  春节\tstatutory fallback (调休 unknown)');
    expect(stdout).toContain('make-up working days: unknown');
  }, 60_000);

  it('shows a published year as chinese-days', async () => {
    const { stdout } = await run(['calendar', 'show', '2026']);
    expect(stdout).toContain("2026: chinese-days' published data");
    expect(stdout).toContain('days off (33;');
    expect(stdout).toContain('make-up working days (6):');
    expect(stdout).toContain('  2026-02-14 Sat  春节\tchinese-days');
  }, 60_000);

  it('imports the README example and a 2027 file, then shows where each day came from', async () => {
    const ok = await run(['calendar', 'import', EXAMPLE]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toContain('2026, 33 days off, 6 make-up working days');
    const dir = mkdtempSync(path.join(tmpdir(), 'duban-calendar-file-'));
    dirs.push(dir);
    const file = path.join(dir, 'calendar-2027.csv');
    writeFileSync(file, schedule2027);
    expect((await run(['calendar', 'import', file])).code).toBe(0);
    const { stdout } = await run(['calendar', 'show', '2027']);
    expect(stdout).toMatch(/^2027: imported .* from calendar-2027\.csv \(国务院办公厅关于2027年部分节假日安排的通知\) \(cli\)/);
    expect(stdout).toContain('  2027-02-13 Sat  春节\timported');
    expect(stdout).toContain('make-up working days (1):\n  2027-02-20 Sat  春节调休上班\timported');
  }, 60_000);

  it('refuses a bad file with each problem and its row, exit 1, and changes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'duban-calendar-bad-'));
    dirs.push(dir);
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, schedule2027.replace('2027-02-20,work', '2027-02-09,work'));
    const { code, stderr } = await run(['calendar', 'import', file]);
    expect(code).toBe(1);
    expect(stderr).toContain('row 15: 2027-02-09 is both a day off and a working day (row 10)');
    expect(stderr).toContain('Nothing was changed.');
    const { stdout } = await run(['calendar', 'show', '2027', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ source: 'imported', workdays: [{ date: '2027-02-20' }] });
  }, 60_000);
});
