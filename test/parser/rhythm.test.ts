import { describe, expect, it } from 'vitest';
import { parseInstruction } from '../../src/parser/parse.js';
import { reportDueDays } from '../../src/items/model/report-rhythm.js';
import { nationalCalendar } from '../../src/calendar/model/working-calendar.js';
import { loadFixtureUnits } from './fixtures/units.js';

const units = loadFixtureUnits();
const now = new Date('2026-03-02T10:00:00+08:00');
const read = (text: string) => {
  const r = parseInstruction(text, { now, timezone: 'Asia/Shanghai', units });
  return { every: r.reportEvery, from: r.reportsFrom ?? 'lead', warnings: r.warnings };
};

describe('限时报告 on fixed days, read from the instruction', () => {
  it.each([
    ['请市住建局牵头，每周五报送工作进展，6月底前完成。', 'week:5'],
    ['请市住建局牵头，每星期三前反馈进展，6月底前完成。', 'week:3'],
    ['请市住建局牵头，每周报送进展，6月底前完成。', 'week'],
    ['请市住建局牵头，每月25日前报送进展情况，年底前完成。', 'month:25'],
    ['请市住建局牵头，每月二十五日前报送进展，年底前完成。', 'month:25'],
    ['请市住建局牵头，每月底报送进展，年底前完成。', 'month'],
    ['请市住建局牵头，每半月报送一次进展，年底前完成。', 'half-month'],
    ['请市住建局牵头，每季度末报送进展，年底前完成。', 'quarter'],
    ['请市住建局牵头，每个工作日报送进展，3月底前完成。', 'day'],
    ['Housing Bureau to lead; weekly progress reports on Fridays; complete by the end of June.', 'week:5'],
    ['Housing Bureau to lead; report progress every Wednesday; complete by the end of June.', 'week:3'],
    ['Housing Bureau to lead; monthly progress reports by the 25th; complete by the end of the year.', 'month:25'],
    ['Housing Bureau to lead; quarterly progress reports; complete by the end of the year.', 'quarter'],
    ['Housing Bureau to lead; semi-monthly progress reports; complete by the end of June.', 'half-month'],
  ])('%s -> %s', (text, every) => {
    const r = read(text);
    expect(r.every).toBe(every);
    expect(r.warnings.filter((w) => w.includes('rhythm'))).toEqual([]);
  });

  it('asks every unit when the instruction says so, the lead units otherwise', () => {
    expect(read('请市住建局牵头，市城管局配合，各单位每周五报送进展，6月底前完成。')).toMatchObject({ every: 'week:5', from: 'all' });
    expect(read('请市住建局牵头，市城管局配合，配合单位每月25日前报送进展，年底前完成。')).toMatchObject({ every: 'month:25', from: 'all' });
    expect(read('请市住建局牵头，市城管局配合，每周五报送进展，6月底前完成。')).toMatchObject({ every: 'week:5', from: 'lead' });
    expect(read('Housing Bureau to lead with Urban Management; all units report progress every Friday; complete by the end of June.')).toMatchObject({
      every: 'week:5',
      from: 'all',
    });
  });

  it('keeps the most frequent of several rhythms', () => {
    expect(read('请市住建局牵头，每周五报送进展，每月底报送汇总，年底前完成。').every).toBe('week:5');
  });

  it('does not take 每周五 or 每月25日 for a deadline', () => {
    const r = parseInstruction('请市住建局牵头，每月25日前报送进展，年底前完成。', { now, timezone: 'Asia/Shanghai', units });
    expect(r.deadline).toBe('2026-12-31');
  });
});

describe('the due days of a rhythm', () => {
  const take = (every: Parameters<typeof reportDueDays>[1], assigned: string, n: number) => {
    const out: string[] = [];
    for (const d of reportDueDays(nationalCalendar, every, assigned)) {
      out.push(d);
      if (out.length === n) break;
    }
    return out;
  };
  it('counts weeks from a fixed weekday, months from a fixed day (the last day when the month is short), quarters from their ends', () => {
    expect(take('week:5', '2026-03-02', 3)).toEqual(['2026-03-06', '2026-03-13', '2026-03-20']);
    // 31 Jan 2026 is a Saturday (-> Mon 2 Feb); February's last day, Sat 28 Feb, is a make-up working day.
    expect(take('month:31', '2026-01-05', 3)).toEqual(['2026-02-02', '2026-02-28', '2026-03-31']);
    expect(take('quarter', '2026-01-05', 4)).toEqual(['2026-03-31', '2026-06-30', '2026-09-30', '2026-12-31']);
  });
  it('leaves out a due day less than two working days after the assignment', () => {
    expect(take('week:5', '2026-03-05', 1)).toEqual(['2026-03-13']);
    expect(take('month:25', '2026-03-24', 1)).toEqual(['2026-04-27']);
  });
});
