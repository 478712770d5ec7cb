import { NO_PREVIEW } from '../../shared/html.js';
import type { CommandContext } from 'grammy';
import { Composer } from 'grammy';
import { uncoveredYearsBetween } from '../../calendar/model/working-calendar.js';
import { zonedParts } from '../../calendar/model/zoned-time.js';
import { buttonItemId, decodeButton } from '../../notifications/callback-data.js';
import { isBundleMessage } from '../../notifications/notifications.usecases.js';
import { renderDraftCard, unitName } from '../../notifications/item-card.js';
import { activeUnits, verificationPending, pendingLeads } from '../../items/model/queries.js';
import type { ExcuseDegree, ItemCommand, ItemCommandType, ItemState } from '../../items/model/types.js';
import type { StoredItem } from '../../items/model/stored.js';
import { itemCode } from '../../items/model/refs.js';
import {
  changeDraftDeadline,
  changeDraftUnits,
  checkItemAction,
  cycleDraftLevel,
  findItemByMessage,
  getItem,
  isDisciplineChat,
  runReferralCommand,
  moveDraftDeadlineToWorkingDay,
  pickDraftUnit,
  setDraftLeaderInCharge,
  readDate,
  rememberItemMessage,
  reportProgressByReply,
  runItemCommand,
  setItemHandler,
  startAssignment,
  type CommandResult,
  type DraftNotes,
} from '../../items/items.usecases.js';
import { findLeaderNamed, findUnit, personByUsername, unitNamed } from '../../org/org.usecases.js';
import { leaderNameOf } from '../../parser/leaders.js';
import { appError } from '../../shared/errors.js';
import type { BotContext } from '../support/context.js';
import { escapeHtml, say, threadIdOf, words } from '../support/helpers.js';
import { filesOf, itemFromArgs, repliedItem, textOf, tr, viewOf } from '../support/item-helpers.js';

/**
 * The item's life in the chat: /assign and its draft card, the unit and leader buttons, the
 * prompts answered by replying, and one command for every button. Every handler ends in one
 * use-case call; the pure model decides who may do what, from who pressed, never from the button.
 */
export const itemsFeature = new Composer<BotContext>();

function planned<R extends CommandResult>(ctx: BotContext, result: R): R {
  if (result.planned > 0) ctx.deps.onPlanned?.();
  return result;
}

async function run(ctx: BotContext, itemId: number, command: ItemCommand, expectedVersion?: number) {
  return planned(
    ctx,
    await runItemCommand(ctx.deps, { actorId: ctx.from!.id, itemId, command, ...(expectedVersion !== undefined ? { expectedVersion } : {}) }),
  );
}

/**
 * A line under a deadline change when working days up to the new date are counted in a year no
 * holiday schedule backs (statutory holidays assumed, 调休 unknown); '' otherwise.
 */
function calendarWarning(ctx: BotContext, date: string | undefined): string {
  if (!date) return '';
  const today = zonedParts(ctx.deps.clock.now(), ctx.deps.config.timezone).ymd;
  const years = uncoveredYearsBetween(today, date);
  return years.length === 0 ? '' : `\n⚠️ ${ctx.t('parser-uncoveredCalendar', { years: years.join(ctx.t('list-separator')) })}`;
}

// ---------------------------------------------------------------------------------------------
// Assign and the draft card
// ---------------------------------------------------------------------------------------------

async function renderDraft(ctx: BotContext, item: StoredItem) {
  const view = await viewOf(ctx, item);
  const notes = (item.row.draftNotes as DraftNotes | null) ?? { unresolved: [], warnings: [] };
  return renderDraftCard(view, tr(ctx), notes);
}

itemsFeature.command('assign', async (ctx) => {
  const replied = ctx.msg.reply_to_message;
  // In a forum topic every message "replies" to the topic's creation; that is not an instruction.
  const isTopicRoot = replied && (replied.forum_topic_created !== undefined || replied.message_id === ctx.msg.message_thread_id);
  const repliedUsable = replied && !replied.from?.is_bot && !isTopicRoot ? replied : undefined;
  const text = [ctx.match.trim(), textOf(repliedUsable)].filter(Boolean).join('\n');
  if (!text) {
    await say(ctx, ctx.t('assign-usage'));
    return;
  }
  const { item } = await startAssignment(ctx.deps, {
    actorId: ctx.from!.id,
    text,
    ...(repliedUsable?.from ? { instructionAuthorId: repliedUsable.from.id } : {}),
    source: { chatId: ctx.chat.id, threadId: threadIdOf(ctx.msg), messageId: repliedUsable?.message_id ?? ctx.msg.message_id },
    chat: { chatId: ctx.chat.id, threadId: threadIdOf(ctx.msg) },
  });
  const card = await renderDraft(ctx, item);
  const sent = await say(ctx, card.text, {
    reply_markup: card.reply_markup,
    reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
  });
  await rememberItemMessage(ctx.deps, { chatId: sent.chat.id, messageId: sent.message_id, itemId: item.id, purpose: 'draft', personId: ctx.from!.id });
});

/** Replaces the pressed card's text and buttons; an unchanged card is not an error. */
async function editPressed(ctx: BotContext, text: string, replyMarkup?: unknown) {
  await ctx.editMessageText(text, { ...NO_PREVIEW, reply_markup: (replyMarkup ?? { inline_keyboard: [] }) as never }).catch((error: unknown) => {
    if (!String((error as Error).message).includes('message is not modified')) throw error;
  });
}

