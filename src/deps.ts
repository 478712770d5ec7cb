import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { Locale, Translator } from './i18n/translator.js';
import type { Logger } from './logger.js';
import type { Clock } from './shared/clock.js';

/**
 * The weekly bulletin chart's input, declared here where the renderer is injected (AppDeps.renderChart)
 * and implemented by digests/bulletin.chart.ts: deps.ts sits below every use-case, so it must not
 * import a domain folder.
 */
export type BulletinChartRow = { unit: string; onTimeCloseRate: number | null; overdue: number };
export type BulletinChartOptions = { locale: Locale; title: string; subtitle?: string };

/**
 * What the use-cases receive: one object, built once at start-up and handed on unchanged by the
 * bot's handlers (ctx.deps) and the scheduler's jobs. A use-case that needs less says so with
 * `Pick<AppDeps, ...>`; none declares its own copy of this shape.
 */
export type AppDeps = {
  db: Db;
  clock: Clock;
  config: Config;
  translator: Translator;
  logger?: Logger;
  /** Called after messages were planned into the outbox, so a local dispatcher sends them at once. */
  onPlanned?: () => void;
  /** The weekly bulletin's chart renderer; the real one (vega + resvg) unless a test passes a cheap one. */
  renderChart?: (rows: BulletinChartRow[], options: BulletinChartOptions) => Promise<Buffer>;
};
