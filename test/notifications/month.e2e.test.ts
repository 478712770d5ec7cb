import { sql } from 'drizzle-orm';
import type { Chat, Message, User } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWorkingDay } from '../../src/calendar/model/working-calendar.js';
import { zonedParts } from '../../src/calendar/model/zoned-time.js';
import { formatText } from '@duban/fake-telegram';
import { createTranslator, type Locale } from '../../src/i18n/translator.js';
import { buildView } from '../../src/items/item-view.js';
import { createItemsRepository } from '../../src/items/items.repository.js';
import { silentLogger } from '../../src/logger.js';
import { cardSpec, liveCards, renderLivingCard } from '../../src/notifications/cards.js';
import { buttonsOf, startHarness, type Harness } from '../helpers/bot-harness.js';
import { storageKinds } from '../helpers/db.js';
import { seedOrg, type Org } from '../helpers/org-fixture.js';

/**
 * A month of the bot's clock as an office would live it (8 items, 2 unit groups, a key item the
 * unit never acknowledges, an item that goes overdue, a leader slow to confirm), replayed through
 * the real bot, the fake Telegram and the app's own scheduler jobs. After every step, every living
 * card of every item in every chat must show what a fresh render shows now; at the end no card of
 * a finished item carries a button, and each unit group has had at most two messages a working
 * day that the bot sent on its own.
 */
const kind = storageKinds()[0]!;
const TZ = 'Asia/Shanghai';
const translator = createTranslator();

/** Purposes of what the bot sends on its own (not an answer, a new item or a decision). */
const OWN = new Set(['digest', 'unit_digest', 'bundle', 'bulletin', 'bulletin_chart']);
const ESCALATION = new Set(['reminder_escalation']);

