import { lateness, latenessText } from '../calendar/model/lateness.js';
import { localMinute, zonedParts } from '../calendar/model/zoned-time.js';
import type { DbOrTx } from '../db/client.js';
import type { Locale, Translate, Translator } from '../i18n/translator.js';
import { activeUnits } from '../items/model/queries.js';
import type { StoredEvent } from '../items/model/stored.js';
import { createOrgRepository } from '../org/org.repository.js';
import { adminTargets } from '../org/org.usecases.js';
import type { OutboxMessage } from '../outbox/outbox.repository.js';
import type { Clock } from '../shared/clock.js';
import { clip, displayName, escapeHtml, NO_PREVIEW } from '../shared/html.js';
import { inlineFile } from '../outbox/outbox-files.js';
import { cardButtons, deadlineText, personName, unitName, type ItemView, type Rendered } from './item-card.js';
import { newCardMessage } from './cards.js';

/**
 * 移交 to the discipline body (rung 4, 屡督不办): the referral card posted in the bound discipline
 * group, a living card (notifications/cards.ts, audience 'discipline') that shows what is referred,
 * why, and where the referral stands, with 已接收 / 反馈 while they apply; the item's history
 * follows it as text (split under Telegram's 4096 characters) or, when long, as a file.
 */

/** Longest message part we plan (Telegram allows 4096; room for a part counter). */
const PART_MAX = 3900;
/** A history longer than this many parts goes as a text file instead. */
const MAX_PARTS = 3;

/** The referral card: what (code, instruction, units, heads, 承办人, deadline, lateness), why, its status. */
export function renderReferralCard(view: ItemView, t: Translate): Rendered {
  const s = view.state;
  const r = s.referral;
  const sep = t('list-separator');
  const leads = activeUnits(s, 'lead').map((u) => {
    const head = view.unitHeads?.get(u.unitId);
    const who = [
      head !== undefined ? t('referral-unit-head', { name: escapeHtml(personName(view, head)) }) : '',
      u.handlerId !== null ? t('referral-unit-handler', { name: escapeHtml(personName(view, u.handlerId)) }) : '',
    ].filter(Boolean);
    return escapeHtml(unitName(view, u.unitId)) + (who.length ? `（${who.join(sep)}）` : '');
  });
  const late = s.deadline && s.deadline < view.today ? latenessText(t, lateness(s.deadline, view.today)) : t('card-none');
  const lines = [
    t('referral-title', { code: escapeHtml(view.code ?? '') }),
    t('card-instruction', { text: escapeHtml(clip(s.instruction, 800)) }),
    t('card-issued-by', { name: escapeHtml(personName(view, s.issuedBy)) }) +
      (s.leaderInCharge ? ` · ${t('card-leader-in-charge', { name: escapeHtml(personName(view, s.leaderInCharge)) })}` : ''),
    t('card-lead', { units: leads.length ? leads.join(sep) : t('card-none') }),
    `${t('card-deadline', { deadline: deadlineText(s.deadline, s.deadlineTime) || t('card-none') })} · ${t(`status-${s.status}`)}`,
    t('referral-late', { late }),
  ];
  if (r) {
    lines.push(t('referral-reason', { unit: escapeHtml(unitName(view, r.unitId)), reason: escapeHtml(clip(r.reason, 600)) }));
    lines.push(referralStatusLine(view, t));
  }
  const keyboard = r ? cardButtons(view, { kind: 'discipline' }, t) : [];
  return { text: clip(lines.join('\n'), 4000), ...(keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}) };
}

/** Where the referral stands, in one line (the card, /task). */
export function referralStatusLine(view: ItemView, t: Translate): string {
  const r = view.state.referral;
  if (!r) return '';
  switch (r.status) {
    case 'waiting_chat':
      return t('referral-status-waiting_chat');
    case 'sent':
      return t('referral-status-sent');
    case 'received':
      return t('referral-status-received', {
        name: escapeHtml(personName(view, r.receivedBy)),
        date: r.receivedAt ? zonedParts(r.receivedAt, view.timezone ?? 'Asia/Shanghai').ymd : '',
      });
    case 'answered':
      return t('referral-status-answered', {
        name: escapeHtml(personName(view, r.feedback?.by ?? null)),
        text: escapeHtml(clip(r.feedback?.text ?? '', 1500)),
      });
  }
}

