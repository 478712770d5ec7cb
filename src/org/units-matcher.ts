import { foldText, isAsciiWordChar, isCjk } from '../shared/text.js';

// Finding the registry's units in a text belongs to org (org.models.ts builds the matcher of the
// registry); the parser uses it from here. It lived in parser/, which made org import the parser
// while the parser imports the item model that imports org.

/** A unit as the registry knows it: its canonical name and the other names it goes by. */
export type UnitRecord = { name: string; aliases: readonly string[] };

/** One place in a text where a registry unit is named. `start`/`end` index the text given to findAll. */
export type UnitMention = {
  /** The canonical name. */
  unit: string;
  /** The words as written in the text. */
  text: string;
  start: number;
  end: number;
};

export type UnitMatcher = {
  /**
   * Every registry unit named in `text`, left to right, longest name first at each position,
   * never overlapping: "市城管执法局" is one mention, not also a "城管局" inside it.
   */
  findAll(text: string): UnitMention[];
  /** The canonical name when `name` as a whole is a unit's name or alias (with or without 市), else null. */
  resolve(name: string): string | null;
  /** Canonical names that look like `name` ("did you mean"), best first; empty when nothing is close. */
  suggest(name: string, limit?: number): string[];
};

type TrieNode = { next: Map<number, TrieNode>; unit?: string; derived?: boolean };

/** The prefix of city-level unit names; leaders write it or leave it out ("市住建局", "住建局"). */
const CITY_PREFIX = '市';

/**
 * Keys carry no white space (the registry stores "HousingBureau" for "Housing Bureau", see
 * normalizeUnitName in org.models); findAll skips white space inside a name instead.
 */
function cleanForm(form: string): string {
  return foldText(form.normalize('NFKC'), true).replace(/\s+/g, '');
}

/** The stem of a Chinese unit name with a generic ending: 交通运输局 -> 交通运输, 发改委 -> 发改. */
const DEPARTMENT_STEM = /^([\u4e00-\u9fff]{2,20}?)(?:委员会|管理局|局|委|办公室|办)$/;
const CITY_PREFIX_RE = /^市/;

/** A name may be split by at most this many white-space characters in a row ("Housing  Bureau"). */
const MAX_GAP = 3;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/**
 * Builds a matcher over the registry. Keys are every name and alias, case-folded for Latin
 * letters and full-width forms, plus their variants with the 市 prefix added or removed
 * (when at least two characters remain). Where two units claim a key, a written name or alias
 * beats a derived 市-variant, then the unit listed first wins.
 */
export function createUnitMatcher(units: readonly UnitRecord[]): UnitMatcher {
  const root: TrieNode = { next: new Map() };
  const exact = new Map<string, { unit: string; derived: boolean }>();
  const forms: { unit: string; form: string }[] = [];

  function add(key: string, unit: string, derived: boolean): void {
    if (key.length === 0) return;
    const existing = exact.get(key);
    if (existing && (!existing.derived || derived)) return;
    exact.set(key, { unit, derived });
    let node = root;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) {
        child = { next: new Map() };
        node.next.set(c, child);
      }
      node = child;
    }
    node.unit = unit;
    node.derived = derived;
  }

  for (const record of units) {
    const name = record.name.trim();
    if (!name) continue;
    const written = [name, ...record.aliases].map(cleanForm).filter((f) => f.length > 0);
    for (const form of written) {
      add(form, name, false);
      forms.push({ unit: name, form });
    }
    // 交通局 is what an instruction calls 交通部门: the stem before a generic ending, plus 部门.
    for (const form of written) {
      const stem = DEPARTMENT_STEM.exec(form)?.[1];
      if (stem && stem.replace(CITY_PREFIX_RE, '').length >= 2) {
        add(`${stem}部门`, name, true);
        if (stem.startsWith(CITY_PREFIX)) add(`${stem.slice(CITY_PREFIX.length)}部门`, name, true);
        else add(`${CITY_PREFIX}${stem}部门`, name, true);
      }
    }
    for (const form of written) {
      if (form.startsWith(CITY_PREFIX)) {
        if (form.length - CITY_PREFIX.length >= 2) add(form.slice(CITY_PREFIX.length), name, true);
      } else if (isCjk(form.charCodeAt(0))) {
        add(CITY_PREFIX + form, name, true);
      }
    }
  }

  function findAll(text: string): UnitMention[] {
    const folded = foldText(text, true);
    const mentions: UnitMention[] = [];
    const n = folded.length;
    let i = 0;
    while (i < n) {
      let node: TrieNode | undefined = root;
      let best: { end: number; unit: string } | undefined;
      let gap = 0;
      for (let j = i; j < n && node; j++) {
        const code = folded.charCodeAt(j);
        if (j > i && isSpace(code) && gap < MAX_GAP) {
          gap++;
          continue;
        }
        gap = 0;
        node = node.next.get(code);
        if (node?.unit !== undefined && boundaryOk(folded, i, j + 1)) best = { end: j + 1, unit: node.unit };
      }
      if (best) {
        mentions.push({ unit: best.unit, text: text.slice(i, best.end), start: i, end: best.end });
        i = best.end;
      } else {
        i++;
      }
    }
    return mentions;
  }

  function resolve(name: string): string | null {
    return exact.get(cleanForm(name))?.unit ?? null;
  }

  function suggest(name: string, limit = 3): string[] {
    const query = cleanForm(name).slice(0, 80);
    if (query.length === 0) return [];
    const best = new Map<string, number>();
    for (const { unit, form } of forms) {
      const score = similarity(query, form);
      if (score > (best.get(unit) ?? 0)) best.set(unit, score);
    }
    const ascii = !hasCjk(query);
    const threshold = ascii ? 0.7 : 0.6;
    return [...best.entries()]
      .filter(([, score]) => score >= threshold)
      .sort((a, b) => b[1] - a[1])
      .slice(0, Math.max(0, limit))
      .map(([unit]) => unit);
  }

  return { findAll, resolve, suggest };
}

