import { latenessText } from '../calendar/model/lateness.js';
import type { Config } from '../config.js';
import type { StoredItem } from '../items/model/stored.js';
import { zonedParts } from '../calendar/model/zoned-time.js';
import { buildView } from '../items/item-view.js';
import { queueNotices, type QueuedNotice } from '../notifications/bundles.js';
import { planCardRefresh } from '../notifications/cards.js';
import { reminderView, routeReminderMessages } from '../notifications/reminder-routing.js';
import { createOutboxRepository, type OutboxMessage } from '../outbox/outbox.repository.js';
import { planReminders } from './model/rules.js';
import { reminderSchedule, rung4Threshold, slotKey, type DueReminder, type ReminderSchedule } from './model/policy.js';
import { planDisciplineUnboundNotices } from '../notifications/referral.js';
import { ITEM_LEVELS } from '../items/model/types.js';
import { escalationTargets, renderReminders, type ReminderDirectory, type ReminderMessage } from '../notifications/reminder-notices.js';
import { resolveUnitTargets } from '../notifications/recipients.js';
import { activeUnits } from '../items/model/queries.js';
import { createOrgRepository } from '../org/org.repository.js';
import type { DbOrTx } from '../db/client.js';
import type { Clock } from '../shared/clock.js';
import type { Locale } from '../i18n/translator.js';
import { createRemindersRepository, type NewReminder } from './reminders.repository.js';
import { recordReferrals, recordSweep } from '../items/items.usecases.js';
import type { AppDeps } from '../deps.js';

export type SweepResult = {
  /** Items looked at. */
  items: number;
  /** Reminders newly recorded (warnings, nags, escalation rungs). */
  reminders: number;
  /** Outbox rows newly planned (immediate messages: rung 3 and 4 escalations). */
  messages: number;
  /** Lines queued for the chats' next bundles. */
  queued: number;
  /** Escalation rungs reached (each one an `escalated` event). */
  escalations: number;
  /** Items whose reminders could not be worked out (logged; retried later). */
  failed: number;
  batches: number;
};

type Escalation = Extract<DueReminder, { kind: 'escalation' }>;

/** An item that failed is looked at again after this long, so one bad item cannot stall the sweep. */
const RETRY_FAILED_MS = 15 * 60_000;

/**
 * One sweep: plans every warning, nag and escalation that is due now, as reminder rows and outbox
 * messages, and moves each item's next check time on. Node-cron calls it every minute (the
 * scheduler owns the timer); it reads `now` from the injected clock unless given.
 *
 * Items are claimed in batches of `limit` with FOR UPDATE SKIP LOCKED, one transaction per batch:
 * the reminder rows, the outbox rows, the escalation events and the new check times of a batch
 * commit together, so a crash plans either all of it or none. Several sweeps at once (instances,
 * or a slow sweep overlapping the next tick) take disjoint items; should two ever judge the same
 * item, the reminders table's unique (item, unit, kind, slot) lets only one of them record a
 * reminder, and only recorded reminders are sent. A sweep stops after `maxBatches` and leaves the
 * rest, still due, to the next one.
 */
export async function runSweep(deps: AppDeps, input: { now?: Date; limit?: number; maxBatches?: number } = {}): Promise<SweepResult> {
  const now = input.now ?? deps.clock.now();
  const limit = input.limit ?? 100;
  const maxBatches = input.maxBatches ?? 50;
  const schedule: ReminderSchedule = reminderSchedule(deps.config);
  const total: SweepResult = { items: 0, reminders: 0, messages: 0, queued: 0, escalations: 0, failed: 0, batches: 0 };
  // Read once per sweep: whether (and where) the discipline body hears rung 4.
  const discipline = await createRemindersRepository({ db: deps.db, clock: deps.clock }).disciplineChat();
  for (let batch = 0; batch < maxBatches; batch++) {
    const result = await sweepBatch(deps, { now, limit, schedule, discipline });
    if (result.items === 0) break;
    total.batches++;
    total.items += result.items;
    total.reminders += result.reminders;
    total.messages += result.messages;
    total.queued += result.queued;
    total.escalations += result.escalations;
    total.failed += result.failed;
    if (result.items < limit) break;
  }
  if (total.items > 0) deps.logger?.info({ ...total, at: now.toISOString() }, 'reminder sweep');
  return total;
}

