/**
 * Inline-button data (Telegram allows at most 64 bytes), through one codec: each action declares
 * its own named fields, so a call site writes `{ action: 'mnd', itemId, unitId, milestone }` and a
 * handler reads `data.milestone`, never a number that means a version on one button and a
 * milestone on another.
 *
 * Wire format: `<action>?<key>=<value>&<key>=<value>`, e.g. `mnd?i=12&u=3&m=2`, one short key per
 * field. It only says which button was pressed; who pressed it, and whether they may, is decided
 * on the server from our own tables every time.
 *
 * Buttons sent before this codec (`<action>:<itemId>:<unitId>:<version>[:<personId>]`) stay on
 * cards in real chats for as long as those messages live, so the decoder still reads them (see
 * `LEGACY`); the encoder writes the new format only.
 */

import { MAX_DB_ID } from '../shared/ids.js';

/** /list's filters; the order is the old buttons' filter code, so it must not change. */
export const LIST_FILTERS = ['all', 'open', 'overdue', 'waiting', 'mine', 'unit'] as const;
export type ListFilterName = (typeof LIST_FILTERS)[number];

type IntField = { key: string; kind: 'int'; min: number; max: number; optional?: true };
type EnumField = { key: string; kind: 'enum'; values: readonly string[]; optional?: true };
type Field = IntField | EnumField;

/** A row of items or units: a PostgreSQL integer key. */
const id = (key: string) => ({ key, kind: 'int', min: 1, max: MAX_DB_ID }) as const;
/** A number counted from 1 on the item (its version, a milestone, a coordination request). */
const ordinal = (key: string) => ({ key, kind: 'int', min: 1, max: MAX_DB_ID }) as const;

const itemId = id('i');
const draftId = id('d');
const unitId = id('u');
const version = ordinal('v');

/** Each action's fields, by the name the code uses. */
const SCHEMAS = {
  ack: { itemId, unitId }, // 签收
  prg: { itemId, unitId }, // progress (prompt)
  res: { itemId, unitId }, // result or contribution (prompt)
  ext: { itemId, unitId }, // extension request (prompt)
  cfm: { itemId, version }, // confirm the result
  ret: { itemId, version }, // return the result (prompt for the reason)
  exa: { itemId, version }, // approve the extension
  exr: { itemId, version }, // reject the extension
  wvl: { itemId, unitId, version }, // waive one joint lead unit's result (prompt for the reason; unitId = the lead unit)
  vft: { itemId, version }, // 调查复核: found true (prompt for the note)
  vff: { itemId, version }, // 调查复核: found untrue, returns the item (prompt for the note)
  dok: { draftId, version }, // draft: confirm
  dno: { draftId }, // draft: discard
  dlv: { draftId }, // draft: cycle the level
  ddl: { draftId }, // draft: change the deadline (prompt)
  dun: { draftId }, // draft: change units (prompt)
  dlc: { draftId }, // draft: set the leader in charge (prompt)
  dwd: { draftId, version }, // draft: move a deadline that falls on a day off to the working day before it
  dpk: { draftId, unitId, role: { key: 'r', kind: 'enum', values: ['lead', 'cooperating'] } }, // draft: pick a suggested unit for an unknown name
  // list paging: which list (`unitId` for the 'unit' list only), which page, and the list's
  // sender (`owner`), the only person who may turn its pages; lists sent before owners were
  // written have none.
  lst: {
    list: { key: 'l', kind: 'enum', values: LIST_FILTERS },
    page: { key: 'p', kind: 'int', min: 0, max: MAX_DB_ID },
    unitId: { ...unitId, optional: true },
    owner: { key: 'o', kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER, optional: true },
  },
  viw: { itemId }, // view: post a fresh card of the item in the chat (from a digest or a bundle)
  cok: { itemId, coordination: ordinal('c') }, // 逐级协调: 已协调 (the request's number on the item)
  cup: { itemId, coordination: ordinal('c') }, // 逐级协调: 转交, one step up the route
  mnd: { itemId, unitId, milestone: ordinal('m') }, // 时间节点: report milestone `milestone` (1-based) done
  rrc: { itemId }, // 移交: 已接收 (the discipline group took the referral)
  rfb: { itemId }, // 移交: 反馈 (prompt for the 问责 outcome)
} as const satisfies Record<string, Record<string, Field>>;

