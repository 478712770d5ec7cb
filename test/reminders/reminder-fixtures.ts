import { zonedParts } from '../../src/calendar/model/zoned-time.js';
import { DEFAULT_ESCALATION, DEFAULT_LEVEL_POLICIES } from '../../src/config.js';
import { createDraft, decide } from '../../src/items/model/transitions.js';
import type { ItemCommand, ItemLevel, ItemState, Milestone, ReportEvery } from '../../src/items/model/types.js';
import type { Actor } from '../../src/org/org.models.js';
import { planReminders } from '../../src/reminders/model/rules.js';
import type { DueReminder, PlannedSlot, ReminderSchedule } from '../../src/reminders/model/policy.js';

export const TZ = 'Asia/Shanghai';
export const LEAD = 100;
export const COOP = 200;
export const ISSUER = 2;
export const LEADER_IN_CHARGE = 3;

export const schedule: ReminderSchedule = {
  policy: { levels: DEFAULT_LEVEL_POLICIES, escalation: DEFAULT_ESCALATION },
  time: { timezone: TZ, workingHours: { start: '09:00', end: '18:00' } },
};

/** An instant given as Beijing wall-clock time: '2026-02-13 09:00'. */
export const bj = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+08:00`);

/** An instant as Beijing wall-clock time, for readable assertions. */
export function local(at: Date): string {
  const p = zonedParts(at, TZ);
  return `${p.ymd} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

const admin: Actor = { personId: 1, isAdmin: true, isLeader: false, unitIds: [] };
const issuer: Actor = { personId: ISSUER, isAdmin: false, isLeader: true, unitIds: [] };
export const leadMember: Actor = { personId: 10, isAdmin: false, isLeader: false, unitIds: [LEAD] };
export const coopMember: Actor = { personId: 11, isAdmin: false, isLeader: false, unitIds: [COOP] };
export const actors = { admin, issuer, leadMember, coopMember };

function ctx(actor: Actor, at: Date) {
  const p = zonedParts(at, TZ);
  return { actor, at, today: p.ymd, timeOfDay: `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}` };
}

/** An item drafted and confirmed (assigned) at `assignedAt`. */
export function openItem(input: {
  assignedAt: Date;
  deadline: string;
  deadlineTime?: string | null;
  level?: ItemLevel;
  milestones?: Milestone[];
  reportEvery?: ReportEvery | null;
  cooperating?: boolean;
  leaderInCharge?: number | null;
  reportsFrom?: 'lead' | 'all';
  /** Lead units (default: LEAD alone); several for 共同牵头. */
  leads?: number[];
}): ItemState {
  const c = ctx(issuer, input.assignedAt);
  const draft = createDraft(
    {
      instruction: '请市住建局牵头，于时限前报送老旧小区改造整改方案。',
      leadUnitIds: input.leads ?? [LEAD],
      cooperatingUnitIds: input.cooperating ? [COOP] : [],
      deadline: input.deadline,
      deadlineTime: input.deadlineTime ?? null,
      level: input.level ?? 'routine',
      milestones: input.milestones ?? [],
      reportEvery: input.reportEvery ?? null,
      leaderInCharge: input.leaderInCharge ?? null,
      ...(input.reportsFrom ? { reportsFrom: input.reportsFrom } : {}),
    },
    c,
  ).state;
  return decide(draft, { type: 'confirm_draft' }, c).state;
}

/** Applies a command to the state at an instant. */
export function apply(state: ItemState, actor: Actor, command: ItemCommand, at: Date): ItemState {
  return decide(state, command, ctx(actor, at)).state;
}

export type Sent = DueReminder & { at: string };

/**
 * Moves time from `from` to `to` the way the system does: the sweep looks at the item when its
 * next check time has come (or, with `everyMinutes`, polls at that rate regardless) and records
 * what it planned. `change` lets a test act on the item at given instants.
 */
export function simulate(
  initial: ItemState,
  input: {
    from: Date;
    to: Date;
    everyMinutes?: number;
    disciplineChat?: boolean;
    planned?: PlannedSlot[];
    changes?: { at: Date; change: (s: ItemState) => ItemState }[];
    schedule?: ReminderSchedule;
  },
): { sent: Sent[]; planned: PlannedSlot[]; state: ItemState; nextCheckAt: Date | null } {
  let state = initial;
  const planned: PlannedSlot[] = [...(input.planned ?? [])];
  const sent: Sent[] = [];
  const changes = [...(input.changes ?? [])].sort((a, b) => a.at.getTime() - b.at.getTime());
  let now = input.from;
  let nextCheckAt: Date | null = now;
  for (let guard = 0; guard < 100_000; guard++) {
    while (changes.length > 0 && changes[0]!.at.getTime() <= now.getTime()) {
      state = changes.shift()!.change(state);
    }
    const plan = planReminders({ state, now, schedule: input.schedule ?? schedule, planned, disciplineChat: input.disciplineChat ?? false });
    for (const r of plan.due) {
      planned.push({ unitId: r.unitId, kind: r.kind, slot: r.slot });
      sent.push({ ...r, at: local(now) });
    }
    nextCheckAt = plan.nextCheckAt;
    if (plan.nextCheckAt !== null && plan.nextCheckAt.getTime() <= now.getTime())
      throw new Error(`nextCheckAt ${local(plan.nextCheckAt)} is not after ${local(now)}`);
    const candidates = [input.everyMinutes ? now.getTime() + input.everyMinutes * 60_000 : (plan.nextCheckAt?.getTime() ?? Infinity)];
    if (changes.length > 0) candidates.push(changes[0]!.at.getTime());
    const next = Math.min(...candidates);
    if (!Number.isFinite(next) || next > input.to.getTime()) break;
    now = new Date(next);
  }
  return { sent, planned, state, nextCheckAt };
}

/** A compact view of what was sent: "2026-02-13 09:00 warning u100 blue". */
export function lines(sent: Sent[]): string[] {
  return sent.map((r) => `${r.at} ${r.kind} u${r.unitId}${r.rung > 1 || r.kind === 'escalation' ? ` rung${r.rung}` : ''}${r.colour ? ` ${r.colour}` : ''}`);
}
