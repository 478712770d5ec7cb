import type { Translate } from '../i18n/translator.js';
import type { AppError } from '../shared/errors.js';
import { clip, escapeHtml } from '../shared/html.js';

/** Telegram's limits: a message's text, and a callback query's alert. */
export const MESSAGE_MAX = 4096;
export const ALERT_MAX = 200;
/**
 * How much of one parameter a refusal quotes (what was typed: a unit's name, a code, a date).
 * Parameters the bot composes itself (a usage line, a list of names or of a file's problems) get
 * more room; the message's own limit still caps the whole.
 */
const QUOTE_MAX = 100;
const LIST_MAX = 3000;
const COMPOSED = new Set(['problems', 'usage', 'suggestions', 'units', 'reason']);

/** Turns an AppError code into its Fluent message id: `units.not_found` -> `err-units-not_found`. */
export function errorMessageId(code: string): string {
  return `err-${code.replace(/\./g, '-')}`;
}

/**
 * The command that does an action, for refusals that end with an example ("please give a
 * reason: /transfer CODE …"): the example names the action that was refused, never another one.
 */
const USAGE_OF_ACTION: Record<string, string> = {
  acknowledge: 'usage-ack',
  report_progress: 'usage-progress',
  submit_result: 'usage-result',
  submit_contribution: 'usage-result',
  request_extension: 'usage-extend',
  approve_extension: 'usage-approve',
  reject_extension: 'usage-reject',
  confirm_result: 'usage-confirm',
  return_result: 'usage-return',
  transfer: 'usage-transfer',
  cancel: 'usage-cancel',
  excuse: 'usage-excuse',
  notify: 'usage-notify',
  waive_contributions: 'usage-waive',
  waive_lead: 'usage-waive',
  set_handler: 'usage-handler',
  request_coordination: 'usage-coordinate',
  resolve_coordination: 'usage-coordinated',
  forward_coordination: 'usage-coordup',
  report_milestone: 'usage-node',
  verify_result: 'usage-verify',
  field_check: 'usage-check',
};

/**
 * The sentence a person reads when a coded error refuses them. Codes that name internal values
 * get them in plain words first: `action` (confirm_result) becomes `actionName` (确认办结) and
 * picks the usage example, `status` (result_submitted) becomes the status's name (待确认). The raw
 * `action` stays available to the message only as a selector, so a translation can say who may
 * do it without ever printing the identifier.
 */
export function refusalText(t: Translate, error: Pick<AppError, 'code' | 'params'>, options: { html?: boolean } = {}): string {
  const html = options.html ?? true;
  const params: Record<string, string | number> = {};
  // What a person typed is quoted shortened and, for HTML, escaped: a refusal that quoted a 5,000
  // character name or a "<b>" verbatim would be refused by Telegram and never reach them.
  for (const [key, value] of Object.entries(error.params)) {
    const quoted = typeof value === 'string' ? clip(value, COMPOSED.has(key) ? LIST_MAX : QUOTE_MAX) : value;
    params[key] = typeof quoted === 'string' && html ? escapeHtml(quoted) : quoted;
  }
  const action = error.params.action;
  if (typeof action === 'string') {
    params.actionName = t(`action-${action}`);
    const usage = USAGE_OF_ACTION[action];
    if (usage && params.usage === undefined) params.usage = t(usage);
  }
  const status = error.params.status;
  if (typeof status === 'string') params.status = t(`status-${status}`);
  const text = t(errorMessageId(error.code), params);
  return html ? clipHtml(text, MESSAGE_MAX) : clip(text, ALERT_MAX);
}

/** Shortens escaped text (no tags) without cutting an entity such as &amp; in two. */
function clipHtml(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}
