import pino from 'pino';
import type { Config } from '../../../src/config.js';
import { startSandbox, type Sandbox } from './sandbox.js';

/**
 * `npm start` without BOT_TOKEN: the sandbox. Prints the page's address as its one line on stdout
 * as soon as the page can be opened (the page shows the bot starting, then the chats); logs go to
 * stderr, warnings and worse unless LOG_LEVEL asks for more. Stops on SIGINT/SIGTERM.
 */
export async function runSandbox(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = pino({ level: env.LOG_LEVEL ? config.logLevel : 'warn', base: { app: 'duban', mode: 'sandbox' } }, pino.destination(2));
  if (config.databaseUrl) {
    process.stderr.write('duban sandbox: DATABASE_URL is ignored; the sandbox keeps its own embedded database.\n');
  }
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      config,
      logger,
      onListening: ({ url, firstStart }) => {
        process.stdout.write(`duban sandbox: ${url}\n`);
        if (firstStart) {
          process.stderr.write('duban sandbox: first start, creating the embedded database (this takes a while, the page says when it is ready; later starts are quick)…\n');
        }
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ` (port ${config.sandboxPort} is taken; set SANDBOX_PORT to another one)` : '';
    logger.fatal({ err: error }, 'sandbox start-up failed');
    process.stderr.write(`duban sandbox: could not start: ${(error as Error).message}${hint}\n`);
    process.exit(1);
  }
  process.stderr.write('duban sandbox: ready.\n');
  const shutdown = () => {
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
