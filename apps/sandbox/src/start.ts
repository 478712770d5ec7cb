/**
 * `npm start`: with a BOT_TOKEN (environment or config file), the bot as in production
 * (src/main.ts); without one, this sandbox. The choice lives here, on the sandbox's side, so
 * that the bot never loads the sandbox: each branch imports only what it runs.
 */
import { loadConfigOrExit } from '../../../src/config.js';

const config = loadConfigOrExit();
if (config.botToken) {
  const { runBot } = await import('../../../src/main.js');
  await runBot(config);
} else {
  const { runSandbox } = await import('./sandbox.main.js');
  await runSandbox(config);
}
