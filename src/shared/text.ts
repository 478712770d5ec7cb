// biome-ignore lint/suspicious/noControlCharactersInRegex: folding control characters away is this expression's job.
const FOLD_RE = /[\uff01-\uff5e\u3000\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200d\ufeff\u2028\u2029]/g;

/**
 * Text folding shared by the parser and the unit matcher. It is length-preserving (one UTF-16
 * unit in, one out), so a position found in folded text is the same position in the original:
 * - full-width ASCII (，：；（）０-９Ａ-Ｚ) becomes ASCII, the ideographic space a space;
 * - control characters (C0, DEL, C1) and other invisible format characters become spaces;
 * - A-Z become a-z only when `lowerAscii` is set (the matcher compares case-insensitively;
 *   the parser keeps case so that English unit names stay as written).
 * Chinese punctuation that has no ASCII twin (、。“”《》) is kept as it is.
 */
export function foldText(text: string, lowerAscii = false): string {
  const folded = text.replace(FOLD_RE, foldChar);
  return lowerAscii ? folded.replace(/[A-Z]+/g, (run) => run.toLowerCase()) : folded;
}

function foldChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0xff01 && c <= 0xff5e) return String.fromCharCode(c - 0xfee0);
  if (c === 0x0d || c === 0x2028 || c === 0x2029) return '\n';
  return ' ';
}

/** True for a CJK ideograph (the ranges Chinese unit names are written in). */
export function isCjk(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || code === 0x3007;
}

/** True for a-z, A-Z, 0-9. */
export function isAsciiWordChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}