describe(`a month of the bot's clock (${kind})`, () => {
  let h: Harness;
  let org: Org;
  /** Item ids by name (commands use the code numbers assign returns). */
  const codes = new Map<string, number>();
  let checks = 0;

  const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);
  const deps = () => ({ db: h.database.db, clock: h.clock, config: h.config, translator, logger: silentLogger });

  /** Every living card shows the item as a fresh render shows it now (text and buttons). */
  async function expectCardsTrue(step: string) {
    const repo = createItemsRepository({ db: h.database.db, clock: h.clock, timezone: TZ });
    const ids = [...codes.values()];
    const cards = await liveCards(h.database.db, ids);
    for (const card of cards) {
      const item = (await repo.get(card.itemId))!;
      const view = await buildView(deps(), item);
      const fresh = renderLivingCard(view, cardSpec(card), translator.for((card.locale as Locale) ?? 'zh'));
      const expected = formatText(fresh.text, 'HTML', undefined, { findUser: () => undefined }).text;
      const shown = h.tg.message(card.chatId, card.messageId)!;
      const where = `${step}: card ${card.messageId} of item ${card.itemId} in chat ${card.chatId}`;
      expect(shown.text, where).toBe(expected);
      expect(buttonsOf(shown), where).toEqual(
        (fresh.reply_markup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: 'callback_data' in b ? b.callback_data : '' })),
      );
      checks++;
    }
  }

  /** The app's jobs at one local instant (sweep; the 08:30 morning message; the 15:00 bundle; Monday's bulletin). */
  async function tick(local: string) {
    h.clock.set(at(local));
    await h.trigger.fire();
    await h.dispatcher.drain();
    await expectCardsTrue(`tick ${local}`);
  }

  async function step(user: User, chat: Chat, text: string, options: { replyTo?: number } = {}) {
    const sent = await h.say(user, chat, text, options);
    await expectCardsTrue(`${text} in ${chat.title}`);
    return sent;
  }

  async function press(user: User, chat: Chat, message: Message, label: string) {
    const button = buttonsOf(message).find((b) => b.text.includes(label));
    if (!button) throw new Error(`no button ${label} on ${message.text}`);
    await h.press(user, chat, message.message_id, button);
    await expectCardsTrue(`press ${label}`);
  }

  async function assign(name: string, text: string) {
    await step(org.leader, org.leadersGroup, `/assign ${text}`);
    const draft = h.lastBotMessage(org.leadersGroup);
    await press(org.leader, org.leadersGroup, draft, '确认交办');
    const receipt = h.tg.message(org.leadersGroup.id, draft.message_id)!.text!;
    const number = Number(/〔2026〕(\d+)号/.exec(receipt)![1]);
    const item = await createItemsRepository({ db: h.database.db, clock: h.clock, timezone: TZ }).findByCode({ year: 2026, number });
    codes.set(name, item!.id);
    return number;
  }

  beforeAll(async () => {
    h = await startHarness({ kind, clock: '2026-12-07T09:00:00+08:00', dispatchOnBusinessClock: true });
    org = await seedOrg(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('keeps every card true and each unit group to two messages of its own a working day', async () => {
    const unacked = await assign('unacked', '请市住建局牵头，于12月18日前完成全市燃气管道隐患排查。列为重点督办。');
    const overdue = await assign('overdue', '请市城管局牵头，于12月11日前清理主干道占道经营。专项督办。');
    const joint = await assign('joint', '请市住建局牵头，市城管局配合，于12月25日前报送老旧小区改造方案。');
    const extended = await assign('extended', '请市住建局牵头，于12月15日前报送保障房分配情况。');
    const weekly = await assign('weekly', '请市城管局牵头，于12月31日前完成冬季除雪预案。每周报送进展。');
    const moved = await assign('moved', '请市住建局牵头，于12月24日前核查违建台账。');
    const cancelled = await assign('cancelled', '请市城管局牵头，于12月30日前完成广告牌整治。');
    const early = await assign('early', '请市住建局牵头，于1月4日前报送年度工作总结。');

    // Monday: the units acknowledge everything but the key item; one by the card's button.
    const overdueCard = h.botMessages(org.urbanGroup).find((m) => m.text?.includes(`〔2026〕${overdue}号`));
    if (!overdueCard)
      throw new Error(
        `no card ${overdue} in ${JSON.stringify(h.botMessages(org.urbanGroup).map((m) => m.text?.slice(0, 40)))} leaders: ${JSON.stringify(h.botMessages(org.leadersGroup).map((m) => m.text?.slice(0, 60)))}`,
      );
    await press(org.urbanStaff, org.urbanGroup, overdueCard, '签收');
    for (const n of [joint, extended, moved, early]) await step(org.housingStaff, org.housingGroup, `/ack ${n}`);
    for (const n of [joint, weekly, cancelled]) await step(org.urbanStaff, org.urbanGroup, `/ack ${n}`);

    const days: string[] = [];
    for (let d = Date.parse('2026-12-07T00:00:00+08:00'); d <= Date.parse('2027-01-05T00:00:00+08:00'); d += 86_400_000) {
      days.push(zonedParts(new Date(d), TZ).ymd);
    }
    const actions: Record<string, (() => Promise<void>)[]> = {
      '2026-12-09': [async () => void (await step(org.leader, org.leadersGroup, `/transfer ${moved} 城管局 属城管执法职责`))],
      '2026-12-10': [
        async () => void (await step(org.leader, org.leadersGroup, `/cancel ${cancelled} 已并入专项整治`)),
        async () => void (await step(org.urbanStaff, org.urbanGroup, `/ack ${moved}`)),
      ],
      '2026-12-11': [async () => void (await step(org.urbanStaff, org.urbanGroup, `/progress ${weekly} 已完成除雪物资盘点`))],
      '2026-12-14': [async () => void (await step(org.housingStaff, org.housingGroup, `/extend ${extended} 12月22日 需等待各区数据汇总`))],
      '2026-12-15': [async () => void (await step(org.urbanStaff, org.urbanGroup, `/result ${joint} 已配合完成入户调查`))],
      // The leader is slow: the extension waits two days.
      '2026-12-16': [async () => void (await step(org.leader, org.leadersGroup, `/approve ${extended}`))],
      '2026-12-18': [
        async () => void (await step(org.housingStaff, org.housingGroup, `/result ${joint} 改造方案已报送`)),
        async () => void (await step(org.urbanStaff, org.urbanGroup, `/progress ${weekly} 预案初稿已完成`)),
      ],
      '2026-12-21': [async () => void (await step(org.housingStaff, org.housingGroup, `/result ${early} 年度总结已报送`))],
      '2026-12-22': [
        async () => void (await step(org.leader, org.leadersGroup, `/confirm ${early}`)),
        async () => void (await step(org.housingStaff, org.housingGroup, `/result ${extended} 分配情况已报送`)),
      ],
      // Slow to confirm: the joint item's result waited since the 18th.
      '2026-12-23': [
        async () => void (await step(org.leader, org.leadersGroup, `/confirm ${joint}`)),
        async () => void (await step(org.leader, org.leadersGroup, `/confirm ${extended}`)),
      ],
      '2026-12-25': [async () => void (await step(org.urbanStaff, org.urbanGroup, `/progress ${weekly} 已组织演练`))],
      '2026-12-28': [async () => void (await step(org.urbanStaff, org.urbanGroup, `/result ${weekly} 预案已印发`))],
      '2026-12-29': [
        async () => void (await step(org.leader, org.leadersGroup, `/return ${weekly} 请补充应急队伍名单`)),
        async () => void (await step(org.urbanStaff, org.urbanGroup, `/result ${moved} 违建台账已核查`)),
      ],
      '2026-12-30': [async () => void (await step(org.urbanStaff, org.urbanGroup, `/result ${weekly} 已补充队伍名单`))],
      '2026-12-31': [
        async () => void (await step(org.leader, org.leadersGroup, `/confirm ${weekly}`)),
        async () => void (await step(org.leader, org.leadersGroup, `/confirm ${moved}`)),
      ],
    };
    const times = ['08:30', '09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00', '17:00', '18:00'];
    for (const day of days) {
      for (const time of times) {
        if (day === '2026-12-07' && time < '10:00') continue;
        await tick(`${day} ${time}`);
        if (time === '10:00')
          for (const action of actions[day] ?? []) {
            h.clock.set(at(`${day} 10:30`));
            await action();
          }
      }
    }

    // Counts per chat and local day, from what was sent.
    const sent = (await h.database.db.execute(sql`
      select chat_id, purpose, created_at from outbox where status = 'sent' and edit_message_id is null order by id`)) as unknown as { rows?: unknown[] };
    const rows = ((sent.rows ?? sent) as { chat_id: string | number; purpose: string; created_at: string | Date }[]).map((r) => ({
      chatId: Number(r.chat_id),
      purpose: r.purpose,
      day: zonedParts(new Date(r.created_at), TZ).ymd,
    }));
    const chats = [
      ['leaders', org.leadersGroup.id],
      ['housing', org.housingGroup.id],
      ['urban', org.urbanGroup.id],
    ] as const;
    const report: Record<string, { own: number; escalations: number; immediate: number; edits: number; maxOwnPerWorkingDay: number }> = {};
    const edits = (await h.database.db.execute(sql`select chat_id from outbox where status = 'sent' and edit_message_id is not null`)) as unknown as {
      rows?: unknown[];
    };
    const editRows = ((edits.rows ?? edits) as { chat_id: string | number }[]).map((r) => Number(r.chat_id));
    for (const [name, chatId] of chats) {
      const mine = rows.filter((r) => r.chatId === chatId);
      const ownPerDay = new Map<string, number>();
      for (const r of mine) if (OWN.has(r.purpose)) ownPerDay.set(r.day, (ownPerDay.get(r.day) ?? 0) + 1);
      report[name] = {
        own: mine.filter((r) => OWN.has(r.purpose)).length,
        escalations: mine.filter((r) => ESCALATION.has(r.purpose)).length,
        immediate: mine.filter((r) => !OWN.has(r.purpose) && !ESCALATION.has(r.purpose)).length,
        edits: editRows.filter((c) => c === chatId).length,
        maxOwnPerWorkingDay: Math.max(0, ...[...ownPerDay].filter(([d]) => isWorkingDay(d)).map(([, n]) => n)),
      };
      const offDays = [...ownPerDay].filter(([d]) => !isWorkingDay(d));
      expect(offDays, `${name}: nothing of its own on a day off`).toEqual(
        name === 'leaders' ? offDays.filter(([d]) => new Date(`${d}T12:00:00+08:00`).getUTCDay() === 1) : [],
      );
    }
    console.log(
      `month 2026-12-07..2027-01-05, messages per chat (own = digests, bundles, bulletins):\n${JSON.stringify(report, null, 1)}\ncard checks: ${checks}`,
    );
    expect(report.housing!.maxOwnPerWorkingDay).toBeLessThanOrEqual(2);
    expect(report.urban!.maxOwnPerWorkingDay).toBeLessThanOrEqual(2);
    expect(checks).toBeGreaterThan(500);

    // The key item was never acknowledged: the leaders heard of it (rung 3), and the unit was not nagged forever.
    const leadersText = h
      .botMessages(org.leadersGroup)
      .map((m) => m.text ?? '')
      .join('\n');
    expect(leadersText).toContain(`〔2026〕${unacked}号`);
    const ackNags = h.botMessages(org.housingGroup).filter((m) => m.text?.includes('催签收') && m.text.includes(`〔2026〕${unacked}号`));
    expect(ackNags.length).toBeLessThanOrEqual(4);

    // No card of a finished item carries a button.
    const repo = createItemsRepository({ db: h.database.db, clock: h.clock, timezone: TZ });
    for (const card of await liveCards(h.database.db, [...codes.values()])) {
      const item = (await repo.get(card.itemId))!;
      if (['closed', 'cancelled'].includes(item.state.status)) expect(buttonsOf(h.tg.message(card.chatId, card.messageId)!)).toEqual([]);
    }
    const statuses = await Promise.all([...codes.values()].map(async (id) => (await repo.get(id))!.state.status));
    expect(statuses.filter((s) => s === 'closed')).toHaveLength(5);
    expect(statuses.filter((s) => s === 'cancelled')).toHaveLength(1);
  }, 600_000);
});
