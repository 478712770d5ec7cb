/**
 * The life of one supervised item (督办事项), as a pure state machine.
 *
 * `createDraft` starts an item; `decide(state, command, ctx)` either accepts a command and returns
 * the next state plus the events that describe what happened, or throws an `AppError` whose code
 * is listed in `ITEM_ERRORS`. Nothing here reads the clock, the database or Telegram: the caller
 * passes the actor (who they are, decided from our own tables, never from what a button claimed),
 * the instant `at`, and the local calendar date `today` (and optionally the local time of day) in
 * the organisation's timezone.
 *
 * The events are the append-only history from which the ledger and the bulletins are written, so
 * each one says who (actorId), when (at), for which unit (unitId) and what changed (data, with
 * before/after where something was replaced). Event data is plain JSON: instants inside it are ISO
 * strings, dates are `YYYY-MM-DD`, times `HH:mm`.
 *
 * Lifecycle:
 *
 *   draft ──confirm_draft──> open ──submit_result──> result_submitted ──confirm_result──> closed
 *     │                       ^                            │
 *     │                       └────────return_result───────┘
 *     └──discard_draft──> discarded
 *   open | result_submitted ──cancel──> cancelled
 *
 * closed, cancelled and discarded are final. While open: acknowledge, report_progress,
 * submit_contribution, waive_contributions, waive_lead, request_extension, transfer. While open or
 * awaiting confirmation: approve/reject_extension, excuse, cancel, set_handler.
 *
 * Joint leads (共同牵头): every lead unit acknowledges and submits its own result. The item stays
 * open until each lead unit has submitted (or a leader waived it, with a reason); the submission
 * that completes the set moves it to result_submitted, and only then may a leader confirm. A
 * return sends the item back to every lead unit that had submitted: the leader judges the results
 * together, so each lead unit answers the reason (a waived lead unit stays waived).
 *
 * 调查复核: on a level whose policy asks for it (ctx.verifyPolicy), a complete result waits for a
 * supervisor's (or admin's) verify_result before a leader may confirm it. 核实属实 records the
 * verdict (with evidence files; a level may require at least one); 核实不实 returns the item to
 * the lead units exactly as a leader's return would. field_check records a supervisor's field
 * visit on an open or submitted item. Nobody verifies or checks an item their own unit works on.
 *
 * 承办人: each unit names the person it answers through on the item. Acknowledging names the person
 * who acknowledged (unless one is named already); set_handler changes it (a member of the unit, or
 * an admin, naming a member of that unit).
 */
import { AppError } from '../../shared/errors.js';

// ---------------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------------

/**
 * Every refusal `decide` and `createDraft` can throw, with the names of its params. The bot keeps
 * one translated message per code. Unit names in params come from `ctx.unitNames` (falling back
 * to `#<id>`); lists of units are joined with `、` and come with `unitIds` (comma-separated) so a
 * translation may render them itself.
 */
export const ITEM_ERRORS = {
  /** The actor's role does not allow this action on this item (not a leader of it, not an admin...). */
  'items.forbidden': ['action'],
  /** The actor acts for a unit they are not a member of (or for none of the item's units). */
  'items.not_a_member': ['unit', 'unitIds'],
  /** The actor belongs to several units of this item that could do this: they must say which. */
  'items.unit_ambiguous': ['units', 'unitIds', 'action'],
  /** The named unit is not (or no longer, after a transfer) a unit of this item. */
  'items.unit_not_in_item': ['unit'],
  /** Only a lead unit may do this (submit the result, ask for an extension, be transferred). */
  'items.not_lead_unit': ['unit', 'action'],
  /** Only a cooperating unit submits a contribution. */
  'items.not_cooperating_unit': ['unit', 'action'],
  /** The item's status does not allow this action (e.g. confirming a result that was not submitted). */
  'items.wrong_status': ['status', 'action'],
  /** The item is closed: nothing more can happen to it. */
  'items.already_closed': [],
  /** The item was cancelled: nothing more can happen to it. */
  'items.already_cancelled': [],
  /** The draft was discarded: nothing more can happen to it. */
  'items.already_discarded': [],
  /** This unit has already acknowledged the item. */
  'items.already_acknowledged': ['unit'],
  /** The item has already been excused. */
  'items.already_excused': [],
  /** This action needs a reason (return, extension request, transfer, cancel, excuse). */
  'items.reason_required': ['action'],
  /** A progress report, contribution or result needs a text or at least one file. */
  'items.content_required': ['action'],
  /** /assign needs the instruction's text. */
  'items.instruction_required': [],
  /** A date is not a real calendar date in the form YYYY-MM-DD. */
  'items.invalid_date': ['value'],
  /** A time is not a time in the form HH:mm. */
  'items.invalid_time': ['value'],
  /** A unit was named both lead and cooperating. */
  'items.unit_both_roles': ['unit'],
  /** The draft cannot be confirmed without at least one lead unit. */
  'items.lead_unit_required': [],
  /** The draft cannot be confirmed without a deadline (or a time was given without a date). */
  'items.deadline_required': [],
  /** The deadline (or the requested/granted new deadline) has already passed. */
  'items.deadline_in_past': ['deadline'],
  /** A milestone falls after the item's deadline. */
  'items.milestone_after_deadline': ['due', 'deadline'],
  /** A milestone has already passed when the draft is confirmed. */
  'items.milestone_in_past': ['due'],
  /** The draft update changes nothing. */
  'items.nothing_to_change': [],
  /** A new deadline must be later than the current one. */
  'items.deadline_not_later': ['until', 'deadline'],
  /** An extension request is already waiting for a decision. */
  'items.extension_pending': ['until', 'unit'],
  /** There is no extension request to approve or reject. */
  'items.no_pending_extension': [],
  /** The result cannot be submitted before these cooperating units have contributed (or a leader waived them). */
  'items.contributions_missing': ['units', 'unitIds', 'count'],
  /** Nothing to waive: every cooperating unit has contributed or was already waived. */
  'items.no_missing_contributions': [],
  /** Only an item whose deadline has passed can be excused. */
  'items.not_overdue': ['deadline'],
  /** The unit to transfer to is already a lead unit of this item. */
  'items.unit_already_in_item': ['unit'],
  /** A leader waived this lead unit's result: it has nothing to submit. */
  'items.lead_waived': ['unit'],
  /** Waive a lead unit: it has already submitted its result or was waived. */
  'items.lead_not_pending': ['unit'],
  /** Waive a lead unit: the item would be left with no lead unit that delivers a result. */
  'items.waive_last_lead': ['unit'],
  /** Waive a lead unit: the item has one lead unit only, or none is named (which one, then). */
  'items.lead_unit_unnamed': ['units', 'unitIds'],
  /** The person named as 承办人 is not a member of the unit. */
  'items.handler_not_member': ['unit'],
  /** That person is already the unit's 承办人 on this item. */
  'items.handler_unchanged': ['unit'],
  /** 逐级协调: there is no open coordination request on this item to resolve or pass on. */
  'items.no_open_coordination': [],
  /** 逐级协调: the request named is not open (already coordinated, or no such number). */
  'items.coordination_not_open': ['id'],
  /** 逐级协调: several requests are open: say which (their numbers in `ids`). */
  'items.coordination_unnamed': ['ids'],
  /** 逐级协调: the request is already before the city government (市政府), the last step of the route. */
  'items.coordination_at_top': ['id'],
  /** 时间节点: the item has no milestones to report. */
  'items.no_milestones': [],
  /** 时间节点: every milestone of the item has been reported already. */
  'items.milestones_all_reported': ['count'],
  /** 时间节点: no milestone has this number (1-based); `count` milestones exist. */
  'items.milestone_not_found': ['index', 'count'],
  /** 时间节点: this milestone was reported already (by `unit`, on `date`). */
  'items.milestone_already_reported': ['index', 'unit', 'date'],
  /** 移交: the item has not been referred to the discipline body (rung 4 not reached). */
  'items.no_referral': [],
  /** 移交: the referral is still waiting for a discipline group to be bound; nobody has it yet. */
  'items.referral_not_sent': [],
  /** 移交: the referral was already acknowledged (已接收) by the discipline body. */
  'items.referral_already_received': [],
  /** 移交: the discipline body's feedback was already recorded. */
  'items.referral_already_answered': [],
  /** 移交: only the bound discipline group (or an admin) takes a referral and answers it. */
  'items.referral_forbidden': ['action'],
  /** 移交: the feedback (问责 outcome) needs a text. */
  'items.feedback_required': [],
  /** 调查复核: the result awaits the supervisors' verification; a leader confirms only after 核实属实. */
  'items.verification_pending': [],
  /** Nothing to verify: the item's level needs no verification, or the result was verified already. */
  'items.verification_not_pending': [],
  /** A supervisor in one of the item's units may not verify or check it (nobody verifies their own unit's work). */
  'items.own_unit_item': ['unit', 'action'],
  /** 核实属实 on a level that requires evidence: the result and the verification carry no file or photo. */
  'items.evidence_required': [],
} as const satisfies Record<`items.${string}`, readonly string[]>;

export type ItemErrorCode = keyof typeof ITEM_ERRORS;
export const ITEM_ERROR_CODES = Object.keys(ITEM_ERRORS) as ItemErrorCode[];

type ErrorParams<C extends ItemErrorCode> = { [K in (typeof ITEM_ERRORS)[C][number]]: string | number };

