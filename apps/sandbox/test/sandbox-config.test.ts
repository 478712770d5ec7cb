import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../../src/config.js';

describe('SANDBOX_PORT', () => {
  it('is 8080 unless set', () => {
    expect(createConfig({ env: {} }).sandboxPort).toBe(8080);
    expect(createConfig({ env: { SANDBOX_PORT: '9090' } }).sandboxPort).toBe(9090);
  });

  it('refuses what is not a port, naming the variable', () => {
    for (const bad of ['http', '70000']) {
      expect(() => createConfig({ env: { SANDBOX_PORT: bad } })).toThrow(ConfigError);
      try {
        createConfig({ env: { SANDBOX_PORT: bad } });
      } catch (error) {
        expect((error as ConfigError).problems[0]).toMatch(/^SANDBOX_PORT: /);
      }
    }
  });
});
