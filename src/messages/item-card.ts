import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Translate } from '../i18n/translator.js';
import { activeUnits, missingContributions, type ItemState } from '../items/items.models.js';
import { clip, escapeHtml } from '../shared/html.js';
import type { ParserNote } from '../parser/warnings.js';
import { encodeButton } from './callback-data.js';
import { parserNoteText } from './parser-notes.js';

/** Everything a card shows about an item, gathered by the use-case. */
export type ItemView = {
  id: number;
  code: string | null;
  state: ItemState;
  unitNames: ReadonlyMap<number, string>;
  personNames: ReadonlyMap<number, string>;
  /** t.me link to the instruction message, when Telegram can link to it (supergroups). */
  sourceLink: string | null;
  deadlineDefaulted: boolean;
  /** Local "today" (YYYY-MM-DD) for overdue marks. */
  today: string;
};

export type Rendered = { text: string; reply_markup?: InlineKeyboardMarkup };

/** Who the card is for: the leaders group, one unit (its group or its members), or a draft's author. */
export type Audience = { kind: 'leaders' } | { kind: 'unit'; unitId: number } | { kind: 'none' };

export const unitName = (view: Pick<ItemView, 'unitNames'>, id: number) => view.unitNames.get(id) ?? `#${id}`;
export const personName = (view: Pick<ItemView, 'personNames'>, id: number | null) => (id === null ? '' : (view.personNames.get(id) ?? String(id)));

/** "2026-12-15" or "2026-12-15 17:00". */
export function deadlineText(date: string | null, time: string | null): string {
  if (!date) return '';
  return time ? `${date} ${time}` : date;
}

/** The t.me link of a message in a supergroup (Telegram cannot link into basic groups). */
export function messageLink(chatId: number, messageId: number | null, threadId = 0): string | null {
  if (messageId === null) return null;
  const s = String(chatId);
  if (!s.startsWith('-100')) return null;
  return threadId ? `https://t.me/c/${s.slice(4)}/${threadId}/${messageId}` : `https://t.me/c/${s.slice(4)}/${messageId}`;
}

function header(view: ItemView, t: Translate): string[] {
  const s = view.state;
  const lead = s.units.filter((u) => u.role === 'lead' && u.removedAt === null).map((u) => unitName(view, u.unitId));
  const coop = s.units.filter((u) => u.role === 'cooperating' && u.removedAt === null).map((u) => unitName(view, u.unitId));
  const sep = t('list-separator');
  const lines = [
    view.code ? t('card-title', { code: escapeHtml(view.code) }) : t('card-draft-title'),
    t('card-level', { level: t(`level-${s.level}`) }) + (view.code ? ` · ${t(`status-${s.status}`)}` : ''),
    t('card-instruction', { text: escapeHtml(clip(s.instruction, 1200)) }),
    t('card-issued-by', { name: escapeHtml(personName(view, s.issuedBy)) }) +
      (s.leaderInCharge ? ` · ${t('card-leader-in-charge', { name: escapeHtml(personName(view, s.leaderInCharge)) })}` : ''),
    t('card-lead', { units: lead.length ? escapeHtml(lead.join(sep)) : t('card-none') }),
  ];
  if (coop.length) lines.push(t('card-cooperating', { units: escapeHtml(coop.join(sep)) }));
  const deadline = deadlineText(s.deadline, s.deadlineTime);
  lines.push(
    t('card-deadline', { deadline: deadline || t('card-none') }) +
      (view.deadlineDefaulted && s.status === 'draft' ? t('card-deadline-defaulted') : '') +
      (s.originalDeadline ? t('card-deadline-extended', { original: deadlineText(s.originalDeadline, s.originalDeadlineTime), count: s.extensionCount }) : ''),
  );
  if (s.milestones.length) {
    lines.push(t('card-milestones'));
    for (const m of s.milestones) lines.push(`  · ${m.due} ${escapeHtml(clip(m.text, 100))}`);
  }
  if (s.reportEvery) lines.push(t('card-report-every', { every: t(`every-${s.reportEvery}`) }));
  if (view.sourceLink) lines.push(`<a href="${view.sourceLink}">${t('card-source')}</a>`);
  return lines;
}

function unitLines(view: ItemView, t: Translate): string[] {
  const s = view.state;
  if (s.status === 'draft') return [];
  const lines = [t('card-units-title')];
  for (const u of activeUnits(s)) {
    const name = escapeHtml(unitName(view, u.unitId));
    const role = t(u.role === 'lead' ? 'role-lead-short' : 'role-cooperating-short');
    const ack = u.acknowledgedAt ? t('card-unit-acked') : t('card-unit-not-acked');
    const contribution = u.role === 'cooperating' ? (u.contribution ? ` · ${t('card-unit-contributed')}` : u.contributionWaived ? ` · ${t('card-unit-waived')}` : '') : '';
    lines.push(`  · ${name}（${role}）${ack}${contribution}`);
  }
  return lines;
}

function statusLines(view: ItemView, t: Translate): string[] {
  const s = view.state;
  const lines: string[] = [];
  if (s.pendingExtension) {
    lines.push(
      t('card-extension-pending', {
        unit: escapeHtml(unitName(view, s.pendingExtension.unitId)),
        until: deadlineText(s.pendingExtension.until, s.pendingExtension.untilTime),
        reason: escapeHtml(clip(s.pendingExtension.reason, 300)),
      }),
    );
  }
  if (s.result) lines.push(t('card-result', { unit: escapeHtml(unitName(view, s.result.unitId)), text: escapeHtml(clip(s.result.text, 800)) }));
  if (s.lastReturn && s.status === 'open') lines.push(t('card-last-return', { reason: escapeHtml(clip(s.lastReturn.reason, 300)), count: s.returnCount }));
  if (s.response) lines.push(t('card-response', { name: escapeHtml(personName(view, s.response.by)), text: escapeHtml(clip(s.response.text ?? '', 500)) }));
  if (s.cancellation) lines.push(t('card-cancelled', { reason: escapeHtml(clip(s.cancellation.reason, 300)) }));
  if (s.excused) lines.push(t('card-excused', { reason: escapeHtml(clip(s.excused.reason, 300)) }));
  if (s.status === 'open' && s.deadline && s.deadline < view.today) lines.push(t('card-overdue'));
  return lines;
}

