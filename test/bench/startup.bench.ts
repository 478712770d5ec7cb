/**
 * Start-up benchmark: how long a newcomer waits. Each case starts the real entry point as its
 * own process (`node --import tsx`, what `npm start` / `npm run demo` run, without npm's own
 * ~0.3 s) twice on the embedded database (PGlite), first in a fresh data directory, then again in
 * the same one:
 *
 *   sandbox  no BOT_TOKEN: until the page answers HTTP (httpMs), and until the bot behind it is
 *            ready (readyMs, its "duban sandbox: ready." line)
 *   bot      BOT_TOKEN against the project's fake Bot API in this process, a /start already
 *            waiting: until getMe (getMeMs) and until /start is answered (answerMs)
 *   demo     `npm run demo` until it exits (a whole scripted item; set STARTUP_DEMO=0 to skip)
 *
 * Each process's CPU time until it was ready is reported too (cpuMs, from /proc): the wall-clock
 * figures grow with whatever else the machine is doing, the CPU time hardly; so is the load average.
 * STARTUP_PROFILE_DIR=dir runs the processes with node --cpu-prof into dir.
 *
 *   npm run bench -- --only=startup      npx tsx test/bench/startup.bench.ts (this section alone)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startFakeTelegram } from '@duban/fake-telegram';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = '7100000001:STARTUP-bench-token';
/** What `npm start` runs: the bot with BOT_TOKEN, the sandbox without. */
const START = 'apps/sandbox/src/start.ts';
/** Generous: a first start on a loaded machine took 15 s and more before this was worked on. */
const TIMEOUT_MS = 120_000;

type Figures = Record<string, number>;

function spawnEntry(entry: string, env: Record<string, string | undefined>): ChildProcess {
  const childEnv: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: 'warn', ...env };
  // The embedded database is what is measured, whatever the caller's environment says.
  delete childEnv.DATABASE_URL;
  if (env.BOT_TOKEN === undefined) delete childEnv.BOT_TOKEN;
  const profile = process.env.STARTUP_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.STARTUP_PROFILE_DIR)}`] : [];
  return spawn(process.execPath, [...profile, '--import', 'tsx', entry], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * CPU milliseconds the process has used so far (user + system, all its threads), from /proc:
 * unlike the wall-clock figures, this hardly depends on what else the machine is doing. NaN where
 * there is no /proc.
 */
function cpuMs(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Resolves with the first match of `pattern` in the stream's text so far; rejects when the process exits first. */
function waitForOutput(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = text.match(pattern);
      if (match) {
        child[stream]!.off('data', onData);
        child.off('exit', onExit);
        resolve(match);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`the process exited (${code}) before ${pattern}: ${text.slice(-500)}`));
    child[stream]!.on('data', onData);
    child.once('exit', onExit);
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function firstAnswer(url: string, started: number): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return performance.now() - started;
    } catch {
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`${url} did not answer`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** One sandbox start in dataDir: ms until the page answers, and until the bot is ready. */
export async function startSandboxOnce(dataDir: string): Promise<{ httpMs: number; readyMs: number; cpuMs: number }> {
  const started = performance.now();
  const child = spawnEntry(START, { DATA_DIR: dataDir, SANDBOX_PORT: '0' });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  try {
    const ready = waitForOutput(child, 'stderr', /duban sandbox: ready\./).then(() => ({ readyMs: performance.now() - started, cpuMs: cpuMs(child) }));
    ready.catch(() => {});
    const [, url] = await waitForOutput(child, 'stdout', /duban sandbox: (http\S+)/);
    const httpMs = await firstAnswer(url!, started);
    return { httpMs, ...(await ready) };
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${stderr.join('')}`);
  } finally {
    await stop(child);
  }
}

/** One bot start in dataDir with a /start waiting: ms until getMe, and until /start is answered. */
export async function startBotOnce(dataDir: string): Promise<{ getMeMs: number; answerMs: number; cpuMs: number }> {
  const tg = await startFakeTelegram({ token: TOKEN, botUsername: 'duban_startup_bot' });
  const admin = tg.createUser({ firstName: 'Admin' });
  tg.sendText({ from: admin, chat: 'private', text: '/start' });
  const started = performance.now();
  const child = spawnEntry(START, { BOT_TOKEN: TOKEN, BOT_API_ROOT: tg.apiRoot, ADMIN_IDS: String(admin.id), DATA_DIR: dataDir });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the bot exited (${code}): ${stderr.join('')}`))));
  exited.catch(() => {});
  try {
    await Promise.race([tg.waitFor('getMe', { timeoutMs: TIMEOUT_MS }), exited]);
    const getMeMs = performance.now() - started;
    await Promise.race([tg.waitFor('sendMessage', { timeoutMs: TIMEOUT_MS }), exited]);
    return { getMeMs, answerMs: performance.now() - started, cpuMs: cpuMs(child) };
  } finally {
    await stop(child);
    await tg.stop();
  }
}

/** One `npm run demo` in dataDir: ms until it exits. */
export async function runDemoOnce(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawnEntry('apps/sandbox/src/demo.ts', { DATA_DIR: dataDir });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  child.stdout!.resume();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the demo exited with ${code}: ${stderr.join('')}`);
  return performance.now() - started;
}

async function twice<T>(label: string, once: (dataDir: string) => Promise<T>): Promise<[T, T]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `duban-startup-${label}-`));
  try {
    const first = await once(dataDir);
    const second = await once(dataDir);
    return [first, second];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (ms: number) => Math.round(ms);

export async function runStartupBench(): Promise<Figures> {
  const figures: Figures = { loadAverageBefore: Math.round(loadavg()[0]! * 100) / 100 };
  const [s1, s2] = await twice('sandbox', startSandboxOnce);
  Object.assign(figures, {
    sandboxFirstHttpMs: round(s1.httpMs),
    sandboxFirstReadyMs: round(s1.readyMs),
    sandboxSecondHttpMs: round(s2.httpMs),
    sandboxSecondReadyMs: round(s2.readyMs),
    sandboxFirstCpuMs: s1.cpuMs,
    sandboxSecondCpuMs: s2.cpuMs,
  });
  const [b1, b2] = await twice('bot', startBotOnce);
  Object.assign(figures, {
    botFirstGetMeMs: round(b1.getMeMs),
    botFirstAnswerMs: round(b1.answerMs),
    botSecondGetMeMs: round(b2.getMeMs),
    botSecondAnswerMs: round(b2.answerMs),
    botFirstCpuMs: b1.cpuMs,
    botSecondCpuMs: b2.cpuMs,
  });
  if (process.env.STARTUP_DEMO !== '0') {
    const [d1, d2] = await twice('demo', runDemoOnce);
    Object.assign(figures, { demoFirstMs: round(d1), demoSecondMs: round(d2) });
  }
  figures.loadAverageAfter = Math.round(loadavg()[0]! * 100) / 100;
  return figures;
}

export const benchTarget = {
  description: 'a first start in a fresh data directory answers within 5 s (sandbox page ready, bot /start answered)',
  met: (f: Figures) => f.sandboxFirstReadyMs! < 5_000 && f.botFirstAnswerMs! < 5_000,
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runStartupBench();
  for (const [key, value] of Object.entries(figures)) process.stdout.write(`${key.padEnd(24)} ${value}\n`);
}
