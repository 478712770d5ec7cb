import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';

export const LOCALES_DIR = fileURLToPath(new URL('./locales', import.meta.url));
/** The languages the bot speaks: Chinese by default, English for English-speaking users. */
export const LOCALES = ['zh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}
export type TranslateParams = Record<string, string | number | null | undefined>;
export type Translate = (key: string, params?: TranslateParams) => string;

/**
 * Fluent translations for text that is not a reply to an update: cards and notices planned into
 * the outbox, digests, the ledger. The bot's own i18n plugin reads the same .ftl files.
 */
export function createTranslator(dir = LOCALES_DIR) {
  const bundles = new Map<string, FluentBundle>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl'))) {
    const locale = path.basename(file, '.ftl');
    const bundle = new FluentBundle(locale, { useIsolating: false });
    const errors = bundle.addResource(new FluentResource(readFileSync(path.join(dir, file), 'utf8')));
    if (errors.length > 0) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`);
    bundles.set(locale, bundle);
  }
  function t(locale: Locale, key: string, params: TranslateParams = {}): string {
    const bundle = bundles.get(locale) ?? bundles.get('zh')!;
    const message = bundle.getMessage(key) ?? bundles.get('zh')!.getMessage(key);
    if (!message?.value) return key;
    const args: Record<string, FluentVariable> = {};
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) args[k] = v;
    return bundle.formatPattern(message.value, args);
  }
  return {
    t,
    /** A translate function bound to one locale. */
    for: (locale: Locale): Translate => (key, params) => t(locale, key, params),
    has: (locale: Locale, key: string) => bundles.get(locale)?.hasMessage(key) ?? false,
  };
}

export type Translator = ReturnType<typeof createTranslator>;

export function localeFor(languageCode: string | null | undefined, defaultLocale: Locale): Locale {
  if (!languageCode) return defaultLocale;
  const code = languageCode.toLowerCase();
  if (code.startsWith('en')) return 'en';
  if (code.startsWith('zh')) return 'zh';
  return defaultLocale;
}
