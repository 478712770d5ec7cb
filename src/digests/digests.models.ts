import { addWorkingDays, workingDaysBetween } from '../calendar/calendar.models.js';
import { addDays, daysBetween, mondayOf, parseYMD, type YMD } from '../calendar/ymd.js';
import { parseHHmm, startOfZonedDay, zonedInstant, zonedParts } from '../calendar/zoned-time.js';
import type { Translate } from '../i18n/translator.js';
import { escapeHtml } from '../shared/html.js';
import { hasActivity, rankUnits, type BulletinFigures, type UnitFigures } from './bulletin.figures.js';

/**
 * Daily digests and the weekly bulletin: the pure part. What a digest covers and how it reads,
 * from rows the repository loaded; no I/O here.
 *
 * Decisions (README "Digests and bulletins"):
 * - A daily digest goes out on working days only (China's calendar, 调休 included); on a day off
 *   nothing is sent, and the next digest covers everything since the last digest that went out
 *   ("new" and "closed" are counted from that digest's run, not from yesterday).
 * - "Due soon" is an open item whose deadline has not passed and falls on or before the
 *   DUE_SOON_WORKING_DAYS-th working day after today (the same count as a 3-day warning). "Overdue" is an open item (no result waiting) whose
 *   deadline has passed; excused ones are left out and only counted in a note.
 * - Colours are the reminders' (reminders.models colourFor), so an item wears the same colour in
 *   its nag and in the digest: 🔵 two or more working days left, 🟡 one or none (the deadline
 *   day), 🔴 overdue. Overdue items late by at least `severeAfterWorkingDays` working days (the
 *   escalation rung that reaches the leaders, config.reminders.escalation.rung3.daysOverdue) are
 *   counted apart as severe. "Days overdue" shown are calendar days, as in /list.
 * - Per-unit lines count the items the unit leads (牵头): the lead unit owns the result.
 * - Length: each item section lists at most LIST_LIMIT items and then says how many more, with
 *   the /list command that shows them all; the per-unit lines are never cut but the digest is
 *   split into several messages under Telegram's 4096 characters, each with its own key.
 */

export const DUE_SOON_WORKING_DAYS = 3;
/** A digest that runs later than this after its time says so. */
export const LATE_NOTE_AFTER_MS = 5 * 60_000;
/** Items listed per section of the leaders digest. */
export const LIST_LIMIT = 10;
/** Items listed in a unit's digest. */
export const UNIT_LIST_LIMIT = 20;
/** Telegram allows 4096 characters; HTML tags count here, not there, so this is on the safe side. */
export const MESSAGE_LIMIT = 4000;
/** Instruction text shown per item line. */
export const SNIPPET_LENGTH = 36;

export type DigestItem = {
  id: number;
  code: string;
  /** The start of the instruction, on one line. */
  text: string;
  status: string;
  deadline: string | null;
  deadlineTime: string | null;
  deadlineAt: Date | null;
  openedAt: Date | null;
  resultSubmittedAt: Date | null;
  closedAt: Date | null;
  /** Closed items: the confirmed result came in by the deadline. */
  closedOnTime: boolean | null;
  /** 容错: overdue, but no longer counted against the units. */
  excused: boolean;
  leadUnitIds: number[];
};

export type DigestCounts = {
  open: number;
  overdue: number;
  /** Overdue by at least severeAfterWorkingDays working days. */
  overdueSevere: number;
  overdueExcused: number;
  dueSoon: number;
  waiting: number;
  opened: number;
  closed: number;
  unacknowledged: number;
};

export const SECTIONS = ['overdue', 'dueSoon', 'waiting', 'opened', 'closed'] as const;
export type Section = (typeof SECTIONS)[number];

export type LeadersDigest = {
  totals: DigestCounts;
  /** Each list holds at most LIST_LIMIT items; the totals say how many there are. */
  sections: Record<Section, DigestItem[]>;
  units: { unitId: number; counts: DigestCounts }[];
};

export type UnitDigestItem = DigestItem & { role: 'lead' | 'cooperating'; acknowledged: boolean };
export type UnitDigest = { unitId: number; counts: DigestCounts & { lead: number; cooperating: number }; items: UnitDigestItem[] };

