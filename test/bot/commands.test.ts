import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { COMMAND_MENUS, commandLabel, commandMenu, registerCommands } from '../../src/bot/commands.js';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';
import { createTranslator, type Locale } from '../../src/i18n/translator.js';

const translator = createTranslator();
const LOCALES: Locale[] = ['zh', 'en'];
const SCOPES = { private: { type: 'all_private_chats' }, group: { type: 'all_group_chats' } } as const;

describe('command menus', () => {
  it.each(Object.keys(COMMAND_MENUS) as (keyof typeof COMMAND_MENUS)[])(
    'gives every command of the %s menu a description of its own in both languages',
    (scope) => {
      for (const { command, key } of COMMAND_MENUS[scope]) {
        // The translator falls back to Chinese, so a missing English text would pass unseen without `has`.
        for (const locale of LOCALES) expect(translator.has(locale, key), `${locale}: ${key} (/${command})`).toBe(true);
        expect(translator.t('en', key), `/${command}`).not.toBe(translator.t('zh', key));
      }
    },
  );

  it('lists each command once per menu, in both languages alike', () => {
    for (const scope of ['private', 'group'] as const) {
      const [zh, en] = LOCALES.map((l) => commandMenu(translator, scope, l).map((c) => c.command));
      expect(new Set(zh).size).toBe(zh!.length);
      expect(en).toEqual(zh);
    }
  });

  it('reads the descriptions from the Fluent files', () => {
    const ack = (scope: 'private' | 'group', locale: Locale) => commandMenu(translator, scope, locale).find((c) => c.command === 'ack')?.description;
    expect(ack('private', 'zh')).toBe('签收：/ack 编号');
    expect(ack('group', 'en')).toBe('Acknowledge: /ack CODE');
    // /digest says what it shows where it is asked.
    const digest = (scope: 'private' | 'group') => commandMenu(translator, scope, 'zh').find((c) => c.command === 'digest')?.description;
    expect(digest('private')).toBe('督办摘要（领导：全局；单位：本单位）');
    expect(digest('group')).toBe('督办摘要（领导群：全局；单位群：本单位）');
  });

  it('names a command in words from its menu entry', () => {
    expect(commandLabel(translator, 'ack', 'zh')).toBe('签收');
    expect(commandLabel(translator, 'progress', 'en')).toBe('Report progress');
    // The head of the description, not a cut through its brackets; group-only commands too.
    expect(commandLabel(translator, 'digest', 'zh')).toBe('督办摘要');
    expect(commandLabel(translator, 'assign', 'zh')).toBe('交办');
    expect(commandLabel(translator, 'no_such_command', 'zh')).toBeNull();
  });
});

describe('command menus sent to the Bot API', () => {
  let tg: FakeTelegram;
  let api: Api;
  beforeEach(async () => {
    tg = await startFakeTelegram({ token: '7000000002:menus', botUsername: 'menus_bot' });
    api = new Api(tg.token, { apiRoot: tg.apiRoot });
  });
  afterEach(async () => {
    await tg.stop();
  });

  it.each(LOCALES)('sets each scope’s menu in the default language (%s) and in the other one for its clients', async (defaultLocale) => {
    await registerCommands(api, translator, defaultLocale);
    const other = LOCALES.find((l) => l !== defaultLocale)!;
    expect(tg.callsTo('setMyCommands')).toHaveLength(4);
    for (const [scope, apiScope] of Object.entries(SCOPES) as ['private' | 'group', (typeof SCOPES)['private' | 'group']][]) {
      expect(tg.commands({ scope: apiScope }), `${scope}, default`).toEqual(commandMenu(translator, scope, defaultLocale));
      expect(tg.commands({ scope: apiScope, languageCode: other }), `${scope}, ${other}`).toEqual(commandMenu(translator, scope, other));
      expect(tg.commands({ scope: apiScope, languageCode: defaultLocale }), `${scope}, no list of its own for ${defaultLocale}`).toEqual([]);
    }
    // What a Chinese client sees in a group, in the words of the Fluent file.
    const zhGroup = defaultLocale === 'zh' ? tg.commands({ scope: SCOPES.group }) : tg.commands({ scope: SCOPES.group, languageCode: 'zh' });
    expect(zhGroup.find((c) => c.command === 'assign')).toEqual({ command: 'assign', description: '交办：/assign 批示，或回复批示消息（领导、管理员）' });
  });
});
