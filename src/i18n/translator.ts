import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import { createLogger } from '../logger.js';

export const LOCALES_DIR = fileURLToPath(new URL('./locales', import.meta.url));
/** The languages the bot speaks: Chinese by default, English for English-speaking users. */
export const LOCALES = ['zh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}
export type TranslateParams = Record<string, string | number | null | undefined>;
export type Translate = (key: string, params?: TranslateParams) => string;

export type TranslatorOptions = {
  dir?: string;
  /**
   * A missing message, or one that cannot be formatted (a variable not given), throws instead of
   * falling back. Default: on under the tests (vitest, NODE_ENV=test), so a missing message fails
   * the test that reaches it rather than showing a placeholder nobody looks at.
   */
  strict?: boolean;
  /** Where a fallback is reported (production). Default: a logger of its own on stdout. */
  logger?: { warn(obj: object, msg: string): void };
};

/** Said when a message exists in no language: better a plain sentence than the message's id. */
export const MISSING_MESSAGE_TEXT: Record<Locale, string> = {
  zh: '（此处文字缺失，请告知督查室。）',
  en: '(This text is missing; please tell the supervision office.)',
};

/** Thrown in strict mode for a message that no locale has, or that cannot be formatted. */
export class MissingMessageError extends Error {
  constructor(
    readonly key: string,
    readonly locale: Locale,
    detail: string,
  ) {
    super(`i18n: ${detail} "${key}" (${locale})`);
    this.name = 'MissingMessageError';
  }
}

export function isTestRun(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.VITEST !== undefined || env.NODE_ENV === 'test';
}

/**
 * Fluent translations for text that is not a reply to an update: cards and notices planned into
 * the outbox, digests, the ledger. The bot's own i18n plugin reads the same .ftl files.
 *
 * A message missing in the asked locale falls back to the other locale, then to a generic
 * sentence (MISSING_MESSAGE_TEXT), each time with a log line; never to the message's id, which
 * reads like a bug to the person who gets it. Under the tests (`strict`) it throws instead.
 */
export function createTranslator(options: TranslatorOptions = {}) {
  const dir = options.dir ?? LOCALES_DIR;
  const strict = options.strict ?? isTestRun();
  let logger = options.logger;
  const log = () => (logger ??= createLogger());
  const bundles = new Map<string, FluentBundle>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl'))) {
    const locale = path.basename(file, '.ftl');
    const bundle = new FluentBundle(locale, { useIsolating: false });
    const errors = bundle.addResource(new FluentResource(readFileSync(path.join(dir, file), 'utf8')));
    if (errors.length > 0) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`);
    bundles.set(locale, bundle);
  }
  const other = (locale: Locale): Locale => (locale === 'zh' ? 'en' : 'zh');

  function t(locale: Locale, key: string, params: TranslateParams = {}): string {
    const found = [locale, other(locale)]
      .map((l) => ({ locale: l, bundle: bundles.get(l) }))
      .map(({ locale: l, bundle }) => ({ locale: l, bundle, message: bundle?.getMessage(key) }))
      .find((c) => c.message?.value);
    if (!found?.bundle || !found.message?.value) {
      if (strict) throw new MissingMessageError(key, locale, 'no message');
      log().warn({ key, locale }, 'i18n: message missing in every locale, generic sentence shown');
      return MISSING_MESSAGE_TEXT[locale];
    }
    if (found.locale !== locale) {
      if (strict) throw new MissingMessageError(key, locale, 'no message in this locale');
      log().warn({ key, locale, fallback: found.locale }, 'i18n: message missing, other locale shown');
    }
    const args: Record<string, FluentVariable> = {};
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) args[k] = v;
    const errors: Error[] = [];
    const text = found.bundle.formatPattern(found.message.value, args, errors);
    if (errors.length > 0) {
      if (strict) throw new MissingMessageError(key, locale, `${errors.map((e) => e.message).join('; ')} in`);
      log().warn({ key, locale, errors: errors.map((e) => e.message) }, 'i18n: message formatted with errors');
    }
    return text;
  }
  return {
    t,
    /** A translate function bound to one locale. */
    for:
      (locale: Locale): Translate =>
      (key, params) =>
        t(locale, key, params),
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
