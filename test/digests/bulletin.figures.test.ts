import { describe, expect, it } from 'vitest';
import { bulletinFigures, rankUnits, type HistoryEvent, type NagRecord, type UnitFigures } from '../../src/digests/bulletin.figures.js';

/**
 * The bulletin's definitions on hand-made histories. Units 1, 2, 3; the period is the week of
 * 9-15 March 2026 (Asia/Shanghai); routine items must be acknowledged within 16 working hours
 * (09:00-18:00), key items within 4.
 */
const TZ = 'Asia/Shanghai';
const options = {
  from: new Date('2026-03-09T00:00:00+08:00'),
  to: new Date('2026-03-16T00:00:00+08:00'),
  timezone: TZ,
  workingHours: { start: '09:00', end: '18:00' },
  ackNagHours: { key: 4, special: 8, routine: 16 },
};
const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

function history(itemId: number) {
  const events: HistoryEvent[] = [];
  const api = {
    opened(when: string, lead: number[], deadline: string, extra: { cooperating?: number[]; level?: string; deadlineTime?: string } = {}) {
      events.push({
        itemId,
        type: 'item_opened',
        at: at(when),
        unitId: null,
        data: {
          leadUnitIds: lead,
          cooperatingUnitIds: extra.cooperating ?? [],
          deadline,
          deadlineTime: extra.deadlineTime ?? null,
          level: extra.level ?? 'routine',
        },
      });
      return api;
    },
    ack(when: string, unitId: number) {
      events.push({ itemId, type: 'unit_acknowledged', at: at(when), unitId, data: {} });
      return api;
    },
    result(when: string, unitId: number) {
      events.push({ itemId, type: 'result_submitted', at: at(when), unitId, data: {} });
      return api;
    },
    returned(when: string, unitId: number) {
      events.push({ itemId, type: 'result_returned', at: at(when), unitId, data: {} });
      return api;
    },
    confirmed(when: string, resultAt: string, unitId: number) {
      events.push({ itemId, type: 'result_confirmed', at: at(when), unitId, data: { result: { at: at(resultAt).toISOString(), unitId } } });
      return api;
    },
    extended(when: string, date: string) {
      events.push({ itemId, type: 'extension_approved', at: at(when), unitId: null, data: { deadline: { after: { date, time: null } } } });
      return api;
    },
    transferred(when: string, from: number, to: number) {
      events.push({ itemId, type: 'unit_transferred', at: at(when), unitId: from, data: { fromUnitId: from, toUnitId: to } });
      return api;
    },
    excused(when: string, degree?: string) {
      events.push({ itemId, type: 'item_excused', at: at(when), unitId: null, data: degree ? { degree } : {} });
      return api;
    },
    cancelled(when: string) {
      events.push({ itemId, type: 'item_cancelled', at: at(when), unitId: null, data: {} });
      return api;
    },
    events,
  };
  return api;
}

function figures(events: HistoryEvent[], nags: NagRecord[] = []) {
  return bulletinFigures({ events, nags }, options);
}

