import { I18n } from '@grammyjs/i18n';
import { LOCALES_DIR, localeFor, type Locale } from '../i18n/translator.js';
import type { BotContext } from './support/context.js';

/**
 * Chinese by default; English for people whose Telegram language is English. The configured
 * LOCALE is the default for everyone else.
 */
export function createI18n(defaultLocale: Locale) {
  return new I18n<BotContext>({
    defaultLocale,
    directory: LOCALES_DIR,
    useSession: false,
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => localeFor(ctx.from?.language_code, defaultLocale),
  });
}
