import { daysBetween } from '../calendar/model/ymd.js';
import { daysOverdue } from '../items/model/deadlines.js';
import { activeUnits } from '../items/model/queries.js';
import type { ItemLevel, ItemState } from '../items/model/types.js';
import { resolveUnit, type UnitRecord } from '../org/org.models.js';
import { appError } from '../shared/errors.js';
import type { LedgerItemRow } from './ledger.workbook.js';
import { milestoneCounts } from '../items/model/milestones.js';

/** Which items a ledger covers; every field narrows it (they combine). */
export type LedgerFilter = {
  status?: 'overdue' | 'open' | 'closed';
  unitId?: number;
  /** Items assigned (opened) that month, YYYY-MM in the organisation's timezone. */
  month?: string;
  level?: ItemLevel;
};

const STATUS_WORDS: Record<string, LedgerFilter['status']> = {
  overdue: 'overdue',
  逾期: 'overdue',
  open: 'open',
  在办: 'open',
  closed: 'closed',
  办结: 'closed',
  已办结: 'closed',
};
const LEVEL_WORDS: Record<string, ItemLevel> = { key: 'key', 重点: 'key', special: 'special', 专项: 'special', routine: 'routine', 常规: 'routine' };

/**
 * Reads `/ledger` filters: overdue | open | closed, `unit NAME`, `YYYY-MM`, `level key|special|routine`
 * (Chinese words too: 逾期 在办 办结, 单位 名称, 级别 重点). Unknown words are refused, naming them.
 */
export function parseLedgerFilter(tokens: string[], units: UnitRecord[]): LedgerFilter {
  const filter: LedgerFilter = {};
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i]!;
    const lower = word.toLowerCase();
    if (STATUS_WORDS[lower]) {
      filter.status = STATUS_WORDS[lower];
    } else if (/^\d{4}-(0[1-9]|1[0-2])$/.test(word)) {
      filter.month = word;
    } else if (lower === 'level' || word === '级别') {
      const level = LEVEL_WORDS[(tokens[++i] ?? '').toLowerCase()];
      if (!level) throw appError('ledger.bad_level', { value: tokens[i] ?? '' });
      filter.level = level;
    } else if (LEVEL_WORDS[lower]) {
      filter.level = LEVEL_WORDS[lower];
    } else if (lower === 'unit' || word === '单位') {
      const name = tokens[++i];
      if (!name) throw appError('ledger.unit_name_required');
      const unit = resolveUnit(units, name);
      if (!unit) throw appError('units.not_found', { name });
      filter.unitId = unit.id;
    } else {
      const unit = resolveUnit(units, word);
      if (unit) filter.unitId = unit.id;
      else throw appError('ledger.bad_filter', { word });
    }
  }
  return filter;
}

export type LedgerNames = {
  unit: (id: number) => string;
  person: (id: number | null) => string;
  /** The unit's head (单位负责人), if it has one. */
  unitHead?: (id: number) => number | null;
};

/** The colour of a ledger row: red when overdue, else yellow (due within a working day) or blue (warned), else none. */
export type WarningColour = LedgerItemRow['warningColour'];

/**
 * The result column: the item's result; 共同牵头, each lead unit's own (or that it was waived, and why).
 */
function resultText(s: ItemState, names: LedgerNames): string | null {
  const leads = activeUnits(s, 'lead');
  if (leads.length <= 1) return s.result?.text ?? leads[0]?.result?.text ?? null;
  const parts = leads.flatMap((u) =>
    u.result ? [`${names.unit(u.unitId)}：${u.result.text}`] : u.resultWaived ? [`${names.unit(u.unitId)}：（免报：${u.resultWaived.reason}）`] : [],
  );
  return parts.length ? parts.join('；') : null;
}

/** One item as a ledger row. `today` is the organisation's local date. */
export function toLedgerItemRow(input: {
  code: string;
  state: ItemState;
  names: LedgerNames;
  today: string;
  nags: number;
  lastProgress: { at: Date; unitId: number | null; text: string } | null;
  /** The local date the item was closed, for "closed N days early/late". */
  closedLocalDate: string | null;
  dueSoonColour?: WarningColour;
}): LedgerItemRow {
  const s = input.state;
  const lead = s.units.filter((u) => u.role === 'lead' && u.removedAt === null);
  const coop = s.units.filter((u) => u.role === 'cooperating' && u.removedAt === null);
  const overdue = daysOverdue(s, input.today);
  const isOverdue = s.status === 'open' && s.deadline !== null && s.deadline < input.today;
  const closedLocal = s.status === 'closed' ? input.closedLocalDate : null;
  return {
    code: input.code,
    instruction: s.instruction,
    issuedBy: input.names.person(s.issuedBy),
    leaderInCharge: s.leaderInCharge ? input.names.person(s.leaderInCharge) : null,
    leadUnits: lead.map((u) => input.names.unit(u.unitId)),
    cooperatingUnits: coop.map((u) => input.names.unit(u.unitId)),
    level: s.level,
    assignedAt: s.openedAt,
    deadline: s.deadline,
    originalDeadline: s.originalDeadline,
    extensionCount: s.extensionCount,
    status: s.status === 'draft' || s.status === 'discarded' ? 'open' : s.status,
    acknowledgements: activeUnits(s).map((u) => ({ unit: input.names.unit(u.unitId), at: u.acknowledgedAt })),
    handlers: activeUnits(s).map((u) => {
      const head = input.names.unitHead?.(u.unitId) ?? null;
      return {
        unit: input.names.unit(u.unitId),
        handler: u.handlerId !== null ? input.names.person(u.handlerId) : null,
        head: head !== null ? input.names.person(head) : null,
      };
    }),
    lastProgress: input.lastProgress
      ? {
          at: input.lastProgress.at,
          unit: input.lastProgress.unitId !== null ? input.names.unit(input.lastProgress.unitId) : '',
          text: input.lastProgress.text,
        }
      : null,
    result: resultText(s, input.names),
    confirmedAt: s.status === 'closed' ? (s.response?.at ?? s.closedAt) : null,
    daysOverdue: isOverdue ? overdue : null,
    closedDaysEarlyOrLate: closedLocal && s.deadline ? daysBetween(s.deadline, closedLocal) : null,
    nagsReceived: input.nags,
    timesReturned: s.returnCount,
    excused: s.excused ? { reason: s.excused.reason, degree: s.excused.degree } : null,
    warningColour: isOverdue ? 'red' : s.status === 'open' ? (input.dueSoonColour ?? null) : null,
    coordinations: { open: s.coordinations.filter((c) => c.resolved === null).length, resolved: s.coordinations.filter((c) => c.resolved !== null).length },
    milestones: s.milestones.length ? milestoneCounts(s, input.today) : null,
    referral: s.referral
      ? {
          status: s.referral.status,
          at: s.referral.feedback?.at ?? s.referral.receivedAt ?? s.referral.sentAt ?? s.referral.at,
          feedback: s.referral.feedback?.text ?? null,
        }
      : null,
    verification: verificationOf(s, input.names),
  };
}

/** 调查复核 for the 核实 column: the current verification, or the 核实不实 that returned the item. */
function verificationOf(s: ItemState, names: LedgerNames): LedgerItemRow['verification'] {
  const v = s.verification;
  if (v) return { verdict: v.verdict ?? 'pending', by: v.by !== null ? names.person(v.by) : null, at: v.at, note: v.note };
  if (s.status === 'open' && s.lastReturn?.byVerification)
    return { verdict: 'false', by: names.person(s.lastReturn.by), at: s.lastReturn.at, note: s.lastReturn.reason };
  return null;
}
