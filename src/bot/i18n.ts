import { I18n, type TranslateFunction } from '@grammyjs/i18n';
import { Composer } from 'grammy';
import { isTestRun, LOCALES_DIR, localeFor, type Locale, MISSING_MESSAGE_TEXT, MissingMessageError } from '../i18n/translator.js';
import type { BotContext } from './support/context.js';

export type BotI18nOptions = {
  /**
   * A message missing in a language throws instead of falling back (default: under the tests, as
   * the translator does), so a reply that would show a placeholder fails the test that reaches it.
   */
  strict?: boolean;
  /** Where a fallback is reported in production. */
  logger?: { warn(obj: object, msg: string): void };
};

/**
 * The replies' i18n: Chinese by default; English for people whose Telegram language is English.
 * The configured LOCALE is the default for everyone else.
 *
 * The plugin answers a message no language has with `{message-id}`; here the person gets the same
 * plain sentence the translator gives (MISSING_MESSAGE_TEXT), and the operator a log line. Under
 * the tests any missing message throws.
 */
export function createI18n(defaultLocale: Locale, options: BotI18nOptions = {}): Composer<BotContext> {
  const strict = options.strict ?? isTestRun();
  const i18n = new I18n<BotContext>({
    defaultLocale,
    directory: LOCALES_DIR,
    useSession: false,
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => localeFor(ctx.from?.language_code, defaultLocale),
    fluentOptions: {
      warningHandler: (warning) => {
        const locale = localeFor(warning.locales[0], defaultLocale);
        if (strict) throw new MissingMessageError(warning.path, locale, 'no message');
        options.logger?.warn({ key: warning.path, locales: warning.locales }, 'i18n: a message of a reply is missing in this language; falling back');
      },
    },
  });
  const composer = new Composer<BotContext>();
  composer.use(i18n);
  composer.use((ctx, next) => {
    const translate = ctx.t;
    const t = ((key: string, variables?: Parameters<TranslateFunction>[1]) => {
      const text = translate(key, variables);
      return text === `{${key}}` ? MISSING_MESSAGE_TEXT[localeFor(ctx.from?.language_code, defaultLocale)] : text;
    }) as TranslateFunction;
    ctx.t = t;
    ctx.translate = t;
    return next();
  });
  return composer;
}
