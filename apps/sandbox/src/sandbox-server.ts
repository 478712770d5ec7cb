/**
 * The sandbox's HTTP face, on loopback only: the page (static files), a small JSON API the page
 * uses to act as people and move the clock, a server-sent event stream of what happens, and the
 * fake Telegram Bot API for the bot itself (`/bot<token>/…`, `/file/bot<token>/…`).
 *
 * Whoever can reach the API can act as anyone in the demo organisation, so besides listening on
 * 127.0.0.1 it refuses requests addressed to another host name (DNS rebinding) and POSTs without
 * the page's own header (another site's form or fetch cannot add it without a preflight, which is
 * never granted).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { FakeTelegram } from '@duban/fake-telegram';
import { pageScript } from './page-bundle.js';
import type { Sandbox, SandboxEvents } from './sandbox.js';
import { SandboxError } from './sandbox.js';

const PUBLIC_DIR = new URL('./public/', import.meta.url);
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  // Not a file: public/app.ts bundled in memory (page-bundle.ts).
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};
/**
 * Noto Sans SC from the package the bulletin chart uses, for machines without a CJK font (the page
 * names it last, so a browser that has PingFang, YaHei or Noto never downloads it).
 */
const require = createRequire(import.meta.url);
const FONTS: Record<string, string> = {
  '/fonts/noto-sans-sc-400.ttf': require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
  '/fonts/noto-sans-sc-700.ttf': require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
};
const MAX_UPLOAD = 20 * 1024 * 1024;
const UNAUTHORIZED = JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' });

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function createRequestHandler(getSandbox: () => Sandbox | undefined, getTg: () => FakeTelegram | undefined): Handler {
  // Bundled while the bot starts, so the page's first request for it does not wait; a failure
  // shows as a 500 on /app.js.
  pageScript().catch(() => {});
  return (req, res) => {
    const sandbox = getSandbox();
    if (!sandbox) return sendJson(res, 503, { error: 'starting' });
    handle(sandbox, getTg, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof SandboxError) return sendJson(res, error.status, { error: error.code });
      sendJson(res, 500, { error: 'internal', detail: String((error as Error)?.message ?? error) });
    });
  };
}

