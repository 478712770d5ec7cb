import { isCjk } from '../shared/text.js';
import type { UnitMatcher, UnitMention } from '../org/units-matcher.js';
import { note, type ParserNote } from './warnings.js';

/**
 * Who leads and who cooperates.
 *
 * The grammar is a set of role words ("markers") and the unit names next to them:
 * - after the units (post): X牵头, X负责, X共同牵头, X阅处, X办理, X配合, X协助, X参与,
 *   "X to lead", "X leads", "Y assisting", "Y to support";
 * - before the units (forward): 牵头单位:X, 配合单位:Y, 责成X, "Lead: X", "Support: Y, Z",
 *   "led by X", "with Y and Z", "assisted by Y";
 * - between (会同): X会同Y办理, X leads and Y cooperates;
 * - labels after the units: X为牵头单位, X(牵头), Y(配合单位).
 * From each marker we walk over the adjacent list of units (joined by 、 , 和 及 与 and), stopping
 * at the first piece that is not a unit, at a clause break (; 。 : newline), at a date or at
 * another marker. A piece is a unit when the registry names it (canonical name) or when it looks
 * like one (ends in 局/委/办/中心/Bureau/Office ...; kept as written and reported unresolved).
 * Parenthesised remarks are dropped from a piece: 市住建局(城建科) is 市住建局.
 *
 * Decisions: a unit named both as lead and as cooperating is lead only. When no role word is
 * next to any unit (市住建局:请于...), the first named unit leads and the units listed with it
 * cooperate; a warning says so.
 */

export type RoleUnit = { name: string; known: boolean; start: number };

export type RoleReading = {
  lead: RoleUnit[];
  cooperating: RoleUnit[];
  warnings: ParserNote[];
};

type Role = 'lead' | 'coop';
type Direction = 'back' | 'forward' | 'both' | 'label';
type Marker = { start: number; end: number; role: Role; dir: Direction };
type Span = { start: number; end: number };

const LEAD_LABELS =
  '牵头负责单位|牵头单位|牵头部门|主送单位|主送|责任单位|责任部门|主办单位|主办部门|承办单位|承办部门|主责单位|主责部门|负责单位|负责部门|办理单位';
const COOP_LABELS = '协同配合单位|协同配合部门|配合单位|配合部门|协办单位|协办部门|协同单位|协同部门|协助单位|协助部门|参与单位|参与部门|参加单位|会办单位';
const LEAD_POST_ZH =
  '共同牵头负责|共同牵头|牵头负责|牵头落实|牵头办理|牵头推进|牵头抓总|牵头组织|负责牵头|负责落实|负责办理|负责|牵头|阅处|阅办|研处|研办|办理|承办|主办|落实|处理';
const COOP_POST_ZH = '共同配合|积极配合|全力配合|密切配合|做好配合|协同配合|配合|协助|协同|协办|会办|参与|参加';
const LEAD_POST_EN =
  '(?:to|will|shall|should|must)\\s+(?:jointly\\s+)?(?:lead|take\\s+the\\s+lead|handle\\s+it|handle|be\\s+responsible)|jointly\\s+lead|leads|takes\\s+the\\s+lead|(?:is|are)\\s+(?:the\\s+)?(?:lead|leads|responsible)|as\\s+(?:the\\s+)?lead(?:\\s+unit)?|\\(lead\\)';
const COOP_POST_EN =
  '(?:to|will|shall|should|must)\\s+(?:assist|support|cooperate|help|participate)|assisting|supporting|cooperating|helping|participating|assists|supports|cooperates|participates|assist|support|cooperate|participate|\\((?:support|supporting|assist|assisting|cooperating)\\)';
const LEAD_FORWARD_EN =
  'lead(?:\\s+(?:unit|units|agency|department))?\\s*:|responsible(?:\\s+(?:unit|units))?\\s*:|owner\\s*:|assigned\\s+to|led\\s+by|handled\\s+by';
const COOP_FORWARD_EN =
  '(?:support(?:ing)?|cooperating|co-?operation|assist(?:ing)?|assistance)(?:\\s+(?:unit|units))?\\s*:|(?:assisted|supported|helped)\\s+by|(?:together|jointly|in\\s+cooperation|in\\s+coordination)\\s+with|with\\s+(?:the\\s+)?(?:support|help|assistance|cooperation)\\s+(?:of|from)|with\\b';

