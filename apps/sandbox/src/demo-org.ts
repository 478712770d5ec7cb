/**
 * The sandbox's demo organisation: who the visitor can act as, which groups exist, and how the
 * bot's database knows them. Ids are fixed so that a restarted sandbox finds the same people and
 * chats in its database.
 */
import type { FakeTelegram } from '@duban/fake-telegram';
import type { User } from 'grammy/types';
import type { Database } from '../../../src/db/client.js';
import { seedOrganisation, type PersonSpec } from '../../../src/org/org.seed.js';
import type { OrgDeps } from '../../../src/org/org.usecases.js';
import { createOrgRepository } from '../../../src/org/org.repository.js';
import type { Clock } from '../../../src/shared/clock.js';
import type { Persona, PersonaKey } from './wire.js';

export type { Persona, PersonaKey } from './wire.js';

export const SANDBOX_BOT = { id: 7_100_000_001, username: 'duban_sandbox_bot', firstName: '督办助手' } as const;

export type GroupKey = 'leaders' | 'housing' | 'urban' | 'discipline';

/** A group is bound as the leaders group, a unit's group (`unit`), or the discipline body's (`discipline`). */
export type DemoGroup = { key: GroupKey; id: number; title: string; members: PersonaKey[]; unit?: 'housing' | 'urban'; discipline?: true };

export const PERSONAS: readonly Persona[] = [
  { key: 'leader', id: 5_100_000_001, firstName: '李', lastName: '市长', role: 'leader' },
  { key: 'housingStaff', id: 5_100_000_002, firstName: '胡', lastName: '科员', role: 'staff', unit: 'housing' },
  { key: 'housingHead', id: 5_100_000_003, firstName: '张', lastName: '局长', role: 'head', unit: 'housing' },
  { key: 'urbanStaff', id: 5_100_000_004, firstName: '程', lastName: '科员', role: 'staff', unit: 'urban' },
  { key: 'urbanHead', id: 5_100_000_005, firstName: '王', lastName: '局长', role: 'head', unit: 'urban' },
  { key: 'stranger', id: 5_100_000_006, firstName: '路', lastName: '人', role: 'stranger' },
  // 督查员 of the supervision office: verifies results, records field checks, may give 点名通报.
  { key: 'supervisor', id: 5_100_000_007, firstName: '周', lastName: '督查', role: 'supervisor' },
];

export const UNITS = {
  housing: { name: '市住房和城乡建设局', aliases: ['住建局', '市住建局', 'Housing Bureau'] },
  urban: { name: '市城市管理执法局', aliases: ['城管局', '市城管局', '市城管执法局', 'Urban Management'] },
} as const;

export const GROUPS: readonly DemoGroup[] = [
  { key: 'leaders', id: -1_005_100_000_001, title: '市领导督办群', members: ['leader', 'stranger', 'supervisor'] },
  { key: 'housing', id: -1_005_100_000_002, title: '市住房和城乡建设局', members: ['leader', 'housingStaff', 'housingHead', 'stranger'], unit: 'housing' },
  { key: 'urban', id: -1_005_100_000_003, title: '市城市管理执法局', members: ['leader', 'urbanStaff', 'urbanHead'], unit: 'urban' },
  // The discipline body (纪委监委): rung 4 of the escalation ladder reaches it (移交).
  { key: 'discipline', id: -1_005_100_000_004, title: '市纪委监委', members: ['leader', 'supervisor'], discipline: true },
];

/** The people who open a private chat with the bot when the sandbox is first seeded. */
export const STARTED_BOT: readonly PersonaKey[] = ['leader', 'housingHead', 'urbanHead', 'supervisor'];

/** The instruction the page suggests first. */
export const FIRST_INSTRUCTION = '/assign 请市住建局牵头,市城管局配合,于下周五前报送整改方案。';

/** How a demo group is bound. */
export function groupKind(g: DemoGroup): 'leaders' | 'unit' | 'discipline' {
  return g.unit ? 'unit' : g.discipline ? 'discipline' : 'leaders';
}

export function persona(key: PersonaKey): Persona {
  return PERSONAS.find((p) => p.key === key)!;
}

export function group(key: GroupKey): DemoGroup {
  return GROUPS.find((g) => g.key === key)!;
}

/** Creates the demo people and groups in a fresh fake Telegram; returns the users by key. */
export function createDemoChats(tg: FakeTelegram): Map<PersonaKey, User> {
  const users = new Map<PersonaKey, User>();
  for (const p of PERSONAS) {
    users.set(p.key, tg.createUser({ id: p.id, firstName: p.firstName, lastName: p.lastName, languageCode: 'zh-hans' }));
  }
  for (const g of GROUPS) {
    const [owner, ...members] = g.members;
    tg.createGroup({
      id: g.id,
      title: g.title,
      creator: users.get(owner!)!,
      members: members.map((key) => users.get(key)!),
      botStatus: 'administrator',
    });
  }
  return users;
}

/** True when the database has not been seeded yet (no unit exists). */
export async function needsSeed(database: Database, clock: Clock): Promise<boolean> {
  return (await createOrgRepository({ db: database.db, clock }).listUnits()).length === 0;
}

/**
 * Registers the demo organisation in the bot's database through the same use-cases an admin's
 * commands use: units with aliases and heads, members, the leader's and the supervisor's roles,
 * the four bound chats (leaders, two units, discipline).
 * The leader is an admin through ADMIN_IDS (config), as the first admin of a real deployment is.
 */
export async function seedDemoOrg(deps: OrgDeps): Promise<void> {
  const leader = persona('leader');
  const person = (p: Persona): PersonSpec => ({
    id: p.id,
    firstName: p.firstName,
    lastName: p.lastName,
    languageCode: 'zh-hans',
    ...(p.role === 'leader' || p.role === 'supervisor' ? { roles: [p.role] } : {}),
    ...(p.unit && p.role === 'head' ? { head: UNITS[p.unit].name } : {}),
    ...(p.unit && p.role === 'staff' ? { member: UNITS[p.unit].name } : {}),
  });
  await seedOrganisation(deps, {
    admin: person(leader),
    units: Object.values(UNITS).map((u) => ({ name: u.name, aliases: [...u.aliases] })),
    people: PERSONAS.filter((p) => p.role !== 'stranger').map(person),
    chats: GROUPS.map((g) => ({ chatId: g.id, title: g.title, kind: groupKind(g), ...(g.unit ? { unit: UNITS[g.unit].name } : {}) })),
  });
}
