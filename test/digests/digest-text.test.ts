import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n/translator.js';
import {
  bulletinPeriods,
  digestWindow,
  emptyChanges,
  emptyCounts,
  isoWeekKey,
  digestLateText,
  itemColour,
  LIST_LIMIT,
  UNIT_BLOCK_LIMIT,
  MESSAGE_LIMIT,
  renderLeadersDigest,
  splitMessages,
  type DigestItem,
  type LeadersDigest,
  type LeadersDigestUnit,
  type UnitListedItem,
} from '../../src/digests/digest-text.js';

const TZ = 'Asia/Shanghai';
const t = createTranslator().for('zh');

function window(local: string, lastDigestAt: Date | null = null) {
  return digestWindow({ at: new Date(`${local}+08:00`), timezone: TZ, dailyTime: '08:30', lastDigestAt, severeAfterWorkingDays: 7 });
}

function item(n: number, patch: Partial<DigestItem> = {}): DigestItem {
  return {
    id: n,
    code: `督办〔2026〕${n}号`,
    text: `第${n}项工作`,
    status: 'open',
    deadline: '2026-03-05',
    deadlineTime: null,
    deadlineAt: new Date('2026-03-05T23:59:59.999+08:00'),
    openedAt: new Date('2026-03-02T09:00:00+08:00'),
    resultSubmittedAt: null,
    closedAt: null,
    closedOnTime: null,
    excused: false,
    leadUnitIds: [1],
    ...patch,
  };
}

describe('what a digest covers', () => {
  it('counts from the last digest that went out, or from the last working day’s digest time before the first one', () => {
    expect(window('2026-03-10T08:30:00').since).toEqual(new Date('2026-03-09T08:30:00+08:00'));
    // Monday: the previous working day is Friday.
    expect(window('2026-03-09T08:30:00').since).toEqual(new Date('2026-03-06T08:30:00+08:00'));
    // After Qingming (4-6 April 2026): from Friday 3 April.
    expect(window('2026-04-07T08:30:00').since).toEqual(new Date('2026-04-03T08:30:00+08:00'));
    const last = new Date('2026-03-05T10:15:00+08:00');
    expect(window('2026-03-10T08:30:00', last).since).toEqual(last);
  });

  it('calls an item due soon up to the third working day ahead, skipping days off', () => {
    expect(window('2026-03-11T08:30:00').dueSoonUntil).toBe('2026-03-16');
    expect(window('2026-04-02T08:30:00').dueSoonUntil).toBe('2026-04-08');
  });

  it('colours like the reminders: blue with two working days or more, yellow with one or none, red overdue', () => {
    const w = window('2026-03-11T08:30:00');
    const due = (date: string) => item(1, { deadline: date, deadlineAt: new Date(`${date}T23:59:59.999+08:00`) });
    expect(itemColour(due('2026-03-13'), w)).toBe('blue');
    expect(itemColour(due('2026-03-12'), w)).toBe('yellow');
    expect(itemColour(due('2026-03-11'), w)).toBe('yellow');
    expect(itemColour(due('2026-03-10'), w)).toBe('red');
    expect(itemColour(due('2026-03-20'), w)).toBeNull();
    expect(itemColour({ ...due('2026-03-10'), status: 'result_submitted' }, w)).toBeNull();
    // A deadline with a time that passed this morning is overdue already.
    expect(itemColour({ ...due('2026-03-11'), deadlineAt: new Date('2026-03-11T08:00:00+08:00') }, w)).toBe('red');
  });

  it('marks overdue as severe from the seventh working day', () => {
    expect(window('2026-03-11T08:30:00').severeOnOrBefore).toBe('2026-03-02');
  });

  it('names ISO weeks and the bulletin’s periods in the organisation’s zone', () => {
    expect(isoWeekKey('2026-03-16')).toBe('2026-W12');
    expect(isoWeekKey('2026-01-01')).toBe('2026-W01');
    expect(isoWeekKey('2027-01-01')).toBe('2026-W53');
    expect(isoWeekKey('2024-12-30')).toBe('2025-W01');
    const p = bulletinPeriods(new Date('2026-03-16T01:00:00Z'), TZ);
    expect(p.week).toMatchObject({
      firstDay: '2026-03-09',
      lastDay: '2026-03-15',
      from: new Date('2026-03-09T00:00:00+08:00'),
      to: new Date('2026-03-16T00:00:00+08:00'),
    });
    expect(p.year.from).toEqual(new Date('2026-01-01T00:00:00+08:00'));
    // The first bulletin of a year still ranks the year just ended.
    expect(bulletinPeriods(new Date('2026-01-01T09:00:00+08:00'), TZ).year.firstDay).toBe('2025-01-01');
  });
});

describe('how lateness reads', () => {
  it('counts working days, with the calendar days in brackets where they differ', () => {
    // Wednesday 11 March 2026: Monday 9th is two working days back, Friday 6th three (five calendar days).
    expect(digestLateText(t, '2026-03-09', '2026-03-11')).toBe('晚 2 个工作日');
    expect(digestLateText(t, '2026-03-06', '2026-03-11')).toBe('晚 3 个工作日（5 天）');
    expect(digestLateText(t, '2026-03-11', '2026-03-11')).toBe('今天到期');
    expect(digestLateText(createTranslator().for('en'), '2026-03-06', '2026-03-11')).toBe('3 working days (5 days) late');
  });
});

