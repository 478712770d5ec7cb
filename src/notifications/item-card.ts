import { lateness, latenessText } from '../calendar/model/lateness.js';
import type { InlineButton, InlineKeyboard } from './keyboard.js';
import type { Translate } from '../i18n/translator.js';
import { allowedActions } from '../items/model/authorization.js';
import { activeUnits, evidenceOf, leadResults, missingContributions, openCoordinations, pendingLeads } from '../items/model/queries.js';
import type { ItemCommandType, ItemState } from '../items/model/types.js';
import type { Actor } from '../org/org.models.js';
import { localMinute, zonedParts } from '../calendar/model/zoned-time.js';
import { clip, escapeHtml } from '../shared/html.js';
import { DEFAULT_REPORT_WEEKDAY, MONTH_END, parseReportEvery } from '../items/model/report-rhythm.js';
import type { ParserNote } from '../parser/warnings.js';
import { encodeButton, type ButtonData } from './callback-data.js';
import { parserNoteText } from './parser-notes.js';
import { milestoneViews, nextPendingMilestone } from '../items/model/milestones.js';

/** Everything a card shows about an item, gathered by the use-case. */
export type ItemView = {
  id: number;
  code: string | null;
  state: ItemState;
  unitNames: ReadonlyMap<number, string>;
  /** Names of the people the card shows: leaders, the units' heads and 承办人. */
  personNames: ReadonlyMap<number, string>;
  /** Each unit's head (单位负责人), when it has one. */
  unitHeads?: ReadonlyMap<number, number>;
  /** t.me link to the instruction message, when Telegram can link to it (supergroups). */
  sourceLink: string | null;
  deadlineDefaulted: boolean;
  /** Local "today" (YYYY-MM-DD) for overdue marks. */
  today: string;
  /** The organisation's timezone, for the local dates and times of past instants a card shows; Asia/Shanghai when absent. */
  timezone?: string;
};

export type Rendered = { text: string; reply_markup?: InlineKeyboard };

/** Who the card is for: the leaders group, one unit (its group or its members), or a draft's author. */
/**
 * Who reads a card: the leaders (group), a unit, the discipline body (移交), or a supervisor of the
 * office privately (调查复核: only the verdict buttons), or nobody in particular (no buttons).
 */
export type Audience = { kind: 'leaders' } | { kind: 'unit'; unitId: number } | { kind: 'none' } | { kind: 'discipline' } | { kind: 'office' };

export const unitName = (view: Pick<ItemView, 'unitNames'>, id: number) => view.unitNames.get(id) ?? `#${id}`;
export const personName = (view: Pick<ItemView, 'personNames'>, id: number | null) => (id === null ? '' : (view.personNames.get(id) ?? String(id)));

/** "2026-12-15" or "2026-12-15 17:00". */
/** 限时报告 in words: 每周五, 每月25日前, 每半月（15日、月末）... */
export function reportEveryText(t: Translate, every: string): string {
  const rhythm = parseReportEvery(every);
  if (!rhythm) return every;
  const text =
    rhythm.period === 'week'
      ? t('every-week', { weekday: t(`weekday-${rhythm.on ?? DEFAULT_REPORT_WEEKDAY}`) })
      : rhythm.period === 'month'
        ? t('every-month', { day: rhythm.on === null || rhythm.on === MONTH_END ? 'end' : String(rhythm.on) })
        : t(`every-${rhythm.period}`);
  return text;
}

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

/**
 * 时间节点 with their state: ✅ done (local date), ⏰ overdue (how late, on answers read once),
 * ⏳ pending with its date. A draft lists them plainly.
 */
function milestoneLines(view: ItemView, t: Translate, countLateness: boolean): string[] {
  const s = view.state;
  if (s.status === 'draft') return s.milestones.map((m) => `  · ${m.due} ${escapeHtml(clip(m.text, 100))}`);
  return milestoneViews(s, view.today).map((m) => {
    const args = { index: m.index, due: m.due, text: escapeHtml(clip(m.text, 100)) };
    if (m.done) return `  ${t('card-milestone-done', { ...args, date: zonedParts(m.done.at, view.timezone ?? 'Asia/Shanghai').ymd })}`;
    if (m.late) return `  ${countLateness ? t('card-milestone-overdue-late', { ...args, late: latenessText(t, m.late) }) : t('card-milestone-overdue', args)}`;
    return `  ${t('card-milestone-pending', args)}`;
  });
}

