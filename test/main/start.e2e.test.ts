import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, User } from 'grammy/types';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';

const TOKEN = '7100000001:START-test-token';

/** Starts `npm start`'s entry point as its own process, as a newcomer would run it. */
function startBot(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function stopBot(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('npm start against a Bot API server, on the embedded database', () => {
  let tg: FakeTelegram;
  let dataDir: string;
  let admin: User;
  let group: Chat;

  beforeAll(async () => {
    tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_start_bot' });
    admin = tg.createUser({ firstName: 'Admin' });
    group = tg.createGroup({ title: '领导群', members: [admin] });
    dataDir = mkdtempSync(path.join(tmpdir(), 'duban-start-'));
  });
  afterAll(async () => {
    await tg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({ BOT_TOKEN: TOKEN, BOT_API_ROOT: tg.apiRoot, ADMIN_IDS: String(admin.id), DATA_DIR: dataDir });
  const reply = async (text: string) => {
    const since = tg.calls.length;
    tg.sendText({ from: admin, chat: group.id, text });
    const call = await tg.waitFor((c) => c.method === 'sendMessage' && c.seq > (tg.calls[since - 1]?.seq ?? 0), { timeoutMs: 30_000 });
    return String((call.params as { text: string }).text);
  };

  it('answers /start in a group, keeps its data in DATA_DIR across a restart, and stops cleanly on SIGTERM', async () => {
    let child = startBot(env());
    await tg.waitFor('getUpdates', { timeoutMs: 120_000 });
    expect(await reply('/start')).toContain('督办机器人');
    expect(await reply('/unit add 市住房和城乡建设局 住建局')).toContain('已登记单位');
    expect(await stopBot(child)).toBe(0);

    child = startBot(env());
    const before = tg.calls.length;
    await tg.waitFor((c) => c.method === 'getUpdates' && c.seq > tg.calls[before - 1]!.seq, { timeoutMs: 120_000 });
    expect(await reply('/unit list')).toContain('市住房和城乡建设局</b>（住建局）');
    expect(await stopBot(child)).toBe(0);
  }, 300_000);
});
