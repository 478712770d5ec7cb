import { randomBytes } from 'node:crypto';
import type { Db, DbOrTx } from '../db/client.js';
import { localeFor, type Locale } from '../i18n/translator.js';
import type { Clock } from '../shared/clock.js';
import { appError } from '../shared/errors.js';
import {
  findLeaderByName,
  INVITE_TOKEN_PATTERN,
  normalizeUnitName,
  resolveUnit,
  suggestUnits,
  validateUnitName,
  type Actor,
  type ChatKind,
  type Role,
  type UnitRecord,
} from './org.models.js';
import { createChatMigrationRepository } from './chat-migration.repository.js';
import { createOrgRepository, type Person, type PersonInput } from './org.repository.js';

export type OrgDeps = {
  db: Db;
  clock: Clock;
  config: { adminIds: number[]; inviteTtlHours: number };
};

function repo(deps: { db: DbOrTx; clock: Clock }) {
  return createOrgRepository({ db: deps.db, clock: deps.clock });
}

/** Everything the server knows about a person's rights. Config ADMIN_IDS are admins from the start. */
export async function loadActor(deps: OrgDeps, { personId }: { personId: number }): Promise<Actor> {
  const org = repo(deps);
  const { roles: roleList, unitIds } = await org.rolesAndUnitsOf(personId);
  return {
    personId,
    isAdmin: deps.config.adminIds.includes(personId) || roleList.includes('admin'),
    isLeader: roleList.includes('leader'),
    isSupervisor: roleList.includes('supervisor'),
    unitIds,
  };
}

/** Everyone with admin rights: config ADMIN_IDS and the people given the admin role (as loadActor decides for one). */
export async function loadAdmins(deps: { db: DbOrTx; clock: Clock; config: { adminIds: readonly number[] } }): Promise<Person[]> {
  const org = repo(deps);
  return org.peopleByIds([...new Set([...deps.config.adminIds, ...(await org.personIdsWithRole('admin'))])]);
}

/** Who hears an admin notice: admins who started the bot, privately; without any, the leaders groups. */
export async function adminTargets(deps: {
  db: DbOrTx;
  clock: Clock;
  config: { adminIds: readonly number[]; locale: Locale };
}): Promise<{ chatId: number; threadId: number; locale: Locale }[]> {
  const reachable = (await loadAdmins(deps)).filter((p) => p.startedBot);
  if (reachable.length > 0) return reachable.map((p) => ({ chatId: p.id, threadId: 0, locale: localeFor(p.languageCode, deps.config.locale) }));
  return (await repo(deps).listBindings('leaders')).map((c) => ({ chatId: c.chatId, threadId: c.threadId, locale: deps.config.locale }));
}

function requireAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw appError('org.admin_only');
}

/** Resolves a typed unit name or throws `units.not_found` with suggestions. */
export function resolveUnitOrThrow(all: UnitRecord[], typed: string): UnitRecord {
  const unit = resolveUnit(all, typed);
  if (unit) return unit;
  const suggestions = suggestUnits(all, typed);
  if (suggestions.length > 0) throw appError('units.not_found_suggest', { name: typed, suggestions: suggestions.join('、') });
  throw appError('units.not_found', { name: typed });
}

function checkName(name: string): string {
  const problem = validateUnitName(name);
  if (problem) throw appError(`units.name_${problem}`, { name });
  return normalizeUnitName(name);
}

/** The registered leader a typed or written name means (王副市长, 王伟, Wang), or null. */
export async function findLeaderNamed(deps: OrgDeps, input: { name: string; title?: string }): Promise<number | null> {
  const leaders = await createOrgRepository(deps).peopleWithRole('leader');
  return findLeaderByName(leaders, input.name, input.title);
}

export async function recordPerson(deps: OrgDeps, input: PersonInput & { startedBot?: boolean }): Promise<void> {
  await repo(deps).upsertPerson(input);
}

