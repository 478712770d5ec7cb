import { isWorkingDay } from '../calendar/model/working-calendar.js';
import { zonedParts } from '../calendar/model/zoned-time.js';
import type { DbOrTx } from '../db/client.js';
import type { Locale } from '../i18n/translator.js';
import { createOrgRepository, type BoundChat } from '../org/org.repository.js';
import { chatBinding, loadActor } from '../org/org.usecases.js';
import { foldMorningBundles } from '../notifications/notifications.usecases.js';
import { createOutboxRepository, type OutboxMessage } from '../outbox/outbox.repository.js';
import type { Clock } from '../shared/clock.js';
import { appError } from '../shared/errors.js';
import { bulletinFigures, type BulletinFigures } from './bulletin.figures.js';
import {
  bulletinPeriods,
  bulletinRanking,
  digestWindow,
  isoWeekKey,
  LATE_NOTE_AFTER_MS,
  LIST_LIMIT,
  renderBulletin,
  renderOverdueResponsibles,
  type OverdueResponsible,
  renderLeadersDigest,
  renderUnitDigest,
  UNIT_LINE_LIMIT,
  UNIT_LIST_LIMIT,
  unitsListed,
  unitDigestHasContent,
  type DigestMessage,
  type DigestReader,
  type DigestWindow,
} from './digest-text.js';
import { createDigestsRepository } from './digests.repository.js';
import { createItemsRepository } from '../items/items.repository.js';
import { pendingLeads } from '../items/model/queries.js';
import { formatItemCode } from '../items/model/refs.js';
import { displayName, escapeHtml, NO_PREVIEW } from '../shared/html.js';
import { inlineFile } from '../outbox/outbox-files.js';
import type { AppDeps } from '../deps.js';

/** The scheduler job names the digests run under (their cron_runs rows tell when the last one ran). */
export const DIGEST_JOB = 'digest';
export const BULLETIN_JOB = 'bulletin';

/** Charts of more units than this go out as a document: Telegram shrinks tall photos to illegibility. */
const CHART_PHOTO_MAX_UNITS = 100;

/** Outbox keys name the chat, and the topic when there is one: a chat can hold a leaders topic and a unit topic. */
function chatRef(chat: Pick<BoundChat, 'chatId' | 'threadId'>): string {
  return chat.threadId ? `${chat.chatId}_${chat.threadId}` : String(chat.chatId);
}

/** Keys of a message split in parts: the first part has the plain key, the next ones `:2`, `:3`... */
function partKey(base: string, index: number): string {
  return index === 0 ? base : `${base}:${index + 1}`;
}

async function windowAt(deps: AppDeps, at: Date): Promise<DigestWindow> {
  // Before the first digest the window starts at the installation.
  const { lastDigestAt, installedAt } = await createDigestsRepository(deps).windowStart({ jobName: DIGEST_JOB, before: at });
  return digestWindow({
    at,
    timezone: deps.config.timezone,
    dailyTime: deps.config.digests.dailyTime,
    lastDigestAt,
    installedAt,
    severeAfterWorkingDays: deps.config.reminders.escalation.rung3.daysOverdue,
  });
}

async function unitNamesOf(deps: { db: DbOrTx; clock: Clock }): Promise<Map<number, string>> {
  return createOrgRepository(deps).unitNames();
}

/**
 * The leaders digest at `at` (default now) as messages: texts (HTML) and, on the first, the
 * buttons of the decisions it lists. `reader` says who reads it: a leaders group (the default:
 * what waits on any leader comes first) or one leader privately (what that leader issued or has
 * in charge comes first).
 */