type Schemas = typeof SCHEMAS;
export type ButtonAction = keyof Schemas;
export const BUTTON_ACTIONS = Object.keys(SCHEMAS) as ButtonAction[];

type ValueOf<F> = F extends { kind: 'enum'; values: readonly (infer V)[] } ? V : number;
type Flatten<T> = { [K in keyof T]: T[K] };
type DataOf<A extends ButtonAction> = Flatten<
  { action: A } & { -readonly [K in keyof Schemas[A] as Schemas[A][K] extends { optional: true } ? never : K]: ValueOf<Schemas[A][K]> } & {
    -readonly [K in keyof Schemas[A] as Schemas[A][K] extends { optional: true } ? K : never]?: ValueOf<Schemas[A][K]>;
  }
>;

/** What a button says, one shape per action. */
export type ButtonData = { [A in ButtonAction]: DataOf<A> }[ButtonAction];

const MAX_BYTES = 64;

function fieldsOf(action: ButtonAction): [string, Field][] {
  return Object.entries(SCHEMAS[action] as Record<string, Field>);
}

function valid(field: Field, value: unknown): boolean {
  if (field.kind === 'enum') return typeof value === 'string' && field.values.includes(value);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= field.min && value <= field.max;
}

/**
 * Writes a button's data. A value out of its field's range, or data over 64 bytes, is a bug in
 * the caller (the schema bounds every field so the largest values fit), so it throws.
 */
export function encodeButton(data: ButtonData): string {
  const values = data as Record<string, unknown>;
  const parts: string[] = [];
  for (const [name, field] of fieldsOf(data.action)) {
    const value = values[name];
    if (value === undefined && field.optional) continue;
    if (!valid(field, value)) throw new Error(`button ${data.action}: bad ${name} ${String(value)}`);
    parts.push(`${field.key}=${String(value)}`);
  }
  const encoded = `${data.action}?${parts.join('&')}`;
  if (Buffer.byteLength(encoded) > MAX_BYTES) throw new Error(`callback data too long: ${encoded}`);
  return encoded;
}

const INT = /^(0|[1-9]\d{0,15})$/;

/**
 * Reads button data. Anything malformed (an unknown action, a missing, repeated or unknown field,
 * a number that is not a plain integer or is out of its field's range) gives undefined: such data
 * was forged or comes from a bot that no longer exists. Never throws.
 */
export function decodeButton(data: string | undefined): ButtonData | undefined {
  if (!data || Buffer.byteLength(data) > MAX_BYTES) return undefined;
  const q = data.indexOf('?');
  if (q < 0) return decodeLegacy(data);
  const action = data.slice(0, q);
  if (!isAction(action)) return undefined;
  const byKey = new Map(fieldsOf(action).map(([name, field]) => [field.key, { name, field }]));
  const out: Record<string, unknown> = { action };
  const rest = data.slice(q + 1);
  for (const pair of rest === '' ? [] : rest.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) return undefined;
    const spec = byKey.get(pair.slice(0, eq));
    if (!spec || spec.name in out) return undefined;
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    if (spec.field.kind === 'int') value = INT.test(raw) ? Number(raw) : undefined;
    if (!valid(spec.field, value)) return undefined;
    out[spec.name] = value;
  }
  for (const [name, field] of fieldsOf(action)) if (!(name in out) && !field.optional) return undefined;
  return out as ButtonData;
}

function isAction(action: string): action is ButtonAction {
  return Object.hasOwn(SCHEMAS, action);
}

/** Every button but a list page's is about one item. */
export type ItemButtonData = Exclude<ButtonData, { action: 'lst' }>;