describe('bulletin figures from the history', () => {
  it('acknowledgement is on time within the level’s working hours, counted once decided', () => {
    const events = [
      // Routine, Monday 9:00: the limit is Tuesday 16:00.
      ...history(1).opened('2026-03-09 09:00', [1], '2026-03-20').ack('2026-03-10 15:59', 1).events,
      ...history(2).opened('2026-03-09 09:00', [1], '2026-03-20').ack('2026-03-10 16:01', 1).events,
      // Key, Friday 16:00: the limit is Monday 11:00, after the period; not acknowledged: not decided yet.
      ...history(3).opened('2026-03-13 16:00', [1], '2026-03-20', { level: 'key' }).events,
      // Key, Thursday 9:00, limit 13:00, never acknowledged: late.
      ...history(4).opened('2026-03-12 09:00', [2], '2026-03-20', { level: 'key' }).events,
      // Assigned before the period: not counted.
      ...history(5).opened('2026-03-06 09:00', [2], '2026-03-20').ack('2026-03-09 09:00', 2).events,
    ];
    const f = figures(events);
    expect(f.units.get(1)).toMatchObject({ assigned: 3, ackCounted: 2, ackOnTime: 1, onTimeAckRate: 0.5 });
    expect(f.units.get(2)).toMatchObject({ assigned: 1, ackCounted: 1, ackOnTime: 0, onTimeAckRate: 0 });
  });

  it('does not hold an acknowledgement against a unit that lost the item before its limit', () => {
    const events = history(1).opened('2026-03-09 09:00', [1], '2026-03-20').transferred('2026-03-09 10:00', 1, 2).ack('2026-03-09 11:00', 2).events;
    const f = figures(events);
    expect(f.units.get(1)).toMatchObject({ assigned: 1, ackCounted: 0 });
    expect(f.units.get(2)).toMatchObject({ assigned: 1, ackCounted: 1, ackOnTime: 1 });
  });

  it('closes on time when the confirmed result came by the deadline in force, whenever the leader confirmed', () => {
    const events = [
      // Result Thursday, deadline Thursday, confirmed next Monday (in the period): on time.
      ...history(1).opened('2026-03-02 09:00', [1], '2026-03-12').result('2026-03-12 17:00', 1).confirmed('2026-03-13 10:00', '2026-03-12 17:00', 1).events,
      // Extended from the 10th to the 20th, result the 13th: on time.
      ...history(2)
        .opened('2026-03-02 09:00', [1], '2026-03-10')
        .extended('2026-03-09 09:00', '2026-03-20')
        .result('2026-03-13 09:00', 1)
        .confirmed('2026-03-13 10:00', '2026-03-13 09:00', 1).events,
      // A returned result, resubmitted late: late.
      ...history(3)
        .opened('2026-03-02 09:00', [2], '2026-03-10')
        .result('2026-03-10 09:00', 2)
        .returned('2026-03-10 12:00', 2)
        .result('2026-03-11 09:00', 2)
        .confirmed('2026-03-11 10:00', '2026-03-11 09:00', 2).events,
      // Due in the period and still open: counted, not on time, and overdue.
      ...history(4).opened('2026-03-02 09:00', [2], '2026-03-11').events,
      // Due in the period with its result in by then, waiting for the leader: not counted yet.
      ...history(5).opened('2026-03-02 09:00', [3], '2026-03-11').result('2026-03-11 10:00', 3).events,
      // Due in the period, result only after the deadline, waiting: counted, late; not overdue (nothing left to the unit).
      ...history(6).opened('2026-03-02 09:00', [3], '2026-03-11').result('2026-03-12 10:00', 3).events,
      // Closed before the period: out of it entirely.
      ...history(7).opened('2026-03-02 09:00', [3], '2026-03-05').result('2026-03-04 10:00', 3).confirmed('2026-03-05 10:00', '2026-03-04 10:00', 3).events,
    ];
    const f = figures(events);
    expect(f.units.get(1)).toMatchObject({ closeCounted: 2, closed: 2, closedOnTime: 2, onTimeCloseRate: 1, overdue: 0 });
    expect(f.units.get(2)).toMatchObject({ closeCounted: 2, closed: 1, closedOnTime: 0, onTimeCloseRate: 0, overdue: 1, returned: 1 });
    expect(f.units.get(3)).toMatchObject({ closeCounted: 1, closed: 0, closedOnTime: 0, overdue: 0 });
    expect(f.totals).toMatchObject({ closed: 3, closedOnTime: 2, overdue: 1, returned: 1 });
  });

  it('leaves excused items out entirely, even when excused after the period, and cancelled ones too', () => {
    const events = [
      ...history(1).opened('2026-03-02 09:00', [1], '2026-03-10').excused('2026-03-20 09:00').events,
      ...history(2).opened('2026-03-02 09:00', [1], '2026-03-10').cancelled('2026-03-12 09:00').events,
      ...history(3)
        .opened('2026-03-09 09:00', [1], '2026-03-10', { cooperating: [2] })
        .excused('2026-03-12 09:00').events,
    ];
    const nags: NagRecord[] = [
      { itemId: 1, unitId: 1, kind: 'overdue_nag', plannedAt: at('2026-03-11 09:00') },
      { itemId: 2, unitId: 1, kind: 'overdue_nag', plannedAt: at('2026-03-11 09:00') },
    ];
    const f = figures(events, nags);
    expect(f.units.get(1)).toMatchObject({ assigned: 0, closeCounted: 0, overdue: 0, nags: 0, excusedExcluded: 2 });
    expect(f.units.get(2)).toMatchObject({ assigned: 0, excusedExcluded: 1 });
    expect(f.totals).toMatchObject({ excused: 2, cancelled: 1, overdue: 0, nags: 0 });
  });

  it('keeps items excused 从轻 or 减轻 in every figure, marked; a later 免责 takes one out, a later 从轻 puts a 免责 one back', () => {
    const events = [
      ...history(1).opened('2026-03-02 09:00', [1], '2026-03-10').excused('2026-03-12 09:00', 'lenient').events,
      ...history(2)
        .opened('2026-03-02 09:00', [1], '2026-03-10', { cooperating: [2] })
        .excused('2026-03-12 09:00', 'mitigated').events,
      ...history(3).opened('2026-03-02 09:00', [1], '2026-03-10').excused('2026-03-12 09:00', 'lenient').excused('2026-03-13 09:00', 'exempt').events,
      ...history(4).opened('2026-03-02 09:00', [1], '2026-03-10').excused('2026-03-12 09:00').excused('2026-03-13 09:00', 'mitigated').events,
    ];
    const nags: NagRecord[] = [{ itemId: 1, unitId: 1, kind: 'overdue_nag', plannedAt: at('2026-03-11 09:00') }];
    const f = figures(events, nags);
    // Items 1, 2 and 4 are still overdue and counted against unit 1 (the lead), marked; item 3 is out.
    expect(f.units.get(1)).toMatchObject({ overdue: 3, nags: 1, lenient: 3, excusedExcluded: 1 });
    expect(f.units.get(2)?.lenient ?? 0).toBe(0); // a cooperating unit answers for no lateness
    expect(f.totals).toMatchObject({ overdue: 3, excused: 1, lenient: 1, mitigated: 2 });
  });

  it('counts nags and escalations addressed to a unit in the period, not warnings nor the leader’s nags', () => {
    const events = history(1).opened('2026-03-02 09:00', [1], '2026-03-05').events;
    const nags: NagRecord[] = [
      { itemId: 1, unitId: 1, kind: 'overdue_nag', plannedAt: at('2026-03-09 09:00') },
      { itemId: 1, unitId: 1, kind: 'escalation', plannedAt: at('2026-03-10 09:00') },
      { itemId: 1, unitId: 1, kind: 'ack_nag', plannedAt: at('2026-03-15 23:59') },
      { itemId: 1, unitId: 1, kind: 'warning', plannedAt: at('2026-03-10 09:00') },
      { itemId: 1, unitId: 0, kind: 'confirm_nag', plannedAt: at('2026-03-10 09:00') },
      { itemId: 1, unitId: 1, kind: 'overdue_nag', plannedAt: at('2026-03-16 09:00') },
    ];
    expect(figures(events, nags).units.get(1)).toMatchObject({ nags: 3, overdue: 1 });
  });

  it('counts 时间节点 past their day and not reported by the end of the period, for the lead units still owing', () => {
    const events: HistoryEvent[] = [
      {
        itemId: 7,
        type: 'item_opened',
        at: at('2026-03-02 09:00'),
        unitId: null,
        data: {
          leadUnitIds: [1, 2],
          cooperatingUnitIds: [3],
          deadline: '2026-03-31',
          deadlineTime: null,
          level: 'routine',
          milestones: [
            { due: '2026-03-10', text: '初稿' },
            { due: '2026-03-12', text: '征求意见' },
            { due: '2026-03-20', text: '定稿' },
          ],
        },
      },
      { itemId: 7, type: 'milestone_reported', at: at('2026-03-11 10:00'), unitId: 1, data: { index: 1 } },
      // Reported after the period: still overdue at its end.
      { itemId: 7, type: 'milestone_reported', at: at('2026-03-17 10:00'), unitId: 1, data: { index: 2 } },
    ];
    const f = figures(events);
    expect(f.totals.milestonesOverdue).toBe(1);
    expect(f.units.get(1)?.milestonesOverdue).toBe(1);
    expect(f.units.get(2)?.milestonesOverdue).toBe(1);
    expect(f.units.get(3)?.milestonesOverdue ?? 0).toBe(0);
  });

  it('does not depend on the order of the rows', () => {
    const events = history(1)
      .opened('2026-03-09 09:00', [1], '2026-03-20')
      .ack('2026-03-09 10:00', 1)
      .result('2026-03-11 10:00', 1)
      .returned('2026-03-11 11:00', 1).events;
    expect(figures([...events].reverse())).toEqual(figures(events));
  });

  it('ranks by closing rate, then acknowledgement rate, overdue, nags, returns and name; no rate goes last', () => {
    const row = (name: string, patch: Partial<UnitFigures>): UnitFigures & { name: string } => ({
      unitId: 0,
      name,
      assigned: 1,
      ackCounted: 1,
      ackOnTime: 1,
      onTimeAckRate: 1,
      closeCounted: 1,
      closed: 1,
      closedOnTime: 1,
      onTimeCloseRate: 1,
      overdue: 0,
      nags: 0,
      returned: 0,
      excusedExcluded: 0,
      lenient: 0,
      milestonesOverdue: 0,
      ...patch,
    });
    const ranked = rankUnits([
      row('丁', { onTimeCloseRate: null }),
      row('丙', { onTimeCloseRate: 0.5 }),
      row('乙', { nags: 2 }),
      row('甲', { onTimeAckRate: 0.5 }),
      row('戊', { returned: 1 }),
      row('己', {}),
    ]);
    expect(ranked.map((r) => r.name)).toEqual(['己', '戊', '乙', '甲', '丙', '丁']);
  });
});