export async function addUnit(deps: OrgDeps, input: { actor: Actor; name: string; aliases: string[] }): Promise<UnitRecord> {
  requireAdmin(input.actor);
  const name = checkName(input.name);
  const aliases = [...new Set(input.aliases.map(checkName))].filter((a) => a !== name);
  return deps.db.transaction(async (tx) => {
    const org = repo({ db: tx, clock: deps.clock });
    for (const n of [name, ...aliases]) {
      if (await org.nameTaken(n)) throw appError('units.name_taken', { name: n });
    }
    const id = await org.insertUnit({ name, aliases });
    return { id, name, aliases, headPersonId: null };
  });
}

export async function addAlias(deps: OrgDeps, input: { actor: Actor; unit: string; alias: string }): Promise<UnitRecord> {
  requireAdmin(input.actor);
  const alias = checkName(input.alias);
  return deps.db.transaction(async (tx) => {
    const org = repo({ db: tx, clock: deps.clock });
    const unit = resolveUnitOrThrow(await org.listUnits(), input.unit);
    if (await org.nameTaken(alias)) throw appError('units.name_taken', { name: alias });
    await org.insertAlias({ unitId: unit.id, alias });
    return { ...unit, aliases: [...unit.aliases, alias] };
  });
}

export async function listUnits(deps: OrgDeps) {
  return repo(deps).unitSummaries();
}

export async function findUnit(deps: OrgDeps, input: { name: string }): Promise<UnitRecord> {
  return resolveUnitOrThrow(await repo(deps).listUnits(), input.name);
}

/** The unit a typed name (or alias) means, or null when it names none: for words that may or may not be a unit. */
export async function unitNamed(deps: OrgDeps, input: { name: string }): Promise<UnitRecord | null> {
  return resolveUnit(await repo(deps).listUnits(), input.name);
}

/** A person the bot has seen, by @username (with or without the @), or null. */
export async function personByUsername(deps: OrgDeps, input: { username: string }) {
  return repo(deps).findPersonByUsername(input.username);
}

/** A person the bot has seen, by Telegram id, or null. */
export async function personById(deps: OrgDeps, input: { personId: number }) {
  return repo(deps).getPerson(input.personId);
}

/** The people the bot has seen among these ids (unknown ids are left out). */
export async function peopleByIds(deps: OrgDeps, input: { personIds: number[] }) {
  return repo(deps).peopleByIds(input.personIds);
}

/** A unit by id, or null. */
export async function unitById(deps: OrgDeps, input: { unitId: number }) {
  return repo(deps).getUnit(input.unitId);
}

/** Every registered unit with its aliases, for reading unit names in what people type. */
export async function unitRecords(deps: OrgDeps): Promise<UnitRecord[]> {
  return repo(deps).listUnits();
}

/** Makes a person the unit's head (and a member, if not yet). */
export async function setUnitHead(deps: OrgDeps, input: { actor: Actor; unit: string; person: PersonInput }): Promise<UnitRecord> {
  requireAdmin(input.actor);
  return deps.db.transaction(async (tx) => {
    const org = repo({ db: tx, clock: deps.clock });
    const unit = resolveUnitOrThrow(await org.listUnits(), input.unit);
    await org.upsertPerson(input.person);
    await org.addMember({ unitId: unit.id, personId: input.person.id, addedBy: input.actor.personId });
    await org.setHead({ unitId: unit.id, personId: input.person.id });
    return { ...unit, headPersonId: input.person.id };
  });
}

/** Admin adds someone to a unit directly (without an invite link). */
export async function addUnitMember(deps: OrgDeps, input: { actor: Actor; unit: string; person: PersonInput }): Promise<{ unit: UnitRecord; added: boolean }> {
  requireAdmin(input.actor);
  return deps.db.transaction(async (tx) => {
    const org = repo({ db: tx, clock: deps.clock });
    const unit = resolveUnitOrThrow(await org.listUnits(), input.unit);
    await org.upsertPerson(input.person);
    const added = await org.addMember({ unitId: unit.id, personId: input.person.id, addedBy: input.actor.personId });
    return { unit, added };
  });
}