/** The item a button of a message acts on, if it is one of ours about an item. */
function itemIdOnButton(callbackData: string): number | undefined {
  const data = decodeButton(callbackData);
  return data && data.action !== 'lst' ? buttonItemId(data) : undefined;
}

/**
 * After a decision taken with a button: on the item's own card, the card is re-rendered; on a
 * message that lists several items (a digest, a bundle), the text stays and only this item's
 * buttons go, since they no longer apply.
 */
/**
 * A decision pressed on a message that lists several items (a digest, a reminder bundle): that
 * item's row of buttons goes, the rest stays. The item's own cards are living cards, refreshed
 * through the outbox like every other card of the item.
 */
async function dropPressedRow(ctx: BotContext, itemId: number) {
  const message = ctx.callbackQuery?.message;
  if (!message) return;
  const link = await findItemByMessage(ctx.deps, { chatId: ctx.chat!.id, messageId: message.message_id });
  if (link?.itemId === itemId && link.purpose !== 'bundle') return;
  const rows = ('reply_markup' in message ? message.reply_markup?.inline_keyboard : undefined) ?? [];
  const kept = rows.filter((row) => !row.some((b) => 'callback_data' in b && itemIdOnButton(b.callback_data) === itemId));
  if (kept.length === rows.length) return;
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: kept } }).catch((error: unknown) => {
    if (!String((error as Error).message).includes('message is not modified')) throw error;
  });
}

async function sendPrompt(ctx: BotContext, item: StoredItem, purpose: string, text: string, unitId: number | null) {
  const chatId = ctx.chat!.id;
  const thread = threadIdOf(ctx.callbackQuery?.message ?? ctx.msg);
  const sent = await ctx.api.sendMessage(chatId, text, {
    ...NO_PREVIEW,
    ...(thread ? { message_thread_id: thread } : {}),
    reply_markup: { force_reply: true, selective: true, input_field_placeholder: ctx.t('prompt-placeholder') },
  });
  await rememberItemMessage(ctx.deps, { chatId, messageId: sent.message_id, itemId: item.id, purpose: `prompt:${purpose}`, unitId, personId: ctx.from!.id });
}

/**
 * Checks, without changing anything, that this person could take this action now, so a prompt
 * is only sent to someone whose answer will be accepted.
 */
async function preflight(ctx: BotContext, item: StoredItem, action: ItemCommandType, unitId?: number) {
  await checkItemAction(ctx.deps, { actorId: ctx.from!.id, item, action, ...(unitId !== undefined ? { unitId } : {}) });
}

