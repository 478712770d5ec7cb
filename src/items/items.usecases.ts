import { addWorkingDays, nationalCalendar, uncoveredYearsBetween } from '../calendar/model/working-calendar.js';
import type { Db, DbOrTx } from '../db/client.js';
import type { Translator } from '../i18n/translator.js';
import type { Audience, ItemView, UnresolvedMention } from '../notifications/item-card.js';
import { chatBinding, findLeaderNamed, loadActor } from '../org/org.usecases.js';
import { createOrgRepository } from '../org/org.repository.js';
import { matcherOf, type Actor, type UnitRecord } from '../org/org.models.js';
import { createOutboxRepository } from '../outbox/outbox.repository.js';
import { foldText } from '../shared/text.js';
import { parseInstruction, readInstruction } from '../parser/parse.js';
import { note, type ParserNote } from '../parser/warnings.js';
import { computeNextCheckAt } from '../reminders/model/rules.js';
import { reminderSchedule } from '../reminders/model/policy.js';
import type { Config } from '../config.js';
import type { Clock } from '../shared/clock.js';
import { appError } from '../shared/errors.js';
import { displayName } from '../shared/html.js';
import { MAX_DB_ID } from '../shared/ids.js';
import { localNow } from '../calendar/model/zoned-time.js';
import type { AppDeps } from '../deps.js';
import { buildView } from './item-view.js';
import { requireAllowed } from './model/authorization.js';
import { activeUnits } from './model/queries.js';
import { createDraft, decide, referItem, sendWaitingReferral, type ReferralInput } from './model/transitions.js';
import {
  ITEM_LEVELS,
  type DraftPatch,
  type FileRef,
  type ItemCommand,
  type ItemCommandType,
  type ItemEvent,
  type ItemEventData,
  type ItemLevel,
  type ItemState,
} from './model/types.js';
import { planItemNotifications } from '../notifications/item-notices.js';
import { planCardRefresh } from '../notifications/cards.js';
import { planDisciplineUnboundNotices, planReferralMessages } from '../notifications/referral.js';
import { itemCode, type ItemRef } from './model/refs.js';
import { createItemsRepository, type ItemMessageInput, type ItemSource, type ListFilter } from './items.repository.js';
import type { StoredItem } from './model/stored.js';

/** Longest text we keep for an instruction, a report or a reason (Telegram's own limit is 4096). */
export const MAX_TEXT = 4000;

/** What the draft card still asks about; `warnings` are the parser's, translated when shown. */
export type DraftNotes = { unresolved: UnresolvedMention[]; warnings: ParserNote[] };

function items(deps: Pick<AppDeps, 'clock' | 'config'> & { db: DbOrTx }) {
  return createItemsRepository({ db: deps.db, clock: deps.clock, timezone: deps.config.timezone });
}

/** When the sweep must look at an item next, from its new state and the reminder policy. */
function nextCheckFor(deps: Pick<AppDeps, 'clock' | 'config'>, state: ItemState): Date | null {
  return computeNextCheckAt({ state, now: deps.clock.now(), schedule: reminderSchedule(deps.config) });
}

/**
 * What one sweep batch decided about items, written in the sweep's transaction: the escalations
 * it reached (`escalated` events of the history) and each item's next check time.
 */
export async function recordSweep(
  deps: { db: DbOrTx; clock: Clock; config: Pick<Config, 'timezone'> },
  input: {
    escalations: { itemId: number; unitId: number; at: Date; data: ItemEventData['escalated'] }[];
    nextChecks: { id: number; nextCheckAt: Date | null }[];
  },
): Promise<void> {
  const repo = createItemsRepository({ db: deps.db, clock: deps.clock, timezone: deps.config.timezone });
  await repo.appendSystemEvents(
    input.escalations.map((e) => ({ itemId: e.itemId, type: 'escalated' as const, at: e.at, actorId: 0, unitId: e.unitId, data: e.data })),
  );
  await repo.setNextChecks(input.nextChecks);
}

/**
 * 移交: the sweep reached rung 4 for these items (in its transaction, the items locked by it).
 * Each item not referred before gets its referral (an `item_referred` event by the system); it
 * goes to the bound discipline group as a living card with the item's history, or, with none
 * bound, waits, and the admins are told. Returns the outbox rows planned.
 */
