import { describe, expect, it } from 'vitest';
import { BUTTON_ACTIONS, decodeButton, encodeButton, type ButtonAction, type ButtonData } from '../../src/notifications/callback-data.js';

const MAX_ID = 2_147_483_647;
const MAX_PERSON = Number.MAX_SAFE_INTEGER;

/** One button of every action with ordinary values, and one with the largest each field takes. */
const EXAMPLES: Record<ButtonAction, [ButtonData, ButtonData]> = {
  ack: [
    { action: 'ack', itemId: 12, unitId: 3 },
    { action: 'ack', itemId: MAX_ID, unitId: MAX_ID },
  ],
  prg: [
    { action: 'prg', itemId: 12, unitId: 3 },
    { action: 'prg', itemId: MAX_ID, unitId: MAX_ID },
  ],
  res: [
    { action: 'res', itemId: 12, unitId: 3 },
    { action: 'res', itemId: MAX_ID, unitId: MAX_ID },
  ],
  ext: [
    { action: 'ext', itemId: 12, unitId: 3 },
    { action: 'ext', itemId: MAX_ID, unitId: MAX_ID },
  ],
  cfm: [
    { action: 'cfm', itemId: 12, version: 4 },
    { action: 'cfm', itemId: MAX_ID, version: MAX_ID },
  ],
  ret: [
    { action: 'ret', itemId: 12, version: 4 },
    { action: 'ret', itemId: MAX_ID, version: MAX_ID },
  ],
  exa: [
    { action: 'exa', itemId: 12, version: 4 },
    { action: 'exa', itemId: MAX_ID, version: MAX_ID },
  ],
  exr: [
    { action: 'exr', itemId: 12, version: 4 },
    { action: 'exr', itemId: MAX_ID, version: MAX_ID },
  ],
  wvl: [
    { action: 'wvl', itemId: 12, unitId: 3, version: 4 },
    { action: 'wvl', itemId: MAX_ID, unitId: MAX_ID, version: MAX_ID },
  ],
  vft: [
    { action: 'vft', itemId: 12, version: 4 },
    { action: 'vft', itemId: MAX_ID, version: MAX_ID },
  ],
  vff: [
    { action: 'vff', itemId: 12, version: 4 },
    { action: 'vff', itemId: MAX_ID, version: MAX_ID },
  ],
  dok: [
    { action: 'dok', draftId: 12, version: 1 },
    { action: 'dok', draftId: MAX_ID, version: MAX_ID },
  ],
  dno: [
    { action: 'dno', draftId: 12 },
    { action: 'dno', draftId: MAX_ID },
  ],
  dlv: [
    { action: 'dlv', draftId: 12 },
    { action: 'dlv', draftId: MAX_ID },
  ],
  ddl: [
    { action: 'ddl', draftId: 12 },
    { action: 'ddl', draftId: MAX_ID },
  ],
  dun: [
    { action: 'dun', draftId: 12 },
    { action: 'dun', draftId: MAX_ID },
  ],
  dlc: [
    { action: 'dlc', draftId: 12 },
    { action: 'dlc', draftId: MAX_ID },
  ],
  dwd: [
    { action: 'dwd', draftId: 12, version: 2 },
    { action: 'dwd', draftId: MAX_ID, version: MAX_ID },
  ],
  dpk: [
    { action: 'dpk', draftId: 12, unitId: 3, role: 'lead' },
    { action: 'dpk', draftId: MAX_ID, unitId: MAX_ID, role: 'cooperating' },
  ],
  lst: [
    { action: 'lst', list: 'mine', page: 0, owner: 42 },
    { action: 'lst', list: 'waiting', page: MAX_ID, unitId: MAX_ID, owner: MAX_PERSON },
  ],
  viw: [
    { action: 'viw', itemId: 12 },
    { action: 'viw', itemId: MAX_ID },
  ],
  cok: [
    { action: 'cok', itemId: 12, coordination: 1 },
    { action: 'cok', itemId: MAX_ID, coordination: MAX_ID },
  ],
  cup: [
    { action: 'cup', itemId: 12, coordination: 2 },
    { action: 'cup', itemId: MAX_ID, coordination: MAX_ID },
  ],
  mnd: [
    { action: 'mnd', itemId: 12, unitId: 3, milestone: 2 },
    { action: 'mnd', itemId: MAX_ID, unitId: MAX_ID, milestone: MAX_ID },
  ],
  rrc: [
    { action: 'rrc', itemId: 12 },
    { action: 'rrc', itemId: MAX_ID },
  ],
  rfb: [
    { action: 'rfb', itemId: 12 },
    { action: 'rfb', itemId: MAX_ID },
  ],
};

