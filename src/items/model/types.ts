/**
 * The shapes of an item: its state, the commands that change it, the events that record the
 * changes, and the context a command is judged in (and the one reading of an event's data that
 * labels need, eventLabelArgs).
 */

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export const ITEM_STATUSES = ['draft', 'open', 'result_submitted', 'closed', 'cancelled', 'discarded'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const ITEM_LEVELS = ['key', 'special', 'routine'] as const;
export type ItemLevel = (typeof ITEM_LEVELS)[number];
export { REPORT_PERIODS, type ReportEvery, type ReportsFrom } from './report-rhythm.js';
import type { ReportEvery, ReportsFrom } from './report-rhythm.js';
import type { Actor } from '../../org/org.models.js';
export type UnitRole = 'lead' | 'cooperating';

/** An attachment as Telegram gave it to us. */
export type FileRef = { fileId: string; fileUniqueId?: string; name?: string; mimeType?: string };
/**
 * 时间节点: a date by which part of the work is due. `done` is set when a lead unit reports it
 * (absent in drafts and in snapshots saved before milestones had a state: not reported).
 */
export type Milestone = { due: string; text: string; done?: MilestoneDone | null };
/** A reported milestone: when, by whom, for which unit, with what. */
export type MilestoneDone = {
  at: Date;
  by: number;
  unitId: number;
  text: string;
  files: FileRef[] /** The organisation's local date it was reported (absent in older snapshots). */;
  day?: string;
};

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
  /** 限时报告: the fixed days progress reports are due (src/items/model/report-rhythm.ts), or none. */
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

export type JudgeContext = Omit<ItemContext, 'at'>;

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

export type DeadlineJson = { date: string; time: string | null };
export type SubmissionJson = { text: string; files: FileRef[]; by: number; at: string };
export type ExtensionJson = { unitId: number; requestedBy: number; requestedAt: string; until: string; untilTime: string | null; reason: string };
export type Change<T> = { before: T; after: T };
export type UnitAction = (typeof UNIT_COMMAND_TYPES)[number];

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
  escalated: {
    rung: number;
    cause: 'overdue' | 'ack' | 'report' | 'returns';
    nagCount: number;
    daysOverdue: number;
    to: string[];
    chats: number[];
    text: string;
  };
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
  item_referred: {
    rung: number;
    cause: 'overdue' | 'ack' | 'report' | 'returns';
    reason: string;
    nagCount: number;
    daysOverdue: number;
    chatId: number | null;
    status: ReferralStatus;
  };
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
