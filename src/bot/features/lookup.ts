import { lateness, latenessText } from '../../calendar/model/lateness.js';
import { Composer, InlineKeyboard } from 'grammy';
import { localMinute } from '../../calendar/model/zoned-time.js';
import { decodeButton, encodeButton, type ListFilterName } from '../../notifications/callback-data.js';
import { deadlineText, renderItemCard, unitName, type ItemView } from '../../notifications/item-card.js';
import { isOverdue } from '../../items/model/deadlines.js';
import { activeUnits } from '../../items/model/queries.js';
import { eventLabelArgs } from '../../items/model/types.js';
import type { ListFilter } from '../../items/items.repository.js';
import type { StoredEvent } from '../../items/model/stored.js';
import { itemCode } from '../../items/model/refs.js';
import { checkItemVisible, itemEvents, listItems } from '../../items/items.usecases.js';
import { localNow } from '../../calendar/model/zoned-time.js';
import { findUnit, peopleByIds, unitRecords } from '../../org/org.usecases.js';
import { appError } from '../../shared/errors.js';
import { clip, displayName, escapeHtml, NO_PREVIEW } from '../../shared/html.js';
import type { BotContext } from '../support/context.js';
import { say, words } from '../support/helpers.js';
import { itemFromArgs, tr, viewOf } from '../support/item-helpers.js';

/** /task CODE (the card and the whole timeline) and /list with its filters, paged with buttons. */
export const lookupFeature = new Composer<BotContext>();

const PAGE_SIZE = 10;
const TIMELINE_MAX = 40;

function localTime(ctx: BotContext, at: Date): string {
  return localMinute(at, ctx.deps.config.timezone);
}

async function timelineLines(ctx: BotContext, view: ItemView, events: StoredEvent[]): Promise<string[]> {
  // Besides the actors, the 承办人 an event names (on acknowledgement, or when changed).
  const handlerOf = (e: StoredEvent): number | null => {
    const d = e.data as { handlerId?: number | null | { after?: number | null } };
    const h = typeof d.handlerId === 'object' && d.handlerId !== null ? d.handlerId.after : d.handlerId;
    return e.type === 'handler_set' || e.type === 'unit_acknowledged' ? (h ?? null) : null;
  };
  const people = await peopleByIds(ctx.deps, { personIds: [...new Set(events.flatMap((e) => [e.actorId, handlerOf(e) ?? e.actorId]))] });
  const names = new Map(people.map((p) => [p.id, displayName(p)]));
  const shown = events.length > TIMELINE_MAX ? events.slice(-TIMELINE_MAX) : events;
  const lines = shown.map((e) => {
    const data = e.data as { text?: string; reason?: string; verdict?: string; note?: string; files?: unknown[] };
    const handler = handlerOf(e);
    const milestone = e.type === 'milestone_reported' ? (e.data as { index?: number; milestone?: string; text?: string | null }) : null;
    // 调查复核: the verdict with its note (a field check's note is its text).
    const verified = e.type === 'result_verified' ? ctx.t('timeline-verdict', { verdict: ctx.t(`verdict-${data.verdict}`), note: data.note ?? '' }) : undefined;
    const detail = milestone
      ? ctx.t('timeline-milestone', { index: milestone.index ?? '', milestone: milestone.milestone ?? '', text: milestone.text ?? '' }).trim()
      : (verified ??
        coordinationDetail(ctx, e) ??
        (data.text || undefined) ??
        data.reason ??
        (handler !== null ? ctx.t('timeline-handler', { name: names.get(handler) ?? String(handler) }) : ''));
    const unit = e.unitId !== null ? ` · ${escapeHtml(unitName(view, e.unitId))}` : '';
    const actor = e.actorId === 0 ? ctx.t('ledger-system') : (names.get(e.actorId) ?? String(e.actorId));
    return `${localTime(ctx, e.at)} ${ctx.t(`event-${e.type}`, eventLabelArgs(e.data))}${unit} · ${escapeHtml(actor)}${detail ? `：${escapeHtml(clip(detail, 80))}` : ''}`;
  });
  if (events.length > TIMELINE_MAX) lines.unshift(ctx.t('timeline-more', { count: events.length - TIMELINE_MAX }));
  return lines;
}

/** 逐级协调 events: the request's number and step, then its text (or the note it was resolved or passed on with). */
function coordinationDetail(ctx: BotContext, e: StoredEvent): string | null {
  if (e.type !== 'coordination_requested' && e.type !== 'coordination_resolved' && e.type !== 'coordination_forwarded') return null;
  const d = e.data as { coordinationId?: number; text?: string; note?: string | null; level?: string | { after?: string } };
  const level = typeof d.level === 'object' ? d.level.after : d.level;
  const head = ctx.t('timeline-coordination', { id: d.coordinationId ?? 0, level: ctx.t(`coordination-level-${level ?? 'office'}`) });
  return `${head} ${d.note ?? d.text ?? ''}`.trim();
}

lookupFeature.command('task', async (ctx) => {
  const { item } = await itemFromArgs(ctx, ctx.match, 'usage-task');
  await checkItemVisible(ctx.deps, { actorId: ctx.from!.id, item });
  const view = await viewOf(ctx, item);
  const card = renderItemCard(view, { kind: 'none' }, tr(ctx), { countLateness: true });
  const timeline = await timelineLines(ctx, view, await itemEvents(ctx.deps, { itemId: item.id }));
  await say(ctx, clip([card.text, '', ctx.t('timeline-title'), ...timeline].join('\n'), 4000));
});

