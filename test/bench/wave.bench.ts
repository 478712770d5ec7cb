/**
 * Morning wave benchmark: what production runs at the daily digest, end to end, on PostgreSQL
 * and through the fake Bot API with Telegram's limits enforced.
 *
 * Seeds a throwaway database (at TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres,
 * dropped at the end) with 500 units, each with a bound unit group, one leaders group, and 100,000
 * open items spread over the units (INSERT ... SELECT generate_series; each row a real item state
 * made with createDraft/decide and serializeState, and its item_units row). 5,000 of them (10 per
 * unit) have their deadline on Thursday 2026-06-11, so the 1-working-day warning of a routine item
 * falls due at the opening of working hours on Wednesday 2026-06-10; the rest are due in December.
 *
 * Then the digest job's flow at 08:30 that Wednesday (src/scheduler/jobs.ts): runSweep at
 * morningCutoff(at) (09:00; repeated until it finds nothing, since one sweep takes at most
 * 50 x 100 items), runDailyDigests, and ONE real outbox dispatcher (production DEFAULT_LIMITS,
 * real clock) drains the outbox against the fake with `enforceLimits`.
 *
 * Figures: due items, reminders planned, lines queued, morning messages planned and sent,
 * planning seconds (sweep + digests), seconds from the dispatcher's start until the last unit
 * group has its morning message, total seconds, 429s, limit violations, duplicates, lost,
 * unit groups with exactly one morning message carrying their reminders, peak RSS.
 *
 *   npx tsx test/bench/wave.bench.ts [--json]
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Api } from 'grammy';
import postgres from 'postgres';
import { createConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { runDailyDigests } from '../../src/digests/digests.usecases.js';
import { startFakeTelegram } from '@duban/fake-telegram';
import { createTranslator } from '../../src/i18n/translator.js';
import { deadlineInstant, serializeState } from '../../src/items/model/codec.js';
import { createDraft, decide } from '../../src/items/model/transitions.js';
import type { Actor } from '../../src/org/org.models.js';
import { silentLogger } from '../../src/logger.js';
import { morningCutoff } from '../../src/notifications/notifications.usecases.js';
import { createDispatcher } from '../../src/outbox/dispatcher.js';
import { runSweep } from '../../src/reminders/reminders.usecases.js';
import { createManualClock, systemClock } from '../../src/shared/clock.js';

export type WaveBenchOptions = { url?: string; units?: number; openItems?: number; duePerUnit?: number };

const TZ = 'Asia/Shanghai';
const DIGEST_AT = new Date('2026-06-10T08:30:00+08:00'); // a Wednesday, digests.dailyTime
const LEADERS_CHAT = -1000999000001;
const UNIT_CHAT_BASE = -1001000000000; // unit u's group is UNIT_CHAT_BASE - u
const TOKEN = '7000000004:BENCH-wave';
const log = (message: string) => process.stderr.write(`[wave bench] ${message}\n`);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** An item state as the bot stores it: assigned 1 June, acknowledged, with the given deadline, unit id 0 (patched per row). */
function templateState(deadline: string): string {
  const issuer: Actor = { personId: 2, isAdmin: false, isLeader: true, unitIds: [] };
  const staff: Actor = { personId: 10, isAdmin: false, isLeader: false, unitIds: [0] };
  const at = new Date('2026-06-01T10:00:00+08:00');
  const ctx = (actor: Actor, when: Date) => ({ actor, at: when, today: '2026-06-01', timeOfDay: '10:00' });
  const draft = createDraft(
    { instruction: '请牵头研究落实老旧小区改造工作，按时报送办理结果。', leadUnitIds: [0], deadline, level: 'routine' },
    ctx(issuer, at),
  ).state;
  const open = decide(draft, { type: 'confirm_draft' }, ctx(issuer, at)).state;
  const acked = decide(open, { type: 'acknowledge' }, ctx(staff, new Date(at.getTime() + 600_000))).state;
  return JSON.stringify(serializeState(acked));
}

/**
 * The target: every unit group gets exactly one morning message carrying its reminders,
 * the last of them within 25 s of the start of sending (Telegram's ~30 msg/s makes 500 about
 * 17 s), with no 429 and no limit violation.
 */
