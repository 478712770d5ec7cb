import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Locale, Translator } from '../i18n/translator.js';

/**
 * The command menus Telegram shows beside the text field, one per scope. Which commands a menu
 * lists, and in what order, is written here; what each says is in the Fluent files (under
 * `command-<name>`, or the key given where a scope needs other words), so the menus speak every
 * language the bot does.
 *
 * Kept as plain `setMyCommands` calls rather than @grammyjs/commands: that plugin ties a menu
 * entry to its handler (`commands.command(name, description, handler)`), which would move every
 * handler out of its feature's narrowed Composer, and it holds one description per command
 * name, where /digest says different things in private chats and in groups.
 */
type MenuEntry = { command: string; key: string };

const entry = (command: string, key = `command-${command}`): MenuEntry => ({ command, key });

/** What unit staff use on items, in private chats and in groups alike. */
const ITEM_COMMANDS = ['list', 'task', 'ack', 'progress', 'result', 'extend', 'handler', 'coordinate', 'node', 'verify', 'check'].map((c) => entry(c));

const PRIVATE: MenuEntry[] = [
  entry('start'),
  entry('whoami'),
  ...ITEM_COMMANDS,
  entry('digest', 'command-digest-in-private'),
  entry('bulletin'),
  entry('help'),
];

const GROUP: MenuEntry[] = [
  entry('help'),
  entry('whoami'),
  ...ITEM_COMMANDS,
  ...['assign', 'confirm', 'return', 'approve', 'reject', 'transfer', 'cancel', 'notify', 'waive', 'excuse', 'ledger'].map((c) => entry(c)),
  entry('digest', 'command-digest-in-group'),
  ...['bulletin', 'bind', 'unbind', 'unit', 'invite', 'leader', 'admin', 'supervisor', 'calendar', 'coordinated', 'coordup', 'received', 'feedback'].map((c) =>
    entry(c),
  ),
];

export const COMMAND_MENUS = { private: PRIVATE, group: GROUP } as const;

const SCOPES = { private: { type: 'all_private_chats' }, group: { type: 'all_group_chats' } } as const;

/** One menu in one language, as Telegram takes it. */
export function commandMenu(translator: Translator, scope: keyof typeof COMMAND_MENUS, locale: Locale): BotCommand[] {
  return COMMAND_MENUS[scope].map(({ command, key }) => ({ command, description: translator.t(locale, key) }));
}

/**
 * Publishes the command menus: per scope (private chats, all groups) and per language (the
 * organisation's language as the default list, the other for clients set to it).
 */
export async function registerCommands(api: Api, translator: Translator, defaultLocale: Locale = 'zh'): Promise<void> {
  const other: Locale = defaultLocale === 'zh' ? 'en' : 'zh';
  for (const [name, scope] of Object.entries(SCOPES) as [keyof typeof SCOPES, (typeof SCOPES)[keyof typeof SCOPES]][]) {
    await api.setMyCommands(commandMenu(translator, name, defaultLocale), { scope });
    await api.setMyCommands(commandMenu(translator, name, other), { scope, language_code: other });
  }
}

/**
 * A command's short name in words, from its menu entry (private or group): ack -> 签收 / Acknowledge;
 * null when it has none.
 */
export function commandLabel(translator: Translator, command: string, locale: Locale): string | null {
  const found = [...PRIVATE, ...GROUP].find((e) => e.command === command);
  // The description's head: before its colon or its bracket ("督办摘要（领导：全局…）" -> 督办摘要).
  return found
    ? translator
        .t(locale, found.key)
        .split(/[:：（(]/)[0]!
        .trim()
    : null;
}
