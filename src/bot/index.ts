import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, BotError, GrammyError, type BotConfig } from 'grammy';
import { countSendFailure, createMetrics, SEND_METHODS, updateKind } from '../ops/metrics.js';
import { loadActor, recordPerson } from '../org/org.usecases.js';
import type { Sleep } from '../outbox/dispatcher.js';
import { pacedDirectSends } from '../outbox/direct-pacing.js';
import type { PacingLimits } from '../outbox/pacing.repository.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';
import { claimUpdate } from '../updates/updates.usecases.js';
import type { BotContext, BotDeps } from './context.js';
import { adminFeature } from './features/admin.js';
import { buttonGuardFeature } from './features/button-guard.js';
import { inputGuardFeature } from './features/input-guard.js';
import { calendarFeature } from './features/calendar.js';
import { chatMigrationFeature } from './features/chat-migration.js';
import { digestsFeature } from './features/digests.js';
import { itemsFeature } from './features/items.js';
import { ledgerFeature } from './features/ledger.js';
import { lookupFeature } from './features/lookup.js';
import { startFeature } from './features/start.js';
import { unboundFeature } from './features/unbound.js';
import { unhandledFeature } from './features/unhandled.js';
import { viewFeature } from './features/view.js';
import { whoamiFeature } from './features/whoami.js';
import { personOf, say } from './helpers.js';
import { createI18n } from './i18n.js';
import { refusalText } from './refusals.js';

export type CreateBotOptions = {
  apiRoot?: string;
  /** Skip getMe (tests that know the bot). */
  botInfo?: BotConfig<BotContext>['botInfo'];
  /** Called when an update has been fully handled (tests and the sandbox wait on it). */
  onUpdateHandled?: (updateId: number) => void;
  /**
   * How direct replies share the outbox's per-chat pacing: the dispatchers' clock (real time by
   * default, not the business clock) and limits (the dispatcher's defaults). Tests inject a
   * manual clock and sleep, or limits of 0 to turn it off.
   */
  pacing?: { clock?: Clock; sleep?: Sleep; limits?: Partial<PacingLimits>; maxWaitMs?: number };
};

export { errorMessageId } from './refusals.js';

/**
 * Builds the bot: dependencies on the context, update de-duplication, i18n, then the features
 * behind one error boundary. It does not start polling; main.ts does (through @grammyjs/runner).
 */
