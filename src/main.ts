import { startApp, type App } from './app.js';
import { loadConfigOrExit, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createRedactor } from './shared/redact.js';

/**
 * The bot's process with a BOT_TOKEN: startApp (src/app.ts), then a graceful shutdown on SIGINT
 * and SIGTERM. `npm start` reaches it through the sandbox app's launcher (package.json), which
 * opens the sandbox instead when no token is set; the bot itself never loads the sandbox.
 */
export async function runBot(config: Config): Promise<void> {
  // The token is a secret of the logger: no line it writes holds it (see src/logger.ts).
  const logger = createLogger({ level: config.logLevel, secrets: [config.botToken] });
  // Installed before the start: a stop asked for while starting (waiting for the database or
  // Telegram) ends the process cleanly; nothing has been taken from Telegram yet, and migrations
  // run in a transaction.
  let app: App | null = null;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (app === null) {
      logger.info({ signal }, 'stopping during start-up');
      process.exit(0);
    }
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    app = await startApp(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    process.stderr.write(`duban: could not start: ${createRedactor([config.botToken])((error as Error).message)}\n`);
    process.exit(1);
  }
}

async function main() {
  const config = loadConfigOrExit();
  if (!config.botToken) {
    process.stderr.write('duban: BOT_TOKEN is not set. `npm start` without it opens the sandbox instead.\n');
    process.exit(2);
  }
  await runBot(config);
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) void main();
