import { parseHHmm, endOfZonedDay, formatHHmm, isValidTimeZone, zonedInstant } from '../calendar/model/zoned-time.js';
import { nationalCalendar } from '../calendar/model/working-calendar.js';
import type { ItemLevel } from '../items/model/types.js';
import { readDates, type DueDate, type ParserCalendar, type ReportEvery } from './dates.js';
import { readLeaderInCharge, type LeaderMention } from './leaders.js';
import { readRoles } from './roles.js';
import { foldText } from '../shared/text.js';
import { unitMatcherFor, type UnitMatcher, type UnitRecord } from '../org/units-matcher.js';
import { note, type ParserNote } from './warnings.js';

export type { UnitRecord, UnitMatcher, UnitMention } from '../org/units-matcher.js';
export type { ReportEvery, ParserCalendar, HolidayKey } from './dates.js';
export type { LeaderMention } from './leaders.js';
export { leaderNameOf } from './leaders.js';
export { createUnitMatcher } from '../org/units-matcher.js';

/**
 * Reading a leader's instruction (批示): "请市住建局牵头,市自然资源局、市城管执法局配合,于7月30日前
 * 报送办理结果。" -> lead, cooperating units, deadline, milestones, level, report rhythm.
 *
 * Pure: no I/O and no clock; "now" and the zone come in. It never throws on text: what it cannot
 * read becomes a warning. Work is bounded: only the first MAX_TEXT_LENGTH characters are read
 * and every regular expression is linear (no nested quantifiers over the same characters).
 *
 * The grammar lives in roles.ts (who) and dates.ts (when); the decisions taken where a phrase
 * can be read two ways are written at the top of those files.
 */

export type Milestone = { due: string; text: string };

export type ParsedInstruction = {
  /** Lead units: canonical names where the registry knows them, else the words as written. */
  lead: string[];
  /** Cooperating units, same rule; a unit that also leads is listed as lead only. */
  cooperating: string[];
  /** The final due date, 'YYYY-MM-DD' (the last milestone when there are several); "by D" = end of D. */
  deadline: string | null;
  /** 'HH:mm' when a time of day is given (明天下午5点前 -> 17:00), else null (end of day). */
  deadlineTime: string | null;
  level: ItemLevel;
  /** Time nodes, by date; present only when the instruction names two or more due dates. */
  milestones: Milestone[];
  reportEvery: ReportEvery | null;
  /** Present ('all') only when the rhythm is asked of every unit (各单位每周五报送); else the lead units report. */
  reportsFrom?: 'all';
  /** The leader in charge named in the text (请王副市长牵头督办, 李市长阅示), as written; the caller matches it to a person. */
  leaderInCharge: LeaderMention | null;
  /** Unit names (as written) the registry does not know. */
  unresolved: string[];
  /** What could not be read, in plain words. */
  warnings: string[];
};

/** parseInstruction's result plus its warnings as codes and arguments, to say them in the reader's language. */
export type InstructionReading = ParsedInstruction & { notes: ParserNote[] };

export type ParseOptions = {
  now: Date;
  /** IANA zone of the organisation, e.g. 'Asia/Shanghai'. */
  timezone: string;
  /**
   * The unit registry, or a matcher built from it with createUnitMatcher. The matcher built for an
   * array is cached with that array, so treat it as immutable: pass a new array when units change.
   */
  units: readonly UnitRecord[] | UnitMatcher;
  /**
   * The office's working calendar (holidays, make-up days, imported schedules): for 春节前,
   * N个工作日内 and the day-off warning. Default: the national calendar.
   */
  calendar?: ParserCalendar;
  /** End of working hours, 'HH:mm' (今天下班前); default '18:00'. */
  workdayEnd?: string;
};

/** Instructions are a few hundred characters; beyond this we read the start and say so. */
export const MAX_TEXT_LENGTH = 5000;

function matcherFor(units: ParseOptions['units']): UnitMatcher {
  if (!Array.isArray(units)) return units as UnitMatcher;
  return unitMatcherFor(units as readonly UnitRecord[]);
}

