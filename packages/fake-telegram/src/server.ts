/**
 * The HTTP face of the fake: `POST|GET /bot<token>/<method>` and `GET /file/bot<token>/<file_path>`,
 * as api.telegram.org serves them. Routing and body parsing only; answering is the BotApi's job.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { parseBody } from './body.js';
import type { ApiResponse } from './types.js';

/** What the API side answers: JSON, an HTML error page (as nginx gives for 502), or nothing at all. */
export type HttpAnswer = { status: number; json: ApiResponse } | { status: number; html: string } | { disconnect: true };

export type BotApi = {
  /**
   * Answers one method call. `params` is an ApiError when the request could not be parsed, so that
   * the failed call is still recorded. `closed` aborts when the client goes away (long polling).
   */
  call(request: { token: string; method: string; params: Record<string, unknown> | ApiError; closed: AbortSignal }): Promise<HttpAnswer>;
  /** A stored file's bytes for the download route, if the token is right and the path exists. */
  download(token: string, filePath: string): Buffer | undefined;
};

/** Telegram accepts uploads up to 50 MB; a little more for the multipart framing. */
const MAX_BODY = 52 * 1024 * 1024;

const NOT_FOUND: ApiResponse = { ok: false, error_code: 404, description: 'Not Found' };

/** A `(req, res)` listener for node:http that serves the Bot API routes of `api`. */
export function createRequestListener(api: BotApi): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(api, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        writeJson(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
      } else {
        res.destroy();
      }
    });
  };
}

async function handle(api: BotApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake-telegram.local');
  const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
  if (file) {
    const content = api.download(decodeURIComponent(file[1]!), decodeURIComponent(file[2]!));
    if (!content) return writeJson(res, 404, NOT_FOUND);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length });
    res.end(content);
    return;
  }
  const route = /^\/bot([^/]+)\/([A-Za-z0-9_]*)\/?$/.exec(url.pathname);
  if (!route || route[2] === '') return writeJson(res, 404, NOT_FOUND);

  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  let params: Record<string, unknown> | ApiError;
  const body = await readBody(req);
  if (body === undefined) {
    params = new ApiError(413, 'Request Entity Too Large');
  } else {
    try {
      params = parseBody(req.headers['content-type'], body, url.searchParams);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      params = error;
    }
  }
  const answer = await api.call({
    token: decodeURIComponent(route[1]!),
    method: route[2]!,
    params,
    closed: controller.signal,
  });
  if (res.destroyed || res.writableEnded) return;
  if ('disconnect' in answer) {
    req.socket.destroy();
    return;
  }
  if ('html' in answer) {
    res.writeHead(answer.status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(answer.html) });
    res.end(answer.html);
    return;
  }
  writeJson(res, answer.status, answer.json);
}

/** The request body, or undefined when it is larger than Telegram accepts. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) tooLarge = true;
    if (!tooLarge) chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function writeJson(res: ServerResponse, status: number, body: ApiResponse): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