/** The instants and dates a digest at `at` is about. */
export type DigestWindow = {
  /** The local date of the digest. */
  date: YMD;
  at: Date;
  /** "New" and "closed" count from here (the last digest that went out, or the installation). */
  since: Date;
  /** True for the first digest of an installation: `since` is when the bot was installed. */
  sinceInstall: boolean;
  /** Deadlines on or before this date (and not passed) are "due soon". */
  dueSoonUntil: YMD;
  /** Overdue items with a deadline on or before this date are severe. */
  severeOnOrBefore: YMD;
  /** The same two limits as instants (the start of the next day), for SQL over deadline_at. */
  dueSoonBefore: Date;
  severeBefore: Date;
};

export function emptyCounts(): DigestCounts {
  return { open: 0, overdue: 0, overdueSevere: 0, overdueExcused: 0, dueSoon: 0, waiting: 0, opened: 0, closed: 0, unacknowledged: 0 };
}

/**
 * The window of a digest at `at`. `lastDigestAt` is when the last digest ran; before the first
 * one it counts from the installation (`installedAt`, and says so), or, when that is unknown,
 * from the digest time of the previous working day.
 */
export function digestWindow(input: {
  at: Date;
  timezone: string;
  dailyTime: string;
  lastDigestAt: Date | null;
  installedAt?: Date | null;
  severeAfterWorkingDays: number;
}): DigestWindow {
  const date = zonedParts(input.at, input.timezone).ymd;
  const previousWorkingDay = addWorkingDays(date, -1);
  const installedAt = input.installedAt && input.installedAt.getTime() < input.at.getTime() ? input.installedAt : null;
  const sinceInstall = input.lastDigestAt === null && installedAt !== null;
  const since = input.lastDigestAt ?? installedAt ?? zonedInstant(previousWorkingDay, parseHHmm(input.dailyTime), input.timezone);
  const dueSoonUntil = addWorkingDays(date, DUE_SOON_WORKING_DAYS);
  const severeOnOrBefore = addWorkingDays(date, -input.severeAfterWorkingDays);
  return {
    date,
    at: input.at,
    since,
    sinceInstall,
    dueSoonUntil,
    severeOnOrBefore,
    dueSoonBefore: startOfZonedDay(addDays(dueSoonUntil, 1), input.timezone),
    severeBefore: startOfZonedDay(addDays(severeOnOrBefore, 1), input.timezone),
  };
}

export type Colour = 'blue' | 'yellow' | 'red';
export const COLOUR_MARK: Record<Colour, string> = { blue: '🔵', yellow: '🟡', red: '🔴' };

/** The colour of an open item: red when overdue; blue or yellow when due soon; else none. */
export function itemColour(item: Pick<DigestItem, 'deadline' | 'deadlineAt' | 'status'>, window: DigestWindow): Colour | null {
  if (item.status !== 'open' || item.deadline === null || item.deadlineAt === null) return null;
  if (item.deadlineAt.getTime() < window.at.getTime()) return 'red';
  if (item.deadline > window.dueSoonUntil) return null;
  return workingDaysBetween(window.date, item.deadline) >= 2 ? 'blue' : 'yellow';
}

/** Calendar days an overdue item is late at the window's date (0 when its deadline was earlier today). */
export function calendarDaysOverdue(deadline: string, window: DigestWindow): number {
  return Math.max(0, daysBetween(deadline, window.date));
}

export type RenderContext = {
  t: Translate;
  timezone: string;
  unitNames: ReadonlyMap<number, string>;
  window: DigestWindow;
  /** Set when the digest runs late (after downtime): when it should have gone out. */
  lateFrom?: Date | null;
};

function localDateTime(at: Date, timezone: string): string {
  const p = zonedParts(at, timezone);
  return `${p.ymd.slice(5)} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

function localTime(at: Date, timezone: string): string {
  const p = zonedParts(at, timezone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return escapeHtml(flat.length > SNIPPET_LENGTH ? `${flat.slice(0, SNIPPET_LENGTH - 1)}…` : flat);
}

function unitList(ctx: RenderContext, ids: number[]): string {
  return escapeHtml(ids.map((id) => ctx.unitNames.get(id) ?? `#${id}`).join(ctx.t('list-separator')));
}