export async function recordReferrals(
  deps: { db: DbOrTx; clock: Clock; config: Pick<Config, 'timezone' | 'locale' | 'adminIds' | 'items'>; translator: Translator },
  input: {
    referrals: { item: StoredItem; input: Omit<ReferralInput, 'chatId'>; nextCheckAt: Date | null }[];
    discipline: { chatId: number; threadId: number } | null;
    at: Date;
  },
): Promise<number> {
  const repo = createItemsRepository({ db: deps.db, clock: deps.clock, timezone: deps.config.timezone });
  const outbox = createOutboxRepository({ db: deps.db, clock: deps.clock });
  let planned = 0;
  const done = new Set<number>();
  for (const { item, input: referral, nextCheckAt } of input.referrals) {
    if (done.has(item.id)) continue;
    done.add(item.id);
    const decision = referItem(item.state, { ...referral, chatId: input.discipline?.chatId ?? null }, input.at);
    if (decision.events.length === 0) continue;
    const saved = await repo.save({ id: item.id, previousVersion: item.state.version, state: decision.state, events: decision.events, nextCheckAt });
    const view = await buildView(deps, saved);
    const messages = input.discipline
      ? await planReferralMessages(deps, { view, events: await repo.events(item.id), chat: input.discipline })
      : await planDisciplineUnboundNotices(deps, { kind: 'referral', itemId: item.id, code: view.code ?? String(item.id) });
    planned += await outbox.enqueue(messages);
    planned += (await planCardRefresh(deps, { view })).edits;
  }
  return planned;
}

/**
 * /bind discipline: referrals that waited for a discipline group go to it now, each in its own
 * transaction (a `referral_sent` event by the system). Returns how many were sent.
 */
export async function sendWaitingReferrals(
  deps: { db: Db; clock: Clock; config: Pick<Config, 'timezone' | 'locale' | 'adminIds' | 'items'>; translator: Translator },
  input: { chat: { chatId: number; threadId: number } },
): Promise<number> {
  const ids = await createItemsRepository({ db: deps.db, clock: deps.clock, timezone: deps.config.timezone }).waitingReferralIds();
  let sent = 0;
  for (const id of ids) {
    sent += await deps.db.transaction(async (tx) => {
      const txDeps = { ...deps, db: tx };
      const repo = createItemsRepository({ db: tx, clock: deps.clock, timezone: deps.config.timezone });
      const item = await repo.getForUpdate(id);
      if (!item) return 0;
      const decision = sendWaitingReferral(item.state, input.chat.chatId, deps.clock.now());
      if (decision.events.length === 0) return 0;
      const saved = await repo.save({
        id,
        previousVersion: item.state.version,
        state: decision.state,
        events: decision.events,
        nextCheckAt: item.row.nextCheckAt,
      });
      const view = await buildView(txDeps, saved);
      const outbox = createOutboxRepository({ db: tx, clock: deps.clock });
      await outbox.enqueue(await planReferralMessages(txDeps, { view, events: await repo.events(id), chat: input.chat }));
      await planCardRefresh(txDeps, { view });
      return 1;
    });
  }
  return sent;
}

/**
 * 已接收 / 反馈 (移交): the discipline body acts on a referral. There is no discipline role: a
 * command from the bound discipline group speaks for it (the chat binding is read here, on the
 * server), and admins may act anywhere; the model judges the rest.
 */
export async function runReferralCommand(
  deps: AppDeps,
  input: {
    actorId: number;
    itemId: number;
    chat: { chatId: number; threadId: number } | null;
    command: Extract<ItemCommand, { type: 'receive_referral' | 'referral_feedback' }>;
  },
): Promise<CommandResult> {
  const inDisciplineChat = await isDisciplineChat(deps, input.chat);
  return runItemCommand(deps, { actorId: input.actorId, itemId: input.itemId, command: input.command, inDisciplineChat });
}

/** Whether a chat is the bound discipline group (a private chat never is). */
export async function isDisciplineChat(deps: Pick<AppDeps, 'clock' | 'config' | 'db'>, chat: { chatId: number; threadId: number } | null): Promise<boolean> {
  if (chat === null || chat.chatId > 0) return false;
  return (await chatBinding(deps, chat))?.kind === 'discipline';
}

/**
 * Once at start-up: live items saved without a check time (older data) are marked for the next
 * sweep, which then works out their real time. Returns how many.
 */
export async function markUncheckedItems(deps: { db: DbOrTx; clock: Clock; config: Pick<Config, 'timezone'> }): Promise<number> {
  return createItemsRepository({ db: deps.db, clock: deps.clock, timezone: deps.config.timezone }).markUnchecked({ at: deps.clock.now() });
}

function checkLength(text: string, what: string) {
  if (text.length > MAX_TEXT) throw appError('items.text_too_long', { what, max: MAX_TEXT, length: text.length });
}

