/**
 * `npm run demo`: one item's whole life, scripted through the sandbox (the real bot and the fake
 * Telegram, no browser), printed as a transcript: a key item (重点督办) with two joint lead units
 * (共同牵头), assigned, acknowledged, warned, nagged, escalated, both results returned, submitted
 * again, verified by the supervision office (调查复核) and confirmed, then a daily digest and the
 * weekly bulletin.
 * The clock jumps from one due moment to the next, so the run takes seconds, not weeks.
 */
import path from 'node:path';
import type { MessageEvent } from '@duban/fake-telegram';
import pino from 'pino';
import { loadConfigOrExit } from '../../../src/config.js';
import { group, persona, type GroupKey, type PersonaKey } from './demo-org.js';
import { startSandbox, type Sandbox } from './sandbox.js';
import { formatMessageEvent, formatTime } from './transcript.js';

/** A Monday morning, so that "下周五" and the week's digests and bulletin read naturally. */
const START = new Date('2026-03-02T09:00:00+08:00');
const INSTRUCTION = '/assign 请市住建局、市城管局共同牵头,于下周五前报送整改方案,列为重点督办。';

type Out = (line: string) => void;

export async function runDemo(options: { dataDir?: string; out?: Out } = {}): Promise<void> {
  const out: Out = options.out ?? ((line) => process.stdout.write(`${line}\n`));
  const env = { ...process.env, BOT_TOKEN: undefined, ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}) };
  const config = loadConfigOrExit(env);
  const logger = pino({ level: process.env.LOG_LEVEL ? config.logLevel : 'error' }, pino.destination(2));
  out('duban demo: starting the bot against the sandbox (the first run creates its embedded database; later runs are quick)…');
  const sandbox = await startSandbox({
    config,
    logger,
    dir: path.join(config.dataDir, 'demo'),
    port: 0,
    fresh: true,
    startAt: START,
  });
  const tz = config.timezone;
  const digestsShown = new Set<number>();
  const print = (event: MessageEvent) => {
    const text = event.message.text ?? '';
    // Daily digests repeat every morning: the first one in each chat in full, later ones in brief.
    if (event.byBot && event.kind === 'new' && /^📋/.test(text)) {
      if (digestsShown.has(event.chatId)) {
        const lines = text.split('\n');
        const brief = { ...event, message: { ...event.message, text: `${lines[0]}（${lines.length} 行，略）` } } as MessageEvent;
        out(`${formatMessageEvent(brief, tz)}\n`);
        return;
      }
      digestsShown.add(event.chatId);
    }
    out(`${formatMessageEvent(event, tz)}\n`);
  };
  const clockMoved = (event: { now: Date; due?: string }) => {
    if (event.due) out(`⏩ clock → ${formatTime(event.now, tz)}: ${event.due} due\n`);
  };
  sandbox.events.on('message', print);
  sandbox.events.on('clock', clockMoved);
  try {
    await script(sandbox, out);
  } finally {
    sandbox.events.off('message', print);
    sandbox.events.off('clock', clockMoved);
    await sandbox.stop();
  }
}