describe('joint lead units (共同牵头) in the bulletin figures', () => {
  const partial = (itemId: number, when: string, unitId: number, pending: number[]): HistoryEvent => ({
    itemId,
    type: 'result_submitted',
    at: at(when),
    unitId,
    data: { status: { before: 'open', after: pending.length ? 'open' : 'result_submitted' }, pendingLeadUnitIds: pending },
  });

  it('judges each lead unit by its own result: the one in by the deadline is on time, the later one late', () => {
    const events = [
      ...history(1).opened('2026-03-02 09:00', [1, 2], '2026-03-11').ack('2026-03-02 10:00', 1).ack('2026-03-02 10:00', 2).events,
      partial(1, '2026-03-10 10:00', 1, [2]),
      partial(1, '2026-03-12 10:00', 2, []),
      {
        itemId: 1,
        type: 'result_confirmed',
        at: at('2026-03-13 10:00'),
        unitId: 2,
        data: {
          result: { at: at('2026-03-12 10:00').toISOString(), unitId: 2 },
          results: [
            { unitId: 1, at: at('2026-03-10 10:00').toISOString() },
            { unitId: 2, at: at('2026-03-12 10:00').toISOString() },
          ],
        },
      },
    ];
    const f = figures(events);
    expect(f.units.get(1)).toMatchObject({ closeCounted: 1, closed: 1, closedOnTime: 1, onTimeCloseRate: 1 });
    expect(f.units.get(2)).toMatchObject({ closeCounted: 1, closed: 1, closedOnTime: 0, onTimeCloseRate: 0 });
    // The item as a whole was complete only after its deadline.
    expect(f.totals).toMatchObject({ closed: 1, closedOnTime: 0 });
  });

  it('while one lead unit still owes its result after the deadline, only that one is overdue and counted late', () => {
    const events = [...history(1).opened('2026-03-02 09:00', [1, 2], '2026-03-11').events, partial(1, '2026-03-10 10:00', 1, [2])];
    const f = figures(events);
    expect([f.units.get(1)?.overdue ?? 0, f.units.get(1)?.closeCounted ?? 0]).toEqual([0, 0]);
    expect(f.units.get(2)).toMatchObject({ overdue: 1, closeCounted: 1 });
    expect(f.totals.overdue).toBe(1);
  });

  it('a waived lead unit counts neither late nor overdue; a return counts for every lead unit whose result went back', () => {
    const waived = [
      ...history(1).opened('2026-03-02 09:00', [1, 2], '2026-03-11').events,
      { itemId: 1, type: 'lead_waived', at: at('2026-03-12 09:00'), unitId: 2, data: { status: { before: 'open', after: 'open' } } },
    ];
    const f = figures(waived);
    expect(f.units.get(2)?.overdue ?? 0).toBe(0);
    expect(f.units.get(2)?.closeCounted ?? 0).toBe(0);
    expect(f.units.get(1)).toMatchObject({ overdue: 1, closeCounted: 1 });

    const returned = [
      ...history(2).opened('2026-03-02 09:00', [1, 2], '2026-03-20').events,
      partial(2, '2026-03-09 10:00', 1, [2]),
      partial(2, '2026-03-10 10:00', 2, []),
      { itemId: 2, type: 'result_returned', at: at('2026-03-11 10:00'), unitId: 2, data: { results: [{ unitId: 1 }, { unitId: 2 }] } },
    ];
    const g = figures(returned);
    // Each lead unit counts its return; the item counts one.
    expect([g.units.get(1)?.returned, g.units.get(2)?.returned, g.totals.returned]).toEqual([1, 1, 1]);
  });
});