/** How the parser reads an instruction here: the office's calendar and its end of working hours. */
function parseOptions(deps: Pick<AppDeps, 'clock' | 'config'>, units: readonly { name: string; aliases: readonly string[] }[]) {
  return { now: deps.clock.now(), timezone: deps.config.timezone, units, calendar: nationalCalendar, workdayEnd: deps.config.workingHours.end };
}

/** The draft warning for a deadline on a day off (with the working day before it), or none. */
function dayOffNotes(deadline: string | null): ParserNote[] {
  if (!deadline || nationalCalendar.isWorkingDay(deadline)) return [];
  return [note('deadlineOnDayOff', deadline, nationalCalendar.addWorkingDays(deadline, -1))];
}

/** The draft's notes with the day-off warning made true for `deadline`. */
function withDayOffNote(notes: DraftNotes | null, deadline: string | null): DraftNotes {
  const current = notes ?? { unresolved: [], warnings: [] };
  return { ...current, warnings: [...current.warnings.filter((w) => w.code !== 'deadlineOnDayOff'), ...dayOffNotes(deadline)] };
}

function defaultDeadline(deps: Pick<AppDeps, 'clock' | 'config'>, level: ItemLevel): string {
  return addWorkingDays(localNow(deps).today, deps.config.items.defaultDeadlineWorkingDays[level]);
}

/** Maps the parser's unit names to registry units; unknown names come back with suggestions. */
function resolveNames(all: UnitRecord[], lead: string[], cooperating: string[]) {
  const matcher = matcherOf(all);
  const byName = new Map(all.map((u) => [u.name, u]));
  const leadIds: number[] = [];
  const coopIds: number[] = [];
  const unresolved: UnresolvedMention[] = [];
  for (const [names, role, ids] of [
    [lead, 'lead', leadIds],
    [cooperating, 'cooperating', coopIds],
  ] as const) {
    for (const name of names) {
      const canonical = byName.has(name) ? name : matcher.resolve(name);
      const unit = canonical ? byName.get(canonical) : undefined;
      if (unit) ids.push(unit.id);
      else {
        const suggestions = matcher
          .suggest(name, 3)
          .map((n) => byName.get(n))
          .filter((u): u is UnitRecord => Boolean(u))
          .map((u) => ({ id: u.id, name: u.name }));
        unresolved.push({ name, role, suggestions });
      }
    }
  }
  return { leadIds, coopIds: coopIds.filter((id) => !leadIds.includes(id)), unresolved };
}

/**
 * /assign: reads the instruction, creates a draft with what it understood, and returns it for the
 * draft card. Only in a leaders group, only by a leader or an admin (the model checks the role).
 */
