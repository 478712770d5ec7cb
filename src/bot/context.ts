import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context } from 'grammy';
import type { Config } from '../config.js';
import type { Translator } from '../i18n/translator.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { Actor } from '../org/org.models.js';
import type { Clock } from '../shared/clock.js';

/** What every handler needs, handed in by createBot — no module-level singletons. */
export type BotDeps = {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
  translator: Translator;
  /** Called after a command planned outbox messages, so a local dispatcher can send them at once. */
  onPlanned?: () => void;
  /** Counts updates, handler latency and direct replies (createBot makes a registry of its own without it). */
  metrics?: Metrics;
};

export type BotContext = Context &
  I18nFlavor & {
    deps: BotDeps;
    logger: Logger;
    /** The acting person's rights, loaded from the database on demand (once per update). */
    actor(): Promise<Actor>;
  };