itemsFeature.on('callback_query:data', async (ctx, next) => {
  const data = decodeButton(ctx.callbackQuery.data);
  if (!data || data.action === 'lst') return next();
  const item = await getItem(ctx.deps, { itemId: buttonItemId(data) });
  const view = async (i: StoredItem) => viewOf(ctx, i);
  const code = (i: StoredItem) => itemCodeText(ctx, i);
  switch (data.action) {
    case 'dok': {
      const { item: opened } = await run(ctx, item.id, { type: 'confirm_draft' }, data.version);
      // The full card follows as a reply to the instruction; the draft card becomes a short receipt.
      await editPressed(ctx, ctx.t('draft-confirmed', { code: escapeHtml(code(opened)) }));
      await ctx.answerCallbackQuery({ text: ctx.t('draft-confirmed-short', { code: code(opened) }) });
      return;
    }
    case 'dno': {
      await run(ctx, item.id, { type: 'discard_draft' });
      await editPressed(ctx, ctx.t('draft-discarded'));
      await ctx.answerCallbackQuery();
      return;
    }
    case 'dlv': {
      const { item: changed } = planned(ctx, await cycleDraftLevel(ctx.deps, { actorId: ctx.from.id, itemId: item.id }));
      const card = await renderDraft(ctx, changed);
      await editPressed(ctx, card.text, card.reply_markup);
      await ctx.answerCallbackQuery({ text: ctx.t(`level-${changed.state.level}`) });
      return;
    }
    case 'dwd': {
      const { item: changed } = planned(
        ctx,
        await moveDraftDeadlineToWorkingDay(ctx.deps, { actorId: ctx.from.id, itemId: item.id, expectedVersion: data.version }),
      );
      const card = await renderDraft(ctx, changed);
      await editPressed(ctx, card.text, card.reply_markup);
      await ctx.answerCallbackQuery({ text: changed.state.deadline ?? '' });
      return;
    }
    case 'dpk': {
      const { item: changed } = planned(ctx, await pickDraftUnit(ctx.deps, { actorId: ctx.from.id, itemId: item.id, unitId: data.unitId, role: data.role }));
      const card = await renderDraft(ctx, changed);
      await editPressed(ctx, card.text, card.reply_markup);
      await ctx.answerCallbackQuery();
      return;
    }
    case 'ddl':
    case 'dun':
    case 'dlc': {
      await preflight(ctx, item, 'update_draft');
      const [purpose, prompt] = (
        {
          ddl: ['draft_deadline', 'prompt-draft-deadline'],
          dun: ['draft_units', 'prompt-draft-units'],
          dlc: ['draft_incharge', 'prompt-draft-incharge'],
        } as const
      )[data.action];
      await sendPrompt(ctx, item, purpose, ctx.t(prompt), null);
      await ctx.answerCallbackQuery();
      return;
    }
    case 'ack': {
      // The pressed card, like every other card of the item, is edited through the outbox.
      const { item: changed, view: changedView } = await run(ctx, item.id, { type: 'acknowledge', unitId: data.unitId });
      await dropPressedRow(ctx, item.id);
      await ctx.answerCallbackQuery({ text: ctx.t('ack-done', { unit: unitName(changedView, data.unitId), code: code(changed) }) });
      return;
    }
    case 'prg':
    case 'res':
    case 'ext': {
      const unit = item.state.units.find((u) => u.unitId === data.unitId && u.removedAt === null);
      const role = unit?.role ?? 'lead';
      const kind = data.action === 'prg' ? 'progress' : data.action === 'ext' ? 'extension' : role === 'lead' ? 'result' : 'contribution';
      const action = ({ progress: 'report_progress', result: 'submit_result', contribution: 'submit_contribution', extension: 'request_extension' } as const)[
        kind
      ];
      await preflight(ctx, item, action, data.unitId);
      const v = await view(item);
      await sendPrompt(ctx, item, kind, ctx.t(`prompt-${kind}`, { unit: escapeHtml(unitName(v, data.unitId)), code: escapeHtml(code(item)) }), data.unitId);
      await ctx.answerCallbackQuery();
      return;
    }
    case 'cfm': {
      const { item: changed } = await run(ctx, item.id, { type: 'confirm_result' }, data.version);
      await dropPressedRow(ctx, item.id);
      await ctx.answerCallbackQuery({ text: ctx.t('confirm-done', { code: code(changed) }) });
      return;
    }
    case 'ret': {
      if (item.state.version !== data.version) throw appError('items.stale', { status: item.state.status });
      await preflight(ctx, item, 'return_result');
      await sendPrompt(ctx, item, 'return', ctx.t('prompt-return', { code: escapeHtml(code(item)) }), null);
      await ctx.answerCallbackQuery();
      return;
    }
    case 'wvl': {
      if (item.state.version !== data.version) throw appError('items.stale', { status: item.state.status });
      await preflight(ctx, item, 'waive_lead', data.unitId);
      const v = await view(item);
      await sendPrompt(
        ctx,
        item,
        'waive_lead',
        ctx.t('prompt-waive-lead', { unit: escapeHtml(unitName(v, data.unitId)), code: escapeHtml(code(item)) }),
        data.unitId,
      );
      await ctx.answerCallbackQuery();
      return;
    }
    case 'vft':
    case 'vff': {
      // 调查复核: the verdict needs a note (and may carry photos), so the button asks for it.
      if (item.state.version !== data.version) throw appError('items.stale', { status: item.state.status });
      await preflight(ctx, item, 'verify_result');
      const verdict = data.action === 'vft' ? 'true' : 'false';
      await sendPrompt(ctx, item, `verify_${verdict}`, ctx.t(`prompt-verify-${verdict}`, { code: escapeHtml(code(item)) }), null);
      await ctx.answerCallbackQuery();
      return;
    }
    case 'exa':
    case 'exr': {
      const { item: changed } = await run(ctx, item.id, data.action === 'exa' ? { type: 'approve_extension' } : { type: 'reject_extension' }, data.version);
      await dropPressedRow(ctx, item.id);
      await ctx.answerCallbackQuery({ text: ctx.t(data.action === 'exa' ? 'extension-approved-short' : 'extension-rejected-short', { code: code(changed) }) });
      return;
    }
    case 'cok':
    case 'cup': {
      // 逐级协调: the button names the request (its number on the item); who may decide is judged on the server.
      const command: ItemCommand =
        data.action === 'cok'
          ? { type: 'resolve_coordination', coordinationId: data.coordination }
          : { type: 'forward_coordination', coordinationId: data.coordination };
      const { item: changed } = await run(ctx, item.id, command);
      // The request's buttons go (the forwarded request arrives again, with its own, at the next step).
      await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch((error: unknown) => {
        if (!String((error as Error).message).includes('message is not modified')) throw error;
      });
      await ctx.answerCallbackQuery({
        text: coordinationDone(ctx, changed.state, data.action === 'cok' ? 'resolved' : 'forwarded', data.coordination, code(changed)),
      });
      return;
    }

    case 'mnd': {
      // 时间节点: the button names the milestone it was drawn for; a stale one is refused as already reported.
      const result = await run(ctx, item.id, { type: 'report_milestone', unitId: data.unitId, index: data.milestone });
      await dropPressedRow(ctx, item.id);
      await ctx.answerCallbackQuery({ text: milestoneDoneText(ctx, result, data.milestone) });
      return;
    }

    case 'rrc': {
      // 移交 已接收: the chat binding (not the button) says whether this is the discipline group.
      const { item: changed } = planned(
        ctx,
        await runReferralCommand(ctx.deps, { actorId: ctx.from.id, itemId: item.id, chat: pressedChat(ctx), command: { type: 'receive_referral' } }),
      );
      await ctx.answerCallbackQuery({ text: ctx.t('referral-received-done', { code: code(changed) }) });
      return;
    }
    case 'rfb': {
      const inDisciplineChat = await isDisciplineChat(ctx.deps, pressedChat(ctx));
      await checkItemAction(ctx.deps, { actorId: ctx.from.id, item, action: 'referral_feedback', inDisciplineChat });
      await sendPrompt(ctx, item, 'referral_feedback', ctx.t('prompt-referral-feedback', { code: escapeHtml(code(item)) }), null);
      await ctx.answerCallbackQuery();
      return;
    }
    default:
      return next();
  }
});

