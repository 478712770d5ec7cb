import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type BotError, GrammyError, type BotConfig } from 'grammy';
import { countSendFailure, createMetrics, SEND_METHODS, updateKind } from '../shared/metrics.js';
import { loadActor, recordPerson } from '../org/org.usecases.js';
import type { Sleep } from '../outbox/dispatcher.js';
import { pacedDirectSends } from '../outbox/direct-pacing.js';
import { htmlByDefault } from '../outbox/html-by-default.js';
import type { PacingLimits } from '../outbox/pacing.repository.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';
import { createUpdateInbox, type UpdateInbox } from '../updates/inbox.js';
import { inUpdateScope, isDatabaseUnavailable, UpdateAlreadyApplied, withAppliedMarker, currentUpdateScope } from '../updates/update-scope.js';
import type { BotContext, BotDeps } from './support/context.js';
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
import { escapeHtml, personOf, say } from './support/helpers.js';
import { clip } from '../shared/html.js';
import { commandLabel } from './commands.js';
import { createI18n } from './i18n.js';
import { localeFor } from '../i18n/translator.js';
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
  /**
   * The durable inbox polling and the webhook write updates to (src/updates/inbox.ts); default:
   * one of the bot's own, on the pacing clock (updates handed to handleUpdate directly are written
   * to it as they arrive).
   */
  inbox?: UpdateInbox;
};

export { errorMessageId } from './refusals.js';

/**
 * Builds the bot: dependencies on the context, update de-duplication, i18n, then the features
 * behind one error boundary. It does not start polling; main.ts does (through @grammyjs/runner).
 */
