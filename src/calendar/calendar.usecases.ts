import type { Db } from '../db/client.js';
import type { Actor } from '../org/org.models.js';
import { adminTargets } from '../org/org.usecases.js';
import { createOutboxRepository, type OutboxMessage } from '../outbox/outbox.repository.js';
import type { Clock } from '../shared/clock.js';
import { appError } from '../shared/errors.js';
import type { CalendarFile } from './calendar-file.js';
import { installCalendarSchedules, installedScheduleVersion, isCoveredYear, yearArrangement, type YearArrangement } from './model/working-calendar.js';
import { createCalendarRepository, type CalendarYearRecord } from './calendar.repository.js';
import { parseYMD, type YMD } from './model/ymd.js';
import { zonedParts } from './model/zoned-time.js';
import type { AppDeps } from '../deps.js';

export type CalendarDeps = { db: Db; clock: Clock };

/** The scheduler job that reminds admins of a missing holiday schedule. */
export const CALENDAR_REMINDER_JOB = 'calendar_reminder';

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

/** From this month on (November), admins hear each week that next year's schedule is missing. */
export const NEXT_YEAR_REMINDER_FROM_MONTH = 11;

/**
 * The years an office should load now: next year from 1 November while no schedule backs it,
 * and the current year whenever none does (a new year begun without its schedule).
 */
export function yearsToLoad(input: { today: YMD; covered: (year: number) => boolean }): number[] {
  const { year, month } = parseYMD(input.today);
  const years: number[] = [];
  if (!input.covered(year)) years.push(year);
  if (month >= NEXT_YEAR_REMINDER_FROM_MONTH && !input.covered(year + 1)) years.push(year + 1);
  return years;
}

/**
 * The weekly calendar reminder (the scheduler runs it on the bulletin's cron, slot = the ISO
 * week): while a year to load has no schedule (see yearsToLoad), every admin who started the bot
 * hears it privately, in their language; when none did, the leaders groups (where the admins
 * are) hear it. Planned through the outbox with keys `calendar:<chat>:<year>:<isoWeek>`, so a
 * week is told once however often this runs.
 */
export async function runCalendarReminder(deps: AppDeps, input: { at?: Date; week: string }): Promise<{ years: number[]; planned: number }> {
  await refreshCalendarSchedules(deps);
  const at = input.at ?? deps.clock.now();
  const years = yearsToLoad({ today: zonedParts(at, deps.config.timezone).ymd, covered: isCoveredYear });
  if (years.length === 0) return { years, planned: 0 };
  const targets = await adminTargets(deps);
  const messages: OutboxMessage[] = [];
  for (const target of targets) {
    const t = deps.translator.for(target.locale);
    for (const year of years) {
      const chat = target.threadId ? `${target.chatId}_${target.threadId}` : String(target.chatId);
      messages.push({
        key: `calendar:${chat}:${year}:${input.week}`,
        chatId: target.chatId,
        threadId: target.threadId,
        payload: { text: t('calendar-reminder', { year: String(year) }) },
        purpose: 'calendar_reminder',
      });
    }
  }
  const planned = await deps.db.transaction((tx) => createOutboxRepository({ db: tx, clock: deps.clock }).enqueue(messages));
  if (planned > 0) deps.onPlanned?.();
  deps.logger?.info({ years, week: input.week, chats: targets.length, planned }, 'calendar reminder planned');
  return { years, planned };
}