export async function startAssignment(
  deps: AppDeps,
  input: {
    actorId: number;
    text: string;
    source: ItemSource;
    chat: { chatId: number; threadId: number };
    /** The author of the replied-to instruction: an admin assigning it does so on that leader's behalf. */
    instructionAuthorId?: number;
  },
): Promise<{ item: StoredItem; notes: DraftNotes }> {
  const actor = await loadActor(deps, { personId: input.actorId });
  let issuedBy: number | undefined;
  if (actor.isAdmin && input.instructionAuthorId !== undefined && input.instructionAuthorId !== input.actorId) {
    const author = await loadActor(deps, { personId: input.instructionAuthorId });
    if (author.isLeader) issuedBy = author.personId;
  }
  if (!actor.isLeader && !actor.isAdmin) throw appError('items.forbidden', { action: 'assign' });
  const binding = await chatBinding(deps, input.chat);
  if (binding?.kind !== 'leaders') throw appError('items.leaders_chat_only');
  const text = input.text.trim();
  if (!text) throw appError('items.instruction_required');
  checkLength(text, 'instruction');

  const now = localNow(deps);
  const org = createOrgRepository(deps);
  const all = await org.listUnits();
  const parsed = readInstruction(text, { ...parseOptions(deps, all), now: now.at });
  const { leadIds, coopIds, unresolved } = resolveNames(all, parsed.lead, parsed.cooperating);
  const deadlineDefaulted = parsed.deadline === null;
  const deadline = parsed.deadline ?? defaultDeadline(deps, parsed.level);
  // 请王副市长牵头督办: proposed on the draft when exactly one registered leader has that name.
  const leaderInCharge = parsed.leaderInCharge ? await findLeaderNamed(deps, parsed.leaderInCharge) : null;
  const decision = createDraft(
    {
      instruction: text,
      leadUnitIds: leadIds,
      cooperatingUnitIds: coopIds,
      deadline,
      deadlineTime: parsed.deadline ? parsed.deadlineTime : null,
      milestones: parsed.milestones.filter((m) => m.due <= deadline),
      level: parsed.level,
      // 限时报告: as written, else the level's default (key items: weekly, by Friday).
      reportEvery: parsed.reportEvery ?? deps.config.reminders.levels[parsed.level].reportEvery,
      ...(parsed.reportsFrom === 'all' ? { reportsFrom: 'all' as const } : {}),
      ...(issuedBy !== undefined ? { issuedBy } : {}),
      ...(leaderInCharge !== null ? { leaderInCharge } : {}),
    },
    { actor, at: now.at, today: now.today, timeOfDay: now.timeOfDay, unitNames: new Map(all.map((u) => [u.id, u.name])) },
  );
  // Unknown units are offered as a pick list on the card; the other warnings are shown as they are.
  const warnings: ParserNote[] = parsed.notes.filter((n) => n.code !== 'unknownUnit' && n.code !== 'noDeadline');
  // Reminders count working days up to the deadline: say so when a year on the way has no schedule
  // (the parser says it only for "N个工作日"; a date or a default deadline needs it as much).
  const uncovered = uncoveredYearsBetween(now.today, deadline);
  if (uncovered.length > 0 && !warnings.some((n) => n.code === 'uncoveredCalendar')) warnings.push(note('uncoveredCalendar', uncovered));
  const notes: DraftNotes = { unresolved, warnings };
  const item = await deps.db.transaction(async (tx) => {
    const repo = items({ ...deps, db: tx });
    return repo.insert({
      state: decision.state,
      events: decision.events,
      source: input.source,
      draft: { deadlineDefaulted, notes },
      nextCheckAt: nextCheckFor(deps, decision.state),
    });
  });
  return { item, notes };
}

/** `view` is the saved item's view, as its cards were planned with (a reply can name its units without reading them again). */
export type CommandResult = { item: StoredItem; events: ItemEvent[]; planned: number; view: ItemView };

/**
 * Runs one command on one item in one transaction: lock the row, judge with the pure model,
 * number the item on confirm, save state and history, and plan the messages. Concurrent
 * commands on the same item queue on the row lock; the second sees the first one's result.
 * `expectedVersion` (from a button) refuses a press on a card that no longer shows the item.
 */
export async function runItemCommand(
  deps: AppDeps,
  input: {
    actorId: number;
    itemId: number;
    command: ItemCommand;
    expectedVersion?: number;
    draftNotes?: DraftNotes | null;
    deadlineDefaulted?: boolean;
    /** The command came from the bound discipline group (the caller checked the chat binding). */
    inDisciplineChat?: boolean;
  },
): Promise<CommandResult> {
  for (const field of ['text', 'reason', 'response', 'comment', 'note'] as const) {
    const value = (input.command as Partial<Record<typeof field, unknown>>)[field];
    if (typeof value === 'string') checkLength(value, field);
  }
  const actor = { ...(await loadActor(deps, { personId: input.actorId })), ...(input.inDisciplineChat ? { inDisciplineChat: true } : {}) };
  const org = createOrgRepository(deps);
  const unitNames = new Map((await org.listUnits()).map((u) => [u.id, u.name]));
  return deps.db.transaction(async (tx) => {
    const repo = items({ ...deps, db: tx });
    const item = await repo.getForUpdate(input.itemId);
    if (!item) throw appError('items.not_found', { ref: String(input.itemId) });
    if (input.expectedVersion !== undefined && input.expectedVersion !== 0 && item.state.version !== input.expectedVersion) {
      throw appError('items.stale', { status: item.state.status });
    }
    const now = localNow(deps);
    const level = deps.config.reminders.levels[item.state.level];
    const verifyPolicy = { verify: level.verify, evidence: level.evidence };
    const decision = decide(item.state, input.command, { actor, at: now.at, today: now.today, timeOfDay: now.timeOfDay, unitNames, verifyPolicy });
    const code = input.command.type === 'confirm_draft' ? { year: now.year, number: await repo.nextCodeNumber(now.year) } : undefined;
    const saved = await repo.save({
      id: item.id,
      previousVersion: item.state.version,
      state: decision.state,
      events: decision.events,
      nextCheckAt: nextCheckFor(deps, decision.state),
      ...(code ? { code } : {}),
      ...(input.draftNotes !== undefined ? { draftNotes: input.draftNotes } : {}),
      ...(input.deadlineDefaulted !== undefined ? { deadlineDefaulted: input.deadlineDefaulted } : {}),
    });
    const view = await buildView({ ...deps, db: tx }, saved);
    const messages = await planItemNotifications({ ...deps, db: tx }, { item: saved, events: decision.events, view });
    const outbox = createOutboxRepository({ db: tx, clock: deps.clock });
    const planned = await outbox.enqueue(messages);
    // Every card of the item, in every chat, now shows the new state (edits coalesced and paced).
    const refreshed = await planCardRefresh({ db: tx, clock: deps.clock, translator: deps.translator }, { view });
    return { item: saved, events: decision.events, planned: planned + refreshed.edits, view };
  });
}