async function filterFor(ctx: BotContext, name: ListFilterName, unitId: number): Promise<ListFilter> {
  switch (name) {
    case 'all':
      return { kind: 'all' };
    case 'open':
      return { kind: 'open' };
    case 'overdue':
      return { kind: 'overdue', now: ctx.deps.clock.now() };
    case 'waiting':
      return { kind: 'waiting' };
    case 'unit':
      return { kind: 'units', unitIds: [unitId] };
    case 'mine': {
      const actor = await ctx.actor();
      return { kind: 'mine', unitIds: actor.unitIds, personId: actor.personId };
    }
  }
}

async function renderList(ctx: BotContext, name: ListFilterName, unitId: number, page: number) {
  const actor = await ctx.actor();
  // Leaders and admins see every list; unit staff see their own units' items only.
  if (!actor.isAdmin && !actor.isLeader && name !== 'mine' && !(name === 'unit' && actor.unitIds.includes(unitId))) {
    return { text: ctx.t('list-forbidden'), keyboard: undefined, forbidden: true };
  }
  const { items, total } = await listItems(ctx.deps, { filter: await filterFor(ctx, name, unitId), page, pageSize: PAGE_SIZE });
  const units = await unitRecords(ctx.deps);
  const unitNames = new Map(units.map((u) => [u.id, u.name]));
  const { today } = localNow(ctx.deps);
  const title = ctx.t(`list-title-${name}`, { unit: escapeHtml(unitNames.get(unitId) ?? ''), total });
  if (total === 0) return { text: `${title}\n${ctx.t('list-empty')}`, keyboard: undefined };
  const lines = items.map((item) => {
    const lead = activeUnits(item.state, 'lead')
      .map((u) => unitNames.get(u.unitId) ?? `#${u.unitId}`)
      .join(ctx.t('list-separator'));
    const late = item.state.deadline && isOverdue(item.state, today) ? lateness(item.state.deadline, today) : null;
    const code = itemCode(ctx.deps, item) ?? '';
    return ctx.t('list-line', {
      code: escapeHtml(code),
      units: escapeHtml(lead),
      deadline: deadlineText(item.state.deadline, item.state.deadlineTime),
      status: ctx.t(`status-${item.state.status}`),
      overdue: late && late.calendarDays > 0 ? ctx.t('list-overdue', { late: latenessText(tr(ctx), late) }) : '',
      text: escapeHtml(clip(item.state.instruction.replace(/\s+/g, ' '), 40)),
    });
  });
  const pages = Math.ceil(total / PAGE_SIZE);
  const keyboard = new InlineKeyboard();
  // The buttons carry the list's sender: only they may turn its pages.
  const turn = (to: number) => encodeButton({ action: 'lst', list: name, page: to, ...(name === 'unit' ? { unitId } : {}), owner: ctx.from!.id });
  if (page > 0) keyboard.text(ctx.t('btn-prev'), turn(page - 1));
  if (page + 1 < pages) keyboard.text(ctx.t('btn-next'), turn(page + 1));
  const footer = pages > 1 ? `\n${ctx.t('list-page', { page: page + 1, pages })}` : '';
  return { text: `${title}\n${lines.join('\n')}${footer}`, keyboard: pages > 1 ? keyboard : undefined };
}

lookupFeature.command('list', async (ctx) => {
  const [first, ...rest] = words(ctx.match);
  const aliases: Record<string, ListFilterName> = {
    mine: 'mine',
    我的: 'mine',
    unit: 'unit',
    单位: 'unit',
    overdue: 'overdue',
    逾期: 'overdue',
    waiting: 'waiting',
    待确认: 'waiting',
    all: 'all',
    全部: 'all',
    open: 'open',
    在办: 'open',
  };
  const name: ListFilterName | undefined = first ? aliases[first.toLowerCase()] : 'mine';
  if (!name) {
    await say(ctx, ctx.t('usage-list'));
    return;
  }
  let unitId = 0;
  if (name === 'unit') {
    if (rest.length === 0) {
      await say(ctx, ctx.t('usage-list'));
      return;
    }
    unitId = (await findUnit(ctx.deps, { name: rest.join(' ') })).id;
  }
  const { text, keyboard } = await renderList(ctx, name, unitId, 0);
  await say(ctx, text, keyboard ? { reply_markup: keyboard } : {});
});

lookupFeature.on('callback_query:data', async (ctx, next) => {
  const data = decodeButton(ctx.callbackQuery.data);
  if (data?.action !== 'lst') return next();
  // The button is the bot's own (buttonGuardFeature), so its sender field is believed. Lists from
  // before it was written have none: in a private chat the presser is the sender anyway.
  const owner = data.owner ?? (ctx.chat?.type === 'private' ? ctx.chat.id : undefined);
  if (owner !== ctx.from.id) throw appError('list.not_yours');
  const { text, keyboard, forbidden } = await renderList(ctx, data.list, data.unitId ?? 0, data.page);
  // Rights lost since the list was sent: say so, and leave the list as it is.
  if (forbidden) throw appError('list.forbidden');
  await ctx.editMessageText(text, { ...NO_PREVIEW, reply_markup: keyboard ?? { inline_keyboard: [] } }).catch((error: unknown) => {
    if (!String((error as Error).message).includes('message is not modified')) throw error;
  });
  await ctx.answerCallbackQuery();
});