async function script(sandbox: Sandbox, out: Out): Promise<void> {
  const chat = (key: GroupKey) => group(key).id;
  const id = (key: PersonaKey) => persona(key).id;
  const name = (key: PersonaKey) => `${persona(key).firstName}${persona(key).lastName}`;
  const step = (text: string) => out(`\n━━ ${text}\n`);
  const say = (who: PersonaKey, where: GroupKey, text: string, replyTo?: number) =>
    sandbox.sendText({ as: id(who), chatId: chat(where), text, ...(replyTo ? { replyTo } : {}) });
  /** Presses the newest button whose label contains `label` in a chat. */
  const press = async (who: PersonaKey, where: GroupKey, label: string) => {
    const history = sandbox
      .history(chat(where))
      .filter((e) => e.byBot)
      .reverse();
    for (const { message } of history) {
      const button = message.reply_markup?.inline_keyboard.flat().find((b) => b.text.includes(label) && 'callback_data' in b);
      if (button && 'callback_data' in button) {
        step(`${name(who)} presses 「${button.text}」`);
        const answer = await sandbox.press({ as: id(who), chatId: chat(where), messageId: message.message_id, data: button.callback_data });
        if (answer.text) out(`    (toast to ${name(who)}: ${answer.text})\n`);
        return;
      }
    }
    throw new Error(`no button "${label}" in ${group(where).title}`);
  };
  const lastBot = (where: GroupKey) =>
    sandbox
      .history(chat(where))
      .filter((e) => e.byBot)
      .at(-1)!.message;
  const seen = (pattern: RegExp) =>
    [chat('leaders'), chat('housing'), chat('urban'), id('housingHead'), id('urbanHead'), id('supervisor')].some((c) =>
      sandbox.history(c).some((e) => e.byBot && pattern.test(e.message.text ?? e.message.caption ?? '')),
    );
  /** Jumps the clock from one due moment to the next until `until` shows up (at most `max` jumps). */
  const jumpUntil = async (what: string, until: RegExp, max = 40) => {
    for (let i = 0; i < max && !seen(until); i++) await sandbox.advance('next');
    if (!seen(until)) throw new Error(`the demo waited for ${what}, but it never came`);
  };

  step(`${name('leader')} gives an instruction in ${group('leaders').title}`);
  await say('leader', 'leaders', INSTRUCTION);
  await press('leader', 'leaders', '确认交办');
  await press('housingStaff', 'housing', '签收');

  step(`${group('urban').title} has not acknowledged: time passes until the bot nags it`);
  await jumpUntil('the acknowledgement nag', /催签收/);
  step(`${name('urbanStaff')} acknowledges by command`);
  await say('urbanStaff', 'urban', '/ack 1');

  step('Time passes: the warning before the deadline');
  await jumpUntil('the deadline warning', /到期预警/);
  step('The deadline passes: overdue nags, then escalation up the ladder');
  await jumpUntil('an overdue nag', /催办（第/);
  await jumpUntil('the escalation to the leaders', /督办升级 · 第3级/, 80);

  step(`${name('urbanStaff')} submits 城管局's own result (joint lead units each submit one)`);
  await say('urbanStaff', 'urban', '/result 1 城管局部分：已完成占道整治，附清单。');
  step(`${name('housingStaff')} submits 住建局's result with a file: both results are in, the leaders are asked`);
  await sandbox.sendFile({
    as: id('housingStaff'),
    chatId: chat('housing'),
    content: Buffer.from('整改方案（示例）\n一、现状\n二、措施\n三、时间表\n'),
    fileName: '整改方案.txt',
    mimeType: 'text/plain',
    caption: '/result 1 整改方案已完成，请审阅。',
  });
  await press('leader', 'leaders', '退回');
  step(`${name('leader')} replies with the reason`);
  await say('leader', 'leaders', '请补充资金测算。', lastBot('leaders').message_id);
  step('The return went back to both lead units: each submits again');
  await say('housingStaff', 'housing', '/result 1 已补充资金测算，方案定稿。');
  await say('urbanStaff', 'urban', '/result 1 城管局部分已补充资金测算。');
  step(`A key item's result is verified by the supervision office first (调查复核): ${name('supervisor')} checks it on site`);
  await sandbox.sendText({ as: id('supervisor'), chatId: id('supervisor'), text: '/verify 1 属实 现场核实：整改方案已定稿，占道整治已完成。' });
  step(`${name('leader')} confirms the result, with a response (回音)`);
  await say('leader', 'leaders', '/confirm 1 同意，请抓紧组织实施。');

  step('The next morning: the daily digest');
  const digestsBefore = sandbox.history(chat('leaders')).filter((e) => /每日督办摘要/.test(e.message.text ?? '')).length;
  for (let i = 0; i < 10; i++) {
    await sandbox.advance('next');
    if (sandbox.history(chat('leaders')).filter((e) => /每日督办摘要/.test(e.message.text ?? '')).length > digestsBefore) break;
  }
  step('Monday morning: the weekly bulletin with its chart');
  const bulletinsBefore = sandbox.history(chat('leaders')).filter((e) => /督办通报/.test(e.message.text ?? e.message.caption ?? '')).length;
  for (let i = 0; i < 10; i++) {
    await sandbox.advance('next');
    if (sandbox.history(chat('leaders')).filter((e) => /督办通报/.test(e.message.text ?? e.message.caption ?? '')).length > bulletinsBefore) break;
  }
  step('Done: the item has a result and a response (事事有结果、件件有回音).');
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  runDemo().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`duban demo failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
