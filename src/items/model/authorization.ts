/**
 * Who may do what to an item, and when: everything about a command except its content. The same
 * judgement answers `decide` (which throws the refusal) and `allowedActions` (which lists buttons).
 */
import type { Actor } from '../../org/org.models.js';
import { AppError } from '../../shared/errors.js';
import { deadlinePassed, formatDeadline, hasPassed } from './deadlines.js';
import { refuse, unitName, unitNames } from './errors.js';
import { activeUnits, missingContributions, nextCoordinationLevel, openCoordinations, pendingLeads, verificationPending } from './queries.js';
import {
  ITEM_COMMAND_TYPES,
  type ItemAction,
  type ItemCommandType,
  type ItemContext,
  type ItemState,
  type ItemStatus,
  type ItemUnitState,
  type JudgeContext,
  UNIT_COMMAND_TYPES,
  type UnitRole,
} from './types.js';

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

// ---------------------------------------------------------------------------------------------
// Judgement: who may do what, when (everything that does not depend on the command's content)
// ---------------------------------------------------------------------------------------------

const FINISHED: Partial<Record<ItemStatus, 'items.already_closed' | 'items.already_cancelled' | 'items.already_discarded'>> = {
  closed: 'items.already_closed',
  cancelled: 'items.already_cancelled',
  discarded: 'items.already_discarded',
};

/** Returns the unit the actor acts for (unit commands) or null; throws the refusal otherwise. */
export function judge(state: ItemState, action: ItemCommandType, ctx: JudgeContext, unitId: number | undefined): ItemUnitState | null {
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
  if (leads.length <= 1)
    throw refuse('items.waive_last_lead', {
      unit: unitNames(
        ctx,
        leads.map((u) => u.unitId),
      ),
    });
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
  if (!ctx.actor.isAdmin || memberOfLead || (unitId !== undefined && ctx.actor.unitIds.includes(unitId)))
    return resolveUnit(state, ctx, unitId, 'lead', 'report_milestone');
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
  if (own.length > 0)
    throw refuse('items.own_unit_item', {
      unit: unitNames(
        ctx,
        own.map((u) => u.unitId),
      ),
      action,
    });
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
function resolveUnit(state: ItemState, ctx: JudgeContext, unitId: number | undefined, role: UnitRole | null, action: ItemCommandType): ItemUnitState {
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