function deadlineOf(item: Pick<DigestItem, 'deadline' | 'deadlineTime'>): string {
  if (!item.deadline) return '';
  return item.deadlineTime ? `${item.deadline} ${item.deadlineTime}` : item.deadline;
}

function lateNote(ctx: RenderContext): string[] {
  if (!ctx.lateFrom) return [];
  const minutes = Math.max(1, Math.round((ctx.window.at.getTime() - ctx.lateFrom.getTime()) / 60_000));
  return [ctx.t('digest-late-note', { time: localTime(ctx.lateFrom, ctx.timezone), minutes })];
}

function overdueText(ctx: RenderContext, item: DigestItem): string {
  const days = item.deadline ? calendarDaysOverdue(item.deadline, ctx.window) : 0;
  return days > 0 ? ctx.t('digest-overdue-days', { days }) : ctx.t('digest-overdue-today');
}

function itemLine(ctx: RenderContext, section: Section, item: DigestItem): string {
  const base = { code: escapeHtml(item.code), units: unitList(ctx, item.leadUnitIds), text: snippet(item.text) };
  switch (section) {
    case 'overdue':
      return ctx.t('digest-line-overdue', { ...base, mark: COLOUR_MARK.red, overdue: overdueText(ctx, item) });
    case 'dueSoon': {
      const left = item.deadline ? Math.max(0, workingDaysBetween(ctx.window.date, item.deadline)) : 0;
      return ctx.t('digest-line-due-soon', { ...base, mark: COLOUR_MARK[itemColour(item, ctx.window) ?? 'blue'], deadline: deadlineOf(item), left });
    }
    case 'waiting':
      return ctx.t('digest-line-waiting', { ...base, submitted: item.resultSubmittedAt ? localDateTime(item.resultSubmittedAt, ctx.timezone) : '' });
    case 'opened':
      return ctx.t('digest-line-opened', { ...base, deadline: deadlineOf(item) });
    case 'closed':
      return ctx.t('digest-line-closed', { ...base, verdict: ctx.t(item.closedOnTime ? 'digest-closed-on-time' : 'digest-closed-late') });
  }
}

const SECTION_TOTAL: Record<Section, keyof DigestCounts> = { overdue: 'overdue', dueSoon: 'dueSoon', waiting: 'waiting', opened: 'opened', closed: 'closed' };
const SECTION_MORE: Record<Section, string> = { overdue: '/list overdue', dueSoon: '/list open', waiting: '/list waiting', opened: '/list all', closed: '/list all' };

function sectionTitle(ctx: RenderContext, section: Section, count: number): string {
  switch (section) {
    case 'overdue':
      return ctx.t('digest-section-overdue', { count });
    case 'dueSoon':
      return ctx.t('digest-section-due-soon', { count, days: DUE_SOON_WORKING_DAYS });
    case 'waiting':
      return ctx.t('digest-section-waiting', { count });
    case 'opened':
      return ctx.t('digest-section-opened', { count });
    case 'closed':
      return ctx.t('digest-section-closed', { count });
  }
}

function countParts(ctx: RenderContext, c: DigestCounts): string {
  const parts = [ctx.t('digest-count-open', { count: c.open })];
  if (c.overdue > 0) parts.push(c.overdueSevere > 0 ? ctx.t('digest-count-overdue-severe', { count: c.overdue, severe: c.overdueSevere }) : ctx.t('digest-count-overdue', { count: c.overdue }));
  if (c.dueSoon > 0) parts.push(ctx.t('digest-count-due-soon', { count: c.dueSoon }));
  if (c.waiting > 0) parts.push(ctx.t('digest-count-waiting', { count: c.waiting }));
  if (c.opened > 0) parts.push(ctx.t('digest-count-opened', { count: c.opened }));
  if (c.closed > 0) parts.push(ctx.t('digest-count-closed', { count: c.closed }));
  return parts.join(' · ');
}

/**
 * Packs lines into messages of at most `limit` characters. The first message starts with the
 * first line as is; a continuation starts with `continued(part, parts)`. A single line longer
 * than a message is cut (never happens with our lines, which are short by construction).
 */
