import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR, MISSING_MESSAGE_TEXT, createTranslator, type Locale } from '../../src/i18n/translator.js';
import { ITEM_ERROR_CODES } from '../../src/items/model/errors.js';
import {
  COORDINATION_LEVELS,
  EXCUSE_DEGREES,
  ITEM_COMMAND_TYPES,
  ITEM_LEVELS,
  ITEM_STATUSES,
  REPORT_PERIODS,
  type ItemCommand,
  type ItemEventType,
  type ReferralStatus,
} from '../../src/items/model/types.js';
import { CHAT_KINDS, ROLES, type validateUnitName } from '../../src/org/org.models.js';
import { parserWarnings } from '../../src/parser/warnings.js';
import type { EscalationPolicy } from '../../src/reminders/model/policy.js';
import { LIST_FILTERS } from '../../src/notifications/callback-data.js';
import { COMMAND_MENUS } from '../../src/bot/commands.js';
import { errorMessageId } from '../../src/bot/refusals.js';

/**
 * Every message id the code can produce, rendered in both languages. The ids come from the code,
 * not from the .ftl files: literal ids written in src, and every template id (`event-${type}`)
 * expanded over the values its variable can take, taken from the code's own lists.
 */

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}
const SOURCES = sourceFiles('src').map((file) => ({ file, text: readFileSync(file, 'utf8') }));

function ftlIds(locale: Locale): Set<string> {
  const text = readFileSync(path.join(LOCALES_DIR, `${locale}.ftl`), 'utf8');
  return new Set([...text.matchAll(/^([a-zA-Z][\w-]*) =/gm)].map((m) => m[1]!));
}

// Domains exist in the code only as types: these records are checked against them by the type
// checker (a value added to the union and missing here, or one removed, fails `tsc`).
const EVENT_TYPES = {
  draft_created: true,
  draft_updated: true,
  draft_discarded: true,
  item_opened: true,
  unit_acknowledged: true,
  progress_reported: true,
  contribution_submitted: true,
  contributions_waived: true,
  result_submitted: true,
  result_confirmed: true,
  result_returned: true,
  extension_requested: true,
  extension_approved: true,
  extension_rejected: true,
  unit_transferred: true,
  item_cancelled: true,
  item_excused: true,
  lead_waived: true,
  handler_set: true,
  escalated: true,
  item_notified: true,
  coordination_requested: true,
  coordination_resolved: true,
  coordination_forwarded: true,
  milestone_reported: true,
  item_referred: true,
  referral_sent: true,
  referral_received: true,
  referral_answered: true,
  result_verified: true,
  field_checked: true,
} as const satisfies Record<ItemEventType, true>;
const REFERRAL_STATUSES = { waiting_chat: true, sent: true, received: true, answered: true } as const satisfies Record<ReferralStatus, true>;
const VERDICTS = { true: true, false: true } as const satisfies Record<Extract<ItemCommand, { type: 'verify_result' }>['verdict'], true>;
/** The escalation's rungs (rung 1 is the plain nag): one per `rungN` threshold of the policy. */
const RUNGS = { rung2: 2, rung3: 3, rung4: 4 } as const satisfies Record<Exclude<keyof EscalationPolicy, 'stalled'>, number>;

/** What validateUnitName can find wrong with a unit's name: each becomes `units.name_<problem>`. */
const UNIT_NAME_PROBLEMS = { empty: true, too_long: true, bad_chars: true, invisible: true } as const satisfies Record<
  NonNullable<ReturnType<typeof validateUnitName>>,
  true
>;

/** The first argument of every appError(...) / new AppError(...) in src: a literal, a ternary of literals, or a template. */
const raisedCodes = SOURCES.flatMap(({ text }) => [...text.matchAll(/\b(?:appError|new AppError)\(([^,)]*)/g)].map((m) => m[1]!.trim()));
/** Codes raised from a template (`units.name_${problem}`), expanded over their domain; one missing here fails the test. */
const ERROR_TEMPLATE_DOMAINS: Record<string, readonly string[]> = {
  'units.name_': Object.keys(UNIT_NAME_PROBLEMS),
};

/** AppError codes: the item model's list, and every code another module raises. */
const errorCodes = [
  ...ITEM_ERROR_CODES,
  ...raisedCodes.flatMap((arg) => [...arg.matchAll(/'([a-z]+\.[a-z_]+)'/g)].map((m) => m[1]!)),
  ...Object.entries(ERROR_TEMPLATE_DOMAINS).flatMap(([head, values]) => values.map((v) => `${head}${v}`)),
];