/**
 * Reads an instruction. Throws only for a programming error in the options (an invalid `now` or
 * an unknown time zone); any text, however broken, gives a result with warnings.
 */
export function parseInstruction(text: string, options: ParseOptions): ParsedInstruction {
  const { notes: _notes, ...result } = readInstruction(text, options);
  return result;
}

/** parseInstruction, with the warnings also as codes and arguments (the bot translates them). */
export function readInstruction(text: string, options: ParseOptions): InstructionReading {
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) throw new RangeError('parseInstruction: `now` must be a valid Date');
  if (!isValidTimeZone(options.timezone)) throw new RangeError(`parseInstruction: unknown time zone ${JSON.stringify(options.timezone)}`);
  if (options.workdayEnd !== undefined && !/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(options.workdayEnd))
    throw new RangeError(`parseInstruction: workdayEnd must be 'HH:mm', got ${JSON.stringify(options.workdayEnd)}`);
  const matcher = matcherFor(options.units);
  const raw = typeof text === 'string' ? text : '';
  try {
    return read(raw, options, matcher);
  } catch (error) {
    // A bug in a rule must not take the bot down with it: say what happened instead.
    return withNotes(emptyResult(), [note('unreadable', (error as Error).message)]);
  }
}

function emptyResult(): InstructionReading {
  return {
    lead: [],
    cooperating: [],
    deadline: null,
    deadlineTime: null,
    level: 'routine',
    milestones: [],
    reportEvery: null,
    leaderInCharge: null,
    unresolved: [],
    warnings: [],
    notes: [],
  };
}

function withNotes(result: InstructionReading, notes: ParserNote[]): InstructionReading {
  return { ...result, warnings: notes.map((n) => n.text), notes };
}

function read(raw: string, options: ParseOptions, matcher: UnitMatcher): InstructionReading {
  const warnings: ParserNote[] = [];
  if (raw.trim().length === 0) return withNotes(emptyResult(), [note('emptyText')]);
  let text = raw;
  if (text.length > MAX_TEXT_LENGTH) {
    warnings.push(note('truncated', MAX_TEXT_LENGTH));
    // Do not cut a surrogate pair in half.
    const cut = /[\ud800-\udbff]/.test(text[MAX_TEXT_LENGTH - 1] ?? '') ? MAX_TEXT_LENGTH - 1 : MAX_TEXT_LENGTH;
    text = text.slice(0, cut);
  }
  const folded = foldText(text);
  if (folded.trim().length === 0) return withNotes(emptyResult(), [...warnings, note('emptyText')]);

  const calendar = options.calendar ?? nationalCalendar;
  const dates = readDates(folded, {
    now: options.now,
    timezone: options.timezone,
    calendar,
    ...(options.workdayEnd !== undefined ? { workdayEnd: parseHHmm(options.workdayEnd) } : {}),
  });
  const mentions = matcher.findAll(folded);
  const roles = readRoles(folded, mentions, dates.spans, matcher);

  const due = sortDue(dedupeDue(dates.due));
  const last = due[due.length - 1];
  const milestones = due.length >= 2 ? due.map((d) => ({ due: d.ymd, text: milestoneText(folded, d, dates.due) })) : [];
  if (!last) warnings.push(note('noDeadline'));
  const dayOff = last && !calendar.isWorkingDay(last.ymd) ? [note('deadlineOnDayOff', last.ymd, calendar.addWorkingDays(last.ymd, -1))] : [];

  const lead = roles.lead.map((u) => u.name);
  const cooperating = roles.cooperating.map((u) => u.name);
  const unresolved = [...new Set([...roles.lead, ...roles.cooperating].filter((u) => !u.known).map((u) => u.name))];

  return withNotes(
    {
      lead,
      cooperating,
      deadline: last?.ymd ?? null,
      deadlineTime: last && last.minute !== null ? formatHHmm(last.minute) : null,
      level: readLevel(folded),
      milestones,
      reportEvery: dates.reportEvery,
      ...(dates.reportEvery !== null && dates.reportsFrom === 'all' ? { reportsFrom: 'all' as const } : {}),
      leaderInCharge: readLeaderInCharge(folded),
      unresolved,
      warnings: [],
      notes: [],
    },
    [...warnings, ...roles.warnings, ...dates.warnings, ...dayOff],
  );
}

