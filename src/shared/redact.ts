/**
 * Keeps the bot token out of everything the bot writes down (log lines, stored errors).
 *
 * grammY's HttpError and node-fetch's FetchError carry the request URL, and the Bot API URL
 * holds the token (`https://api.telegram.org/bot<token>/sendMessage`). So any error message,
 * stack or URL may hold it, raw or URL-encoded (`:` as `%3A`).
 */

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Any Bot API token in a URL path: `bot` + the bot's numeric id + `:` (or `%3A`) + the secret.
 * Catches a token we were not told about (a second bot, a token from a config typo).
 */
const BOT_PATH_TOKEN = /bot\d+(?::|%3A)[A-Za-z0-9_-]+/gi;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function that removes `secrets` (raw and URL-encoded) and any `bot<digits>:<secret>` shape from a string. */
export type Redact = (text: string) => string;

/**
 * Builds the redaction for a set of known secrets. Empty and very short secrets are ignored:
 * replacing every "1" in a log because a test passed a one-character token would only garble it.
 */
export function createRedactor(secrets: ReadonlyArray<string | null | undefined> = []): Redact {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 8) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    // the secret part alone (after the bot id), in case a message quotes only it
    const colon = secret.indexOf(':');
    if (colon > 0 && secret.length - colon - 1 >= 8) forms.add(secret.slice(colon + 1));
  }
  // longest first: a form contained in another must not leave the longer one half replaced
  const known = [...forms].sort((a, b) => b.length - a.length);
  const knownPattern = known.length > 0 ? new RegExp(known.map(escapeRegExp).join('|'), 'g') : null;
  return (text) => {
    let out = text.replace(BOT_PATH_TOKEN, `bot${REDACTED}`);
    if (knownPattern) out = out.replace(knownPattern, REDACTED);
    return out;
  };
}

/** The redaction without known secrets: only the `bot<digits>:<secret>` shape. */
export const redactTokenShapes: Redact = createRedactor();
