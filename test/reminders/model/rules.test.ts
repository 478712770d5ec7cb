import { describe, expect, it } from 'vitest';
import { isWorkingDay } from '../../../src/calendar/model/working-calendar.js';
import { decide } from '../../../src/items/model/transitions.js';
import type { ItemState } from '../../../src/items/model/types.js';
import { computeNextCheckAt, planReminders } from '../../../src/reminders/model/rules.js';
import { colourFor, rungFor, type PlannedSlot } from '../../../src/reminders/model/policy.js';
import { DEFAULT_ESCALATION } from '../../../src/config.js';
import { COOP, LEAD, actors, apply, bj, lines, local, openItem, schedule, simulate, type Sent } from '../reminder-fixtures.js';

const ack = (at: Date, actor = actors.leadMember) => ({ at, change: (s: ItemState) => apply(s, actor, { type: 'acknowledge' }, at) });
const of = (sent: Sent[], kind: Sent['kind']) => sent.filter((r) => r.kind === kind);

describe('the 2026 calendar the tests rely on (chinese-days data)', () => {
  it('has Spring Festival 15-23 Feb, May Day 1-5 May and National Day 1-7 Oct off, and 14 Feb, 28 Feb, 9 May, 20 Sep, 10 Oct (Saturdays and a Sunday) worked', () => {
    for (const day of ['2026-02-15', '2026-02-19', '2026-02-23', '2026-05-01', '2026-05-05', '2026-10-01', '2026-10-07'])
      expect(isWorkingDay(day), day).toBe(false);
    for (const day of ['2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10', '2026-10-08']) expect(isWorkingDay(day), day).toBe(true);
  });
});

describe('warnings before the deadline', () => {
  it('warns a key item 3, 1 and 0 working days before a deadline after Spring Festival: Friday 13 Feb (blue), then 24 and 25 Feb (yellow), nothing during the holiday', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-02-09 10:00'), deadline: '2026-02-25', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-02-09 10:30'),
    );
    const { sent } = simulate(state, { from: bj('2026-02-09 10:30'), to: bj('2026-02-25 18:00') });
    expect(lines(sent)).toEqual(['2026-02-13 09:00 warning u100 blue', '2026-02-24 09:00 warning u100 yellow', '2026-02-25 09:00 warning u100 yellow']);
    expect(sent.map((r) => (r.kind === 'warning' ? r.workingDaysLeft : null))).toEqual([3, 1, 0]);
  });

  it('counts the make-up Saturday 14 Feb as a working day: a key item due Monday 16 Feb... is due on a holiday, so its day-0 warning comes on that Saturday', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-02-09 10:00'), deadline: '2026-02-16', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-02-09 10:30'),
    );
    const { sent } = simulate(state, { from: bj('2026-02-09 10:30'), to: bj('2026-02-16 18:00') });
    // d0 = the last working day on or before the deadline = Sat 14 Feb; 1 before = Fri 13; 3 before = Wed 11.
    expect(lines(sent)).toEqual(['2026-02-11 09:00 warning u100 blue', '2026-02-13 09:00 warning u100 yellow', '2026-02-14 09:00 warning u100 yellow']);
  });

  it('warns a routine item due Monday 2 March on Saturday 28 February, a make-up working day', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-02-24 10:00'), deadline: '2026-03-02' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-02-24 11:00'),
    );
    const { sent } = simulate(state, { from: bj('2026-02-24 11:00'), to: bj('2026-03-02 18:00') });
    expect(lines(sent)).toEqual(['2026-02-28 09:00 warning u100 yellow']);
  });

  it('warns a routine item due 6 May on 30 April, before the May Day holiday', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-04-27 10:00'), deadline: '2026-05-06' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-04-27 11:00'),
    );
    const { sent } = simulate(state, { from: bj('2026-04-27 11:00'), to: bj('2026-05-06 18:00') });
    expect(lines(sent)).toEqual(['2026-04-30 09:00 warning u100 yellow']);
  });

  it('warns before each milestone too, and skips warnings whose day had passed when the unit was assigned', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-03-10 15:00'), deadline: '2026-03-31', level: 'key', milestones: [{ due: '2026-03-12', text: '完成现场排查' }] }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-10 15:10'),
    );
    // (Until the milestone's day: from the next morning an unreported milestone is nagged, see below.)
    const { sent } = simulate(state, { from: bj('2026-03-10 15:10'), to: bj('2026-03-12 18:00') });
    // The milestone's "3 days before" was Monday 9 March, before the assignment: not sent.
    expect(lines(sent)).toEqual(['2026-03-11 09:00 warning u100 yellow', '2026-03-12 09:00 warning u100 yellow']);
    expect(sent.map((r) => (r.kind === 'warning' ? `${r.target} ${r.date}` : ''))).toEqual(['milestone 2026-03-12', 'milestone 2026-03-12']);
  });

  it('warns cooperating units that still owe their contribution, and stops once they have given it', () => {
    let state = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-06', level: 'special', cooperating: true });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:05'));
    state = apply(state, actors.coopMember, { type: 'acknowledge' }, bj('2026-03-02 10:06'));
    const contribute = {
      at: bj('2026-03-05 12:00'),
      change: (s: ItemState) => apply(s, actors.coopMember, { type: 'submit_contribution', text: '已提供数据' }, bj('2026-03-05 12:00')),
    };
    const { sent } = simulate(state, { from: bj('2026-03-02 10:10'), to: bj('2026-03-06 18:00'), changes: [contribute] });
    // special: 2 and 0 working days before Friday 6 March.
    expect(lines(sent)).toEqual(['2026-03-04 09:00 warning u100 blue', `2026-03-04 09:00 warning u${COOP} blue`, '2026-03-06 09:00 warning u100 yellow']);
  });
});