export async function grantRole(deps: OrgDeps, input: { actor: Actor; person: PersonInput; role: Role }): Promise<{ granted: boolean }> {
  requireAdmin(input.actor);
  return deps.db.transaction(async (tx) => {
    const org = repo({ db: tx, clock: deps.clock });
    await org.upsertPerson(input.person);
    const granted = await org.grantRole({ personId: input.person.id, role: input.role, grantedBy: input.actor.personId });
    return { granted };
  });
}

export type ChatRef = { chatId: number; threadId: number; title: string | null; type: 'private' | 'group' | 'supergroup' | 'channel' };

export async function bindChat(
  deps: OrgDeps,
  input: { actor: Actor; chat: ChatRef; kind: ChatKind; unit?: string },
): Promise<{ kind: ChatKind; unit: UnitRecord | null; previous: { kind: ChatKind; unitId: number | null } | null }> {
  requireAdmin(input.actor);
  if (input.chat.type === 'private' || input.chat.type === 'channel') throw appError('chats.group_only');
  if (input.kind === 'unit' && !input.unit?.trim()) throw appError('chats.unit_name_required');
  return deps.db.transaction(async (tx) => {
    const org = repo({ db: tx, clock: deps.clock });
    const unit = input.kind === 'unit' ? resolveUnitOrThrow(await org.listUnits(), input.unit!) : null;
    const previous = await org.getBinding({ chatId: input.chat.chatId, threadId: input.chat.threadId });
    await org.bind({
      chatId: input.chat.chatId,
      threadId: input.chat.threadId,
      kind: input.kind,
      unitId: unit?.id ?? null,
      title: input.chat.title,
      boundBy: input.actor.personId,
    });
    return { kind: input.kind, unit, previous: previous ? { kind: previous.kind, unitId: previous.unitId } : null };
  });
}

export async function unbindChat(deps: OrgDeps, input: { actor: Actor; chat: ChatRef }) {
  requireAdmin(input.actor);
  const removed = await repo(deps).unbind({ chatId: input.chat.chatId, threadId: input.chat.threadId });
  if (!removed) throw appError('chats.not_bound');
  return removed;
}

/**
 * A group became a supergroup and got a new id (Telegram says so twice: migrate_to_chat_id in the
 * old chat, migrate_from_chat_id in the new one). Its binding, its cards and what waits to be sent
 * there move to the new id in one transaction; the second call finds nothing left to move.
 */
export async function migrateChat(deps: Pick<OrgDeps, 'db'>, input: { fromChatId: number; toChatId: number }) {
  if (input.fromChatId === input.toChatId) return { bindings: 0, cards: 0, outbox: 0, notices: 0, items: 0 };
  return deps.db.transaction(async (tx) => createChatMigrationRepository({ db: tx }).moveChat(input));
}

/** How a chat (or forum topic) is bound; a topic falls back to its chat's binding. */
export async function chatBinding(deps: OrgDeps, input: { chatId: number; threadId: number }) {
  const org = repo(deps);
  return (await org.getBinding(input)) ?? (input.threadId !== 0 ? org.getBinding({ chatId: input.chatId, threadId: 0 }) : null);
}

export async function createInvite(deps: OrgDeps, input: { actor: Actor; unit: string }): Promise<{ token: string; unit: UnitRecord; expiresAt: Date }> {
  requireAdmin(input.actor);
  const org = repo(deps);
  const unit = resolveUnitOrThrow(await org.listUnits(), input.unit);
  const token = randomBytes(18).toString('base64url');
  const expiresAt = new Date(deps.clock.now().getTime() + deps.config.inviteTtlHours * 3600_000);
  await org.insertInvite({ token, unitId: unit.id, createdBy: input.actor.personId, expiresAt });
  return { token, unit, expiresAt };
}

