import { createConfig, type Config } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import { createTranslator } from '../../src/i18n/translator.js';
import type { ItemCommand, ItemLevel } from '../../src/items/model/types.js';
import { runItemCommand, startAssignment } from '../../src/items/items.usecases.js';
import { seedOrganisation } from '../../src/org/org.seed.js';
import type { ManualClock } from '../../src/shared/clock.js';
import type { AppDeps } from '../../src/deps.js';

/**
 * A small organisation for digest tests, built through the real use-cases (no bot): a leaders
 * chat, 住建局 and 城管局 with groups, 自然资源局 without one, 教育局 with a group.
 */
export const ADMIN = 1;
export const LEADER = 2;
export const HOUSING_STAFF = 3;
export const URBAN_STAFF = 4;
export const RESOURCES_STAFF = 5;
export const LEADERS_CHAT = -1001;
export const HOUSING_CHAT = -2001;
export const URBAN_CHAT = -2002;
export const EDUCATION_CHAT = -2004;

export type DigestOrg = { housing: number; urban: number; resources: number; education: number };

export function testConfig(file: Record<string, unknown> = {}): Config {
  return createConfig({ env: { ADMIN_IDS: String(ADMIN) }, file });
}

export function digestsDeps(db: Db, clock: ManualClock, config: Config = testConfig()): AppDeps & { config: Config } {
  return { db, clock, config, translator: createTranslator(), renderChart: async () => Buffer.from('PNG') };
}

export type DigestChats = { leaders: number; housing: number; urban: number; education: number };
const DEFAULT_CHATS: DigestChats = { leaders: LEADERS_CHAT, housing: HOUSING_CHAT, urban: URBAN_CHAT, education: EDUCATION_CHAT };

export async function seedDigestOrg(deps: AppDeps & { config: Config }, chats: DigestChats = DEFAULT_CHATS): Promise<DigestOrg> {
  const units = await seedOrganisation(deps, {
    admin: { id: ADMIN, firstName: '督查室' },
    units: [
      { name: '市住房和城乡建设局', aliases: ['住建局'] },
      { name: '市城市管理执法局', aliases: ['城管局'] },
      { name: '市自然资源局', aliases: ['自然资源局'] },
      { name: '市教育局', aliases: ['教育局'] },
    ],
    people: [
      { id: LEADER, firstName: '李', roles: ['leader'] },
      { id: HOUSING_STAFF, firstName: '胡', member: '住建局' },
      { id: URBAN_STAFF, firstName: '程', member: '城管局' },
      { id: RESOURCES_STAFF, firstName: '孙', member: '自然资源局' },
    ],
    chats: [
      { chatId: chats.leaders, title: '领导群', kind: 'leaders' },
      { chatId: chats.housing, title: '住建局群', kind: 'unit', unit: '住建局' },
      { chatId: chats.urban, title: '城管局群', kind: 'unit', unit: '城管局' },
      { chatId: chats.education, title: '教育局群', kind: 'unit', unit: '教育局' },
    ],
  });
  const id = (name: string) => units.get(name)!.id;
  return { housing: id('市住房和城乡建设局'), urban: id('市城市管理执法局'), resources: id('市自然资源局'), education: id('市教育局') };
}

let counter = 0;

/**
 * Opens an item at the clock's time: a draft by the leader, set to exactly these units and this
 * deadline, then confirmed. Returns its id.
 */
export async function openItem(
  deps: AppDeps,
  input: {
    lead: number[];
    cooperating?: number[];
    deadline: string;
    deadlineTime?: string | null;
    level?: ItemLevel;
    text?: string;
    leadersChat?: number;
    /** 时间节点 (none by default). */
    milestones?: { due: string; text: string }[];
  },
): Promise<number> {
  counter++;
  const leadersChat = input.leadersChat ?? LEADERS_CHAT;
  const { item } = await startAssignment(deps, {
    actorId: LEADER,
    text: input.text ?? `请做好第${counter}项工作并按时报送结果。`,
    source: { chatId: leadersChat, threadId: 0, messageId: 1000 + counter },
    chat: { chatId: leadersChat, threadId: 0 },
  });
  await runItemCommand(deps, {
    actorId: LEADER,
    itemId: item.id,
    command: {
      type: 'update_draft',
      patch: {
        leadUnitIds: input.lead,
        cooperatingUnitIds: input.cooperating ?? [],
        deadline: input.deadline,
        deadlineTime: input.deadlineTime ?? null,
        milestones: input.milestones ?? [],
        level: input.level ?? 'routine',
        reportEvery: null,
      },
    },
  });
  await runItemCommand(deps, { actorId: LEADER, itemId: item.id, command: { type: 'confirm_draft' } });
  return item.id;
}

/** Runs a command as someone at the clock's time. */
export async function act(deps: AppDeps, actorId: number, itemId: number, command: ItemCommand): Promise<void> {
  await runItemCommand(deps, { actorId, itemId, command });
}

/** Moves the clock to a local time in Asia/Shanghai ('2026-03-10 15:00'). */
export function at(clock: ManualClock, local: string): Date {
  const date = new Date(`${local.replace(' ', 'T')}:00+08:00`);
  clock.set(date);
  return date;
}