describe('the colour rule', () => {
  it('is blue with 2 or more working days left, yellow with 1 or 0, red when overdue', () => {
    expect([colourFor(5), colourFor(2), colourFor(1), colourFor(0), colourFor(0, true), colourFor(-1)]).toEqual([
      'blue',
      'blue',
      'yellow',
      'yellow',
      'red',
      'red',
    ]);
  });
});

describe('the acknowledgement nag', () => {
  it('nags a key unit that has not acknowledged in 4 working hours, counting across the weekend: assigned Friday 16:00, nagged Monday 11:00', () => {
    const state = openItem({ assignedAt: bj('2026-03-06 16:00'), deadline: '2026-03-20', level: 'key' });
    const { sent } = simulate(state, { from: bj('2026-03-06 16:00'), to: bj('2026-03-09 12:00') });
    expect(lines(sent)).toEqual(['2026-03-09 11:00 ack_nag u100 blue']);
  });

  it('sends a nag that falls due at closing time at the next opening, and repeats every 4 working hours until the unit acknowledges', () => {
    const state = openItem({ assignedAt: bj('2026-03-09 14:00'), deadline: '2026-03-20', level: 'key' });
    const { sent } = simulate(state, { from: bj('2026-03-09 14:00'), to: bj('2026-03-11 18:00'), changes: [ack(bj('2026-03-10 14:00'))] });
    expect(lines(sent)).toEqual(['2026-03-10 09:00 ack_nag u100 blue', '2026-03-10 13:00 ack_nag u100 blue']);
    expect(sent.map((r) => (r.kind === 'ack_nag' ? r.nagNumber : 0))).toEqual([1, 2]);
  });

  it('nags a key unit at most four times, then tells its head (rung 2), then the leaders (rung 3), then stops', () => {
    const state = openItem({ assignedAt: bj('2026-03-09 09:00'), deadline: '2026-03-31', level: 'key' });
    const { sent } = simulate(state, { from: bj('2026-03-09 09:00'), to: bj('2026-03-20 18:00'), disciplineChat: true });
    expect(lines(sent)).toEqual([
      '2026-03-09 13:00 ack_nag u100 blue',
      '2026-03-09 17:00 ack_nag u100 blue',
      '2026-03-10 12:00 ack_nag u100 blue',
      '2026-03-10 16:00 ack_nag u100 blue',
      '2026-03-11 11:00 escalation u100 rung2 blue',
      '2026-03-11 15:00 escalation u100 rung3 blue',
    ]);
    const rungs = sent.filter((r) => r.kind === 'escalation');
    expect(rungs.map((r) => (r.kind === 'escalation' ? [r.cause, r.to] : null))).toEqual([
      ['ack', ['unit_head']],
      ['ack', ['leaders']],
    ]);
  });

  it('gives a routine unit 16 working hours, not counting the May Day holiday', () => {
    const state = openItem({ assignedAt: bj('2026-04-30 10:00'), deadline: '2026-05-29' });
    const { sent } = simulate(state, { from: bj('2026-04-30 10:00'), to: bj('2026-05-09 18:00') });
    // 30 Apr 10-18 (8 h) + 6 May 9-17 (8 h); then 6 May 17-18, 7 May, 8 May 9-15; then 8 May 15-18, Saturday 9 May (make-up) 9-18, ...
    expect(lines(sent)).toEqual(['2026-05-06 17:00 ack_nag u100 blue', '2026-05-08 15:00 ack_nag u100 blue']);
  });
});

