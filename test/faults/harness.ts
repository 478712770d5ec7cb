/**
 * The fault suite's harness: the bot as a real child process (`node --import tsx src/main.ts`,
 * what `npm start` runs), the fake Bot API in the test process behind a gateway the test can cut,
 * slow down or count per process, and waits that end on events (a log line, a call, a row) with
 * a bound, never on a fixed sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startFakeTelegram, type FakeTelegram } from '@duban/fake-telegram';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Resolves when `check()` holds (polled every 20 ms); rejects after `timeoutMs` naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The fake Bot API of one bot token, listening on loopback. */
export async function fakeTelegram(token: string): Promise<FakeTelegram> {
  return startFakeTelegram({ token, botUsername: 'duban_faults_bot', botFirstName: '督办' });
}

// ------------------------------------------------------------------------------------------------
// The gateway: what one bot process sees as the Bot API
// ------------------------------------------------------------------------------------------------

/** One request the bot made through a gateway. */
export type GatewayCall = {
  method: string;
  /** JSON body (the bot sends JSON for everything but uploads). */
  params: Record<string, unknown>;
  receivedAt: number;
  /** Telegram's HTTP status; 0 while unanswered or when the gateway cut it. */
  status: number;
  /** When the answer reached the bot; null when it never did (the bot died, or the gateway went down). */
  answeredAt: number | null;
  /** The upstream (fake Telegram) carried the call out, whatever the bot heard. */
  applied: boolean;
  /** Number of updates in a getUpdates answer. */
  updates?: number;
};

export type GatewayMode = 'up' | 'refuse' | '502';

/**
 * An HTTP proxy in front of the fake Bot API: each bot process gets its own (so a test can tell
 * which process polled and which sent), and the test can take it down (`refuse`: the port stops
 * listening and open connections are cut, as when the network or Telegram is away; `502`: nginx's
 * Bad Gateway page for every call) and hold answers back (`delayAnswers`) so that sends are on the
 * wire — executed by Telegram, not yet confirmed to the bot — when the bot is killed.
 */
export class Gateway {
  readonly calls: GatewayCall[] = [];
  /** Requests read from the bot and not yet answered by the fake Telegram. */
  #forwarding = 0;
  #server: Server | null = null;
  #port = 0;
  #sockets = new Set<Socket>();
  #mode: GatewayMode = 'up';
  #delay: (method: string) => number = () => 0;

  constructor(private readonly upstream: string) {}

