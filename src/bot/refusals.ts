import type { Translate } from '../i18n/translator.js';
import type { AppError } from '../shared/errors.js';

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
  waive_contributions: 'usage-waive',
};

/**
 * The sentence a person reads when a coded error refuses them. Codes that name internal values
 * get them in plain words first: `action` (confirm_result) becomes `actionName` (确认办结) and
 * picks the usage example, `status` (result_submitted) becomes the status's name (待确认). The raw
 * `action` stays available to the message only as a selector, so a translation can say who may
 * do it without ever printing the identifier.
 */
export function refusalText(t: Translate, error: Pick<AppError, 'code' | 'params'>): string {
  const params: Record<string, string | number> = { ...error.params };
  const action = error.params.action;
  if (typeof action === 'string') {
    params.actionName = t(`action-${action}`);
    const usage = USAGE_OF_ACTION[action];
    if (usage && params.usage === undefined) params.usage = t(usage);
  }
  const status = error.params.status;
  if (typeof status === 'string') params.status = t(`status-${status}`);
  return t(errorMessageId(error.code), params);
}