describe('the missing progress report', () => {
  it('with a weekly rhythm (by Friday), nags the lead unit on the Monday after a Friday without a report; a report does not move the days', () => {
    let state = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-04-30', reportEvery: 'week' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:30'));
    const report = {
      at: bj('2026-03-05 11:00'),
      change: (s: ItemState) => apply(s, actors.leadMember, { type: 'report_progress', text: '已完成排查' }, bj('2026-03-05 11:00')),
    };
    const { sent } = simulate(state, { from: bj('2026-03-02 10:30'), to: bj('2026-03-24 18:00'), changes: [report] });
    // The report of Thu 5 Mar covers Fri 6 Mar; nothing by Fri 13 -> nag Mon 16; nothing by Fri 20 -> nag Mon 23.
    // (The first version counted a week from the last report: due Thu 12, nagged Fri 13 and Fri 20.)
    expect(lines(of(sent, 'report_nag'))).toEqual(['2026-03-16 09:00 report_nag u100 blue', '2026-03-23 09:00 report_nag u100 blue']);
  });

  it('counts a report made late, before the nag, for the day it was due, and keeps the next due day where it was', () => {
    let state = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-04-30', reportEvery: 'week:3' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:30'));
    // Due Wed 4 Mar (2 working days after Monday's assignment); reported Wed 4 evening, after hours.
    const late = {
      at: bj('2026-03-04 20:00'),
      change: (s: ItemState) => apply(s, actors.leadMember, { type: 'report_progress', text: '进展' }, bj('2026-03-04 20:00')),
    };
    const { sent } = simulate(state, { from: bj('2026-03-02 10:30'), to: bj('2026-03-19 18:00'), changes: [late] });
    // Wed 11 and Wed 18 pass without a report: nagged Thu 12 and Thu 19.
    expect(lines(of(sent, 'report_nag'))).toEqual(['2026-03-12 09:00 report_nag u100 blue', '2026-03-19 09:00 report_nag u100 blue']);
  });

  it("does not ask a unit assigned on Thursday for Friday's report", () => {
    let state = openItem({ assignedAt: bj('2026-03-05 10:00'), deadline: '2026-04-30', reportEvery: 'week:5' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-05 10:30'));
    const { sent } = simulate(state, { from: bj('2026-03-05 10:30'), to: bj('2026-03-16 18:00') });
    expect(lines(of(sent, 'report_nag'))).toEqual(['2026-03-16 09:00 report_nag u100 blue']);
  });

  it('with 每月25日前, nags after the 25th; a 25th that is a day off moves the due day to the next working day', () => {
    // 25 Sep 2026 is the Mid-Autumn Festival (due Mon 28, nagged Tue 29); 25 Oct is a Sunday (due Mon 26, nagged Tue 27).
    let state = openItem({ assignedAt: bj('2026-09-01 10:00'), deadline: '2026-12-31', reportEvery: 'month:25' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-09-01 10:30'));
    const { sent } = simulate(state, { from: bj('2026-09-01 10:30'), to: bj('2026-11-30 18:00') });
    expect(lines(of(sent, 'report_nag'))).toEqual([
      '2026-09-29 09:00 report_nag u100 blue',
      '2026-10-27 09:00 report_nag u100 blue',
      '2026-11-26 09:00 report_nag u100 blue',
    ]);
  });

  it("with 每半月, asks by the 15th and by the month's end; with 每季度, by the quarter's end", () => {
    let half = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-05-29', reportEvery: 'half-month' });
    half = apply(half, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:30'));
    const halves = simulate(half, { from: bj('2026-03-02 10:30'), to: bj('2026-04-20 18:00') }).sent;
    // 15 Mar is a Sunday -> due Mon 16, nagged Tue 17; 31 Mar (Tue) -> Wed 1 Apr; 15 Apr (Wed) -> Thu 16 Apr.
    expect(of(halves, 'report_nag').map((r) => `${r.slot} ${r.at.slice(0, 10)}`)).toEqual([
      '2026-03-16 2026-03-17',
      '2026-03-31 2026-04-01',
      '2026-04-15 2026-04-16',
    ]);
    let quarter = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-12-31', reportEvery: 'quarter' });
    quarter = apply(quarter, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:30'));
    const quarters = simulate(quarter, { from: bj('2026-03-02 10:30'), to: bj('2026-07-10 18:00') }).sent;
    expect(of(quarters, 'report_nag').map((r) => r.slot)).toEqual(['2026-03-31', '2026-06-30']);
  });

  it('asks the cooperating unit too when every unit reports, until it has delivered its part', () => {
    let state = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-04-30', reportEvery: 'week', cooperating: true, reportsFrom: 'all' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:30'));
    state = apply(state, actors.coopMember, { type: 'acknowledge' }, bj('2026-03-02 10:40'));
    const part = {
      at: bj('2026-03-10 11:00'),
      change: (s: ItemState) => apply(s, actors.coopMember, { type: 'submit_contribution', text: '配合意见' }, bj('2026-03-10 11:00')),
    };
    const { sent } = simulate(state, { from: bj('2026-03-02 10:30'), to: bj('2026-03-24 18:00'), changes: [part] });
    const nags = of(sent, 'report_nag').map((r) => `${r.at.slice(0, 10)} u${r.unitId}`);
    expect(nags.filter((n) => n.endsWith('u100'))).toEqual(['2026-03-09 u100', '2026-03-16 u100', '2026-03-23 u100']);
    // The cooperating unit: Friday 6 Mar missed (nagged Mon 9); it delivered its part on 10 Mar, so no more.
    expect(nags.filter((n) => !n.endsWith('u100'))).toHaveLength(1);
    expect(nags.filter((n) => !n.endsWith('u100'))[0]!.startsWith('2026-03-09')).toBe(true);
  });

  it('with a daily rhythm, asks for one report each working day, skipping the weekend', () => {
    let state = openItem({ assignedAt: bj('2026-03-05 10:00'), deadline: '2026-03-31', reportEvery: 'day' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-05 10:30'));
    const { sent } = simulate(state, { from: bj('2026-03-05 10:30'), to: bj('2026-03-10 18:00') });
    // Due Fri 6 (nag Mon 9), due Mon 9 (nag Tue 10).
    expect(lines(of(sent, 'report_nag'))).toEqual(['2026-03-09 09:00 report_nag u100 blue', '2026-03-10 09:00 report_nag u100 blue']);
  });

  it('does not ask for a report due on or after the deadline: the result is due then', () => {
    let state = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-09', reportEvery: 'week' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:30'));
    const { sent } = simulate(state, { from: bj('2026-03-02 10:30'), to: bj('2026-03-10 18:00') });
    expect(of(sent, 'report_nag')).toEqual([]);
  });
});

describe('stalled work climbs the ladder before the deadline (屡推不动)', () => {
  it('brings a unit that misses its weekly reports to its head after two in a row and to the leaders after three, once each', () => {
    let state = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-06-30', reportEvery: 'week' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:30'));
    const { sent } = simulate(state, { from: bj('2026-03-02 10:30'), to: bj('2026-03-31 18:00') });
    // Fridays 6, 13, 20, 27 Mar missed: nags on Mondays 9, 16, 23, 30; rung 2 with the second, rung 3 with the third.
    expect(lines(sent.filter((r) => r.kind === 'report_nag' || r.kind === 'escalation'))).toEqual([
      '2026-03-09 09:00 report_nag u100 blue',
      '2026-03-16 09:00 report_nag u100 blue',
      '2026-03-16 09:00 escalation u100 rung2 blue',
      '2026-03-23 09:00 report_nag u100 blue',
      '2026-03-23 09:00 escalation u100 rung3 blue',
      '2026-03-30 09:00 report_nag u100 blue',
    ]);
    const escalations = sent.filter((r) => r.kind === 'escalation');
    expect(escalations.map((r) => [r.rung, r.to])).toEqual([
      [2, ['unit_head']],
      [3, ['leaders']],
    ]);
  });

  it('starts the count again after a report', () => {
    let state = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-06-30', reportEvery: 'week' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:30'));
    const report = {
      at: bj('2026-03-17 11:00'),
      change: (s: ItemState) => apply(s, actors.leadMember, { type: 'report_progress', text: '进展' }, bj('2026-03-17 11:00')),
    };
    const { sent } = simulate(state, { from: bj('2026-03-02 10:30'), to: bj('2026-03-31 18:00'), changes: [report] });
    // Missed 6 and 13 (rung 2 on 16 Mar); reported 17 Mar (covers 20 Mar); missed 27 Mar: one miss, no rung.
    expect(sent.filter((r) => r.kind === 'escalation').map((r) => `${r.at.slice(0, 10)} r${r.rung}`)).toEqual(['2026-03-16 r2']);
  });

  it('brings a result returned three times to the leaders, once', () => {
    let state = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-06-30' });
    state = apply(state, actors.leadMember, { type: 'acknowledge' }, bj('2026-03-02 10:30'));
    const changes = [3, 4, 5].flatMap((day) => [
      {
        at: bj(`2026-03-0${day} 10:00`),
        change: (s: ItemState) => apply(s, actors.leadMember, { type: 'submit_result', text: `方案第${day}稿` }, bj(`2026-03-0${day} 10:00`)),
      },
      {
        at: bj(`2026-03-0${day} 15:00`),
        change: (s: ItemState) => apply(s, actors.issuer, { type: 'return_result', reason: '不够具体' }, bj(`2026-03-0${day} 15:00`)),
      },
    ]);
    const { sent } = simulate(state, { from: bj('2026-03-02 10:30'), to: bj('2026-03-13 18:00'), changes });
    const escalations = sent.filter((r) => r.kind === 'escalation');
    expect(escalations.map((r) => `${r.at.slice(0, 10)} r${r.rung} ${r.to.join(',')}`)).toEqual(['2026-03-05 r3 leaders']);
  });
});

