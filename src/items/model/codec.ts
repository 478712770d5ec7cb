import { endOfZonedDay, parseHHmm, zonedInstant } from '../../calendar/model/zoned-time.js';
import type { ItemState } from './types.js';

/**
 * The state snapshot is stored as JSON: instants become ISO strings and must be revived.
 * Keys listed here are the only Date-valued fields of ItemState (nested ones included).
 */
// ('at' covers every nested instant: results, rulings, and a reported milestone's done.at.)
const DATE_KEYS = new Set([
  'at',
  'assignedAt',
  'removedAt',
  'acknowledgedAt',
  'lastProgressAt',
  'requestedAt',
  'openedAt',
  'closedAt',
  'raisedAt',
  'sentAt',
  'receivedAt',
]);

export function serializeState(state: ItemState): unknown {
  return JSON.parse(JSON.stringify(state));
}

export function deserializeState(json: unknown): ItemState {
  const state = JSON.parse(JSON.stringify(json), (key, value: unknown) =>
    DATE_KEYS.has(key) && typeof value === 'string' ? new Date(value) : value,
  ) as ItemState;
  // Snapshots saved before joint leads and 承办人 lack the per-unit result, waiver and handler:
  // a lone lead unit's result was the item's result.
  // Excuses saved before degrees were 免责.
  if (state.excused && !state.excused.degree) state.excused = { ...state.excused, degree: 'exempt' };
  state.units = state.units.map((u) => ({
    ...u,
    result: u.result ?? (u.role === 'lead' && u.removedAt === null && state.result?.unitId === u.unitId ? stripUnit(state.result) : null),
    resultWaived: u.resultWaived ?? null,
    handlerId: u.handlerId ?? null,
  }));
  // Snapshots saved before 逐级协调 have no coordination requests.
  state.coordinations = state.coordinations ?? [];
  // Snapshots saved before 移交 have no referral.
  state.referral = state.referral ?? null;
  // Snapshots saved before 调查复核 have no verification: none was needed.
  state.verification = state.verification ?? null;
  return state;
}

function stripUnit<T extends { unitId: number }>(result: T): Omit<T, 'unitId'> {
  const { unitId: _unitId, ...rest } = result;
  return rest;
}

/**
 * The instant a deadline passes. "By day D" means until the end of day D in the organisation's
 * timezone; "by D at HH:mm" means until that minute there.
 */
export function deadlineInstant(deadline: string | null, deadlineTime: string | null, timezone: string): Date | null {
  if (!deadline) return null;
  if (deadlineTime) return zonedInstant(deadline, parseHHmm(deadlineTime), timezone);
  return endOfZonedDay(deadline, timezone);
}
