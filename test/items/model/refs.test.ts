import { describe, expect, it } from 'vitest';
import { formatItemCode, readItemRef } from '../../../src/items/model/refs.js';

describe('item codes', () => {
  it('formats the readable code', () => {
    expect(formatItemCode('督办', 2026, 12)).toBe('督办〔2026〕12号');
  });

  it.each([
    ['督办〔2026〕12号 已完成', { year: 2026, number: 12 }, '已完成'],
    ['〔2026〕12号', { year: 2026, number: 12 }, ''],
    ['2026-12 文字', { year: 2026, number: 12 }, '文字'],
    ['12 文字，标点照旧。', { year: null, number: 12 }, '文字，标点照旧。'],
    ['１２号 全角数字', { year: null, number: 12 }, '全角数字'],
    ['#7', { year: null, number: 7 }, ''],
  ])('reads %s', (text, ref, rest) => {
    expect(readItemRef(text)).toEqual({ ref, rest });
  });

  it.each(['', '文字', '0', '2026-', 'abc 12', '2026-12-31 需等待批复', '2026/12/31'])('finds no code in %j', (text) => {
    expect(readItemRef(text)).toBeNull();
  });
});