describe('overdue nags and the escalation ladder', () => {
  it('nags a key item every working day after National Day and climbs the ladder: rung 2 at the 2nd nag, 3 at the 4th, 4 at the 6th', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-09-21 10:00'), deadline: '2026-09-30', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-09-21 10:30'),
    );
    const { sent } = simulate(state, { from: bj('2026-10-01 09:00'), to: bj('2026-10-15 18:00'), disciplineChat: true });
    expect(lines(sent)).toEqual([
      '2026-10-08 09:00 overdue_nag u100 red',
      '2026-10-09 09:00 overdue_nag u100 rung2 red',
      '2026-10-09 09:00 escalation u100 rung2 red',
      '2026-10-10 09:00 overdue_nag u100 rung2 red', // a make-up Saturday
      '2026-10-12 09:00 overdue_nag u100 rung3 red',
      '2026-10-12 09:00 escalation u100 rung3 red',
      '2026-10-13 09:00 overdue_nag u100 rung3 red',
      '2026-10-14 09:00 overdue_nag u100 rung4 red',
      '2026-10-14 09:00 escalation u100 rung4 red',
      '2026-10-15 09:00 overdue_nag u100 rung4 red',
    ]);
    expect(of(sent, 'escalation').map((r) => r.to)).toEqual([['unit_head'], ['leaders'], ['discipline']]);
    expect(of(sent, 'overdue_nag').map((r) => (r.kind === 'overdue_nag' ? `${r.nagCount}/${r.daysOverdue}` : ''))).toEqual([
      '1/1',
      '2/2',
      '3/3',
      '4/4',
      '5/5',
      '6/6',
      '7/7',
    ]);
  });

  it('reaches rung 4 without a discipline group too (the referral waits for one)', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-09-21 10:00'), deadline: '2026-09-30', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-09-21 10:30'),
    );
    const { sent } = simulate(state, { from: bj('2026-10-01 09:00'), to: bj('2026-10-30 18:00'), disciplineChat: false });
    expect(of(sent, 'escalation').map((r) => `${r.at.slice(0, 10)} r${r.rung}`)).toEqual(['2026-10-09 r2', '2026-10-12 r3', '2026-10-14 r4']);
  });

  it('takes rung 4 from the level when it sets its own threshold, and stops at rung 3 for a level that sets none', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-09-21 10:00'), deadline: '2026-09-30', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-09-21 10:30'),
    );
    const withKey = (rung4: { nags: number; daysOverdue: number } | null) => ({
      ...schedule,
      policy: { ...schedule.policy, levels: { ...schedule.policy.levels, key: { ...schedule.policy.levels.key, rung4 } } },
    });
    const sooner = simulate(state, { from: bj('2026-10-01 09:00'), to: bj('2026-10-30 18:00'), schedule: withKey({ nags: 5, daysOverdue: 30 }) });
    expect(of(sooner.sent, 'escalation').map((r) => `${r.at.slice(0, 10)} r${r.rung}`)).toEqual(['2026-10-09 r2', '2026-10-12 r3', '2026-10-13 r4']);
    const never = simulate(state, { from: bj('2026-10-01 09:00'), to: bj('2026-10-30 18:00'), schedule: withKey(null) });
    expect(Math.max(...never.sent.map((r) => r.rung))).toBe(3);
    expect(rungFor(DEFAULT_ESCALATION, 6, 6, false)).toBe(3);
    expect(rungFor(DEFAULT_ESCALATION, 5, 0, true, { nags: 5, daysOverdue: 99 })).toBe(4);
  });

  it('nags a routine item every 2 working days, on the make-up Saturday 9 May after May Day, and escalates by days overdue as well as by nags', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-04-27 10:00'), deadline: '2026-05-06' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-04-27 11:00'),
    );
    const { sent } = simulate(state, { from: bj('2026-05-06 18:00'), to: bj('2026-05-19 18:00') });
    expect(lines(sent)).toEqual([
      '2026-05-07 09:00 overdue_nag u100 red',
      '2026-05-09 09:00 overdue_nag u100 rung2 red', // 2 nags
      '2026-05-09 09:00 escalation u100 rung2 red',
      '2026-05-12 09:00 overdue_nag u100 rung2 red',
      '2026-05-14 09:00 overdue_nag u100 rung3 red', // 4 nags, 7 working days
      '2026-05-14 09:00 escalation u100 rung3 red',
      '2026-05-18 09:00 overdue_nag u100 rung3 red',
    ]);
  });

  it('reaches a rung by days overdue alone when the policy nags rarely', () => {
    const rare = {
      ...schedule,
      policy: { ...schedule.policy, levels: { ...schedule.policy.levels, routine: { ...schedule.policy.levels.routine, overdueNagEveryDays: 5 } } },
    };
    const state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-06' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 11:00'),
    );
    const { sent } = simulate(state, { from: bj('2026-03-06 18:00'), to: bj('2026-03-17 18:00'), schedule: rare });
    // Nag 1 on Mon 9 Mar (1 day overdue), nag 2 on Mon 16 Mar (6 days overdue >= 3): rung 2 both by count and by days.
    expect(lines(sent)).toEqual([
      '2026-03-09 09:00 overdue_nag u100 red',
      '2026-03-16 09:00 overdue_nag u100 rung2 red',
      '2026-03-16 09:00 escalation u100 rung2 red',
    ]);
    expect(rungFor(DEFAULT_ESCALATION, 1, 7, false)).toBe(3);
  });

  it('nags from the next minute when the deadline has a time of day', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', deadlineTime: '15:00', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    const { sent } = simulate(state, { from: bj('2026-03-04 10:00'), to: bj('2026-03-05 09:30') });
    expect(lines(of(sent, 'warning'))).toEqual(['2026-03-04 10:00 warning u100 yellow']);
    expect(lines(sent.filter((r) => r.kind !== 'warning'))).toEqual([
      '2026-03-04 15:01 overdue_nag u100 red',
      '2026-03-05 09:00 overdue_nag u100 rung2 red',
      '2026-03-05 09:00 escalation u100 rung2 red',
    ]);
  });

  it('does not nag an overdue unit while its extension request waits: the deciding leaders are reminded instead', () => {
    let state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', level: 'special' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    state = apply(state, actors.leadMember, { type: 'request_extension', until: '2026-03-13', reason: '等待检测报告' }, bj('2026-03-04 16:00'));
    const { sent } = simulate(state, { from: bj('2026-03-04 16:00'), to: bj('2026-03-11 18:00') });
    expect(sent.filter((r) => r.kind === 'overdue_nag' || r.kind === 'escalation')).toEqual([]);
    // special: confirmNagDays 2, counted in working hours from the request (Wed 16:00 -> Fri 16:00, then Tue 16:00).
    expect(lines(sent).filter((l) => !l.includes('warning'))).toEqual(['2026-03-06 16:00 extension_nag u0', '2026-03-10 16:00 extension_nag u0']);
    expect(sent.every((r) => r.kind !== 'extension_nag' || r.to.join() === 'deciders')).toBe(true);
  });

  it('starts counting again after an approved extension, and stops nagging once the result is submitted', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    const extend = (at: Date) => ({
      at,
      change: (s: ItemState) =>
        apply(
          apply(s, actors.leadMember, { type: 'request_extension', until: '2026-03-10', reason: '等待批复' }, at),
          actors.issuer,
          { type: 'approve_extension' },
          at,
        ),
    });
    const submit = (at: Date) => ({ at, change: (s: ItemState) => apply(s, actors.leadMember, { type: 'submit_result', text: '已完成' }, at) });
    const { sent } = simulate(state, {
      from: bj('2026-03-04 12:00'),
      to: bj('2026-03-13 18:00'),
      changes: [extend(bj('2026-03-06 10:00')), submit(bj('2026-03-12 10:30'))],
    });
    expect(lines(sent.filter((r) => r.kind === 'overdue_nag' || r.kind === 'escalation'))).toEqual([
      '2026-03-05 09:00 overdue_nag u100 red',
      '2026-03-06 09:00 overdue_nag u100 rung2 red',
      '2026-03-06 09:00 escalation u100 rung2 red',
      // extended to 10 March: a new deadline, a new count
      '2026-03-11 09:00 overdue_nag u100 red',
      '2026-03-12 09:00 overdue_nag u100 rung2 red',
      '2026-03-12 09:00 escalation u100 rung2 red',
    ]);
    // The new deadline's warnings (the "3 days before" one had come already when it was approved)...
    expect(of(sent, 'warning').map((r) => r.at)).toEqual(['2026-03-04 12:00', '2026-03-06 10:00', '2026-03-09 09:00', '2026-03-10 09:00']);
    // ...and, once the result is in, the leader's turn: a key result waits one working day.
    expect(lines(of(sent, 'confirm_nag'))).toEqual(['2026-03-13 10:30 confirm_nag u0']);
  });

  it('never nags an excused item for being overdue, nor escalates it', () => {
    let state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    state = apply(state, actors.admin, { type: 'excuse', reason: '上级政策调整' }, bj('2026-03-05 08:00'));
    const { sent, nextCheckAt } = simulate(state, { from: bj('2026-03-05 08:00'), to: bj('2026-04-30 18:00') });
    expect(sent).toEqual([]);
    expect(nextCheckAt).toBeNull();
  });

  it('keeps nagging an item excused 从轻 or 减轻 (the work is still owed) but climbs no further up the ladder', () => {
    const open = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    const plain = simulate(open, { from: bj('2026-03-05 08:00'), to: bj('2026-03-20 18:00') }).sent;
    for (const degree of ['lenient', 'mitigated'] as const) {
      const state = apply(open, actors.admin, { type: 'excuse', degree, reason: '上级政策调整' }, bj('2026-03-05 08:00'));
      const { sent } = simulate(state, { from: bj('2026-03-05 08:00'), to: bj('2026-03-20 18:00') });
      // The same overdue nags to the unit as without the excuse...
      expect(lines(of(sent, 'overdue_nag'))).toEqual(lines(of(plain, 'overdue_nag')));
      expect(of(sent, 'overdue_nag').length).toBeGreaterThan(2);
      // ...but not one escalation, where the unexcused item climbs.
      expect(of(plain, 'escalation').length).toBeGreaterThan(0);
      expect(of(sent, 'escalation')).toEqual([]);
    }
  });

  it('never reminds anyone of a cancelled or closed item', () => {
    const open = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    const cancelled = apply(open, actors.issuer, { type: 'cancel', reason: '不再需要' }, bj('2026-03-02 11:00'));
    const submitted = apply(open, actors.leadMember, { type: 'submit_result', text: '已完成' }, bj('2026-03-02 11:00'));
    const closed = apply(submitted, actors.issuer, { type: 'confirm_result' }, bj('2026-03-02 12:00'));
    for (const state of [cancelled, closed]) {
      const { sent, nextCheckAt } = simulate(state, { from: bj('2026-03-02 12:00'), to: bj('2026-04-30 18:00') });
      expect(sent).toEqual([]);
      expect(nextCheckAt).toBeNull();
    }
  });
});