/** Buttons for an audience. Shown by audience; whether the presser may act is decided on press. */
export function cardButtons(view: ItemView, audience: Audience, t: Translate): InlineKeyboardButton[][] {
  const s = view.state;
  const rows: InlineKeyboardButton[][] = [];
  if (audience.kind === 'unit' && s.status === 'open') {
    const u = activeUnits(s).find((x) => x.unitId === audience.unitId);
    if (!u) return [];
    const first: InlineKeyboardButton[] = [];
    if (!u.acknowledgedAt) first.push({ text: t('btn-ack'), callback_data: encodeButton('ack', view.id, u.unitId) });
    first.push({ text: t('btn-progress'), callback_data: encodeButton('prg', view.id, u.unitId) });
    rows.push(first);
    const second: InlineKeyboardButton[] = [
      { text: t(u.role === 'lead' ? 'btn-result' : 'btn-contribution'), callback_data: encodeButton('res', view.id, u.unitId) },
    ];
    if (u.role === 'lead' && !s.pendingExtension) second.push({ text: t('btn-extend'), callback_data: encodeButton('ext', view.id, u.unitId) });
    rows.push(second);
  }
  if (audience.kind === 'leaders') {
    if (s.status === 'result_submitted') {
      rows.push([
        { text: t('btn-confirm'), callback_data: encodeButton('cfm', view.id, 0, s.version) },
        { text: t('btn-return'), callback_data: encodeButton('ret', view.id, 0, s.version) },
      ]);
    }
    if (s.pendingExtension && (s.status === 'open' || s.status === 'result_submitted')) {
      rows.push([
        { text: t('btn-extension-approve'), callback_data: encodeButton('exa', view.id, 0, s.version) },
        { text: t('btn-extension-reject'), callback_data: encodeButton('exr', view.id, 0, s.version) },
      ]);
    }
  }
  return rows;
}

/** The item card: what, who, by when, where it stands, and the buttons for its audience. */
export function renderItemCard(view: ItemView, audience: Audience, t: Translate): Rendered {
  const lines = [...header(view, t), ...unitLines(view, t), ...statusLines(view, t)];
  if (audience.kind === 'unit' && view.state.status === 'open') {
    const u = activeUnits(view.state).find((x) => x.unitId === audience.unitId);
    if (u) lines.push('', t(u.role === 'lead' ? 'card-hint-lead' : 'card-hint-cooperating', { code: escapeHtml(view.code ?? '') }));
    const missing = missingContributions(view.state);
    if (u?.role === 'lead' && missing.length) {
      lines.push(t('card-waiting-contributions', { units: escapeHtml(missing.map((m) => unitName(view, m.unitId)).join(t('list-separator'))) }));
    }
  }
  const keyboard = cardButtons(view, audience, t);
  return { text: clip(lines.join('\n'), 4000), ...(keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}) };
}

export type UnresolvedMention = { name: string; role: 'lead' | 'cooperating'; suggestions: { id: number; name: string }[] };

/** The draft card the assigning leader adjusts before confirming. */
export function renderDraftCard(view: ItemView, t: Translate, extra: { unresolved: UnresolvedMention[]; warnings: ParserNote[] }): Rendered {
  const lines = header(view, t);
  for (const u of extra.unresolved) {
    lines.push(
      u.suggestions.length
        ? t('draft-unresolved-suggest', { name: escapeHtml(u.name) })
        : t('draft-unresolved', { name: escapeHtml(u.name) }),
    );
  }
  for (const w of extra.warnings) lines.push(`⚠️ ${parserNoteText(w, t)}`);
  lines.push('', t('draft-hint'));
  const rows: InlineKeyboardButton[][] = [];
  for (const u of extra.unresolved) {
    const picks = u.suggestions.slice(0, 3).map((sug) => ({
      text: `${u.role === 'lead' ? t('role-lead-short') : t('role-cooperating-short')}：${sug.name}`,
      callback_data: encodeButton('dpk', view.id, sug.id, u.role === 'lead' ? 1 : 2),
    }));
    if (picks.length) rows.push(picks);
  }
  const dayOff = extra.warnings.find((w) => w.code === 'deadlineOnDayOff');
  if (dayOff) rows.push([{ text: t('btn-draft-workday', { date: dayOff.args[1] }), callback_data: encodeButton('dwd', view.id, 0, view.state.version) }]);
  rows.push([{ text: t('btn-draft-confirm'), callback_data: encodeButton('dok', view.id, 0, view.state.version) }]);
  rows.push([
    { text: t('btn-draft-deadline'), callback_data: encodeButton('ddl', view.id) },
    { text: t('btn-draft-units'), callback_data: encodeButton('dun', view.id) },
  ]);
  rows.push([
    { text: t('btn-draft-level', { level: t(`level-${view.state.level}`) }), callback_data: encodeButton('dlv', view.id) },
    { text: t('btn-draft-incharge'), callback_data: encodeButton('dlc', view.id) },
  ]);
  rows.push([{ text: t('btn-draft-discard'), callback_data: encodeButton('dno', view.id) }]);
  return { text: clip(lines.join('\n'), 4000), reply_markup: { inline_keyboard: rows } };
}