/** What the person who resolved or passed on a coordination request is told. */
function coordinationDone(ctx: BotContext, state: ItemState, what: 'resolved' | 'forwarded', id: number, code: string): string {
  const c = state.coordinations.find((x) => x.id === id);
  return what === 'resolved'
    ? ctx.t('coordination-resolved-done', { code, id })
    : ctx.t('coordination-forwarded-done', { code, id, level: ctx.t(`coordination-level-${c?.level ?? 'government'}`) });
}

/** What a unit is told after reporting milestone `index`. */
function milestoneDoneText(ctx: BotContext, result: CommandResult, index: number): string {
  const milestones = result.item.state.milestones;
  const milestone = milestones[index - 1]?.text ?? '';
  return ctx.t(milestones.every((m) => m.done) ? 'milestone-done-all' : 'milestone-done', { index, milestone });
}

/** The chat (and topic) a button was pressed or a command sent in; null in a private chat. */
function pressedChat(ctx: BotContext): { chatId: number; threadId: number } | null {
  if (!ctx.chat || ctx.chat.type === 'private') return null;
  return { chatId: ctx.chat.id, threadId: threadIdOf(ctx.callbackQuery?.message ?? ctx.msg) };
}

/** The item's code as people write it, or '' for a draft. */
function itemCodeText(ctx: BotContext, item: StoredItem): string {
  return itemCode(ctx.deps, item) ?? '';
}

// ---------------------------------------------------------------------------------------------
// Replies: to a prompt (the answer), or to any other message about an item (a progress report)
// ---------------------------------------------------------------------------------------------

itemsFeature.on('message', async (ctx, next) => {
  const replied = ctx.msg.reply_to_message;
  if (!replied || replied.from?.id !== ctx.me.id) return next();
  if (ctx.msg.text?.startsWith('/')) return next();
  const link = await findItemByMessage(ctx.deps, { chatId: ctx.chat.id, messageId: replied.message_id });
  if (!link) {
    // A reminder bundle or a morning message names several items: say how to report on one.
    if (await isBundleMessage(ctx.deps, { chatId: ctx.chat.id, messageId: replied.message_id })) {
      await say(ctx, ctx.t('reply-to-bundle'));
      return;
    }
    return next();
  }
  const text = textOf(ctx.msg);
  const files = filesOf(ctx.msg);
  const actorId = ctx.from.id;
  if (link.purpose.startsWith('prompt:')) {
    if (link.personId !== null && link.personId !== actorId) {
      await say(ctx, ctx.t('prompt-not-yours'));
      return;
    }
    const purpose = link.purpose.slice('prompt:'.length);
    const unitId = link.unitId ?? undefined;
    const itemId = link.itemId;
    let result: CommandResult;
    switch (purpose) {
      case 'draft_deadline':
      case 'draft_units':
      case 'draft_incharge': {
        result = planned(
          ctx,
          purpose === 'draft_deadline'
            ? await changeDraftDeadline(ctx.deps, { actorId, itemId, text })
            : purpose === 'draft_units'
              ? await changeDraftUnits(ctx.deps, { actorId, itemId, text })
              : await setDraftLeaderInCharge(ctx.deps, { actorId, itemId, personId: await mentionedPerson(ctx) }),
        );
        const card = await renderDraft(ctx, result.item);
        const draftMessageId = result.item.row.draftMessageId;
        if (draftMessageId) {
          await ctx.api
            .editMessageText(ctx.chat.id, draftMessageId, card.text, { ...NO_PREVIEW, reply_markup: card.reply_markup })
            .catch(() => say(ctx, card.text, { reply_markup: card.reply_markup }));
        }
        await say(ctx, ctx.t('draft-updated'));
        return;
      }
      case 'progress':
        await run(ctx, itemId, { type: 'report_progress', unitId, text, files });
        await say(ctx, ctx.t('progress-done'));
        return;
      case 'result':
        await say(ctx, await resultDone(ctx, await run(ctx, itemId, { type: 'submit_result', unitId, text, files })));
        return;
      case 'contribution':
        await run(ctx, itemId, { type: 'submit_contribution', unitId, text, files });
        await say(ctx, ctx.t('contribution-done'));
        return;
      case 'extension': {
        const [dateText, ...reasonWords] = words(text);
        const date = readDate(ctx.deps, dateText ?? '');
        await run(ctx, itemId, { type: 'request_extension', unitId, until: date.date, untilTime: date.time, reason: reasonWords.join(' ') });
        await say(ctx, ctx.t('extension-requested'));
        return;
      }
      case 'return':
        await run(ctx, itemId, { type: 'return_result', reason: text });
        await say(ctx, ctx.t('return-done'));
        return;
      case 'referral_feedback': {
        const { item: changed } = planned(
          ctx,
          await runReferralCommand(ctx.deps, { actorId, itemId, chat: pressedChat(ctx), command: { type: 'referral_feedback', text } }),
        );
        await say(ctx, ctx.t('referral-feedback-done', { code: escapeHtml(itemCodeText(ctx, changed)) }));
        return;
      }
      case 'verify_true':
      case 'verify_false': {
        const verdict = purpose === 'verify_true' ? 'true' : 'false';
        const { item: changed } = await run(ctx, itemId, { type: 'verify_result', verdict, note: text, files });
        await say(ctx, ctx.t(`verify-done-${verdict}`, { code: escapeHtml(itemCodeText(ctx, changed)) }));
        return;
      }
      case 'waive_lead': {
        const { item: changed } = await run(ctx, itemId, { type: 'waive_lead', ...(unitId !== undefined ? { unitId } : {}), reason: text });
        const v = await viewOf(ctx, changed);
        await say(ctx, ctx.t('waive-lead-done', { unit: escapeHtml(unitName(v, unitId ?? 0)), code: escapeHtml(v.code ?? '') }));
        return;
      }
      default:
        return next();
    }
  }
  // Any other message about the item (a card, a notice, a reminder): the reply is a progress
  // report from the replier's unit, or a refusal that says why it is not one. (Reporting
  // acknowledges too: the cards lose their 签收 button through the living-card refresh.)
  planned(ctx, await reportProgressByReply(ctx.deps, { actorId, itemId: link.itemId, messageUnitId: link.unitId, text, files }));
  await say(ctx, ctx.t('progress-done'));
});

