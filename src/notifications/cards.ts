import { createHash } from 'node:crypto';
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { itemMessages, outbox } from '../db/schema/index.js';
import type { Locale, Translator } from '../i18n/translator.js';
import { encodeButton } from './callback-data.js';
import { cardButtons, renderItemCard, type Audience, type ItemView, type Rendered } from './item-card.js';
import { createOutboxRepository, type OutboxMessage } from '../outbox/outbox.repository.js';
import type { Clock } from '../shared/clock.js';
import { clip, NO_PREVIEW } from '../shared/html.js';
import { renderReferralCard } from './referral.js';

/**
 * Living cards: every message the bot posted that shows an item (the leaders group's card, each
 * unit's card, private-chat fallbacks, result and extension notices with their card, escalation
 * notices) is a view of the item's current state. When the item changes, each of them is rendered
 * again for its audience and language and, when the render differs from what the message shows,
 * edited in place through the outbox (so edits are paced, retried and survive restarts like any
 * other send).
 *
 * Coalescing. Planning an edit first removes any edit of the same message still waiting in the
 * outbox: only the latest render is sent. Edits of one message are also spaced by
 * the dispatcher's `cardEditGapMs` (a minute) after the last one sent, so ten changes in a minute make at most two edits
 * (the first at once, the last a minute later) and usually one. A card that was planned but not
 * yet sent is rewritten in the outbox instead of edited.
 *
 * Gone cards. When Telegram says a card can no longer be edited (deleted, too old, chat gone),
 * the dispatcher marks it gone and, if its render still has buttons (its audience has something
 * to do), posts it afresh (see outbox.repository.ts, `cardGone`).
 */

/** What an outbox row carries for a living card, copied into item_messages once it is sent. */
export type CardMeta = {
  audience: 'leaders' | 'unit' | 'discipline' | 'office';
  locale: Locale;
  /** HTML shown above the card (a notice: "X submitted its result"), or ''. */
  headline: string;
  /** Hash of the render the row carries. */
  hash: string;
  /** A notice with live buttons (an escalation): the headline and the item's status, not the whole card. */
  compact?: boolean;
  /** The item's status when the headline was written: a full card shows it while the status is still that. */
  headlineStatus?: string | null;
};

/** What a living card is, as stored: for whom, with which notice. */
export type CardSpec = { audience: Audience; headline: string; compact: boolean; headlineStatus: string | null };

/** The spec of a stored card (an item_messages row, or an outbox row's card meta with its unit). */
export function cardSpec(card: {
  audience: string | null;
  unitId: number | null;
  headline?: string | null;
  compact?: boolean | null;
  headlineStatus?: string | null;
}): CardSpec {
  return { audience: audienceOf(card), headline: card.headline ?? '', compact: card.compact ?? false, headlineStatus: card.headlineStatus ?? null };
}

/** A stable fingerprint of a render (text and keyboard): equal hashes mean nothing to edit. */
export function renderHash(rendered: Rendered): string {
  return createHash('sha1')
    .update(rendered.text)
    .update('\u0000')
    .update(JSON.stringify(rendered.reply_markup?.inline_keyboard ?? []))
    .digest('base64url')
    .slice(0, 16);
}

export function audienceOf(meta: { audience: string | null; unitId: number | null }): Audience {
  if (meta.audience === 'discipline') return { kind: 'discipline' };
  if (meta.audience === 'office') return { kind: 'office' };
  return meta.audience === 'unit' && meta.unitId !== null ? { kind: 'unit', unitId: meta.unitId } : { kind: 'leaders' };
}

type T = (key: string, params?: Record<string, string | number | null | undefined>) => string;

/**
 * A card with its notice above it: the text and buttons a living card shows now. A compact card
 * (an escalation notice) shows its notice, the item's status now, the buttons its audience may
 * press, and 查看 to open the whole card; once the item is finished it keeps the notice and the
 * final status and loses its buttons.
 */
export function renderLivingCard(view: ItemView, spec: CardSpec, t: T): Rendered {
  const { audience, headline, compact } = spec;
  // 移交: the discipline group's card is the referral (notifications/referral.ts).
  if (audience.kind === 'discipline') return renderReferralCard(view, t);
  if (compact) {
    const finished = !['open', 'result_submitted'].includes(view.state.status);
    const buttons = finished
      ? []
      : [...cardButtons(view, audience, t), [{ text: t('btn-view'), callback_data: encodeButton({ action: 'viw', itemId: view.id }) }]];
    return {
      text: clip(`${headline}\n${t('card-status-now', { status: t(`status-${view.state.status}`) })}`, 4000),
      ...(buttons.length ? { reply_markup: { inline_keyboard: buttons } } : {}),
    };
  }
  const card = renderItemCard(view, audience, t);
  // A notice above a card ("X submitted its result, please confirm") is true while the item is
  // still in the status it was written in; after that the card alone says where things stand.
  const current = spec.headlineStatus === null || spec.headlineStatus === view.state.status;
  return headline && current ? { ...card, text: clip(`${headline}\n\n${card.text}`, 4000) } : card;
}

/**
 * An outbox message that posts a new living card. `key` must be unique for the card; the card's
 * message id is recorded in item_messages when it is sent.
 */