export async function leadersDigestMessages(
  deps: AppDeps,
  input: { at?: Date; locale?: Locale; lateFrom?: Date | null; reader?: DigestReader } = {},
): Promise<DigestMessage[]> {
  const at = input.at ?? deps.clock.now();
  const window = await windowAt(deps, at);
  const reader = input.reader ?? { kind: 'group' };
  // The names are read beside the counts: they order the units, which says whose items to list.
  const namesRead = unitNamesOf(deps);
  const [names, digest] = await Promise.all([
    namesRead,
    createDigestsRepository(deps).leadersDigest({
      window,
      limit: LIST_LIMIT,
      unitLimit: UNIT_LINE_LIMIT,
      codePrefix: deps.config.items.codePrefix,
      readerId: reader.kind === 'leader' ? reader.personId : null,
      listUnits: async (units) => unitsListed(units, await namesRead),
    }),
  ]);
  const t = deps.translator.for(input.locale ?? deps.config.locale);
  return renderLeadersDigest(digest, { t, timezone: deps.config.timezone, unitNames: names, window, lateFrom: input.lateFrom ?? null, reader });
}

/** One unit's digest at `at` (default now) as message texts. */
export async function unitDigestMessages(deps: AppDeps, input: { unitId: number; at?: Date; locale?: Locale }): Promise<string[]> {
  const at = input.at ?? deps.clock.now();
  const window = await windowAt(deps, at);
  const [digest] = await createDigestsRepository(deps).unitDigests({
    window,
    unitIds: [input.unitId],
    limit: UNIT_LIST_LIMIT,
    codePrefix: deps.config.items.codePrefix,
  });
  const names = await unitNamesOf(deps);
  const t = deps.translator.for(input.locale ?? deps.config.locale);
  return renderUnitDigest(digest!, { t, timezone: deps.config.timezone, unitNames: names, window, unitName: names.get(input.unitId) ?? `#${input.unitId}` });
}

export type DigestRunResult = { outcome: 'sent' | 'late' | 'skipped'; reason?: 'non_working_day'; chats: number; planned: number };

/**
 * The scheduled daily digest of `scheduledAt`'s day: one to each leaders group, and one to each
 * unit group whose unit has something open or new. On a day off nothing is sent (the next
 * digest covers the gap). When it runs more than a few minutes after `scheduledAt` (downtime),
 * each message says so. All messages are planned in one transaction with keys
 * `digest:<chat>:<date>` (and `:2`, `:3` for further parts), so a second run plans nothing.
 */
export async function runDailyDigests(deps: AppDeps, input: { scheduledAt: Date; at?: Date }): Promise<DigestRunResult> {
  const at = input.at ?? deps.clock.now();
  const date = zonedParts(input.scheduledAt, deps.config.timezone).ymd;
  if (!isWorkingDay(date)) {
    deps.logger?.info({ date }, 'no digest on a day off');
    return { outcome: 'skipped', reason: 'non_working_day', chats: 0, planned: 0 };
  }
  const late = at.getTime() - input.scheduledAt.getTime() > LATE_NOTE_AFTER_MS;
  const lateFrom = late ? input.scheduledAt : null;
  const org = createOrgRepository(deps);
  const [leadersChats, unitChats, names] = await Promise.all([org.listBindings('leaders'), org.listBindings('unit'), unitNamesOf(deps)]);
  const window = await windowAt(deps, at);
  const repo = createDigestsRepository(deps);
  const t = deps.translator.for(deps.config.locale);
  const render = { t, timezone: deps.config.timezone, unitNames: names, window, lateFrom };
  const messages: OutboxMessage[] = [];

  if (leadersChats.length > 0) {
    const digest = await repo.leadersDigest({
      window,
      limit: LIST_LIMIT,
      unitLimit: UNIT_LINE_LIMIT,
      codePrefix: deps.config.items.codePrefix,
      listUnits: (units) => unitsListed(units, names),
    });
    const parts = renderLeadersDigest(digest, { ...render, reader: { kind: 'group' } });
    for (const chat of leadersChats) {
      for (const [i, part] of parts.entries()) {
        messages.push({
          key: partKey(`digest:${chatRef(chat)}:${date}`, i),
          chatId: chat.chatId,
          threadId: chat.threadId,
          payload: { ...part, ...NO_PREVIEW },
          purpose: 'digest',
        });
      }
    }
  }
  const unitDigests = await repo.unitDigests({
    window,
    unitIds: unitChats.map((c) => c.unitId!),
    limit: UNIT_LIST_LIMIT,
    codePrefix: deps.config.items.codePrefix,
  });
  let unitChatsSent = 0;
  for (const digest of unitDigests) {
    if (!unitDigestHasContent(digest)) continue;
    const chat = unitChats.find((c) => c.unitId === digest.unitId)!;
    const texts = renderUnitDigest(digest, { ...render, unitName: names.get(digest.unitId) ?? `#${digest.unitId}` });
    unitChatsSent++;
    for (const [i, text] of texts.entries()) {
      messages.push({
        key: partKey(`digest:${chatRef(chat)}:${date}`, i),
        chatId: chat.chatId,
        threadId: chat.threadId,
        payload: { text, ...NO_PREVIEW },
        unitId: digest.unitId,
        purpose: 'unit_digest',
      });
    }
  }

  // The morning's reminders travel with the digest: one message per chat (notifications/bundles.ts).
  const { planned, bundles } = await deps.db.transaction(async (tx) => {
    const folded = await foldMorningBundles({ db: tx, translator: deps.translator, config: deps.config }, { at, date, digests: messages });
    return { planned: await createOutboxRepository({ db: tx, clock: deps.clock }).enqueue(folded.messages), bundles: folded.bundles };
  });
  if (planned > 0) deps.onPlanned?.();
  deps.logger?.info({ date, late, leadersChats: leadersChats.length, unitChats: unitChatsSent, bundles, planned }, 'daily digests planned');
  return { outcome: late ? 'late' : 'sent', chats: leadersChats.length + unitChatsSent, planned };
}

