import { createUnitMatcher, unitMatcherFor, type UnitMatcher } from './units-matcher.js';

/**
 * Pure rules of the organisation registry: how unit names are normalised and compared,
 * and what an invite token looks like.
 */

export const ROLES = ['admin', 'leader', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];
export const CHAT_KINDS = ['leaders', 'unit', 'discipline'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

export type UnitRecord = { id: number; name: string; aliases: string[]; headPersonId: number | null };

/** Folds width and spacing so that "市 住建局" and "市住建局" compare equal. */
export function normalizeUnitName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').trim();
}

/**
 * Characters that show nothing: controls, format characters (zero-width space, joiners, bidi
 * marks), separators, combining marks on their own, and the blanks some scripts have (Hangul
 * fillers, the Braille blank). A name made only of these looks empty in every list.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** A unit name must be short, printable, visible and not start with a slash (it would read as a command). */
export function validateUnitName(name: string): 'empty' | 'too_long' | 'bad_chars' | 'invisible' | null {
  const n = normalizeUnitName(name);
  if (n.length === 0) return 'empty';
  if (n.length > 40) return 'too_long';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what a unit name must not contain.
  if (/^[/@#]/.test(n) || /[\u0000-\u001f\u007f,，;；、]/.test(n)) return 'bad_chars';
  if (n.replace(INVISIBLE, '').length === 0) return 'invisible';
  return null;
}

/**
 * Finds the unit a typed name means: canonical name or alias, with or without the 市 prefix,
 * ignoring width and spacing — the same matcher the instruction parser uses.
 */
export function resolveUnit(units: readonly UnitRecord[], typed: string): UnitRecord | null {
  const canonical = matcherOf(units).resolve(typed);
  return canonical ? (units.find((u) => u.name === canonical) ?? null) : null;
}

/** Up to `limit` canonical names that look like what was typed ("did you mean"). */
export function suggestUnits(units: readonly UnitRecord[], typed: string, limit = 3): string[] {
  return matcherOf(units).suggest(typed, limit);
}

/**
 * The registry as the repository hands it out is frozen: its matcher is built once per version of
 * the registry (unitMatcherFor). Any other list may still change, so it gets a matcher of its own.
 */
export function matcherOf(units: readonly UnitRecord[]): UnitMatcher {
  return Object.isFrozen(units) ? unitMatcherFor(units) : createUnitMatcher(units);
}

/** Invite tokens go into a t.me deep link: 1-64 characters of A-Z a-z 0-9 _ -. */
export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Who is acting, as the server knows it from our own tables (roles, unit_members), never as a button claims: see loadActor. */
export type Actor = {
  personId: number;
  isAdmin: boolean;
  isLeader: boolean;
  /** 督查员 (supervision office staff); false when absent. */
  isSupervisor?: boolean;
  unitIds: readonly number[];
  /**
   * The person acts in the bound discipline group (纪委监委): set by the caller from the chat
   * binding of the chat the command came from, never from the message. False when absent.
   */
  inDisciplineChat?: boolean;
};

/** What a person is called in Telegram: enough to match a leader named in an instruction. */
export type NamedPerson = { id: number; firstName: string; lastName: string | null; username: string | null };

/**
 * The registered leader a name in the text means: 王 (a surname), 王伟, Wang, "Wei Wang". A person
 * matches when the name is their surname (lastName), starts their full name written either way
 * round, or is one of its Latin words. Several matches are narrowed by the title when their
 * Telegram name carries it (王副市长); still several, or none, gives null: better no proposal
 * than the wrong leader.
 */
export function findLeaderByName(leaders: readonly NamedPerson[], name: string, title = ''): number | null {
  const wanted = name.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!wanted) return null;
  const matches = leaders.filter((p) => {
    const first = p.firstName.trim().toLowerCase();
    const last = (p.lastName ?? '').trim().toLowerCase();
    const forms = [`${first}${last}`, `${last}${first}`, `${first} ${last}`.trim(), `${last} ${first}`.trim()];
    if (last === wanted || first === wanted) return true;
    if (forms.some((f) => f.startsWith(wanted))) return true;
    return /^[a-z -]+$/.test(wanted) && `${first} ${last}`.split(/\s+/).includes(wanted);
  });
  if (matches.length === 1) return matches[0]!.id;
  const titled = title ? matches.filter((p) => `${p.firstName}${p.lastName ?? ''}`.includes(title)) : [];
  return titled.length === 1 ? titled[0]!.id : null;
}