export function splitMessages(lines: string[], continued: (part: number, parts: number) => string, limit = MESSAGE_LIMIT): string[] {
  const reserve = continued(99, 99).length + 1;
  const chunks: string[][] = [[]];
  let size = 0;
  for (const raw of lines) {
    const line = raw.length > limit - reserve ? `${raw.slice(0, limit - reserve - 1)}…` : raw;
    const room = chunks.length === 1 ? limit : limit - reserve;
    if (size > 0 && size + 1 + line.length > room) {
      chunks.push([]);
      size = 0;
    }
    const current = chunks[chunks.length - 1]!;
    // A continuation does not start with a blank line.
    if (current.length === 0 && chunks.length > 1 && line === '') continue;
    current.push(line);
    size += (size > 0 ? 1 : 0) + line.length;
  }
  const parts = chunks.length;
  return chunks.map((chunk, i) => (i === 0 ? chunk.join('\n') : [continued(i + 1, parts), ...chunk].join('\n')));
}

/** The leaders digest as message texts (HTML), split under the message limit. */
export function renderLeadersDigest(digest: LeadersDigest, ctx: RenderContext): string[] {
  const { t, window } = ctx;
  const lines: string[] = [t('digest-title', { date: window.date }), ...lateNote(ctx)];
  lines.push(t(window.sinceInstall ? 'digest-period-install' : 'digest-period', { since: localDateTime(window.since, ctx.timezone), until: localDateTime(window.at, ctx.timezone) }));
  const c = digest.totals;
  if (c.open === 0 && c.opened === 0 && c.closed === 0) {
    lines.push('', t('digest-nothing'));
    return splitMessages(lines, (part, parts) => t('digest-continued', { part, parts }));
  }
  lines.push(t('digest-summary', { open: c.open, overdue: c.overdue, dueSoon: c.dueSoon, waiting: c.waiting, opened: c.opened, closed: c.closed, days: DUE_SOON_WORKING_DAYS }));
  if (c.overdueExcused > 0) lines.push(t('digest-excused-note', { count: c.overdueExcused }));
  for (const section of SECTIONS) {
    const total = c[SECTION_TOTAL[section]];
    const items = digest.sections[section];
    if (total === 0) continue;
    lines.push('', sectionTitle(ctx, section, total), ...items.map((item) => itemLine(ctx, section, item)));
    if (total > items.length) lines.push(t('digest-more', { count: total - items.length, command: SECTION_MORE[section] }));
  }
  const units = digest.units
    .filter((u) => u.counts.open + u.counts.opened + u.counts.closed > 0)
    .sort(
      (a, b) =>
        b.counts.overdue - a.counts.overdue ||
        b.counts.dueSoon - a.counts.dueSoon ||
        b.counts.waiting - a.counts.waiting ||
        b.counts.open - a.counts.open ||
        (ctx.unitNames.get(a.unitId) ?? '').localeCompare(ctx.unitNames.get(b.unitId) ?? ''),
    );
  if (units.length > 0) {
    lines.push('', t('digest-units-title', { count: units.length }));
    for (const u of units) lines.push(t('digest-unit-line', { unit: escapeHtml(ctx.unitNames.get(u.unitId) ?? `#${u.unitId}`), counts: countParts(ctx, u.counts) }));
  }
  return splitMessages(lines, (part, parts) => t('digest-continued', { part, parts }));
}

/** Whether a unit's digest has anything to say (units with nothing get no message). */
export function unitDigestHasContent(digest: UnitDigest): boolean {
  return digest.counts.open + digest.counts.opened + digest.counts.closed > 0;
}