/**
 * Each template id's static head, as written in src, and the values of its variable. A template
 * id in src with no entry here fails the test: add its domain.
 */
const TEMPLATE_DOMAINS: Record<string, readonly (string | number)[]> = {
  'err-': errorCodes.map((c) => errorMessageId(c).slice('err-'.length)),
  'action-': ['assign', ...ITEM_COMMAND_TYPES],
  'status-': ITEM_STATUSES,
  'level-': ITEM_LEVELS,
  'event-': Object.keys(EVENT_TYPES),
  'role-': ROLES,
  'removed-kind-': CHAT_KINDS,
  'list-title-': LIST_FILTERS,
  'coordination-level-': COORDINATION_LEVELS,
  'excuse-degree-': EXCUSE_DEGREES,
  'referral-short-': Object.keys(REFERRAL_STATUSES),
  'verdict-': Object.keys(VERDICTS),
  'verify-done-': Object.keys(VERDICTS),
  'prompt-verify-': Object.keys(VERDICTS),
  // src/bot/features/items.ts picks the prompt of a unit's button: progress, extension, or the
  // result / contribution by the unit's role. The list lives only in that expression.
  'prompt-': ['progress', 'extension', 'result', 'contribution'],
  'every-': REPORT_PERIODS,
  // The report weekday (Rhythm.on): ISO, Monday 1 .. Sunday 7.
  'weekday-': [1, 2, 3, 4, 5, 6, 7],
  'parser-': Object.keys(parserWarnings),
  'reminder-rung-': Object.values(RUNGS),
  // The command menus' entries (src/bot/commands.ts): each command's description.
  'command-': [...new Set([...COMMAND_MENUS.private, ...COMMAND_MENUS.group].map((e) => e.key.slice('command-'.length)))],
};
/** Template strings in src that are not message ids (file names). */
const NOT_MESSAGE_TEMPLATES = ['duban-ledger-', 'bulletin-', 'ledger-'];
/** Literals that look like message ids but are not (outbox notice kinds). */
const NOT_MESSAGE_LITERALS = new Set(['transfer-in', 'transfer-out', 'referral-answered']);

const zhIds = ftlIds('zh');
const prefixes = new Set([...zhIds, ...ftlIds('en')].map((id) => id.split('-')[0]!));

