import type { Transformer } from 'grammy';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { DEFAULT_LIMITS, realSleep, type Sleep } from './dispatcher.js';
import { createChatPacingRepository, paceRuleFor, type ChatSlot, type PacingLimits } from './pacing.repository.js';

/**
 * Methods that put a message in a chat or change one: Telegram counts them all towards its
 * per-chat limits. answerCallbackQuery, sendChatAction and the like put nothing in the chat.
 * (sendMediaGroup and the plural copy/forward count as one here, though Telegram may count
 * each message; the bot sends none of them.)
 */
const PACED_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendAudio',
  'sendVideo',
  'sendAnimation',
  'sendVoice',
  'sendVideoNote',
  'sendMediaGroup',
  'sendLocation',
  'sendVenue',
  'sendContact',
  'sendPoll',
  'sendDice',
  'sendSticker',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
  'editMessageText',
  'editMessageCaption',
  'editMessageMedia',
  'editMessageReplyMarkup',
  'editMessageLiveLocation',
  'stopMessageLiveLocation',
  'stopPoll',
]);

/** How long a direct reply waits at most for its chat's pacing before it goes anyway. */
export const DEFAULT_MAX_WAIT_MS = 3000;

/** The numeric chat a paced call goes to; null for inline messages and @channel names (not paced). */
function chatOf(method: string, payload: unknown): number | null {
  if (!PACED_METHODS.has(method)) return null;
  const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
  const id = typeof chatId === 'number' ? chatId : typeof chatId === 'string' && /^-?\d+$/.test(chatId) ? Number(chatId) : null;
  return id !== null && Number.isSafeInteger(id) ? id : null;
}

/**
 * A grammY API transformer that makes the handlers' direct replies (ctx.reply, sendMessage,
 * editMessageText ...) count towards the same per-chat pacing as the outbox, shared through the
 * database with every dispatcher: before the call it reserves the chat's next slot and waits
 * for it; after Telegram accepted the call it records when (so the dispatchers see it in the
 * chat's window); when Telegram refused it, the slot is given back, and a 429's retry_after
 * holds the chat for the dispatchers too.
 *
 * The wait is capped (`maxWaitMs`): a person who just acted must get an answer, so when the
 * chat's window is full for longer than that, the reply goes anyway and risks a 429 (which the
 * auto-retry installed after this transformer handles), rather than being held for up to a
 * minute or dropped. The slot still counts in the window, so the outbox waits for it.
 *
 * The clock must be the dispatchers' clock (real time in production): both write instants
 * into the same rows. A database error skips the pacing rather than the reply.
 */
export function pacedDirectSends(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  sleep?: Sleep;
  limits?: Partial<PacingLimits>;
  maxWaitMs?: number;
}): Transformer {
  const limits: PacingLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const sleep = deps.sleep ?? realSleep;
  const maxWaitMs = deps.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const pacing = createChatPacingRepository({ db: deps.db });
  const logger = deps.logger.child({ component: 'direct-pacing' });

  return async (prev, method, payload, signal) => {
    const chatId = chatOf(method, payload);
    const rule = chatId === null ? null : paceRuleFor(limits, chatId);
    if (chatId === null || rule === null) return prev(method, payload, signal);
    let slot: ChatSlot;
    try {
      slot = await pacing.reserve({ chatId, now: deps.clock.now(), rule, maxWaitMs });
    } catch (error) {
      logger.warn({ err: error, chatId, method }, 'could not reserve a slot; replying unpaced');
      return prev(method, payload, signal);
    }
    const wait = slot.at.getTime() - deps.clock.now().getTime();
    if (wait > 0) await sleep(wait); // at most maxWaitMs
    // A network error throws here and keeps the slot: the message may have arrived.
    const result = await prev(method, payload, signal);
    try {
      if (result.ok) await pacing.settle({ chatId, reservedAt: slot.at, sentAt: deps.clock.now(), rule });
      else await pacing.release({ chatId, slot, rule });
      // Telegram holds the chat: so do the dispatchers (they would only collect 429s meanwhile).
      const retryAfter = result.ok ? undefined : result.parameters?.retry_after;
      if (retryAfter !== undefined) {
        const now = deps.clock.now();
        await pacing.hold({ chatId, until: new Date(now.getTime() + retryAfter * 1000), now });
      }
    } catch (error) {
      logger.warn({ err: error, chatId, method }, 'could not record a direct send in the chat pacing');
    }
    return result;
  };
}
