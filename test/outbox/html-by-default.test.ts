import { describe, expect, it } from 'vitest';
import type { Transformer } from 'grammy';
import { htmlByDefault } from '../../src/outbox/html-by-default.js';

/** What the transformer passes on for one call. */
async function passedOn(method: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> = {};
  const prev = (async (_m: string, p: Record<string, unknown>) => {
    seen = p;
    return { ok: true, result: true };
  }) as unknown as Parameters<Transformer>[0];
  await htmlByDefault()(prev, method as never, payload as never);
  return seen;
}

describe('HTML by default', () => {
  it('adds the parse mode to texts and captions that have none', async () => {
    expect(await passedOn('sendMessage', { chat_id: 1, text: '<b>x</b>' })).toEqual({ chat_id: 1, text: '<b>x</b>', parse_mode: 'HTML' });
    expect(await passedOn('editMessageText', { chat_id: 1, message_id: 2, text: 'x' })).toMatchObject({ parse_mode: 'HTML' });
    expect(await passedOn('sendDocument', { chat_id: 1, document: 'f', caption: 'x' })).toMatchObject({ parse_mode: 'HTML' });
    expect(await passedOn('sendPhoto', { chat_id: 1, photo: 'f', caption: 'x' })).toMatchObject({ parse_mode: 'HTML' });
  });

  it('leaves a call that chose its own formatting, or has no text to parse, as it is', async () => {
    expect(await passedOn('sendMessage', { chat_id: 1, text: '*x*', parse_mode: 'MarkdownV2' })).toEqual({ chat_id: 1, text: '*x*', parse_mode: 'MarkdownV2' });
    expect(await passedOn('sendMessage', { chat_id: 1, text: 'x', entities: [] })).not.toHaveProperty('parse_mode');
    expect(await passedOn('sendDocument', { chat_id: 1, document: 'f' })).not.toHaveProperty('parse_mode');
    expect(await passedOn('sendDocument', { chat_id: 1, document: 'f', caption: 'x', caption_entities: [] })).not.toHaveProperty('parse_mode');
    // A callback answer's text is shown as is: a parse mode there is an unknown parameter.
    expect(await passedOn('answerCallbackQuery', { callback_query_id: 'q', text: '<b>' })).not.toHaveProperty('parse_mode');
    expect(await passedOn('editMessageReplyMarkup', { chat_id: 1, message_id: 2, reply_markup: { inline_keyboard: [] } })).not.toHaveProperty('parse_mode');
  });
});
