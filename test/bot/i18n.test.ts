import { Api, Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../../src/bot/i18n.js';
import type { BotContext } from '../../src/bot/support/context.js';
import { MISSING_MESSAGE_TEXT, MissingMessageError } from '../../src/i18n/translator.js';

const me = { id: 1, is_bot: true, first_name: '督办', username: 'duban_test_bot' } as UserFromGetMe;

/** A context for a private message from someone whose Telegram speaks `language`, with the i18n run on it. */
async function contextIn(language: string, options: Parameters<typeof createI18n>[1]): Promise<BotContext> {
  const from = { id: 42, is_bot: false, first_name: '胡', language_code: language };
  const update = { update_id: 1, message: { message_id: 1, date: 0, chat: { id: 42, type: 'private' as const, first_name: '胡' }, from, text: 'hi' } };
  const ctx = new Context(update, new Api('1:test'), me) as BotContext;
  await createI18n('zh', options).middleware()(ctx, async () => {});
  return ctx;
}

describe("the replies' i18n", () => {
  it('speaks Chinese by default and English to an English-speaking user', async () => {
    expect((await contextIn('zh-hans', { strict: true })).t('whoami-no-roles')).toMatch(/[\u4e00-\u9fff]/);
    expect((await contextIn('en', { strict: true })).t('whoami-no-roles')).toBe('Roles: none');
  });

  it('throws under the tests on a message no language has, so the test that reaches it fails', async () => {
    const ctx = await contextIn('zh-hans', { strict: true });
    expect(() => ctx.t('no-such-message')).toThrow(MissingMessageError);
  });

  it('in production says a plain sentence instead of the message id, and logs it', async () => {
    const warnings: object[] = [];
    const logger = { warn: (obj: object) => void warnings.push(obj) };
    expect((await contextIn('zh-hans', { strict: false, logger })).t('no-such-message')).toBe(MISSING_MESSAGE_TEXT.zh);
    expect((await contextIn('en', { strict: false, logger })).t('no-such-message')).toBe(MISSING_MESSAGE_TEXT.en);
    expect(warnings).toContainEqual(expect.objectContaining({ key: 'no-such-message' }));
  });
});
