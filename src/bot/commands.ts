import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';

type Lang = 'zh' | 'en';

const PRIVATE: Record<Lang, BotCommand[]> = {
  zh: [
    { command: 'start', description: '开始使用 / 打开邀请链接' },
    { command: 'whoami', description: '我的角色和所属单位' },
    { command: 'digest', description: '督办摘要（领导：全局；单位：本单位）' },
    { command: 'bulletin', description: '督办通报：单位排名（领导、管理员）' },
    { command: 'help', description: '帮助' },
  ],
  en: [
    { command: 'start', description: 'Start / open an invite link' },
    { command: 'whoami', description: 'My roles and units' },
    { command: 'digest', description: 'Supervision digest (leaders: all; staff: my unit)' },
    { command: 'bulletin', description: 'Bulletin: units ranked (leaders, admins)' },
    { command: 'help', description: 'Help' },
  ],
};

const GROUP: Record<Lang, BotCommand[]> = {
  zh: [
    { command: 'help', description: '帮助' },
    { command: 'whoami', description: '我的角色和所属单位' },
    { command: 'digest', description: '督办摘要（领导群：全局；单位群：本单位）' },
    { command: 'bulletin', description: '督办通报：单位排名（领导、管理员）' },
    { command: 'bind', description: '绑定本群：leaders / unit 单位名 / discipline（管理员）' },
    { command: 'unbind', description: '解除本群绑定（管理员）' },
    { command: 'unit', description: '单位：add / alias / list / head / member（管理员）' },
    { command: 'invite', description: '单位邀请链接（管理员）' },
    { command: 'leader', description: '设为领导：回复某人消息 /leader add（管理员）' },
    { command: 'admin', description: '设为管理员：回复某人消息 /admin add（管理员）' },
  ],
  en: [
    { command: 'help', description: 'Help' },
    { command: 'whoami', description: 'My roles and units' },
    { command: 'digest', description: 'Supervision digest (leaders group: all; unit group: the unit)' },
    { command: 'bulletin', description: 'Bulletin: units ranked (leaders, admins)' },
    { command: 'bind', description: 'Bind this group: leaders / unit NAME / discipline (admins)' },
    { command: 'unbind', description: 'Unbind this group (admins)' },
    { command: 'unit', description: 'Units: add / alias / list / head / member (admins)' },
    { command: 'invite', description: 'Invite link into a unit (admins)' },
    { command: 'leader', description: 'Make a leader: reply with /leader add (admins)' },
    { command: 'admin', description: 'Make an admin: reply with /admin add (admins)' },
  ],
};

/** Extra commands later features register (merged into the lists above). */
export type CommandSet = { private: Record<Lang, BotCommand[]>; group: Record<Lang, BotCommand[]> };

export const BASE_COMMANDS: CommandSet = { private: PRIVATE, group: GROUP };

/**
 * Publishes the command menus: per scope (private chats, all groups) and per language
 * (Chinese as the default list, English for clients in English).
 */
export async function registerCommands(api: Api, sets: CommandSet[] = [BASE_COMMANDS], defaultLocale: Lang = 'zh'): Promise<void> {
  const merge = (scope: 'private' | 'group', lang: Lang) => sets.flatMap((s) => s[scope][lang]);
  const other: Lang = defaultLocale === 'zh' ? 'en' : 'zh';
  for (const [scopeName, scope] of [
    ['private', { type: 'all_private_chats' }],
    ['group', { type: 'all_group_chats' }],
  ] as const) {
    await api.setMyCommands(merge(scopeName, defaultLocale), { scope });
    await api.setMyCommands(merge(scopeName, other), { scope, language_code: other });
  }
}