/** The item's history as plain lines (time, event, unit, who, what they wrote). */
export function historyLines(input: { view: ItemView; events: StoredEvent[]; names: ReadonlyMap<number, string>; t: Translate; timezone: string }): string[] {
  const { view, events, names, t } = input;
  return events.map((e) => {
    const at = localMinute(e.at, input.timezone);
    const data = e.data as { text?: string; reason?: string };
    const detail = data.text ?? data.reason ?? '';
    const unit = e.unitId !== null && e.unitId !== 0 ? ` · ${unitName(view, e.unitId)}` : '';
    const actor = e.actorId === 0 ? t('ledger-system') : (names.get(e.actorId) ?? String(e.actorId));
    return `${at} ${t(`event-${e.type}`)}${unit} · ${actor}${detail ? `：${clip(detail, 500)}` : ''}`;
  });
}

/** Lines packed into parts of at most `max` characters (a longer line is cut). */
export function splitLines(lines: string[], max = PART_MAX): string[] {
  const parts: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, max);
    if (current && current.length + 1 + line.length > max) {
      parts.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) parts.push(current);
  return parts;
}

type PlanDeps = { db: DbOrTx; clock: Clock; translator: Translator; config: { timezone: string; locale: Locale } };

/**
 * The referral's messages to the discipline group: its living card, then the history (one to
 * three messages, or a text file when longer). Keys are per item, so a referral is posted once.
 * The caller (the items use-case) passes the item's events it read in its transaction:
 * notifications sit below the use-cases and read no item repository themselves.
 */
export async function planReferralMessages(
  deps: PlanDeps,
  input: { view: ItemView; events: StoredEvent[]; chat: { chatId: number; threadId: number } },
): Promise<OutboxMessage[]> {
  const { view, events, chat } = input;
  const locale = deps.config.locale;
  const t = deps.translator.for(locale);
  const people = await createOrgRepository(deps).peopleByIds([...new Set(events.map((e) => e.actorId).filter((id) => id !== 0))]);
  const names = new Map(people.map((p) => [p.id, displayName(p)]));
  const lines = historyLines({ view, events, names, t, timezone: deps.config.timezone });
  const title = t('referral-history-title', { code: view.code ?? '' });
  const out: OutboxMessage[] = [
    newCardMessage({
      key: `referral:${view.id}:card`,
      view,
      audience: { kind: 'discipline' },
      locale,
      translator: deps.translator,
      target: chat,
      purpose: 'referral',
    }),
  ];
  const parts = splitLines(lines);
  if (parts.length <= MAX_PARTS) {
    for (const [i, part] of parts.entries()) {
      out.push({
        key: `referral:${view.id}:history:${i}`,
        chatId: chat.chatId,
        threadId: chat.threadId,
        payload: { text: `${escapeHtml(title)}${parts.length > 1 ? ` (${i + 1}/${parts.length})` : ''}\n${escapeHtml(part)}`, ...NO_PREVIEW },
        itemId: view.id,
        purpose: 'referral_history',
      });
    }
  } else {
    const file = `${title}\n\n${lines.join('\n')}\n`;
    out.push({
      key: `referral:${view.id}:history:file`,
      chatId: chat.chatId,
      threadId: chat.threadId,
      method: 'sendDocument',
      payload: {
        document: inlineFile(new TextEncoder().encode(file), `${(view.code ?? String(view.id)).replace(/[\\/:*?"<>|〔〕\s]/g, '-')}-history.txt`),
        caption: escapeHtml(t('referral-history-file', { code: view.code ?? '', count: lines.length })),
      },
      itemId: view.id,
      purpose: 'referral_history',
    });
  }
  return out;
}

/**
 * Admins are told that rung 4 has no discipline group to go to: `referral` when an item was just
 * referred without one (its referral waits), `startup` when a level's ladder reaches rung 4 and
 * none is bound (keyed by day: told once a day however often the bot starts).
 */
export async function planDisciplineUnboundNotices(
  deps: { db: DbOrTx; clock: Clock; translator: Translator; config: { adminIds: readonly number[]; locale: Locale; timezone: string } },
  input: { kind: 'startup' } | { kind: 'referral'; itemId: number; code: string },
): Promise<OutboxMessage[]> {
  const targets = await adminTargets(deps);
  const day = zonedParts(deps.clock.now(), deps.config.timezone).ymd;
  return targets.map((target) => {
    const t = deps.translator.for(target.locale);
    const chat = target.threadId ? `${target.chatId}_${target.threadId}` : String(target.chatId);
    const text = input.kind === 'startup' ? t('referral-unbound-startup') : t('referral-unbound-now', { code: escapeHtml(input.code) });
    return {
      key: input.kind === 'startup' ? `discipline_unbound:${chat}:${day}` : `referral:${input.itemId}:unbound:${chat}`,
      chatId: target.chatId,
      threadId: target.threadId,
      payload: { text, ...NO_PREVIEW },
      ...(input.kind === 'referral' ? { itemId: input.itemId } : {}),
      purpose: 'discipline_unbound',
    };
  });
}