/** The same date written twice (7月30日前, 即下周二前) is one due date; the first wording stays. */
function dedupeDue(due: DueDate[]): DueDate[] {
  const seen = new Set<string>();
  return due.filter((d) => {
    const key = `${d.ymd} ${d.minute ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** By date, then by time; "end of day" after any time on the same day. Stable for ties. */
function sortDue(due: DueDate[]): DueDate[] {
  return [...due].sort((a, b) => (a.ymd < b.ymd ? -1 : a.ymd > b.ymd ? 1 : (a.minute ?? 1440) - (b.minute ?? 1440)));
}

const CLAUSE_END = /[,;:。!?\n]/;
const HAS_CJK = /[\u4e00-\u9fff]/;

/**
 * What is due at a time node. Chinese puts the task after the date (6月30日前完成方案制定),
 * English before it (complete the plan by 30 June): we take the words after the date up to the
 * end of the clause when they are Chinese, else the words before it; failing both, the date as written.
 */
function milestoneText(text: string, d: DueDate, all: DueDate[]): string {
  // `all` is in text order: the neighbours bound the clause this date belongs to.
  const i = all.indexOf(d);
  const nextStart = all[i + 1]?.start ?? text.length;
  let afterEnd = d.end;
  while (afterEnd < nextStart && !CLAUSE_END.test(text[afterEnd]!)) afterEnd++;
  const after = text
    .slice(d.end, afterEnd)
    .replace(/^\s*(?:之前|以前|前|为止|止|之内|以内|内)?\s*/, '')
    .replace(/^(?:要|须|需|必须|务必|应|,)+/, '')
    .trim();
  if (after.length > 0 && HAS_CJK.test(after)) return after;

  const previousEnd = all[i - 1]?.end ?? 0;
  let beforeStart = d.start;
  while (beforeStart > previousEnd && !CLAUSE_END.test(text[beforeStart - 1]!)) beforeStart--;
  const before = text
    .slice(beforeStart, d.start)
    .replace(/^\s*(?:and|then|also|,|;|时间节点\s*:|其中)\s*/i, '')
    .replace(/(?:\s|\b(?:by|before|due|on|no later than|until|deadline)\b|于|在|截至|截止|最迟|务必|要|,)+$/i, '')
    .trim();
  if (before.length > 0) return before;
  return after.length > 0 ? after : d.written.trim();
}

// 重点督查/专项督查 alone often names an activity (开展专项督查), so only the supervision level counts.
const KEY_LEVEL = /重点督办|重点督查事项|列为重点|\bkey\s+(?:supervision|item|matter|task)\b|\b(?:level|priority)\s*:\s*(?:key|high)\b/i;
const SPECIAL_LEVEL = /专项督办|专项督查事项|列为专项|\bspecial\s+(?:supervision|item|matter|task)\b|\blevel\s*:\s*special\b/i;

/** 重点督办 -> key, 专项督办 -> special, otherwise routine (key wins when both are written). */
function readLevel(text: string): ItemLevel {
  if (KEY_LEVEL.test(text)) return 'key';
  if (SPECIAL_LEVEL.test(text)) return 'special';
  return 'routine';
}

/**
 * The instant an instruction falls due. "By day D" means until the end of day D in the
 * organisation's zone (23:59:59.999 local), unless a time of day was written (明天下午5点前 ->
 * 17:00 local). Null when there is no deadline.
 */
export function dueInstant(parsed: Pick<ParsedInstruction, 'deadline' | 'deadlineTime'>, timezone: string): Date | null {
  if (!parsed.deadline) return null;
  if (parsed.deadlineTime) return zonedInstant(parsed.deadline, parseHHmm(parsed.deadlineTime), timezone);
  return endOfZonedDay(parsed.deadline, timezone);
}
