import type { Transformer } from 'grammy';

/**
 * Every text and caption the bot sends is HTML: Fluent messages carry their own tags (<b>), and
 * anything a person typed is passed through `escapeHtml` before it is put in one. So the parse
 * mode is said once, here, for the bot's replies and for the outbox dispatcher alike, instead of
 * on every call. A call that sets its own `parse_mode` or gives entities keeps them.
 *
 * Only methods whose text Telegram parses are touched: `answerCallbackQuery` also has a `text`,
 * shown as is, and must not get a parse mode.
 */
const TEXT_METHODS = new Set(['sendMessage', 'editMessageText']);
const CAPTION_METHODS = new Set(['sendPhoto', 'sendDocument', 'sendVideo', 'sendAnimation', 'sendAudio', 'sendVoice', 'editMessageCaption', 'copyMessage']);

export function htmlByDefault(): Transformer {
  return (prev, method, payload, signal) => {
    const fields = payload as Record<string, unknown> | undefined;
    if (!fields || fields.parse_mode !== undefined) return prev(method, payload, signal);
    const parsed =
      (TEXT_METHODS.has(method) && typeof fields.text === 'string' && fields.entities === undefined) ||
      (CAPTION_METHODS.has(method) && typeof fields.caption === 'string' && fields.caption_entities === undefined);
    if (!parsed) return prev(method, payload, signal);
    return prev(method, { ...fields, parse_mode: 'HTML' } as typeof payload, signal);
  };
}