describe('button data', () => {
  it('has an example of every action', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...BUTTON_ACTIONS].sort());
  });

  it.each(BUTTON_ACTIONS)('round-trips %s, within Telegram’s 64 bytes even with the largest values', (action) => {
    for (const data of EXAMPLES[action]) {
      const encoded = encodeButton(data);
      expect(Buffer.byteLength(encoded)).toBeLessThanOrEqual(64);
      expect(decodeButton(encoded)).toEqual(data);
    }
  });

  it('writes each field under its own key, so the data reads without the code', () => {
    expect(encodeButton({ action: 'mnd', itemId: 12, unitId: 3, milestone: 2 })).toBe('mnd?i=12&u=3&m=2');
    expect(encodeButton({ action: 'dpk', draftId: 7, unitId: 3, role: 'cooperating' })).toBe('dpk?d=7&u=3&r=cooperating');
    expect(encodeButton({ action: 'lst', list: 'mine', page: 1, owner: 42 })).toBe('lst?l=mine&p=1&o=42');
  });

  it('reads fields in any order', () => {
    expect(decodeButton('mnd?m=2&u=3&i=12')).toEqual({ action: 'mnd', itemId: 12, unitId: 3, milestone: 2 });
  });

  it('refuses to write a value out of its field’s range', () => {
    expect(() => encodeButton({ action: 'cfm', itemId: MAX_ID + 1, version: 1 })).toThrow(/itemId/);
    expect(() => encodeButton({ action: 'ack', itemId: 1, unitId: 0 })).toThrow(/unitId/);
    expect(() => encodeButton({ action: 'mnd', itemId: 1, unitId: 1, milestone: 1.5 })).toThrow(/milestone/);
    expect(() => encodeButton({ action: 'dpk', draftId: 1, unitId: 1, role: 'boss' as 'lead' })).toThrow(/role/);
  });

  it.each([
    ['empty', ''],
    ['no fields at all', 'cfm'],
    ['unknown action', 'xyz?i=1'],
    ['upper-case action', 'CFM?i=1&v=1'],
    ['missing field', 'cfm?i=12'],
    ['unknown field', 'cfm?i=12&v=1&x=1'],
    ['field of another action', 'cfm?i=12&v=1&u=3'],
    ['repeated field', 'cfm?i=12&i=13&v=1'],
    ['field without value', 'cfm?i=12&v'],
    ['empty value', 'cfm?i=&v=1'],
    ['negative number', 'cfm?i=-1&v=1'],
    ['decimal number', 'cfm?i=1.5&v=1'],
    ['exponent', 'cfm?i=1e3&v=1'],
    ['leading zero', 'cfm?i=012&v=1'],
    ['leading plus', 'cfm?i=+12&v=1'],
    ['hex', 'cfm?i=0x1f&v=1'],
    ['id zero', 'cfm?i=0&v=1'],
    ['id past 2^31', 'cfm?i=2147483648&v=1'],
    ['huge number', `cfm?i=${'9'.repeat(20)}&v=1`],
    ['version zero', 'cfm?i=1&v=0'],
    ['unknown role', 'dpk?d=1&u=1&r=boss'],
    ['unknown list', 'lst?l=secret&p=0'],
    ['owner past 2^53', 'lst?l=mine&p=0&o=9007199254740992'],
    ['trailing separator', 'cfm?i=1&v=1&'],
    ['over 64 bytes', `viw?i=1${'&'.repeat(60)}`],
  ])('refuses %s (%j) without throwing', (_why, data) => {
    expect(decodeButton(data)).toBeUndefined();
  });

  it('refuses a missing callback', () => {
    expect(decodeButton(undefined)).toBeUndefined();
  });
});

