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
    expect(() => createConfig({ env: { ROLE: 'poller', METRICS_PORT: 'nine' } })).toThrow(
      /ROLE: must be all or worker[\s\S]*METRICS_PORT: must be a port number/,
    );
  });

  it('polls unless WEBHOOK_URL is set; the webhook server listens on 0.0.0.0:8080 unless HOST and PORT say otherwise', () => {
    const polling = createConfig({ env: {} });
    expect(polling.webhookUrl).toBeUndefined();
    expect(polling).toMatchObject({ port: 8080, host: '0.0.0.0' });
    const config = createConfig({
      env: { WEBHOOK_URL: 'https://bot.example.org/telegram', WEBHOOK_SECRET: 'aB3_-x'.repeat(10), PORT: '3000', HOST: '127.0.0.1' },
    });
    expect(config).toMatchObject({ webhookUrl: 'https://bot.example.org/telegram', webhookSecret: 'aB3_-x'.repeat(10), port: 3000, host: '127.0.0.1' });
  });

  it('refuses a webhook without a secret, a secret Telegram would refuse, and a URL that is not https', () => {
    const problems = (env: Record<string, string>) => {
      try {
        createConfig({ env });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ WEBHOOK_URL: 'https://bot.example.org/telegram' })).toEqual([expect.stringMatching(/^WEBHOOK_SECRET: required when WEBHOOK_URL is set/)]);
    for (const secret of ['has space', 'dots.not.allowed', '密钥', 'x'.repeat(257)]) {
      expect(problems({ WEBHOOK_URL: 'https://bot.example.org/telegram', WEBHOOK_SECRET: secret })).toEqual([
        expect.stringMatching(/^WEBHOOK_SECRET: must be 1-256 characters of A-Z, a-z, 0-9, _ and -/),
      ]);
    }
    expect(problems({ WEBHOOK_URL: 'https://bot.example.org/telegram', WEBHOOK_SECRET: 'x'.repeat(256) })).toEqual([]);
    expect(problems({ WEBHOOK_URL: 'http://bot.example.org/telegram', WEBHOOK_SECRET: 's' })).toEqual([
      expect.stringMatching(/^WEBHOOK_URL: must be an https URL/),
    ]);
    expect(problems({ WEBHOOK_URL: 'https://bot.example.org/telegram', WEBHOOK_SECRET: 's', PORT: 'eighty' })).toEqual([
      expect.stringMatching(/^PORT: must be a port number/),
    ]);
    // Listed together with the other wrong settings, not only once they are fixed.
    expect(problems({ WEBHOOK_URL: 'https://bot.example.org/telegram', LOCALE: 'fr' })).toEqual([
      expect.stringMatching(/^LOCALE:/),
      expect.stringMatching(/^WEBHOOK_SECRET: required/),
    ]);
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
