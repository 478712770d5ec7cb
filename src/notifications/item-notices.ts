import type { DbOrTx } from '../db/client.js';
import type { Translate } from '../i18n/translator.js';
import { renderItemCard, unitName, type ItemView } from './item-card.js';
import { newCardMessage } from './cards.js';
import { createOrgRepository } from '../org/org.repository.js';
import type { OutboxMessage } from '../outbox/outbox.repository.js';
import { clip, displayName, escapeHtml, mention, NO_PREVIEW } from '../shared/html.js';
import { resolveUnitTargets } from './recipients.js';
import { activeUnits, leadResults, nextCoordinationLevel, verificationPending } from '../items/model/queries.js';
import type { Coordination, FileRef, ItemEvent } from '../items/model/types.js';
import { encodeButton } from './callback-data.js';
import { localeFor } from '../i18n/translator.js';
import type { StoredItem } from '../items/model/stored.js';
import type { AppDeps } from '../deps.js';

/**
 * Plans, as outbox rows, what the people concerned must be told about the events of one
 * accepted command. Called inside the command's transaction, so the messages exist exactly when
 * the change does. Keys are (item, version, event, target): planning twice is a no-op.
 */
export async function planItemNotifications(
  deps: Pick<AppDeps, 'clock' | 'config' | 'translator'> & { db: DbOrTx },
  input: { item: StoredItem; events: ItemEvent[]; view: ItemView },
): Promise<OutboxMessage[]> {
  const { item, events, view } = input;
  const org = createOrgRepository(deps);
  const defaultLocale = deps.config.locale;
  const t = deps.translator.for(defaultLocale);
  const code = escapeHtml(view.code ?? '');
  const version = item.state.version;
  const leaders = { chatId: item.row.sourceChatId, threadId: item.row.sourceThreadId };
  const out: OutboxMessage[] = [];
  // Who hears each unit of the item (including one transferred away), resolved at once.
  const targets = await resolveUnitTargets(deps.db, { unitIds: item.state.units.map((u) => u.unitId), defaultLocale });
  const targetsOf = async (unitId: number) => targets.get(unitId) ?? [];
  const leadUnitIds = () => activeUnits(item.state, 'lead').map((u) => u.unitId);

  const toLeaders = (kind: string, text: string, extra: Record<string, unknown> = {}, purpose = 'notice') =>
    out.push({
      key: `i${item.id}:v${version}:${kind}:leaders`,
      chatId: leaders.chatId,
      threadId: leaders.threadId,
      payload: { text: clip(text, 4000), ...NO_PREVIEW, ...extra },
      itemId: item.id,
      purpose,
    });

  /** A living card in the leaders chat, with a notice above it (see notifications/cards.ts). */
  const cardToLeaders = (kind: string, headline: string, extra: Record<string, unknown> = {}) =>
    out.push(
      newCardMessage({
        key: `i${item.id}:v${version}:${kind}:leaders`,
        view,
        audience: { kind: 'leaders' },
        locale: defaultLocale,
        headline,
        translator: deps.translator,
        target: leaders,
        extra,
      }),
    );

  /** A living card to each of a unit's targets, in the target's language, with a notice above it. */
  const cardToUnit = async (kind: string, unitId: number, headline: (t: Translate) => string) => {
    const targets = await targetsOf(unitId);
    if (targets.length === 0) {
      toLeaders(`${kind}:unreachable:${unitId}`, t('notice-unit-unreachable', { unit: escapeHtml(unitName(view, unitId)), code }));
      return;
    }
    for (const target of targets) {
      const fallbackText = target.personId
        ? t('notice-dm-failed', { person: mention({ id: target.personId }), unit: escapeHtml(unitName(view, unitId)), code })
        : t('notice-group-failed', { unit: escapeHtml(unitName(view, unitId)), code });
      out.push(
        newCardMessage({
          key: `i${item.id}:v${version}:${kind}:u${unitId}:c${target.chatId}`,
          view,
          audience: { kind: 'unit', unitId },
          locale: target.locale,
          headline: headline(deps.translator.for(target.locale)),
          translator: deps.translator,
          target,
          fallback: { chatId: leaders.chatId, threadId: leaders.threadId, text: fallbackText },
        }),
      );
    }
  };

  /** Sends to a unit's group (or members); says in the leaders group when the unit cannot be reached. */
  const toUnit = async (kind: string, unitId: number, render: (t: Translate) => { text: string; reply_markup?: unknown }, purpose = 'notice') => {
    const targets = await targetsOf(unitId);
    if (targets.length === 0) {
      toLeaders(`${kind}:unreachable:${unitId}`, t('notice-unit-unreachable', { unit: escapeHtml(unitName(view, unitId)), code }));
      return;
    }
    for (const target of targets) {
      const rendered = render(deps.translator.for(target.locale));
      const fallbackText = target.personId
        ? t('notice-dm-failed', { person: mention({ id: target.personId }), unit: escapeHtml(unitName(view, unitId)), code })
        : t('notice-group-failed', { unit: escapeHtml(unitName(view, unitId)), code });
      out.push({
        key: `i${item.id}:v${version}:${kind}:u${unitId}:c${target.chatId}`,
        chatId: target.chatId,
        threadId: target.threadId,
        payload: { text: clip(rendered.text, 4000), ...NO_PREVIEW, ...(rendered.reply_markup ? { reply_markup: rendered.reply_markup } : {}) },
        itemId: item.id,
        unitId,
        purpose,
        fallback: { chatId: leaders.chatId, threadId: leaders.threadId, text: fallbackText },
      });
    }
  };

  const filesTo = (kind: string, target: { chatId: number; threadId: number }, files: FileRef[], caption: string, unitId: number | null) => {
    for (const [i, f] of files.slice(0, 10).entries()) {
      out.push({
        key: `i${item.id}:v${version}:${kind}:file${i}:c${target.chatId}`,
        chatId: target.chatId,
        threadId: target.threadId,
        method: 'sendDocument',
        payload: { document: f.fileId, caption: clip(caption, 1000) },
        itemId: item.id,
        unitId,
        purpose: 'attachment',
      });
    }
  };

  /**
   * 逐级协调: the request, at once (a decision someone must take), with 已协调 and 转交, to the
   * step of the route it is at: the leader in charge privately when they have started the bot
   * (else, or when that chat refuses us, the leaders group naming them); the office and the city
   * government in the leaders group (the city government step names the issuing leader).
   */
  const coordinationRequest = async (kind: string, c: Coordination, forwardedBy: number | null) => {
    const next = nextCoordinationLevel(item.state, c.level);
    const render = (tt: Translate, asked: string) => ({
      text: clip(
        tt(forwardedBy === null ? 'notice-coordination-request' : 'notice-coordination-forwarded-request', {
          code,
          unit: escapeHtml(unitName(view, c.unitId)),
          id: c.id,
          level: tt(`coordination-level-${c.level}`),
          text: escapeHtml(clip(c.text, 1500)),
          instruction: escapeHtml(clip(item.state.instruction, 200)),
          by: escapeHtml(view.personNames.get(forwardedBy ?? 0) ?? String(forwardedBy ?? '')),
          note:
            forwardedBy !== null && c.forwards.at(-1)?.note ? tt('coordination-forward-note', { note: escapeHtml(clip(c.forwards.at(-1)!.note!, 500)) }) : '',
          asked,
        }),
        4000,
      ),
      reply_markup: {
        inline_keyboard: [
          [
            { text: tt('btn-coordination-resolve'), callback_data: encodeButton({ action: 'cok', itemId: item.id, coordination: c.id }) },
            ...(next
              ? [
                  {
                    text: tt('btn-coordination-forward', { level: tt(`coordination-level-${next}`) }),
                    callback_data: encodeButton({ action: 'cup', itemId: item.id, coordination: c.id }),
                  },
                ]
              : []),
          ],
        ],
      },
    });
    const askedId = c.level === 'leader_in_charge' ? item.state.leaderInCharge : c.level === 'government' ? item.state.issuedBy : null;
    const asked = askedId !== null ? (await org.peopleByIds([askedId]))[0] : undefined;
    const askedText = asked ? mention(asked) : '';
    const inGroup = render(t, askedText);
    if (c.level === 'leader_in_charge' && asked?.startedBot) {
      const privately = render(deps.translator.for(localeFor(asked.languageCode, defaultLocale)), '');
      out.push({
        key: `i${item.id}:v${version}:${kind}:p${asked.id}`,
        chatId: asked.id,
        threadId: 0,
        payload: { text: privately.text, ...NO_PREVIEW, reply_markup: privately.reply_markup },
        itemId: item.id,
        unitId: c.unitId,
        purpose: 'coordination',
        fallback: { chatId: leaders.chatId, threadId: leaders.threadId, text: inGroup.text, reply_markup: inGroup.reply_markup },
      });
      return;
    }
    toLeaders(kind, inGroup.text, { reply_markup: inGroup.reply_markup }, 'coordination');
  };
  const coordinationOf = (id: number) => item.state.coordinations.find((c) => c.id === id);

  const deciders = async () => {
    const people = await org.peopleByIds([item.state.issuedBy, item.state.leaderInCharge].filter((x): x is number => x !== null));
    return people.map((p) => mention(p)).join(' ');
  };

  /**
   * 调查复核: the complete result awaits a supervisor. There is no supervisors' chat: each
   * supervisor who started the bot (and works in none of the item's units) gets it privately, with
   * the results' files and the two verdict buttons; the leaders' card carries the same buttons.
   */
  const askSupervisors = async () => {
    const unitIds = new Set(activeUnits(item.state).map((u) => u.unitId));
    const candidates = (await org.peopleWithRole('supervisor')).filter((p) => p.startedBot);
    const supervisors = [];
    for (const p of candidates) if (!(await org.unitIdsOf(p.id)).some((id) => unitIds.has(id))) supervisors.push(p);
    if (supervisors.length === 0) {
      toLeaders('verify:unreachable', t('notice-verify-unreachable', { code }));
      return;
    }
    const results = leadResults(item.state);
    const files = results.flatMap((r) => r.files);
    const units = results.map((r) => unitName(view, r.unitId));
    for (const p of supervisors) {
      const tt = deps.translator.for(localeFor(p.languageCode, defaultLocale));
      const target = { chatId: p.id, threadId: 0 };
      const text = tt('notice-verify-request', {
        code,
        units: escapeHtml(units.join(tt('list-separator'))),
        count: files.length,
        text: escapeHtml(clip(results.map((r) => r.text).join('\n'), 2500)),
      });
      // A living notice: its verdict buttons go once a verdict is given (by anyone), and it shows
      // where the item stands then (see notifications/cards.ts, compact cards).
      out.push(
        newCardMessage({
          key: `i${item.id}:v${version}:verify:p${p.id}`,
          view,
          audience: { kind: 'office' },
          locale: localeFor(p.languageCode, defaultLocale),
          headline: text,
          compact: true,
          translator: deps.translator,
          target,
          fallback: {
            chatId: leaders.chatId,
            threadId: leaders.threadId,
            text: t('notice-dm-failed', { person: mention(p), unit: escapeHtml(t('role-supervisor')), code }),
          },
        }),
      );
      filesTo(`verify:p${p.id}`, target, files, tt('notice-attachment', { unit: escapeHtml(units.join(tt('list-separator'))), code }), null);
    }
  };

  for (const event of events) {
    const unit = event.unitId !== null ? escapeHtml(unitName(view, event.unitId)) : '';
    switch (event.type) {
      case 'item_opened': {
        cardToLeaders(
          'opened',
          '',
          item.row.sourceMessageId ? { reply_parameters: { message_id: item.row.sourceMessageId, allow_sending_without_reply: true } } : {},
        );
        for (const u of activeUnits(item.state)) await cardToUnit('opened', u.unitId, () => '');
        break;
      }
      case 'progress_reported': {
        const text = t('notice-progress', { unit, code, text: escapeHtml(clip(event.data.text, 2500)) });
        toLeaders(`progress:${event.unitId}`, text);
        filesTo('progress', leaders, event.data.files, t('notice-attachment', { unit, code }), event.unitId);
        break;
      }
      case 'contribution_submitted': {
        const text = t('notice-contribution', { unit, code, text: escapeHtml(clip(event.data.text, 2500)) });
        toLeaders(`contribution:${event.unitId}`, text);
        for (const lead of leadUnitIds()) {
          await toUnit(`contribution:${event.unitId}`, lead, (tt) => ({
            text: tt('notice-contribution', { unit, code, text: escapeHtml(clip(event.data.text, 2500)) }),
          }));
          for (const target of await targetsOf(lead)) filesTo(`contribution:${lead}`, target, event.data.files, t('notice-attachment', { unit, code }), lead);
        }
        break;
      }
      case 'contributions_waived': {
        for (const lead of leadUnitIds()) {
          await toUnit('waived', lead, (tt) => ({ text: tt('notice-waived', { code }) }));
        }
        break;
      }
      case 'result_submitted': {
        const pending = event.data.pendingLeadUnitIds ?? [];
        const joint = activeUnits(item.state, 'lead').length > 1;
        if (pending.length > 0) {
          // 共同牵头, not complete yet: the leaders see who delivered and who still owes; the lead
          // units still owing theirs are told that the other one has delivered.
          const names = escapeHtml(pending.map((id) => unitName(view, id)).join(t('list-separator')));
          cardToLeaders(`lead-result:${event.unitId}`, t('notice-lead-result', { unit, code, pending: names }));
          filesTo(`lead-result:${event.unitId}`, leaders, event.data.files, t('notice-attachment', { unit, code }), event.unitId);
          for (const owing of pending) await toUnit(`lead-result:${event.unitId}`, owing, (tt) => ({ text: tt('notice-lead-result-unit', { unit, code }) }));
          break;
        }
        const who = await deciders();
        const verify = verificationPending(item.state);
        cardToLeaders('result', t(verify ? 'notice-result-verify' : joint ? 'notice-results-complete' : 'notice-result', { unit, code, leaders: who }));
        filesTo('result', leaders, event.data.files, t('notice-attachment', { unit, code }), event.unitId);
        if (verify) await askSupervisors();
        break;
      }
      case 'lead_waived': {
        const reason = escapeHtml(clip(event.data.reason, 1000));
        for (const lead of leadUnitIds())
          await toUnit(`lead-waived:${event.unitId}`, lead, (tt) => ({ text: tt('notice-lead-waived', { unit, code, reason }) }));
        if (event.data.status.after === 'result_submitted') {
          const people = await org.peopleByIds([item.state.issuedBy, item.state.leaderInCharge].filter((x): x is number => x !== null));
          const last = item.state.result?.unitId ?? event.unitId ?? 0;
          const verify = verificationPending(item.state);
          cardToLeaders(
            'result',
            t(verify ? 'notice-result-verify' : 'notice-results-complete', {
              unit: escapeHtml(unitName(view, last)),
              code,
              leaders: people.map((p) => mention(p)).join(' '),
            }),
          );
          if (verify) await askSupervisors();
        }
        break;
      }
      case 'handler_set': {
        const handler = event.data.handlerId.after;
        if (event.unitId === null || handler === null) break;
        const person = (await org.peopleByIds([handler]))[0];
        const name = person ? mention(person) : escapeHtml(String(handler));
        await toUnit(`handler:${handler}`, event.unitId, (tt) => ({ text: tt('notice-handler-set', { unit, code, handler: name }) }));
        break;
      }
      case 'result_confirmed': {
        // A leader who confirms with one tap writes no words: the response then says it was confirmed.
        const response = event.data.response ? escapeHtml(clip(event.data.response, 1500)) : t('response-default');
        const by = escapeHtml(view.personNames.get(event.actorId) ?? String(event.actorId));
        toLeaders(
          'response',
          t('notice-response', { code, by, response }),
          {
            ...(item.row.sourceMessageId ? { reply_parameters: { message_id: item.row.sourceMessageId, allow_sending_without_reply: true } } : {}),
          },
          'response',
        );
        for (const u of activeUnits(item.state)) {
          await toUnit('response', u.unitId, (tt) => ({
            text: tt('notice-response', { code, by, response: event.data.response ? response : tt('response-default') }),
          }));
        }
        break;
      }
      case 'result_returned': {
        const reason = escapeHtml(clip(event.data.reason, 1500));
        // Back to every lead unit that owes a result again (a waived one has nothing to redo).
        const waived = new Set(
          activeUnits(item.state, 'lead')
            .filter((u) => u.resultWaived !== null)
            .map((u) => u.unitId),
        );
        for (const lead of leadUnitIds()) if (!waived.has(lead)) await cardToUnit('returned', lead, (tt) => tt('notice-returned', { code, reason }));
        break;
      }
      case 'result_verified': {
        const by = escapeHtml(view.personNames.get(event.actorId) ?? String(event.actorId));
        const note = escapeHtml(clip(event.data.note, 1500));
        if (event.data.verdict === 'true') toLeaders('verified', t('notice-verified-true', { code, by, note, leaders: await deciders() }));
        else toLeaders('verified', t('notice-verified-false', { code, by, note }));
        filesTo('verified', leaders, event.data.files, t('notice-attachment', { unit: escapeHtml(t('role-supervisor')), code }), null);
        break;
      }
      case 'extension_requested': {
        cardToLeaders(
          'ext-request',
          t('notice-extension-requested', { unit, code, until: event.data.requested.date, reason: escapeHtml(clip(event.data.reason, 1000)) }),
        );
        break;
      }
      case 'extension_approved': {
        for (const lead of leadUnitIds()) {
          await toUnit('ext-approved', lead, (tt) => ({ text: tt('notice-extension-approved', { code, until: event.data.deadline.after.date }) }));
        }
        break;
      }
      case 'extension_rejected': {
        const reason = escapeHtml(event.data.reason ?? '');
        for (const lead of leadUnitIds()) {
          await toUnit('ext-rejected', lead, (tt) => ({ text: tt('notice-extension-rejected', { code, reason }) }));
        }
        break;
      }
      case 'unit_transferred': {
        const to = event.data.toUnitId;
        const reason = escapeHtml(clip(event.data.reason, 1000));
        await cardToUnit('transfer-in', to, (tt) => tt('notice-transferred-in', { code, reason }));
        await toUnit('transfer-out', event.data.fromUnitId, (tt) => ({
          text: tt('notice-transferred-out', { code, to: escapeHtml(unitName(view, to)), reason }),
        }));
        break;
      }
      case 'item_cancelled': {
        for (const u of activeUnits(item.state)) {
          await toUnit('cancelled', u.unitId, (tt) => ({ text: tt('notice-cancelled', { code, reason: escapeHtml(clip(event.data.reason, 1000)) }) }));
        }
        break;
      }
      case 'coordination_requested': {
        const c = coordinationOf(event.data.coordinationId);
        if (c) await coordinationRequest(`coordination:${c.id}`, c, null);
        break;
      }
      case 'coordination_forwarded': {
        const c = coordinationOf(event.data.coordinationId);
        if (!c) break;
        await coordinationRequest(`coordination-up:${c.id}`, c, event.actorId);
        const level = event.data.level.after;
        await toUnit(`coordination-up:${c.id}`, c.unitId, (tt) => ({
          text: tt('notice-coordination-forwarded', { code, id: c.id, level: tt(`coordination-level-${level}`), text: escapeHtml(clip(c.text, 300)) }),
        }));
        break;
      }
      case 'coordination_resolved': {
        const c = coordinationOf(event.data.coordinationId);
        if (!c || event.unitId === null) break;
        const by = escapeHtml(view.personNames.get(event.actorId) ?? String(event.actorId));
        const note = event.data.note ? escapeHtml(clip(event.data.note, 1500)) : '';
        await toUnit(`coordination-done:${c.id}`, event.unitId, (tt) => ({
          text: tt('notice-coordination-resolved', {
            code,
            id: c.id,
            by,
            text: escapeHtml(clip(c.text, 300)),
            note: note ? tt('coordination-result-note', { note }) : '',
          }),
        }));
        break;
      }
      case 'item_excused': {
        for (const u of activeUnits(item.state)) {
          const degree = event.data.degree ?? 'exempt';
          await toUnit('excused', u.unitId, (tt) => ({
            text: tt('notice-excused', { code, degree, degreeName: tt(`excuse-degree-${degree}`), reason: escapeHtml(clip(event.data.reason, 1000)) }),
          }));
        }
        break;
      }
      case 'item_notified': {
        // 点名通报: the reason and who gives it, above the item as it stands (units, heads, 承办人,
        // lateness), to the leaders, the item's own units and, with `bulletinAudience: all`, every
        // unit group. No buttons: it is read by people who are not all on the item.
        const notifier = (await org.peopleByIds([event.actorId]))[0];
        const by = escapeHtml(notifier ? displayName(notifier) : String(event.actorId));
        const render = (tt: Translate) =>
          [
            tt('notice-notified', { code, reason: escapeHtml(clip(event.data.reason, 1000)), by }),
            '',
            renderItemCard(view, { kind: 'none' }, tt, { countLateness: true }).text,
          ].join('\n');
        toLeaders('notified', render(t));
        const reached = new Set<string>();
        for (const u of activeUnits(item.state)) {
          for (const target of await targetsOf(u.unitId)) reached.add(`${target.chatId}:${target.threadId}`);
          await toUnit('notified', u.unitId, (tt) => ({ text: render(tt) }));
        }
        if (deps.config.digests.bulletinAudience === 'all') {
          for (const chat of await org.listBindings('unit')) {
            if (reached.has(`${chat.chatId}:${chat.threadId}`)) continue;
            reached.add(`${chat.chatId}:${chat.threadId}`);
            out.push({
              key: `i${item.id}:v${version}:notified:c${chat.chatId}:t${chat.threadId}`,
              chatId: chat.chatId,
              threadId: chat.threadId,
              payload: { text: clip(render(t), 4000), ...NO_PREVIEW },
              itemId: item.id,
              purpose: 'notice',
            });
          }
        }
        break;
      }
      case 'milestone_reported': {
        // 时间节点: the living cards show the milestone done (they are refreshed after every
        // change) and the leaders digest counts it. A report with words or files is a progress
        // report and reaches the leaders now, as one does; a bare button press adds no message
        // to a group that already gets many.
        const d = event.data;
        if (!d.text && d.files.length === 0) break;
        const args = { unit, code, index: d.index, milestone: escapeHtml(clip(d.milestone, 200)), text: escapeHtml(clip(d.text ?? '', 2500)) };
        toLeaders(`milestone:${d.index}`, t('notice-milestone', args));
        filesTo(`milestone:${d.index}`, leaders, d.files, t('notice-attachment', { unit, code }), event.unitId);
        break;
      }

      case 'referral_answered': {
        // 移交: the leaders hear the discipline body's answer (the 问责 outcome).
        const by = escapeHtml(view.personNames.get(event.actorId) ?? String(event.actorId));
        toLeaders('referral-answered', t('notice-referral-answered', { code, by, text: escapeHtml(clip(event.data.text, 3000)) }));
        break;
      }
      default:
        break;
    }
  }
  return out;
}
