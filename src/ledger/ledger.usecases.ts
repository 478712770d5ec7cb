import { addMonths } from '../calendar/model/ymd.js';
import { zonedInstant, zonedParts } from '../calendar/model/zoned-time.js';
import { bulletinFiguresFor } from '../digests/digests.usecases.js';
import type { Locale } from '../i18n/translator.js';
import { loadActor } from '../org/org.usecases.js';
import { createOrgRepository } from '../org/org.repository.js';
import { eventLabelArgs } from '../items/model/types.js';
import { formatItemCode } from '../items/model/refs.js';
import { appError } from '../shared/errors.js';
import { clip, displayName } from '../shared/html.js';
import { toLedgerItemRow, type LedgerFilter } from './ledger.models.js';
import { createLedgerRepository, type LedgerEvent } from './ledger.repository.js';
import type { LedgerEventRow, LedgerItemRow, LedgerUnitRow } from './ledger.workbook.js';
import type { AppDeps } from '../deps.js';

/** Local [start, end) of a YYYY-MM month as instants. */
function monthRange(month: string, timezone: string): [Date, Date] {
  const first = `${month}-01`;
  return [zonedInstant(first, 0, timezone), zonedInstant(addMonths(first, 1), 0, timezone)];
}

/** Summarises one history event's data for the timeline sheet. */
function details(event: LedgerEvent, unitName: (id: number) => string, t: (key: string) => string, person: (id: number | null) => string = String): string {
  const d = (event.data ?? {}) as Record<string, unknown>;
  const date = (x: unknown) => (x && typeof x === 'object' && 'date' in x ? String((x as { date: string }).date) : '');
  const parts: string[] = [];
  if (typeof d.text === 'string' && d.text) parts.push(d.text);
  if (Array.isArray(d.files) && d.files.length) parts.push(`📎×${d.files.length}`);
  if (typeof d.reason === 'string' && d.reason) parts.push(d.reason);
  if (typeof d.response === 'string' && d.response) parts.push(d.response);
  // 调查复核: the verdict first, then the supervisor's note (evidence files are counted above).
  if (event.type === 'result_verified') parts.unshift(t(`verdict-${String(d.verdict)}`));
  if (typeof d.note === 'string' && d.note) parts.push(d.note);
  if (event.type === 'extension_requested') parts.unshift(date(d.requested));
  if (event.type === 'extension_approved') {
    const change = d.deadline as { before?: unknown; after?: unknown } | undefined;
    parts.unshift(`${date(change?.before)} → ${date(change?.after)}`);
  }
  if (event.type === 'unit_transferred') parts.unshift(`${unitName(Number(d.fromUnitId))} → ${unitName(Number(d.toUnitId))}`);
  if (event.type === 'item_opened' || event.type === 'draft_created') {
    const lead = (d.leadUnitIds as number[] | undefined)?.map(unitName).join('、') ?? '';
    const coop = (d.cooperatingUnitIds as number[] | undefined)?.map(unitName).join('、') ?? '';
    parts.push(
      [
        lead && `${t('ledger-lead')}: ${lead}`,
        coop && `${t('ledger-cooperating')}: ${coop}`,
        typeof d.deadline === 'string' ? `${t('ledger-deadline')}: ${d.deadline}` : '',
      ]
        .filter(Boolean)
        .join('；'),
    );
  }
  // 承办人: who the unit answers through, named on acknowledgement or changed later.
  const handlerId =
    event.type === 'handler_set' ? (d.handlerId as { after?: unknown } | undefined)?.after : event.type === 'unit_acknowledged' ? d.handlerId : undefined;
  if (typeof handlerId === 'number') parts.push(`${t('ledger-handler')}: ${person(handlerId)}`);
  if (event.type === 'lead_waived' || event.type === 'result_submitted') {
    const pending = Array.isArray(d.pendingLeadUnitIds) ? (d.pendingLeadUnitIds as number[]) : [];
    if (pending.length) parts.push(`${t('ledger-pending-leads')}: ${pending.map(unitName).join('、')}`);
  }
  if (event.type === 'escalated' && d.rung !== undefined) parts.unshift(`${t('ledger-rung')} ${String(d.rung)}`);
  // 逐级协调: the request's number and the step it is at (or went to), and the note it was resolved or passed on with.
  if (event.type === 'coordination_requested' || event.type === 'coordination_resolved' || event.type === 'coordination_forwarded') {
    const level = typeof d.level === 'object' && d.level !== null ? (d.level as { after?: unknown }).after : d.level;
    parts.unshift(`#${String(d.coordinationId)} ${t(`coordination-level-${String(level)}`)}`);
    if (typeof d.note === 'string' && d.note) parts.push(d.note);
  }
  // 时间节点: which milestone (number, date, what) was reported done.
  if (event.type === 'milestone_reported') parts.unshift(`${t('ledger-milestone')} ${String(d.index)}（${String(d.due ?? '')} ${String(d.milestone ?? '')}）`);
  if ((event.type === 'escalated' || event.type === 'item_referred') && d.rung !== undefined) parts.unshift(`${t('ledger-rung')} ${String(d.rung)}`);
  return clip(parts.filter(Boolean).join('；'), 2000);
}