  get apiRoot(): string {
    if (this.#port === 0) throw new Error('the gateway has never listened; call up() first');
    return `http://127.0.0.1:${this.#port}`;
  }

  get mode(): GatewayMode {
    return this.#mode;
  }

  /** Reserves a port without listening on it (a bot started now finds the Bot API unreachable). */
  async reservePort(): Promise<void> {
    await this.up();
    await this.down();
  }

  /** Listens (on the same port as before, if it listened before). */
  async up(): Promise<void> {
    this.#mode = 'up';
    if (this.#server) return;
    // (A request cut mid-body by the bot dying ends here: nothing to answer.)
    const server = createServer((req, res) => void this.#handle(req, res).catch(() => res.destroy()));
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and cuts every open connection: the Bot API is unreachable. */
  async down(): Promise<void> {
    this.#mode = 'refuse';
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** Answers every call with 502 Bad Gateway (as Telegram's front end does when it is in trouble). */
  async badGateway(): Promise<void> {
    await this.up();
    this.#mode = '502';
  }

  /** Holds the answers of the named methods back this long after Telegram carried them out. */
  delayAnswers(delay: (method: string) => number): void {
    this.#delay = delay;
  }

  /**
   * Resolves when every request the bot wrote has reached the fake Telegram and been carried out:
   * after a kill, requests still in the socket buffers arrive a moment later. Resolves when
   * nothing has been read or forwarded for `quietMs`.
   */
  async settled(quietMs = 300, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    let since = Date.now();
    while (Date.now() < deadline) {
      if (this.#forwarding > 0 || this.calls.length !== seen) {
        seen = this.calls.length;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Calls whose answer never reached the bot although Telegram carried them out. */
  unanswered(method: string): GatewayCall[] {
    return this.calls.filter((c) => c.method === method && c.applied && c.answeredAt === null);
  }

  callsTo(method: string): GatewayCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async close(): Promise<void> {
    await this.down();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = /\/bot[^/]+\/([A-Za-z0-9_]+)/.exec(req.url ?? '')?.[1] ?? '';
    let params: Record<string, unknown> = {};
    if (String(req.headers['content-type'] ?? '').includes('json')) {
      try {
        params = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        params = {};
      }
    }
    const call: GatewayCall = { method, params, receivedAt: Date.now(), status: 0, answeredAt: null, applied: false };
    this.calls.push(call);
    if (this.#mode === '502') {
      const page = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
      call.status = 502;
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) });
      res.end(page, () => (call.answeredAt = Date.now()));
      return;
    }
    // The bot going away while its long poll waits ends the upstream poll too (a send, like
    // Telegram's, is carried out whether or not the bot is still there for the answer).
    const upstreamAbort = new AbortController();
    if (method === 'getUpdates') {
      res.on('close', () => {
        if (!res.writableFinished) upstreamAbort.abort();
      });
    }
    let answer: { status: number; headers: Record<string, string>; body: Buffer };
    this.#forwarding++;
    try {
      answer = await forward(this.upstream, req, body, upstreamAbort.signal);
    } catch {
      if (!res.destroyed) res.destroy();
      return;
    } finally {
      this.#forwarding--;
    }
    call.applied = answer.status === 200;
    call.status = answer.status;
    if (method === 'getUpdates' && answer.status === 200) {
      call.updates = ((JSON.parse(answer.body.toString('utf8')) as { result: unknown[] }).result ?? []).length;
    }
    const delay = this.#delay(method);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (res.destroyed || this.#mode !== 'up') {
      res.destroy();
      return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body, () => {
      if (!res.destroyed) call.answeredAt = Date.now();
    });
  }
}

function forward(
  upstream: string,
  req: IncomingMessage,
  body: Buffer,
  signal: AbortSignal,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const target = new URL(req.url ?? '/', upstream);
    const out = httpRequest(
      target,
      {
        method: req.method,
        headers: { ...req.headers, host: target.host, connection: 'keep-alive', 'content-length': String(body.length) },
        signal,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(incoming.headers)) if (typeof v === 'string' && k !== 'connection' && k !== 'keep-alive') headers[k] = v;
          resolve({ status: incoming.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
        incoming.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

export async function gatewayTo(tg: FakeTelegram, options: { listening?: boolean } = {}): Promise<Gateway> {
  const gateway = new Gateway(tg.apiRoot);
  if (options.listening === false) await gateway.reservePort();
  else await gateway.up();
  return gateway;
}

// ------------------------------------------------------------------------------------------------
// The bot process
// ------------------------------------------------------------------------------------------------

export type LogLine = { level: number; time: number; msg: string; [key: string]: unknown };

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number };

/** `npm start`'s entry point as a child process, with its JSON log lines read as they come. */
export class BotProcess {
  readonly lines: LogLine[] = [];
  stderr = '';
  /** Stdout that was not a JSON log line (a crash trace, a console.error). */
  readonly otherOutput: string[] = [];
  readonly exited: Promise<Exit>;
  exit: Exit | null = null;
  readonly startedAt = Date.now();
  readonly child: ChildProcess;
  #listeners = new Set<(line: LogLine) => void>();

  constructor(env: Record<string, string>, options: { preload?: Record<string, string> } = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...cleanEnv(), LOG_LEVEL: 'info', ...options.preload, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const text of parts) {
        if (!text.trim()) continue;
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          this.otherOutput.push(text);
          continue;
        }
        this.lines.push(line);
        for (const listener of this.#listeners) listener(line);
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      this.exit = { code: code as number | null, signal: signal as NodeJS.Signals | null, at: Date.now() };
      return this.exit;
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exit === null;
  }

  /** The first log line (already written or to come) matching `match`; rejects after `timeoutMs` or when the process exits first. */
  waitForLine(match: RegExp | ((line: LogLine) => boolean), timeoutMs = 30_000, since = 0): Promise<LogLine> {
    const test = typeof match === 'function' ? match : (line: LogLine) => match.test(line.msg);
    const found = this.lines.slice(since).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, line?: LogLine) => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        if (error) reject(error);
        else resolve(line!);
      };
      const listener = (line: LogLine) => {
        if (test(line)) done(null, line);
      };
      const timer = setTimeout(
        () => done(new Error(`timed out after ${timeoutMs} ms waiting for a log line ${String(match)}; last lines:\n${this.tail()}`)),
        timeoutMs,
      );
      this.#listeners.add(listener);
      void this.exited.then((exit) =>
        done(new Error(`the bot exited (${exit.code ?? exit.signal}) before logging ${String(match)}; last lines:\n${this.tail()}`)),
      );
    });
  }

  /**
   * Resolves once the bot is up: polling or serving (or, as a worker, not) and its scheduler
   * started, the last step of start-up. (main.ts installs its SIGTERM handler just after, with no
   * line to say so: a SIGTERM in that moment ends the process without a clean stop.)
   */
  async ready(timeoutMs = 60_000): Promise<LogLine> {
    await this.waitForLine(/^bot started|^worker:/, timeoutMs);
    return this.waitForLine(/^scheduler started/, timeoutMs);
  }

  linesMatching(match: RegExp, from = 0): LogLine[] {
    return this.lines.slice(from).filter((l) => match.test(l.msg));
  }

  tail(count = 12): string {
    const last = this.lines.slice(-count).map((l) => `  ${l.level} ${l.msg}${l.err ? ` (${(l.err as { message?: string }).message})` : ''}`);
    return [...last, ...this.otherOutput.slice(-5).map((t) => `  [stdout] ${t}`), this.stderr ? `  [stderr] ${this.stderr.slice(-800)}` : ''].join('\n');
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  /** SIGTERM, then the exit; SIGKILL if it has not exited after `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<Exit> {
    if (!this.alive) return this.exit!;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

/** The test runner's environment without what would change the bot's settings. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(BOT_|DATABASE_URL|DATA_DIR|ROLE|WEBHOOK_|METRICS_|PORT$|HOST$|ADMIN_IDS|DUBAN_CONFIG|LOG_LEVEL|VITEST|NODE_OPTIONS)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** Every bot process a test started, killed (SIGKILL) in afterEach if still alive. */
export class Processes {
  readonly all: BotProcess[] = [];
  start(env: Record<string, string>, options: { preload?: Record<string, string> } = {}): BotProcess {
    const bot = new BotProcess(env, options);
    this.all.push(bot);
    return bot;
  }
  async killAll(): Promise<void> {
    for (const bot of this.all.splice(0)) {
      if (bot.alive) {
        bot.kill('SIGKILL');
        await bot.exited;
      }
    }
  }
}

/** One line per case with its figures, for the CI log and the report. */
export function report(what: string, figures: Record<string, unknown>): void {
  process.stdout.write(`[faults] ${what}: ${JSON.stringify(figures)}\n`);
}

/**
 * What one test starts (fake Bot APIs, gateways, scratch databases, bot processes), stopped and
 * removed in reverse order when the test finishes. Tests of the suite run concurrently (they
 * mostly wait on real time), so nothing is shared between them.
 */
export class Scope {
  readonly #cleanups: (() => Promise<void>)[] = [];
  readonly processes = new Processes();

  constructor(onTestFinished: (fn: () => Promise<void>, timeout?: number) => void) {
    onTestFinished(() => this.close(), 60_000);
  }

  defer(cleanup: () => Promise<void>): void {
    this.#cleanups.push(cleanup);
  }

  async telegram(token: string): Promise<FakeTelegram> {
    const tg = await fakeTelegram(token);
    this.defer(() => tg.stop());
    return tg;
  }

  async gateway(tg: FakeTelegram, options: { listening?: boolean } = {}): Promise<Gateway> {
    const gateway = await gatewayTo(tg, options);
    this.defer(() => gateway.close());
    return gateway;
  }

  async close(): Promise<void> {
    await this.processes.killAll();
    for (const cleanup of this.#cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => process.stderr.write(`[faults] cleanup failed: ${String(error)}\n`));
    }
  }
}