/** Loads the history of [from, to) and computes the bulletin figures (the ledger's per-unit sheet uses this too). */
export async function bulletinFiguresFor(deps: Pick<AppDeps, 'db' | 'config'>, input: { from: Date; to: Date }): Promise<BulletinFigures> {
  const history = await createDigestsRepository(deps).history(input);
  const levels = deps.config.reminders.levels;
  return bulletinFigures(history, {
    from: input.from,
    to: input.to,
    timezone: deps.config.timezone,
    workingHours: deps.config.workingHours,
    ackNagHours: { key: levels.key.ackNagHours, special: levels.special.ackNagHours, routine: levels.routine.ackNagHours },
  });
}

export type BulletinOutput = {
  week: string;
  texts: string[];
  /** The ranking chart, or null when no unit has anything to rank (or drawing failed). */
  chart: { png: Buffer; asDocument: boolean; filename: string; caption: string } | null;
};

/**
 * The bulletin at `at`: the past week's totals and the ranking of units on the year's figures
 * (see bulletin.figures.ts for every definition), as texts and a chart.
 */
export async function buildBulletin(
  deps: AppDeps,
  input: { at?: Date; locale?: Locale; lateFrom?: Date | null; upToNow?: boolean } = {},
): Promise<BulletinOutput> {
  const at = input.at ?? deps.clock.now();
  const locale = input.locale ?? deps.config.locale;
  const t = deps.translator.for(locale);
  const periods = bulletinPeriods(at, deps.config.timezone, { upToNow: input.upToNow === true });
  const [week, year, previous, names] = await Promise.all([
    bulletinFiguresFor(deps, periods.week),
    bulletinFiguresFor(deps, periods.year),
    periods.previousYear ? bulletinFiguresFor(deps, periods.previousYear) : Promise.resolve(null),
    unitNamesOf(deps),
  ]);
  const { ranked, idle } = bulletinRanking(year, names);
  const previousYear = previous ? bulletinRanking(previous, names) : null;
  const texts = renderBulletin({ periods, week, year, ranked, idle, previousYear, timezone: deps.config.timezone }, t);
  const responsibles = await overdueResponsibles(deps, at);
  const named = renderOverdueResponsibles(responsibles.rows, responsibles.more, zonedParts(at, deps.config.timezone).ymd, t);
  if (named) texts.push(named);
  if (input.lateFrom) {
    const p = zonedParts(input.lateFrom, deps.config.timezone);
    const minutes = Math.max(1, Math.round((at.getTime() - input.lateFrom.getTime()) / 60_000));
    texts[0] = `${texts[0]}\n${t('digest-late-note', { time: `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`, minutes })}`;
  }
  const weekKey = isoWeekKey(periods.week.lastDay);
  let chart: BulletinOutput['chart'] = null;
  if (ranked.length > 0) {
    try {
      // Loaded on first use: vega and resvg take seconds to load and most starts never draw a chart.
      const render = deps.renderChart ?? (await import('./bulletin.chart.js')).renderBulletinChart;
      const title = t('bulletin-chart-title', { week: weekKey });
      const subtitle = t('bulletin-chart-subtitle', { from: periods.year.firstDay, to: periods.year.lastDay });
      const png = await render(
        ranked.map((u) => ({ unit: u.name, onTimeCloseRate: u.onTimeCloseRate, overdue: u.overdue })),
        { locale, title, subtitle },
      );
      chart = { png, asDocument: ranked.length > CHART_PHOTO_MAX_UNITS, filename: `bulletin-${weekKey}.png`, caption: escapeHtml(title) };
    } catch (error) {
      deps.logger?.error({ err: error }, 'bulletin chart failed; the bulletin goes without it');
    }
  }
  return { week: weekKey, texts, chart };
}