/** The person a message names: a text mention, an @username we know, or a numeric id. */
async function mentionedPerson(ctx: BotContext): Promise<number> {
  const msg = ctx.msg!;
  const text = textOf(msg);
  for (const e of msg.entities ?? []) {
    if (e.type === 'text_mention') return e.user.id;
    if (e.type === 'mention') {
      const known = await personByUsername(ctx.deps, { username: text.slice(e.offset, e.offset + e.length) });
      if (known) return known.id;
    }
  }
  const id = /\b(\d{5,})\b/.exec(text)?.[1];
  if (id) return Number(id);
  // A name: 王副市长, 王伟, "Vice Mayor Wang".
  const name = leaderNameOf(text);
  const leader = name ? await findLeaderNamed(ctx.deps, { name }) : null;
  if (leader !== null) return leader;
  throw appError('items.person_unreadable', { text: text.slice(0, 40) });
}

// ---------------------------------------------------------------------------------------------
// A command for every button
// ---------------------------------------------------------------------------------------------

/** The unit a command names after the code ("/ack 12 住建局"), if it names one of the item's units. */
async function unitArg(ctx: BotContext, item: StoredItem, rest: string): Promise<{ unitId: number | undefined; rest: string }> {
  const [first, ...others] = words(rest);
  if (!first) return { unitId: undefined, rest: '' };
  const unit = await unitNamed(ctx.deps, { name: first });
  if (unit && activeUnits(item.state).some((u) => u.unitId === unit.id)) return { unitId: unit.id, rest: others.join(' ') };
  return { unitId: undefined, rest };
}

itemsFeature.command('ack', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-ack');
  const { unitId } = await unitArg(ctx, item, rest);
  const { item: changed, events, view: v } = await run(ctx, item.id, { type: 'acknowledge', ...(unitId ? { unitId } : {}) });
  const acked = activeUnits(changed.state).find((u) => u.unitId === events[0]?.unitId);
  const handler = acked?.handlerId ? ctx.t('ack-handler', { name: escapeHtml(personNameOf(v, acked.handlerId)), ref: refOf(changed) }) : '';
  await say(
    ctx,
    [ctx.t('ack-done', { unit: escapeHtml(unitName(v, events[0]?.unitId ?? 0)), code: escapeHtml(v.code ?? '') }), handler].filter(Boolean).join('\n'),
  );
});

/** What a lead unit is told after submitting: awaiting the supervisors' verification or the leader, or (共同牵头) still awaiting the other lead units. */
async function resultDone(ctx: BotContext, result: CommandResult): Promise<string> {
  const pending = pendingLeads(result.item.state);
  if (result.item.state.status !== 'open' || pending.length === 0) return ctx.t(verificationPending(result.item.state) ? 'result-done-verify' : 'result-done');
  const v = await viewOf(ctx, result.item);
  return ctx.t('result-done-partial', { units: escapeHtml(pending.map((u) => unitName(v, u.unitId)).join(ctx.t('list-separator'))) });
}

/** The short reference people type after a command ("2026-12"), for hints. */
function refOf(item: StoredItem): string {
  return item.row.codeYear && item.row.codeNumber ? `${item.row.codeYear}-${item.row.codeNumber}` : String(item.id);
}

function personNameOf(view: { personNames: ReadonlyMap<number, string> }, id: number): string {
  return view.personNames.get(id) ?? String(id);
}

/**
 * /handler CODE [UNIT] @PERSON (or as a reply to the item's card: /handler @PERSON): names the
 * unit's 承办人. The person is a mention, a known @username, a numeric id, or a member's name;
 * who may name whom is decided by the model from our own tables.
 */
