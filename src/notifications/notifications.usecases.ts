import { isWorkingDay } from '../calendar/model/working-calendar.js';
import { parseHHmm, zonedInstant, zonedParts } from '../calendar/model/zoned-time.js';
import type { Config } from '../config.js';
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import type { Translator } from '../i18n/translator.js';
import { createOutboxRepository, type OutboxMessage } from '../outbox/outbox.repository.js';
import { bundleMessages, takeBundles, type Bundle } from './bundles.js';
import type { AppDeps } from '../deps.js';

/** Outbox keys name the chat, and the topic when there is one. */
export function chatRef(chat: { chatId: number; threadId: number }): string {
  return chat.threadId ? `${chat.chatId}_${chat.threadId}` : String(chat.chatId);
}

const hhmm = (at: Date, timezone: string) => {
  const p = zonedParts(at, timezone);
  return { date: p.ymd, time: `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}` };
};

/**
 * The instant the morning message speaks for: the opening of today's working hours when the
 * digest goes out before it (08:30 for a 09:00 opening), so the morning's warnings and nags, due
 * at the opening, travel with the digest instead of following it half an hour later.
 */
export function morningCutoff(at: Date, config: Pick<Config, 'timezone' | 'workingHours'>): Date {
  const date = zonedParts(at, config.timezone).ymd;
  const opening = zonedInstant(date, parseHHmm(config.workingHours.start), config.timezone);
  return opening.getTime() > at.getTime() ? opening : at;
}

/**
 * The morning message of each chat: its digest (when it has one) and its waiting reminders, as
 * one message. Called by the daily digest inside its transaction with the digest messages it
 * planned (keys `digest:<chat>:<date>`, parts `:2`...); returns them with the reminders folded
 * in, plus a bundle for each chat that has reminders but no digest (`bundle:<chat>:<date>:am`).
 */
export async function foldMorningBundles(
  deps: { db: DbOrTx; translator: Translator; config: Pick<Config, 'timezone' | 'workingHours'> },
  input: { at: Date; date: string; digests: OutboxMessage[] },
): Promise<{ messages: OutboxMessage[]; bundles: number }> {
  const withDigest = new Set(input.digests.map((m) => chatRef({ chatId: m.chatId, threadId: m.threadId ?? 0 })));
  const keyOf = (chat: { chatId: number; threadId: number }) =>
    withDigest.has(chatRef(chat)) ? `digest:${chatRef(chat)}:${input.date}` : `bundle:${chatRef(chat)}:${input.date}:am`;
  const bundles = await takeBundles(
    { db: deps.db, translator: deps.translator, timezone: deps.config.timezone },
    {
      now: input.at,
      upTo: morningCutoff(input.at, deps.config),
      keyOf,
      heading: (t) => t('bundle-heading-morning', { date: input.date }),
    },
  );
  const byChat = new Map<string, Bundle>(bundles.map((b) => [chatRef(b), b]));
  const out: OutboxMessage[] = [];
  for (const message of input.digests) {
    const ref = chatRef({ chatId: message.chatId, threadId: message.threadId ?? 0 });
    const bundle = byChat.get(ref);
    if (!bundle || message.key !== `digest:${ref}:${input.date}`) {
      out.push(message);
      continue;
    }
    // Reminders first (they ask for something today), then the digest; one message when it fits.
    byChat.delete(ref);
    const parts = bundleMessages(bundle, message.key, message.purpose);
    const last = parts[parts.length - 1]!;
    const digestText = String((message.payload as { text?: unknown }).text ?? '');
    const lastText = String((last.payload as { text?: unknown }).text ?? '');
    if (lastText.length + digestText.length + 2 <= 4000) {
      // One message: the reminders' rows of buttons, then the digest's (the leaders' decisions).
      const rows = [
        ...((last.payload as { reply_markup?: { inline_keyboard: unknown[][] } }).reply_markup?.inline_keyboard ?? []),
        ...((message.payload as { reply_markup?: { inline_keyboard: unknown[][] } }).reply_markup?.inline_keyboard ?? []),
      ];
      last.payload = { ...last.payload, text: `${lastText}\n\n${digestText}`, ...(rows.length ? { reply_markup: { inline_keyboard: rows } } : {}) };
      out.push(...parts);
    } else {
      out.push(...parts, { ...message, key: `${message.key}:digest` });
    }
  }
  for (const bundle of byChat.values()) out.push(...bundleMessages(bundle, keyOf(bundle)));
  return { messages: out, bundles: bundles.length };
}

export type BundleRunResult = { outcome: 'sent' | 'skipped'; reason?: 'non_working_day'; chats: number; planned: number };

/**
 * A later reminder slot (`reminders.bundleTimes`): every chat with waiting reminders gets them as
 * one message, keyed `bundle:<chat>:<date>:<HH:mm>`. Nothing on a day off: the lines wait for the
 * next morning message.
 */
export async function runReminderBundles(deps: AppDeps, input: { scheduledAt: Date; at?: Date }): Promise<BundleRunResult> {
  const at = input.at ?? deps.clock.now();
  const slot = hhmm(input.scheduledAt, deps.config.timezone);
  if (!isWorkingDay(slot.date)) return { outcome: 'skipped', reason: 'non_working_day', chats: 0, planned: 0 };
  const { planned, chats } = await deps.db.transaction(async (tx) => {
    const bundles = await takeBundles(
      { db: tx, translator: deps.translator, timezone: deps.config.timezone },
      {
        now: at,
        upTo: at,
        keyOf: (chat) => `bundle:${chatRef(chat)}:${slot.date}:${slot.time}`,
        heading: (t) => t('bundle-heading-later', { date: slot.date, time: slot.time }),
      },
    );
    const messages = bundles.flatMap((b) => bundleMessages(b, `bundle:${chatRef(b)}:${slot.date}:${slot.time}`));
    return { planned: await createOutboxRepository({ db: tx, clock: deps.clock }).enqueue(messages), chats: bundles.length };
  });
  if (planned > 0) deps.onPlanned?.();
  deps.logger?.info({ date: slot.date, time: slot.time, chats, planned }, 'reminder bundles planned');
  return { outcome: 'sent', chats, planned };
}

/** Whether a bot message is a bundle or a morning message (they name several items). */
export async function isBundleMessage(deps: { db: DbOrTx }, input: { chatId: number; messageId: number }): Promise<boolean> {
  const [row] = await deps.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.chatId, input.chatId), eq(outbox.messageId, input.messageId), inArray(outbox.purpose, ['bundle', 'digest', 'unit_digest'])))
    .limit(1);
  return row !== undefined;
}