function header(view: ItemView, t: Translate, countLateness = false): string[] {
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
    lines.push(...milestoneLines(view, t, countLateness));
  }
  if (s.reportEvery) lines.push(t('card-report-every', { every: reportEveryText(t, s.reportEvery) }) + (s.reportsFrom === 'all' ? t('every-all-units') : ''));
  if (view.sourceLink) lines.push(`<a href="${view.sourceLink}">${t('card-source')}</a>`);
  return lines;
}

function unitLines(view: ItemView, t: Translate): string[] {
  const s = view.state;
  if (s.status === 'draft') return [];
  const lines = [t('card-units-title')];
  const joint = activeUnits(s, 'lead').length > 1;
  for (const u of activeUnits(s)) {
    const name = escapeHtml(unitName(view, u.unitId));
    const role = t(u.role === 'lead' ? 'role-lead-short' : 'role-cooperating-short');
    const ack = u.acknowledgedAt ? t('card-unit-acked') : t('card-unit-not-acked');
    const contribution =
      u.role === 'cooperating' ? (u.contribution ? ` · ${t('card-unit-contributed')}` : u.contributionWaived ? ` · ${t('card-unit-waived')}` : '') : '';
    // 共同牵头: each lead unit's own part, so everyone sees who has delivered and who still owes.
    const leadPart =
      u.role === 'lead' && joint
        ? ` · ${u.resultWaived ? t('card-unit-lead-waived', { reason: escapeHtml(clip(u.resultWaived.reason, 60)) }) : u.result ? t('card-unit-result-in') : t('card-unit-result-owed')}`
        : '';
    lines.push(`  · ${name}（${role}）${ack}${contribution}${leadPart}`);
    const head = view.unitHeads?.get(u.unitId);
    const people = [
      head !== undefined ? t('card-unit-head', { name: escapeHtml(personName(view, head)) }) : null,
      u.handlerId !== null ? t('card-unit-handler', { name: escapeHtml(personName(view, u.handlerId)) }) : u.acknowledgedAt ? null : t('card-unit-no-handler'),
    ].filter((x): x is string => x !== null);
    if (people.length) lines.push(`    ${people.join(' · ')}`);
  }
  return lines;
}

function statusLines(view: ItemView, t: Translate, countLateness: boolean): string[] {
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
  // 逐级协调: every request not yet coordinated, with since when and at which step of the route.
  if (s.status === 'open' || s.status === 'result_submitted') {
    for (const c of openCoordinations(s)) {
      lines.push(
        t('card-coordination', {
          id: c.id,
          unit: escapeHtml(unitName(view, c.unitId)),
          since: localMinute(c.raisedAt, view.timezone ?? 'Asia/Shanghai'),
          level: t(`coordination-level-${c.level}`),
          text: escapeHtml(clip(c.text, 300)),
        }),
      );
    }
  }
  const results = leadResults(s);
  if (results.length > 1 || (results.length === 1 && activeUnits(s, 'lead').length > 1)) {
    for (const r of results) lines.push(t('card-lead-result', { unit: escapeHtml(unitName(view, r.unitId)), text: escapeHtml(clip(r.text, 400)) }));
  } else if (s.result) lines.push(t('card-result', { unit: escapeHtml(unitName(view, s.result.unitId)), text: escapeHtml(clip(s.result.text, 800)) }));
  const pending = pendingLeads(s);
  if (s.status === 'open' && results.length > 0 && pending.length > 0) {
    lines.push(t('card-waiting-leads', { units: escapeHtml(pending.map((u) => unitName(view, u.unitId)).join(t('list-separator'))) }));
  }
  lines.push(...verificationLines(view, t));
  if (s.lastReturn && s.status === 'open') {
    lines.push(
      t(s.lastReturn.byVerification ? 'card-verify-false' : 'card-last-return', { reason: escapeHtml(clip(s.lastReturn.reason, 300)), count: s.returnCount }),
    );
  }
  if (s.response)
    lines.push(
      t('card-response', {
        name: escapeHtml(personName(view, s.response.by)),
        text: s.response.text ? escapeHtml(clip(s.response.text, 500)) : t('response-default'),
      }),
    );
  if (s.cancellation) lines.push(t('card-cancelled', { reason: escapeHtml(clip(s.cancellation.reason, 300)) }));
  if (s.excused) lines.push(t('card-excused', { degree: t(`excuse-degree-${s.excused.degree}`), reason: escapeHtml(clip(s.excused.reason, 300)) }));
  if (s.referral) lines.push(t('card-referral', { status: t(`referral-short-${s.referral.status}`) }));
  // A living card says "overdue" and stays put; how late, a figure that changes every day, is
  // for answers read once (/task) and for the daily messages, not for cards edited in place.
  if (s.status === 'open' && s.deadline && s.deadline < view.today) {
    lines.push(
      countLateness ? t('card-overdue', { late: latenessText(t, lateness(s.deadline, view.today)) }) : t('card-overdue-since', { deadline: s.deadline }),
    );
  }
  return lines;
}