/** How many overdue items the bulletin names with their responsible persons. */
const RESPONSIBLES_MAX = 20;

/**
 * The overdue items at `at` (not excused 免责; 从轻/减轻 ones marked), oldest deadline first, each with the lead units still
 * owing their result and, for each, its head and its 承办人.
 */
async function overdueResponsibles(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, at: Date): Promise<{ rows: OverdueResponsible[]; more: number }> {
  const repo = createItemsRepository({ db: deps.db, clock: deps.clock, timezone: deps.config.timezone });
  const { items, total } = await repo.list({ filter: { kind: 'overdue', now: at }, offset: 0, limit: RESPONSIBLES_MAX });
  const org = createOrgRepository(deps);
  const units = new Map((await org.listUnits()).map((u) => [u.id, u]));
  const owing = items.filter((i) => i.state.excused?.degree !== 'exempt').flatMap((item) => pendingLeads(item.state).map((u) => ({ item, u })));
  const ids = owing.flatMap(({ u }) => [u.handlerId, units.get(u.unitId)?.headPersonId ?? null]).filter((x): x is number => x !== null);
  const people = new Map((await org.peopleByIds([...new Set(ids)])).map((p) => [p.id, displayName(p)]));
  const rows = owing.map(({ item, u }) => {
    const head = units.get(u.unitId)?.headPersonId ?? null;
    return {
      code: formatItemCode(deps.config.items.codePrefix, item.row.codeYear!, item.row.codeNumber!),
      deadline: item.state.deadline!,
      unit: units.get(u.unitId)?.name ?? `#${u.unitId}`,
      head: head !== null ? (people.get(head) ?? String(head)) : null,
      handler: u.handlerId !== null ? (people.get(u.handlerId) ?? String(u.handlerId)) : null,
      lenience: item.state.excused?.degree === 'lenient' || item.state.excused?.degree === 'mitigated' ? item.state.excused.degree : null,
    };
  });
  return { rows, more: Math.max(0, total - items.length) };
}

/**
 * The scheduled weekly bulletin to every leaders group: texts and the chart, planned in one
 * transaction with keys `bulletin:<chat>:<isoWeek>` (`:2`... for parts, `:chart` for the picture).
 * Bulletins are not skipped on days off: the week's record is posted when it is due.
 */