describe('the confirming leader is on a deadline too', () => {
  it('nags the leaders about a routine result that waited 3 working days, not counting May Day, and again 3 working days later', () => {
    let state = apply(
      openItem({ assignedAt: bj('2026-04-20 10:00'), deadline: '2026-05-29', leaderInCharge: 3 }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-04-20 10:05'),
    );
    state = apply(state, actors.leadMember, { type: 'submit_result', text: '已完成' }, bj('2026-04-29 15:00'));
    const { sent } = simulate(state, { from: bj('2026-04-29 15:00'), to: bj('2026-05-12 18:00') });
    // 29 Apr 15-18 (3 h) + 30 Apr (9 h) + 6 May (9 h) + 6 h on 7 May = 27 working hours;
    // then 7 May 15-18, 8 May, Saturday 9 May (make-up) and 11 May 9-15.
    expect(lines(sent)).toEqual(['2026-05-07 15:00 confirm_nag u0', '2026-05-11 15:00 confirm_nag u0']);
    expect(sent[0]).toMatchObject({ kind: 'confirm_nag', to: ['deciders'], workingDaysWaiting: 3, resultUnitId: LEAD });
  });

  it('stops once the leader returns the result; the unit is then on its deadline again', () => {
    let state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-31', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    state = apply(state, actors.leadMember, { type: 'submit_result', text: '已完成' }, bj('2026-03-03 10:00'));
    const ret = {
      at: bj('2026-03-04 11:00'),
      change: (s: ItemState) => apply(s, actors.issuer, { type: 'return_result', reason: '数据不全' }, bj('2026-03-04 11:00')),
    };
    const { sent } = simulate(state, { from: bj('2026-03-03 10:00'), to: bj('2026-03-20 18:00'), changes: [ret] });
    expect(lines(of(sent, 'confirm_nag'))).toEqual(['2026-03-04 10:00 confirm_nag u0']);
  });
});

describe('调查复核: a result awaiting verification', () => {
  it('does not nag the leaders, who cannot confirm it yet; once verified, they are nagged from the verification on', () => {
    let state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-31', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    const at = bj('2026-03-03 10:00');
    state = decide(
      state,
      { type: 'submit_result', text: '已完成' },
      { actor: actors.leadMember, at, today: '2026-03-03', verifyPolicy: { verify: true, evidence: false } },
    ).state;
    expect(state.verification?.verdict).toBeNull();
    const verify = {
      at: bj('2026-03-05 10:00'),
      change: (s: ItemState) => apply(s, actors.admin, { type: 'verify_result', verdict: 'true', note: '属实' }, bj('2026-03-05 10:00')),
    };
    const { sent } = simulate(state, { from: at, to: bj('2026-03-06 18:00'), changes: [verify] });
    expect(lines(of(sent, 'confirm_nag'))).toEqual(['2026-03-06 10:00 confirm_nag u0']);
  });
});

describe('working hours and downtime', () => {
  it('plans nothing outside working hours and asks to be looked at again at the next opening', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    const evening = planReminders({ state, now: bj('2026-03-06 20:30'), schedule });
    expect(evening.due).toEqual([]);
    expect(local(evening.nextCheckAt!)).toBe('2026-03-09 09:00');
  });

  it('after three days down plans one overdue nag per unit (today’s), not one per missed day', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', level: 'routine' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    const before = simulate(state, { from: bj('2026-03-02 10:05'), to: bj('2026-03-05 10:00') });
    expect(lines(of(before.sent, 'overdue_nag'))).toEqual(['2026-03-05 09:00 overdue_nag u100 red']);
    // Down from Thursday 10:00 until Monday 14:00: the routine nag of Friday... is not due (every 2 days);
    // the key policy would have nagged Friday and Monday 09:00. Either way: one nag now.
    for (const level of ['routine', 'key'] as const) {
      const after = planReminders({ state: { ...state, level }, now: bj('2026-03-09 14:00'), schedule, planned: before.planned });
      expect(after.due.filter((r) => r.kind === 'overdue_nag').map((r) => r.slot)).toEqual(['2026-03-04/2026-03-09']);
    }
  });

  it('after a week down reaches every rung it passed meanwhile at once, each one recorded', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    const before = simulate(state, { from: bj('2026-03-02 10:05'), to: bj('2026-03-05 10:00') });
    const after = planReminders({ state, now: bj('2026-03-13 14:00'), schedule, planned: before.planned, disciplineChat: true });
    // 2 nags, 7 working days overdue: rung 3 (by days), not 4 (6 nags or 15 days).
    expect(after.due.map((r) => `${r.kind} ${r.slot} rung${r.rung} ${r.to.join(',')}`)).toEqual([
      'overdue_nag 2026-03-04/2026-03-13 rung3 unit',
      'escalation 2026-03-04/r2 rung2 unit_head',
      'escalation 2026-03-04/r3 rung3 leaders',
    ]);
  });

  it('replaces missed warnings by the latest one: down over the 3-days-before warning, only the 1-day-before one goes out', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-13', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    const plan = planReminders({ state, now: bj('2026-03-12 10:00'), schedule, planned: [] });
    expect(plan.due.map((r) => `${r.kind} ${r.slot}`)).toEqual(['warning d:2026-03-13:1']);
  });

  it('looks at an item exactly when something falls due: polling every 10 minutes finds nothing that waiting for nextCheckAt misses', () => {
    const cases: ItemState[] = [
      openItem({
        assignedAt: bj('2026-02-09 10:00'),
        deadline: '2026-02-25',
        level: 'key',
        reportEvery: 'day',
        milestones: [{ due: '2026-02-13', text: '排查' }],
      }),
      openItem({ assignedAt: bj('2026-04-28 16:20'), deadline: '2026-05-11', level: 'special', reportEvery: 'week', cooperating: true }),
      openItem({ assignedAt: bj('2026-09-18 17:40'), deadline: '2026-10-09', deadlineTime: '12:00', level: 'routine', reportEvery: 'month' }),
    ];
    for (const state of cases) {
      const from = state.openedAt!;
      const to = new Date(from.getTime() + 40 * 86_400_000);
      const submitAt = new Date(from.getTime() + 30 * 86_400_000);
      const submit = {
        at: submitAt,
        change: (s: ItemState) => {
          const waived = s.units.some((u) => u.role === 'cooperating') ? apply(s, actors.issuer, { type: 'waive_contributions' }, submitAt) : s;
          return apply(waived, actors.leadMember, { type: 'submit_result', text: '已完成' }, submitAt);
        },
      };
      const exact = simulate(state, { from, to, disciplineChat: true, changes: [submit] });
      const polled = simulate(state, { from, to, everyMinutes: 10, disciplineChat: true, changes: [submit] });
      const key = (r: Sent) => `${r.kind} u${r.unitId} ${r.slot} rung${r.rung}`;
      expect(exact.sent.map(key)).toEqual(polled.sent.map(key));
      // ...and never later than the poller (which is at most 10 minutes late).
      for (const [i, r] of exact.sent.entries()) expect(r.at <= polled.sent[i]!.at).toBe(true);
      expect(exact.sent.length).toBeGreaterThan(5);
    }
  });
});