async function sweepBatch(
  deps: AppDeps,
  input: { now: Date; limit: number; schedule: ReminderSchedule; discipline: { chatId: number; threadId: number } | null },
): Promise<Omit<SweepResult, 'batches'>> {
  const { now, schedule } = input;
  return deps.db.transaction(async (tx) => {
    const repo = createRemindersRepository({ db: tx, clock: deps.clock });
    const claimed = await repo.claimDue({ now, limit: input.limit });
    if (claimed.length === 0) return { items: 0, reminders: 0, messages: 0, queued: 0, escalations: 0, failed: 0 };

    const planned = await repo.plannedFor(claimed.map((i) => i.id));
    const { discipline } = input;
    const keyOf = (itemId: number) => (r: DueReminder) => `${itemId}|${slotKey(r)}`;
    const nextChecks: { id: number; nextCheckAt: Date | null }[] = [];
    let failed = 0;
    const fail = (itemId: number, error: unknown) => {
      failed++;
      deps.logger?.error({ err: error, itemId }, 'reminder planning failed; will retry');
      nextChecks.push({ id: itemId, nextCheckAt: new Date(now.getTime() + RETRY_FAILED_MS) });
    };

    const plans: { item: StoredItem; due: DueReminder[]; nextCheckAt: Date | null }[] = [];
    for (const item of claimed) {
      try {
        const plan = planReminders({ state: item.state, now, schedule, planned: planned.get(item.id) ?? [], disciplineChat: discipline !== null });
        plans.push({ item, ...plan });
      } catch (error) {
        fail(item.id, error);
      }
    }

    // Word everything before writing anything (reads only), so that an item that fails leaves nothing behind.
    const directory = plans.some((p) => p.due.length > 0)
      ? await loadDirectory({ db: tx, clock: deps.clock, defaultLocale: deps.config.locale }, { items: plans.map((p) => p.item), discipline })
      : null;
    const rows: NewReminder[] = [];
    const messages: ReminderMessage[] = [];
    const escalations: { itemId: number; reminder: Escalation; key: string }[] = [];
    for (const { item, due, nextCheckAt } of plans) {
      try {
        const rendered =
          due.length === 0
            ? []
            : await renderReminders(
                { translator: deps.translator, defaultLocale: deps.config.locale, timezone: deps.config.timezone, codePrefix: deps.config.items.codePrefix },
                { item, due, directory: directory!, keyOf: keyOf(item.id) },
              );
        for (const r of due) {
          rows.push({ itemId: item.id, unitId: r.unitId, kind: r.kind, slot: r.slot, rung: r.rung, colour: r.colour });
          if (r.kind === 'escalation') escalations.push({ itemId: item.id, reminder: r, key: keyOf(item.id)(r) });
        }
        messages.push(...rendered);
        // Everything due is planned now, so the next check lies ahead; never re-claim within this sweep.
        const next = nextCheckAt && nextCheckAt.getTime() <= now.getTime() ? new Date(now.getTime() + 60_000) : nextCheckAt;
        nextChecks.push({ id: item.id, nextCheckAt: next });
      } catch (error) {
        fail(item.id, error);
      }
    }

    const inserted = await repo.insert({ rows, at: now });
    const fresh = messages.filter((m) => inserted.has(m.reminderKey));
    // Rung 3 and 4 go at once; everything else waits for the chat's next bundle (notifications/bundles.ts).
    const immediate: OutboxMessage[] = [];
    const queued: QueuedNotice[] = [];
    const today = zonedParts(now, deps.config.timezone).ymd;
    for (const { item, due } of plans) {
      const mine = fresh.filter((m) => m.itemId === item.id);
      if (mine.length === 0) continue;
      const view = reminderView(item, directory!, { codePrefix: deps.config.items.codePrefix, today });
      const routed = routeReminderMessages({ view, codeNumber: item.row.codeNumber, due, messages: mine, keyOf: keyOf(item.id), translator: deps.translator });
      immediate.push(...routed.immediate);
      queued.push(...routed.queued);
    }
    const enqueued = await createOutboxRepository({ db: tx, clock: deps.clock }).enqueue(immediate);
    const queuedCount = await queueNotices(tx, { notices: queued, at: now });

    const t = deps.translator.for(deps.config.locale);
    const events = escalations
      .filter((e) => inserted.has(e.key))
      .map(({ itemId, reminder: r, key }) => {
        const { to: targets, chats } = escalationTargets(r, fresh, key);
        const late = latenessText(t, { workingDays: r.daysOverdue, calendarDays: r.calendarDaysOverdue });
        const to = t(`reminder-rung-${r.rung}`);
        const text =
          r.cause === 'ack'
            ? t('reminder-ack-escalated-event', { rung: r.rung, to, count: r.nagCount })
            : r.cause === 'report'
              ? t('reminder-report-escalated-event', { rung: r.rung, to, count: r.nagCount, since: r.since })
              : r.cause === 'returns'
                ? t('reminder-returns-escalated-event', { rung: r.rung, to, count: r.nagCount })
                : t('reminder-escalated-event', { rung: r.rung, to, late, count: r.nagCount });
        return {
          itemId,
          unitId: r.unitId,
          at: now,
          data: { rung: r.rung, cause: r.cause, nagCount: r.nagCount, daysOverdue: r.daysOverdue, to: targets, chats, text },
        };
      });
    // The item tables are the items module's: escalations and check times are written through it.
    await recordSweep({ db: tx, clock: deps.clock, config: deps.config }, { escalations: events, nextChecks });
    // 移交: rung 4 reached refers the item to the discipline body, once per item (after the
    // escalation in the history); the referral waits when no discipline group is bound.
    const itemsById = new Map(plans.map((p) => [p.item.id, p.item]));
    const nextById = new Map(nextChecks.map((n) => [n.id, n.nextCheckAt]));
    const referrals = events
      .filter((e) => e.data.rung >= 4 && (itemsById.get(e.itemId)?.state.referral ?? null) === null)
      .map((e) => ({
        item: itemsById.get(e.itemId)!,
        input: { rung: e.data.rung, cause: e.data.cause, unitId: e.unitId, reason: e.data.text, nagCount: e.data.nagCount, daysOverdue: e.data.daysOverdue },
        nextCheckAt: nextById.get(e.itemId) ?? null,
      }));
    const referralMessages = referrals.length
      ? await recordReferrals({ db: tx, clock: deps.clock, config: deps.config, translator: deps.translator }, { referrals, discipline, at: now })
      : 0;

    // Cards show an item overdue from the moment its deadline passes: refresh the cards of
    // claimed items that are past their deadline and not nagged yet (a handful; the refresh
    // edits only cards whose render changed).
    const plannedBefore = planned;
    for (const { item } of plans) {
      const s = item.state;
      if (s.status !== 'open' || item.row.deadlineAt === null || item.row.deadlineAt.getTime() > now.getTime()) continue;
      if ((plannedBefore.get(item.id) ?? []).some((p) => p.kind === 'overdue_nag')) continue;
      const view = await buildView({ db: tx, clock: deps.clock, config: deps.config }, item);
      await planCardRefresh({ db: tx, clock: deps.clock, translator: deps.translator }, { view });
    }
    return { items: claimed.length, reminders: inserted.size, messages: enqueued + referralMessages, queued: queuedCount, escalations: events.length, failed };
  });
}