/** One unit's digest: its open items, most urgent first (overdue, then by deadline), capped. */
export function renderUnitDigest(digest: UnitDigest, ctx: RenderContext & { unitName: string }): string[] {
  const { t, window } = ctx;
  const c = digest.counts;
  const unit = escapeHtml(ctx.unitName);
  const lines: string[] = [t('unit-digest-title', { unit, date: window.date }), ...lateNote(ctx)];
  if (!unitDigestHasContent(digest)) {
    lines.push(t('unit-digest-nothing'));
    return splitMessages(lines, (part, parts) => t('digest-continued', { part, parts }));
  }
  lines.push(t('unit-digest-summary', { open: c.open, lead: c.lead, cooperating: c.cooperating }));
  const flags: string[] = [];
  if (c.overdue > 0) flags.push(c.overdueSevere > 0 ? t('digest-count-overdue-severe', { count: c.overdue, severe: c.overdueSevere }) : t('digest-count-overdue', { count: c.overdue }));
  if (c.dueSoon > 0) flags.push(t('digest-count-due-soon', { count: c.dueSoon }));
  if (c.unacknowledged > 0) flags.push(t('unit-digest-count-unacknowledged', { count: c.unacknowledged }));
  if (c.waiting > 0) flags.push(t('digest-count-waiting', { count: c.waiting }));
  if (c.opened > 0) flags.push(t('digest-count-opened', { count: c.opened }));
  if (c.closed > 0) flags.push(t('digest-count-closed', { count: c.closed }));
  if (flags.length > 0) lines.push(flags.join(' · '));
  if (digest.items.length > 0) lines.push('');
  for (const item of digest.items) {
    const colour = itemColour(item, window);
    const mark = item.status === 'result_submitted' ? '⏳' : colour ? COLOUR_MARK[colour] : '▫️';
    const state: string[] = [];
    if (colour === 'red') state.push(item.excused ? `${overdueText(ctx, item)}${t('unit-digest-excused')}` : overdueText(ctx, item));
    if (item.status === 'result_submitted') state.push(t('unit-digest-waiting'));
    if (!item.acknowledged && item.status === 'open') state.push(t('unit-digest-unacknowledged'));
    lines.push(
      t('unit-digest-line', {
        mark,
        code: escapeHtml(item.code),
        role: t(item.role === 'lead' ? 'unit-digest-role-lead' : 'unit-digest-role-cooperating'),
        deadline: deadlineOf(item),
        state: state.length > 0 ? ` · ${state.join(' · ')}` : '',
        text: snippet(item.text),
      }),
    );
  }
  if (c.open > digest.items.length) lines.push(t('digest-more', { count: c.open - digest.items.length, command: `/list unit ${unit}` }));
  return splitMessages(lines, (part, parts) => t('digest-continued', { part, parts }));
}

// ---------------------------------------------------------------------------------------------
// The weekly bulletin
// ---------------------------------------------------------------------------------------------

/** ISO 8601 week of a date, e.g. '2026-W10' (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeekKey(date: YMD): string {
  const thursday = addDays(mondayOf(date), 3);
  const year = parseYMD(thursday).year;
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** A stretch of the history a bulletin counts: [from, to), and the local days it spans. */
export type BulletinPeriod = { from: Date; to: Date; firstDay: YMD; lastDay: YMD };

export type BulletinPeriods = {
  today: YMD;
  /** Set for a bulletin asked for (/bulletin): it counts up to this moment. Null when scheduled. */
  asOf: Date | null;
  week: BulletinPeriod;
  /** The year to date of the year the week belongs to (the year holding most of its days). */
  year: BulletinPeriod & { year: number };
  /** In the first weeks of a year (the week ends in January): the last year's final figures. */
  previousYear: (BulletinPeriod & { year: number }) | null;
};

/**
 * The periods of a bulletin made at `at`.
 *
 * Scheduled (the default): the week is the seven days before today (on the scheduled Monday: last
 * Monday to Sunday), ending at the start of today. Asked for (`upToNow`): the current week, Monday
 * to this moment, so that what happened today counts too.
 *
 * The year to date is the year of the week (the year of its middle day, which for a Monday-to-
 * Sunday week is its ISO week-year): the 2026-W53 bulletin sent on 2027-01-04 covers 2026-12-28 to
 * 2027-01-03 and ranks 2026 as a whole, not three days of 2027. It runs from 1 January to the end
 * of the week, or to 31 December when the week runs into the next year. While the week ends in
 * January of the year it ranks, the bulletin also carries the last year's final figures.
 */