/** People an event names besides its actor (the 承办人 it names), to look their names up in one go. */
function eventPeople(event: LedgerEvent): number[] {
  const d = (event.data ?? {}) as Record<string, unknown>;
  const id = event.type === 'handler_set' ? (d.handlerId as { after?: unknown } | undefined)?.after : d.handlerId;
  return typeof id === 'number' ? [id] : [];
}

/**
 * Writes the ledger (台账) for the items a filter selects, from the history, to `out`: one row per
 * item, the whole timeline, and the bulletin's per-unit figures for the period (the filter's month,
 * else the current year to now). Only leaders and admins may (the command line runs as the office).
 */
export async function exportLedger(
  deps: AppDeps,
  input: { filter: LedgerFilter; locale?: Locale; out: NodeJS.WritableStream | string; actorId?: number },
): Promise<{ itemRows: number; eventRows: number; generatedAt: Date }> {
  if (input.actorId !== undefined) {
    const actor = await loadActor(deps, { personId: input.actorId });
    if (!actor.isAdmin && !actor.isLeader) throw appError('ledger.forbidden');
  }
  const locale = input.locale ?? deps.config.locale;
  const t = deps.translator.for(locale);
  const tz = deps.config.timezone;
  const now = deps.clock.now();
  const today = zonedParts(now, tz).ymd;
  const org = createOrgRepository(deps);
  const units = await org.listUnits();
  const unitNames = new Map(units.map((u) => [u.id, u.name]));
  const unitName = (id: number) => unitNames.get(id) ?? `#${id}`;
  const unitHeads = new Map(units.filter((u) => u.headPersonId !== null).map((u) => [u.id, u.headPersonId!]));
  const peopleCache = new Map<number, string>();
  const personName = async (ids: number[]) => {
    const missing = [...new Set(ids)].filter((id) => id !== 0 && !peopleCache.has(id));
    if (missing.length) for (const p of await org.peopleByIds(missing)) peopleCache.set(p.id, displayName(p));
  };
  const nameOf = (id: number | null) => (id === null ? '' : id === 0 ? t('ledger-system') : (peopleCache.get(id) ?? String(id)));
  const range = input.filter.month ? monthRange(input.filter.month, tz) : null;
  const repo = createLedgerRepository(deps);
  const prefix = deps.config.items.codePrefix;

  async function* itemRows(): AsyncGenerator<LedgerItemRow> {
    for await (const batch of repo.items({ filter: input.filter, now, monthRange: range })) {
      const ids = batch.map((b) => b.id);
      const people = batch.flatMap((b) => [b.state.issuedBy, b.state.leaderInCharge ?? 0, ...b.state.units.map((u) => u.handlerId ?? 0)]);
      const [nags, progress] = await Promise.all([repo.nagCounts(ids), repo.lastProgress(ids), personName([...people, ...unitHeads.values()])]);
      for (const item of batch) {
        yield toLedgerItemRow({
          code: formatItemCode(prefix, item.codeYear, item.codeNumber),
          state: item.state,
          names: { unit: unitName, person: nameOf, unitHead: (id) => unitHeads.get(id) ?? null },
          today,
          nags: nags.get(item.id) ?? 0,
          lastProgress: progress.get(item.id) ?? null,
          closedLocalDate: item.closedAt ? zonedParts(item.closedAt, tz).ymd : null,
        });
      }
    }
  }

  async function* eventRows(): AsyncGenerator<LedgerEventRow> {
    for await (const batch of repo.events({ filter: input.filter, now, monthRange: range })) {
      await personName(batch.flatMap((e) => [e.actorId, ...eventPeople(e)]));
      for (const e of batch) {
        const label = deps.translator.has(locale, `event-${e.type}`) ? t(`event-${e.type}`, eventLabelArgs(e.data)) : e.type;
        yield {
          code: formatItemCode(prefix, e.codeYear, e.codeNumber),
          at: e.at,
          who: nameOf(e.actorId),
          unit: e.unitId !== null ? unitName(e.unitId) : null,
          what: label,
          details: details(e, unitName, t, nameOf),
        };
      }
    }
  }

  const from = range ? range[0] : zonedInstant(`${today.slice(0, 4)}-01-01`, 0, tz);
  const figures = await bulletinFiguresFor(deps, { from, to: range && range[1] < now ? range[1] : now });
  const unitRows: LedgerUnitRow[] = [...figures.units.values()]
    .filter((f) => input.filter.unitId === undefined || f.unitId === input.filter.unitId)
    .map((f) => ({
      unit: unitName(f.unitId),
      items: f.assigned,
      onTimeAckRate: f.onTimeAckRate,
      onTimeCloseRate: f.onTimeCloseRate,
      overdue: f.overdue,
      nags: f.nags,
      returned: f.returned,
      excusedExcluded: f.excusedExcluded,
      lenient: f.lenient,
    }))
    .sort((a, b) => a.unit.localeCompare(b.unit, 'zh'));

  // exceljs is loaded on first use: it takes seconds to load and most starts never write a ledger.
  const { writeLedgerWorkbook } = await import('./ledger.workbook.js');
  const result = await writeLedgerWorkbook({
    items: itemRows(),
    events: eventRows(),
    units: unitRows,
    locale,
    timezone: tz,
    out: input.out,
    generatedAt: now,
    title: t('ledger-title'),
  });
  return { ...result, generatedAt: now };
}