const MARKER_PATTERNS: { re: RegExp; role: Role; dir: Direction }[] = [
  { re: new RegExp(`(?:${LEAD_LABELS})`, 'g'), role: 'lead', dir: 'label' },
  { re: new RegExp(`(?:${COOP_LABELS})`, 'g'), role: 'coop', dir: 'label' },
  { re: /会同/g, role: 'lead', dir: 'both' },
  { re: /责成/g, role: 'lead', dir: 'forward' },
  { re: new RegExp(`(?:${LEAD_POST_ZH})`, 'g'), role: 'lead', dir: 'back' },
  { re: new RegExp(`(?:${COOP_POST_ZH})`, 'g'), role: 'coop', dir: 'back' },
  { re: new RegExp(`\\b(?:${LEAD_FORWARD_EN})`, 'gi'), role: 'lead', dir: 'forward' },
  { re: new RegExp(`\\b(?:${COOP_FORWARD_EN})`, 'gi'), role: 'coop', dir: 'forward' },
  { re: new RegExp(`(?:\\b|(?=\\())(?:${LEAD_POST_EN})(?![a-z])`, 'gi'), role: 'lead', dir: 'back' },
  { re: new RegExp(`(?:\\b|(?=\\())(?:${COOP_POST_EN})(?![a-z])`, 'gi'), role: 'coop', dir: 'back' },
];

/** Words after a role word that make it no role word: 负责人, 办理结果, 落实情况. */
const NOT_A_ROLE_AFTER = /^(?:人|同志|制|结果|情况|进度|进展|时限|意见|期限|工作的|单位|部门)/;

/** How far a list of units may reach from its role word. */
const MAX_SPAN = 200;

const MAX_SUGGESTED = 10;

/** What may stand between a date and the role word after it: 市住建局于7月30日前研究办理. */
const AFTER_DATE_GAP = /^(?:之前|以前|前|之内|以内|内|为止|止)?\s*(?:要|须|需|务必|抓紧|认真|研究)*$/;

function findMarkers(text: string): Marker[] {
  const found: Marker[] = [];
  for (const { re, role, dir } of MARKER_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const end = m.index + m[0].length;
      if (dir === 'back' && isCjk(m[0].charCodeAt(0)) && NOT_A_ROLE_AFTER.test(text.slice(end, end + 3))) continue;
      found.push({ start: m.index, end, role, dir });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Marker[] = [];
  let reach = -1;
  for (const marker of found) {
    if (marker.start < reach) continue;
    kept.push(marker);
    reach = marker.end;
  }
  return kept;
}

// Single characters that also begin unit names (交通局, 和平区) are not fillers.
const LEADING_FILLER =
  /^(?:\s|并请|同时请|另请|请|并由|交由|转由|由|交给|转交|转请|建议|要求|其中|同时|另外|以及|(?:转|交|着)(?=市)|\b(?:and|please|ask|asks|the|with)\s)+/i;
const TRAILING_FILLER =
  /(?:\s|等单位|等部门|等|各自|分别|共同|一起|一并|负责|要|须|需|必须|应当|应|抓紧|认真|迅速|尽快|立即|马上|具体|统筹|积极|全力|做好|按职责|依职责|按照职责|进一步|切实|研究|予以|于|在|自己|及时|按时|限时|限期|依法|依规|妥善|主动|继续|\b(?:jointly|will|shall|should|must|to|is|are|the|and|by|on|before|due)\b)+$/i;
const CUT_WORDS = /(?:请|由|交由|(?:交|转)(?=市)|决定|要求|责成|指定|明确|同意|安排|建议|指示|批示)/g;

const ZH_UNIT_SUFFIX = /(?:局|委|委员会|办|办公室|厅|院|中心|公司|集团|所|站|队|处|科|室|会|街道|镇|乡|区|县|馆|校|署|府|组|社|行|园|专班|指挥部|部门|部)$/;
const ZH_NOT_UNIT =
  /的|了|是|对|把|被|将|让|使|进行|执行|实行|问题|情况|意见|方案|完成|推进|开展|加强|会议|社会|机会|全部|到处|好处|马上|立即|结果|(?:督|交|转|承|催|查|领|帮|就|代)办$/;
const EN_UNIT_SUFFIX =
  /^(?:bureau|office|department|dept|commission|committee|agency|authority|administration|center|centre|council|ministry|team|group|division|unit|company|corporation|service|services|police|court|institute|station|branch|section|board|government|district|township|town|village|hospital|school|university|bank|headquarters|taskforce|force)$/i;
const EN_CONNECTORS = new Set(['of', 'and', 'for', '&', 'on']);

/**
 * An unknown Chinese unit name: 3-24 characters ending like a unit. Two-character words that end
 * so are mostly verbs (督办, 交办, 好处), and real two-character units (纪委) belong in the registry.
 */
function looksLikeChineseUnit(s: string): boolean {
  return /^[\u4e00-\u9fff0-9A-Za-z]{3,24}$/.test(s) && hasCjkChar(s) && ZH_UNIT_SUFFIX.test(s) && !ZH_NOT_UNIT.test(s) && !ZH_COLLECTIVE.test(s);
}

/** Groups and kinds of units rather than a unit: 各区, 有关部门, 相关单位, 办事处. */
const ZH_COLLECTIVE =
  /^(?:各|有关|相关|其他|其它|全市|所有|本级|本)|^(?:办事处|街道办|管委会|居委会|村委会|指挥部|工作专班|专班|领导小组|办公室)$|(?:主管|职能|责任|业务|上级|属地|执法|监管|行业)部门$/;

function hasCjkChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isCjk(s.charCodeAt(i))) return true;
  return false;
}