describe('how long digests are cut', () => {
  it('packs lines under the limit and marks continuations', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i}`.padStart(100, '·'));
    const parts = splitMessages(lines, (part, parts) => `(${part}/${parts})`, 1000);
    // Nine 100-character lines fit under 1,000 with their line breaks (and a continuation mark).
    expect(parts.length).toBe(12);
    expect(parts.every((p) => p.length <= 1000)).toBe(true);
    expect(parts[1]!.startsWith('(2/12)\n')).toBe(true);
    expect(parts.join('\n')).toContain(lines[99]);
  });

  it('lists at most ten items a section with a pointer to the rest; of 500 units, the 30 most urgent in full and the others summed in one line, in a few messages', () => {
    const w = window('2026-03-11T08:30:00');
    const dueSoon = Array.from({ length: LIST_LIMIT }, (_, i) =>
      item(i + 1, { text: '很长的批示'.repeat(40), deadline: '2026-03-12', deadlineAt: new Date('2026-03-12T23:59:59.999+08:00') }),
    );
    const listedItem = (n: number): UnitListedItem => ({
      id: n,
      code: `督办〔2026〕${n}号`,
      role: 'lead',
      since: new Date('2026-03-02T09:00:00+08:00'),
      deadline: '2026-03-05',
    });
    const units: LeadersDigestUnit[] = Array.from({ length: 500 }, (_, i) => ({
      unitId: i + 1,
      counts: { ...emptyCounts(), open: 200, overdue: 3, dueSoon: 4, waiting: 1, unacknowledged: 5 },
      changes: emptyChanges(),
      unacknowledged: [listedItem(1), listedItem(2), listedItem(3)],
      overdue: [listedItem(4), listedItem(5), listedItem(6)],
      waiting: [listedItem(7)],
    }));
    const digest: LeadersDigest = {
      totals: { ...emptyCounts(), open: 100_000, overdue: 1500, dueSoon: 1500 },
      changes: emptyChanges(),
      decisions: { items: [], total: 0, mine: 0 },
      sections: { dueSoon, opened: [] },
      units,
    };
    const names = new Map(units.map((u) => [u.unitId, `市第${u.unitId}局综合行政执法大队`]));
    const parts = renderLeadersDigest(digest, { t, timezone: TZ, unitNames: names, window: w }).map((p) => p.text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBeLessThanOrEqual(4);
    expect(parts.every((p) => p.length <= MESSAGE_LIMIT)).toBe(true);
    const all = parts.join('\n');
    expect(all).toContain('…另有 1,490 件，查看：/list open');
    const inFull = units.filter((u) => all.includes(`<b>${names.get(u.unitId)}</b>：`));
    expect(inFull).toHaveLength(UNIT_BLOCK_LIMIT);
    expect(all).toContain('…其余 470 个单位合计：在办 94,000 · 逾期 1,410 · 未签收 2,350 · 待确认 470');
    // Three items named per kind and unit, then how many more.
    expect(all).toContain('  ⚪ 未签收：督办〔2026〕1号 7 个工作日、督办〔2026〕2号 7 个工作日、督办〔2026〕3号 7 个工作日等，另有 2 件');
    expect(parts[1]).toMatch(/^（续，第 2\/\d+ 条）/);
  });

  it('says so when there is nothing to report', () => {
    const digest: LeadersDigest = {
      totals: emptyCounts(),
      changes: emptyChanges(),
      decisions: { items: [], total: 0, mine: 0 },
      sections: { dueSoon: [], opened: [] },
      units: [],
    };
    const [message] = renderLeadersDigest(digest, { t, timezone: TZ, unitNames: new Map(), window: window('2026-03-11T08:30:00') });
    expect(message!.text).toContain('目前没有在办事项');
    expect(message!.reply_markup).toBeUndefined();
  });
});

describe('调查复核 in the leaders digest', () => {
  it('marks a result awaiting a supervisor and offers no 确认办结 for it; a verified one is to confirm as usual', () => {
    const decision = (n: number, awaitingVerification: boolean) => ({
      ...item(n, { status: 'result_submitted', resultSubmittedAt: new Date('2026-03-10T15:00:00+08:00') }),
      version: 3,
      issuedBy: 7,
      leaderInCharge: null,
      result: true,
      extension: null,
      mine: false,
      awaitingVerification,
    });
    const digest: LeadersDigest = {
      totals: { ...emptyCounts(), open: 2, waiting: 2 },
      changes: emptyChanges(),
      decisions: { items: [decision(1, true), decision(2, false)], total: 2, mine: 0 },
      sections: { dueSoon: [], opened: [] },
      units: [],
    };
    const [message] = renderLeadersDigest(digest, { t, timezone: TZ, unitNames: new Map([[1, '住建局']]), window: window('2026-03-11T08:30:00') });
    expect(message!.text).toContain('🔎 结果待督查员核实（03-10 15:00 报送），核实属实后确认');
    expect(message!.text).toContain('办理结果待确认（03-10 15:00 报送）');
    const rows = message!.reply_markup!.inline_keyboard.map((row) => row.map((b) => b.text));
    expect(rows).toEqual([
      ['1 退回', '1 查看'],
      ['2 确认办结', '2 退回', '2 查看'],
    ]);
  });
});