itemsFeature.command('handler', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-handler');
  const { unitId, rest: who } = await unitArg(ctx, item, rest);
  const person = await handlerNamed(ctx, who);
  const result = planned(ctx, await setItemHandler(ctx.deps, { actorId: ctx.from!.id, itemId: item.id, ...(unitId ? { unitId } : {}), person }));
  const v = await viewOf(ctx, result.item);
  await say(
    ctx,
    ctx.t('handler-done', { unit: escapeHtml(unitName(v, result.unitId)), code: escapeHtml(v.code ?? ''), name: escapeHtml(personNameOf(v, result.personId)) }),
  );
});

/** Who a /handler message names: a text mention, an @username we know, a numeric id, or a name to match among the unit's members. */
async function handlerNamed(ctx: BotContext, who: string): Promise<{ id: number } | { name: string }> {
  const msg = ctx.msg!;
  const text = textOf(msg);
  for (const e of msg.entities ?? []) {
    if (e.type === 'text_mention') return { id: e.user.id };
    if (e.type === 'mention') {
      const known = await personByUsername(ctx.deps, { username: text.slice(e.offset, e.offset + e.length) });
      if (known) return { id: known.id };
    }
  }
  const name = who.trim();
  if (/^\d{5,}$/.test(name)) return { id: Number(name) };
  if (!name) throw appError('items.args_missing', { usage: ctx.t('usage-handler') });
  return { name };
}

itemsFeature.command('progress', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-progress');
  const { unitId, rest: text } = await unitArg(ctx, item, rest);
  await run(ctx, item.id, { type: 'report_progress', ...(unitId ? { unitId } : {}), text, files: filesOf(ctx.msg) });
  await say(ctx, ctx.t('progress-done'));
});

itemsFeature.command('result', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-result');
  const { unitId, rest: text } = await unitArg(ctx, item, rest);
  const actor = await ctx.actor();
  const mine = activeUnits(item.state).filter((u) => (unitId ? u.unitId === unitId : actor.unitIds.includes(u.unitId)));
  // A lead unit's /result is the item's result; a cooperating unit's is its contribution.
  const asLead = mine.some((u) => u.role === 'lead') || mine.length === 0;
  const files = filesOf(ctx.msg);
  const unit = unitId ?? (mine.length === 1 ? mine[0]!.unitId : undefined);
  const done = await run(
    ctx,
    item.id,
    asLead
      ? { type: 'submit_result', ...(unit ? { unitId: unit } : {}), text, files }
      : { type: 'submit_contribution', ...(unit ? { unitId: unit } : {}), text, files },
  );
  await say(ctx, asLead ? await resultDone(ctx, done) : ctx.t('contribution-done'));
});

itemsFeature.command('extend', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-extend');
  const { unitId, rest: after } = await unitArg(ctx, item, rest);
  const [dateText, ...reason] = words(after);
  if (!dateText) throw appError('items.args_missing', { usage: ctx.t('usage-extend') });
  const date = readDate(ctx.deps, dateText);
  await run(ctx, item.id, { type: 'request_extension', ...(unitId ? { unitId } : {}), until: date.date, untilTime: date.time, reason: reason.join(' ') });
  await say(ctx, ctx.t('extension-requested') + calendarWarning(ctx, date.date));
});

itemsFeature.command('approve', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-approve');
  const [dateText, ...comment] = words(rest);
  const date = dateText ? readDate(ctx.deps, dateText) : null;
  const { events } = await run(ctx, item.id, {
    type: 'approve_extension',
    ...(date ? { until: date.date, untilTime: date.time } : {}),
    ...(comment.length ? { comment: comment.join(' ') } : {}),
  });
  const approved = events.find((e) => e.type === 'extension_approved');
  const until = approved?.type === 'extension_approved' ? approved.data.deadline.after.date : date?.date;
  await say(ctx, ctx.t('extension-approved-short', { code: itemCodeText(ctx, item) }) + calendarWarning(ctx, until));
});

itemsFeature.command('reject', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-reject');
  await run(ctx, item.id, { type: 'reject_extension', ...(rest ? { reason: rest } : {}) });
  await say(ctx, ctx.t('extension-rejected-short', { code: itemCodeText(ctx, item) }));
});

itemsFeature.command('confirm', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-confirm');
  await run(ctx, item.id, { type: 'confirm_result', ...(rest ? { response: rest } : {}) });
  await say(ctx, ctx.t('confirm-done', { code: itemCodeText(ctx, item) }));
});

itemsFeature.command('return', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-return');
  await run(ctx, item.id, { type: 'return_result', reason: rest });
  await say(ctx, ctx.t('return-done'));
});

itemsFeature.command('transfer', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-transfer');
  const tokens = words(rest);
  const leads = activeUnits(item.state, 'lead');
  let from: number | undefined;
  let to: number | undefined;
  let reasonStart = 0;
  const first = tokens[0] ? ((await unitNamed(ctx.deps, { name: tokens[0] }))?.id ?? null) : null;
  const second = tokens[1] ? ((await unitNamed(ctx.deps, { name: tokens[1] }))?.id ?? null) : null;
  if (first && second) {
    from = first;
    to = second;
    reasonStart = 2;
  } else if (first) {
    to = first;
    reasonStart = 1;
    if (leads.length === 1) from = leads[0]!.unitId;
  }
  if (!to) {
    // A word that names no unit is refused as such, with suggestions.
    if (tokens[0]) await findUnit(ctx.deps, { name: tokens[0] });
    throw appError('items.args_missing', { usage: ctx.t('usage-transfer') });
  }
  if (!from) throw appError('items.transfer_from_required', { usage: ctx.t('usage-transfer') });
  await run(ctx, item.id, { type: 'transfer', fromUnitId: from, toUnitId: to, reason: tokens.slice(reasonStart).join(' ') });
  await say(ctx, ctx.t('transfer-done', { code: itemCodeText(ctx, item) }));
});

