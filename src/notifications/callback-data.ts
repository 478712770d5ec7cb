/**
 * Inline-button data, at most 64 bytes: `<action>:<itemId>:<unitId>:<version>[:<personId>]`.
 * It only says which button was pressed; who pressed it, and whether they may, is decided on the
 * server from our own tables every time.
 */

import { MAX_DB_ID } from '../shared/ids.js';

export const BUTTON_ACTIONS = [
  'ack', // 签收
  'prg', // progress (prompt)
  'res', // result or contribution (prompt)
  'ext', // extension request (prompt)
  'cfm', // confirm the result
  'ret', // return the result (prompt for the reason)
  'exa', // approve the extension
  'exr', // reject the extension
  'wvl', // waive one joint lead unit's result (prompt for the reason; unitId = the lead unit)
  'dok', // draft: confirm
  'dno', // draft: discard
  'dlv', // draft: cycle the level
  'ddl', // draft: change the deadline (prompt)
  'dun', // draft: change units (prompt)
  'dlc', // draft: set the leader in charge (prompt)
  'dwd', // draft: move a deadline that falls on a day off to the working day before it (version = the draft's)
  'dpk', // draft: pick a suggested unit for an unknown name (unitId = the unit, version = role 1 lead / 2 cooperating)
  'lst', // list paging: itemId = page, unitId = filter code
  'viw', // view: post a fresh card of the item in the chat (from a digest or a bundle)
  'cok', // 逐级协调: 已协调 (unitId = the coordination request's number on the item)
  'cup', // 逐级协调: 转交, one step up the route (unitId = the coordination request's number)
  'mnd', // 时间节点: report a milestone done (version = the milestone's number, 1-based)
  'rrc', // 移交: 已接收 (the discipline group took the referral)
  'rfb', // 移交: 反馈 (prompt for the 问责 outcome)
  'vft', // 调查复核: found true (prompt for the note; version = the item's)
  'vff', // 调查复核: found untrue, returns the item (prompt for the note; version = the item's)
] as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

export type ButtonData = { action: ButtonAction; itemId: number; unitId: number; version: number; personId?: number };

/** A button naming an id larger than any row can have was never made by us. */
const MAX_ID = MAX_DB_ID;

/**
 * `personId`, when given, is a fifth field: the one person the button is for (a /list's sender).
 * It is believed only because the press is first matched against the message's own keyboard,
 * which only the bot can set (see buttonGuardFeature).
 */
export function encodeButton(action: ButtonAction, itemId: number, unitId = 0, version = 0, personId?: number): string {
  const data = `${action}:${itemId}:${unitId}:${version}${personId !== undefined ? `:${personId}` : ''}`;
  if (Buffer.byteLength(data) > 64) throw new Error(`callback data too long: ${data}`);
  return data;
}

/** Reads button data; anything malformed or out of range (forged, or from an older bot) gives null. */
export function decodeButton(data: string | undefined): ButtonData | null {
  if (!data) return null;
  const m = /^([a-z]{3}):(\d{1,10}):(\d{1,10}):(\d{1,10})(?::(\d{1,16}))?$/.exec(data);
  if (!m) return null;
  const action = m[1] as ButtonAction;
  if (!BUTTON_ACTIONS.includes(action)) return null;
  const [itemId, unitId, version] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (itemId > MAX_ID || unitId > MAX_ID || version > MAX_ID) return null;
  return { action, itemId, unitId, version, ...(m[5] !== undefined ? { personId: Number(m[5]) } : {}) };
}
