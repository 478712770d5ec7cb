import { describe, expect, it } from 'vitest';
import { validateUnitName } from '../../src/org/org.models.js';

describe('unit names', () => {
  it.each([
    ['zero-width spaces', '\u200B\u200B'],
    ['a zero-width joiner and a non-joiner', '\u200D\u200C'],
    ['bidi marks and a word joiner', '\u200E\u200F\u2060'],
    ['a soft hyphen', '\u00AD'],
    ['C1 controls', '\u0085\u009F'],
    ['Hangul fillers', '\u3164\uFFA0\u115F'],
    ['the Braille blank', '\u2800'],
    ['a combining mark alone', '\u0301'],
    ['an ideographic space and a zero-width space', '\u3000\u200B'],
  ])('refuses a name made only of %s as invisible', (_, name) => {
    expect(validateUnitName(name)).toBe('invisible');
  });

  it('keeps its other answers: empty, bad characters (C0 controls), too long', () => {
    expect(validateUnitName('  ')).toBe('empty');
    // JavaScript counts the byte-order mark as white space: folded away, the name is empty.
    expect(validateUnitName('\uFEFF')).toBe('empty');
    expect(validateUnitName('\u0000\u0001')).toBe('bad_chars');
    expect(validateUnitName('局'.repeat(41))).toBe('too_long');
  });

  it('accepts visible names, also with an invisible character among visible ones', () => {
    for (const name of ['市住建局', 'Housing Bureau', '住建局\u200B', 'é']) expect(validateUnitName(name)).toBeNull();
  });
});
