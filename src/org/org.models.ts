/**
 * Pure rules of the organisation registry: how unit names are normalised and compared,
 * and what an invite token looks like.
 */

export type Role = 'admin' | 'leader';
export type ChatKind = 'leaders' | 'unit' | 'discipline';

export type UnitRecord = { id: number; name: string; aliases: string[]; headPersonId: number | null };

/** Folds width and spacing so that "市 住建局" and "市住建局" compare equal. */
export function normalizeUnitName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').trim();
}

/** The same name without the 市 prefix that Chinese writers drop or add at will. */
export function withoutCityPrefix(name: string): string {
  const n = normalizeUnitName(name);
  return n.startsWith('市') && n.length > 2 ? n.slice(1) : n;
}

/** A unit name must be short, printable and not start with a slash (it would read as a command). */
export function validateUnitName(name: string): 'empty' | 'too_long' | 'bad_chars' | null {
  const n = normalizeUnitName(name);
  if (n.length === 0) return 'empty';
  if (n.length > 40) return 'too_long';
  if (/^[/@#]/.test(n) || /[\u0000-\u001f\u007f,，;；、]/.test(n)) return 'bad_chars';
  return null;
}

/** Finds the unit a typed name means: canonical name or alias, with or without the 市 prefix. */
export function resolveUnit(units: UnitRecord[], typed: string): UnitRecord | null {
  const n = normalizeUnitName(typed);
  const bare = withoutCityPrefix(n);
  for (const unit of units) {
    const names = [unit.name, ...unit.aliases].map(normalizeUnitName);
    if (names.includes(n)) return unit;
  }
  for (const unit of units) {
    const names = [unit.name, ...unit.aliases].map(withoutCityPrefix);
    if (names.includes(bare)) return unit;
  }
  return null;
}

/** Character-bigram similarity (Dice coefficient) — robust for short Chinese names. */
function similarity(a: string, b: string): number {
  const grams = (s: string) => {
    const out: string[] = [];
    if (s.length === 1) return [s];
    for (let i = 0; i < s.length - 1; i++) out.push(s.slice(i, i + 2));
    return out;
  };
  const ga = grams(a);
  const gb = grams(b);
  if (ga.length === 0 || gb.length === 0) return 0;
  const pool = [...gb];
  let hits = 0;
  for (const g of ga) {
    const i = pool.indexOf(g);
    if (i >= 0) {
      hits++;
      pool.splice(i, 1);
    }
  }
  return (2 * hits) / (ga.length + gb.length);
}

/** Up to `limit` canonical names that look like what was typed ("did you mean"). */
export function suggestUnits(units: UnitRecord[], typed: string, limit = 3): string[] {
  const t = withoutCityPrefix(typed);
  return units
    .map((unit) => ({
      name: unit.name,
      score: Math.max(...[unit.name, ...unit.aliases].map((n) => {
        const m = withoutCityPrefix(n);
        return Math.max(similarity(t, m), m.includes(t) || t.includes(m) ? 0.6 : 0);
      })),
    }))
    .filter((s) => s.score >= 0.3)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

/** Invite tokens go into a t.me deep link: 1-64 characters of A-Z a-z 0-9 _ -. */
export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Who is acting, as the server knows it (never as a button claims). */
export type Actor = { personId: number; isAdmin: boolean; isLeader: boolean; unitIds: number[] };