/** Draft: the next level in the cycle key -> special -> routine; a defaulted deadline follows the level. */
export async function cycleDraftLevel(deps: AppDeps, input: { actorId: number; itemId: number }): Promise<CommandResult> {
  const current = await items(deps).get(input.itemId);
  if (!current) throw appError('items.not_found', { ref: String(input.itemId) });
  const level = ITEM_LEVELS[(ITEM_LEVELS.indexOf(current.state.level) + 1) % ITEM_LEVELS.length]!;
  const patch: DraftPatch = { level };
  if (current.row.deadlineDefaulted) patch.deadline = defaultDeadline(deps, level);
  // A report rhythm the instruction does not write follows the level too (key: weekly by Friday).
  if (parseInstruction(current.state.instruction, parseOptions(deps, [])).reportEvery === null) {
    const rhythm = deps.config.reminders.levels[level].reportEvery;
    if (rhythm !== current.state.reportEvery) patch.reportEvery = rhythm;
  }
  return runItemCommand(deps, { ...input, command: { type: 'update_draft', patch } });
}

/** Draft: a new deadline read from what the leader wrote ("12月15日", "下周五", "2026-12-15"). */
export async function changeDraftDeadline(deps: AppDeps, input: { actorId: number; itemId: number; text: string }): Promise<CommandResult> {
  const date = readDate(deps, input.text);
  const current = await items(deps).get(input.itemId);
  return runItemCommand(deps, {
    actorId: input.actorId,
    itemId: input.itemId,
    command: { type: 'update_draft', patch: { deadline: date.date, deadlineTime: date.time } },
    deadlineDefaulted: false,
    draftNotes: withDayOffNote((current?.row.draftNotes as DraftNotes | null) ?? null, date.date),
  });
}

/**
 * Draft: the deadline falls on a day off; move it to the working day before (the button under the
 * warning). The day is worked out here from the item as it is now, never taken from the button.
 */
export async function moveDraftDeadlineToWorkingDay(
  deps: AppDeps,
  input: { actorId: number; itemId: number; expectedVersion?: number },
): Promise<CommandResult> {
  const current = await items(deps).get(input.itemId);
  if (!current) throw appError('items.not_found', { ref: String(input.itemId) });
  const deadline = current.state.deadline;
  if (!deadline || nationalCalendar.isWorkingDay(deadline)) throw appError('items.stale', { status: current.state.status });
  const previous = nationalCalendar.addWorkingDays(deadline, -1);
  return runItemCommand(deps, {
    actorId: input.actorId,
    itemId: input.itemId,
    command: { type: 'update_draft', patch: { deadline: previous } },
    ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
    deadlineDefaulted: false,
    draftNotes: withDayOffNote((current.row.draftNotes as DraftNotes | null) ?? null, previous),
  });
}

/**
 * Draft: lead and cooperating units read from what the leader wrote ("牵头：市住建局；配合：市城管局").
 * All or nothing: when a name is not in the registry, or a registered unit is named without the
 * parser placing it as lead or cooperating, the draft stays as it was and the reply says which.
 */
