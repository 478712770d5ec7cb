import { describe, expect, it } from 'vitest';
import { splitLines } from '../../src/notifications/referral.js';

describe('the referral history split under Telegram’s limit', () => {
  it('packs lines into parts no longer than the limit, in order, losing none', () => {
    const lines = Array.from({ length: 300 }, (_, i) =>
      `2026-03-${String((i % 28) + 1).padStart(2, '0')} 09:00 报告进展 · 市住房和城乡建设局 · 胡科员：第${i}次进展，内容较长`.repeat(1 + (i % 3)),
    );
    const parts = splitLines(lines, 3900);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(3900);
    expect(parts.join('\n').split('\n')).toEqual(lines);
  });

  it('cuts a single line longer than a part instead of failing', () => {
    const parts = splitLines(['短', 'x'.repeat(5000), '尾'], 100);
    expect(parts.every((p) => p.length <= 100)).toBe(true);
    expect(parts[0]).toBe('短');
    expect(parts.at(-1)).toBe('尾');
  });
});
