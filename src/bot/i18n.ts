import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { BotContext } from './context.js';

export const LOCALES_DIR = fileURLToPath(new URL('./locales', import.meta.url));

/**
 * Chinese by default; English for people whose Telegram language is English. The configured
 * LOCALE is the default for everyone else (and for messages not addressed to one person).
 */
export function createI18n(defaultLocale: 'zh' | 'en') {
  return new I18n<BotContext>({
    defaultLocale,
    directory: LOCALES_DIR,
    useSession: false,
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => localeFor(ctx.from?.language_code, defaultLocale),
  });
}

export function localeFor(languageCode: string | null | undefined, defaultLocale: 'zh' | 'en'): 'zh' | 'en' {
  if (!languageCode) return defaultLocale;
  if (languageCode.toLowerCase().startsWith('en')) return 'en';
  if (languageCode.toLowerCase().startsWith('zh')) return 'zh';
  return defaultLocale;
}