describe('the next check time stored on save', () => {
  it('gives a freshly assigned key item its first check at its acknowledgement nag', () => {
    const state = openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-20', level: 'key' });
    expect(local(computeNextCheckAt({ state, now: bj('2026-03-02 10:00'), schedule })!)).toBe('2026-03-02 14:00');
  });

  it('after acknowledgement moves on to the first warning', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-20', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    expect(local(computeNextCheckAt({ state, now: bj('2026-03-02 10:05'), schedule })!)).toBe('2026-03-17 09:00');
  });

  it('answers "now" when something may be due that it cannot know was planned, and null for a draft', () => {
    const state = apply(
      openItem({ assignedAt: bj('2026-03-02 10:00'), deadline: '2026-03-04', level: 'key' }),
      actors.leadMember,
      { type: 'acknowledge' },
      bj('2026-03-02 10:05'),
    );
    expect(local(computeNextCheckAt({ state, now: bj('2026-03-05 11:00'), schedule })!)).toBe('2026-03-05 11:00');
    const planned: PlannedSlot[] = [{ unitId: LEAD, kind: 'overdue_nag', slot: '2026-03-04/2026-03-05' }];
    expect(local(planReminders({ state, now: bj('2026-03-05 11:00'), schedule, planned }).nextCheckAt!)).toBe('2026-03-06 09:00');
    const draft = { ...state, status: 'draft' as const };
    expect(computeNextCheckAt({ state: draft, now: bj('2026-03-05 11:00'), schedule })).toBeNull();
  });
});