itemsFeature.command('cancel', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-cancel');
  await run(ctx, item.id, { type: 'cancel', reason: rest });
  await say(ctx, ctx.t('cancel-done', { code: itemCodeText(ctx, item) }));
});

itemsFeature.command('notify', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-notify');
  await run(ctx, item.id, { type: 'notify', reason: rest });
  await say(ctx, ctx.t('notify-done', { code: itemCodeText(ctx, item) }));
});

/** 容错's degree words, Chinese and English. */
const EXCUSE_DEGREE_WORDS: Record<string, ExcuseDegree> = {
  免责: 'exempt',
  exempt: 'exempt',
  从轻: 'lenient',
  lenient: 'lenient',
  减轻: 'mitigated',
  mitigated: 'mitigated',
};

itemsFeature.command('excuse', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-excuse');
  // "/excuse CODE 从轻 理由": the degree is the first word when it names one; otherwise 免责.
  const first = rest.split(/\s/, 1)[0] ?? '';
  const named = EXCUSE_DEGREE_WORDS[first.toLowerCase()];
  const degree = named ?? 'exempt';
  await run(ctx, item.id, { type: 'excuse', reason: named ? rest.slice(first.length).trim() : rest, degree });
  await say(ctx, ctx.t('excuse-done', { code: itemCodeText(ctx, item), degree: ctx.t(`excuse-degree-${degree}`) }));
});

itemsFeature.command('waive', async (ctx) => {
  const { item, rest: args } = await itemFromArgs(ctx, ctx.match, 'usage-waive');
  // "/waive CODE 城管局 理由": a joint lead unit named first is waived (共同牵头); otherwise the contributions.
  const { unitId, rest: reason } = await unitArg(ctx, item, args);
  if (unitId !== undefined && activeUnits(item.state, 'lead').some((u) => u.unitId === unitId)) {
    const { item: changed } = await run(ctx, item.id, { type: 'waive_lead', unitId, reason });
    const v = await viewOf(ctx, changed);
    await say(ctx, ctx.t('waive-lead-done', { unit: escapeHtml(unitName(v, unitId)), code: escapeHtml(v.code ?? '') }));
    return;
  }
  await run(ctx, item.id, { type: 'waive_contributions', ...(args ? { reason: args } : {}) });
  await say(ctx, ctx.t('waive-done', { code: itemCodeText(ctx, item) }));
});

// ---------------------------------------------------------------------------------------------
// 逐级协调: a lead unit raises a blocker; the item's leaders resolve it or pass it up the route
// ---------------------------------------------------------------------------------------------

/**
 * /coordinate CODE [UNIT] 问题 (or as a reply to the item's card: /coordinate 问题): the lead unit
 * raises what it cannot clear itself. The request goes out at once to the step of the route it is at.
 */
itemsFeature.command('coordinate', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-coordinate');
  const { unitId, rest: text } = await unitArg(ctx, item, rest);
  const { item: changed, events, view: v } = await run(ctx, item.id, { type: 'request_coordination', ...(unitId ? { unitId } : {}), text });
  const requested = events.find((e) => e.type === 'coordination_requested');
  const id = requested?.type === 'coordination_requested' ? requested.data.coordinationId : 0;
  const level = requested?.type === 'coordination_requested' ? requested.data.level : 'office';
  const who =
    level === 'leader_in_charge' && changed.state.leaderInCharge !== null
      ? escapeHtml(personNameOf(v, changed.state.leaderInCharge))
      : ctx.t(`coordination-level-${level}`);
  await say(ctx, ctx.t('coordination-requested', { code: escapeHtml(v.code ?? ''), id, who }));
});