/**
 * Once at start-up: when some level's ladder reaches rung 4 (移交) and no discipline group is
 * bound, the admins are told (once a day at most, however often the bot starts): referrals would
 * wait for one. Returns the outbox rows planned.
 */
export async function warnIfNoDisciplineChat(
  deps: Pick<AppDeps, 'db' | 'clock' | 'translator' | 'logger'> & { config: Pick<Config, 'timezone' | 'locale' | 'reminders' | 'adminIds'> },
): Promise<number> {
  const { levels, escalation } = deps.config.reminders;
  if (!ITEM_LEVELS.some((level) => rung4Threshold(levels[level], escalation) !== null)) return 0;
  if ((await createRemindersRepository({ db: deps.db, clock: deps.clock }).disciplineChat()) !== null) return 0;
  const messages = await planDisciplineUnboundNotices(deps, { kind: 'startup' });
  const planned = await createOutboxRepository({ db: deps.db, clock: deps.clock }).enqueue(messages);
  deps.logger?.warn({ admins: messages.length }, 'rung 4 (referral) has no discipline group bound; admins told');
  return planned;
}

/**
 * What one batch of the sweep needs to word its reminders: the units, people and chats of its
 * items, read once. It lives here, not in notifications/, because it reads the reminders
 * repository: the notifications render what the use-case read and import no repository of a domain.
 */
async function loadDirectory(
  deps: { db: DbOrTx; clock: Clock; defaultLocale: Locale },
  input: { items: StoredItem[]; discipline: { chatId: number; threadId: number } | null },
): Promise<ReminderDirectory> {
  const repo = createRemindersRepository(deps);
  const unitIds = [...new Set(input.items.flatMap((item) => activeUnits(item.state).map((u) => u.unitId)))];
  const [units, targets] = await Promise.all([repo.unitsByIds(unitIds), resolveUnitTargets(deps.db, { unitIds, defaultLocale: deps.defaultLocale })]);
  const personIds = new Set<number>();
  for (const item of input.items) {
    personIds.add(item.state.issuedBy);
    if (item.state.leaderInCharge !== null) personIds.add(item.state.leaderInCharge);
    for (const u of activeUnits(item.state)) if (u.handlerId !== null) personIds.add(u.handlerId);
  }
  for (const u of units.values()) if (u.headPersonId !== null) personIds.add(u.headPersonId);
  const people = new Map((await createOrgRepository(deps).peopleByIds([...personIds])).map((p) => [p.id, p]));
  return { units, people, discipline: input.discipline, targets };
}
