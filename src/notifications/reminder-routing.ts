import type { InlineButton } from './keyboard.js';
import type { Translator } from '../i18n/translator.js';
import { formatItemCode } from '../items/model/refs.js';
import type { StoredItem } from '../items/model/stored.js';
import { activeUnits } from '../items/model/queries.js';
import { encodeButton } from './callback-data.js';
import { messageLink, type ItemView } from './item-card.js';
import type { OutboxMessage } from '../outbox/outbox.repository.js';
import type { DueReminder } from '../reminders/model/policy.js';
import type { ReminderDirectory, ReminderMessage } from './reminder-notices.js';
import { displayName } from '../shared/html.js';
import { severityOf, type QueuedNotice } from './bundles.js';
import { newCardMessage } from './cards.js';

/** The view of an item that reminder cards and buttons need, from what the sweep already read. */
export function reminderView(item: StoredItem, directory: ReminderDirectory, input: { codePrefix: string; today: string }): ItemView {
  const code = item.row.codeYear && item.row.codeNumber ? formatItemCode(input.codePrefix, item.row.codeYear, item.row.codeNumber) : null;
  return {
    id: item.id,
    code,
    state: item.state,
    unitNames: new Map([...directory.units].map(([id, u]) => [id, u.name])),
    personNames: new Map([...directory.people].map(([id, p]) => [id, displayName(p)])),
    unitHeads: new Map([...directory.units].flatMap(([id, u]) => (u.headPersonId !== null ? [[id, u.headPersonId] as const] : []))),
    sourceLink: messageLink(item.row.sourceChatId, item.row.sourceMessageId, item.row.sourceThreadId),
    deadlineDefaulted: item.row.deadlineDefaulted,
    today: input.today,
  };
}

/**
 * The buttons an item's line in a bundle carries: what the chat's audience can do about it at
 * once (签收 for a unit that has not acknowledged; 确认办结 / 退回, or 批准 / 驳回 延期, for the
 * deciding leaders) and 查看, which posts the item's living card in the chat.
 */
export function bundleButtons(
  view: ItemView,
  codeNumber: number | null,
  r: DueReminder,
  recipient: ReminderMessage['recipient'],
  t: ReturnType<Translator['for']>,
): InlineButton[] {
  const n = codeNumber !== null ? t('bundle-item-short', { number: codeNumber }) : `#${view.id}`;
  const version = view.state.version;
  const buttons: InlineButton[] = [];
  if (recipient === 'unit' && r.unitId !== 0) {
    const unit = activeUnits(view.state).find((u) => u.unitId === r.unitId);
    if (view.state.status === 'open' && unit && unit.acknowledgedAt === null) {
      buttons.push({ text: t('bundle-btn-ack', { n }), callback_data: encodeButton({ action: 'ack', itemId: view.id, unitId: r.unitId }) });
    }
    // 时间节点 overdue: the nag carries the button that reports that milestone done.
    if (r.kind === 'milestone_nag' && view.state.status === 'open' && unit && !view.state.milestones[r.index - 1]?.done) {
      buttons.push({
        text: t('btn-milestone', { index: r.index }),
        callback_data: encodeButton({ action: 'mnd', itemId: view.id, unitId: r.unitId, milestone: r.index }),
      });
    }
  }
  if (recipient === 'deciders' || recipient === 'leaders') {
    if (r.kind === 'confirm_nag' && view.state.status === 'result_submitted') {
      buttons.push({ text: t('bundle-btn-confirm', { n }), callback_data: encodeButton({ action: 'cfm', itemId: view.id, version }) });
      buttons.push({ text: t('btn-return'), callback_data: encodeButton({ action: 'ret', itemId: view.id, version }) });
    }
    if (r.kind === 'extension_nag' && view.state.pendingExtension) {
      buttons.push({ text: t('bundle-btn-approve', { n }), callback_data: encodeButton({ action: 'exa', itemId: view.id, version }) });
      buttons.push({ text: t('btn-extension-reject'), callback_data: encodeButton({ action: 'exr', itemId: view.id, version }) });
    }
  }
  buttons.push({ text: buttons.length ? t('btn-view') : t('bundle-btn-view', { n }), callback_data: encodeButton({ action: 'viw', itemId: view.id }) });
  return buttons;
}

/** Escalations that go at once, on their own: rung 3 (the leaders) and rung 4 (the discipline body). */
export function isImmediate(r: DueReminder): boolean {
  return r.kind === 'escalation' && r.rung >= 3;
}

/**
 * Splits one item's freshly planned reminder messages: rung 3 and 4 escalations go to the outbox
 * at once (to the leaders as a compact living card whose buttons follow the item), everything
 * else waits in the notice queue for the chat's next bundle.
 */
export function routeReminderMessages(input: {
  view: ItemView;
  codeNumber: number | null;
  due: DueReminder[];
  messages: ReminderMessage[];
  keyOf: (r: DueReminder) => string;
  translator: Translator;
}): { immediate: OutboxMessage[]; queued: QueuedNotice[] } {
  const byKey = new Map(input.due.map((r) => [input.keyOf(r), r]));
  const immediate: OutboxMessage[] = [];
  const queued: QueuedNotice[] = [];
  for (const { reminderKey, locale, recipient, ...m } of input.messages) {
    const r = byKey.get(reminderKey);
    const text = String((m.payload as { text?: unknown }).text ?? '');
    if (!r || recipient === 'unreachable') {
      immediate.push(m);
      continue;
    }
    // 移交: the discipline group gets the referral card with the item's history instead (recordReferrals).
    if (recipient === 'discipline') continue;
    if (isImmediate(r)) {
      if (recipient === 'leaders') {
        immediate.push(
          newCardMessage({
            key: m.key,
            view: input.view,
            audience: { kind: 'leaders' },
            locale,
            headline: text,
            translator: input.translator,
            target: { chatId: m.chatId, threadId: m.threadId ?? 0 },
            purpose: m.purpose,
            compact: true,
            aboutUnitId: m.unitId ?? null,
          }),
        );
      } else immediate.push(m);
      continue;
    }
    queued.push({
      chatId: m.chatId,
      threadId: m.threadId ?? 0,
      locale,
      itemId: input.view.id,
      unitId: r.unitId,
      kind: r.kind,
      severity: severityOf(r),
      line: text,
      buttons: bundleButtons(input.view, input.codeNumber, r, recipient, input.translator.for(locale)),
      fallback: m.fallback ?? null,
    });
  }
  return { immediate, queued };
}