/** Template heads in src: `prefix-${…}`. */
const templateHeads = new Set(SOURCES.flatMap(({ text }) => [...text.matchAll(/`([a-z][a-z0-9]*(?:-[a-z0-9]+)*-)\$\{/g)].map((m) => m[1]!)));

/**
 * Literal ids: a quoted kebab-case string whose first word is one a message id starts with, and
 * the first argument of any t() call whatever it looks like.
 */
const literalIds = new Set(
  SOURCES.flatMap(({ text }) => [
    ...[...text.matchAll(/(['"])([a-z][a-z0-9]*(?:-[a-zA-Z0-9_]+)+)\1/g)].map((m) => m[2]!).filter((s) => prefixes.has(s.split('-')[0]!)),
    ...[...text.matchAll(/\b(?:t|tt|ctx\.t)\(\s*'([a-zA-Z][\w-]*)'/g)].map((m) => m[1]!),
  ]).filter((s) => !NOT_MESSAGE_LITERALS.has(s)),
);
const templateIds = Object.entries(TEMPLATE_DOMAINS).flatMap(([head, values]) => values.map((v) => `${head}${v}`));
const ALL_IDS = [...new Set([...literalIds, ...templateIds])].sort();

/** Realistic values for every variable the messages use (a message gets them all; Fluent takes what it names). */
const SAMPLE: Record<string, string | number> = {
  ackCounted: 12,
  ackOnTime: 10,
  ackRate: '83%',
  action: 'confirm_result',
  actionName: '确认办结',
  alias: '住建局',
  aliases: '（住建局）',
  asked: '2026-03-02 09:30',
  asks: '确认办结',
  assigned: '2026-03-02',
  by: '张市长',
  calendar: 3,
  cancelled: 1,
  changes: '住建局 已签收',
  chat: '市住建局工作群',
  closeCounted: 8,
  closeRate: '75%',
  closed: 6,
  closedOnTime: 5,
  code: '督办〔2026〕12号',
  command: '/ack',
  cooperating: '市城市管理执法局',
  count: 3,
  counts: '办理中 4 · 逾期 1',
  date: '2026-03-09',
  day: 3,
  days: 2,
  deadline: '2026-03-20',
  decisions: 2,
  degree: 'lenient',
  degreeName: '从轻',
  due: '2026-03-10',
  dueSoon: 2,
  events: 42,
  every: '每周五',
  excused: 1,
  expires: '2026-03-05 09:00',
  file: '整改方案.docx',
  from: '市住房和城乡建设局',
  handler: '李四',
  head: '王局长',
  hours: 4,
  id: 1,
  ids: '1、2',
  index: 2,
  instruction: '请市住建局牵头，于3月20日前报送整改方案。',
  items: '督办〔2026〕12号、督办〔2026〕13号',
  label: '本周',
  late: '2 个工作日',
  lead: '市住房和城乡建设局',
  leaders: '@张市长',
  left: 3,
  length: 5000,
  lenient: 1,
  level: '重点督办',
  limit: 4,
  link: 'https://t.me/duban_bot?start=abc',
  mark: '🟡',
  max: 4000,
  mb: 20,
  members: 5,
  milestone: '拿出初稿',
  minutes: 30,
  mitigated: 1,
  n: 1,
  name: '市住房和城乡建设局',
  names: '公安交警部门',
  nags: 3,
  note: '现场核实，方案已印发',
  now: '2026-03-02 09:30',
  number: 12,
  off: 8,
  onTime: 7,
  open: 9,
  opened: '2026-03-02',
  original: '2026-03-20',
  others: '市城市管理执法局',
  overdue: 1,
  page: 1,
  pages: 3,
  part: 1,
  parts: 2,
  pending: 2,
  person: '李四',
  previous: '市城市管理执法局',
  problems: '第 2 行：缺少名称',
  quote: '请市住建局牵头',
  rank: 1,
  reason: '职能调整',
  ref: '12',
  requested: '2026-04-10',
  resolved: '2026-03-04',
  response: '同意，抓好落实',
  returned: 1,
  role: '牵头',
  roles: '领导、督查员',
  rung: 2,
  severe: 1,
  since: '2026-03-02',
  source: '国务院办公厅通知',
  state: ' · 已签收',
  status: '办理中',
  submitted: '2026-03-12',
  suggestions: '市住建局',
  text: '已召开专题会，方案初稿完成',
  time: '17:00',
  title: '老旧小区改造',
  to: '市水务局',
  total: 14,
  unacknowledged: 2,
  unit: '市住房和城乡建设局',
  units: '市住房和城乡建设局、市城市管理执法局',
  until: '2026-04-10',
  usage: '/ack 编号',
  value: '2026-02-30',
  verdict: 'true',
  waiting: 2,
  week: '2026-W10',
  weekFrom: 10,
  weekTo: 11,
  weekday: '周五',
  what: '文字',
  who: '张市长',
  word: '尽快',
  work: 2,
  working: 3,
  written: '某一天',
  year: 2026,
  yearFrom: 2026,
  yearTo: 2027,
  years: '2026、2027',
};

describe('every message id the code can produce', () => {
  const translator = createTranslator();

  it(`finds the ids it checks: literals in src and each template expanded (${ALL_IDS.length} ids)`, () => {
    expect(literalIds.size).toBeGreaterThan(400);
    expect(templateIds.length).toBeGreaterThan(150);
    // A template id in src with no domain here would go unchecked; a domain no code uses is stale.
    const heads = [...templateHeads].filter((h) => !NOT_MESSAGE_TEMPLATES.includes(h) && prefixes.has(h.split('-')[0]!));
    expect(heads.filter((h) => !(h in TEMPLATE_DOMAINS)).sort()).toEqual([]);
    expect(Object.keys(TEMPLATE_DOMAINS).filter((h) => !templateHeads.has(h))).toEqual([]);
    // The same for error codes raised from a template.
    const errorHeads = raisedCodes.flatMap((arg) => [...arg.matchAll(/^`([a-z]+\.[a-z_]*)\$\{/g)].map((m) => m[1]!));
    expect(errorHeads.filter((h) => !(h in ERROR_TEMPLATE_DOMAINS))).toEqual([]);
    expect(Object.keys(ERROR_TEMPLATE_DOMAINS).filter((h) => !errorHeads.includes(h))).toEqual([]);
    // Every raised code is found: a literal, literals, or a template with a domain. The one variable
    // passed along is `code` (appError's own signature, and the item model's refuse(), whose codes
    // are ITEM_ERROR_CODES).
    expect(raisedCodes.filter((arg) => !/^['`]|'[a-z]+\.[a-z_]+'/.test(arg) && !/^code(:|$)/.test(arg))).toEqual([]);
  });

  it('has a realistic sample for every variable a message uses', () => {
    const text = ['zh', 'en'].map((l) => readFileSync(path.join(LOCALES_DIR, `${l}.ftl`), 'utf8')).join('\n');
    const variables = new Set([...text.matchAll(/\$([a-zA-Z_][\w-]*)/g)].map((m) => m[1]!));
    expect([...variables].filter((v) => !(v in SAMPLE)).sort()).toEqual([]);
  });

  for (const locale of ['zh', 'en'] as const) {
    it(`renders each of them in ${locale}: a sentence, not the id, nothing left unfilled`, () => {
      const t = translator.for(locale);
      const bad: string[] = [];
      for (const id of ALL_IDS) {
        let text: string;
        try {
          text = t(id, SAMPLE);
        } catch (error) {
          bad.push(`${id}: ${(error as Error).message}`);
          continue;
        }
        if (text.trim() === '' || text === id || /\{\s*\$|undefined|NaN|\[object /.test(text)) bad.push(`${id}: ${JSON.stringify(text)}`);
      }
      expect(bad).toEqual([]);
    });
  }
});

describe('a missing message', () => {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const logger = { warn: (obj: object, msg: string) => void lines.push({ level: 'warn', obj, msg }) };
  const dir = path.join(import.meta.dirname, 'fixtures', 'partial-locales');

  it('throws under the tests (strict by default under vitest), naming the id and the locale', () => {
    const t = createTranslator().for('zh');
    expect(() => t('no-such-message')).toThrow(/no message "no-such-message" \(zh\)/);
    // A message present only in the other locale is missing too.
    const partial = createTranslator({ dir }).for('en');
    expect(() => partial('only-zh')).toThrow(/no message in this locale "only-zh" \(en\)/);
    // A variable not given is a failure too, not a "{$unit}" shown to somebody.
    expect(createTranslator().for('zh')('card-overdue', { late: '2 天' })).toContain('2 天');
    expect(() => createTranslator().for('zh')('card-overdue', {})).toThrow(/late.*"card-overdue" \(zh\)/);
  });

  it('in production falls back to the other language, then to a generic sentence, each time with a log line', () => {
    const t = createTranslator({ dir, strict: false, logger });
    expect(t.t('en', 'only-zh')).toBe('只有中文');
    expect(lines.at(-1)).toMatchObject({ obj: { key: 'only-zh', locale: 'en', fallback: 'zh' }, msg: expect.stringContaining('other locale') });
    expect(t.t('zh', 'no-such-message')).toBe(MISSING_MESSAGE_TEXT.zh);
    expect(t.t('en', 'no-such-message')).toBe(MISSING_MESSAGE_TEXT.en);
    expect(lines.at(-1)).toMatchObject({ obj: { key: 'no-such-message', locale: 'en' }, msg: expect.stringContaining('every locale') });
    expect(t.t('zh', 'both', { name: '住建局' })).toBe('你好，住建局');
    const before = lines.length;
    expect(t.t('zh', 'both', {})).toContain('你好');
    expect(lines.length).toBe(before + 1);
    expect(lines.at(-1)).toMatchObject({ obj: { key: 'both', locale: 'zh' }, msg: expect.stringContaining('errors') });
  });
});

describe('the message files', () => {
  it('hold no message the code never produces (nor one only another message refers to)', () => {
    const produced = new Set(ALL_IDS);
    const text = ['zh', 'en'].map((l) => readFileSync(path.join(LOCALES_DIR, `${l}.ftl`), 'utf8')).join('\n');
    // A message may be placed inside another: { other-message }.
    const referenced = new Set([...text.matchAll(/\{\s*([a-z][\w-]*)\s*\}/g)].map((m) => m[1]!));
    const unused = [...new Set([...zhIds, ...ftlIds('en')])].filter((id) => !produced.has(id) && !referenced.has(id));
    expect(unused.sort()).toEqual([]);
  });
});
