import { NO_PREVIEW } from '../shared/html.js';
import { and, asc, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { InlineButton } from './keyboard.js';
import { startOfZonedDay, zonedParts } from '../calendar/model/zoned-time.js';
import type { DbOrTx } from '../db/client.js';
import { items, noticeQueue } from '../db/schema/index.js';
import type { Locale, Translator } from '../i18n/translator.js';
import type { OutboxFallback, OutboxMessage } from '../outbox/outbox.repository.js';

/**
 * Reminder bundles: what the bot says on its own reaches a chat as one message per reminder slot.
 *
 * The sweep does not send warnings and nags one by one: it queues a line per (reminder, chat) in
 * `notice_queue`, in the transaction that records the reminder. At each slot (the morning message
 * at `digests.dailyTime`, together with the daily digest, and the later `reminders.bundleTimes`)
 * every chat's waiting lines become one message: most urgent first, with a row of buttons per item
 * to act on it or open its card. Rows are marked with the bundle's outbox key in the same
 * transaction, so a bundle is planned once, whichever instance runs the slot.
 *
 * Said once a day: a line about an item the chat was already told about today, at the same or a
 * higher severity, is dropped (marked 'dropped'): a unit hears about an item again the same day
 * only when its state got worse (a warning became an overdue nag, a nag became an escalation).
 *
 * Immediate messages (a new item, a decision, rung 3 and 4 escalations) do not wait for a slot;
 * they are planned straight into the outbox by their use-cases.
 */

/** Severity of a reminder line: higher is worse, bundles list the worst first. */
export function severityOf(input: { kind: string; colour: string | null; rung: number }): number {
  switch (input.kind) {
    case 'warning':
      return input.colour === 'blue' ? 1 : 2;
    case 'report_nag':
      return 3;
    case 'ack_nag':
    case 'confirm_nag':
    case 'extension_nag':
      return 4;
    case 'overdue_nag':
      return 5 + Math.min(input.rung, 4);
    // 时间节点 overdue: worse than a missed acknowledgement, below the deadline's own overdue nag.
    case 'milestone_nag':
      return 5;
    case 'escalation':
      return 10 + input.rung;
    default:
      return 0;
  }
}

/** A line to queue for a chat's next bundle. */
export type QueuedNotice = {
  chatId: number;
  threadId: number;
  locale: Locale;
  itemId: number;
  unitId: number;
  kind: string;
  severity: number;
  line: string;
  buttons: InlineButton[] | null;
  fallback: OutboxFallback | null;
};

export async function queueNotices(db: DbOrTx, input: { notices: QueuedNotice[]; at: Date }): Promise<number> {
  if (input.notices.length === 0) return 0;
  const rows = await db
    .insert(noticeQueue)
    .values(input.notices.map((n) => ({ ...n, queuedAt: input.at })))
    .returning({ id: noticeQueue.id });
  return rows.length;
}

/** Most lines one bundle message carries before it is split; most item rows of buttons per message. */
const PART_CHARS = 3800;
const BUTTON_ROWS = 10;

export type Bundle = {
  chatId: number;
  threadId: number;
  locale: Locale;
  /** Message texts (one, or more when long), each with the buttons of the items it names. */
  parts: { text: string; keyboard: InlineButton[][] }[];
  fallback: OutboxFallback | null;
  items: number;
  /** The item, when the bundle names one only: a reply to it is about that item. */
  itemId: number | null;
  unitId: number | null;
};

/**
 * Takes every line waiting for a chat (queued at or before `upTo`), drops those already said
 * today at the same severity or worse, and composes one bundle per chat. Marks the rows with
 * `keyOf(chat)` (or 'dropped') in the caller's transaction. Rows another transaction is taking
 * are skipped (SKIP LOCKED): they go with that bundle.
 */
export async function takeBundles(
  deps: { db: DbOrTx; translator: Translator; timezone: string },
  input: { now: Date; upTo: Date; keyOf: (chat: { chatId: number; threadId: number }) => string; heading: (t: ReturnType<Translator['for']>) => string },
): Promise<Bundle[]> {
  const { db } = deps;
  const waiting = await db
    .select()
    .from(noticeQueue)
    .where(and(isNull(noticeQueue.bundledAt), lte(noticeQueue.queuedAt, input.upTo)))
    .orderBy(asc(noticeQueue.chatId), asc(noticeQueue.id))
    .for('update', { skipLocked: true });
  if (waiting.length === 0) return [];

  // What each chat was told today: item -> the worst severity named.
  const dayStart = startOfZonedDay(zonedParts(input.now, deps.timezone).ymd, deps.timezone);
  const chatIds = [...new Set(waiting.map((w) => w.chatId))];
  const told = await db
    .select({
      chatId: noticeQueue.chatId,
      threadId: noticeQueue.threadId,
      itemId: noticeQueue.itemId,
      severity: sql<number>`max(${noticeQueue.severity})`.mapWith(Number),
    })
    .from(noticeQueue)
    .where(and(inArray(noticeQueue.chatId, chatIds), gte(noticeQueue.bundledAt, dayStart), sql`${noticeQueue.bundleKey} <> 'dropped'`))
    .groupBy(noticeQueue.chatId, noticeQueue.threadId, noticeQueue.itemId);
  const toldKey = (chatId: number, threadId: number, itemId: number) => `${chatId}/${threadId}/${itemId}`;
  const toldSeverity = new Map(told.map((r) => [toldKey(r.chatId, r.threadId, r.itemId), r.severity]));

  // Items closed or cancelled since their line was queued are not nagged about.
  const itemIds = [...new Set(waiting.map((w) => w.itemId))];
  const live = new Set(
    (
      await db
        .select({ id: items.id })
        .from(items)
        .where(and(inArray(items.id, itemIds), inArray(items.status, ['open', 'result_submitted'])))
    ).map((r) => r.id),
  );

  const byChat = new Map<string, typeof waiting>();
  const dropped: number[] = [];
  for (const row of waiting) {
    const before = toldSeverity.get(toldKey(row.chatId, row.threadId, row.itemId));
    if (!live.has(row.itemId) || (before !== undefined && before >= row.severity)) {
      dropped.push(row.id);
      continue;
    }
    const key = `${row.chatId}/${row.threadId}`;
    byChat.set(key, [...(byChat.get(key) ?? []), row]);
  }
  if (dropped.length > 0) {
    await db.update(noticeQueue).set({ bundledAt: input.now, bundleKey: 'dropped' }).where(inArray(noticeQueue.id, dropped));
  }

  const bundles: Bundle[] = [];
  const marks: { id: number; key: string }[] = [];
  for (const rows of byChat.values()) {
    const first = rows[0]!;
    const chat = { chatId: first.chatId, threadId: first.threadId };
    const locale = (first.locale as Locale) ?? 'zh';
    const t = deps.translator.for(locale);
    // One entry per item: its worst line first, then the item's other lines; worst items first.
    const perItem = new Map<number, typeof rows>();
    for (const row of rows) perItem.set(row.itemId, [...(perItem.get(row.itemId) ?? []), row]);
    const entries = [...perItem.values()]
      .map((lines) => lines.sort((a, b) => b.severity - a.severity || a.id - b.id))
      .sort((a, b) => b[0]!.severity - a[0]!.severity || a[0]!.itemId - b[0]!.itemId);
    const heading = input.heading(t);
    const parts: Bundle['parts'] = [];
    let text = heading;
    let keyboard: InlineButton[][] = [];
    for (const lines of entries) {
      const block = [...new Set(lines.map((l) => l.line))].join('\n');
      if (text.length + block.length + 2 > PART_CHARS && text !== heading) {
        parts.push({ text, keyboard });
        text = t('bundle-continued');
        keyboard = [];
      }
      text = `${text}\n\n${block}`;
      const buttons = lines.find((l) => Array.isArray(l.buttons) && (l.buttons as unknown[]).length > 0)?.buttons as InlineButton[] | undefined;
      if (buttons && keyboard.length < BUTTON_ROWS) keyboard.push(buttons);
    }
    parts.push({ text, keyboard });
    const key = input.keyOf(chat);
    for (const r of rows) marks.push({ id: r.id, key });
    const single = entries.length === 1 ? entries[0]![0]! : null;
    bundles.push({
      ...chat,
      locale,
      parts,
      fallback: (first.fallback as OutboxFallback | null) ?? null,
      items: entries.length,
      itemId: single?.itemId ?? null,
      unitId: single && single.unitId !== 0 ? single.unitId : null,
    });
  }
  // Every line taken is marked with its bundle's key in one statement (500 chats: one round trip).
  if (marks.length > 0) {
    await db.execute(sql`
      update notice_queue set bundled_at = ${input.now.toISOString()}::timestamptz, bundle_key = m.key
      from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as m(id bigint, key text)
      where notice_queue.id = m.id`);
  }
  return bundles;
}

/** The outbox messages of a bundle, keyed `key`, `key:2`, ... */
export function bundleMessages(bundle: Bundle, key: string, purpose = 'bundle'): OutboxMessage[] {
  return bundle.parts.map((part, i) => ({
    key: i === 0 ? key : `${key}:${i + 1}`,
    chatId: bundle.chatId,
    threadId: bundle.threadId,
    payload: { text: part.text, ...NO_PREVIEW, ...(part.keyboard.length ? { reply_markup: { inline_keyboard: part.keyboard } } : {}) },
    purpose,
    fallback: bundle.fallback,
    // A bundle about one item is remembered as that item's message: a reply to it finds the item.
    ...(purpose === 'bundle' && bundle.itemId !== null ? { itemId: bundle.itemId, unitId: bundle.unitId } : {}),
  }));
}
