import { describe, expect, it } from 'vitest';
import { decodeButton, encodeButton } from '../../src/notifications/callback-data.js';

describe('button data', () => {
  it('round-trips and stays within Telegram’s 64 bytes even with the largest ids', () => {
    const data = encodeButton('lst', 2_147_483_647, 2_147_483_647, 2_147_483_647, 9_007_199_254_740_991);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(decodeButton(data)).toEqual({ action: 'lst', itemId: 2_147_483_647, unitId: 2_147_483_647, version: 2_147_483_647, personId: 9_007_199_254_740_991 });
    expect(decodeButton(encodeButton('cfm', 12, 3, 4))).toEqual({ action: 'cfm', itemId: 12, unitId: 3, version: 4 });
  });

  it.each(['', 'cfm', 'xyz:1:0:0', 'cfm:1:0', 'cfm:-1:0:0', 'cfm:1:0:0:extra', 'CFM:1:0:0', `cfm:${'9'.repeat(11)}:0:0`, 'cfm:2147483648:0:0', 'cfm:1:4294967295:0', 'cfm:1:0:0:1:2'])('refuses forged or malformed data %j', (data) => {
    expect(decodeButton(data)).toBeNull();
  });
});