describe('button data written before the codec (still on cards in chats)', () => {
  it.each([
    ['ack:12:3:0', { action: 'ack', itemId: 12, unitId: 3 }],
    ['prg:12:3:0', { action: 'prg', itemId: 12, unitId: 3 }],
    ['res:12:3:0', { action: 'res', itemId: 12, unitId: 3 }],
    ['ext:12:3:0', { action: 'ext', itemId: 12, unitId: 3 }],
    ['cfm:12:0:4', { action: 'cfm', itemId: 12, version: 4 }],
    ['ret:12:0:4', { action: 'ret', itemId: 12, version: 4 }],
    ['exa:12:0:4', { action: 'exa', itemId: 12, version: 4 }],
    ['exr:12:0:4', { action: 'exr', itemId: 12, version: 4 }],
    ['wvl:12:3:4', { action: 'wvl', itemId: 12, unitId: 3, version: 4 }],
    ['vft:12:0:4', { action: 'vft', itemId: 12, version: 4 }],
    ['vff:12:0:4', { action: 'vff', itemId: 12, version: 4 }],
    ['dok:1:0:1', { action: 'dok', draftId: 1, version: 1 }],
    ['dno:1:0:0', { action: 'dno', draftId: 1 }],
    ['dlv:1:0:0', { action: 'dlv', draftId: 1 }],
    ['ddl:1:0:0', { action: 'ddl', draftId: 1 }],
    ['dun:1:0:0', { action: 'dun', draftId: 1 }],
    ['dlc:1:0:0', { action: 'dlc', draftId: 1 }],
    ['dwd:1:0:2', { action: 'dwd', draftId: 1, version: 2 }],
    // dpk: the role rode in the version field, 1 lead, 2 cooperating.
    ['dpk:1:5:1', { action: 'dpk', draftId: 1, unitId: 5, role: 'lead' }],
    ['dpk:1:5:2', { action: 'dpk', draftId: 1, unitId: 5, role: 'cooperating' }],
    // lst: itemId was the page, unitId the filter's code, version the list's unit, the fifth field its sender.
    ['lst:2:4:0:42', { action: 'lst', list: 'mine', page: 2, owner: 42 }],
    ['lst:0:5:7:42', { action: 'lst', list: 'unit', page: 0, unitId: 7, owner: 42 }],
    ['lst:1:0:0', { action: 'lst', list: 'all', page: 1 }],
    // A bundle's 查看 named the unit too; it was never read.
    ['viw:12:3:0', { action: 'viw', itemId: 12 }],
    ['viw:12:0:0', { action: 'viw', itemId: 12 }],
    // cok/cup: the coordination request's number rode in the unit field.
    ['cok:12:2:0', { action: 'cok', itemId: 12, coordination: 2 }],
    ['cup:12:1:0', { action: 'cup', itemId: 12, coordination: 1 }],
    // mnd: the milestone's number rode in the version field.
    ['mnd:12:3:2', { action: 'mnd', itemId: 12, unitId: 3, milestone: 2 }],
    ['rrc:12:0:0', { action: 'rrc', itemId: 12 }],
    ['rfb:12:0:0', { action: 'rfb', itemId: 12 }],
  ])('reads %s', (data, expected) => {
    expect(decodeButton(data)).toEqual(expected);
  });

  it('covers every action in the old format', () => {
    for (const action of BUTTON_ACTIONS) {
      const sample = action === 'lst' ? 'lst:0:0:0' : action === 'dpk' ? 'dpk:1:1:1' : `${action}:1:1:1`;
      expect(decodeButton(sample)?.action, sample).toBe(action);
    }
  });

  it.each([
    'xyz:1:0:0',
    'cfm:1:0',
    'cfm:-1:0:0',
    'cfm:1:0:0:extra',
    'CFM:1:0:0',
    `cfm:${'9'.repeat(11)}:0:0`,
    'cfm:2147483648:0:0',
    'cfm:1:0:0:1:2',
    'cfm:0:0:4', // no item 0
    'cfm:1:0:0', // a versioned action without its version
    'ack:1:0:0', // 签收 for no unit
    'ack:1:2147483648:0',
    'dpk:1:5:3', // neither lead nor cooperating
    'lst:0:6:0:1', // no seventh list
    'mnd:1:1:0', // no milestone 0
    'lst:0:0:0:9999999999999999', // a sender past 2^53
  ])('refuses forged or malformed %j', (data) => {
    expect(decodeButton(data)).toBeUndefined();
  });
});
