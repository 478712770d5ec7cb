import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookCallback, type Bot, type Context } from 'grammy';
import type { Logger } from '../logger.js';
import type { UpdateInbox } from '../updates/inbox.js';
import { ALLOWED_UPDATES, callUntilAnswered, reachabilityOnly } from './polling.js';

export type WebhookServer = {
  /** Where it listens (the port is the real one when PORT=0). */
  address: AddressInfo;
  /** The updates being handled now (a request answered at the timeout may still be handled). */
  size(): number;
  /**
   * Stops taking requests (a request on a kept-alive connection gets 503) and closes idle
   * connections; the updates being handled go on (wait on size()).
   */
  stop(): Promise<void>;
  /** Closes every connection left (after the updates are handled). */
  close(): Promise<void>;
};

export type WebhookOptions = {
  url: string;
  secretToken: string;
  host: string;
  port: number;
  logger: Logger;
  /**
   * After this long a request is answered 200 while its update is still handled (default 10 s):
   * Telegram then does not post it again meanwhile. The update is in the inbox by then: a crash
   * in that window leaves it pending there, and an instance takes it again once its lease runs out.
   */
  answerAfterMs?: number;
  /**
   * The durable inbox: an update is written there before it is handled and its request answered;
   * when the database cannot take it the request fails (500) and Telegram posts it again later.
   * Updates it does not hand back (handled already, or being handled elsewhere) are answered 200 at once.
   */
  inbox?: UpdateInbox;
};

/**
 * Serves the bot as Telegram's webhook on node:http: any path, POST only, every request checked
 * against the secret token by grammY (a missing or wrong X-Telegram-Bot-Api-Secret-Token gets 401
 * and is not handled). Then tells Telegram where to post (setWebhook), on every start and with the
 * same parameters as polling's allowed_updates: several instances behind one load balancer set the
 * same webhook, which is harmless, and a changed secret takes effect (getWebhookInfo does not show
 * the secret, so comparing first could not notice it). The bot must be initialized (bot.init()).
 */
export async function startWebhook<C extends Context>(bot: Bot<C>, options: WebhookOptions): Promise<WebhookServer> {
  const logger = options.logger.child({ component: 'webhook' });
  // Counted around handleUpdate itself, which webhookCallback calls, not around the request: the
  // request may be answered before its handler ends (answerAfterMs).
  let handling = 0;
  const handleUpdate = bot.handleUpdate.bind(bot);
  bot.handleUpdate = async (...args) => {
    handling++;
    try {
      if (options.inbox && (await options.inbox.receive([args[0]])).length === 0) return;
      return await handleUpdate(...args);
    } finally {
      handling--;
    }
  };
  const callback = webhookCallback(bot, 'http', {
    secretToken: options.secretToken,
    onTimeout: 'return',
    timeoutMilliseconds: options.answerAfterMs ?? 10_000,
  });

  let stopping = false;
  const server = createServer((req, res) => {
    if (stopping) {
      // Telegram (or the load balancer) posts it again, to an instance that is not stopping.
      res.writeHead(503, { connection: 'close', 'retry-after': '1' }).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    callback(req, res).then(
      () => {
        if (res.statusCode === 401) logger.warn({ remote: req.socket.remoteAddress }, 'webhook request refused: missing or wrong secret token');
      },
      (error: unknown) => {
        // A body that is not JSON, or an update grammY cannot take; handler errors are the bot's (bot.catch).
        const status = error instanceof SyntaxError ? 400 : 500;
        logger.warn({ err: error, status }, 'webhook request failed');
        if (!res.headersSent) res.writeHead(status).end();
        else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const stop = async () => {
    stopping = true;
    server.close();
    server.closeIdleConnections();
  };
  const close = async () => {
    await stop();
    server.closeAllConnections();
  };
  try {
    await callUntilAnswered(
      () =>
        bot.api.setWebhook(options.url, {
          secret_token: options.secretToken,
          allowed_updates: [...ALLOWED_UPDATES],
        }),
      { logger, what: 'setWebhook', retryable: reachabilityOnly },
    );
  } catch (error) {
    await close();
    throw error;
  }
  logger.info({ host: address.address, port: address.port, url: options.url }, 'webhook set; serving updates');
  return { address, size: () => handling, stop, close };
}
