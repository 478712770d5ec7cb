import { describe, expect, it } from 'vitest';
import { deserializeState, serializeState } from '../../../src/items/model/codec.js';
import { createDraft, decide, referItem } from '../../../src/items/model/transitions.js';
import type { ItemState } from '../../../src/items/model/types.js';
import type { Actor } from '../../../src/org/org.models.js';

const issuer: Actor = { personId: 2, isAdmin: false, isLeader: true, unitIds: [] };
const member: Actor = { personId: 10, isAdmin: false, isLeader: false, unitIds: [100] };
const ctx = (actor: Actor, second: number) => ({ actor, at: new Date(Date.UTC(2026, 0, 5, 1, 0, second)), today: '2026-01-05' });

describe('item state codec: coordination requests (逐级协调)', () => {
  const opened = () => {
    const draft = createDraft({ instruction: '请住建局牵头，1月20日前拿出方案。', leadUnitIds: [100], deadline: '2026-01-20' }, ctx(issuer, 1)).state;
    return decide(draft, { type: 'confirm_draft' }, ctx(issuer, 2)).state;
  };

  it('revives the instants of a request, its 转交 and its resolution', () => {
    let state = decide(opened(), { type: 'request_coordination', text: '用地指标需协调' }, ctx(member, 3)).state;
    state = decide(state, { type: 'forward_coordination', note: '上报' }, ctx(issuer, 4)).state;
    state = decide(state, { type: 'resolve_coordination', note: '已协调' }, ctx(issuer, 5)).state;
    const back = deserializeState(serializeState(state));
    expect(back).toEqual({ ...state, referral: null, verification: null }); // the codec fills in what old snapshots lack
    const c = back.coordinations[0]!;
    expect(c.raisedAt).toBeInstanceOf(Date);
    expect(c.forwards[0]!.at).toBeInstanceOf(Date);
    expect(c.resolved!.at).toBeInstanceOf(Date);
  });

  it('reads a snapshot saved before coordination requests existed as having none, and accepts a request on it', () => {
    const json = serializeState(opened()) as Record<string, unknown>;
    delete json.coordinations;
    const old = deserializeState(json);
    expect(old.coordinations).toEqual([]);
    const next = decide(old, { type: 'request_coordination', text: '需协调' }, ctx(member, 6)).state;
    expect(next.coordinations.map((c) => c.id)).toEqual([1]);
  });
});

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
    {
      unitId: 100,
      role: 'lead',
      assignedAt: '2026-03-02T01:00:00.000Z',
      removedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      lastProgressAt: null,
      contribution: null,
      contributionWaived: null,
      result: null,
      resultWaived: null,
      handlerId: null,
    },
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
    const referred = referItem(
      state,
      { rung: 4, cause: 'overdue', unitId: 100, reason: '逾期', nagCount: 6, daysOverdue: 6, chatId: -1009 },
      new Date('2026-03-12T01:00:00Z'),
    ).state;
    const answered: ItemState = {
      ...referred,
      referral: {
        ...referred.referral!,
        status: 'answered',
        receivedBy: 7,
        receivedAt: new Date('2026-03-13T01:00:00Z'),
        feedback: { text: '已约谈', by: 7, at: new Date('2026-03-14T01:00:00Z') },
      },
    };
    const back = deserializeState(serializeState(answered));
    expect(back.referral).toEqual(answered.referral);
    expect(back.referral!.sentAt).toBeInstanceOf(Date);
    expect(back.referral!.receivedAt).toBeInstanceOf(Date);
    expect(back.referral!.feedback!.at).toBeInstanceOf(Date);
  });
});