export async function changeDraftUnits(deps: AppDeps, input: { actorId: number; itemId: number; text: string }): Promise<CommandResult> {
  const all = await createOrgRepository(deps).listUnits();
  const parsed = parseInstruction(input.text, parseOptions(deps, all));
  const { leadIds, coopIds, unresolved } = resolveNames(all, parsed.lead, parsed.cooperating);
  const placed = new Set([...parsed.lead, ...parsed.cooperating]);
  const unplaced = [
    ...new Set(
      matcherOf(all)
        .findAll(foldText(input.text))
        .map((m) => m.unit),
    ),
  ].filter((name) => !placed.has(name));
  if (unresolved.length === 1 && unplaced.length === 0) {
    const first = unresolved[0]!;
    if (first.suggestions.length) throw appError('units.not_found_suggest', { name: first.name, suggestions: first.suggestions.map((s) => s.name).join('、') });
    throw appError('units.not_found', { name: first.name });
  }
  if (unresolved.length > 0 || unplaced.length > 0) {
    const names = [...unresolved.map((u) => u.name), ...unplaced].join('、');
    const suggestions = unresolved
      .filter((u) => u.suggestions.length > 0)
      .map((u) => `${u.name} → ${u.suggestions.map((s) => s.name).join('/')}`)
      .join('; ');
    throw appError(suggestions ? 'items.units_unread_suggest' : 'items.units_unread', { names, suggestions });
  }
  if (leadIds.length === 0) throw appError('items.lead_unit_required');
  return runItemCommand(deps, {
    actorId: input.actorId,
    itemId: input.itemId,
    command: { type: 'update_draft', patch: { leadUnitIds: leadIds, cooperatingUnitIds: coopIds } },
    draftNotes: { unresolved: [], warnings: [] },
  });
}

/** Draft: takes a suggested unit for an unknown name (from the draft card's pick list). */
export async function pickDraftUnit(
  deps: AppDeps,
  input: { actorId: number; itemId: number; unitId: number; role: 'lead' | 'cooperating' },
): Promise<CommandResult> {
  const current = await items(deps).get(input.itemId);
  if (!current) throw appError('items.not_found', { ref: String(input.itemId) });
  const unit = await createOrgRepository(deps).getUnit(input.unitId);
  if (!unit) throw appError('items.stale', { status: current.state.status });
  const notes = (current.row.draftNotes as DraftNotes | null) ?? { unresolved: [], warnings: [] };
  const remaining = notes.unresolved.filter((u) => !u.suggestions.some((s) => s.id === input.unitId));
  const lead = current.state.units.filter((u) => u.role === 'lead').map((u) => u.unitId);
  const coop = current.state.units.filter((u) => u.role === 'cooperating').map((u) => u.unitId);
  const patch: DraftPatch =
    input.role === 'lead'
      ? { leadUnitIds: [...new Set([...lead, unit.id])], cooperatingUnitIds: coop.filter((id) => id !== unit.id) }
      : { cooperatingUnitIds: [...new Set([...coop, unit.id])], leadUnitIds: lead.filter((id) => id !== unit.id) };
  return runItemCommand(deps, {
    actorId: input.actorId,
    itemId: input.itemId,
    command: { type: 'update_draft', patch },
    draftNotes: { ...notes, unresolved: remaining },
  });
}

/** Draft: names the leader in charge (分管领导), who may then confirm and decide like the issuer. */
export async function setDraftLeaderInCharge(deps: AppDeps, input: { actorId: number; itemId: number; personId: number }): Promise<CommandResult> {
  const person = await loadActor(deps, { personId: input.personId });
  if (!person.isLeader) {
    const known = await createOrgRepository(deps).getPerson(input.personId);
    throw appError('items.not_a_leader', { name: known ? displayName(known) : String(input.personId) });
  }
  return runItemCommand(deps, { actorId: input.actorId, itemId: input.itemId, command: { type: 'update_draft', patch: { leaderInCharge: input.personId } } });
}

/** Reads one date (and maybe a time) from a short text, relative to now, or refuses. */
export function readDate(deps: Pick<AppDeps, 'clock' | 'config'>, text: string): { date: string; time: string | null } {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:\s+(\d{2}:\d{2}))?$/.exec(t);
  if (iso) return { date: `${iso[1]}-${iso[2]}-${iso[3]}`, time: iso[4] ?? null };
  const parsed = parseInstruction(`${t}前`, parseOptions(deps, []));
  if (!parsed.deadline) throw appError('items.date_unreadable', { text: t.slice(0, 40) });
  return { date: parsed.deadline, time: parsed.deadlineTime };
}

export async function getItem(deps: Pick<AppDeps, 'clock' | 'config'> & { db: DbOrTx }, input: { itemId: number }): Promise<StoredItem> {
  // An id PostgreSQL's integer cannot hold names no item (and would fail the query).
  const item = Number.isSafeInteger(input.itemId) && input.itemId > 0 && input.itemId <= MAX_DB_ID ? await items(deps).get(input.itemId) : null;
  if (!item) throw appError('items.not_found', { ref: String(input.itemId) });
  return item;
}