/** The English unit name at the end (backward) or start (forward) of a piece: "City Traffic Bureau". */
function englishUnit(s: string, from: 'end' | 'start'): string | null {
  const words = s.split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > 40) return null;
  const isNameWord = (w: string) => /^[A-Z][A-Za-z0-9'.-]*$/.test(w) || EN_CONNECTORS.has(w.toLowerCase());
  if (from === 'end') {
    if (!EN_UNIT_SUFFIX.test(words[words.length - 1]!.replace(/[.,]$/, ''))) return null;
    let i = words.length - 1;
    while (i > 0 && isNameWord(words[i - 1]!) && words.length - i < 8) i--;
    while (i < words.length - 1 && EN_CONNECTORS.has(words[i]!.toLowerCase())) i++;
    if (!/^[A-Z]/.test(words[i]!)) return null;
    return words.slice(i).join(' ');
  }
  if (!/^[A-Z]/.test(words[0]!)) return null;
  let j = 0;
  let last = -1;
  while (j < words.length && j < 8 && isNameWord(words[j]!)) {
    if (EN_UNIT_SUFFIX.test(words[j]!)) last = j;
    j++;
  }
  return last >= 0 ? words.slice(0, last + 1).join(' ') : null;
}

type Piece = { start: number; end: number; sepBefore: string };

/** Splits a span into list pieces at 、 , / &, and, where both sides are units, at 以及 和 及 与 and. */
function splitPieces(text: string, span: Span, mentions: UnitMention[]): Piece[] {
  const pieces = splitAt(text, span, /[、,/&]/g, mentions, () => true, '');
  const out: Piece[] = [];
  for (const piece of pieces) {
    // Soft separators only split when both halves are units: 市住房和城乡建设局 stays whole.
    out.push(
      ...splitAt(text, piece, /以及|和|及|与|\band\b/gi, mentions, (l, r) => isUnitPiece(text, l, mentions) && isUnitPiece(text, r, mentions), piece.sepBefore),
    );
  }
  return out;
}

function splitAt(text: string, span: Span, re: RegExp, mentions: UnitMention[], accept: (left: Span, right: Span) => boolean, firstSep: string): Piece[] {
  const pieces: Piece[] = [];
  const segment = text.slice(span.start, span.end);
  let from = span.start;
  let sep = firstSep;
  re.lastIndex = 0;
  for (let m = re.exec(segment); m; m = re.exec(segment)) {
    const at = span.start + m.index;
    if (insideMention(at, mentions)) continue;
    if (!accept({ start: from, end: at }, { start: at + m[0].length, end: span.end })) continue;
    pieces.push({ start: from, end: at, sepBefore: sep });
    from = at + m[0].length;
    sep = m[0];
  }
  pieces.push({ start: from, end: span.end, sepBefore: sep });
  return pieces;
}