/** 调查复核 on the result card: awaiting a supervisor (with the evidence counted), or found true by whom. */
function verificationLines(view: ItemView, t: Translate): string[] {
  const s = view.state;
  const v = s.verification;
  if (!v || (s.status !== 'result_submitted' && s.status !== 'closed')) return [];
  const count = evidenceOf(s);
  if (v.verdict === null)
    return s.status === 'result_submitted' ? [t(v.evidenceRequired ? 'card-verify-pending-evidence' : 'card-verify-pending', { count })] : [];
  return [t('card-verify-true', { name: escapeHtml(personName(view, v.by)), note: escapeHtml(clip(v.note ?? '', 300)), count })];
}

/** Who the verification buttons are for: the supervision office, whoever of it presses (checked again on the server). */
const OFFICE: Actor = { personId: -2, isAdmin: false, isLeader: false, isSupervisor: true, unitIds: [] };

/** 核实属实 / 核实不实, when the item's result awaits verification: on the leaders' card and in a supervisor's notice. */
export function verifyButtons(view: Pick<ItemView, 'id' | 'state' | 'today'>, t: Translate): InlineButton[] {
  if (!allowedActions(view.state, OFFICE, view.today).some((a) => a.action === 'verify_result')) return [];
  return [
    { text: t('btn-verify-true'), callback_data: encodeButton({ action: 'vft', itemId: view.id, version: view.state.version }) },
    { text: t('btn-verify-false'), callback_data: encodeButton({ action: 'vff', itemId: view.id, version: view.state.version }) },
  ];
}

/**
 * The actor an audience stands for: any member of the unit, or the item's deciding leader. The
 * card shows the buttons this actor may press now, from the model's own `allowedActions`; who
 * really pressed is judged again on the server when the button is pressed.
 */
export function audienceActor(view: Pick<ItemView, 'state'>, audience: Audience): Actor | null {
  if (audience.kind === 'unit') return { personId: -1, isAdmin: false, isLeader: false, unitIds: [audience.unitId] };
  if (audience.kind === 'leaders') return { personId: view.state.leaderInCharge ?? view.state.issuedBy, isAdmin: false, isLeader: true, unitIds: [] };
  // 移交: whoever is in the bound discipline group (the binding is checked again on the press).
  if (audience.kind === 'discipline') return { personId: -1, isAdmin: false, isLeader: false, unitIds: [], inDisciplineChat: true };
  return null;
}

/**
 * The button each allowed action gets on a card (actions without one are commands only), with
 * the data it carries: the unit it acts for, and the item's version when a stale press must be
 * refused rather than applied to what the item has become.
 */
