import { describe, expect, it } from 'vitest';
import { decodeButton, encodeButton } from '../../src/notifications/callback-data.js';

describe('button data', () => {
  it('round-trips and stays within Telegram’s 64 bytes even with the largest ids', () => {
    const data = encodeButton('cfm', 4_294_967_295, 4_294_967_295, 4_294_967_295);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(decodeButton(data)).toEqual({ action: 'cfm', itemId: 4_294_967_295, unitId: 4_294_967_295, version: 4_294_967_295 });
  });

  it.each(['', 'cfm', 'xyz:1:0:0', 'cfm:1:0', 'cfm:-1:0:0', 'cfm:1:0:0:extra', 'CFM:1:0:0', `cfm:${'9'.repeat(11)}:0:0`])('refuses forged or malformed data %j', (data) => {
    expect(decodeButton(data)).toBeNull();
  });
});
