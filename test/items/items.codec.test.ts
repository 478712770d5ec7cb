import { describe, expect, it } from 'vitest';
import { deserializeState, serializeState } from '../../src/items/items.codec.js';
import { createDraft, decide, type Actor } from '../../src/items/items.models.js';

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
    expect(back).toEqual(state);
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