function refuse<C extends ItemErrorCode>(code: C, params: ErrorParams<C>): AppError {
  return new AppError(code, params);
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export const ITEM_STATUSES = ['draft', 'open', 'result_submitted', 'closed', 'cancelled', 'discarded'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const ITEM_LEVELS = ['key', 'special', 'routine'] as const;
export type ItemLevel = (typeof ITEM_LEVELS)[number];
export { REPORT_PERIODS, type ReportEvery, type ReportsFrom } from '../report-rhythm.js';
import type { ReportEvery, ReportsFrom } from '../report-rhythm.js';
export type UnitRole = 'lead' | 'cooperating';

/** Who is acting, read from our own tables (roles, unit_members). */
export type Actor = {
  personId: number;
  isAdmin: boolean;
  isLeader: boolean;
  /** 督查员 (supervision office staff); false when absent. */
  isSupervisor?: boolean;
  unitIds: readonly number[];
  /**
   * The person acts in the bound discipline group (纪委监委): set by the caller from the chat
   * binding of the chat the command came from, never from the message. False when absent.
   */
  inDisciplineChat?: boolean;
};

/** An attachment as Telegram gave it to us. */
export type FileRef = { fileId: string; fileUniqueId?: string; name?: string; mimeType?: string };
/**
 * 时间节点: a date by which part of the work is due. `done` is set when a lead unit reports it
 * (absent in drafts and in snapshots saved before milestones had a state: not reported).
 */
export type Milestone = { due: string; text: string; done?: MilestoneDone | null };
/** A reported milestone: when, by whom, for which unit, with what. */
export type MilestoneDone = { at: Date; by: number; unitId: number; text: string; files: FileRef[]; /** The organisation's local date it was reported (absent in older snapshots). */ day?: string };

/** A text with attachments handed in by a person: a contribution or a result. */
export type Submission = { text: string; files: FileRef[]; by: number; at: Date };
export type ItemResult = Submission & { unitId: number };
/** A leader's or admin's decision with its reason. */
export type Ruling = { by: number; at: Date; reason: string };
/**
 * 容错's degree: 免责 (exempt) takes the item out of every lateness figure; 从轻 (lenient) and
 * 减轻 (mitigated) keep it counted, marked, and stop its escalation (the office has ruled on the
 * accountability), while the unit is still reminded of the work it owes.
 */
export const EXCUSE_DEGREES = ['exempt', 'lenient', 'mitigated'] as const;
export type ExcuseDegree = (typeof EXCUSE_DEGREES)[number];
export type Excuse = Ruling & { degree: ExcuseDegree };
/**
 * 移交: the item handed to the discipline body when a unit reached rung 4 of the escalation
 * ladder (屡督不办). One per item: later rung-4 escalations (another unit) do not add another.
 * `waiting_chat`: no discipline group was bound; the record is sent when one is (/bind discipline).
 */
export type ReferralStatus = 'waiting_chat' | 'sent' | 'received' | 'answered';
export type Referral = {
  at: Date;
  rung: number;
  cause: 'overdue' | 'ack' | 'report' | 'returns';
  /** The unit whose escalation reached the rung. */
  unitId: number;
  /** Why, in words (the escalation's text, in the organisation's language). */
  reason: string;
  status: ReferralStatus;
  sentAt: Date | null;
  receivedBy: number | null;
  receivedAt: Date | null;
  /** The discipline body's answer: the 问责 outcome, in free text. */
  feedback: { text: string; by: number; at: Date } | null;
};

/**
 * 调查复核 of a complete result (the item's level asks for it): pending while `verdict` is null,
 * then 核实属实 with the supervisor's note and evidence files. 核实不实 returns the item (the
 * return's reason is the note), so a 'false' verdict is never kept here; the next complete
 * submission starts a new pending verification.
 */
export type Verification = {
  /** The level's rule when the result came in: 核实属实 needs at least one file (the results' or the supervisor's). */
  evidenceRequired: boolean;
  verdict: 'true' | null;
  by: number | null;
  at: Date | null;
  note: string | null;
  /** Evidence the supervisor added (photos, documents). */
  files: FileRef[];
};
export type PendingExtension = {
  unitId: number;
  requestedBy: number;
  requestedAt: Date;
  until: string;
  untilTime: string | null;
  reason: string;
};

/**
 * One unit's part in the item. A transfer does not delete the old lead unit's entry (its
 * acknowledgement stays in the state and the history); it sets `removedAt` and adds a new entry,
 * so a unit id can appear more than once, but at most once with `removedAt === null`.
 */
/**
 * 逐级协调: the steps of the document's route a coordination request climbs, after the unit's own
 * department (本部门): the leaders group's office (领导小组办公室: in the bot the leaders group and
 * the supervision office), the leader in charge (分管市长), the city government (市政府).
 */
export const COORDINATION_LEVELS = ['office', 'leader_in_charge', 'government'] as const;
export type CoordinationLevel = (typeof COORDINATION_LEVELS)[number];

/**
 * A blocker a lead unit cannot clear itself, raised to the leaders (逐级协调). `id` numbers the
 * item's requests from 1. `forwards` is its way up the route (转交), oldest first.
 */
export type Coordination = {
  id: number;
  unitId: number;
  raisedBy: number;
  raisedAt: Date;
  text: string;
  level: CoordinationLevel;
  forwards: { by: number; at: Date; from: CoordinationLevel; to: CoordinationLevel; note: string | null }[];
  resolved: { by: number; at: Date; note: string | null } | null;
};

export type ItemUnitState = {
  unitId: number;
  role: UnitRole;
  /** When the unit got the item: on confirm, or on transfer for the new unit. Null in a draft. */
  assignedAt: Date | null;
  /** Set when the unit was transferred away (or, for a cooperating unit, promoted to lead). */
  removedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: number | null;
  lastProgressAt: Date | null;
  /** Cooperating units only: their current contribution (a resubmission replaces it). */
  contribution: Submission | null;
  /** Cooperating units only: a leader let the lead unit go on without this contribution. */
  contributionWaived: { by: number; at: Date; reason: string | null } | null;
  /** Lead units only: this lead unit's current result (共同牵头: each submits its own); null again after a return. */
  result: Submission | null;
  /** Lead units only: a leader let the item go on without this lead unit's result. */
  resultWaived: Ruling | null;
  /** 承办人: the person the unit answers through on this item (named on acknowledgement, changed by set_handler). */
  handlerId: number | null;
};

export type ItemState = {
  status: ItemStatus;
  /** The leader's instruction text. */
  instruction: string;
  /** Who ran /assign (an admin may draft on a leader's behalf). */
  draftedBy: number;
  /** The leader whose instruction this is. */
  issuedBy: number;
  /** Optional leader in charge (分管领导): may confirm, return and decide like the issuer. */
  leaderInCharge: number | null;
  level: ItemLevel;
  /** YYYY-MM-DD; null only in a draft. */
  deadline: string | null;
  /** HH:mm, or null for "by the end of the day". */
  deadlineTime: string | null;
  /** The deadline before the first approved extension, or null if never extended. */
  originalDeadline: string | null;
  originalDeadlineTime: string | null;
  milestones: Milestone[];
  /** 限时报告: the fixed days progress reports are due (src/items/report-rhythm.ts), or none. */
  reportEvery: ReportEvery | null;
  /** Who owes them: the lead units (also when absent, as in items saved before), or every unit. */
  reportsFrom?: ReportsFrom;
  units: ItemUnitState[];
  /** The current result; null before submission and again after a return (history keeps it). */
  result: ItemResult | null;
  /** The leader's response (回音) that closed the item. */
  response: { text: string | null; by: number; at: Date } | null;
  /** `byVerification`: the return was a supervisor's 核实不实 (its reason is the supervisor's note). */
  lastReturn: (Ruling & { byVerification?: boolean }) | null;
  /** 调查复核 of the current result; null when none is needed or after a return (the codec fills it in for items saved before). */
  verification: Verification | null;
  pendingExtension: PendingExtension | null;
  extensionCount: number;
  returnCount: number;
  /** 容错 with its degree: exempt (免责) no longer counts against its units; lenient/mitigated (从轻/减轻) still count, marked. */
  excused: Excuse | null;
  cancellation: Ruling | null;
  /** 移交 to the discipline body (rung 4); null until then (the codec fills it in for items saved before). */
  referral: Referral | null;
  openedAt: Date | null;
  closedAt: Date | null;
  /** 逐级协调: the coordination requests raised on the item, open and resolved (none in snapshots saved before). */
  coordinations: Coordination[];
  /** Starts at 1 and grows by one with every accepted command (optimistic concurrency). */
  version: number;
};

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/** The fields a draft can set and change. */
export type DraftFields = {
  instruction: string;
  leadUnitIds: number[];
  cooperatingUnitIds: number[];
  deadline: string | null;
  deadlineTime: string | null;
  milestones: Milestone[];
  level: ItemLevel;
  reportEvery: ReportEvery | null;
  leaderInCharge: number | null;
};

export type DraftInput = Partial<Omit<DraftFields, 'instruction'>> & {
  instruction: string;
  /** 'all' when the instruction asks every unit (not only the lead units) to report. */
  reportsFrom?: ReportsFrom;
  /** The leader the instruction comes from; defaults to the actor. Only an admin may name someone else. */
  issuedBy?: number;
};

/**
 * Changes to a draft. Setting only one of the unit lists moves units out of the other list
 * (naming a cooperating unit as lead makes it lead); setting both with an overlap is refused.
 * Setting `deadline` without `deadlineTime` clears the time.
 */
export type DraftPatch = Partial<DraftFields>;

export type ItemCommand =
  | { type: 'update_draft'; patch: DraftPatch }
  | { type: 'confirm_draft' }
  | { type: 'discard_draft' }
  | { type: 'acknowledge'; unitId?: number }
  | { type: 'report_progress'; unitId?: number; text: string; files?: FileRef[] }
  | { type: 'submit_contribution'; unitId?: number; text: string; files?: FileRef[] }
  | { type: 'submit_result'; unitId?: number; text: string; files?: FileRef[] }
  | { type: 'confirm_result'; response?: string }
  | { type: 'return_result'; reason: string }
  | { type: 'request_extension'; unitId?: number; until: string; untilTime?: string | null; reason: string }
  /** A leader may grant another date than requested by giving `until`. */
  | { type: 'approve_extension'; until?: string; untilTime?: string | null; comment?: string }
  | { type: 'reject_extension'; reason?: string }
  | { type: 'transfer'; fromUnitId: number; toUnitId: number; reason: string }
  | { type: 'cancel'; reason: string }
  /** 容错; without a degree, 免责. A second ruling may change the degree (not repeat it). */
  | { type: 'excuse'; reason: string; degree?: ExcuseDegree }
  | { type: 'waive_contributions'; reason?: string }
  /** A leader lets the item go on without one lead unit's result (共同牵头). */
  | { type: 'waive_lead'; unitId?: number; reason: string }
  /**
   * Names the unit's 承办人. `personUnitIds` are the named person's units, read by the caller
   * from our own tables (never from the message), so the model can check membership.
   */
  | { type: 'set_handler'; unitId?: number; personId: number; personUnitIds: readonly number[] }
  /** 点名通报: a leader, supervisor or admin names this item publicly, with the reason. */
  | { type: 'notify'; reason: string }
  /** 逐级协调: a lead unit raises a blocker it cannot clear itself. */
  | { type: 'request_coordination'; unitId?: number; text: string }
  /** 已协调: without `coordinationId`, the only open request. */
  | { type: 'resolve_coordination'; coordinationId?: number; note?: string }
  /** 转交: the request goes one step up the route (see nextCoordinationLevel). */
  | { type: 'forward_coordination'; coordinationId?: number; note?: string }
  /** 时间节点: a lead unit reports milestone number `index` (1-based, in date order) done. */
  | { type: 'report_milestone'; unitId?: number; index: number; text?: string; files?: FileRef[] }
  /** 已接收: the discipline body took the referral. */
  | { type: 'receive_referral' }
  /** 反馈: the discipline body's answer (the 问责 outcome) in free text. */
  | { type: 'referral_feedback'; text: string }
  /** 调查复核 by a supervisor (or admin): 'true' 核实属实 records it; 'false' 核实不实 returns the item with the note as reason. */
  | { type: 'verify_result'; verdict: 'true' | 'false'; note: string; files?: FileRef[] }
  /** 督查调研 / 明察暗访: a supervisor's field check of an open item (a note, photos), recorded in the history. */
  | { type: 'field_check'; note: string; files?: FileRef[] };

export type ItemCommandType = ItemCommand['type'];

export const ITEM_COMMAND_TYPES = [
  'update_draft',
  'confirm_draft',
  'discard_draft',
  'acknowledge',
  'report_progress',
  'submit_contribution',
  'submit_result',
  'confirm_result',
  'return_result',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'transfer',
  'cancel',
  'excuse',
  'waive_contributions',
  'waive_lead',
  'set_handler',
  'notify',
  'request_coordination',
  'resolve_coordination',
  'forward_coordination',
  'report_milestone',
  'receive_referral',
  'referral_feedback',
  'verify_result',
  'field_check',
] as const satisfies readonly ItemCommandType[];

/** Commands a person performs for one of their units (the rest are leader/admin decisions). */
export const UNIT_COMMAND_TYPES = [
  'acknowledge',
  'report_progress',
  'submit_contribution',
  'submit_result',
  'request_extension',
  'request_coordination',
  'report_milestone',
] as const satisfies readonly ItemCommandType[];

/** Where and when a command is judged. `today` and `timeOfDay` are local to the organisation. */
export type ItemContext = {
  actor: Actor;
  at: Date;
  /** YYYY-MM-DD in the organisation's timezone at `at`. */
  today: string;
  /** HH:mm at `at` in the same timezone; without it a deadline with a time counts until the day ends. */
  timeOfDay?: string;
  /** Unit names for refusal params; ids are shown as `#<id>` when missing. */
  unitNames?: ReadonlyMap<number, string>;
  /**
   * The item's level policy for 调查复核 (config.reminders.levels[level].verify / .evidence): read
   * when a result becomes complete. Absent: no verification.
   */
  verifyPolicy?: { verify: boolean; evidence: boolean };
};

type JudgeContext = Omit<ItemContext, 'at'>;

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

export type DeadlineJson = { date: string; time: string | null };
export type SubmissionJson = { text: string; files: FileRef[]; by: number; at: string };
export type ExtensionJson = { unitId: number; requestedBy: number; requestedAt: string; until: string; untilTime: string | null; reason: string };
type Change<T> = { before: T; after: T };
type UnitAction = (typeof UNIT_COMMAND_TYPES)[number];

/** The `data` of each event type. */
export type ItemEventData = {
  draft_created: DraftFields & { issuedBy: number; draftedBy: number };
  /** Only the fields that changed. */
  draft_updated: { before: Partial<DraftFields>; after: Partial<DraftFields> };
  draft_discarded: { status: Change<ItemStatus> };
  item_opened: DraftFields & { issuedBy: number; draftedBy: number; status: Change<ItemStatus> };
  /**
   * `via` says which action acknowledged: an explicit 签收 or the unit's first piece of work.
   * `handlerId` is the unit's 承办人 after it (the acknowledging person unless one was named before).
   */
  unit_acknowledged: { role: UnitRole; via: UnitAction; handlerId?: number | null };
  progress_reported: { role: UnitRole; text: string; files: FileRef[] };
  /** `before` is the contribution this one replaces, if any. */
  contribution_submitted: { text: string; files: FileRef[]; before: SubmissionJson | null };
  contributions_waived: { reason: string | null; unitIds: number[] };
  /**
   * One lead unit's result. With joint leads the status changes only with the last one
   * (`status.after` stays open while `pendingLeadUnitIds` still owe theirs); `before` is the
   * result of this lead unit it replaces, if any. `waivedUnitIds` are the waived cooperating units.
   */
  result_submitted: {
    text: string;
    files: FileRef[];
    status: Change<ItemStatus>;
    waivedUnitIds: number[];
    pendingLeadUnitIds?: number[];
    waivedLeadUnitIds?: number[];
    before?: SubmissionJson | null;
  };
  /** `results` holds every lead unit's result (one entry for a single lead unit). */
  result_confirmed: {
    response: string | null;
    result: SubmissionJson & { unitId: number };
    results?: (SubmissionJson & { unitId: number })[];
    status: Change<ItemStatus>;
    droppedExtension: ExtensionJson | null;
  };
  /** `results`: the lead units' results sent back (each of these lead units must submit again). */
  result_returned: {
    reason: string;
    result: SubmissionJson & { unitId: number };
    results?: (SubmissionJson & { unitId: number })[];
    status: Change<ItemStatus>;
    returnCount: Change<number>;
    /** A supervisor's 核实不实 returned it (the reason is the verification's note). */
    byVerification?: boolean;
  };
  /** A leader waived one lead unit's result (unitId of the event); the status changes when the others had all delivered. */
  lead_waived: { reason: string; status: Change<ItemStatus>; pendingLeadUnitIds: number[] };
  /** The unit's 承办人 changed (unitId of the event). */
  handler_set: { handlerId: Change<number | null> };
  extension_requested: { deadline: DeadlineJson; requested: DeadlineJson; reason: string };
  extension_approved: {
    requestedBy: number;
    requestReason: string;
    requested: DeadlineJson;
    deadline: Change<DeadlineJson>;
    originalDeadline: DeadlineJson;
    extensionCount: Change<number>;
    comment: string | null;
  };
  extension_rejected: { requestedBy: number; requestReason: string; requested: DeadlineJson; reason: string | null };
  /** unitId of the event is the unit transferred away from. */
  unit_transferred: { fromUnitId: number; toUnitId: number; reason: string; toUnitWasCooperating: boolean };
  item_cancelled: { reason: string; status: Change<ItemStatus>; droppedExtension: ExtensionJson | null };
  /** `degree` absent in events written before degrees: 免责. `before` is the degree this ruling replaces. */
  item_excused: { reason: string; deadline: DeadlineJson; daysOverdue: number; degree?: ExcuseDegree; before?: ExcuseDegree | null };
  /**
   * The sweep took a unit up the escalation ladder (屡督不办): appended by the system (actor 0)
   * without a state change. `cause` says what was not done: the result by the deadline, or the
   * acknowledgement. `to` names the rung's recipients, `chats` the chats written to.
   */
  /** 点名通报 of this item (`reason` is the leader's or supervisor's); sent to the bulletin's audience. */
  item_notified: { reason: string; deadline: DeadlineJson; daysOverdue: number };
  escalated: { rung: number; cause: 'overdue' | 'ack' | 'report' | 'returns'; nagCount: number; daysOverdue: number; to: string[]; chats: number[]; text: string };
  /** 逐级协调: a lead unit (unitId of the event) raised request `coordinationId`, first put before `level`. */
  coordination_requested: { coordinationId: number; text: string; level: CoordinationLevel };
  /** 已协调: request `coordinationId` of the unit (unitId of the event) was resolved at `level`. */
  coordination_resolved: { coordinationId: number; text: string; level: CoordinationLevel; note: string | null; raisedAt: string };
  /** 转交: request `coordinationId` went one step up the route. */
  coordination_forwarded: { coordinationId: number; text: string; level: Change<CoordinationLevel>; note: string | null };
  /**
   * 时间节点: a lead unit (unitId of the event) reported milestone `index` (1-based) done, with
   * `text` and `files`; `due` and `milestone` repeat the milestone; `late` is whether it came
   * after its due date. `remaining`: milestones still unreported after this one.
   */
  milestone_reported: { index: number; due: string; milestone: string; text: string | null; files: FileRef[]; late: boolean; remaining: number };
  /**
   * 移交: rung 4 handed the item to the discipline body (system, actor 0; unitId = the unit that
   * reached it). `chatId` null: no discipline group bound, the referral waits for one.
   */
  item_referred: { rung: number; cause: 'overdue' | 'ack' | 'report' | 'returns'; reason: string; nagCount: number; daysOverdue: number; chatId: number | null; status: ReferralStatus };
  /** A waiting referral went out when a discipline group was bound (system, actor 0). */
  referral_sent: { chatId: number; status: Change<ReferralStatus> };
  /** 已接收 by the discipline body. */
  referral_received: { status: Change<ReferralStatus> };
  /** 反馈: the discipline body's answer (问责 outcome). */
  referral_answered: { text: string; status: Change<ReferralStatus> };
  /**
   * 调查复核: a supervisor's verdict on the complete result (unitId of the event: the result's
   * lead unit). `evidenceCount` counts the results' files and the supervisor's. A 'false' verdict
   * is followed by a result_returned event (byVerification) in the same command.
   */
  result_verified: { verdict: 'true' | 'false'; note: string; files: FileRef[]; evidenceCount: number; unitIds: number[] };
  /** 督查调研 / 明察暗访: a supervisor's field check (note and photos) of an open or submitted item. */
  field_checked: { text: string; files: FileRef[]; status: ItemStatus };
};

export type ItemEventType = keyof ItemEventData;

/** What an event's label (`event-<type>` in the Fluent files) reads from its data: 容错's degree. */
export function eventLabelArgs(data: unknown): { degree: string } {
  const degree = typeof data === 'object' && data !== null ? (data as { degree?: unknown }).degree : undefined;
  return { degree: typeof degree === 'string' ? degree : 'exempt' };
}

export type ItemEvent = {
  [K in ItemEventType]: { type: K; at: Date; actorId: number; unitId: number | null; data: ItemEventData[K] };
}[ItemEventType];

export type ItemDecision = { state: ItemState; events: ItemEvent[] };

/** A button to show: an action this person may take now, and for which of their units. */
export type ItemAction = { action: ItemCommandType; unitId: number | null };

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

/**
 * Starts an item as a draft (/assign). Only leaders and admins assign; an admin may draft on a
 * leader's behalf (`issuedBy`). A draft may be incomplete: lead units and deadline are required
 * only on confirm. Throws an `AppError` with an `items.*` code.
 */
export function createDraft(input: DraftInput, ctx: ItemContext): ItemDecision {
  const { actor } = ctx;
  if (!actor.isLeader && !actor.isAdmin) throw refuse('items.forbidden', { action: 'assign' });
  const issuedBy = input.issuedBy ?? actor.personId;
  if (issuedBy !== actor.personId && !actor.isAdmin) throw refuse('items.forbidden', { action: 'assign' });

  const fields = normalizeDraft(
    {
      instruction: input.instruction,
      leadUnitIds: input.leadUnitIds ?? [],
      cooperatingUnitIds: input.cooperatingUnitIds ?? [],
      deadline: input.deadline ?? null,
      deadlineTime: input.deadlineTime ?? null,
      milestones: input.milestones ?? [],
      level: input.level ?? 'routine',
      reportEvery: input.reportEvery ?? null,
      leaderInCharge: input.leaderInCharge ?? null,
    },
    ctx,
  );
  const state: ItemState = {
    status: 'draft',
    instruction: fields.instruction,
    draftedBy: actor.personId,
    issuedBy,
    leaderInCharge: fields.leaderInCharge,
    level: fields.level,
    deadline: fields.deadline,
    deadlineTime: fields.deadlineTime,
    originalDeadline: null,
    originalDeadlineTime: null,
    milestones: fields.milestones,
    reportEvery: fields.reportEvery,
    ...(input.reportsFrom === 'all' ? { reportsFrom: 'all' as const } : {}),
    units: draftUnits(fields),
    result: null,
    response: null,
    lastReturn: null,
    pendingExtension: null,
    extensionCount: 0,
    returnCount: 0,
    excused: null,
    cancellation: null,
    openedAt: null,
    closedAt: null,
    coordinations: [],
    verification: null,
    referral: null,
    version: 1,
  };
  return {
    state,
    events: [event('draft_created', ctx, null, { ...fields, issuedBy, draftedBy: actor.personId })],
  };
}

/**
 * Judges one command against the item: returns the next state (version + 1) and the events to
 * append, or throws an `AppError` with an `items.*` code (see `ITEM_ERRORS`). The input state is
 * never modified.
 *
 * Checks run in this order, so a person learns the most useful thing first: the item is finished
 * (closed/cancelled/discarded) → the actor may not do this (role, unit membership) → the status
 * does not allow it → its preconditions (already acknowledged, contributions missing...) → the
 * command's own content (reason, text, dates).
 */
export function decide(state: ItemState, command: ItemCommand, ctx: ItemContext): ItemDecision {
  const unit = judge(state, command.type, ctx, 'unitId' in command ? command.unitId : undefined);
  const { state: next, events } = apply(state, command, unit, ctx);
  return { state: { ...next, version: state.version + 1 }, events };
}

/** What rung 4 of the ladder says about an item when it refers it (the sweep's escalation). */
export type ReferralInput = {
  rung: number;
  cause: Referral['cause'];
  unitId: number;
  reason: string;
  nagCount: number;
  daysOverdue: number;
  /** The bound discipline group, or null: then the referral waits for one. */
  chatId: number | null;
};

/**
 * 移交: rung 4 reached hands the item to the discipline body, once per item (the system acts,
 * actor 0). An item already referred (another unit reached rung 4 before) is left as it is:
 * no state change, no event.
 */
export function referItem(state: ItemState, input: ReferralInput, at: Date): ItemDecision {
  if (state.referral !== null) return { state, events: [] };
  const status: ReferralStatus = input.chatId === null ? 'waiting_chat' : 'sent';
  const referral: Referral = {
    at,
    rung: input.rung,
    cause: input.cause,
    unitId: input.unitId,
    reason: input.reason,
    status,
    sentAt: input.chatId === null ? null : at,
    receivedBy: null,
    receivedAt: null,
    feedback: null,
  };
  const data = { rung: input.rung, cause: input.cause, reason: input.reason, nagCount: input.nagCount, daysOverdue: input.daysOverdue, chatId: input.chatId, status };
  return {
    state: { ...state, referral, version: state.version + 1 },
    events: [{ type: 'item_referred', at, actorId: 0, unitId: input.unitId, data }],
  };
}

/** A waiting referral goes out to the discipline group bound now (system, actor 0); anything else is left alone. */
export function sendWaitingReferral(state: ItemState, chatId: number, at: Date): ItemDecision {
  const referral = state.referral;
  if (referral === null || referral.status !== 'waiting_chat') return { state, events: [] };
  const next: Referral = { ...referral, status: 'sent', sentAt: at };
  return {
    state: { ...state, referral: next, version: state.version + 1 },
    events: [{ type: 'referral_sent', at, actorId: 0, unitId: null, data: { chatId, status: change(referral.status, next.status) } }],
  };
}

/**
 * The actions this person could take on the item now, one per unit for unit actions (a person in
 * two units of the item sees two 签收 buttons). Content checks (reason, text, dates) are left to
 * `decide`; everything else is the same judgement.
 */
export function allowedActions(state: ItemState, actor: Actor, today: string, timeOfDay?: string): ItemAction[] {
  const ctx: JudgeContext = timeOfDay === undefined ? { actor, today } : { actor, today, timeOfDay };
  const unitCommands: readonly ItemCommandType[] = UNIT_COMMAND_TYPES;
  const actions: ItemAction[] = [];
  for (const action of ITEM_COMMAND_TYPES) {
    if (action === 'waive_lead' || action === 'set_handler') {
      // Decisions about one unit: one entry per unit they would apply to.
      for (const unit of activeUnits(state, action === 'waive_lead' ? 'lead' : undefined)) {
        if (passes(() => judge(state, action, ctx, unit.unitId))) actions.push({ action, unitId: unit.unitId });
      }
    } else if (unitCommands.includes(action)) {
      for (const unit of activeUnits(state)) {
        if (actor.unitIds.includes(unit.unitId) && passes(() => judge(state, action, ctx, unit.unitId))) {
          actions.push({ action, unitId: unit.unitId });
        }
      }
    } else if (passes(() => judge(state, action, ctx, undefined))) {
      actions.push({ action, unitId: null });
    }
  }
  return actions;
}

/**
 * Throws the refusal when this person may not take this action now (everything but the
 * command's content, like `allowedActions`): for asking a question only when its answer will be
 * accepted.
 */
export function requireAllowed(state: ItemState, action: ItemCommandType, ctx: Omit<ItemContext, 'at'>, unitId?: number): void {
  judge(state, action, ctx, unitId);
}

/** The units currently on the item (not transferred away), optionally of one role. */
export function activeUnits(state: ItemState, role?: UnitRole): ItemUnitState[] {
  return state.units.filter((u) => u.removedAt === null && (role === undefined || u.role === role));
}

/** Units of an open item that have not acknowledged it yet (targets of the acknowledgement nag). */
export function unitsAwaitingAck(state: ItemState): ItemUnitState[] {
  if (state.status !== 'open') return [];
  return activeUnits(state).filter((u) => u.acknowledgedAt === null);
}

/**
 * Lead units whose result the item still waits for (共同牵头: each lead unit submits its own):
 * neither submitted nor waived by a leader.
 */
export function pendingLeads(state: ItemState): ItemUnitState[] {
  return activeUnits(state, 'lead').filter((u) => u.result === null && u.resultWaived === null);
}

/** The lead units' current results, oldest first. */
export function leadResults(state: ItemState): (Submission & { unitId: number })[] {
  return activeUnits(state, 'lead')
    .filter((u) => u.result !== null)
    .map((u) => ({ ...u.result!, unitId: u.unitId }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** 逐级协调: the requests not yet coordinated, oldest first. */
export function openCoordinations(state: ItemState): Coordination[] {
  return state.coordinations.filter((c) => c.resolved === null);
}

/**
 * Where a new coordination request goes first: the leader in charge when the item has one (the
 * issue: "to the leader in charge, or the leaders group"), else the leaders group's office.
 */
export function firstCoordinationLevel(state: Pick<ItemState, 'leaderInCharge'>): CoordinationLevel {
  return state.leaderInCharge !== null ? 'leader_in_charge' : 'office';
}

/**
 * 转交: one step up the document's route (本部门 → 领导小组办公室 → 分管市长 → 市政府). From the
 * office to the leader in charge (or, when the item names none, to the city government); from
 * the leader in charge to the city government; the city government is the last step (null).
 */
export function nextCoordinationLevel(state: Pick<ItemState, 'leaderInCharge'>, level: CoordinationLevel): CoordinationLevel | null {
  if (level === 'office') return state.leaderInCharge !== null ? 'leader_in_charge' : 'government';
  if (level === 'leader_in_charge') return 'government';
  return null;
}

/** Whether the complete result awaits a supervisor's 调查复核 (the leader cannot confirm yet). */
export function verificationPending(state: ItemState): boolean {
  return state.status === 'result_submitted' && state.verification !== null && state.verification.verdict === null;
}

/** Evidence on the result for 调查复核: files of the lead units' results plus the supervisor's. */
export function evidenceOf(state: ItemState): number {
  return leadResults(state).reduce((n, r) => n + r.files.length, 0) + (state.verification?.files.length ?? 0);
}

/** Cooperating units whose contribution the lead unit still waits for (neither submitted nor waived). */
export function missingContributions(state: ItemState): ItemUnitState[] {
  return activeUnits(state, 'cooperating').filter((u) => u.contribution === null && u.contributionWaived === null);
}

/**
 * Whether the item's deadline has passed at `today` (and `timeOfDay`, for a deadline with a
 * time), whatever its status. A deadline without a time lasts the whole day.
 */
export function deadlinePassed(state: ItemState, today: string, timeOfDay?: string): boolean {
  if (state.deadline === null) return false;
  return isAfter({ date: today, time: timeOfDay ?? null }, { date: state.deadline, time: state.deadlineTime }, timeOfDay !== undefined);
}

/**
 * Whether the units are late now: the item is open and its deadline has passed. An item whose
 * result awaits the leader's confirmation is not overdue (the units have done their part).
 */
export function isOverdue(state: ItemState, today: string, timeOfDay?: string): boolean {
  return state.status === 'open' && deadlinePassed(state, today, timeOfDay);
}

/**
 * Calendar days between the deadline and `today` for an overdue item, else 0. An item due today
 * at a time that has passed is overdue by 0 days.
 */
export function daysOverdue(state: ItemState, today: string, timeOfDay?: string): number {
  if (!isOverdue(state, today, timeOfDay) || state.deadline === null) return 0;
  return calendarDaysBetween(state.deadline, today);
}

// ---------------------------------------------------------------------------------------------
// Judgement: who may do what, when (everything that does not depend on the command's content)
// ---------------------------------------------------------------------------------------------

const FINISHED: Partial<Record<ItemStatus, 'items.already_closed' | 'items.already_cancelled' | 'items.already_discarded'>> = {
  closed: 'items.already_closed',
  cancelled: 'items.already_cancelled',
  discarded: 'items.already_discarded',
};

/** Returns the unit the actor acts for (unit commands) or null; throws the refusal otherwise. */
function judge(state: ItemState, action: ItemCommandType, ctx: JudgeContext, unitId: number | undefined): ItemUnitState | null {
  // 移交 outlives the item: the discipline body answers for lateness even after the item closed.
  if (action === 'receive_referral' || action === 'referral_feedback') {
    judgeReferral(state, action, ctx);
    return null;
  }
  const finished = FINISHED[state.status];
  if (finished) throw refuse(finished, {});

  switch (action) {
    case 'update_draft':
    case 'discard_draft':
      requireDraftManager(state, ctx.actor, action);
      requireStatus(state, action, 'draft');
      return null;
    case 'confirm_draft':
      requireDraftManager(state, ctx.actor, action);
      requireStatus(state, action, 'draft');
      requireReadyToOpen(state, ctx);
      return null;
    case 'acknowledge': {
      const unit = resolveUnit(state, ctx, unitId, null, action);
      requireStatus(state, action, 'open');
      if (unit.acknowledgedAt !== null) throw refuse('items.already_acknowledged', { unit: unitName(ctx, unit.unitId) });
      return unit;
    }
    case 'report_progress': {
      const unit = resolveUnit(state, ctx, unitId, null, action);
      requireStatus(state, action, 'open');
      return unit;
    }
    case 'submit_contribution': {
      const unit = resolveUnit(state, ctx, unitId, 'cooperating', action);
      requireStatus(state, action, 'open');
      return unit;
    }
    case 'submit_result': {
      const unit = resolveUnit(state, ctx, unitId, 'lead', action);
      // A waived lead unit learns that first: whatever the status, it has nothing to submit.
      if (unit.resultWaived !== null && state.status !== 'draft') throw refuse('items.lead_waived', { unit: unitName(ctx, unit.unitId) });
      requireStatus(state, action, 'open');
      const missing = missingContributions(state).map((u) => u.unitId);
      if (missing.length > 0) {
        throw refuse('items.contributions_missing', { units: unitNames(ctx, missing), unitIds: missing.join(','), count: missing.length });
      }
      return unit;
    }
    case 'request_extension': {
      const unit = resolveUnit(state, ctx, unitId, 'lead', action);
      requireStatus(state, action, 'open');
      const pending = state.pendingExtension;
      if (pending) throw refuse('items.extension_pending', { until: pending.until, unit: unitName(ctx, pending.unitId) });
      return unit;
    }
    case 'confirm_result':
    case 'return_result':
      requireItemLeader(state, ctx.actor, action);
      requireStatus(state, action, 'result_submitted');
      // 调查复核: the leader decides on a verified result (a return needs no verification first).
      if (action === 'confirm_result' && verificationPending(state)) throw refuse('items.verification_pending', {});
      return null;
    case 'verify_result':
      requireSupervisor(state, ctx, action);
      requireStatus(state, action, 'result_submitted');
      if (!verificationPending(state)) throw refuse('items.verification_not_pending', {});
      return null;
    case 'field_check':
      requireSupervisor(state, ctx, action);
      requireStatus(state, action, 'open', 'result_submitted');
      return null;
    case 'approve_extension':
    case 'reject_extension':
      requireItemLeader(state, ctx.actor, action);
      requireStatus(state, action, 'open', 'result_submitted');
      if (!state.pendingExtension) throw refuse('items.no_pending_extension', {});
      return null;
    case 'transfer':
      requireItemLeader(state, ctx.actor, action);
      requireStatus(state, action, 'open');
      return null;
    case 'cancel':
      requireItemLeader(state, ctx.actor, action);
      requireStatus(state, action, 'open', 'result_submitted');
      return null;
    case 'waive_contributions':
      requireItemLeader(state, ctx.actor, action);
      requireStatus(state, action, 'open');
      if (missingContributions(state).length === 0) throw refuse('items.no_missing_contributions', {});
      return null;
    case 'waive_lead': {
      requireItemLeader(state, ctx.actor, action);
      requireStatus(state, action, 'open');
      const unit = waivableLead(state, ctx, unitId);
      if (unit.result !== null || unit.resultWaived !== null) throw refuse('items.lead_not_pending', { unit: unitName(ctx, unit.unitId) });
      const others = activeUnits(state, 'lead').filter((u) => u !== unit && u.resultWaived === null);
      if (others.length === 0) throw refuse('items.waive_last_lead', { unit: unitName(ctx, unit.unitId) });
      return unit;
    }
    case 'set_handler': {
      const unit = handlerUnit(state, ctx, unitId);
      requireStatus(state, action, 'open', 'result_submitted');
      return unit;
    }
    case 'notify':
      if (!ctx.actor.isLeader && !ctx.actor.isAdmin && !ctx.actor.isSupervisor) throw refuse('items.forbidden', { action });
      requireStatus(state, action, 'open', 'result_submitted');
      return null;
    case 'request_coordination': {
      // The document's blocked unit is the lead unit: a cooperating unit raises its blocker with the lead unit.
      const unit = resolveUnit(state, ctx, unitId, 'lead', action);
      requireStatus(state, action, 'open', 'result_submitted');
      return unit;
    }
    case 'resolve_coordination':
    case 'forward_coordination': {
      requireItemLeader(state, ctx.actor, action);
      requireStatus(state, action, 'open', 'result_submitted');
      const open = openCoordinations(state);
      if (open.length === 0) throw refuse('items.no_open_coordination', {});
      if (action === 'forward_coordination') {
        const movable = open.filter((c) => nextCoordinationLevel(state, c.level) !== null);
        if (movable.length === 0) throw refuse('items.coordination_at_top', { id: open.map((c) => c.id).join(',') });
      }
      return null;
    }
    case 'report_milestone': {
      const unit = milestoneUnit(state, ctx, unitId);
      requireStatus(state, action, 'open');
      if (state.milestones.length === 0) throw refuse('items.no_milestones', {});
      if (state.milestones.every((m) => m.done)) throw refuse('items.milestones_all_reported', { count: state.milestones.length });
      return unit;
    }
    case 'excuse':
      if (!ctx.actor.isAdmin) throw refuse('items.forbidden', { action });
      requireStatus(state, action, 'open', 'result_submitted');
      // 免责 is final; 从轻/减轻 may be ruled again with another degree (decide refuses the same one).
      if (state.excused?.degree === 'exempt') throw refuse('items.already_excused', {});
      if (!deadlinePassed(state, ctx.today, ctx.timeOfDay)) throw refuse('items.not_overdue', { deadline: formatDeadline(state) });
      return null;
  }
}

/**
 * 移交 commands: there is no discipline role; whoever acts in the bound discipline group speaks
 * for the discipline body (the binding is checked on the server, `inDisciplineChat`), and admins
 * anywhere (the supervision office records an answer given on paper).
 */
function judgeReferral(state: ItemState, action: 'receive_referral' | 'referral_feedback', ctx: JudgeContext): void {
  if (!ctx.actor.isAdmin && !ctx.actor.inDisciplineChat) throw refuse('items.referral_forbidden', { action });
  const referral = state.referral;
  if (referral === null) throw refuse('items.no_referral', {});
  if (referral.status === 'waiting_chat') throw refuse('items.referral_not_sent', {});
  if (referral.status === 'answered') throw refuse('items.referral_already_answered', {});
  if (action === 'receive_referral' && referral.status === 'received') throw refuse('items.referral_already_received', {});
}

/** The lead unit a waiver names; without a name, the one lead unit still owing its result, if only one does. */
function waivableLead(state: ItemState, ctx: JudgeContext, unitId: number | undefined): ItemUnitState {
  const leads = activeUnits(state, 'lead');
  if (unitId !== undefined) {
    const unit = activeUnits(state).find((u) => u.unitId === unitId);
    if (!unit) throw refuse('items.unit_not_in_item', { unit: unitName(ctx, unitId) });
    if (unit.role !== 'lead') throw refuse('items.not_lead_unit', { unit: unitName(ctx, unitId), action: 'waive_lead' });
    return unit;
  }
  if (leads.length <= 1) throw refuse('items.waive_last_lead', { unit: unitNames(ctx, leads.map((u) => u.unitId)) });
  const pending = pendingLeads(state);
  if (pending.length === 1) return pending[0]!;
  const ids = (pending.length ? pending : leads).map((u) => u.unitId);
  throw refuse('items.lead_unit_unnamed', { units: unitNames(ctx, ids), unitIds: ids.join(',') });
}

/**
 * The unit whose 承办人 is named: a member names it for their own unit (as for any unit action);
 * an admin for any unit of the item (the only one, or the one named).
 */
function handlerUnit(state: ItemState, ctx: JudgeContext, unitId: number | undefined): ItemUnitState {
  if (!ctx.actor.isAdmin || (unitId !== undefined && ctx.actor.unitIds.includes(unitId))) return resolveUnit(state, ctx, unitId, null, 'set_handler');
  const units = activeUnits(state);
  if (unitId !== undefined) {
    const unit = units.find((u) => u.unitId === unitId);
    if (!unit) throw refuse('items.unit_not_in_item', { unit: unitName(ctx, unitId) });
    return unit;
  }
  const mine = units.filter((u) => ctx.actor.unitIds.includes(u.unitId));
  const candidates = mine.length > 0 ? mine : units;
  if (candidates.length === 1) return candidates[0]!;
  const ids = candidates.map((u) => u.unitId);
  throw refuse('items.unit_ambiguous', { units: unitNames(ctx, ids), unitIds: ids.join(','), action: 'set_handler' });
}

/**
 * The lead unit reporting a milestone: a member reports for their own lead unit (as for any unit
 * action); an admin who is not a member of a lead unit records it for one (the only one, or the one named).
 */
function milestoneUnit(state: ItemState, ctx: JudgeContext, unitId: number | undefined): ItemUnitState {
  const memberOfLead = activeUnits(state, 'lead').some((u) => ctx.actor.unitIds.includes(u.unitId));
  if (!ctx.actor.isAdmin || memberOfLead || (unitId !== undefined && ctx.actor.unitIds.includes(unitId))) return resolveUnit(state, ctx, unitId, 'lead', 'report_milestone');
  const leads = activeUnits(state, 'lead');
  if (unitId !== undefined) {
    const unit = activeUnits(state).find((u) => u.unitId === unitId);
    if (!unit) throw refuse('items.unit_not_in_item', { unit: unitName(ctx, unitId) });
    if (unit.role !== 'lead') throw refuse('items.not_lead_unit', { unit: unitName(ctx, unitId), action: 'report_milestone' });
    return unit;
  }
  if (leads.length === 1) return leads[0]!;
  const ids = leads.map((u) => u.unitId);
  throw refuse('items.unit_ambiguous', { units: unitNames(ctx, ids), unitIds: ids.join(','), action: 'report_milestone' });
}

function passes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
}

function requireStatus(state: ItemState, action: ItemCommandType, ...allowed: ItemStatus[]): void {
  if (!allowed.includes(state.status)) throw refuse('items.wrong_status', { status: state.status, action });
}

/** Drafts belong to whoever drafted them, to the leader they were drafted for, and to admins. */
function requireDraftManager(state: ItemState, actor: Actor, action: ItemCommandType): void {
  const own = actor.personId === state.draftedBy || (actor.isLeader && actor.personId === state.issuedBy);
  if (!actor.isAdmin && !own) throw refuse('items.forbidden', { action });
}

/**
 * Decisions on an item (confirm, return, extensions, transfer, cancel, waive) belong to the
 * leader who issued it, the leader in charge, and admins (who act for any leader). Other leaders
 * are refused: an instruction is one leader's, and another leader overruling it is not how the
 * hierarchy works.
 */
function requireItemLeader(state: ItemState, actor: Actor, action: ItemCommandType): void {
  const own = actor.isLeader && (actor.personId === state.issuedBy || actor.personId === state.leaderInCharge);
  if (!actor.isAdmin && !own) throw refuse('items.forbidden', { action });
}

/**
 * 调查复核 and field checks belong to the supervision office: supervisors (督查员) and admins
 * (the office's staff in this bot). Nobody checks an item one of their own units works on.
 */
function requireSupervisor(state: ItemState, ctx: JudgeContext, action: ItemCommandType): void {
  const { actor } = ctx;
  if (!actor.isSupervisor && !actor.isAdmin) throw refuse('items.forbidden', { action });
  const own = activeUnits(state).filter((u) => actor.unitIds.includes(u.unitId));
  if (own.length > 0) throw refuse('items.own_unit_item', { unit: unitNames(ctx, own.map((u) => u.unitId)), action });
}

function requireReadyToOpen(state: ItemState, ctx: JudgeContext): void {
  if (activeUnits(state, 'lead').length === 0) throw refuse('items.lead_unit_required', {});
  if (state.deadline === null) throw refuse('items.deadline_required', {});
  const deadline = { date: state.deadline, time: state.deadlineTime };
  if (hasPassed(deadline, ctx)) throw refuse('items.deadline_in_past', { deadline: formatDeadline(state) });
  for (const milestone of state.milestones) {
    if (milestone.due > state.deadline) throw refuse('items.milestone_after_deadline', { due: milestone.due, deadline: state.deadline });
    if (milestone.due < ctx.today) throw refuse('items.milestone_in_past', { due: milestone.due });
  }
}

/**
 * Which of the item's units the actor acts for. With `unitId` the actor must be a member of that
 * unit and the unit must be on the item in the right role; without it, the actor's only unit on
 * the item that fits is taken, and several are ambiguous.
 */
function resolveUnit(
  state: ItemState,
  ctx: JudgeContext,
  unitId: number | undefined,
  role: UnitRole | null,
  action: ItemCommandType,
): ItemUnitState {
  const { actor } = ctx;
  const wrongRole = (unit: ItemUnitState) =>
    role === 'lead'
      ? refuse('items.not_lead_unit', { unit: unitName(ctx, unit.unitId), action })
      : refuse('items.not_cooperating_unit', { unit: unitName(ctx, unit.unitId), action });

  if (unitId !== undefined) {
    if (!actor.unitIds.includes(unitId)) throw refuse('items.not_a_member', { unit: unitName(ctx, unitId), unitIds: String(unitId) });
    const unit = activeUnits(state).find((u) => u.unitId === unitId);
    if (!unit) throw refuse('items.unit_not_in_item', { unit: unitName(ctx, unitId) });
    if (role !== null && unit.role !== role) throw wrongRole(unit);
    return unit;
  }

  const mine = activeUnits(state).filter((u) => actor.unitIds.includes(u.unitId));
  const fitting = mine.filter((u) => role === null || u.role === role);
  const [only, second] = fitting;
  if (only && !second) return only;
  if (only) {
    const ids = fitting.map((u) => u.unitId);
    throw refuse('items.unit_ambiguous', { units: unitNames(ctx, ids), unitIds: ids.join(','), action });
  }
  const [other] = mine;
  if (other) throw wrongRole(other);
  const candidates = activeUnits(state, role ?? undefined).map((u) => u.unitId);
  throw refuse('items.not_a_member', { unit: unitNames(ctx, candidates), unitIds: candidates.join(',') });
}

// ---------------------------------------------------------------------------------------------
// Application: the command's content, the next state and the events
// ---------------------------------------------------------------------------------------------

function apply(state: ItemState, command: ItemCommand, unit: ItemUnitState | null, ctx: ItemContext): ItemDecision {
  const actorId = ctx.actor.personId;
  switch (command.type) {
    case 'update_draft':
      return updateDraft(state, command.patch, ctx);

    case 'confirm_draft': {
      const next: ItemState = {
        ...state,
        status: 'open',
        openedAt: ctx.at,
        units: state.units.map((u) => ({ ...u, assignedAt: ctx.at })),
      };
      const data = { ...draftFieldsOf(state), issuedBy: state.issuedBy, draftedBy: state.draftedBy, status: change(state.status, next.status) };
      return { state: next, events: [event('item_opened', ctx, null, data)] };
    }

    case 'discard_draft':
      return {
        state: { ...state, status: 'discarded' },
        events: [event('draft_discarded', ctx, null, { status: change(state.status, 'discarded') })],
      };

    case 'acknowledge':
      return acknowledgeImplicitly(state, must(unit), 'acknowledge', ctx);

    case 'report_progress': {
      const acting = must(unit);
      const content = requireContent(command, 'report_progress');
      const acked = acknowledgeImplicitly(state, acting, 'report_progress', ctx);
      const next = updateUnit(acked.state, acting.unitId, { lastProgressAt: ctx.at });
      const progress = event('progress_reported', ctx, acting.unitId, { role: acting.role, ...content });
      return { state: next, events: [...acked.events, progress] };
    }

    case 'submit_contribution': {
      const acting = must(unit);
      const content = requireContent(command, 'submit_contribution');
      const acked = acknowledgeImplicitly(state, acting, 'submit_contribution', ctx);
      const contribution: Submission = { ...content, by: actorId, at: ctx.at };
      const next = updateUnit(acked.state, acting.unitId, { contribution });
      const submitted = event('contribution_submitted', ctx, acting.unitId, {
        ...content,
        before: acting.contribution ? submissionJson(acting.contribution) : null,
      });
      return { state: next, events: [...acked.events, submitted] };
    }

    case 'submit_result': {
      const acting = must(unit);
      const content = requireContent(command, 'submit_result');
      const acked = acknowledgeImplicitly(state, acting, 'submit_result', ctx);
      const submission: Submission = { ...content, by: actorId, at: ctx.at };
      const withResult = updateUnit(acked.state, acting.unitId, { result: submission });
      // 共同牵头: the item waits until every lead unit has submitted (or was waived).
      const pending = pendingLeads(withResult).map((u) => u.unitId);
      const next: ItemState =
        pending.length > 0
          ? withResult
          : { ...withResult, status: 'result_submitted', result: { ...submission, unitId: acting.unitId }, verification: newVerification(ctx) };
      const waivedUnitIds = activeUnits(state, 'cooperating')
        .filter((u) => u.contributionWaived !== null)
        .map((u) => u.unitId);
      const waivedLeadUnitIds = activeUnits(state, 'lead')
        .filter((u) => u.resultWaived !== null)
        .map((u) => u.unitId);
      const submitted = event('result_submitted', ctx, acting.unitId, {
        ...content,
        status: change(state.status, next.status),
        waivedUnitIds,
        pendingLeadUnitIds: pending,
        waivedLeadUnitIds,
        before: acting.result ? submissionJson(acting.result) : null,
      });
      return { state: next, events: [...acked.events, submitted] };
    }

    case 'confirm_result': {
      const result = must(state.result);
      const response = optionalText(command.response);
      const next: ItemState = {
        ...state,
        status: 'closed',
        response: { text: response, by: actorId, at: ctx.at },
        closedAt: ctx.at,
        pendingExtension: null,
      };
      const data = {
        response,
        result: resultJson(result),
        results: leadResults(state).map(resultJson),
        status: change(state.status, next.status),
        droppedExtension: state.pendingExtension ? extensionJson(state.pendingExtension) : null,
      };
      return { state: next, events: [event('result_confirmed', ctx, result.unitId, data)] };
    }

    case 'return_result':
      return returnResult(state, requireReason(command.reason, 'return_result'), ctx, false);

    case 'verify_result': {
      const result = must(state.result);
      const verification = must(state.verification);
      const note = requireReason(command.note, 'verify_result');
      const files = [...(command.files ?? [])];
      const evidenceCount = evidenceOf(state) + files.length;
      if (command.verdict === 'true' && verification.evidenceRequired && evidenceCount === 0) throw refuse('items.evidence_required', {});
      const data = { verdict: command.verdict, note, files, evidenceCount, unitIds: leadResults(state).map((r) => r.unitId) };
      const verified = event('result_verified', ctx, result.unitId, data);
      if (command.verdict === 'false') {
        // 核实不实: the same return a leader makes, with the supervisor's note as its reason.
        const returned = returnResult(state, note, ctx, true);
        return { state: returned.state, events: [verified, ...returned.events] };
      }
      const next: ItemState = { ...state, verification: { ...verification, verdict: 'true', by: actorId, at: ctx.at, note, files: [...verification.files, ...files] } };
      return { state: next, events: [verified] };
    }

    case 'field_check': {
      const content = requireContent({ text: command.note, ...(command.files ? { files: command.files } : {}) }, 'field_check');
      return { state, events: [event('field_checked', ctx, null, { ...content, status: state.status })] };
    }

    case 'request_extension': {
      const acting = must(unit);
      const reason = requireReason(command.reason, 'request_extension');
      const requested = requireNewDeadline(state, command.until, command.untilTime ?? null, ctx);
      const acked = acknowledgeImplicitly(state, acting, 'request_extension', ctx);
      const pendingExtension: PendingExtension = {
        unitId: acting.unitId,
        requestedBy: actorId,
        requestedAt: ctx.at,
        until: requested.date,
        untilTime: requested.time,
        reason,
      };
      const requestedEvent = event('extension_requested', ctx, acting.unitId, { deadline: currentDeadline(state), requested, reason });
      return { state: { ...acked.state, pendingExtension }, events: [...acked.events, requestedEvent] };
    }

    case 'approve_extension': {
      const pending = must(state.pendingExtension);
      const requested = { date: pending.until, time: pending.untilTime };
      const granted =
        command.until === undefined ? requested : requireNewDeadline(state, command.until, command.untilTime ?? null, ctx);
      const before = currentDeadline(state);
      const original = state.originalDeadline === null ? before : { date: state.originalDeadline, time: state.originalDeadlineTime };
      const next: ItemState = {
        ...state,
        deadline: granted.date,
        deadlineTime: granted.time,
        originalDeadline: original.date,
        originalDeadlineTime: original.time,
        extensionCount: state.extensionCount + 1,
        pendingExtension: null,
      };
      const data = {
        requestedBy: pending.requestedBy,
        requestReason: pending.reason,
        requested,
        deadline: change(before, granted),
        originalDeadline: original,
        extensionCount: change(state.extensionCount, next.extensionCount),
        comment: optionalText(command.comment),
      };
      return { state: next, events: [event('extension_approved', ctx, pending.unitId, data)] };
    }

    case 'reject_extension': {
      const pending = must(state.pendingExtension);
      const data = {
        requestedBy: pending.requestedBy,
        requestReason: pending.reason,
        requested: { date: pending.until, time: pending.untilTime },
        reason: optionalText(command.reason),
      };
      return { state: { ...state, pendingExtension: null }, events: [event('extension_rejected', ctx, pending.unitId, data)] };
    }

    case 'transfer':
      return transfer(state, command, ctx);

    case 'cancel': {
      const reason = requireReason(command.reason, 'cancel');
      const next: ItemState = { ...state, status: 'cancelled', cancellation: { by: actorId, at: ctx.at, reason }, pendingExtension: null };
      const data = {
        reason,
        status: change(state.status, next.status),
        droppedExtension: state.pendingExtension ? extensionJson(state.pendingExtension) : null,
      };
      return { state: next, events: [event('item_cancelled', ctx, null, data)] };
    }

    case 'notify': {
      const reason = requireReason(command.reason, 'notify');
      const data = {
        reason,
        deadline: currentDeadline(state),
        daysOverdue: state.deadline === null ? 0 : Math.max(0, calendarDaysBetween(state.deadline, ctx.today)),
      };
      return { state, events: [event('item_notified', ctx, null, data)] };
    }

    case 'excuse': {
      const reason = requireReason(command.reason, 'excuse');
      const degree = command.degree ?? 'exempt';
      if (state.excused?.degree === degree) throw refuse('items.already_excused', {});
      const data = {
        reason,
        deadline: currentDeadline(state),
        daysOverdue: state.deadline === null ? 0 : Math.max(0, calendarDaysBetween(state.deadline, ctx.today)),
        degree,
        before: state.excused?.degree ?? null,
      };
      return { state: { ...state, excused: { by: actorId, at: ctx.at, reason, degree } }, events: [event('item_excused', ctx, null, data)] };
    }

    case 'waive_lead': {
      const waived = must(unit);
      const reason = requireReason(command.reason, 'waive_lead');
      const withWaiver = updateUnit(state, waived.unitId, { resultWaived: { by: actorId, at: ctx.at, reason } });
      const pending = pendingLeads(withWaiver).map((u) => u.unitId);
      // The others had all delivered: the latest result completes the set, as a submission would.
      const latest = leadResults(withWaiver).at(-1);
      const next: ItemState =
        pending.length === 0 && latest ? { ...withWaiver, status: 'result_submitted', result: latest, verification: newVerification(ctx) } : withWaiver;
      const data = { reason, status: change(state.status, next.status), pendingLeadUnitIds: pending };
      return { state: next, events: [event('lead_waived', ctx, waived.unitId, data)] };
    }

    case 'set_handler': {
      const acting = must(unit);
      if (!command.personUnitIds.includes(acting.unitId)) throw refuse('items.handler_not_member', { unit: unitName(ctx, acting.unitId) });
      if (acting.handlerId === command.personId) throw refuse('items.handler_unchanged', { unit: unitName(ctx, acting.unitId) });
      const next = updateUnit(state, acting.unitId, { handlerId: command.personId });
      return { state: next, events: [event('handler_set', ctx, acting.unitId, { handlerId: change(acting.handlerId, command.personId) })] };
    }

    case 'request_coordination': {
      const acting = must(unit);
      const { text } = requireContent({ text: command.text }, 'request_coordination');
      const acked = acknowledgeImplicitly(state, acting, 'request_coordination', ctx);
      const existing = state.coordinations;
      const coordination: Coordination = {
        id: existing.reduce((max, c) => Math.max(max, c.id), 0) + 1,
        unitId: acting.unitId,
        raisedBy: actorId,
        raisedAt: ctx.at,
        text,
        level: firstCoordinationLevel(state),
        forwards: [],
        resolved: null,
      };
      const requested = event('coordination_requested', ctx, acting.unitId, { coordinationId: coordination.id, text, level: coordination.level });
      return { state: { ...acked.state, coordinations: [...existing, coordination] }, events: [...acked.events, requested] };
    }

    case 'resolve_coordination': {
      const target = pickCoordination(state, command.coordinationId, false);
      const note = optionalText(command.note);
      const next = replaceCoordination(state, { ...target, resolved: { by: actorId, at: ctx.at, note } });
      const data = { coordinationId: target.id, text: target.text, level: target.level, note, raisedAt: target.raisedAt.toISOString() };
      return { state: next, events: [event('coordination_resolved', ctx, target.unitId, data)] };
    }

    case 'forward_coordination': {
      const target = pickCoordination(state, command.coordinationId, true);
      const to = must(nextCoordinationLevel(state, target.level));
      const note = optionalText(command.note);
      const next = replaceCoordination(state, { ...target, level: to, forwards: [...target.forwards, { by: actorId, at: ctx.at, from: target.level, to, note }] });
      const data = { coordinationId: target.id, text: target.text, level: change(target.level, to), note };
      return { state: next, events: [event('coordination_forwarded', ctx, target.unitId, data)] };
    }

    case 'report_milestone': {
      const acting = must(unit);
      const count = state.milestones.length;
      const index = command.index;
      const milestone = Number.isInteger(index) && index >= 1 ? state.milestones[index - 1] : undefined;
      if (!milestone) throw refuse('items.milestone_not_found', { index: String(index), count });
      if (milestone.done) {
        throw refuse('items.milestone_already_reported', { index, unit: unitName(ctx, milestone.done.unitId), date: milestone.done.day ?? milestone.done.at.toISOString().slice(0, 10) });
      }
      const text = optionalText(command.text);
      const files = [...(command.files ?? [])];
      const done: MilestoneDone = { at: ctx.at, by: actorId, unitId: acting.unitId, text: text ?? '', files, day: ctx.today };
      // The unit's own member reporting shows it received the item; an admin recording it does not.
      const acked = ctx.actor.unitIds.includes(acting.unitId) ? acknowledgeImplicitly(state, acting, 'report_milestone', ctx) : { state, events: [] };
      const withDone: ItemState = { ...acked.state, milestones: acked.state.milestones.map((m, i) => (i === index - 1 ? { ...m, done } : m)) };
      // A milestone reached is progress: it counts for the report rhythm (限时报告) like a report.
      const next = updateUnit(withDone, acting.unitId, { lastProgressAt: ctx.at });
      const data = {
        index,
        due: milestone.due,
        milestone: milestone.text,
        text,
        files,
        late: ctx.today > milestone.due,
        remaining: next.milestones.filter((m) => !m.done).length,
      };
      return { state: next, events: [...acked.events, event('milestone_reported', ctx, acting.unitId, data)] };
    }

    case 'receive_referral': {
      const referral = must(state.referral);
      const next: Referral = { ...referral, status: 'received', receivedBy: actorId, receivedAt: ctx.at };
      return { state: { ...state, referral: next }, events: [event('referral_received', ctx, null, { status: change(referral.status, next.status) })] };
    }

    case 'referral_feedback': {
      const referral = must(state.referral);
      const text = command.text.trim();
      if (text === '') throw refuse('items.feedback_required', {});
      // An answer shows the referral was taken, if nobody pressed 已接收 first.
      const next: Referral = {
        ...referral,
        status: 'answered',
        receivedBy: referral.receivedBy ?? actorId,
        receivedAt: referral.receivedAt ?? ctx.at,
        feedback: { text, by: actorId, at: ctx.at },
      };
      return { state: { ...state, referral: next }, events: [event('referral_answered', ctx, null, { text, status: change(referral.status, next.status) })] };
    }

    case 'waive_contributions': {
      const reason = optionalText(command.reason);
      const waived = missingContributions(state);
      const waiver = { by: actorId, at: ctx.at, reason };
      const next: ItemState = { ...state, units: state.units.map((u) => (waived.includes(u) ? { ...u, contributionWaived: waiver } : u)) };
      const data = { reason, unitIds: waived.map((u) => u.unitId) };
      return { state: next, events: [event('contributions_waived', ctx, null, data)] };
    }
  }
}

/**
 * Sends the result back to every lead unit that had submitted: each answers the reason with a new
 * result. A leader's 退回 and a supervisor's 核实不实 (`byVerification`) take this one path, so the
 * return count and the lead units' results are kept the same way.
 */
function returnResult(state: ItemState, reason: string, ctx: ItemContext, byVerification: boolean): ItemDecision {
  const result = must(state.result);
  const returned = leadResults(state);
  const next: ItemState = {
    ...state,
    units: state.units.map((u) => (u.removedAt === null && u.role === 'lead' ? { ...u, result: null } : u)),
    status: 'open',
    result: null,
    returnCount: state.returnCount + 1,
    lastReturn: { by: ctx.actor.personId, at: ctx.at, reason, ...(byVerification ? { byVerification: true } : {}) },
    verification: null,
  };
  const data = {
    reason,
    result: resultJson(result),
    results: returned.map(resultJson),
    status: change(state.status, next.status),
    returnCount: change(state.returnCount, next.returnCount),
    ...(byVerification ? { byVerification: true } : {}),
  };
  return { state: next, events: [event('result_returned', ctx, result.unitId, data)] };
}

/** A complete result on a level that asks for 调查复核 waits for it; otherwise none. */
function newVerification(ctx: ItemContext): Verification | null {
  const policy = ctx.verifyPolicy;
  if (!policy?.verify) return null;
  return { evidenceRequired: policy.evidence, verdict: null, by: null, at: null, note: null, files: [] };
}

function updateDraft(state: ItemState, patch: DraftPatch, ctx: ItemContext): ItemDecision {
  const current = draftFieldsOf(state);
  const merged: DraftFields = { ...current, ...definedOnly(patch) };
  if (patch.deadline !== undefined && patch.deadlineTime === undefined) merged.deadlineTime = null;
  if (patch.leadUnitIds && !patch.cooperatingUnitIds) {
    merged.cooperatingUnitIds = current.cooperatingUnitIds.filter((id) => !patch.leadUnitIds?.includes(id));
  }
  if (patch.cooperatingUnitIds && !patch.leadUnitIds) {
    merged.leadUnitIds = current.leadUnitIds.filter((id) => !patch.cooperatingUnitIds?.includes(id));
  }
  const fields = normalizeDraft(merged, ctx);

  const before: Partial<DraftFields> = {};
  const after: Partial<DraftFields> = {};
  for (const key of Object.keys(fields) as (keyof DraftFields)[]) {
    if (JSON.stringify(fields[key]) !== JSON.stringify(current[key])) {
      Object.assign(before, { [key]: current[key] });
      Object.assign(after, { [key]: fields[key] });
    }
  }
  if (Object.keys(after).length === 0) throw refuse('items.nothing_to_change', {});

  const next: ItemState = {
    ...state,
    instruction: fields.instruction,
    leaderInCharge: fields.leaderInCharge,
    level: fields.level,
    deadline: fields.deadline,
    deadlineTime: fields.deadlineTime,
    milestones: fields.milestones,
    reportEvery: fields.reportEvery,
    units: draftUnits(fields),
  };
  return { state: next, events: [event('draft_updated', ctx, null, { before, after })] };
}

/**
 * Hands a lead unit's part to another unit. The old entry stays (with its acknowledgement and
 * history) but is marked removed; the new unit starts unacknowledged. A cooperating unit can be
 * promoted this way: its cooperating entry is removed and it no longer owes a contribution.
 */
function transfer(state: ItemState, command: Extract<ItemCommand, { type: 'transfer' }>, ctx: ItemContext): ItemDecision {
  const { fromUnitId, toUnitId } = command;
  const from = activeUnits(state).find((u) => u.unitId === fromUnitId);
  if (!from) throw refuse('items.unit_not_in_item', { unit: unitName(ctx, fromUnitId) });
  if (from.role !== 'lead') throw refuse('items.not_lead_unit', { unit: unitName(ctx, fromUnitId), action: 'transfer' });
  const to = activeUnits(state).find((u) => u.unitId === toUnitId);
  if (to && to.role === 'lead') throw refuse('items.unit_already_in_item', { unit: unitName(ctx, toUnitId) });
  const reason = requireReason(command.reason, 'transfer');

  const units = state.units.map((u) => (u === from || u === to ? { ...u, removedAt: ctx.at } : u));
  units.push({ ...blankUnit(toUnitId, 'lead'), assignedAt: ctx.at });
  const data = { fromUnitId, toUnitId, reason, toUnitWasCooperating: to !== undefined };
  return { state: { ...state, units }, events: [event('unit_transferred', ctx, fromUnitId, data)] };
}

/**
 * The open request a decision is about: the one named, else the only one open (for 转交: the only
 * one that can still go up). Several open and none named is refused with their numbers.
 */
function pickCoordination(state: ItemState, id: number | undefined, forwarding: boolean): Coordination {
  const open = openCoordinations(state);
  if (id !== undefined) {
    const found = open.find((c) => c.id === id);
    if (!found) throw refuse('items.coordination_not_open', { id: String(id) });
    if (forwarding && nextCoordinationLevel(state, found.level) === null) throw refuse('items.coordination_at_top', { id: String(id) });
    return found;
  }
  const candidates = forwarding ? open.filter((c) => nextCoordinationLevel(state, c.level) !== null) : open;
  if (candidates.length === 1) return candidates[0]!;
  throw refuse('items.coordination_unnamed', { ids: candidates.map((c) => c.id).join(',') });
}

function replaceCoordination(state: ItemState, coordination: Coordination): ItemState {
  return { ...state, coordinations: state.coordinations.map((c) => (c.id === coordination.id ? coordination : c)) };
}

/** Any work by a unit shows it received the item: acknowledge it first, with its own event. */
function acknowledgeImplicitly(state: ItemState, unit: ItemUnitState, via: UnitAction, ctx: ItemContext): ItemDecision {
  if (unit.acknowledgedAt !== null) return { state, events: [] };
  // The person who acknowledges becomes the unit's 承办人, unless someone was named before.
  const handlerId = unit.handlerId ?? ctx.actor.personId;
  return {
    state: updateUnit(state, unit.unitId, { acknowledgedAt: ctx.at, acknowledgedBy: ctx.actor.personId, handlerId }),
    events: [event('unit_acknowledged', ctx, unit.unitId, { role: unit.role, via, handlerId })],
  };
}

function updateUnit(state: ItemState, unitId: number, patch: Partial<ItemUnitState>): ItemState {
  return { ...state, units: state.units.map((u) => (u.removedAt === null && u.unitId === unitId ? { ...u, ...patch } : u)) };
}

// ---------------------------------------------------------------------------------------------
// Content checks
// ---------------------------------------------------------------------------------------------

function normalizeDraft(fields: DraftFields, ctx: JudgeContext): DraftFields {
  const instruction = fields.instruction.trim();
  if (instruction === '') throw refuse('items.instruction_required', {});
  const leadUnitIds = [...new Set(fields.leadUnitIds)];
  const cooperatingUnitIds = [...new Set(fields.cooperatingUnitIds)];
  const both = leadUnitIds.find((id) => cooperatingUnitIds.includes(id));
  if (both !== undefined) throw refuse('items.unit_both_roles', { unit: unitName(ctx, both) });
  if (fields.deadline !== null) requireDate(fields.deadline);
  if (fields.deadlineTime !== null) {
    requireTime(fields.deadlineTime);
    if (fields.deadline === null) throw refuse('items.deadline_required', {});
  }
  const milestones = fields.milestones
    .map((m) => ({ due: requireDate(m.due), text: m.text.trim() }))
    .sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
  return { ...fields, instruction, leadUnitIds, cooperatingUnitIds, milestones };
}

function requireContent(command: { text: string; files?: FileRef[] }, action: ItemCommandType): { text: string; files: FileRef[] } {
  const text = command.text.trim();
  const files = [...(command.files ?? [])];
  if (text === '' && files.length === 0) throw refuse('items.content_required', { action });
  return { text, files };
}

function requireReason(reason: string | undefined, action: ItemCommandType): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed === '') throw refuse('items.reason_required', { action });
  return trimmed;
}

function optionalText(text: string | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** A new deadline must be a valid date, later than the current deadline, and not already past. */
function requireNewDeadline(state: ItemState, until: string, untilTime: string | null, ctx: ItemContext): DeadlineJson {
  requireDate(until);
  if (untilTime !== null) requireTime(untilTime);
  const requested = { date: until, time: untilTime };
  if (!isAfter(requested, currentDeadline(state), true)) {
    throw refuse('items.deadline_not_later', { until: formatDeadlineJson(requested), deadline: formatDeadline(state) });
  }
  if (hasPassed(requested, ctx)) throw refuse('items.deadline_in_past', { deadline: formatDeadlineJson(requested) });
  return requested;
}

function requireDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const valid =
    match !== null &&
    (() => {
      const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
      const date = new Date(Date.UTC(year, month - 1, day));
      return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
    })();
  if (!valid) throw refuse('items.invalid_date', { value });
  return value;
}

function requireTime(value: string): string {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) throw refuse('items.invalid_time', { value });
  return value;
}

// ---------------------------------------------------------------------------------------------
// Dates and small helpers
// ---------------------------------------------------------------------------------------------

/** A deadline without a time lasts until the end of its day. */
const END_OF_DAY = '24:00';

/**
 * Whether moment `a` is after deadline `b`. When `a` is "now" and carries no time of day
 * (`aHasTime` false), it counts as the start of its day, so a deadline later that day has not
 * passed yet.
 */
function isAfter(a: DeadlineJson, b: DeadlineJson, aHasTime: boolean): boolean {
  if (a.date !== b.date) return a.date > b.date;
  const aTime = a.time ?? (aHasTime ? END_OF_DAY : '00:00');
  return aTime > (b.time ?? END_OF_DAY);
}

function hasPassed(deadline: DeadlineJson, ctx: JudgeContext): boolean {
  return isAfter({ date: ctx.today, time: ctx.timeOfDay ?? null }, deadline, ctx.timeOfDay !== undefined);
}

function calendarDaysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function currentDeadline(state: ItemState): DeadlineJson {
  return { date: must(state.deadline), time: state.deadlineTime };
}

function formatDeadline(state: ItemState): string {
  return state.deadline === null ? '' : formatDeadlineJson({ date: state.deadline, time: state.deadlineTime });
}

function formatDeadlineJson(deadline: DeadlineJson): string {
  return deadline.time === null ? deadline.date : `${deadline.date} ${deadline.time}`;
}

function unitName(ctx: { unitNames?: ReadonlyMap<number, string> }, unitId: number): string {
  return ctx.unitNames?.get(unitId) ?? `#${unitId}`;
}

function unitNames(ctx: { unitNames?: ReadonlyMap<number, string> }, unitIds: number[]): string {
  return unitIds.map((id) => unitName(ctx, id)).join('、');
}

function draftFieldsOf(state: ItemState): DraftFields {
  return {
    instruction: state.instruction,
    leadUnitIds: activeUnits(state, 'lead').map((u) => u.unitId),
    cooperatingUnitIds: activeUnits(state, 'cooperating').map((u) => u.unitId),
    deadline: state.deadline,
    deadlineTime: state.deadlineTime,
    milestones: state.milestones,
    level: state.level,
    reportEvery: state.reportEvery,
    leaderInCharge: state.leaderInCharge,
  };
}

function draftUnits(fields: DraftFields): ItemUnitState[] {
  return [
    ...fields.leadUnitIds.map((id) => blankUnit(id, 'lead')),
    ...fields.cooperatingUnitIds.map((id) => blankUnit(id, 'cooperating')),
  ];
}

function blankUnit(unitId: number, role: UnitRole): ItemUnitState {
  return {
    unitId,
    role,
    assignedAt: null,
    removedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    lastProgressAt: null,
    contribution: null,
    contributionWaived: null,
    result: null,
    resultWaived: null,
    handlerId: null,
  };
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function event<K extends ItemEventType>(type: K, ctx: ItemContext, unitId: number | null, data: ItemEventData[K]): ItemEvent {
  return { type, at: ctx.at, actorId: ctx.actor.personId, unitId, data } as ItemEvent;
}

function change<T>(before: T, after: T): Change<T> {
  return { before, after };
}

function submissionJson(s: Submission): SubmissionJson {
  return { text: s.text, files: s.files, by: s.by, at: s.at.toISOString() };
}

function resultJson(r: ItemResult): SubmissionJson & { unitId: number } {
  return { ...submissionJson(r), unitId: r.unitId };
}

function extensionJson(e: PendingExtension): ExtensionJson {
  return { ...e, requestedAt: e.requestedAt.toISOString() };
}

/** For values the judgement has already proven present. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('items.models: invariant broken (value checked by judge is missing)');
  return value;
}
