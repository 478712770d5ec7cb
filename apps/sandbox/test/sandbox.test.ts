import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '@duban/fake-telegram';
import { group, persona } from '../src/demo-org.js';
import type { AdvanceResult, Sandbox, SandboxInfo } from '../src/sandbox.js';
import { callApi, SANDBOX_START, startTestSandbox, type TestSandbox } from './sandbox-fixture.js';

const leader = persona('leader').id;
const housingStaff = persona('housingStaff').id;
const urbanStaff = persona('urbanStaff').id;
const leaders = group('leaders').id;
const housing = group('housing').id;

function buttons(message: Message): { text: string; data: string }[] {
  return (message.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ({ text: b.text, data: 'callback_data' in b ? b.callback_data! : '' }));
}

describe('the sandbox', () => {
  let t: TestSandbox;
  let sb: Sandbox;

  const history = async (chatId: number) => (await callApi<{ messages: HistoryEntry[] }>(sb, 'GET', `/chats/${chatId}/messages`)).body.messages;
  const botMessages = async (chatId: number) => (await history(chatId)).filter((e) => e.byBot).map((e) => e.message);
  const lastBot = async (chatId: number) => (await botMessages(chatId)).at(-1)!;
  const say = (as: number, chatId: number, text: string) => callApi<{ message: Message }>(sb, 'POST', `/chats/${chatId}/messages`, { as, text });
  const press = (as: number, chatId: number, message: Message, label: string) => {
    const button = buttons(message).find((b) => b.text.includes(label));
    if (!button) throw new Error(`no button ${label} on ${message.text}`);
    return callApi<{ answer: { text?: string }; error?: string }>(sb, 'POST', `/chats/${chatId}/messages/${message.message_id}/press`, {
      as,
      data: button.data,
    });
  };

  beforeAll(async () => {
    t = await startTestSandbox();
    sb = t.sandbox;
  }, 240_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(new URL(sb.url).hostname).toBe('127.0.0.1');
    const page = await fetch(sb.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/app.js');
    const port = Number(new URL(sb.url).port);
    const outside = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    for (const address of outside) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: address, port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
      expect(refused, `port ${port} answered on ${address}`).toBe(true);
    }
  });

  it('refuses a bot token other than its own with 401, as Telegram does', async () => {
    const foreign = await fetch(`${sb.url}bot123456:not-the-sandbox-token/getMe`);
    expect(foreign.status).toBe(401);
    expect(await foreign.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    expect((await fetch(`${sb.url}file/bot123456:nope/documents/file_1.txt`)).status).toBe(401);
    const own = await fetch(`${sb.url}bot${sb.token}/getMe`);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { result: { username: string } }).result.username).toBe('duban_sandbox_bot');
  });

  it('refuses requests for another host name (DNS rebinding) and POSTs without the page’s header', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('api/state', sb.url), { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(421);
    const res = await fetch(new URL('api/reset', sb.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
  });

  it('seeds the demo organisation on its first start: people, two units with groups, the leaders group, a supervisor and the discipline group', async () => {
    const { body: info } = await callApi<SandboxInfo>(sb, 'GET', '/state');
    expect(info.status).toBe('ready');
    expect(info.people.map((p) => p.role)).toEqual(['leader', 'staff', 'head', 'staff', 'head', 'stranger', 'supervisor']);
    expect(info.groups.map((g) => `${g.title}:${g.kind}`)).toEqual([
      '市领导督办群:leaders',
      '市住房和城乡建设局:unit',
      '市城市管理执法局:unit',
      '市纪委监委:discipline',
    ]);
    const supervisor = info.people.find((p) => p.role === 'supervisor')!.id;
    await say(supervisor, leaders, '/whoami');
    expect((await lastBot(leaders)).text).toContain('督查员');
    expect(info.privateChats).toContain(leader);
    expect(new Date(info.now).getTime() - SANDBOX_START.getTime()).toBeLessThan(10 * 60_000);

    await say(leader, leaders, '/whoami');
    expect((await lastBot(leaders)).text).toMatch(/管理员/);
    await say(housingStaff, housing, '/whoami');
    expect((await lastBot(housing)).text).toContain('市住房和城乡建设局');
  });

  it('acts as a person and answers once the bot has handled it: /assign gives a draft card', async () => {
    const { status, body } = await say(leader, leaders, '/assign 请市住建局牵头,市城管局配合,于下周五前报送整改方案。');
    expect(status).toBe(200);
    expect(body.message.from?.id).toBe(leader);
    const draft = await lastBot(leaders);
    expect(draft.text).toContain('交办草稿');
    expect(draft.text).toContain('办理时限：2026-03-13');
    expect(buttons(draft).map((b) => b.text)).toContain('✅ 确认交办');
  });

  it('presses a button and returns the bot’s answer; each unit group gets its card', async () => {
    const { body } = await press(leader, leaders, await lastBot(leaders), '确认交办');
    expect(body.answer.text).toContain('督办〔2026〕1号');
    const card = await lastBot(housing);
    expect(card.text).toContain('督办〔2026〕1号');
    expect(buttons(card).map((b) => b.text)).toContain('✅ 签收');
  });

  it('refuses what a person could not do in Telegram: a group they are not in, another’s private chat, a button that is gone', async () => {
    expect((await say(urbanStaff, housing, '/ack 1')).status).toBe(403);
    expect((await say(leader, housingStaff, 'hello')).status).toBe(403);
    const draft = (await botMessages(leaders)).find((m) => m.text?.includes('已交办'))!;
    const gone = await callApi<{ error: string }>(sb, 'POST', `/chats/${leaders}/messages/${draft.message_id}/press`, { as: leader, data: 'dok:1:0:1' });
    expect(gone).toEqual({ status: 409, body: { error: 'button_gone' } });
  });

  it('takes a file from a person and serves the files of a chat for download', async () => {
    const content = Buffer.from('整改方案（草稿）');
    const query = new URLSearchParams({ as: String(housingStaff), name: '整改方案.txt', caption: '/progress 1 方案初稿已完成' });
    const res = await fetch(new URL(`api/chats/${housing}/files?${query}`, sb.url), {
      method: 'POST',
      headers: { 'x-sandbox': '1', 'content-type': 'text/plain' },
      body: content,
    });
    expect(res.status).toBe(200);
    const { message } = (await res.json()) as { message: Message };
    expect(message.document?.file_name).toBe('整改方案.txt');
    expect((await lastBot(housing)).text).toContain('进展已记录');
    const download = await fetch(new URL(`api/files/${message.document!.file_id}`, sb.url));
    expect(Buffer.from(await download.arrayBuffer())).toEqual(content);
    expect(download.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('整改方案.txt')}`);
  });

  it('streams what happens in the chats as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(new URL('api/events', sb.url), { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let received = '';
    const seen = (async () => {
      while (!received.includes('"text":"/help"') || !received.includes('"byBot":true')) {
        const { value, done } = await reader.read();
        if (done) break;
        received += Buffer.from(value).toString('utf8');
      }
    })();
    await say(leader, leaders, '/help');
    await seen;
    controller.abort();
    expect(received).toContain('event: message');
  });

  it('jumps to the next moment something is due and runs it: the afternoon bundle, then the next morning’s message', async () => {
    const first = (await callApi<AdvanceResult>(sb, 'POST', '/clock', { step: 'next' })).body;
    expect(first.ran[0]).toEqual({ at: new Date('2026-03-02T15:00:00+08:00').toISOString(), kind: 'bundle' });
    const ran: AdvanceResult['ran'] = [];
    for (let i = 0; i < 5 && !ran.some((r) => r.kind === 'digest'); i++)
      ran.push(...(await callApi<AdvanceResult>(sb, 'POST', '/clock', { step: 'next' })).body.ran);
    expect(ran.find((r) => r.kind === 'digest')).toEqual({ at: new Date('2026-03-03T08:30:00+08:00').toISOString(), kind: 'digest' });
    expect((await lastBot(leaders)).text).toContain('每日督办摘要 2026-03-03');
  });

  it('moves the clock by an hour or a day, running what falls due on the way, in order', async () => {
    const hour = (await callApi<AdvanceResult>(sb, 'POST', '/clock', { step: 'hour' })).body;
    expect(new Date(hour.to).getTime() - new Date(hour.from).getTime()).toBeGreaterThanOrEqual(3600_000);
    expect(new Date(hour.to).getTime() - new Date(hour.from).getTime()).toBeLessThan(3600_000 + 30_000);
    const day = (await callApi<AdvanceResult>(sb, 'POST', '/clock', { step: 'day' })).body;
    expect(new Date(day.to).getTime() - new Date(day.from).getTime()).toBeGreaterThanOrEqual(86_400_000);
    const times = day.ran.map((r) => new Date(r.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // 城管局 has not acknowledged for 16 working hours by now: the sweep nagged it.
    expect(day.ran.some((r) => r.kind === 'reminder')).toBe(true);
    expect((await botMessages(group('urban').id)).some((m) => m.text?.includes('催签收'))).toBe(true);
    expect((await callApi(sb, 'POST', '/clock', { step: 'week' })).status).toBe(400);
  });

  it('keeps the chats, their message ids and the clock across a restart, and the old buttons still work', async () => {
    const before = await history(housing);
    const clockBefore = sb.clock.now().getTime();
    sb = await t.restart();
    const after = await history(housing);
    expect(after.map((e) => [e.message.message_id, e.byBot, e.message.text ?? e.message.caption, e.message.reply_markup])).toEqual(
      before.map((e) => [e.message.message_id, e.byBot, e.message.text ?? e.message.caption, e.message.reply_markup]),
    );
    expect(Math.abs(sb.clock.now().getTime() - clockBefore)).toBeLessThan(120_000);

    const urban = group('urban').id;
    const card = (await botMessages(urban)).find((m) => buttons(m).some((b) => b.text === '✅ 签收'))!;
    const { body } = await press(urbanStaff, urban, card, '签收');
    expect(body.answer.text).toContain('市城市管理执法局 已签收');
    const edited = (await history(urban)).find((e) => e.message.message_id === card.message_id)!.message;
    expect(edited.text).toContain('（配合）✅ 已签收');
    const count = (await botMessages(leaders)).length;
    await say(leader, leaders, '/whoami');
    expect((await botMessages(leaders)).length).toBe(count + 1);
  }, 120_000);

  it('resets to a fresh database and empty chats, with the demo organisation seeded again', async () => {
    expect((await callApi(sb, 'POST', '/reset')).status).toBe(200);
    expect(await history(housing)).toEqual([]);
    expect(Math.abs(sb.clock.now().getTime() - SANDBOX_START.getTime())).toBeLessThan(10 * 60_000);
    await say(leader, leaders, '/assign 请市城管局牵头,于3月31日前完成。');
    await press(leader, leaders, await lastBot(leaders), '确认交办');
    expect((await lastBot(group('urban').id)).text).toContain('督办〔2026〕1号');
  }, 120_000);
});
