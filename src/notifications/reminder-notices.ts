import { latenessText } from '../calendar/model/lateness.js';
import { localMinute } from '../calendar/model/zoned-time.js';
import { localeFor, type Locale, type Translate, type Translator } from '../i18n/translator.js';
import { activeUnits } from '../items/model/queries.js';
import { reportEveryText } from './item-card.js';
import type { UnitTarget } from './recipients.js';
import { formatItemCode } from '../items/model/refs.js';
import type { StoredItem } from '../items/model/stored.js';
import type { Person } from '../org/org.repository.js';
import type { OutboxMessage } from '../outbox/outbox.repository.js';
import { clip, displayName, escapeHtml, mention, NO_PREVIEW } from '../shared/html.js';
import { COLOUR_MARK, type DueReminder, type Recipient } from '../reminders/model/policy.js';

/** What one batch of the sweep knows about the organisation, read once for all its items. */
export type ReminderDirectory = {
  units: Map<number, { name: string; headPersonId: number | null }>;
  people: Map<number, Person>;
  discipline: { chatId: number; threadId: number } | null;
  /** Where a unit's messages go (see notifications/recipients.ts). */
  targets: Map<number, UnitTarget[]>;
};

/** A planned message with the reminder it belongs to, so only newly recorded reminders are sent. */
export type ReminderMessage = OutboxMessage & {
  reminderKey: string;
  /** The language the text is in, and who it is for: bundles use both. */
  locale: Locale;
  recipient: Recipient | 'unreachable';
};

/**
 * The messages of one item's due reminders, in each recipient's language. Outbox keys are
 * (item, unit, kind, slot, chat): a reminder planned twice is one message.
 */