const matchers = new WeakMap<readonly UnitRecord[], UnitMatcher>();

/**
 * The matcher of a registry list, built once per list object (a trie and the suggestion forms of
 * every name: for 500 units, far more work than one lookup). The list must not change after the
 * first call: the registry cache of src/org/org.repository.ts hands out frozen lists, and a new
 * list when the registry changed.
 */
export function unitMatcherFor(units: readonly UnitRecord[]): UnitMatcher {
  let matcher = matchers.get(units);
  if (!matcher) {
    matcher = createUnitMatcher(units);
    matchers.set(units, matcher);
  }
  return matcher;
}

/** Latin names must match whole words ("police" is not inside "policies"); Chinese has no word gaps. */
function boundaryOk(text: string, start: number, end: number): boolean {
  if (isAsciiWordChar(text.charCodeAt(start)) && start > 0 && isAsciiWordChar(text.charCodeAt(start - 1))) return false;
  if (isAsciiWordChar(text.charCodeAt(end - 1)) && end < text.length && isAsciiWordChar(text.charCodeAt(end))) return false;
  return true;
}

function hasCjk(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isCjk(s.charCodeAt(i))) return true;
  return false;
}

/** Endings shared by most unit names; they say nothing about which unit is meant. */
const GENERIC_ENDING = /(?:委员会|办公室|管理局|部门|中心|公司|局|委|厅|办|处|室)$/;

/**
 * How alike two names are, 0..1. Chinese: the stems are compared (without a leading 市 and the
 * generic ending), by character overlap, character-pair overlap and containment, so 市交通委 is
 * close to 交通局 and 市财政厅 to 财政局, but 市商务局 is not close to 政务服务局. Latin:
 * 1 - edit distance / longer length (typos: "Housng Bureau").
 */
function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (!hasCjk(a) && !hasCjk(b)) {
    const longer = Math.max(a.length, b.length);
    return longer === 0 ? 0 : 1 - levenshtein(a, b) / longer;
  }
  const x = stem(a);
  const y = stem(b);
  if (x.length === 0 || y.length === 0) return 0;
  if (x === y) return 1;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  const containment = short.length >= 2 && long.includes(short) ? 0.5 + (0.5 * short.length) / long.length : 0;
  return Math.max(dice([...x], [...y]), dice(pairs(x), pairs(y)), containment);
}

function stem(s: string): string {
  const bare = s.startsWith(CITY_PREFIX) && s.length > 2 ? s.slice(CITY_PREFIX.length) : s;
  const stemmed = bare.replace(GENERIC_ENDING, '');
  return stemmed.length >= 1 ? stemmed : bare;
}

function pairs(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2));
  return out;
}

/** Sørensen-Dice over multisets. */
function dice(a: string[], b: string[]): number {
  if (a.length + b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  let common = 0;
  for (const y of b) {
    const c = counts.get(y) ?? 0;
    if (c > 0) {
      common++;
      counts.set(y, c - 1);
    }
  }
  return (2 * common) / (a.length + b.length);
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
