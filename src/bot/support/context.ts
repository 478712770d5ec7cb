import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context } from 'grammy';
import type { AppDeps } from '../../deps.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../shared/metrics.js';
import type { Actor } from '../../org/org.models.js';

/** What every handler needs, handed in by createBot — no module-level singletons: the use-cases' deps, with a logger always. */
export type BotDeps = AppDeps & {
  logger: Logger;
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