export function createBot(token: string, deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    client: { apiRoot: options.apiRoot ?? deps.config.botApiRoot },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  // Direct replies count towards the chat's pacing shared with the outbox dispatchers. Installed
  // first, so that it sits inside the auto-retry: every attempt takes its own slot.
  const pacing = options.pacing ?? {};
  bot.api.config.use(
    pacedDirectSends({
      db: deps.db,
      clock: pacing.clock ?? systemClock,
      logger: deps.logger,
      ...(pacing.sleep ? { sleep: pacing.sleep } : {}),
      ...(pacing.limits ? { limits: pacing.limits } : {}),
      ...(pacing.maxWaitMs !== undefined ? { maxWaitMs: pacing.maxWaitMs } : {}),
    }),
  );
  // Counted inside the auto-retry too: each attempt, each 429 and its retry_after.
  const metrics = deps.metrics ?? createMetrics();
  bot.api.config.use(async (prev, method, payload, signal) => {
    if (!SEND_METHODS.has(method)) return prev(method, payload, signal);
    try {
      const result = await prev(method, payload, signal);
      if (result.ok) metrics.messagesSent.inc({ source: 'reply', method });
      else countSendFailure(metrics, 'reply', result);
      return result;
    } catch (error) {
      countSendFailure(metrics, 'reply', error);
      throw error;
    }
  });
  // Replies to people retry a 429 or 5xx a few times, never forever, and never a network
  // error (that could send a message twice). The outbox has its own retry policy.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true }));

  /** Updates whose failure the error boundary caught (so it never reaches the first middleware). */
  const failedUpdates = new WeakSet<object>();
  bot.use(async (ctx, next) => {
    const kind = updateKind(ctx.update);
    metrics.updatesReceived.inc({ kind });
    const endTimer = metrics.handlerSeconds.startTimer({ kind });
    let failed = false;
    ctx.deps = deps;
    ctx.logger = deps.logger.child({ updateId: ctx.update.update_id, chatId: ctx.chat?.id });
    let actor: ReturnType<BotContext['actor']> | undefined;
    ctx.actor = () => (actor ??= ctx.from ? loadActor(deps, { personId: ctx.from.id }) : Promise.resolve({ personId: 0, isAdmin: false, isLeader: false, unitIds: [] }));
    try {
      await next();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      endTimer();
      (failed || failedUpdates.has(ctx.update) ? metrics.updatesFailed : metrics.updatesHandled).inc({ kind });
      options.onUpdateHandled?.(ctx.update.update_id);
    }
  });
  // Channel posts are nobody's command: they have no sender the bot could check rights for.
  bot.use(async (ctx, next) => {
    if (ctx.channelPost !== undefined || ctx.editedChannelPost !== undefined) return;
    await next();
  });
  // Per-chat order (and per-user order for button presses) when updates run concurrently.
  bot.use(sequentialize((ctx) => [ctx.chat?.id.toString(), ctx.from?.id.toString()].filter((k): k is string => Boolean(k))));
  // Telegram redelivers unconfirmed updates; handle each update_id once.
  bot.use(async (ctx, next) => {
    if (!(await claimUpdate(deps, { updateId: ctx.update.update_id }))) {
      ctx.logger.info('duplicate update skipped');
      return;
    }
    await next();
  });
  bot.use(async (ctx, next) => {
    if (ctx.from && !ctx.from.is_bot) {
      await recordPerson(deps, { ...personOf(ctx.from), startedBot: ctx.chat?.type === 'private' });
    }
    await next();
  });
  bot.use(createI18n(deps.config.locale));
  // A command typed as the caption of a file ("/result 12 方案见附件") arrives in caption_entities,
  // which grammY's command() does not read. Let such a message count as the command; the file
  // stays on the message for the handler.
  bot.on('message', async (ctx, next) => {
    const msg = ctx.message;
    if (msg.text === undefined && msg.caption && msg.caption_entities?.some((e) => e.type === 'bot_command' && e.offset === 0)) {
      Object.assign(msg, { text: msg.caption, entities: msg.caption_entities });
    }
    await next();
  });

  const features = bot.errorBoundary(async (error) => {
    const ctx = error.ctx;
    const cause = error.error;
    if (isAppError(cause)) {
      const t = (key: string, params?: Record<string, unknown>) => ctx.t(key, (params ?? {}) as Record<string, string | number>);
      ctx.logger.info({ code: cause.code }, 'refused');
      // A button's refusal is an alert (plain text, at most 200 characters); a command's, a reply.
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: refusalText(t, cause, { html: false }), show_alert: true }).catch(() => {});
      else await say(ctx, refusalText(t, cause)).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not send refusal'));
      return;
    }
    ctx.logger.error({ err: cause }, 'update failed');
    failedUpdates.add(ctx.update);
    if (cause instanceof GrammyError && cause.error_code === 403) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('err-internal'), show_alert: true }).catch(() => {});
    else if (ctx.chat) await say(ctx, ctx.t('err-internal')).catch(() => {});
  });
  features.use(inputGuardFeature, buttonGuardFeature, chatMigrationFeature, startFeature, whoamiFeature, adminFeature, unboundFeature, viewFeature, itemsFeature, lookupFeature, ledgerFeature, digestsFeature, calendarFeature, unhandledFeature);

  bot.catch((error: BotError<BotContext>) => {
    deps.logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'unhandled bot error');
  });
  return bot;
}