async function handle(sandbox: Sandbox, getTg: () => FakeTelegram | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.local');
  if (!hostAllowed(req.headers.host, sandbox.url)) return sendJson(res, 421, { error: 'wrong_host' });

  // The Bot API, for the bot: only the sandbox's own token, as Telegram answers a wrong one.
  const botRoute = /^\/(?:file\/)?bot([^/]*)\//.exec(url.pathname);
  if (botRoute) {
    if (decodeURIComponent(botRoute[1]!) !== sandbox.token) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(UNAUTHORIZED);
      return;
    }
    const tg = getTg();
    if (!tg) return sendJson(res, 503, { ok: false, error_code: 503, description: 'Service Unavailable: the sandbox is restarting' });
    tg.handleRequest(req, res);
    return;
  }

  if (req.method === 'GET' && STATIC[url.pathname]) return await serveStatic(res, STATIC[url.pathname]!);
  if (req.method === 'GET' && FONTS[url.pathname]) {
    const font = readFileSync(FONTS[url.pathname]!);
    res.writeHead(200, { 'content-type': 'font/ttf', 'content-length': font.length, 'cache-control': 'public, max-age=86400' });
    res.end(font);
    return;
  }
  if (!url.pathname.startsWith('/api/')) return sendJson(res, 404, { error: 'not_found' });
  if (req.method === 'POST' && req.headers['x-sandbox'] !== '1') return sendJson(res, 403, { error: 'missing_header' });

  const path = url.pathname.slice(4);
  if (req.method === 'GET' && path === '/state') return sendJson(res, 200, sandbox.info());
  if (req.method === 'GET' && path === '/events') return streamEvents(sandbox, req, res);
  const chatHistory = req.method === 'GET' ? /^\/chats\/(-?\d+)\/messages$/.exec(path) : null;
  if (chatHistory) {
    return sendJson(res, 200, { messages: sandbox.history(Number(chatHistory[1])) });
  }
  const storedFile = req.method === 'GET' ? /^\/files\/([A-Za-z0-9_-]+)$/.exec(path) : null;
  if (storedFile) {
    const file = sandbox.file(storedFile[1]!);
    if (!file) return sendJson(res, 404, { error: 'no_such_file' });
    const name = file.fileName ?? file.filePath.split('/').pop() ?? 'file';
    const inline = url.searchParams.get('inline') === '1';
    res.writeHead(200, {
      'content-type': file.mimeType ?? (file.filePath.startsWith('photos/') ? 'image/jpeg' : 'application/octet-stream'),
      'content-length': file.content.length,
      'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    });
    res.end(file.content);
    return;
  }
  const sentText = req.method === 'POST' ? /^\/chats\/(-?\d+)\/messages$/.exec(path) : null;
  if (sentText) {
    const body = await readJson(req);
    const message = await sandbox.sendText({
      as: int(body.as),
      chatId: Number(sentText[1]),
      text: str(body.text),
      ...(body.replyTo ? { replyTo: int(body.replyTo) } : {}),
      ...(typeof body.lang === 'string' ? { lang: body.lang } : {}),
    });
    return sendJson(res, 200, { message });
  }
  const sentFile = req.method === 'POST' ? /^\/chats\/(-?\d+)\/files$/.exec(path) : null;
  if (sentFile) {
    const content = await readBody(req, MAX_UPLOAD);
    const q = url.searchParams;
    const caption = q.get('caption');
    const replyTo = q.get('replyTo');
    const lang = q.get('lang');
    const message = await sandbox.sendFile({
      as: int(q.get('as')),
      chatId: Number(sentFile[1]),
      content,
      fileName: (q.get('name') || 'file').slice(0, 200),
      ...(req.headers['content-type'] ? { mimeType: req.headers['content-type'].split(';')[0]!.trim() } : {}),
      ...(caption ? { caption } : {}),
      ...(replyTo ? { replyTo: int(replyTo) } : {}),
      ...(lang ? { lang } : {}),
    });
    return sendJson(res, 200, { message });
  }
  const pressed = req.method === 'POST' ? /^\/chats\/(-?\d+)\/messages\/(\d+)\/press$/.exec(path) : null;
  if (pressed) {
    const body = await readJson(req);
    const answer = await sandbox.press({
      as: int(body.as),
      chatId: Number(pressed[1]),
      messageId: Number(pressed[2]),
      data: str(body.data),
      ...(typeof body.lang === 'string' ? { lang: body.lang } : {}),
    });
    return sendJson(res, 200, { answer });
  }
  if (req.method === 'POST' && path === '/clock') {
    const body = await readJson(req);
    if (body.step !== 'next' && body.step !== 'hour' && body.step !== 'day') throw new SandboxError(400, 'bad_step');
    const result = await sandbox.advance(body.step);
    return sendJson(res, 200, result);
  }
  if (req.method === 'POST' && path === '/reset') {
    await sandbox.reset();
    return sendJson(res, 200, { ok: true });
  }
  sendJson(res, 404, { error: 'not_found' });
}

/** Only the names the sandbox listens under: a page from another name (DNS rebinding) is refused. */
function hostAllowed(host: string | undefined, sandboxUrl: string): boolean {
  if (!host) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  if (!match) return false;
  const port = match[2] ?? '80';
  return ['127.0.0.1', 'localhost', '[::1]'].includes(match[1]!) && port === (new URL(sandboxUrl).port || '80');
}

const staticCache = new Map<string, Buffer>();

async function serveStatic(res: ServerResponse, entry: { file: string; type: string }): Promise<void> {
  let content = staticCache.get(entry.file);
  if (!content) {
    content = entry.file === 'app.js' ? await pageScript() : readFileSync(new URL(entry.file, PUBLIC_DIR));
    // Files are read once per process; a developer editing them restarts anyway.
    staticCache.set(entry.file, content);
  }
  res.writeHead(200, {
    'content-type': entry.type,
    'content-length': content.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(entry.file === 'index.html'
      ? {
          'content-security-policy':
            "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        }
      : {}),
  });
  res.end(content);
}

function streamEvents(sandbox: Sandbox, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('status', { status: sandbox.status, firstStart: sandbox.firstStart });
  const listeners: { [K in keyof SandboxEvents]?: (...args: SandboxEvents[K]) => void } = {
    message: (event) => send('message', event),
    clock: (event) => send('clock', { now: event.now.toISOString() }),
    status: (event) => send('status', { ...event, firstStart: sandbox.firstStart }),
    reset: () => send('reset', {}),
    prompt: (event) => send('prompt', event),
  };
  for (const [name, listener] of Object.entries(listeners)) sandbox.events.on(name as keyof SandboxEvents, listener as never);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 20_000);
  const close = () => {
    clearInterval(keepAlive);
    for (const [name, listener] of Object.entries(listeners)) sandbox.events.off(name as keyof SandboxEvents, listener as never);
  };
  req.on('close', close);
  res.on('close', close);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new SandboxError(413, 'too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) throw new SandboxError(415, 'json_expected');
  try {
    const value = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new SandboxError(400, 'bad_json');
}

function int(value: unknown): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new SandboxError(400, 'bad_number');
  return n;
}

function str(value: unknown): string {
  if (typeof value !== 'string') throw new SandboxError(400, 'bad_text');
  return value;
}