/** Index of the first item whose start is >= pos (items sorted by start, not overlapping). */
function firstAtOrAfter(items: readonly Span[], pos: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insideMention(at: number, mentions: UnitMention[]): boolean {
  const i = firstAtOrAfter(mentions, at + 1) - 1;
  return i >= 0 && mentions[i]!.end > at;
}

function clean(s: string): string {
  let out = s.replace(/\([^()]{0,60}\)/g, ' ').replace(/[()“”"'‘’《》[\]【】]/g, ' ');
  for (let i = 0; i < 4; i++) {
    const before = out;
    out = out.replace(LEADING_FILLER, '').replace(TRAILING_FILLER, '').trim();
    if (out === before) break;
  }
  return out.trim();
}

function mentionsIn(piece: Span, mentions: UnitMention[]): UnitMention[] {
  const out: UnitMention[] = [];
  for (let i = firstAtOrAfter(mentions, piece.start); i < mentions.length && mentions[i]!.end <= piece.end; i++) out.push(mentions[i]!);
  return out;
}

/** Residue of a piece once its registry mentions are taken out. */
function residue(text: string, piece: Span, inside: UnitMention[]): string {
  let s = '';
  let at = piece.start;
  for (const m of inside) {
    s += `${text.slice(at, m.start)} `;
    at = m.end;
  }
  s += text.slice(at, piece.end);
  return clean(s);
}

function isUnitPiece(text: string, piece: Span, mentions: UnitMention[]): boolean {
  const inside = mentionsIn(piece, mentions);
  if (inside.length > 0) return residue(text, piece, inside) === '';
  const s = clean(text.slice(piece.start, piece.end));
  return looksLikeChineseUnit(s) || (s.length > 0 && !hasCjkChar(s) && englishUnit(s, 'end') === s);
}

/**
 * whole: nothing but unit names in the piece. farClean: nothing on the side away from the role
 * word, so the list may go on past it (住建局、城管局按职责分工抓紧处理: the words between 城管局
 * and 处理 do not end the list).
 */
type PieceReading = { units: RoleUnit[]; whole: boolean; farClean: boolean };

/** The units in one piece: whole when nothing else is in it, else the unit at its edge next to the role word. */
function readPiece(text: string, piece: Piece, mentions: UnitMention[], edge: 'end' | 'start'): PieceReading | null {
  const inside = mentionsIn(piece, mentions);
  if (inside.length > 0) {
    const units = inside.map((m) => ({ name: m.unit, known: true, start: m.start }));
    const whole = residue(text, piece, inside) === '';
    const far = edge === 'end' ? text.slice(piece.start, inside[0]!.start) : text.slice(inside[inside.length - 1]!.end, piece.end);
    return { units, whole, farClean: whole || clean(far) === '' };
  }
  const s = clean(text.slice(piece.start, piece.end));
  const unknown = (name: string, whole: boolean): PieceReading => ({ units: [{ name, known: false, start: piece.start }], whole, farClean: whole });
  if (s.length === 0) return { units: [], whole: true, farClean: true };
  if (looksLikeChineseUnit(s)) return unknown(s, true);
  if (!hasCjkChar(s)) {
    const name = englishUnit(s, edge);
    return name ? unknown(name, name === s) : null;
  }
  if (edge === 'end') {
    // 会议决定市交通委: the unit follows the last word that hands the task over.
    let cut = -1;
    CUT_WORDS.lastIndex = 0;
    for (let m = CUT_WORDS.exec(s); m; m = CUT_WORDS.exec(s)) cut = m.index + m[0].length;
    const tail = cut > 0 ? clean(s.slice(cut)) : '';
    return looksLikeChineseUnit(tail) ? unknown(tail, false) : null;
  }
  // 责成市交通委限期整改: the longest start that is a unit name.
  for (let len = Math.min(24, s.length - 1); len >= 2; len--) {
    const head = s.slice(0, len);
    if (looksLikeChineseUnit(head)) return unknown(head, false);
  }
  return null;
}

/**
 * Walks the list pieces outwards from the role word. A piece with other words in it is the head
 * of the list: it is taken next to the role word, or after a 、/和/及, and the walk stops there
 * (unless, next to the role word, the other words sit between the unit and the role word).
 * So "市住建局要高度重视,市城管局配合" gives 市城管局 alone.
 */
function walk(text: string, span: Span, mentions: UnitMention[], direction: 'backward' | 'forward'): RoleUnit[] {
  if (span.end <= span.start) return [];
  const pieces = splitPieces(text, span, mentions);
  if (direction === 'backward') pieces.reverse();
  const units: RoleUnit[] = [];
  let visited: Piece | undefined;
  for (const piece of pieces) {
    const reading = readPiece(text, piece, mentions, direction === 'backward' ? 'end' : 'start');
    if (!reading) break;
    const connector = !visited ? '' : direction === 'backward' ? visited.sepBefore : piece.sepBefore;
    visited = piece;
    if (reading.units.length === 0) {
      // ")" or a doubled separator next to the role word; later on it ends the list.
      if (units.length > 0) break;
      continue;
    }
    if (!reading.whole && units.length > 0 && !/[、和及与]|and/i.test(connector)) break;
    const first = units.length === 0;
    units.push(...reading.units);
    if (!reading.whole && !(first && reading.farClean)) break;
  }
  return direction === 'backward' ? units.reverse() : units;
}

/** Reads lead and cooperating units from a folded text. `blockers` are date spans: lists never cross them. */
export function readRoles(text: string, mentions: UnitMention[], blockers: Span[], matcher: UnitMatcher): RoleReading {
  const markers = findMarkers(text);
  const lead: RoleUnit[] = [];
  const coop: RoleUnit[] = [];
  // Lists already read forward from a marker (牵头单位:X, with Y): later role words do not reread them.
  let claimedUntil = -1;

  const breaks = clauseBreaks(text);
  const leftLimit = (pos: number) => {
    let limit = Math.max(0, pos - MAX_SPAN);
    const lastBreak = breaks[lowerBound(breaks, pos) - 1];
    if (lastBreak !== undefined && lastBreak + 1 > limit) limit = lastBreak + 1;
    const before = firstAtOrAfter(blockers, pos) - 1;
    const blocker = before >= 0 ? blockers[before]! : undefined;
    if (blocker && blocker.end <= pos && blocker.end > limit) limit = blocker.end;
    return limit;
  };
  const rightLimit = (pos: number) => {
    let limit = Math.min(text.length, pos + MAX_SPAN);
    const nextBreak = breaks[lowerBound(breaks, pos)];
    if (nextBreak !== undefined && nextBreak < limit) limit = nextBreak;
    const blocker = blockers[firstAtOrAfter(blockers, pos)];
    if (blocker && blocker.start < limit) limit = blocker.start;
    return limit;
  };

  const push = (role: Role, units: RoleUnit[]) => (role === 'lead' ? lead : coop).push(...units);

  // 牵头单位:X / 牵头单位为X read forward; X为牵头单位 / X(牵头单位) read backward.
  const directions = markers.map((marker, k): { dir: Direction; forwardStart: number } => {
    if (marker.dir === 'back' && isCjk(text.charCodeAt(marker.start))) {
      // 牵头：住建局；配合：城管局 — a role word with a colon after it labels the units that follow
      // (市住建局负责：… with no unit after the colon still reads backward).
      const colon = /^\s*:\s*/.exec(text.slice(marker.end, marker.end + 4));
      if (colon) {
        const start = marker.end + colon[0].length;
        const next = markers[k + 1];
        const right = Math.min(rightLimit(start), next ? next.start : text.length);
        if (walk(text, { start, end: right }, mentions, 'forward').length > 0) return { dir: 'forward', forwardStart: start };
      }
    }
    if (marker.dir !== 'label') return { dir: marker.dir, forwardStart: marker.end };
    const after = /^\s*(?::|为|是)?\s*/.exec(text.slice(marker.end, marker.end + 6))!;
    if (/:|为|是/.test(after[0])) return { dir: 'forward', forwardStart: marker.end + after[0].length };
    const before = text.slice(Math.max(0, marker.start - 2), marker.start);
    return { dir: /(?:为|是|\()\s*$/.test(before) ? 'back' : 'forward', forwardStart: marker.end };
  });

  for (let k = 0; k < markers.length; k++) {
    const marker = markers[k]!;
    const previous = markers[k - 1];
    const previousDir = directions[k - 1]?.dir;
    const next = markers[k + 1];
    const { dir, forwardStart } = directions[k]!;
    if (dir === 'back' || dir === 'both') {
      let left = leftLimit(marker.start);
      if (previous && previous.end > left) left = previous.end;
      const previousOwnsIt = previous !== undefined && previous.end === left && (previousDir === 'forward' || previousDir === 'both');
      const claimedByForward = claimedUntil > left;
      if (!previousOwnsIt && !claimedByForward) {
        let end = marker.start;
        const labelBefore = /(?:作为|为|是|\()\s*$/.exec(text.slice(Math.max(0, end - 3), end));
        if (marker.dir === 'label' && labelBefore) end -= labelBefore[0].length;
        // 市住建局于7月30日前研究办理: look past a date that sits between the units and the role word.
        const date = blockers[firstAtOrAfter(blockers, end) - 1];
        if (date && date.end === left && date.start > (previous?.end ?? 0) && AFTER_DATE_GAP.test(text.slice(date.end, end))) {
          left = Math.max(leftLimit(date.start), previous?.end ?? 0);
          end = date.start;
          const preposition = /(?:于|在|by|before)\s*$/i.exec(text.slice(Math.max(0, end - 7), end));
          if (preposition) end -= preposition[0].length;
        }
        if (end > left) push(marker.dir === 'both' ? 'lead' : marker.role, walk(text, { start: left, end }, mentions, 'backward'));
      }
    }
    if (marker.dir === 'back' && marker.role === 'coop' && /^(?:配合|协助)$/.test(text.slice(marker.start, marker.end))) {
      // 住建局配合市发改委做好...: the unit right after 配合 is the one being helped, so it leads.
      const next = mentions[firstAtOrAfter(mentions, marker.end)];
      const helped = next?.start === marker.end ? next : undefined;
      if (helped) push('lead', [{ name: helped.unit, known: true, start: helped.start }]);
    }
    if (dir === 'forward' || dir === 'both') {
      let right = rightLimit(forwardStart);
      if (next && next.start < right) right = next.start;
      const units = walk(text, { start: forwardStart, end: right }, mentions, 'forward');
      if (units.length > 0) claimedUntil = Math.max(claimedUntil, right);
      push(marker.dir === 'both' ? 'coop' : marker.role, units);
    }
  }

  const warnings: ParserNote[] = [];
  let leadUnits = dedupe(lead);
  let coopUnits = dedupe(coop).filter((u) => !leadUnits.some((l) => l.name === u.name));

  if (leadUnits.length === 0) {
    const fallback = firstNamedGroup(text, mentions, coopUnits);
    if (fallback.length > 0) {
      leadUnits = [fallback[0]!];
      const others = fallback.slice(1);
      coopUnits = dedupe([...coopUnits, ...others]);
      warnings.push(
        note(
          'leadAssumed',
          fallback[0]!.name,
          others.map((o) => o.name),
        ),
      );
    } else {
      warnings.push(note('noLead'));
    }
  }

  // "Did you mean" costs a comparison with every registry name: asked for the first few only.
  const unknown = [...leadUnits, ...coopUnits].filter((u) => !u.known);
  for (const [i, u] of unknown.entries()) warnings.push(note('unknownUnit', u.name, i < MAX_SUGGESTED ? matcher.suggest(u.name) : []));
  return { lead: leadUnits, cooperating: coopUnits, warnings };
}

/**
 * Positions that end a clause: ; 。 ! ? : newline, and a '.' that ends an English sentence
 * (not the one in 2024.8.15 or 3.5). Lists of units never reach across them.
 */
function clauseBreaks(text: string): number[] {
  const out: number[] = [];
  const re = /[;。!?\n:.]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '.' && /\d/.test(text[m.index - 1] ?? '') && /\d/.test(text[m.index + 1] ?? '')) continue;
    out.push(m.index);
  }
  return out;
}

/** Index of the first number >= pos in a sorted array. */
function lowerBound(sorted: readonly number[], pos: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function dedupe(units: RoleUnit[]): RoleUnit[] {
  const seen = new Set<string>();
  return units.filter((u) => {
    if (seen.has(u.name)) return false;
    seen.add(u.name);
    return true;
  });
}

/**
 * The first unit named in the text (not already cooperating) and the units listed with it, joined
 * only by list marks: registry mentions, or an unknown addressee before a colon at the very start
 * ("市交通委:").
 */
function firstNamedGroup(text: string, mentions: UnitMention[], exclude: RoleUnit[]): RoleUnit[] {
  const excluded = (name: string) => exclude.some((u) => u.name === name);
  const candidates = mentions.filter((m) => !excluded(m.unit));
  const addressee = /^\s*([^:;。!?\n]{2,60}):/.exec(text);
  if (addressee && mentionsIn({ start: 0, end: addressee[0].length }, mentions).length === 0) {
    const end = addressee[0].length - 1;
    const units = walk(text, { start: end - addressee[1]!.length, end }, mentions, 'forward').filter((u) => !excluded(u.name));
    if (units.length > 0) return units;
  }
  const first = candidates[0];
  if (!first) return [];
  const group: RoleUnit[] = [{ name: first.unit, known: true, start: first.start }];
  let end = first.end;
  for (const m of mentions.slice(mentions.indexOf(first) + 1)) {
    if (!/^\s*(?:[、,/&]|和|及|与|以及|and)?\s*$/i.test(text.slice(end, m.start))) break;
    if (!excluded(m.unit)) group.push({ name: m.unit, known: true, start: m.start });
    end = m.end;
  }
  return dedupe(group);
}