export function bulletinPeriods(at: Date, timezone: string, options: { upToNow?: boolean } = {}): BulletinPeriods {
  const today = zonedParts(at, timezone).ymd;
  const upToNow = options.upToNow === true;
  const week: BulletinPeriod = upToNow
    ? { from: startOfZonedDay(mondayOf(today), timezone), to: at, firstDay: mondayOf(today), lastDay: today }
    : { from: startOfZonedDay(addDays(today, -7), timezone), to: startOfZonedDay(today, timezone), firstDay: addDays(today, -7), lastDay: addDays(today, -1) };
  const year = parseYMD(addDays(week.firstDay, 3)).year;
  const wholeYear = (y: number): BulletinPeriod & { year: number } => ({
    year: y,
    from: startOfZonedDay(`${y}-01-01`, timezone),
    to: startOfZonedDay(`${y + 1}-01-01`, timezone),
    firstDay: `${y}-01-01`,
    lastDay: `${y}-12-31`,
  });
  const full = wholeYear(year);
  const ytd = week.to.getTime() < full.to.getTime() ? { ...full, to: week.to, lastDay: week.lastDay } : full;
  const end = parseYMD(week.lastDay);
  const previousYear = end.year === year && end.month === 1 ? wholeYear(year - 1) : null;
  return { today, asOf: upToNow ? at : null, week, year: ytd, previousYear };
}

export type RankedUnit = UnitFigures & { name: string };

/** The ranking of the year's figures; units with nothing at all are left out (and counted). */
export function bulletinRanking(year: BulletinFigures, unitNames: ReadonlyMap<number, string>): { ranked: RankedUnit[]; idle: number } {
  const rows: RankedUnit[] = [];
  for (const [id, name] of unitNames) {
    const f = year.units.get(id);
    if (f && hasActivity(f)) rows.push({ ...f, name });
  }
  return { ranked: rankUnits(rows), idle: unitNames.size - rows.length };
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

function rankingLines(ranked: RankedUnit[], idle: number, t: Translate): string[] {
  const lines = ranked.length === 0 ? [t('bulletin-ranking-empty')] : [];
  ranked.forEach((u, i) =>
    lines.push(
      t('bulletin-line', {
        rank: i + 1,
        unit: escapeHtml(u.name),
        closeRate: percent(u.onTimeCloseRate),
        closedOnTime: u.closedOnTime,
        closeCounted: u.closeCounted,
        ackRate: percent(u.onTimeAckRate),
        ackOnTime: u.ackOnTime,
        ackCounted: u.ackCounted,
        overdue: u.overdue,
        nags: u.nags,
        returned: u.returned,
      }),
    ),
  );
  if (idle > 0) lines.push(t('bulletin-idle', { count: idle }));
  return lines;
}

/** The bulletin's text (HTML), split under the message limit. */
export function renderBulletin(
  input: {
    periods: BulletinPeriods;
    week: BulletinFigures;
    year: BulletinFigures;
    ranked: RankedUnit[];
    idle: number;
    /** The last year's final ranking, when periods.previousYear is set. */
    previousYear?: { ranked: RankedUnit[]; idle: number } | null;
    timezone: string;
  },
  t: Translate,
): string[] {
  const { periods, week } = input;
  const period = { weekFrom: periods.week.firstDay, weekTo: periods.week.lastDay, yearFrom: periods.year.firstDay, yearTo: periods.year.lastDay };
  const lines: string[] = [
    t('bulletin-title', { week: isoWeekKey(periods.week.lastDay) }),
    periods.asOf
      ? t('bulletin-period-now', { ...period, now: `${periods.today} ${localTime(periods.asOf, input.timezone)}` })
      : t('bulletin-period', period),
    t('bulletin-week', {
      opened: week.totals.opened,
      closed: week.totals.closed,
      onTime: week.totals.closedOnTime,
      returned: week.totals.returned,
      nags: week.totals.nags,
      overdue: week.totals.overdue,
    }),
    t('bulletin-excluded', { excused: input.year.totals.excused, cancelled: input.year.totals.cancelled }),
    '',
    t('bulletin-ranking-title'),
  ];
  lines.push(...rankingLines(input.ranked, input.idle, t));
  if (periods.previousYear && input.previousYear) {
    const p = periods.previousYear;
    lines.push('', t('bulletin-previous-year-title', { year: String(p.year), from: p.firstDay, to: p.lastDay }));
    lines.push(...rankingLines(input.previousYear.ranked, input.previousYear.idle, t));
  }
  return splitMessages(lines, (part, parts) => t('digest-continued', { part, parts }));
}