describe('joint lead units (共同牵头)', () => {
  const LEAD2 = 101;
  const lead2Member = { personId: 12, isAdmin: false, isLeader: false, unitIds: [LEAD2] };

  it('warns and nags only the lead unit whose own result is still missing, not the one that delivered', () => {
    const state = openItem({ assignedAt: bj('2026-03-02 09:00'), deadline: '2026-03-06', level: 'key', leads: [LEAD, LEAD2] });
    const { sent } = simulate(state, {
      from: bj('2026-03-02 09:00'),
      to: bj('2026-03-10 18:00'),
      changes: [
        ack(bj('2026-03-02 09:30')),
        ack(bj('2026-03-02 09:30'), lead2Member),
        { at: bj('2026-03-03 10:00'), change: (s) => apply(s, actors.leadMember, { type: 'submit_result', text: '住建局部分' }, bj('2026-03-03 10:00')) },
      ],
    });
    const after = sent.filter((r) => r.at >= '2026-03-03 10:00');
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(after.map((r) => r.unitId))).toEqual(new Set([LEAD2]));
    expect(of(sent, 'overdue_nag').map((r) => r.unitId)).toEqual(of(sent, 'overdue_nag').map(() => LEAD2));
    expect(of(sent, 'overdue_nag').length).toBeGreaterThan(0);
  });

  it('stops nagging once a leader waives the lead unit still owing, and reminds the deciders of the result instead', () => {
    const state = openItem({ assignedAt: bj('2026-03-02 09:00'), deadline: '2026-03-06', level: 'key', leads: [LEAD, LEAD2] });
    const waiveAt = bj('2026-03-09 12:00');
    const { sent, state: last } = simulate(state, {
      from: bj('2026-03-02 09:00'),
      to: bj('2026-03-13 18:00'),
      changes: [
        ack(bj('2026-03-02 09:30')),
        ack(bj('2026-03-02 09:30'), lead2Member),
        { at: bj('2026-03-03 10:00'), change: (s) => apply(s, actors.leadMember, { type: 'submit_result', text: '住建局部分' }, bj('2026-03-03 10:00')) },
        { at: waiveAt, change: (s) => apply(s, actors.issuer, { type: 'waive_lead', unitId: LEAD2, reason: '职责调整' }, waiveAt) },
      ],
    });
    expect(last.status).toBe('result_submitted');
    expect(sent.filter((r) => r.at > '2026-03-09 12:00' && r.unitId !== 0)).toEqual([]);
    expect(of(sent, 'confirm_nag').length).toBeGreaterThan(0);
  });
});