export function newCardMessage(input: {
  key: string;
  view: ItemView;
  audience: Audience;
  locale: Locale;
  headline?: string;
  translator: Translator;
  target: { chatId: number; threadId: number };
  purpose?: string;
  extra?: Record<string, unknown>;
  fallback?: OutboxMessage['fallback'];
  compact?: boolean;
  /** The unit the message is about, for a leaders' card (an escalation about that unit). */
  aboutUnitId?: number | null;
}): OutboxMessage {
  const headline = input.headline ?? '';
  const compact = input.compact ?? false;
  const headlineStatus = headline && !compact ? input.view.state.status : null;
  const rendered = renderLivingCard(input.view, { audience: input.audience, headline, compact, headlineStatus }, input.translator.for(input.locale));
  const card: CardMeta = {
    audience: input.audience.kind === 'unit' || input.audience.kind === 'discipline' || input.audience.kind === 'office' ? input.audience.kind : 'leaders',
    locale: input.locale,
    headline,
    hash: renderHash(rendered),
    ...(compact ? { compact } : {}),
    ...(headlineStatus ? { headlineStatus } : {}),
  };
  return {
    key: input.key,
    chatId: input.target.chatId,
    threadId: input.target.threadId,
    payload: { text: rendered.text, ...NO_PREVIEW, ...(rendered.reply_markup ? { reply_markup: rendered.reply_markup } : {}), ...(input.extra ?? {}) },
    itemId: input.view.id,
    unitId: input.audience.kind === 'unit' ? input.audience.unitId : (input.aboutUnitId ?? null),
    purpose: input.purpose ?? (input.audience.kind === 'unit' ? 'unit_card' : 'card'),
    card,
    ...(input.fallback ? { fallback: input.fallback } : {}),
  };
}

export type CardRefreshResult = { edits: number; rewritten: number; unchanged: number };

/**
 * Re-renders every living card of one item and plans the edits whose render changed, inside the
 * caller's transaction (the one that changed the item). Pending (unsent) cards of the item are
 * rewritten in the outbox. Returns what it did.
 */
export async function planCardRefresh(deps: { db: DbOrTx; clock: Clock; translator: Translator }, input: { view: ItemView }): Promise<CardRefreshResult> {
  const { db } = deps;
  const { view } = input;
  const now = deps.clock.now();
  const result: CardRefreshResult = { edits: 0, rewritten: 0, unchanged: 0 };

  // Cards planned but not sent yet: they will show the latest state when they go out.
  const pending = await db
    .select({ id: outbox.id, payload: outbox.payload, card: outbox.card, unitId: outbox.unitId })
    .from(outbox)
    .where(and(eq(outbox.itemId, view.id), eq(outbox.status, 'pending'), isNotNull(outbox.card), isNull(outbox.editMessageId)));
  for (const row of pending) {
    const meta = row.card as CardMeta;
    const rendered = renderLivingCard(view, cardSpec({ ...meta, unitId: row.unitId }), deps.translator.for(meta.locale));
    const hash = renderHash(rendered);
    if (hash === meta.hash) continue;
    const payload: Record<string, unknown> = { ...(row.payload as Record<string, unknown>), text: rendered.text };
    if (rendered.reply_markup) payload.reply_markup = rendered.reply_markup;
    else delete payload.reply_markup;
    await db
      .update(outbox)
      .set({ payload, card: { ...meta, hash } })
      .where(and(eq(outbox.id, row.id), eq(outbox.status, 'pending')));
    result.rewritten++;
  }

  const live = await db
    .select()
    .from(itemMessages)
    .where(and(eq(itemMessages.itemId, view.id), isNotNull(itemMessages.audience), isNull(itemMessages.goneAt)));
  const edits: (OutboxMessage & { hash: string })[] = [];
  for (const card of live) {
    const rendered = renderLivingCard(view, cardSpec(card), deps.translator.for((card.locale as Locale | null) ?? 'zh'));
    const hash = renderHash(rendered);
    if (hash === card.renderedHash) {
      result.unchanged++;
      continue;
    }
    edits.push({
      key: `edit:${card.chatId}:${card.messageId}:v${view.state.version}:${hash}`,
      chatId: card.chatId,
      threadId: card.threadId,
      method: 'editMessageText',
      payload: { message_id: card.messageId, text: rendered.text, ...NO_PREVIEW, reply_markup: rendered.reply_markup ?? { inline_keyboard: [] } },
      itemId: view.id,
      unitId: card.unitId,
      purpose: 'card_edit',
      editMessageId: card.messageId,
      hash,
    });
  }
  if (edits.length > 0) {
    // Only the latest render of a message is sent: an edit still waiting is replaced, and the
    // replacement waits as long as it did (the dispatcher deferred it to space the edits).
    for (const edit of edits) {
      const replaced = await db
        .delete(outbox)
        .where(and(eq(outbox.chatId, edit.chatId), eq(outbox.editMessageId, edit.editMessageId!), eq(outbox.status, 'pending')))
        .returning({ notBefore: outbox.notBefore });
      const latest = Math.max(now.getTime(), ...replaced.map((r) => r.notBefore.getTime()));
      edit.notBefore = new Date(latest);
    }
    await createOutboxRepository({ db, clock: deps.clock }).enqueue(edits.map(({ hash: _, ...edit }) => edit));
    for (const edit of edits) {
      await db
        .update(itemMessages)
        .set({ renderedHash: edit.hash })
        .where(and(eq(itemMessages.chatId, edit.chatId), eq(itemMessages.messageId, edit.editMessageId!)));
    }
    result.edits = edits.length;
  }
  return result;
}

/** The live cards of some items (for tests and the sandbox's "is every card true" check). */
export async function liveCards(db: DbOrTx, itemIds: number[]) {
  if (itemIds.length === 0) return [];
  return db
    .select()
    .from(itemMessages)
    .where(and(inArray(itemMessages.itemId, itemIds), isNotNull(itemMessages.audience), isNull(itemMessages.goneAt)))
    .orderBy(itemMessages.itemId, itemMessages.chatId, itemMessages.messageId);
}