type CardButton = { label: (role: 'lead' | 'cooperating') => string; namesUnit?: boolean; data: (view: ItemView, unitId: number | null) => ButtonData | null };
// An action taken for a unit has no button without one (the model always names it).
const forUnit =
  (action: 'ack' | 'prg' | 'res' | 'ext') =>
  (view: ItemView, unitId: number | null): ButtonData | null =>
    unitId === null ? null : { action, itemId: view.id, unitId };
const versioned =
  (action: 'cfm' | 'ret' | 'exa' | 'exr') =>
  (view: ItemView): ButtonData => ({ action, itemId: view.id, version: view.state.version });
const ofItem =
  (action: 'rrc' | 'rfb') =>
  (view: ItemView): ButtonData => ({ action, itemId: view.id });
const ACTION_BUTTONS: Partial<Record<ItemCommandType, CardButton>> = {
  acknowledge: { label: () => 'btn-ack', data: forUnit('ack') },
  report_progress: { label: () => 'btn-progress', data: forUnit('prg') },
  submit_result: { label: () => 'btn-result', data: forUnit('res') },
  submit_contribution: { label: () => 'btn-contribution', data: forUnit('res') },
  request_extension: { label: () => 'btn-extend', data: forUnit('ext') },
  confirm_result: { label: () => 'btn-confirm', data: versioned('cfm') },
  return_result: { label: () => 'btn-return', data: versioned('ret') },
  approve_extension: { label: () => 'btn-extension-approve', data: versioned('exa') },
  reject_extension: { label: () => 'btn-extension-reject', data: versioned('exr') },
  waive_lead: {
    label: () => 'btn-waive-lead',
    namesUnit: true,
    data: (view, unitId) => (unitId === null ? null : { action: 'wvl', itemId: view.id, unitId, version: view.state.version }),
  },
  receive_referral: { label: () => 'btn-referral-receive', data: ofItem('rrc') },
  referral_feedback: { label: () => 'btn-referral-feedback', data: ofItem('rfb') },
};

/** Buttons for an audience: exactly the actions it may take now, two to a row. */
export function cardButtons(view: ItemView, audience: Audience, t: Translate): InlineButton[][] {
  // A supervisor's private request: the verdict, while one is asked for; nothing the leaders decide.
  if (audience.kind === 'office') {
    const verify = verifyButtons(view, t);
    return verify.length ? [verify] : [];
  }
  const actor = audienceActor(view, audience);
  if (!actor || view.state.status === 'draft') return [];
  const buttons: InlineButton[] = [];
  for (const allowed of allowedActions(view.state, actor, view.today)) {
    if (allowed.action === 'report_milestone') {
      // 时间节点: one button for the next unreported milestone.
      const next = nextPendingMilestone(view.state);
      if (next && allowed.unitId !== null)
        buttons.push({
          text: t('btn-milestone', { index: next.index }),
          callback_data: encodeButton({ action: 'mnd', itemId: view.id, unitId: allowed.unitId, milestone: next.index }),
        });
      continue;
    }
    const spec = ACTION_BUTTONS[allowed.action];
    const data = spec?.data(view, allowed.unitId);
    if (!spec || !data) continue;
    const unit = allowed.unitId !== null ? activeUnits(view.state).find((u) => u.unitId === allowed.unitId) : undefined;
    buttons.push({
      text:
        spec.namesUnit && allowed.unitId !== null
          ? t(spec.label(unit?.role ?? 'lead'), { unit: unitName(view, allowed.unitId) })
          : t(spec.label(unit?.role ?? 'lead')),
      callback_data: encodeButton(data),
    });
  }
  const rows: InlineButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  // 调查复核: the office verifies where the leaders decide (supervisors also get them privately).
  const verify = audience.kind === 'leaders' ? verifyButtons(view, t) : [];
  if (verify.length) rows.push(verify);
  return rows;
}