export async function renderReminders(
  deps: { translator: Translator; defaultLocale: Locale; timezone: string; codePrefix: string },
  input: { item: StoredItem; due: DueReminder[]; directory: ReminderDirectory; keyOf: (r: DueReminder) => string },
): Promise<ReminderMessage[]> {
  const { item, directory } = input;
  const s = item.state;
  const t = deps.translator.for(deps.defaultLocale);
  const code = escapeHtml(item.row.codeYear && item.row.codeNumber ? formatItemCode(deps.codePrefix, item.row.codeYear, item.row.codeNumber) : `#${item.id}`);
  const ref = item.row.codeYear && item.row.codeNumber ? `${item.row.codeYear}-${item.row.codeNumber}` : String(item.id);
  const title = escapeHtml(clip(s.instruction.replace(/\s+/g, ' '), 80));
  const leadersChat = { chatId: item.row.sourceChatId, threadId: item.row.sourceThreadId };
  const unitLabel = (id: number) => escapeHtml(directory.units.get(id)?.name ?? `#${id}`);
  const who = (id: number | null) => (id === null ? null : (directory.people.get(id) ?? null));
  const local = (at: Date) => localMinute(at, deps.timezone);
  const deadlineText = (date: string, time: string | null) => (time ? `${date} ${time}` : date);
  const out: ReminderMessage[] = [];

  for (const r of input.due) {
    const key = input.keyOf(r);
    const base = `r:i${item.id}:u${r.unitId}:${r.kind}:${r.slot}`;
    const purpose = `reminder_${r.kind}`;
    const unit = unitLabel(r.unitId);
    let recipient: ReminderMessage['recipient'] = 'unit';
    const push = (m: Omit<ReminderMessage, 'reminderKey' | 'itemId' | 'purpose' | 'recipient' | 'locale'>, locale: Locale = deps.defaultLocale) =>
      out.push({ ...m, reminderKey: key, itemId: item.id, purpose, unitId: r.unitId === 0 ? null : r.unitId, locale, recipient });

    // 承办人: the person the unit answers through is named (an HTML mention) in what the unit is nagged for.
    const handler = who(activeUnits(s).find((u) => u.unitId === r.unitId)?.handlerId ?? null);
    // In the leaders' chat the handler is named in plain text: only the leaders asked to act are mentioned there.
    const withHandler = (tt: Translate, body: string, asMention = true) =>
      handler ? `${body}\n${tt('reminder-handler-line', { handler: asMention ? mention(handler) : escapeHtml(displayName(handler)) })}` : body;

    /** The text in one language. */
    const text = (tt: Translate): string => {
      const common = { code, title, unit, ref };
      switch (r.kind) {
        case 'warning':
          return r.target === 'deadline'
            ? tt('reminder-warning', { ...common, mark: COLOUR_MARK[r.colour!], deadline: deadlineText(r.date, r.time), days: r.workingDaysLeft })
            : tt('reminder-milestone', {
                ...common,
                mark: COLOUR_MARK[r.colour!],
                date: r.date,
                milestone: escapeHtml(clip(r.texts.join('；'), 300)),
                days: r.workingDaysLeft,
              });
        case 'ack_nag':
          return withHandler(tt, tt('reminder-ack-nag', { ...common, assigned: local(r.assignedAt), hours: r.workingHours }));
        case 'report_nag':
          return withHandler(tt, tt('reminder-report-nag', { ...common, due: r.dueDate, every: reportEveryText(tt, r.every) }));
        case 'overdue_nag': {
          const late = latenessText(tt, { workingDays: r.daysOverdue, calendarDays: r.calendarDaysOverdue });
          const lines = [tt('reminder-overdue-nag', { ...common, deadline: deadlineText(r.date, r.time), days: r.daysOverdue, late, count: r.nagCount })];
          const head = who(directory.units.get(r.unitId)?.headPersonId ?? null);
          if (r.rung >= 2 && head) lines.push(tt('reminder-head-line', { head: mention(head) }));
          return withHandler(tt, lines.join('\n'));
        }
        case 'escalation': {
          if (r.cause === 'report') {
            const facts = { ...common, since: r.since, count: r.nagCount, every: reportEveryText(tt, r.every) };
            if (r.rung === 2) return tt('reminder-report-escalation-head', facts);
            const leader = who(s.leaderInCharge) ?? who(s.issuedBy);
            return tt('reminder-report-escalation-leaders', { ...facts, leaders: leader ? mention(leader) : '' });
          }
          if (r.cause === 'returns') {
            const leader = who(s.leaderInCharge) ?? who(s.issuedBy);
            return tt('reminder-returns-escalation-leaders', { ...common, count: r.nagCount, leaders: leader ? mention(leader) : '' });
          }
          if (r.cause === 'ack') {
            const facts = { ...common, assigned: local(r.assignedAt), hours: r.workingHours, count: r.nagCount };
            if (r.rung === 2) return tt('reminder-ack-escalation-head', facts);
            const leader = who(s.leaderInCharge) ?? who(s.issuedBy);
            return tt('reminder-ack-escalation-leaders', { ...facts, leaders: leader ? mention(leader) : '' });
          }
          const facts = {
            ...common,
            late: latenessText(tt, { workingDays: r.daysOverdue, calendarDays: r.calendarDaysOverdue }),
            count: r.nagCount,
            deadline: deadlineText(r.date, r.time),
          };
          if (r.rung === 2) return withHandler(tt, tt('reminder-escalation-head', facts));
          const leader = who(s.leaderInCharge) ?? who(s.issuedBy);
          if (r.rung === 3) return withHandler(tt, tt('reminder-escalation-leaders', { ...facts, leaders: leader ? mention(leader) : '' }), false);
          const issuer = who(s.issuedBy);
          return tt('reminder-escalation-discipline', { ...facts, leaders: escapeHtml(issuer ? displayName(issuer) : String(s.issuedBy)) });
        }
        case 'confirm_nag': {
          const deciders = [...new Set([s.issuedBy, s.leaderInCharge].filter((x): x is number => x !== null))];
          const names = deciders.map((id) => (who(id) ? mention(who(id)!) : String(id))).join(' ');
          return tt('reminder-confirm-nag', {
            ...common,
            unit: unitLabel(r.resultUnitId),
            submitted: local(r.resultAt),
            days: r.workingDaysWaiting,
            leaders: names,
          });
        }
        case 'milestone_nag': {
          const late = latenessText(tt, { workingDays: r.daysOverdue, calendarDays: r.calendarDaysOverdue });
          return withHandler(
            tt,
            tt('reminder-milestone-nag', { ...common, date: r.date, milestone: escapeHtml(clip(r.text, 300)), late, count: r.nagCount, index: r.index }),
          );
        }
        case 'extension_nag': {
          const deciders = [...new Set([s.issuedBy, s.leaderInCharge].filter((x): x is number => x !== null))];
          const names = deciders.map((id) => (who(id) ? mention(who(id)!) : String(id))).join(' ');
          return tt('reminder-extension-nag', {
            ...common,
            unit: unitLabel(r.requestUnitId),
            requested: local(r.requestedAt),
            until: r.until,
            days: r.workingDaysWaiting,
            leaders: names,
          });
        }
      }
    };

    /** A private message to a person who started the bot, in their language. */
    const toPerson = (person: Person | null) => {
      if (!person?.startedBot) return;
      const locale = localeFor(person.languageCode, deps.defaultLocale);
      push(
        { key: `${base}:c${person.id}`, chatId: person.id, threadId: 0, payload: { text: clip(text(deps.translator.for(locale)), 4000), ...NO_PREVIEW } },
        locale,
      );
    };
    const toChat = (chat: { chatId: number; threadId: number }, fallback: OutboxMessage['fallback'] = null) =>
      push({ key: `${base}:c${chat.chatId}`, chatId: chat.chatId, threadId: chat.threadId, payload: { text: clip(text(t), 4000), ...NO_PREVIEW }, fallback });

    /** The unit's group (or its members who started the bot); the leaders are told when there is neither. */
    const toUnitTargets = (extra: (tt: Translate) => string | null = () => null) => {
      const targets = directory.targets.get(r.unitId) ?? [];
      if (targets.length === 0) {
        recipient = 'unreachable';
        push({
          key: `${base}:unreachable`,
          chatId: leadersChat.chatId,
          threadId: leadersChat.threadId,
          payload: { text: t('notice-unit-unreachable', { unit, code }), ...NO_PREVIEW },
        });
        return;
      }
      for (const target of targets) {
        const fallbackText = target.personId
          ? t('notice-dm-failed', { person: mention({ id: target.personId }), unit, code })
          : t('notice-group-failed', { unit, code });
        const tt = deps.translator.for(target.locale);
        push(
          {
            key: `${base}:c${target.chatId}`,
            chatId: target.chatId,
            threadId: target.threadId,
            payload: { text: clip([text(tt), extra(tt)].filter(Boolean).join('\n'), 4000), ...NO_PREVIEW },
            fallback: { chatId: leadersChat.chatId, threadId: leadersChat.threadId, text: fallbackText },
          },
          target.locale,
        );
      }
    };

    for (const to of r.to as Recipient[]) {
      recipient = to;
      switch (to) {
        case 'unit':
          toUnitTargets();
          break;
        case 'unit_head': {
          const head = who(directory.units.get(r.unitId)?.headPersonId ?? null);
          if (head?.startedBot || r.kind !== 'escalation' || r.cause === 'overdue') {
            toPerson(head);
            break;
          }
          // 未签收 / 屡推不动 at rung 2 and a head the bot cannot write to (or no head registered): the
          // unit's own chat hears it instead of nobody (an overdue nag names the head itself).
          recipient = 'unit';
          toUnitTargets((tt) => (head ? tt('reminder-head-line', { head: mention(head) }) : null));
          break;
        }
        case 'leaders':
          toChat(leadersChat);
          toPerson(who(s.leaderInCharge) ?? who(s.issuedBy));
          break;
        case 'deciders':
          toChat(leadersChat);
          for (const id of new Set([s.issuedBy, s.leaderInCharge])) if (id !== null) toPerson(who(id));
          break;
        case 'discipline':
          if (directory.discipline) toChat(directory.discipline);
          break;
      }
    }
  }
  return dedupeByKey(out);
}

/** A person can be both the unit head and a member who gets the unit's DMs: one message each. */
function dedupeByKey(messages: ReminderMessage[]): ReminderMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    if (seen.has(m.key)) return false;
    seen.add(m.key);
    return true;
  });
}

/** Where an escalation went, for the history: recipient names and the chats written to. */
export function escalationTargets(r: DueReminder, messages: ReminderMessage[], key: string): { to: string[]; chats: number[] } {
  return { to: [...r.to], chats: [...new Set(messages.filter((m) => m.reminderKey === key).map((m) => m.chatId))] };
}
