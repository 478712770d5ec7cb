import { loadCalendarSchedules, refreshCalendarSchedules } from './calendar/calendar.usecases.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { createBot } from './bot/index.js';
import { registerCommands } from './bot/commands.js';
import { callUntilAnswered, reachabilityOnly, startPolling, type Poller, type PollingOptions } from './bot/polling.js';
import { startWebhook, type WebhookServer } from './bot/webhook.js';
import { createTranslator } from './i18n/translator.js';
import { createLogger, type Logger } from './logger.js';
import { inlineFilePayloads } from './outbox/outbox-files.js';
import { markUncheckedItems } from './items/items.usecases.js';
import { runSweep, warnIfNoDisciplineChat } from './reminders/reminders.usecases.js';
import { createAppJobs } from './scheduler/jobs.js';
import { createScheduler, type Scheduler, type TickTrigger } from './scheduler/scheduler.js';
import { createDispatcher, type Dispatcher, type DispatcherLimits } from './outbox/dispatcher.js';
import { createOutboxDispatchRepository } from './outbox/outbox.repository.js';
import { createMetrics, type Metrics } from './shared/metrics.js';
import { startOpsServer, type OpsServer } from './ops/ops-server.js';
import { createReadiness } from './ops/readiness.js';
import { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { systemClock, type Clock } from './shared/clock.js';
import { pruneUpdates } from './updates/updates.usecases.js';
import { createUpdateInbox, type UpdateInbox } from './updates/inbox.js';
import { createUpdatesRepository } from './updates/updates.repository.js';

/**
 * The bot as one object: what `src/main.ts` starts with a BOT_TOKEN, and what the sandbox app
 * starts against its fake Telegram. Both import this module; it imports neither (nothing in src/
 * imports the apps or the test packages).
 */
export type App = {
  stop(): Promise<void>;
  database: Database;
  /** The outbox dispatcher; the sandbox drains it to show what a step caused at once. */
  dispatcher: Dispatcher;
  /** Its tick is the one way jobs run; the sandbox and tests fire it through their own trigger. */
  scheduler: Scheduler;
  /** The operators' endpoints (/healthz, /readyz, /metrics), when METRICS_PORT is set. */
  ops: OpsServer | null;
  /** The webhook's HTTP server, when WEBHOOK_URL is set and ROLE=all (its address has the real port). */
  webhook: WebhookServer | null;
  /** Hands one update to the bot's handlers (through the inbox) as if Telegram had delivered it; absent with ROLE=worker. */
  handleUpdate: ((update: Update) => Promise<void>) | null;
};

export type StartAppOptions = {
  clock?: Clock;
  logger?: Logger;
  /** The dispatcher's clock: real time, except in the sandbox, whose movable clock drives both. */
  dispatcherClock?: Clock;
  dispatcherLimits?: Partial<DispatcherLimits>;
  /** Runs on the migrated database before the bot starts (the sandbox seeds its demo here). */
  beforeStart?: (database: Database) => Promise<void>;
  /** Called when an update has been handled (the sandbox waits on it). */
  onUpdateHandled?: (updateId: number) => void;
  /**
   * What ticks the scheduler; default: a timer at each minute of `clock`. The sandbox and tests pass
   * a manualTrigger and fire it after moving their clock (the same function the timer calls).
   */
  schedulerTrigger?: TickTrigger;
  /** How polling retries after a conflict (tests shorten the waits). */
  polling?: Pick<PollingOptions, 'timeoutSeconds' | 'firstRetryMs' | 'maxRetryMs'>;
  /** Default: a new registry with Node's process metrics as well. */
  metrics?: Metrics;
  /**
   * An open database to use instead of the one the config names (the tests' own, made from a
   * migrated template); migrations still run, and stop() leaves it open for its owner.
   */
  database?: Database;
};

/**
 * config -> logger -> database (migrated) -> bot (long polling through @grammyjs/runner, or a
 * webhook server when WEBHOOK_URL is set; neither with ROLE=worker) -> outbox dispatcher and scheduler.
 * Returns a handle whose stop() drains the runner and closes the database.
 */
export async function startApp(config: Config, options: StartAppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets: [config.botToken] });
  const clock = options.clock ?? systemClock;
  const dispatcherClock = options.dispatcherClock ?? systemClock;
  if (!config.botToken) throw new Error('BOT_TOKEN is required');
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: true });

  // A database handed in (a test's) stays open after stop(): its owner closes it.
  const database = options.database ?? (await openDatabase(config));
  await runMigrations(database);
  logger.info({ storage: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined }, 'database ready');
  await options.beforeStart?.(database);

  // The outbox dispatcher talks to Telegram on real time (pacing, retry_after), whatever the
  // business clock says, and without the interactive auto-retry: it has its own retry policy.
  // (The sandbox gives it its own clock too: messages planned at the sandbox's moved "now" must be
  // due for the dispatcher as well.)
  const dispatcherApi = new Api(config.botToken, { apiRoot: config.botApiRoot });
  // Files the bot makes (the bulletin chart) sit in the outbox as base64; upload them on the way out.
  dispatcherApi.config.use(inlineFilePayloads());
  const dispatcher = createDispatcher({
    db: database.db,
    api: dispatcherApi,
    logger,
    clock: dispatcherClock,
    metrics,
    ...(options.dispatcherLimits ? { limits: options.dispatcherLimits } : {}),
  });
  const outboxReads = createOutboxDispatchRepository({ db: database.db });
  metrics.setOutboxBacklogSource(() => outboxReads.backlog({ now: dispatcherClock.now() }));
  metrics.setInboxSource(() => createUpdatesRepository({ db: database.db, clock: dispatcherClock }).pending());
  const deps = { db: database.db, clock, config, logger, metrics, translator: createTranslator({ logger }), onPlanned: () => dispatcher.wake() };
  // The office's imported holiday schedules, before anything counts a working day (see
  // src/calendar/model/working-calendar.ts); refreshed below when another instance imports a year.
  const calendarYears = await loadCalendarSchedules(deps);
  if (calendarYears.length > 0) logger.info({ years: calendarYears }, 'imported holiday schedules installed');
  // Items saved without a reminder check time (older data) get one, so the sweep sees them.
  const unchecked = await markUncheckedItems(deps);
  if (unchecked > 0) logger.info({ items: unchecked }, 'items marked for the reminder sweep');
  // 移交: rung 4 with no discipline group bound waits; the admins are told (once a day at most).
  if ((await warnIfNoDisciplineChat(deps)) > 0) deps.onPlanned();

  const pruneTimer = setInterval(() => {
    pruneUpdates(deps).catch((error: unknown) => logger.warn({ err: error }, 'pruning update ids failed'));
  }, 3600_000);
  pruneTimer.unref();
  // Every scheduled job refreshes the calendar before it runs (src/scheduler/jobs.ts); this timer
  // keeps an instance whose turn it is not, and its bot handlers, within a minute of an import.
  const calendarTimer = setInterval(() => {
    refreshCalendarSchedules(deps).catch((error: unknown) => logger.warn({ err: error }, 'refreshing the holiday schedules failed'));
  }, 60_000);
  calendarTimer.unref();

  let poller: Poller | null = null;
  let webhook: WebhookServer | null = null;
  let inbox: UpdateInbox | null = null;
  let handleUpdate: App['handleUpdate'] = null;
  if (config.role === 'all') {
    // Every update is stored before Telegram is told it arrived, and handled until it is done:
    // a crash, a restart or a database outage delays it, never loses it (src/updates/inbox.ts).
    inbox = createUpdateInbox({ db: database.db, logger, clock: dispatcherClock });
    // Direct replies share the dispatcher's per-chat pacing, on the dispatcher's clock and limits.
    const bot = createBot(config.botToken, deps, {
      inbox,
      ...(options.onUpdateHandled ? { onUpdateHandled: options.onUpdateHandled } : {}),
      pacing: { clock: dispatcherClock, ...(options.dispatcherLimits ? { limits: options.dispatcherLimits } : {}) },
    });
    // A Bot API that cannot be reached at start-up (network, Telegram down) is waited for, at most
    // 5 s between tries and logged once; a refused token still fails the start.
    // (Not bot.init(): it retries getMe by itself, silently, waiting up to 20 minutes between tries.)
    bot.botInfo = await callUntilAnswered(() => bot.api.getMe(), { logger, what: 'getMe', retryable: reachabilityOnly });
    // Updates left pending by a dead instance or a database outage go through the handlers as
    // they are (not the webhook's own receive, which would see them leased and skip them).
    const handlePending = bot.handleUpdate.bind(bot);
    handleUpdate = handlePending;
    await registerCommands(bot.api, deps.translator, config.locale).catch((error: unknown) => logger.warn({ err: error }, 'setMyCommands failed'));
    if (config.webhookUrl !== undefined) {
      // Telegram posts the updates; any number of instances can serve them (update_id is deduplicated).
      webhook = await startWebhook(bot, { url: config.webhookUrl, secretToken: config.webhookSecret!, host: config.host, port: config.port, logger, inbox });
      logger.info({ bot: bot.botInfo.username, apiRoot: config.botApiRoot }, 'bot started (webhook)');
    } else {
      // Long polling that rides out an unreachable Bot API, 401 and 409 instead of stopping: see polling.ts.
      poller = startPolling(bot, { logger, metrics, inbox, ...options.polling });
      logger.info({ bot: bot.botInfo.username, apiRoot: config.botApiRoot }, 'bot started (long polling)');
    }
    inbox.start((update) => handlePending(update));
  } else {
    logger.info('worker: not polling Telegram (ROLE=worker); running the scheduler and the outbox dispatcher');
  }
  dispatcher.start();

  // The second entrance: a tick each minute runs the daily digests, the weekly bulletin and the
  // reminder sweep as they fall due, once across instances (cron_runs), catching up what was missed.
  const scheduler = createScheduler({
    db: database.db,
    clock,
    logger,
    timezone: config.timezone,
    // A slot's own sweep (the morning message, a bundle) plans everything due before it composes
    // the messages; the minutely sweep stops after its batch limit and leaves the rest to the next.
    jobs: createAppJobs(deps, { sweep: ({ now, purpose }) => runSweep(deps, { now, ...(purpose === 'minute' ? {} : { maxBatches: 1_000 }) }) }),
    ...(options.schedulerTrigger ? { trigger: options.schedulerTrigger } : {}),
    metrics,
    // On the real clock it can be set back or forward under us; a test's manual clock jumps on purpose.
    ...(clock === systemClock ? { monotonic: () => performance.now() } : {}),
  });
  const ops =
    config.metricsPort === undefined
      ? null
      : await startOpsServer({
          host: config.metricsHost,
          port: config.metricsPort,
          metrics,
          logger,
          readiness: createReadiness({
            db: database.db,
            clock,
            timezone: config.timezone,
            sweepCron: config.reminders.sweepCron,
            botApi: () => dispatcherApi.getMe(),
            backlog: () => outboxReads.backlog({ now: dispatcherClock.now() }),
          }),
        });
  await scheduler.start();

  let stopped = false;
  return {
    database,
    dispatcher,
    scheduler,
    ops,
    webhook,
    handleUpdate,
    async stop() {
      if (stopped) return;
      stopped = true;
      // No new updates first: the webhook's server refuses connections, so the load balancer
      // sends Telegram's next posts to another instance (or Telegram posts them again later).
      await webhook?.stop();
      await ops?.close();
      clearInterval(pruneTimer);
      clearInterval(calendarTimer);
      await scheduler.stop();
      inbox?.stopTaking();
      await poller?.stop();
      // Then the updates already taken are finished before the database closes (with a bound: a
      // handler stuck on a dead connection must not hold the shutdown for ever). Those still
      // running then are released in the inbox: the next instance handles them again, and the
      // applied-marker keeps their effects from happening twice.
      const taken = poller ?? webhook;
      if (taken || inbox) await settled(() => (taken?.size() ?? 0) === 0 && (inbox?.inFlight() ?? 0) === 0, SHUTDOWN_HANDLERS_MS);
      await inbox?.stop();
      await webhook?.close();
      await dispatcher.stop();
      if (!options.database) await database.close();
      logger.info('stopped');
    },
  };
}

/** How long a shutdown waits for the updates being handled. */
const SHUTDOWN_HANDLERS_MS = 10_000;

/** Resolves when `done()` holds, or after `timeoutMs` (real time: shutting down is not business time). */
async function settled(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