/** The item card: what, who, by when, where it stands, and the buttons for its audience. */
export function renderItemCard(view: ItemView, audience: Audience, t: Translate, options: { countLateness?: boolean } = {}): Rendered {
  const lines = [...header(view, t, options.countLateness ?? false), ...unitLines(view, t), ...statusLines(view, t, options.countLateness ?? false)];
  if (audience.kind === 'unit' && view.state.status === 'open') {
    const u = activeUnits(view.state).find((x) => x.unitId === audience.unitId);
    if (u) {
      const hint = u.acknowledgedAt
        ? u.role === 'lead'
          ? 'card-hint-lead-acked'
          : 'card-hint-cooperating-acked'
        : u.role === 'lead'
          ? 'card-hint-lead'
          : 'card-hint-cooperating';
      const done = u.role === 'cooperating' && (u.contribution !== null || u.contributionWaived !== null);
      if (u.role === 'lead' && (u.result !== null || u.resultWaived !== null)) {
        if (u.result !== null) lines.push('', t('card-hint-lead-submitted'));
      } else if (!done) lines.push('', t(hint, { code: escapeHtml(view.code ?? '') }));
    }
    const missing = missingContributions(view.state);
    if (u?.role === 'lead' && missing.length) {
      lines.push(t('card-waiting-contributions', { units: escapeHtml(missing.map((m) => unitName(view, m.unitId)).join(t('list-separator'))) }));
    }
  }
  if (audience.kind === 'unit' && !activeUnits(view.state).some((u) => u.unitId === audience.unitId) && view.state.status !== 'draft') {
    lines.push('', t('card-no-longer-yours', { unit: escapeHtml(unitName(view, audience.unitId)) }));
  }
  const keyboard = cardButtons(view, audience, t);
  return { text: clip(lines.join('\n'), 4000), ...(keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}) };
}

export type UnresolvedMention = { name: string; role: 'lead' | 'cooperating'; suggestions: { id: number; name: string }[] };

/** The draft card the assigning leader adjusts before confirming. */
export function renderDraftCard(view: ItemView, t: Translate, extra: { unresolved: UnresolvedMention[]; warnings: ParserNote[] }): Rendered {
  const lines = header(view, t);
  for (const u of extra.unresolved) {
    lines.push(u.suggestions.length ? t('draft-unresolved-suggest', { name: escapeHtml(u.name) }) : t('draft-unresolved', { name: escapeHtml(u.name) }));
  }
  for (const w of extra.warnings) lines.push(`⚠️ ${parserNoteText(w, t)}`);
  lines.push('', t('draft-hint'));
  const rows: InlineButton[][] = [];
  for (const u of extra.unresolved) {
    const picks = u.suggestions.slice(0, 3).map((sug) => ({
      text: `${u.role === 'lead' ? t('role-lead-short') : t('role-cooperating-short')}：${sug.name}`,
      callback_data: encodeButton({ action: 'dpk', draftId: view.id, unitId: sug.id, role: u.role }),
    }));
    if (picks.length) rows.push(picks);
  }
  const dayOff = extra.warnings.find((w) => w.code === 'deadlineOnDayOff');
  if (dayOff)
    rows.push([
      { text: t('btn-draft-workday', { date: dayOff.args[1] }), callback_data: encodeButton({ action: 'dwd', draftId: view.id, version: view.state.version }) },
    ]);
  rows.push([{ text: t('btn-draft-confirm'), callback_data: encodeButton({ action: 'dok', draftId: view.id, version: view.state.version }) }]);
  rows.push([
    { text: t('btn-draft-deadline'), callback_data: encodeButton({ action: 'ddl', draftId: view.id }) },
    { text: t('btn-draft-units'), callback_data: encodeButton({ action: 'dun', draftId: view.id }) },
  ]);
  rows.push([
    { text: t('btn-draft-level', { level: t(`level-${view.state.level}`) }), callback_data: encodeButton({ action: 'dlv', draftId: view.id }) },
    { text: t('btn-draft-incharge'), callback_data: encodeButton({ action: 'dlc', draftId: view.id }) },
  ]);
  rows.push([{ text: t('btn-draft-discard'), callback_data: encodeButton({ action: 'dno', draftId: view.id }) }]);
  return { text: clip(lines.join('\n'), 4000), reply_markup: { inline_keyboard: rows } };
}