/** Finds a confirmed item by code ("督办〔2026〕12号", "2026-12", "12"); a number alone prefers this year. */
export async function findItemByRef(deps: Pick<AppDeps, 'clock' | 'config' | 'db'>, input: { ref: ItemRef; typed: string }): Promise<StoredItem> {
  const repo = items(deps);
  if (input.ref.year !== null) {
    const found = await repo.findByCode({ year: input.ref.year, number: input.ref.number });
    if (found) return found;
  } else {
    const candidates = await repo.findByNumber(input.ref.number);
    const thisYear = localNow(deps).year;
    const found = candidates.find((c) => c.row.codeYear === thisYear) ?? candidates[0];
    if (found) return found;
  }
  throw appError('items.not_found', { ref: input.typed });
}

export async function itemEvents(deps: Pick<AppDeps, 'clock' | 'config' | 'db'>, input: { itemId: number }) {
  return items(deps).events(input.itemId);
}

export async function listItems(deps: Pick<AppDeps, 'clock' | 'config' | 'db'>, input: { filter: ListFilter; page: number; pageSize: number }) {
  return items(deps).list({ filter: input.filter, offset: input.page * input.pageSize, limit: input.pageSize });
}

export async function findItemByMessage(deps: Pick<AppDeps, 'clock' | 'config' | 'db'>, input: { chatId: number; messageId: number }) {
  return items(deps).findByMessage(input);
}

/** The item a bot message is about (a card, a notice, a reminder, a prompt), or null for any other message. */
export async function itemOfMessage(deps: Pick<AppDeps, 'clock' | 'config' | 'db'>, input: { chatId: number; messageId: number }): Promise<StoredItem | null> {
  const link = await items(deps).findByMessage(input);
  return link ? items(deps).get(link.itemId) : null;
}

/**
 * Checks, without changing anything, that this person could take this action on the item now,
 * so that a prompt is only sent to someone whose answer will be accepted. Throws the refusal.
 */
export async function checkItemAction(
  deps: Pick<AppDeps, 'clock' | 'config' | 'db'>,
  input: { actorId: number; item: StoredItem; action: ItemCommandType; unitId?: number; inDisciplineChat?: boolean },
): Promise<void> {
  const actor = { ...(await loadActor(deps, { personId: input.actorId })), ...(input.inDisciplineChat ? { inDisciplineChat: true } : {}) };
  const unitNames = new Map((await createOrgRepository(deps).listUnits()).map((u) => [u.id, u.name]));
  const now = localNow(deps);
  requireAllowed(input.item.state, input.action, { actor, today: now.today, timeOfDay: now.timeOfDay, unitNames }, input.unitId);
}

/**
 * A reply in plain words to a bot message about an item (a unit's card, the leaders' card, a
 * notice, a reminder) is a progress report from the replier's unit: the message's own unit when
 * the replier belongs to it, else the replier's one unit among the item's units. It is never
 * dropped silently: a reply that cannot count says why (a draft, a finished item, a replier who
 * is in none of the item's units) with a coded refusal, and what to do instead.
 */
export async function reportProgressByReply(
  deps: AppDeps,
  input: { actorId: number; itemId: number; messageUnitId: number | null; text: string; files: FileRef[] },
): Promise<CommandResult & { unitId: number | null }> {
  const item = await getItem(deps, { itemId: input.itemId });
  const code = itemCode(deps, item) ?? '';
  const { status } = item.state;
  if (status === 'draft') throw appError('items.reply_to_draft');
  if (status === 'closed' || status === 'cancelled' || status === 'discarded') throw appError('items.reply_finished', { code, status });
  const actor = await loadActor(deps, { personId: input.actorId });
  const units = activeUnits(item.state);
  const mine = units.filter((u) => actor.unitIds.includes(u.unitId));
  if (mine.length === 0) {
    const names = new Map((await createOrgRepository(deps).listUnits()).map((u) => [u.id, u.name]));
    throw appError('items.reply_not_a_member', { code, units: units.map((u) => names.get(u.unitId) ?? `#${u.unitId}`).join('、') });
  }
  const unitId = mine.some((u) => u.unitId === input.messageUnitId) ? input.messageUnitId : mine.length === 1 ? mine[0]!.unitId : null;
  const result = await runItemCommand(deps, {
    actorId: input.actorId,
    itemId: item.id,
    command: { type: 'report_progress', ...(unitId !== null ? { unitId } : {}), text: input.text, files: input.files },
  });
  return { ...result, unitId };
}

/**
 * /handler: names a unit's 承办人 on an item. The person is who the message names: an id (a
 * mention or a known @username) or a name, matched against the members of the item's units the
 * actor may name for. Which units the person belongs to is read here, from our own tables, and
 * judged by the model (a member of the unit, or an admin, naming a member of that unit).
 */