/** Revokes one invite (by token) or all live invites of a unit (by name). */
export async function revokeInvites(deps: OrgDeps, input: { actor: Actor; target: string }): Promise<{ count: number; unit: UnitRecord | null }> {
  requireAdmin(input.actor);
  const org = repo(deps);
  if (INVITE_TOKEN_PATTERN.test(input.target)) {
    const revoked = await org.revokeInvite(input.target);
    if (revoked) return { count: 1, unit: await org.getUnit(revoked.unitId) };
  }
  const unit = resolveUnitOrThrow(await org.listUnits(), input.target);
  return { count: await org.revokeInvites({ unitId: unit.id }), unit };
}

/** Whoever opens a valid invite link becomes a member of its unit. */
export async function redeemInvite(deps: OrgDeps, input: { person: PersonInput; token: string }): Promise<{ unit: UnitRecord; added: boolean }> {
  if (!INVITE_TOKEN_PATTERN.test(input.token)) throw appError('invites.invalid');
  return deps.db.transaction(async (tx) => {
    const org = repo({ db: tx, clock: deps.clock });
    const invite = await org.getInviteForUpdate(input.token);
    if (!invite) throw appError('invites.invalid');
    if (invite.revokedAt) throw appError('invites.revoked');
    if (invite.expiresAt.getTime() <= deps.clock.now().getTime()) throw appError('invites.expired');
    const unit = await org.getUnit(invite.unitId);
    if (!unit) throw appError('invites.invalid');
    await org.upsertPerson({ ...input.person, startedBot: true });
    const added = await org.addMember({ unitId: unit.id, personId: input.person.id, addedBy: invite.createdBy });
    if (added) await org.countInviteUse(input.token);
    return { unit, added };
  });
}

export async function whoami(deps: OrgDeps, input: { personId: number }) {
  const org = repo(deps);
  const actor = await loadActor(deps, input);
  const all = await org.listUnits();
  const units = all.filter((u) => actor.unitIds.includes(u.id)).map((u) => ({ name: u.name, isHead: u.headPersonId === input.personId }));
  return { actor, units };
}

export type UnitImportRow = { name: string; aliases: string[]; headId: number | null };

/**
 * Imports units from a file's rows in one transaction: new units are added, known ones get
 * missing aliases (and head) added; re-importing the same rows changes nothing. Throws before
 * writing anything when a row clashes with another unit.
 */
export async function importUnits(deps: OrgDeps, input: { rows: UnitImportRow[] }): Promise<{ added: number; updated: number; unchanged: number }> {
  return deps.db.transaction(async (tx) => {
    const org = repo({ db: tx, clock: deps.clock });
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    for (const row of input.rows) {
      const name = checkName(row.name);
      const aliases = [...new Set(row.aliases.map(checkName))].filter((a) => a !== name);
      const all = await org.listUnits();
      const existing = all.find((u) => u.name === name);
      const owner = (n: string) => all.find((u) => u.name === n || u.aliases.includes(n));
      for (const n of [name, ...aliases]) {
        const o = owner(n);
        if (o && o.id !== existing?.id) throw appError('units.name_taken', { name: n });
      }
      if (row.headId !== null) await org.upsertPerson({ id: row.headId });
      if (!existing) {
        const id = await org.insertUnit({ name, aliases, headPersonId: row.headId });
        if (row.headId !== null) await org.addMember({ unitId: id, personId: row.headId, addedBy: null });
        added++;
        continue;
      }
      const newAliases = aliases.filter((a) => !existing.aliases.includes(a));
      for (const alias of newAliases) await org.insertAlias({ unitId: existing.id, alias });
      const headChanged = row.headId !== null && row.headId !== existing.headPersonId;
      if (headChanged) {
        await org.addMember({ unitId: existing.id, personId: row.headId!, addedBy: null });
        await org.setHead({ unitId: existing.id, personId: row.headId });
      }
      if (newAliases.length > 0 || headChanged) updated++;
      else unchanged++;
    }
    return { added, updated, unchanged };
  });
}