export async function runWeeklyBulletin(deps: AppDeps, input: { scheduledAt: Date; at?: Date }): Promise<DigestRunResult> {
  const at = input.at ?? deps.clock.now();
  const late = at.getTime() - input.scheduledAt.getTime() > LATE_NOTE_AFTER_MS;
  const org = createOrgRepository(deps);
  // 通报's audience: the leaders groups, and with `bulletinAudience: all` every unit group too.
  const chats = [...(await org.listBindings('leaders')), ...(deps.config.digests.bulletinAudience === 'all' ? await org.listBindings('unit') : [])];
  if (chats.length === 0) return { outcome: late ? 'late' : 'sent', chats: 0, planned: 0 };
  const bulletin = await buildBulletin(deps, { at, lateFrom: late ? input.scheduledAt : null });
  const messages: OutboxMessage[] = [];
  for (const chat of chats) {
    const base = `bulletin:${chatRef(chat)}:${bulletin.week}`;
    for (const [i, text] of bulletin.texts.entries()) {
      messages.push({ key: partKey(base, i), chatId: chat.chatId, threadId: chat.threadId, payload: { text, ...NO_PREVIEW }, purpose: 'bulletin' });
    }
    if (bulletin.chart) {
      const { png, asDocument, filename, caption } = bulletin.chart;
      messages.push({
        key: `${base}:chart`,
        chatId: chat.chatId,
        threadId: chat.threadId,
        method: asDocument ? 'sendDocument' : 'sendPhoto',
        payload: { [asDocument ? 'document' : 'photo']: inlineFile(png, filename), caption },
        purpose: 'bulletin_chart',
      });
    }
  }
  const planned = await deps.db.transaction((tx) => createOutboxRepository({ db: tx, clock: deps.clock }).enqueue(messages));
  if (planned > 0) deps.onPlanned?.();
  deps.logger?.info({ week: bulletin.week, late, chats: chats.length, planned }, 'weekly bulletin planned');
  return { outcome: late ? 'late' : 'sent', chats: chats.length, planned };
}

export type ChatRequest = { chatId: number; threadId: number; isPrivate: boolean };

/**
 * /digest: a leader or admin gets the leaders digest (in a leaders group or privately); in a unit
 * group its members (and leaders, admins) get that unit's digest; privately, unit staff get their
 * units' digests. Anyone else is refused. A leader's private digest puts first what waits on
 * that leader; an admin's, like a group's, what waits on any leader.
 */
export async function requestDigest(deps: AppDeps, input: { actorId: number; chat: ChatRequest; locale?: Locale }): Promise<DigestMessage[]> {
  const actor = await loadActor(deps, { personId: input.actorId });
  const privileged = actor.isLeader || actor.isAdmin;
  const opts = input.locale ? { locale: input.locale } : {};
  const texts = (parts: string[]): DigestMessage[] => parts.map((text) => ({ text }));
  if (input.chat.isPrivate) {
    if (privileged) return leadersDigestMessages(deps, { ...opts, reader: actor.isLeader ? { kind: 'leader', personId: actor.personId } : { kind: 'group' } });
    if (actor.unitIds.length === 0) throw appError('digests.forbidden');
    const parts = await Promise.all(actor.unitIds.map((unitId) => unitDigestMessages(deps, { unitId, ...opts })));
    return texts(parts.flat());
  }
  const binding = await chatBinding(deps, input.chat);
  if (binding?.kind === 'leaders') {
    if (!privileged) throw appError('digests.forbidden');
    return leadersDigestMessages(deps, opts);
  }
  if (binding?.kind === 'unit' && binding.unitId !== null) {
    if (!privileged && !actor.unitIds.includes(binding.unitId)) throw appError('digests.forbidden');
    return texts(await unitDigestMessages(deps, { unitId: binding.unitId, ...opts }));
  }
  throw appError('digests.wrong_chat');
}

/**
 * /bulletin: leaders and admins, in a leaders group or privately. Asked for on any day, it covers
 * the current week up to this moment (and says so), not last week's scheduled one.
 */
export async function requestBulletin(deps: AppDeps, input: { actorId: number; chat: ChatRequest; locale?: Locale }): Promise<BulletinOutput> {
  const actor = await loadActor(deps, { personId: input.actorId });
  if (!actor.isLeader && !actor.isAdmin) throw appError('digests.forbidden');
  if (!input.chat.isPrivate) {
    const binding = await chatBinding(deps, input.chat);
    if (binding?.kind !== 'leaders') throw appError('digests.wrong_chat');
  }
  return buildBulletin(deps, { upToNow: true, ...(input.locale ? { locale: input.locale } : {}) });
}