export async function setItemHandler(
  deps: AppDeps,
  input: { actorId: number; itemId: number; unitId?: number; person: { id: number } | { name: string } },
): Promise<CommandResult & { personId: number; unitId: number }> {
  const org = createOrgRepository(deps);
  let personId: number;
  if ('id' in input.person) personId = input.person.id;
  else {
    const item = await getItem(deps, { itemId: input.itemId });
    const actor = await loadActor(deps, { personId: input.actorId });
    const candidates = activeUnits(item.state)
      .map((u) => u.unitId)
      .filter((id) => (input.unitId === undefined ? actor.isAdmin || actor.unitIds.includes(id) : id === input.unitId));
    const wanted = foldText(input.person.name.replace(/^@/, ''), true);
    const members = (await Promise.all(candidates.map((id) => org.membersOf(id)))).flat();
    const found = [...new Map(members.map((p) => [p.id, p])).values()].filter(
      (p) => foldText(displayName(p), true) === wanted || (p.username !== null && foldText(p.username, true) === wanted),
    );
    if (found.length !== 1) throw appError('items.handler_unreadable', { text: input.person.name.slice(0, 40) });
    personId = found[0]!.id;
  }
  const personUnitIds = await org.unitIdsOf(personId);
  const result = await runItemCommand(deps, {
    actorId: input.actorId,
    itemId: input.itemId,
    command: { type: 'set_handler', ...(input.unitId !== undefined ? { unitId: input.unitId } : {}), personId, personUnitIds },
  });
  const unitId = result.events.find((e) => e.type === 'handler_set')?.unitId ?? input.unitId ?? 0;
  return { ...result, personId, unitId };
}

export async function rememberItemMessage(deps: Pick<AppDeps, 'clock' | 'config' | 'db'>, input: ItemMessageInput) {
  const repo = items(deps);
  await repo.rememberMessage(input);
  if (input.purpose === 'draft') await repo.setDraftMessage({ id: input.itemId, messageId: input.messageId });
}

/**
 * Who may read an item (its card, its timeline): leaders, admins, members of the units on it, and
 * supervisors (督查员: they verify and check items). Anyone else is refused without a word of the
 * item's content.
 */
function requireVisible(actor: Actor, item: StoredItem): void {
  if (actor.isLeader || actor.isAdmin || actor.isSupervisor) return;
  if (activeUnits(item.state).some((u) => actor.unitIds.includes(u.unitId))) return;
  throw appError('items.view_forbidden');
}

/** Refuses (items.view_forbidden) a person who may not read the item; see requireVisible. */
export async function checkItemVisible(deps: Pick<AppDeps, 'clock' | 'config' | 'db'>, input: { actorId: number; item: StoredItem }): Promise<void> {
  requireVisible(await loadActor(deps, { personId: input.actorId }), input.item);
}

/**
 * 查看 (a button on a digest or a bundle): the item as a fresh card for the chat it was asked
 * in, with the buttons of that chat's audience. In a leaders group, or privately for a leader or
 * an admin, the leaders' card; in a unit's group (or privately for its staff) that unit's card.
 * Leaders and admins may view any item; unit staff only the items of their own units.
 */
export async function itemCardFor(
  deps: Pick<AppDeps, 'clock' | 'config' | 'db'>,
  input: { actorId: number; itemId: number; chat: { chatId: number; threadId: number; isPrivate: boolean } },
): Promise<{ view: Awaited<ReturnType<typeof buildView>>; audience: Audience }> {
  const [actor, item] = await Promise.all([loadActor(deps, { personId: input.actorId }), getItem(deps, { itemId: input.itemId })]);
  requireVisible(actor, item);
  const units = activeUnits(item.state).map((u) => u.unitId);
  const ownUnit = units.find((id) => actor.unitIds.includes(id));
  const privileged = actor.isLeader || actor.isAdmin || actor.isSupervisor === true;
  const binding = input.chat.isPrivate ? null : await chatBinding(deps, input.chat);
  let audience: Audience;
  if (binding?.kind === 'unit' && binding.unitId !== null && units.includes(binding.unitId)) audience = { kind: 'unit', unitId: binding.unitId };
  else if (binding?.kind === 'leaders' || (input.chat.isPrivate && privileged)) audience = { kind: 'leaders' };
  else if (input.chat.isPrivate && ownUnit !== undefined) audience = { kind: 'unit', unitId: ownUnit };
  else audience = { kind: 'none' };
  return { view: await buildView(deps, item), audience };
}