export function createBot(token: string, deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const pacing = options.pacing ?? {};
  const inbox = options.inbox ?? createUpdateInbox({ db: deps.db, logger: deps.logger, clock: pacing.clock ?? systemClock });
  // Handlers' transactions carry the inbox's applied-marker (src/updates/update-scope.ts); the
  // pacing of replies and the inbox itself use the plain database.
  const handlerDeps: BotDeps = { ...deps, db: withAppliedMarker(deps.db, pacing.clock ?? systemClock) };
  const bot = new Bot<BotContext>(token, {
    client: { apiRoot: options.apiRoot ?? deps.config.botApiRoot },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  // Every text is HTML unless a call says otherwise (innermost, so every layer sees the same payload).
  bot.api.config.use(htmlByDefault());
  // Direct replies count towards the chat's pacing shared with the outbox dispatchers. Installed
  // before the auto-retry, so that it sits inside it: every attempt takes its own slot.
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
  // A button press handled late (after a restart or a database outage) can no longer be answered:
  // Telegram forgets a callback query after about 15 s. Its effects stand; the missing toast is no failure.
  bot.api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (method === 'answerCallbackQuery' && !result.ok && result.error_code === 400 && /query is too old|query id is invalid/i.test(result.description))
      return { ok: true, result: true } as unknown as typeof result;
    return result;
  });
  // Replies to people retry a 429 or 5xx a few times, never forever, and never a network
  // error (that could send a message twice). The outbox has its own retry policy.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true }));

  /** Updates whose failure the error boundary caught (so it never reaches the first middleware). */
  const failedUpdates = new WeakSet<object>();
  /** Updates left in the inbox for later (the database was unavailable). */
  const deferredUpdates = new WeakSet<object>();
  bot.use(async (ctx, next) => {
    const kind = updateKind(ctx.update);
    metrics.updatesReceived.inc({ kind });
    const endTimer = metrics.handlerSeconds.startTimer({ kind });
    let failed = false;
    ctx.deps = handlerDeps;
    ctx.logger = deps.logger.child({ updateId: ctx.update.update_id, chatId: ctx.chat?.id });
    let actor: ReturnType<BotContext['actor']> | undefined;
    ctx.actor = () =>
      (actor ??= ctx.from ? loadActor(deps, { personId: ctx.from.id }) : Promise.resolve({ personId: 0, isAdmin: false, isLeader: false, unitIds: [] }));
    try {
      await next();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      endTimer();
      (deferredUpdates.has(ctx.update)
        ? metrics.updatesDeferred
        : failed || failedUpdates.has(ctx.update)
          ? metrics.updatesFailed
          : metrics.updatesHandled
      ).inc({ kind });
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
  // Each update once, and none lost: it is in the durable inbox before it is handled (polling and
  // the webhook write it there; anything else is written here), its effects commit with the
  // inbox's applied-marker, and it is marked handled when done — or, when the database failed
  // under it, left pending and handled again once the database is back (src/updates/inbox.ts).
  bot.use(async (ctx, next) => {
    let admitted: boolean;
    try {
      admitted = await inbox.admit(ctx.update);
    } catch (error) {
      // Unavailable: the source holds the update (polling) or Telegram posts it again (webhook).
      if (isDatabaseUnavailable(error)) throw error;
      ctx.logger.error({ err: error }, 'the inbox refused this update; handling it without it');
      admitted = true;
    }
    if (!admitted) {
      ctx.logger.info('duplicate update skipped');
      return;
    }
    let outcome: 'handled' | 'deferred' = 'handled';
    try {
      await inUpdateScope(ctx.update.update_id, async (scope) => {
        try {
          await next();
        } catch (error) {
          if (!isDatabaseUnavailable(error)) throw error;
          scope.deferred = true;
          ctx.logger.warn({ err: error }, 'database unavailable; the update is kept and handled when it is back');
        }
        if (scope.deferred) {
          outcome = 'deferred';
          deferredUpdates.add(ctx.update);
        }
      });
    } finally {
      await inbox.finish(ctx.update, outcome);
    }
  });
  bot.use(async (ctx, next) => {
    if (ctx.from && !ctx.from.is_bot) {
      await recordPerson(deps, { ...personOf(ctx.from), startedBot: ctx.chat?.type === 'private' });
    }
    await next();
  });
  bot.use(createI18n(deps.config.locale, { logger: deps.logger }));
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
    if (cause instanceof UpdateAlreadyApplied) {
      // A second run of an update whose effects were committed by the first (which died before
      // it could answer): say so instead of applying it again.
      ctx.logger.info('update applied before; answered without applying it again');
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('update-applied-before-button') }).catch(() => {});
      else if (ctx.chat) {
        // Which command it was, in the person's words: they may have sent several meanwhile.
        const text = ctx.msg?.text ?? ctx.msg?.caption ?? '';
        const command = /^\/([a-z_]+)/i.exec(text)?.[1]?.toLowerCase() ?? '';
        const label = commandLabel(deps.translator, command, localeFor(ctx.from?.language_code, deps.config.locale)) ?? ctx.t('update-applied-before-message');
        await say(ctx, ctx.t('update-applied-before', { label: escapeHtml(label), quote: escapeHtml(clip(text, 80)) })).catch(() => {});
      }
      return;
    }
    if (isDatabaseUnavailable(cause)) {
      // Kept in the inbox and handled again when the database is back: the person hears then.
      const scope = currentUpdateScope();
      if (scope) scope.deferred = true;
      ctx.logger.warn({ err: cause }, 'database unavailable; the update is kept and handled when it is back');
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('update-deferred') }).catch(() => {});
      return;
    }
    ctx.logger.error({ err: cause }, 'update failed');
    failedUpdates.add(ctx.update);
    if (cause instanceof GrammyError && cause.error_code === 403) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('err-internal'), show_alert: true }).catch(() => {});
    else if (ctx.chat) await say(ctx, ctx.t('err-internal')).catch(() => {});
  });
  features.use(
    inputGuardFeature,
    buttonGuardFeature,
    chatMigrationFeature,
    startFeature,
    whoamiFeature,
    adminFeature,
    unboundFeature,
    viewFeature,
    itemsFeature,
    lookupFeature,
    ledgerFeature,
    digestsFeature,
    calendarFeature,
    unhandledFeature,
  );

  bot.catch((error: BotError<BotContext>) => {
    deps.logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'unhandled bot error');
  });
  return bot;
}
