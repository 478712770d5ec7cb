import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { parseCalendarFile } from '../calendar/calendar-file.js';
import type { CalendarSource, DayInfo } from '../calendar/model/working-calendar.js';
import { calendarYearStatus, importCalendarYear, type CalendarDeps } from '../calendar/calendar.usecases.js';
import { weekday } from '../calendar/model/ymd.js';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { isAppError, type AppError } from '../shared/errors.js';
import { systemClock } from '../shared/clock.js';

async function withDeps<T>(fn: (deps: CalendarDeps) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit();
  const database = await openDatabase(config);
  try {
    await runMigrations(database);
    return await fn({ db: database.db, clock: systemClock });
  } finally {
    await database.close();
  }
}

function reportRefusal(file: string, error: AppError): void {
  const detail =
    error.code === 'calendar.file_type' ? `only ${error.params.expected} files can be imported` : String(error.params.problems ?? error.params.reason ?? '');
  process.stderr.write(`duban: ${file} was not imported (${error.code})${detail ? `:\n${detail}` : ''}\nNothing was changed.\n`);
  process.exitCode = 1;
}

const SOURCE_LABEL: Record<CalendarSource, string> = {
  imported: 'imported',
  'chinese-days': 'chinese-days',
  statutory: 'statutory fallback (调休 unknown)',
};

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function dayLine(d: DayInfo): string {
  const name = d.name.split(',').find((part) => /[\u4e00-\u9fff]/.test(part)) ?? d.name;
  return `  ${d.date} ${WEEKDAYS[weekday(d.date)]}  ${name || '-'}\t${SOURCE_LABEL[d.source]}\n`;
}

export function registerCalendarCommand(program: Command): void {
  const calendar = program.command('calendar').description("the working calendar: a year's holidays and make-up working days");

  calendar
    .command('import')
    .argument('<file>', '.csv (date,type[,name]; type off or work) or .json ({ year, daysOff, workdays })')
    .option('--year <year>', 'the year the file is for (default: the year of its first date)')
    .description("load a year's official schedule; it replaces that year and wins over chinese-days (all or nothing)")
    .action(async (file: string, options: { year?: string }) => {
      const year = options.year === undefined ? undefined : Number(options.year);
      if (year !== undefined && !Number.isInteger(year)) {
        process.stderr.write(`duban: --year must be a year such as 2027\n`);
        process.exitCode = 2;
        return;
      }
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        process.stderr.write(`duban: cannot read ${file}: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const parsed = parseCalendarFile(file, bytes, year === undefined ? {} : { year });
        const result = await withDeps((deps) => importCalendarYear(deps, { file: parsed, fileName: basename(file), via: 'cli' }));
        process.stdout.write(
          `imported ${file}: ${result.year}, ${result.daysOff} days off, ${result.workdays} make-up working days${result.replaced ? ' (replaced the earlier import)' : ''}\n`,
        );
      } catch (error) {
        if (!isAppError(error)) throw error;
        reportRefusal(file, error);
      }
    });

  calendar
    .command('show')
    .argument('<year>', 'e.g. 2027')
    .option('--json', 'print JSON')
    .description("print a year's days off and make-up working days, and where each came from")
    .action(async (yearText: string, options: { json?: boolean }) => {
      const year = Number(yearText);
      if (!Number.isInteger(year) || year < 1901 || year > 2099) {
        process.stderr.write(`duban: "${yearText}" is not a year (1901-2099)\n`);
        process.exitCode = 2;
        return;
      }
      const status = await withDeps((deps) => calendarYearStatus(deps, { year }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      const origin =
        status.source === 'imported' && status.imported
          ? `imported ${status.imported.importedAt.toISOString()} from ${status.imported.source} (${status.imported.via})`
          : status.source === 'chinese-days'
            ? "chinese-days' published data (no import)"
            : 'no schedule: nobody imported it and chinese-days has none; statutory holidays assumed, weekends as usual, 调休 unknown';
      process.stdout.write(`${year}: ${origin}\n`);
      process.stdout.write(`days off (${status.daysOff.length}; ordinary weekends not listed):\n`);
      for (const d of status.daysOff) process.stdout.write(dayLine(d));
      if (status.covered) {
        process.stdout.write(`make-up working days (${status.workdays.length}):\n`);
        for (const d of status.workdays) process.stdout.write(dayLine(d));
      } else {
        process.stdout.write(`make-up working days: unknown (load the official schedule: npx duban calendar import FILE)\n`);
      }
    });
}
