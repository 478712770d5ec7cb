import { isReportEvery } from '../../src/items/model/report-rhythm.js';
import { describe, expect, it } from 'vitest';
import { isYMD } from '../../src/calendar/model/ymd.js';
import { ITEM_LEVELS } from '../../src/items/model/types.js';
import { dueInstant, parseInstruction, type ParsedInstruction } from '../../src/parser/parse.js';
import { createRandom, NASTY_STRINGS, randomText } from './random-text.js';

const units = [
  { name: '市住房和城乡建设局', aliases: ['住建局', 'Housing Bureau'] },
  { name: '市城市管理综合执法局', aliases: ['城管执法局', '城管局'] },
  { name: '市自然资源和规划局', aliases: ['自然资源局'] },
];
const now = new Date('2024-07-19T10:00:00+08:00');

function expectWellFormed(result: ParsedInstruction): void {
  expect(
    Object.keys(result)
      .filter((k) => k !== 'reportsFrom')
      .sort(),
  ).toEqual(['cooperating', 'deadline', 'deadlineTime', 'lead', 'leaderInCharge', 'level', 'milestones', 'reportEvery', 'unresolved', 'warnings'].sort());
  if ('reportsFrom' in result) expect(result.reportsFrom === 'all' && result.reportEvery !== null).toBe(true);
  for (const list of [result.lead, result.cooperating, result.unresolved, result.warnings]) {
    expect(list.every((s) => typeof s === 'string' && s.length > 0)).toBe(true);
  }
  expect(result.lead.filter((u) => result.cooperating.includes(u))).toEqual([]);
  expect(result.deadline === null || isYMD(result.deadline)).toBe(true);
  expect(result.deadlineTime === null || /^([01]\d|2[0-3]):[0-5]\d$/.test(result.deadlineTime)).toBe(true);
  if (result.deadline === null) expect(result.deadlineTime).toBeNull();
  expect(ITEM_LEVELS).toContain(result.level);
  expect(result.reportEvery === null || isReportEvery(result.reportEvery)).toBe(true);
  expect(result.milestones.every((m) => isYMD(m.due) && m.text.length > 0)).toBe(true);
  if (result.milestones.length > 0) expect(result.milestones[result.milestones.length - 1]!.due).toBe(result.deadline);
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
}

describe('parseInstruction on text it cannot read', () => {
  it('never throws on 2,000 random strings (empty, 100 KB, emoji, control characters), and answers the same twice', () => {
    const random = createRandom(20240719);
    const texts = [...NASTY_STRINGS];
    while (texts.length < 2000) texts.push(randomText(random));
    for (const text of texts) {
      const result = parseInstruction(text, { now, timezone: 'Asia/Shanghai', units });
      expectWellFormed(result);
      expect(parseInstruction(text, { now, timezone: 'Asia/Shanghai', units })).toEqual(result);
      expect(() => dueInstant(result, 'Asia/Shanghai')).not.toThrow();
    }
  });

  it('says the text is empty, or too long, in its warnings', () => {
    expect(parseInstruction(' \n\t', { now, timezone: 'Asia/Shanghai', units }).warnings).toEqual(['the instruction text is empty']);
    expect(parseInstruction(undefined as unknown as string, { now, timezone: 'Asia/Shanghai', units }).warnings).toEqual(['the instruction text is empty']);
    const long = `请市住建局牵头,7月30日前报送。${'啊'.repeat(200_000)}`;
    const result = parseInstruction(long, { now, timezone: 'Asia/Shanghai', units });
    expect(result.lead).toEqual(['市住房和城乡建设局']);
    expect(result.deadline).toBe('2024-07-30');
    expect(result.warnings).toEqual(['the text is longer than 5000 characters; only the first 5000 were read']);
  });

  it('refuses options that are a programming error: an invalid now or an unknown time zone', () => {
    expect(() => parseInstruction('x', { now: new Date('nope'), timezone: 'Asia/Shanghai', units })).toThrow(RangeError);
    expect(() => parseInstruction('x', { now, timezone: 'Mars/Olympus', units })).toThrow(RangeError);
  });
});

describe('dueInstant', () => {
  it('"by day D" is the end of D in the organisation\'s zone, a written time is that time', () => {
    expect(dueInstant({ deadline: '2024-07-30', deadlineTime: null }, 'Asia/Shanghai')?.toISOString()).toBe('2024-07-30T15:59:59.999Z');
    expect(dueInstant({ deadline: '2024-07-20', deadlineTime: '17:00' }, 'Asia/Shanghai')?.toISOString()).toBe('2024-07-20T09:00:00.000Z');
    expect(dueInstant({ deadline: null, deadlineTime: null }, 'Asia/Shanghai')).toBeNull();
  });

  it('reads the same instruction in another zone relative to that zone', () => {
    // 23:30 on Friday in Shanghai is still Friday morning in London.
    const late = new Date('2024-07-19T23:30:00+08:00');
    expect(parseInstruction('请市住建局明天报送', { now: late, timezone: 'Asia/Shanghai', units }).deadline).toBe('2024-07-20');
    expect(parseInstruction('请市住建局明天报送', { now: late, timezone: 'Europe/London', units }).deadline).toBe('2024-07-20');
    const early = new Date('2024-07-20T01:30:00+08:00');
    expect(parseInstruction('请市住建局明天报送', { now: early, timezone: 'Asia/Shanghai', units }).deadline).toBe('2024-07-21');
    expect(parseInstruction('请市住建局明天报送', { now: early, timezone: 'Europe/London', units }).deadline).toBe('2024-07-20');
  });
});
