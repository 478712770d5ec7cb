import { localeFor, type Locale } from '../i18n/translator.js';
import type { ChatKind } from '../org/org.models.js';
import { createOrgRepository } from '../org/org.repository.js';
import { loadAdmins } from '../org/org.usecases.js';
import { createOutboxRepository, type OutboxMessage } from '../outbox/outbox.repository.js';
import { escapeHtml } from '../shared/html.js';
import type { AppDeps } from '../deps.js';

/**
 * The bot was removed from a group (my_chat_member: left or kicked). If the group is bound, its
 * cards, reminders and digests can no longer reach it, and nobody would notice until a deadline
 * passed in silence: the leaders group (unless it is the group lost) and every admin who has
 * opened a private chat with the bot are told at once, with what to do. Returns how many
 * messages were planned; an unbound group gives none. `eventAt` (the update's date) keys the
 * notice, so a redelivered update plans nothing twice.
 */
export async function planBotRemovedNotices(deps: AppDeps, input: { chatId: number; title: string | null; eventAt: number }): Promise<number> {
  const org = createOrgRepository({ db: deps.db, clock: deps.clock });
  const bound = (await org.listBindings()).filter((b) => b.chatId === input.chatId);
  if (bound.length === 0) return 0;
  const units = new Map((await org.listUnits()).map((u) => [u.id, u.name]));
  const leadersChats = (await org.listBindings('leaders')).filter((b) => b.chatId !== input.chatId);
  const admins = (await loadAdmins(deps)).filter((p) => p.startedBot);

  const text = (locale: Locale) => {
    const t = deps.translator.for(locale);
    const what = bound
      .map((b) => t(`removed-kind-${b.kind satisfies ChatKind}`, { unit: escapeHtml(b.unitId !== null ? (units.get(b.unitId) ?? '') : '') }))
      .join(t('list-separator'));
    return t('bot-removed-notice', { title: escapeHtml(input.title ?? bound[0]!.title ?? String(input.chatId)), what });
  };
  const key = (to: string) => `bot_removed:${input.chatId}:${input.eventAt}:${to}`;
  const messages: OutboxMessage[] = [
    ...leadersChats.map((c) => ({
      key: key(c.threadId ? `${c.chatId}_${c.threadId}` : String(c.chatId)),
      chatId: c.chatId,
      threadId: c.threadId,
      payload: { text: text(deps.config.locale) },
      purpose: 'bot_removed',
    })),
    ...admins.map((p) => ({
      key: key(String(p.id)),
      chatId: p.id,
      payload: { text: text(localeFor(p.languageCode, deps.config.locale)) },
      purpose: 'bot_removed',
    })),
  ];
  return createOutboxRepository({ db: deps.db, clock: deps.clock }).enqueue(messages);
}
