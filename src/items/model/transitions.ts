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
import { judge } from './authorization.js';
import { calendarDaysBetween, currentDeadline, formatDeadline, formatDeadlineJson, hasPassed, isAfter, must } from './deadlines.js';
import { refuse, unitName } from './errors.js';
import {
  activeUnits,
  evidenceOf,
  firstCoordinationLevel,
  leadResults,
  missingContributions,
  nextCoordinationLevel,
  openCoordinations,
  pendingLeads,
} from './queries.js';
import type {
  Change,
  Coordination,
  DeadlineJson,
  DraftFields,
  DraftInput,
  DraftPatch,
  ExtensionJson,
  FileRef,
  ItemCommand,
  ItemCommandType,
  ItemContext,
  ItemDecision,
  ItemEvent,
  ItemEventData,
  ItemEventType,
  ItemResult,
  ItemState,
  ItemUnitState,
  JudgeContext,
  MilestoneDone,
  PendingExtension,
  Referral,
  ReferralStatus,
  Submission,
  SubmissionJson,
  UnitAction,
  UnitRole,
  Verification,
} from './types.js';

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
  const data = {
    rung: input.rung,
    cause: input.cause,
    reason: input.reason,
    nagCount: input.nagCount,
    daysOverdue: input.daysOverdue,
    chatId: input.chatId,
    status,
  };
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
      const next: ItemState = {
        ...state,
        verification: { ...verification, verdict: 'true', by: actorId, at: ctx.at, note, files: [...verification.files, ...files] },
      };
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
      const granted = command.until === undefined ? requested : requireNewDeadline(state, command.until, command.untilTime ?? null, ctx);
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
      const next = replaceCoordination(state, {
        ...target,
        level: to,
        forwards: [...target.forwards, { by: actorId, at: ctx.at, from: target.level, to, note }],
      });
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
        throw refuse('items.milestone_already_reported', {
          index,
          unit: unitName(ctx, milestone.done.unitId),
          date: milestone.done.day ?? milestone.done.at.toISOString().slice(0, 10),
        });
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
  return [...fields.leadUnitIds.map((id) => blankUnit(id, 'lead')), ...fields.cooperatingUnitIds.map((id) => blankUnit(id, 'cooperating'))];
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
