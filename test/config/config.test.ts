import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../src/config.js';

describe('configuration', () => {
  it('fills sensible defaults when nothing is set', () => {
    const config = createConfig({ env: {} });
    expect(config).toMatchObject({
      botApiRoot: 'https://api.telegram.org',
      dataDir: './data',
      adminIds: [],
      timezone: 'Asia/Shanghai',
      locale: 'zh',
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads environment variables over the config file', () => {
    const config = createConfig({
      env: { ADMIN_IDS: '1, 22 ,333', TIMEZONE: 'Europe/Berlin', LOCALE: 'en', DATABASE_URL: 'postgres://u@h:5432/d' },
      file: { timezone: 'Asia/Tokyo', dataDir: '/var/lib/duban', items: { codePrefix: '督查' } },
    });
    expect(config.adminIds).toEqual([1, 22, 333]);
    expect(config.timezone).toBe('Europe/Berlin');
    expect(config.dataDir).toBe('/var/lib/duban');
    expect(config.items.codePrefix).toBe('督查');
    expect(config.databaseUrl).toBe('postgres://u@h:5432/d');
  });

  it('runs as poller and worker with no operator endpoints unless ROLE and METRICS_PORT say otherwise', () => {
    expect(createConfig({ env: {} })).toMatchObject({ role: 'all', metricsHost: '127.0.0.1' });
    expect(createConfig({ env: {} }).metricsPort).toBeUndefined();
    const config = createConfig({ env: { ROLE: 'worker', METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' } });
    expect(config).toMatchObject({ role: 'worker', metricsPort: 9464, metricsHost: '0.0.0.0' });
    expect(() => createConfig({ env: { ROLE: 'poller', METRICS_PORT: 'nine' } })).toThrow(/ROLE: must be all or worker[\s\S]*METRICS_PORT: must be a port number/);
  });

  it('lists every wrong setting at once, each with how to fix it', () => {
    let error: unknown;
    try {
      createConfig({ env: { DATABASE_URL: 'nonsense', ADMIN_IDS: 'abc', TIMEZONE: 'Mars/Base', LOCALE: 'fr', BOT_API_ROOT: 'ftp://x' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('ADMIN_IDS:'))).toContain('"abc"');
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toContain('postgres://');
    expect(problems.find((p) => p.startsWith('TIMEZONE:'))).toContain('Asia/Shanghai');
    expect(problems.some((p) => p.startsWith('LOCALE:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('BOT_API_ROOT:'))).toBe(true);
  });

  it('when started with a bad setting, prints a clear message without a stack trace and exits 2', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, BOT_TOKEN: 'x', DATABASE_URL: 'nonsense', ADMIN_IDS: 'abc' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).toContain('ADMIN_IDS');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
