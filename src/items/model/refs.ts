/**
 * Item codes: 督办〔2026〕12号. People type the full code, "2026-12", "〔2026〕12号", "12号" or just
 * "12"; a number alone means this year's item with that number (or the latest year that has one).
 */
import type { StoredItem } from './stored.js';

export type ItemRef = { year: number | null; number: number };

export function formatItemCode(prefix: string, year: number, number: number): string {
  return `${prefix}〔${year}〕${number}号`;
}

/** A stored item's code (督办〔2026〕12号), or null when it has none yet. */
// The config is taken by its shape, not by the Config type: config.ts imports the item model
// (report rhythms), so the model importing config.ts back would close a cycle.
export function itemCode(deps: { config: { items: { codePrefix: string } } }, item: StoredItem): string | null {
  return item.row.codeYear && item.row.codeNumber ? formatItemCode(deps.config.items.codePrefix, item.row.codeYear, item.row.codeNumber) : null;
}

/**
 * Reads an item reference at the start of `text`; returns it and the rest of the text exactly as
 * written. Full-width digits and brackets are read too (each folded on its own, so positions in
 * the folded head match the original).
 */
export function readItemRef(text: string): { ref: ItemRef; rest: string } | null {
  const chars = [...text.trimStart()];
  const head: string[] = [];
  for (const c of chars.slice(0, 40)) {
    const folded = c.normalize('NFKC');
    if ([...folded].length !== 1) break;
    head.push(folded);
  }
  const folded = head.join('');
  const patterns: [RegExp, (m: RegExpMatchArray) => ItemRef][] = [
    [/^\S*?[〔[(（【](\d{4})[〕\])）】]\s*(\d{1,6})\s*号?/, (m) => ({ year: Number(m[1]), number: Number(m[2]) })],
    // Not a date: 2026-12-31 is no code (it is what /extend and /approve take after the code).
    [/^(\d{4})[-/](\d{1,6})(?![\d\-/])/, (m) => ({ year: Number(m[1]), number: Number(m[2]) })],
    [/^#?(\d{1,6})\s*号?(?![\d\-/])/, (m) => ({ year: null, number: Number(m[1]) })],
  ];
  for (const [re, make] of patterns) {
    const m = folded.match(re);
    if (m) {
      const ref = make(m);
      if (ref.number < 1) return null;
      return {
        ref,
        rest: chars
          .slice([...m[0]].length)
          .join('')
          .trim(),
      };
    }
  }
  return null;
}
