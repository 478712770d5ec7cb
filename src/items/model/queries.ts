/**
 * Questions about an item's state that cards, digests, reminders and the judgement ask alike.
 */
import type { Coordination, CoordinationLevel, ItemState, ItemUnitState, Submission, UnitRole } from './types.js';

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
