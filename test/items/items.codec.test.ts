import { describe, expect, it } from 'vitest';
import { deserializeState, serializeState } from '../../src/items/items.codec.js';
import { referItem, type ItemState } from '../../src/items/items.models.js';

/** A snapshot as saved before 移交: no `referral` key at all. */
const oldSnapshot = {
  status: 'open',
  instruction: '请住建局牵头整改',
  draftedBy: 2,
  issuedBy: 2,
  leaderInCharge: null,
  level: 'key',
  deadline: '2026-03-04',
  deadlineTime: null,
  originalDeadline: null,
  originalDeadlineTime: null,
  milestones: [],
  reportEvery: null,
  units: [
    { unitId: 100, role: 'lead', assignedAt: '2026-03-02T01:00:00.000Z', removedAt: null, acknowledgedAt: null, acknowledgedBy: null, lastProgressAt: null, contribution: null, contributionWaived: null, result: null, resultWaived: null, handlerId: null },
  ],
  result: null,
  response: null,
  lastReturn: null,
  pendingExtension: null,
  extensionCount: 0,
  returnCount: 0,
  excused: null,
  cancellation: null,
  openedAt: '2026-03-02T01:00:00.000Z',
  closedAt: null,
  version: 2,
};

describe('item state snapshots and 移交', () => {
  it('reads a snapshot saved before referrals existed as not referred', () => {
    expect(deserializeState(oldSnapshot).referral).toBeNull();
  });

  it('keeps a referral through a save, with its instants as dates', () => {
    const state = deserializeState(oldSnapshot);
    const referred = referItem(state, { rung: 4, cause: 'overdue', unitId: 100, reason: '逾期', nagCount: 6, daysOverdue: 6, chatId: -1009 }, new Date('2026-03-12T01:00:00Z')).state;
    const answered: ItemState = {
      ...referred,
      referral: { ...referred.referral!, status: 'answered', receivedBy: 7, receivedAt: new Date('2026-03-13T01:00:00Z'), feedback: { text: '已约谈', by: 7, at: new Date('2026-03-14T01:00:00Z') } },
    };
    const back = deserializeState(serializeState(answered));
    expect(back.referral).toEqual(answered.referral);
    expect(back.referral!.sentAt).toBeInstanceOf(Date);
    expect(back.referral!.receivedAt).toBeInstanceOf(Date);
    expect(back.referral!.feedback!.at).toBeInstanceOf(Date);
  });
});
