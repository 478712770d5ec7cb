import { lateness, latenessText } from '../calendar/model/lateness.js';
import { addWorkingDays, workingDaysBetween } from '../calendar/model/working-calendar.js';
import { addDays, daysBetween, fromDayNumber, mondayOf, parseYMD, type YMD } from '../calendar/model/ymd.js';
import { parseHHmm, startOfZonedDay, zonedDayNumber, zonedInstant, zonedParts } from '../calendar/model/zoned-time.js';
import type { Translate } from '../i18n/translator.js';
import { encodeButton } from '../notifications/callback-data.js';
import { COLOUR_MARK, type Colour } from '../reminders/model/policy.js';
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
 * - Colours are the reminders' (reminders/model colourFor), so an item wears the same colour in
 *   its nag and in the digest: 🔵 two or more working days left, 🟡 one or none (the deadline
 *   day), 🔴 overdue. Overdue items late by at least `severeAfterWorkingDays` working days (the
 *   escalation rung that reaches the leaders, config.reminders.escalation.rung3.daysOverdue) are
 *   counted apart as severe. Lateness reads as everywhere else (calendar/model/lateness.ts): working
 *   days, with the calendar days in brackets where they differ.
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
/** Items named per unit and kind (unacknowledged, overdue, waiting) in the leaders digest. */
export const UNIT_LINE_LIMIT = 3;
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

/** What happened since the last digest, from the history (item_events in the window). */
export type DigestChanges = {
  /** Counted from the items (opened or closed in the window), as in DigestCounts. */
  opened: number;
  closed: number;
  acknowledged: number;
  submitted: number;
  returned: number;
  extensionsRequested: number;
  extensionsApproved: number;
  extensionsRejected: number;
};

/** An item named on a unit's lines of the leaders digest: its code and since when. */
export type UnitListedItem = {
  id: number;
  code: string;
  role: 'lead' | 'cooperating';
  /** Unacknowledged: when the unit got it; overdue: its deadline; waiting: when the result came. */
  since: Date | null;
  /** Overdue items: the deadline date (lateness counts from it). */
  deadline: string | null;
};

/** One unit in the leaders digest: counts (items it leads; unacknowledged: any role), lists, changes. */
export type LeadersDigestUnit = {
  unitId: number;
  counts: DigestCounts;
  changes: DigestChanges;
  /** Oldest first, at most UNIT_LINE_LIMIT each; the counts say how many there are. */
  unacknowledged: UnitListedItem[];
  overdue: UnitListedItem[];
  waiting: UnitListedItem[];
};

/** An item waiting for a leader's decision: a result to confirm, an extension to decide, or both. */
export type DecisionItem = DigestItem & {
  version: number;
  issuedBy: number;
  leaderInCharge: number | null;
  /** The result waits for confirmation (status result_submitted). */
  result: boolean;
  extension: { unitId: number; until: string; untilTime: string | null; requestedAt: Date | null } | null;
  /** The reading leader issued it or is its leader in charge (a private /digest). */
  mine: boolean;
  /** 调查复核: the result awaits a supervisor's verification; the leader confirms only after it. */
  awaitingVerification?: boolean;
};

export type LeadersDigest = {
  totals: DigestCounts;
  changes: DigestChanges;
  /**
   * Waiting on a leader, at most LIST_LIMIT: the reader's own first (private digest), then the
   * longest waiting. `total` counts them all, `mine` the reader's (0 without a reader).
   */
  decisions: { items: DecisionItem[]; total: number; mine: number };
  /** Each list holds at most LIST_LIMIT items; the totals say how many there are. */
  sections: Record<Section, DigestItem[]>;
  units: LeadersDigestUnit[];
  /** 逐级协调: the requests not yet coordinated, oldest first, at most LIST_LIMIT; `total` counts them all. */
  coordinations?: { items: CoordinationLine[]; total: number };
  /** 时间节点 past their day and not reported, on open items (oldest first); absent: none read. */
  milestonesOverdue?: OverdueMilestoneRow[];
};

/** One overdue milestone (时间节点) of an open item, for the digests. */
export type OverdueMilestoneRow = { itemId: number; code: string; index: number; due: YMD; text: string; leadUnitIds: number[] };