/** The item a button is about (a draft is an item too). */
export function buttonItemId(data: ItemButtonData): number {
  return 'itemId' in data ? data.itemId : data.draftId;
}

/** The old positional fields, as the old encoder wrote them (0 = not given). */
type Legacy = { itemId: number; unitId: number; version: number; personId?: number };

/**
 * How each action's fields were laid out before the codec: the old `version` field also carried
 * a role (dpk: 1 lead, 2 cooperating), a milestone (mnd) and a list's unit (lst, whose itemId was
 * the page and unitId the filter code); cok/cup named the coordination request in `unitId`.
 * Fields an action did not use were written as 0 and are ignored, as the old decoder did.
 */
const LEGACY: { [A in ButtonAction]: (old: Legacy) => Omit<DataOf<A>, 'action'> | undefined } = {
  ack: ({ itemId, unitId }) => ({ itemId, unitId }),
  prg: ({ itemId, unitId }) => ({ itemId, unitId }),
  res: ({ itemId, unitId }) => ({ itemId, unitId }),
  ext: ({ itemId, unitId }) => ({ itemId, unitId }),
  cfm: ({ itemId, version }) => ({ itemId, version }),
  ret: ({ itemId, version }) => ({ itemId, version }),
  exa: ({ itemId, version }) => ({ itemId, version }),
  exr: ({ itemId, version }) => ({ itemId, version }),
  wvl: ({ itemId, unitId, version }) => ({ itemId, unitId, version }),
  vft: ({ itemId, version }) => ({ itemId, version }),
  vff: ({ itemId, version }) => ({ itemId, version }),
  dok: ({ itemId, version }) => ({ draftId: itemId, version }),
  dno: ({ itemId }) => ({ draftId: itemId }),
  dlv: ({ itemId }) => ({ draftId: itemId }),
  ddl: ({ itemId }) => ({ draftId: itemId }),
  dun: ({ itemId }) => ({ draftId: itemId }),
  dlc: ({ itemId }) => ({ draftId: itemId }),
  dwd: ({ itemId, version }) => ({ draftId: itemId, version }),
  dpk: ({ itemId, unitId, version }) =>
    version === 1 || version === 2 ? { draftId: itemId, unitId, role: version === 1 ? 'lead' : 'cooperating' } : undefined,
  lst: ({ itemId, unitId, version, personId }) => {
    const list = LIST_FILTERS[unitId];
    if (!list) return undefined;
    return { list, page: itemId, ...(version !== 0 ? { unitId: version } : {}), ...(personId !== undefined ? { owner: personId } : {}) };
  },
  viw: ({ itemId }) => ({ itemId }),
  cok: ({ itemId, unitId }) => ({ itemId, coordination: unitId }),
  cup: ({ itemId, unitId }) => ({ itemId, coordination: unitId }),
  mnd: ({ itemId, unitId, version }) => ({ itemId, unitId, milestone: version }),
  rrc: ({ itemId }) => ({ itemId }),
  rfb: ({ itemId }) => ({ itemId }),
};

function decodeLegacy(data: string): ButtonData | undefined {
  const m = /^([a-z]{3}):(\d{1,10}):(\d{1,10}):(\d{1,10})(?::(\d{1,16}))?$/.exec(data);
  if (!m || !isAction(m[1]!)) return undefined;
  const action = m[1];
  const old: Legacy = { itemId: Number(m[2]), unitId: Number(m[3]), version: Number(m[4]), ...(m[5] !== undefined ? { personId: Number(m[5]) } : {}) };
  const fields = (LEGACY[action] as (old: Legacy) => Record<string, unknown> | undefined)(old);
  if (!fields) return undefined;
  // The mapped fields meet the same bounds as new data (an item id 0, or past 2^31, names nothing).
  for (const [name, field] of fieldsOf(action)) {
    const value = fields[name];
    if (value === undefined ? !field.optional : !valid(field, value)) return undefined;
  }
  return { action, ...fields } as ButtonData;
}
