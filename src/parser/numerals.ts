/**
 * Numbers as leaders write them: Arabic digits, Chinese numerals (三, 十五, 二十一, 两, 二〇二五)
 * and English words (three, twenty-one, a/an).
 */

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** A regex fragment for one number: up to 4 digits, or up to 5 Chinese numeral characters. */
export const NUM = '(?:\\d{1,4}|[零〇一二两三四五六七八九十百千]{1,5})';

/** Reads "15", "十五", "二十一", "一百", "两", "二〇二五"; NaN when it is not a number. */
export function parseNumber(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (text.length === 0) return NaN;
  // Digit by digit when there is no 十/百/千: "二〇二五" -> 2025.
  if (![...text].some((c) => c in CN_UNITS)) {
    let value = 0;
    for (const c of text) {
      const d = CN_DIGITS[c];
      if (d === undefined) return NaN;
      value = value * 10 + d;
    }
    return value;
  }
  let total = 0;
  let digit = -1;
  let lastUnit = Infinity;
  for (const c of text) {
    const d = CN_DIGITS[c];
    if (d === 0) {
      digit = -1; // 一百零五: the 零 only marks a gap
      continue;
    }
    if (d !== undefined) {
      if (digit >= 0) return NaN; // two digits in a row, like 三四
      digit = d;
      continue;
    }
    const unit = CN_UNITS[c];
    if (unit === undefined || unit >= lastUnit) return NaN;
    total += (digit < 0 ? 1 : digit) * unit;
    digit = -1;
    lastUnit = unit;
  }
  if (digit > 0) total += digit;
  return total;
}

const EN_SMALL: Record<string, number> = {
  zero: 0,
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
};

/** A regex fragment for an English cardinal: digits, "three", "twenty-one", "a", "an". */
export const EN_NUM =
  '(?:\\d{1,3}|(?:twenty|thirty|forty|fifty|sixty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|an?)';

/** Reads an English cardinal matched by EN_NUM (lower case); NaN otherwise. */
export function parseEnglishNumber(text: string): number {
  const t = text.toLowerCase().trim();
  if (/^\d+$/.test(t)) return Number(t);
  const parts = t.split(/[- ]/);
  let total = 0;
  for (const p of parts) {
    const v = EN_SMALL[p];
    if (v === undefined) return NaN;
    total += v;
  }
  return total;
}

const EN_ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};

/** A regex fragment for an English day ordinal: "1st", "30th", "thirtieth", "twenty-first". */
export const EN_ORDINAL =
  '(?:\\d{1,2}(?:st|nd|rd|th)?|(?:twenty|thirty)[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)';

/** Reads a day ordinal matched by EN_ORDINAL; NaN otherwise. */
export function parseEnglishOrdinal(text: string): number {
  const t = text.toLowerCase().trim();
  const digits = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(t);
  if (digits) return Number(digits[1]);
  const parts = t.split(/[- ]/);
  if (parts.length === 2) {
    const tens = EN_SMALL[parts[0]!];
    const ones = EN_ORDINALS[parts[1]!];
    return tens !== undefined && ones !== undefined && ones < 10 ? tens + ones : NaN;
  }
  return EN_ORDINALS[t] ?? NaN;
}
