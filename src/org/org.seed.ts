import type { ChatKind, Role, UnitRecord } from './org.models.js';
import type { PersonInput } from './org.repository.js';
import { addUnit, addUnitMember, bindChat, grantRole, recordPerson, setUnitHead, type OrgDeps } from './org.usecases.js';

/** A person of an organisation: their Telegram id and name, and what they are in it. */
export type PersonSpec = PersonInput & {
  /** Roles granted by the admin (leader, supervisor). */
  roles?: Exclude<Role, 'admin'>[];
  /** A unit (name or alias) this person is a member of. */
  member?: string;
  /** A unit (name or alias) this person heads (负责人); a head is a member too. */
  head?: string;
  /** The person has opened a private chat with the bot (it may write to them). */
  startedBot?: boolean;
};

/** A bound chat: its id and title, what it is for and, for a unit group, whose. */
export type ChatSpec = { chatId: number; title: string; kind: ChatKind; unit?: string; threadId?: number };

/**
 * An organisation as data: who sets it up (an admin, who must be in ADMIN_IDS), its units with
 * their aliases, its people, and its bound chats. Tests, the sandbox and the demo describe theirs
 * with this and build it with `seedOrganisation`.
 */
export type OrgSpec = {
  admin: PersonInput;
  units: { name: string; aliases?: string[] }[];
  people?: PersonSpec[];
  chats?: ChatSpec[];
};

/**
 * Builds `spec` in the database through the use-cases an admin's commands use (so every check
 * and every side effect of a real set-up happens), in a fixed order: the admin, the units, the
 * people (roles, heads, members, private chats), then the chats. Returns the units by name.
 */
export async function seedOrganisation(deps: OrgDeps, spec: OrgSpec): Promise<Map<string, UnitRecord>> {
  const actor = { personId: spec.admin.id, isAdmin: true, isLeader: false, unitIds: [] };
  await recordPerson(deps, spec.admin);
  const units = new Map<string, UnitRecord>();
  for (const unit of spec.units) units.set(unit.name, await addUnit(deps, { actor, name: unit.name, aliases: unit.aliases ?? [] }));
  for (const { roles = [], member, head, startedBot, ...person } of spec.people ?? []) {
    if (person.id !== spec.admin.id) await recordPerson(deps, person);
    for (const role of roles) await grantRole(deps, { actor, person, role });
    if (head) await setUnitHead(deps, { actor, unit: head, person });
    if (member) await addUnitMember(deps, { actor, unit: member, person });
    if (startedBot) await recordPerson(deps, { id: person.id, startedBot: true });
  }
  for (const chat of spec.chats ?? []) {
    await bindChat(deps, {
      actor,
      chat: { chatId: chat.chatId, threadId: chat.threadId ?? 0, title: chat.title, type: 'supergroup' },
      kind: chat.kind,
      ...(chat.unit ? { unit: chat.unit } : {}),
    });
  }
  return units;
}