describe('milestones (时间节点) overdue', () => {
  const reportNode = (at: Date, index: number) => ({ at, change: (s: ItemState) => apply(s, actors.leadMember, { type: 'report_milestone', index }, at) });
  const acked = (milestones: { due: string; text: string }[], deadline = '2026-03-31') =>
    apply(openItem({ assignedAt: bj('2026-03-09 10:00'), deadline, milestones }), actors.leadMember, { type: 'acknowledge' }, bj('2026-03-09 10:05'));

  it('nags an unreported milestone from the next working morning at the overdue cadence, with how late and since when, and stops once it is reported', () => {
    const state = acked([{ due: '2026-03-12', text: '完成现场排查' }]);
    const { sent } = simulate(state, { from: bj('2026-03-09 10:10'), to: bj('2026-03-24 18:00'), changes: [reportNode(bj('2026-03-17 12:00'), 1)] });
    // routine: warned 1 working day before; then nagged every 2 working days from Friday 13 March.
    expect(lines(sent)).toEqual(['2026-03-11 09:00 warning u100 yellow', '2026-03-13 09:00 milestone_nag u100 red', '2026-03-17 09:00 milestone_nag u100 red']);
    const nags = of(sent, 'milestone_nag');
    expect(nags.map((r) => (r.kind === 'milestone_nag' ? [r.index, r.date, r.text, r.daysOverdue, r.calendarDaysOverdue, r.nagCount] : null))).toEqual([
      [1, '2026-03-12', '完成现场排查', 1, 1, 1],
      [1, '2026-03-12', '完成现场排查', 3, 5, 2],
    ]);
  });

  it('sends no warning and no nag for a milestone reported before its day', () => {
    const state = acked([{ due: '2026-03-12', text: '完成现场排查' }]);
    const { sent } = simulate(state, { from: bj('2026-03-09 10:10'), to: bj('2026-03-20 18:00'), changes: [reportNode(bj('2026-03-10 11:00'), 1)] });
    expect(sent).toEqual([]);
  });

  it('nags each unreported milestone on its own, and hands over to the overdue nag once the deadline passes', () => {
    const state = acked(
      [
        { due: '2026-03-10', text: '排查' },
        { due: '2026-03-12', text: '方案' },
      ],
      '2026-03-16',
    );
    const { sent } = simulate(state, { from: bj('2026-03-09 10:10'), to: bj('2026-03-18 18:00'), changes: [reportNode(bj('2026-03-11 10:00'), 1)] });
    const nags = of(sent, 'milestone_nag').map((r) => `${r.at} ${r.kind === 'milestone_nag' ? r.index : ''}`);
    // Milestone 1: nagged Wed 11 March, then reported. Milestone 2: Fri 13 March; its next (Tue 17) falls after the deadline.
    expect(nags).toEqual(['2026-03-11 09:00 1', '2026-03-13 09:00 2']);
    expect(of(sent, 'overdue_nag').map((r) => r.at)).toEqual(['2026-03-17 09:00']);
  });
});
