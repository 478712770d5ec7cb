/**
 * Every refusal of the item state machine, by code, and how its params name units.
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

export function refuse<C extends ItemErrorCode>(code: C, params: ErrorParams<C>): AppError {
  return new AppError(code, params);
}

/** A unit's name for a refusal's params: from `ctx.unitNames`, else `#<id>`. */
export function unitName(ctx: { unitNames?: ReadonlyMap<number, string> }, unitId: number): string {
  return ctx.unitNames?.get(unitId) ?? `#${unitId}`;
}

export function unitNames(ctx: { unitNames?: ReadonlyMap<number, string> }, unitIds: number[]): string {
  return unitIds.map((id) => unitName(ctx, id)).join('、');
}