export const benchTarget = {
  description: 'each of 500 unit groups gets one morning message with its reminders, the last within 25 s of sending, 0 x 429, 0 violations',
  met: (f: Record<string, number>) =>
    f.units! >= 500 &&
    f.unitsWithOneMorningMessage === f.units &&
    f.secondsUntilLastUnit! < 25 &&
    f.http429 === 0 &&
    f.violations === 0 &&
    f.duplicates === 0 &&
    f.lost === 0,
};

export async function runWaveBench(options: WaveBenchOptions = {}): Promise<Record<string, number>> {
  const baseUrl = options.url ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const unitCount = options.units ?? 500;
  const openItems = options.openItems ?? 100_000;
  const duePerUnit = options.duePerUnit ?? 10;
  const dueCount = unitCount * duePerUnit;
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  const name = `duban_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  const raw = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_bench_bot', enforceLimits: true });
  try {
    await runMigrations(database);
    const clock = createManualClock(DIGEST_AT);
    const config = createConfig({});
    const deps = { db: database.db, clock, config, translator: createTranslator(), logger: silentLogger };

    // --- seed --------------------------------------------------------------------------------
    const seedStarted = performance.now();
    await raw.unsafe(`
      insert into units (id, name, created_at) select u, '市第' || u || '局', now() from generate_series(1, ${unitCount}) u;
      select setval(pg_get_serial_sequence('units', 'id'), ${unitCount});
      insert into bound_chats (chat_id, thread_id, kind, unit_id, title, bound_at)
        select ${UNIT_CHAT_BASE} - u, 0, 'unit', u, '市第' || u || '局工作群', now() from generate_series(1, ${unitCount}) u;
      insert into bound_chats (chat_id, thread_id, kind, title, bound_at) values (${LEADERS_CHAT}, 0, 'leaders', '领导群', now());`);
    tg.createGroup({ id: LEADERS_CHAT, title: '领导群' });
    for (let u = 1; u <= unitCount; u++) tg.createGroup({ id: UNIT_CHAT_BASE - u, title: `市第${u}局工作群` });

    const due = { deadline: '2026-06-11', nextCheck: '2026-06-10T09:00:00+08:00' }; // 1 working day left: the warning at the opening
    const later = { deadline: '2026-12-31', nextCheck: '2026-12-28T09:00:00+08:00' }; // its first warning
    const dueState = templateState(due.deadline);
    const laterState = templateState(later.deadline);
    const opened = new Date('2026-06-01T10:00:00+08:00').toISOString();
    const acked = new Date('2026-06-01T10:10:00+08:00').toISOString();
    // Item g belongs to unit 1 + (g - 1) % units; items 1..dueCount are the due ones (duePerUnit per unit).
    for (let lo = 1; lo <= openItems; lo += 50_000) {
      const hi = Math.min(openItems, lo + 49_999);
      await raw.unsafe(
        `insert into items (code_year, code_number, status, level, instruction, issued_by, drafted_by, deadline, deadline_at,
           source_chat_id, source_thread_id, opened_at, next_check_at, created_at, updated_at, version, state)
         select 2026, g, 'open', 'routine', '第' || g || '项', 2, 2,
           case when g <= ${dueCount} then $1 else $2 end,
           case when g <= ${dueCount} then $3::timestamptz else $4::timestamptz end,
           ${LEADERS_CHAT}, 0, $5::timestamptz,
           case when g <= ${dueCount} then $6::timestamptz else $7::timestamptz end,
           $5::timestamptz, $5::timestamptz, 3,
           jsonb_set((case when g <= ${dueCount} then $8 else $9 end)::text::jsonb, '{units,0,unitId}', to_jsonb(1 + (g - 1) % ${unitCount}))
         from generate_series(${lo}, ${hi}) g`,
        [
          due.deadline,
          later.deadline,
          deadlineInstant(due.deadline, null, TZ)!.toISOString(),
          deadlineInstant(later.deadline, null, TZ)!.toISOString(),
          opened,
          due.nextCheck,
          later.nextCheck,
          dueState,
          laterState,
        ],
      );
    }
    await raw.unsafe(
      `insert into item_units (item_id, unit_id, role, assigned_at, acknowledged_at, item_open)
       select id, 1 + (code_number - 1) % ${unitCount}, 'lead', $1::timestamptz, $2::timestamptz, status = 'open' from items`,
      [opened, acked],
    );
    await raw.unsafe('vacuum (analyze)');
    await raw.unsafe('checkpoint');
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`seeded ${openItems} open items (${dueCount} due) over ${unitCount} units in ${round(seedSeconds, 1)} s`);

    // --- planning: the digest job ------------------------------------------------------------
    const cutoff = morningCutoff(DIGEST_AT, config);
    const [dueRow] = await raw.unsafe<{ n: number }[]>(`select count(*)::int as n from items where next_check_at <= $1::timestamptz`, [cutoff.toISOString()]);
    const dueItems = dueRow?.n ?? 0;
    const totalStarted = performance.now();
    const sweep = { items: 0, reminders: 0, messages: 0, queued: 0, failed: 0, runs: 0 };
    for (;;) {
      const r = await runSweep(deps, { now: cutoff });
      if (r.items === 0) break;
      sweep.runs++;
      sweep.items += r.items;
      sweep.reminders += r.reminders;
      sweep.messages += r.messages;
      sweep.queued += r.queued;
      sweep.failed += r.failed;
    }
    const sweepSeconds = (performance.now() - totalStarted) / 1000;
    const digestStarted = performance.now();
    const digests = await runDailyDigests(deps, { scheduledAt: DIGEST_AT, at: DIGEST_AT });
    const digestSeconds = (performance.now() - digestStarted) / 1000;
    const planningSeconds = (performance.now() - totalStarted) / 1000;
    const outboxRows = await raw.unsafe<{ key: string; chat_id: string }[]>(`select key, chat_id::text from outbox where status = 'pending'`);
    const planned = outboxRows.length;
    log(
      `planned in ${round(planningSeconds)} s (sweep ${round(sweepSeconds)} s in ${sweep.runs} runs: ${sweep.items} items, ${sweep.reminders} reminders, ` +
        `${sweep.queued} lines queued; digests ${round(digestSeconds)} s: ${digests.planned} messages)`,
    );

    // --- sending: one dispatcher, production limits, real clock -------------------------------
    const firstSent = new Map<number, number>(); // chat -> performance.now() of its first accepted send
    const unsubscribe = tg.onCall((call) => {
      if (call.method !== 'sendMessage' || call.status !== 200) return;
      const chat = Number(call.params.chat_id);
      if (!firstSent.has(chat)) firstSent.set(chat, performance.now());
    });
    const dispatcher = createDispatcher({ db: database.db, api: new Api(TOKEN, { apiRoot: tg.apiRoot }), logger: silentLogger, clock: systemClock });
    const sendStarted = performance.now();
    dispatcher.start();
    const giveUp = sendStarted + (planned / 10 + 60) * 1000;
    while (tg.sentMessages().length < planned && performance.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 50));
    const sendSeconds = (performance.now() - sendStarted) / 1000;
    await dispatcher.stop();
    unsubscribe();
    const totalSeconds = (performance.now() - totalStarted) / 1000;

    // --- checks ------------------------------------------------------------------------------
    const unitChats = Array.from({ length: unitCount }, (_, i) => UNIT_CHAT_BASE - (i + 1));
    const lastUnitAt = Math.max(...unitChats.map((c) => firstSent.get(c) ?? Infinity));
    const sentRows = await raw.unsafe<{ key: string; chat_id: string; message_id: string | null }[]>(
      `select key, chat_id::text, message_id::text from outbox where status = 'sent'`,
    );
    const sentKeys = new Set(sentRows.map((r) => r.key));
    const lost = outboxRows.filter((r) => !sentKeys.has(r.key)).length;
    const sentPerChat = new Map<number, number>();
    for (const m of tg.sentMessages()) sentPerChat.set(m.chat.id, (sentPerChat.get(m.chat.id) ?? 0) + 1);
    const plannedPerChat = new Map<number, number>();
    for (const r of outboxRows) plannedPerChat.set(Number(r.chat_id), (plannedPerChat.get(Number(r.chat_id)) ?? 0) + 1);
    let duplicates = 0;
    for (const [chat, n] of sentPerChat) duplicates += Math.max(0, n - (plannedPerChat.get(chat) ?? 0));

    // Each unit group: exactly one message sent, and every notice queued for it bundled into that message's outbox row.
    const notices = await raw.unsafe<{ chat_id: string; waiting: number; keys: string[] }[]>(
      `select chat_id::text, count(*) filter (where bundled_at is null)::int as waiting, array_agg(distinct bundle_key) filter (where bundle_key is not null) as keys
       from notice_queue group by chat_id`,
    );
    const noticesOf = new Map(notices.map((n) => [Number(n.chat_id), n]));
    const keyOfChat = new Map<number, string[]>();
    for (const r of sentRows) keyOfChat.set(Number(r.chat_id), [...(keyOfChat.get(Number(r.chat_id)) ?? []), r.key]);
    let unitsWithOne = 0;
    let unitsWithReminders = 0;
    for (const chat of unitChats) {
      const n = noticesOf.get(chat);
      const keys = keyOfChat.get(chat) ?? [];
      const carried = n !== undefined && n.waiting === 0 && (n.keys ?? []).length === 1 && keys.includes(n.keys[0]!);
      if (carried) unitsWithReminders++;
      if (carried && keys.length === 1 && sentPerChat.get(chat) === 1) unitsWithOne++;
    }
    const [waitingRow] = await raw.unsafe<{ n: number }[]>(`select count(*)::int as n from notice_queue where bundled_at is null`);
    const waitingNotices = waitingRow?.n ?? 0;
    const bundleRows = outboxRows.filter((r) => r.key.startsWith('bundle:')).length;
    const digestRows = outboxRows.filter((r) => r.key.startsWith('digest:')).length;
    const sample = tg.sentMessages(unitChats[0]!)[0];
    if (sample && 'text' in sample) log(`sample morning message to unit 1 (${sample.text?.length ?? 0} chars):\n${sample.text?.slice(0, 600)}`);

    const sends = tg.sendLog.map((e) => e.elapsedMs);
    // The same span by the fake's own send log: first send of the wave to the last unit group's.
    const unitSet = new Set(unitChats);
    const lastUnitLogged = Math.max(...tg.sendLog.filter((e) => unitSet.has(e.chatId)).map((e) => e.elapsedMs));
    const firstSendAt = Math.min(...firstSent.values());
    const sustained = sends.length > 1 ? (sends.length - 1) / ((sends[sends.length - 1]! - sends[0]!) / 1000) : 0;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return {
      units: unitCount,
      openItems,
      dueItems,
      sweepRuns: sweep.runs,
      sweptItems: sweep.items,
      remindersPlanned: sweep.reminders,
      linesQueued: sweep.queued,
      immediateMessages: sweep.messages,
      sweepFailed: sweep.failed,
      morningMessagesPlanned: planned,
      digestMessages: digestRows,
      bundleMessages: bundleRows,
      messagesSent: tg.sentMessages().length,
      waitingNotices,
      unitsWithReminders,
      unitsWithOneMorningMessage: unitsWithOne,
      seedSeconds: round(seedSeconds),
      sweepSeconds: round(sweepSeconds),
      digestSeconds: round(digestSeconds),
      planningSeconds: round(planningSeconds),
      secondsUntilFirstSend: Number.isFinite(firstSendAt) ? round((firstSendAt - sendStarted) / 1000) : -1,
      secondsUntilLastUnit: Number.isFinite(lastUnitAt) ? round((lastUnitAt - sendStarted) / 1000) : -1,
      sendLogFirstToLastUnitSeconds: sends.length > 0 && Number.isFinite(lastUnitLogged) ? round((lastUnitLogged - sends[0]!) / 1000) : -1,
      sendSeconds: round(sendSeconds),
      msgsPerSecond: round(sustained),
      totalSeconds: round(totalSeconds),
      http429: tg.calls.filter((call) => call.status === 429).length,
      violations: tg.limitViolations().length,
      duplicates,
      lost,
      peakRssMb: round(peakRss / 1024 / 1024, 0),
    };
  } finally {
    clearInterval(rssTimer);
    await tg.stop();
    await raw.end({ timeout: 5 });
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runWaveBench();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    process.stdout.write(`wave: ${benchTarget.description}: ${benchTarget.met(figures) ? 'met' : 'NOT met'}\n`);
    for (const [key, value] of Object.entries(figures)) process.stdout.write(`  ${key.padEnd(30)} ${value}\n`);
  }
}