/** The item lists the leaders digest still shows as sections (overdue and waiting are per unit now). */
export const SECTIONS = ['dueSoon', 'opened'] as const;
export type Section = (typeof SECTIONS)[number];

/** `delivered`: 共同牵头, this lead unit's own result is in (or was waived) while another lead unit's is not. */
/** 逐级协调: one request not yet coordinated, on an item still open (or awaiting confirmation). */
export type CoordinationLine = { itemId: number; code: string; id: number; unitId: number; since: Date; level: string; text: string };

export type UnitDigestItem = DigestItem & { role: 'lead' | 'cooperating'; acknowledged: boolean; delivered?: boolean };
export type UnitDigest = {
  unitId: number;
  counts: DigestCounts & { lead: number; cooperating: number };
  items: UnitDigestItem[];
  /** The unit's own open coordination requests, oldest first. */
  coordinations?: CoordinationLine[];
  /** 时间节点 overdue on the open items the unit leads; absent: none read. */
  milestonesOverdue?: OverdueMilestoneRow[];
};

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

export function emptyChanges(): DigestChanges {
  return { opened: 0, closed: 0, acknowledged: 0, submitted: 0, returned: 0, extensionsRequested: 0, extensionsApproved: 0, extensionsRejected: 0 };
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

/** The colour of an open item: red when overdue; blue or yellow when due soon; else none. */
export function itemColour(item: Pick<DigestItem, 'deadline' | 'deadlineAt' | 'status'>, window: DigestWindow): Colour | null {
  if (item.status !== 'open' || item.deadline === null || item.deadlineAt === null) return null;
  if (item.deadlineAt.getTime() < window.at.getTime()) return 'red';
  if (item.deadline > window.dueSoonUntil) return null;
  return workingDaysBetween(window.date, item.deadline) >= 2 ? 'blue' : 'yellow';
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
  const late = item.deadline ? lateness(item.deadline, ctx.window.date) : null;
  return late && late.calendarDays > 0 ? ctx.t('digest-overdue-days', { late: latenessText(ctx.t, late) }) : ctx.t('digest-overdue-today');
}

function itemLine(ctx: RenderContext, section: Section, item: DigestItem): string {
  const base = { code: escapeHtml(item.code), units: unitList(ctx, item.leadUnitIds), text: snippet(item.text) };
  switch (section) {
    case 'dueSoon': {
      const left = item.deadline ? Math.max(0, workingDaysBetween(ctx.window.date, item.deadline)) : 0;
      return ctx.t('digest-line-due-soon', { ...base, mark: COLOUR_MARK[itemColour(item, ctx.window) ?? 'blue'], deadline: deadlineOf(item), left });
    }
    case 'opened':
      return ctx.t('digest-line-opened', { ...base, deadline: deadlineOf(item) });
  }
}

const SECTION_TOTAL: Record<Section, keyof DigestCounts> = { dueSoon: 'dueSoon', opened: 'opened' };
const SECTION_MORE: Record<Section, string> = { dueSoon: '/list open', opened: '/list all' };

function sectionTitle(ctx: RenderContext, section: Section, count: number): string {
  switch (section) {
    case 'dueSoon':
      return ctx.t('digest-section-due-soon', { count, days: DUE_SOON_WORKING_DAYS });
    case 'opened':
      return ctx.t('digest-section-opened', { count });
  }
}

/**
 * How late, counted one way in every line: working days, with the calendar days in brackets
 * where they differ ("晚 5 个工作日（7 天）"); a deadline earlier today reads "today".
 */
/** Units shown in full in the leaders' digest, most urgent first; the others are summed in one line. */
export const UNIT_BLOCK_LIMIT = 30;

export function digestLateText(t: Translate, from: YMD, today: YMD): string {
  const late = lateness(from, today);
  return late.calendarDays === 0 ? t('digest-late-today') : t('digest-late', { late: latenessText(t, late) });
}

/**
 * Working days from instants' local dates to the digest's date (0 on the same day), for many
 * instants at once (a digest names thousands): the local date comes from zoned-time's offset memo
 * and the working days are counted once per local date, instead of formatting every instant.
 */
function workingDaysCounter(window: DigestWindow, timezone: string): (at: Date | null) => number {
  const days = new Map<number, number>();
  return (at) => {
    if (!at) return 0;
    const day = zonedDayNumber(at.getTime(), timezone);
    let n = days.get(day);
    if (n === undefined) {
      n = Math.max(0, workingDaysBetween(fromDayNumber(day), window.date));
      days.set(day, n);
    }
    return n;
  };
}

/** The counts of one unit's line, most urgent first; "open" last, as context. */
function unitCountParts(ctx: RenderContext, c: DigestCounts): string {
  const parts: string[] = [];
  if (c.unacknowledged > 0) parts.push(ctx.t('digest-count-unacknowledged', { count: c.unacknowledged }));
  if (c.overdue > 0)
    parts.push(
      c.overdueSevere > 0
        ? ctx.t('digest-count-overdue-severe', { count: c.overdue, severe: c.overdueSevere })
        : ctx.t('digest-count-overdue', { count: c.overdue }),
    );
  if (c.waiting > 0) parts.push(ctx.t('digest-count-waiting', { count: c.waiting }));
  if (c.dueSoon > 0) parts.push(ctx.t('digest-count-due-soon', { count: c.dueSoon }));
  parts.push(ctx.t('digest-count-open', { count: c.open }));
  return parts.join(' · ');
}

/** "新交办 1 · 签收 2 · …", the kinds that happened; '' when nothing did. */
export function changeParts(t: Translate, c: DigestChanges): string {
  const kinds: [keyof DigestChanges, string][] = [
    ['opened', 'digest-change-opened'],
    ['acknowledged', 'digest-change-acknowledged'],
    ['submitted', 'digest-change-submitted'],
    ['returned', 'digest-change-returned'],
    ['extensionsRequested', 'digest-change-extension-requested'],
    ['extensionsApproved', 'digest-change-extension-approved'],
    ['extensionsRejected', 'digest-change-extension-rejected'],
    ['closed', 'digest-change-closed'],
  ];
  return kinds
    .filter(([k]) => c[k] > 0)
    .map(([k, key]) => t(key, { count: c[k] }))
    .join(' · ');
}

function listed(ctx: RenderContext, items: UnitListedItem[], total: number, describe: (item: UnitListedItem) => string): string {
  const named = items.map((item) => `${escapeHtml(item.code)}${item.role === 'cooperating' ? ctx.t('digest-role-cooperating') : ''} ${describe(item)}`);
  const more = total > items.length ? ctx.t('digest-unit-more', { count: total - items.length }) : '';
  return `${named.join(ctx.t('list-separator'))}${more}`;
}

/** The lines of one unit: its counts, then what is unacknowledged, overdue and waiting, then what changed. */
function unitBlock(ctx: RenderContext, u: LeadersDigestUnit, since: (at: Date | null) => number, late: (deadline: YMD) => string): string[] {
  const { t } = ctx;
  const lines = [t('digest-unit-line', { unit: escapeHtml(ctx.unitNames.get(u.unitId) ?? `#${u.unitId}`), counts: unitCountParts(ctx, u.counts) })];
  if (u.counts.unacknowledged > 0) {
    const text = listed(ctx, u.unacknowledged, u.counts.unacknowledged, (item) => t('digest-unacknowledged-for', { days: since(item.since) }));
    lines.push(t('digest-unit-unacknowledged', { items: text }));
  }
  if (u.counts.overdue > 0) {
    lines.push(t('digest-unit-overdue', { items: listed(ctx, u.overdue, u.counts.overdue, (item) => (item.deadline ? late(item.deadline) : '')) }));
  }
  if (u.counts.waiting > 0) {
    const text = listed(ctx, u.waiting, u.counts.waiting, (item) => t('digest-waiting-for', { days: since(item.since) }));
    lines.push(t('digest-unit-waiting', { items: text }));
  }
  const changes = changeParts(t, u.changes);
  if (changes) lines.push(t('digest-unit-changes', { changes }));
  return lines;
}

/** The order of String.prototype.localeCompare (the default locale), made once: 500 units sort in a fraction of the time. */
const byName = new Intl.Collator();

/**
 * Each unit's place in the order of the names, worked out once per map of names (a digest reads
 * the names once and orders the units twice: to choose whose items to read, and to render).
 */
const nameRanks = new WeakMap<ReadonlyMap<number, string>, Map<number, number>>();
function nameRank(unitNames: ReadonlyMap<number, string>): Map<number, number> {
  let ranks = nameRanks.get(unitNames);
  if (!ranks) {
    const ids = [...unitNames.keys()].sort((a, b) => byName.compare(unitNames.get(a)!, unitNames.get(b)!));
    ranks = new Map(ids.map((id, i) => [id, i]));
    nameRanks.set(unitNames, ranks);
  }
  return ranks;
}

function hasChanges(changes: LeadersDigestUnit['changes']): boolean {
  for (const key in changes) if ((changes as Record<string, number>)[key]! > 0) return true;
  return false;
}

/**
 * The units a leaders digest names, most urgent first (then by name): those with something open,
 * unacknowledged or changed. The first UNIT_BLOCK_LIMIT are shown in full, with their items; the
 * digest's query reads the items of those only (see unitsListed).
 */
export function unitsByUrgency<U extends Pick<LeadersDigestUnit, 'unitId' | 'counts' | 'changes'>>(units: U[], unitNames: ReadonlyMap<number, string>): U[] {
  const ranks = nameRank(unitNames);
  // A unit without a name (not in the map) sorts as the empty name did: first among its equals.
  const rank = (unitId: number) => ranks.get(unitId) ?? -1;
  return units
    .filter((u) => u.counts.open + u.counts.unacknowledged > 0 || hasChanges(u.changes))
    .sort((a, b) => unitUrgency(a, b) || rank(a.unitId) - rank(b.unitId) || a.unitId - b.unitId);
}

/** The units whose items a leaders digest lists (the rest are summed up in one line). */
export function unitsListed(units: Pick<LeadersDigestUnit, 'unitId' | 'counts' | 'changes'>[], unitNames: ReadonlyMap<number, string>): number[] {
  return unitsByUrgency(units, unitNames)
    .slice(0, UNIT_BLOCK_LIMIT)
    .map((u) => u.unitId);
}

/** How urgent a unit is, for the order of the units: severe, overdue, unacknowledged, waiting. */
function unitUrgency(a: Pick<LeadersDigestUnit, 'counts'>, b: Pick<LeadersDigestUnit, 'counts'>): number {
  return (
    b.counts.overdueSevere - a.counts.overdueSevere ||
    b.counts.overdue - a.counts.overdue ||
    b.counts.unacknowledged - a.counts.unacknowledged ||
    b.counts.waiting - a.counts.waiting ||
    b.counts.dueSoon - a.counts.dueSoon ||
    b.counts.open - a.counts.open
  );
}

function decisionLine(ctx: RenderContext, n: number, item: DecisionItem): string {
  const asks: string[] = [];
  if (item.result && item.resultSubmittedAt) {
    const submitted = localDateTime(item.resultSubmittedAt, ctx.timezone);
    asks.push(ctx.t(item.awaitingVerification ? 'digest-decision-verify' : 'digest-decision-result', { submitted }));
  }
  if (item.extension) {
    asks.push(
      ctx.t('digest-decision-extension', {
        unit: escapeHtml(ctx.unitNames.get(item.extension.unitId) ?? `#${item.extension.unitId}`),
        until: item.extension.untilTime ? `${item.extension.until} ${item.extension.untilTime}` : item.extension.until,
      }),
    );
  }
  return ctx.t('digest-decision-line', {
    n,
    code: escapeHtml(item.code),
    units: unitList(ctx, item.leadUnitIds),
    asks: asks.join(' · '),
    text: snippet(item.text),
  });
}

function coordinationLine(ctx: RenderContext, c: CoordinationLine): string {
  return ctx.t('digest-coordination-line', {
    code: escapeHtml(c.code),
    unit: escapeHtml(ctx.unitNames.get(c.unitId) ?? `#${c.unitId}`),
    since: localDateTime(c.since, ctx.timezone),
    level: ctx.t(`coordination-level-${c.level}`),
    text: snippet(c.text),
  });
}

/** The buttons of the decisions listed: one row per decision, the item's number first on each button. */
export function decisionButtons(t: Translate, items: DecisionItem[]): DigestButton[][] {
  const rows: DigestButton[][] = [];
  items.forEach((item, i) => {
    const n = i + 1;
    const view = { text: t('digest-btn-view', { n }), callback_data: encodeButton({ action: 'viw', itemId: item.id }) };
    if (item.result) {
      // Awaiting verification, the leader cannot confirm yet: return and view only.
      rows.push([
        ...(item.awaitingVerification
          ? []
          : [{ text: t('digest-btn-confirm', { n }), callback_data: encodeButton({ action: 'cfm', itemId: item.id, version: item.version }) }]),
        { text: t('digest-btn-return', { n }), callback_data: encodeButton({ action: 'ret', itemId: item.id, version: item.version }) },
        view,
      ]);
    }
    if (item.extension) {
      rows.push([
        { text: t('digest-btn-extension-approve', { n }), callback_data: encodeButton({ action: 'exa', itemId: item.id, version: item.version }) },
        { text: t('digest-btn-extension-reject', { n }), callback_data: encodeButton({ action: 'exr', itemId: item.id, version: item.version }) },
        ...(item.result ? [] : [view]),
      ]);
    }
  });
  return rows;
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

/** One message of a digest: HTML text, and inline buttons on the part that lists the decisions. */
export type DigestButton = { text: string; callback_data: string };
export type DigestMessage = { text: string; reply_markup?: { inline_keyboard: DigestButton[][] } };

/** Who reads a leaders digest: a leaders group (any leader), or one leader privately. */
export type DigestReader = { kind: 'group' } | { kind: 'leader'; personId: number };

/**
 * The leaders digest as messages (HTML), split under the message limit, most urgent first:
 * the counts; what waits on the reader (results to confirm, extensions to decide), numbered,
 * with a row of buttons each; then each unit with something open or changed, the most urgent
 * first: unacknowledged (working days since assigned), overdue (how late), waiting for a leader,
 * and what changed since the last digest; then what falls due soon and what is new.
 * The buttons ride on the first message, which always holds the decisions.
 */
export function renderLeadersDigest(digest: LeadersDigest, ctx: RenderContext & { reader?: DigestReader }): DigestMessage[] {
  const { t, window } = ctx;
  const lines: string[] = [t('digest-title', { date: window.date }), ...lateNote(ctx)];
  lines.push(
    t(window.sinceInstall ? 'digest-period-install' : 'digest-period', {
      since: localDateTime(window.since, ctx.timezone),
      until: localDateTime(window.at, ctx.timezone),
    }),
  );
  const c = digest.totals;
  const split = (all: string[]) => splitMessages(all, (part, parts) => t('digest-continued', { part, parts }));
  const changes = changeParts(t, digest.changes);
  if (c.open === 0 && !changes) {
    lines.push('', t('digest-nothing'));
    return split(lines).map((text) => ({ text }));
  }
  lines.push(
    t('digest-summary', {
      open: c.open,
      unacknowledged: c.unacknowledged,
      overdue: c.overdue,
      decisions: digest.decisions.total,
      dueSoon: c.dueSoon,
      days: DUE_SOON_WORKING_DAYS,
    }),
  );
  if (changes) lines.push(t('digest-changes', { changes }));
  if (c.overdueExcused > 0) lines.push(t('digest-excused-note', { count: c.overdueExcused }));

  const { total, mine } = digest.decisions;
  // A leader reading privately sees their own first; the numbers and the buttons follow this order.
  const personal = ctx.reader?.kind === 'leader';
  const own = personal ? digest.decisions.items.filter((i) => i.mine) : [];
  const items = personal ? [...own, ...digest.decisions.items.filter((i) => !i.mine)] : digest.decisions.items;
  if (total > 0) {
    const line = (item: DecisionItem) => decisionLine(ctx, items.indexOf(item) + 1, item);
    if (personal) {
      if (mine > 0) lines.push('', t('digest-section-decisions-mine', { count: mine }), ...own.map(line));
      if (total > mine) lines.push('', t('digest-section-decisions-others', { count: total - mine }), ...items.slice(own.length).map(line));
    } else {
      lines.push('', t('digest-section-decisions', { count: total }), ...items.map(line));
    }
    if (total > items.length) lines.push(t('digest-more', { count: total - items.length, command: '/list waiting' }));
  }

  // 逐级协调: blockers no one has coordinated yet, the oldest first.
  const coordinations = digest.coordinations;
  if (coordinations && coordinations.total > 0) {
    lines.push('', t('digest-section-coordinations', { count: coordinations.total }), ...coordinations.items.map((c) => coordinationLine(ctx, c)));
    if (coordinations.total > coordinations.items.length)
      lines.push(t('digest-more', { count: coordinations.total - coordinations.items.length, command: '/list open' }));
  }

  const units = unitsByUrgency(digest.units, ctx.unitNames);
  if (units.length > 0) {
    lines.push('', t('digest-units-title', { count: units.length }));
    const since = workingDaysCounter(window, ctx.timezone);
    const lateness = new Map<YMD, string>();
    const late = (deadline: YMD) => lateness.get(deadline) ?? lateness.set(deadline, digestLateText(t, deadline, window.date)).get(deadline)!;
    // The most urgent units in full; the rest (a large organisation) in one line of totals, so
    // the morning digest stays a few messages long whatever the number of units.
    for (const u of units.slice(0, UNIT_BLOCK_LIMIT)) lines.push(...unitBlock(ctx, u, since, late));
    const rest = units.slice(UNIT_BLOCK_LIMIT);
    if (rest.length > 0) {
      const sum = (key: 'open' | 'overdue' | 'unacknowledged' | 'waiting') => rest.reduce((n, u) => n + u.counts[key], 0);
      lines.push(
        t('digest-units-more', {
          count: rest.length,
          open: sum('open'),
          overdue: sum('overdue'),
          unacknowledged: sum('unacknowledged'),
          waiting: sum('waiting'),
        }),
      );
    }
  }

  lines.push(...milestoneLines(ctx, digest.milestonesOverdue ?? [], LIST_LIMIT, true));

  for (const section of SECTIONS) {
    const count = c[SECTION_TOTAL[section]];
    const listedItems = digest.sections[section];
    if (count === 0) continue;
    lines.push('', sectionTitle(ctx, section, count), ...listedItems.map((item) => itemLine(ctx, section, item)));
    if (count > listedItems.length) lines.push(t('digest-more', { count: count - listedItems.length, command: SECTION_MORE[section] }));
  }
  const messages: DigestMessage[] = split(lines).map((text) => ({ text }));
  const buttons = decisionButtons(t, items);
  if (buttons.length > 0) messages[0] = { ...messages[0]!, reply_markup: { inline_keyboard: buttons } };
  return messages;
}

/**
 * 时间节点 overdue: a count and one line per milestone (how late, counted like a deadline; the
 * leaders see the lead units), at most `limit`, then how many more.
 */
function milestoneLines(ctx: RenderContext, rows: OverdueMilestoneRow[], limit: number, withUnits: boolean): string[] {
  if (rows.length === 0) return [];
  const { t } = ctx;
  const lines = ['', t('digest-milestones-overdue', { count: rows.length })];
  for (const m of rows.slice(0, limit)) {
    const units =
      withUnits && m.leadUnitIds.length ? ` · ${escapeHtml(m.leadUnitIds.map((id) => ctx.unitNames.get(id) ?? `#${id}`).join(t('list-separator')))}` : '';
    lines.push(
      t('digest-milestone-line', {
        code: escapeHtml(m.code),
        index: m.index,
        due: m.due,
        milestone: escapeHtml(snippet(m.text)),
        late: latenessText(t, lateness(m.due, ctx.window.date)),
        units,
      }),
    );
  }
  if (rows.length > limit) lines.push(t('digest-more', { count: rows.length - limit, command: '/list overdue' }));
  return lines;
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
  if (c.overdue > 0)
    flags.push(
      c.overdueSevere > 0 ? t('digest-count-overdue-severe', { count: c.overdue, severe: c.overdueSevere }) : t('digest-count-overdue', { count: c.overdue }),
    );
  if (c.dueSoon > 0) flags.push(t('digest-count-due-soon', { count: c.dueSoon }));
  if (c.unacknowledged > 0) flags.push(t('unit-digest-count-unacknowledged', { count: c.unacknowledged }));
  if (c.waiting > 0) flags.push(t('digest-count-waiting', { count: c.waiting }));
  if (c.opened > 0) flags.push(t('digest-count-opened', { count: c.opened }));
  if (c.closed > 0) flags.push(t('digest-count-closed', { count: c.closed }));
  if (flags.length > 0) lines.push(flags.join(' · '));
  if (digest.coordinations?.length) {
    lines.push('', t('unit-digest-coordinations'));
    for (const c of digest.coordinations) {
      lines.push(
        t('unit-digest-coordination-line', {
          code: escapeHtml(c.code),
          id: c.id,
          since: localDateTime(c.since, ctx.timezone),
          level: t(`coordination-level-${c.level}`),
          text: snippet(c.text),
        }),
      );
    }
  }
  if (digest.items.length > 0) lines.push('');
  for (const item of digest.items) {
    const colour = item.delivered ? null : itemColour(item, window);
    const mark = item.status === 'result_submitted' || item.delivered ? '⏳' : colour ? COLOUR_MARK[colour] : '▫️';
    const state: string[] = [];
    if (item.delivered) state.push(t('unit-digest-delivered'));
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
  lines.push(...milestoneLines(ctx, digest.milestonesOverdue ?? [], UNIT_LIST_LIMIT, false));
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
  for (const [i, u] of ranked.entries()) {
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
      }) +
        (u.milestonesOverdue > 0 ? ` · ${t('bulletin-milestones-overdue', { count: u.milestonesOverdue })}` : '') +
        (u.lenient > 0 ? t('bulletin-line-lenient', { count: u.lenient }) : ''),
    );
  }
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
    periods.asOf ? t('bulletin-period-now', { ...period, now: `${periods.today} ${localTime(periods.asOf, input.timezone)}` }) : t('bulletin-period', period),
    t('bulletin-week', {
      opened: week.totals.opened,
      closed: week.totals.closed,
      onTime: week.totals.closedOnTime,
      returned: week.totals.returned,
      nags: week.totals.nags,
      overdue: week.totals.overdue,
    }),
    t('bulletin-excluded', { excused: input.year.totals.excused, cancelled: input.year.totals.cancelled }),
    ...(input.year.totals.lenient + input.year.totals.mitigated > 0
      ? [t('bulletin-lenient', { lenient: input.year.totals.lenient, mitigated: input.year.totals.mitigated })]
      : []),
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

/**
 * 通报's responsible persons: for each overdue item, each lead unit still owing its own result
 * (共同牵头: not the one that delivered), with the unit's head (单位负责人) and its 承办人.
 */
export type OverdueResponsible = {
  code: string;
  deadline: YMD;
  unit: string;
  head: string | null;
  handler: string | null;
  lenience?: 'lenient' | 'mitigated' | null;
};

/** The bulletin's part naming who answers for the overdue items, or null when none is overdue. */
export function renderOverdueResponsibles(rows: OverdueResponsible[], more: number, today: YMD, t: Translate): string | null {
  if (rows.length === 0) return null;
  const lines = [t('bulletin-responsibles-title')];
  for (const r of rows) {
    lines.push(
      t('bulletin-responsible-line', {
        code: escapeHtml(r.code),
        unit: escapeHtml(r.unit),
        head: r.head ? escapeHtml(r.head) : t('bulletin-responsible-no-head'),
        handler: r.handler ? escapeHtml(r.handler) : t('bulletin-responsible-none'),
        late: latenessText(t, lateness(r.deadline, today)),
      }) + (r.lenience ? t('bulletin-lenience-mark', { degree: t(`excuse-degree-${r.lenience}`) }) : ''),
    );
  }
  if (more > 0) lines.push(t('bulletin-responsibles-more', { count: more }));
  return lines.join('\n');
}
