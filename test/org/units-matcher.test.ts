import { describe, expect, it } from 'vitest';
import { createUnitMatcher } from '../../src/org/units-matcher.js';

const registry = [
  { name: '市住房和城乡建设局', aliases: ['住建局', 'Housing Bureau'] },
  { name: '市城市管理综合执法局', aliases: ['城管执法局', '城管局'] },
  { name: '市自然资源和规划局', aliases: ['自然资源局'] },
  { name: '市交通运输局', aliases: ['交通局'] },
  { name: '市财政局', aliases: [] },
  { name: '市公安局', aliases: ['Police'] },
  { name: '市场监管局', aliases: [] },
];

describe('createUnitMatcher', () => {
  const matcher = createUnitMatcher(registry);

  it('finds canonical names and aliases, with or without the 市 prefix, left to right', () => {
    const found = matcher.findAll('请市住建局牵头,自然资源局、市财政局配合,财政局也要参加');
    expect(found.map((m) => [m.unit, m.text])).toEqual([
      ['市住房和城乡建设局', '市住建局'],
      ['市自然资源和规划局', '自然资源局'],
      ['市财政局', '市财政局'],
      ['市财政局', '财政局'],
    ]);
    expect(found[0]).toMatchObject({ start: 1, end: 5 });
  });

  it('takes the longest name at each place: 市城管执法局 is one mention, not also a 城管局', () => {
    expect(matcher.findAll('市城管执法局、城管局').map((m) => m.text)).toEqual(['市城管执法局', '城管局']);
    expect(matcher.findAll('市城市管理综合执法局').map((m) => m.unit)).toEqual(['市城市管理综合执法局']);
  });

  it('does not let a 市 variant swallow a name that really starts with 市', () => {
    expect(matcher.findAll('市场监管局牵头').map((m) => m.unit)).toEqual(['市场监管局']);
  });

  it('matches Latin names case-insensitively, as whole words, across extra spaces', () => {
    expect(matcher.findAll('the HOUSING  bureau and police').map((m) => m.unit)).toEqual(['市住房和城乡建设局', '市公安局']);
    expect(matcher.findAll('policies of the Housing Bureaucracy')).toEqual([]);
  });

  it('matches full-width letters and keeps positions of the text it was given', () => {
    const text = 'Ｐｏｌｉｃｅ：请办理';
    const [mention] = matcher.findAll(text);
    expect(mention).toEqual({ unit: '市公安局', text: 'Ｐｏｌｉｃｅ', start: 0, end: 6 });
  });

  it('resolves a typed name as a whole, and nothing else', () => {
    expect(matcher.resolve(' 住建局 ')).toBe('市住房和城乡建设局');
    expect(matcher.resolve('市交通局')).toBe('市交通运输局');
    expect(matcher.resolve('housing bureau')).toBe('市住房和城乡建设局');
    expect(matcher.resolve('住建')).toBeNull();
    expect(matcher.resolve('')).toBeNull();
  });

  it('suggests close names for "did you mean", and nothing for unrelated ones', () => {
    expect(matcher.suggest('市交通委')).toEqual(['市交通运输局']);
    expect(matcher.suggest('财政厅')).toEqual(['市财政局']);
    expect(matcher.suggest('Housng Bureau')).toEqual(['市住房和城乡建设局']);
    expect(matcher.suggest('市商务局')).toEqual([]);
    expect(matcher.suggest('')).toEqual([]);
    expect(matcher.suggest('城管', 1)).toEqual(['市城市管理综合执法局']);
  });

  it('when two units claim the same alias, a written alias beats a derived 市 variant, then the first unit wins', () => {
    const m = createUnitMatcher([
      { name: '市教育局', aliases: [] },
      { name: '县教育局', aliases: ['教育局'] },
      { name: '区教育局', aliases: ['教育局'] },
    ]);
    expect(m.resolve('教育局')).toBe('县教育局');
    expect(m.resolve('市教育局')).toBe('市教育局');
  });

  it('works with an empty registry and ignores blank names', () => {
    const m = createUnitMatcher([{ name: '  ', aliases: [''] }]);
    expect(m.findAll('市住建局牵头')).toEqual([]);
    expect(m.suggest('市住建局')).toEqual([]);
  });
});