/** "#2" (or "2号") after the code names the request; anything after it is the note. */
function coordinationArgs(rest: string): { coordinationId?: number; note: string } {
  const [first, ...others] = words(rest);
  const m = first ? /^(?:#|＃|第)?(\d{1,4})(?:号|项)?$/.exec(first.normalize('NFKC')) : null;
  if (m && first && /^(#|＃|第)|(号|项)$/.test(first)) return { coordinationId: Number(m[1]), note: others.join(' ') };
  return { note: rest.trim() };
}

/** In a reply to the item's message, a first word "#N" names request N of that item, not an item code. */
async function coordinationItem(ctx: CommandContext<BotContext>, usageKey: string): Promise<{ item: StoredItem; rest: string }> {
  if (/^[#＃]\d/.test(ctx.match.trim())) {
    const replied = await repliedItem(ctx);
    if (replied) return { item: replied, rest: ctx.match.trim() };
  }
  return itemFromArgs(ctx, ctx.match, usageKey);
}

/** /coordinated (已协调, with what was arranged: the unit is told) and /coordup (转交, one step up the route). */
async function decideCoordination(ctx: CommandContext<BotContext>, what: 'resolved' | 'forwarded') {
  const { item, rest } = await coordinationItem(ctx, what === 'resolved' ? 'usage-coordinated' : 'usage-coordup');
  const { coordinationId, note } = coordinationArgs(rest);
  const type = what === 'resolved' ? 'resolve_coordination' : 'forward_coordination';
  const { item: changed, events } = await run(ctx, item.id, { type, ...(coordinationId !== undefined ? { coordinationId } : {}), ...(note ? { note } : {}) });
  const decided = events.find((e) => e.type === 'coordination_resolved' || e.type === 'coordination_forwarded');
  const id = decided?.type === 'coordination_resolved' || decided?.type === 'coordination_forwarded' ? decided.data.coordinationId : (coordinationId ?? 0);
  await say(ctx, escapeHtml(coordinationDone(ctx, changed.state, what, id, itemCodeText(ctx, changed))));
}

/** /coordinated CODE [#N] [协调结果] */
itemsFeature.command('coordinated', (ctx) => decideCoordination(ctx, 'resolved'));
/** /coordup CODE [#N] [说明] */
itemsFeature.command('coordup', (ctx) => decideCoordination(ctx, 'forwarded'));

/**
 * /node CODE N [TEXT] (or as a reply to the item's card: /node N [TEXT]): a lead unit reports
 * milestone N (时间节点, numbered from 1 by date, as the card lists them) done. Files sent with
 * the command go with the report.
 */
itemsFeature.command('node', async (ctx) => {
  const tokens = words(ctx.match);
  const replied = await repliedItem(ctx);
  // In a reply, "/node 2 已完成" is milestone 2 of the replied item; "/node 2026-3 2" names an item.
  const replyNumber = replied && /^\d{1,3}$/.test(tokens[0] ?? '') && !/^\d{1,3}$/.test(tokens[1] ?? '');
  const { item, rest } = replyNumber ? { item: replied, rest: ctx.match.trim() } : await itemFromArgs(ctx, ctx.match, 'usage-node');
  const { unitId, rest: afterUnit } = await unitArg(ctx, item, rest);
  const [numberText, ...text] = words(afterUnit);
  const index = Number((numberText ?? '').normalize('NFKC'));
  if (!numberText || !Number.isInteger(index)) throw appError('items.args_missing', { usage: ctx.t('usage-node') });
  const result = await run(ctx, item.id, { type: 'report_milestone', ...(unitId ? { unitId } : {}), index, text: text.join(' '), files: filesOf(ctx.msg) });
  await say(ctx, escapeHtml(milestoneDoneText(ctx, result, index)));
});

// 移交: the discipline group's typed alternatives to 已接收 / 反馈
// ---------------------------------------------------------------------------------------------

itemsFeature.command('received', async (ctx) => {
  const { item } = await itemFromArgs(ctx, ctx.match, 'usage-received');
  const { item: changed } = planned(
    ctx,
    await runReferralCommand(ctx.deps, { actorId: ctx.from!.id, itemId: item.id, chat: pressedChat(ctx), command: { type: 'receive_referral' } }),
  );
  await say(ctx, ctx.t('referral-received-done', { code: escapeHtml(itemCodeText(ctx, changed)) }));
});

itemsFeature.command('feedback', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-feedback');
  const { item: changed } = planned(
    ctx,
    await runReferralCommand(ctx.deps, { actorId: ctx.from!.id, itemId: item.id, chat: pressedChat(ctx), command: { type: 'referral_feedback', text: rest } }),
  );
  await say(ctx, ctx.t('referral-feedback-done', { code: escapeHtml(itemCodeText(ctx, changed)) }));
});

/** The verdict word of /verify: 属实 / 不实 (also 核实属实, true, false...), or null. */
function verdictOf(word: string | undefined): 'true' | 'false' | null {
  const w = (word ?? '').toLowerCase();
  if (['属实', '核实属实', '真实', 'true', 'yes', '是'].includes(w)) return 'true';
  if (['不实', '核实不实', '不属实', 'false', 'untrue', 'no', '否'].includes(w)) return 'false';
  return null;
}

/**
 * /verify CODE 属实|不实 NOTE: a supervisor's 调查复核 of a result awaiting it. Sent as the caption
 * of a photo or file, the attachment is evidence on the verification. 不实 returns the item.
 */
itemsFeature.command('verify', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-verify');
  const [word, ...note] = words(rest);
  const verdict = verdictOf(word);
  if (!verdict) throw appError('items.args_missing', { usage: ctx.t('usage-verify') });
  const { item: changed } = await run(ctx, item.id, { type: 'verify_result', verdict, note: note.join(' '), files: filesOf(ctx.msg) });
  await say(ctx, ctx.t(`verify-done-${verdict}`, { code: escapeHtml(itemCodeText(ctx, changed)) }));
});

/** /check CODE NOTE: a supervisor's field check (督查调研 / 明察暗访), photos allowed as the message's attachment. */
itemsFeature.command('check', async (ctx) => {
  const { item, rest } = await itemFromArgs(ctx, ctx.match, 'usage-check');
  await run(ctx, item.id, { type: 'field_check', note: rest, files: filesOf(ctx.msg) });
  await say(ctx, ctx.t('check-done', { code: escapeHtml(itemCodeText(ctx, item)) }));
});
