import type { Db } from '../db/client.js';
import type { Actor } from '../org/org.models.js';
import type { Clock } from '../shared/clock.js';
import { appError } from '../shared/errors.js';
import type { CalendarFile } from './calendar-file.js';
import { installCalendarSchedules, installedScheduleVersion, yearArrangement, type YearArrangement } from './calendar.models.js';
import { createCalendarRepository, type CalendarYearRecord } from './calendar.repository.js';

export type CalendarDeps = { db: Db; clock: Clock };

/** Reads every imported schedule from the database and installs it (start-up, after an import). */
export async function loadCalendarSchedules(deps: CalendarDeps): Promise<number[]> {
  const repo = createCalendarRepository(deps);
  const version = await repo.version();
  const schedules = await repo.listSchedules();
  installCalendarSchedules(schedules, version);
  return schedules.map((s) => s.year);
}

/**
 * Installs the imported schedules again only when they changed since this process last loaded
 * them (another instance imported a year): one small query when nothing changed. Called on every
 * scheduler run and on a local timer, so an import reaches all instances within a minute.
 */
export async function refreshCalendarSchedules(deps: CalendarDeps): Promise<boolean> {
  const version = await createCalendarRepository(deps).version();
  if (version === installedScheduleVersion()) return false;
  await loadCalendarSchedules(deps);
  return true;
}

export type CalendarImportResult = {
  year: number;
  daysOff: number;
  workdays: number;
  /** The import replaced an earlier import of the same year. */
  replaced: boolean;
  record: CalendarYearRecord;
};

/**
 * Loads one year's schedule (already parsed and checked by calendar-file.ts), replacing any
 * earlier import of that year, in one transaction; then installs it in this process. Through
 * Telegram only admins may (checked here, whatever the bot showed).
 */
export async function importCalendarYear(
  deps: CalendarDeps,
  input: { file: CalendarFile; fileName: string; via: 'cli' | 'telegram'; actor?: Actor },
): Promise<CalendarImportResult> {
  if (input.via === 'telegram' && !input.actor?.isAdmin) throw appError('calendar.admin_only');
  const { file } = input;
  const source = file.notice ? `${input.fileName} (${file.notice})` : input.fileName;
  const { record, replaced } = await deps.db.transaction(async (tx) => {
    const repo = createCalendarRepository({ db: tx, clock: deps.clock });
    const before = (await repo.listSchedules()).some((s) => s.year === file.year);
    const saved = await repo.replaceYear({
      schedule: file,
      source,
      via: input.via,
      importedBy: input.actor?.personId ?? null,
    });
    return { record: saved, replaced: before };
  });
  await loadCalendarSchedules(deps);
  return { year: file.year, daysOff: file.daysOff.length, workdays: file.workdays.length, replaced, record };
}

export type CalendarYearStatus = YearArrangement & {
  /** The import's record when the year was imported. */
  imported: CalendarYearRecord | null;
};

/**
 * A year as the calendar now sees it, with where it came from (for `calendar show` and
 * `/calendar`). Refreshes the installed schedules first, so the answer is the database's.
 */
export async function calendarYearStatus(deps: CalendarDeps, input: { year: number }): Promise<CalendarYearStatus> {
  if (!Number.isInteger(input.year) || input.year < 1901 || input.year > 2099) throw appError('calendar.bad_year', { year: String(input.year) });
  await refreshCalendarSchedules(deps);
  const stored = (await createCalendarRepository(deps).listSchedules()).find((s) => s.year === input.year);
  return { ...yearArrangement(input.year), imported: stored?.record ?? null };
}
