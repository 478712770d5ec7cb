import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/logger.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/sandbox.js';

/** A Monday morning: "下周五" is 2026-03-13, the next digest Tuesday 08:30. */
export const SANDBOX_START = new Date('2026-03-02T09:00:00+08:00');

export type TestSandbox = { sandbox: Sandbox; dir: string; restart(): Promise<Sandbox>; stop(): Promise<void> };

/**
 * A sandbox on a free loopback port with its own data directory, its clock at SANDBOX_START.
 * The first start in a new directory creates the PGlite database (slow on a busy machine).
 */
export async function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-sandbox-'));
  const config = createConfig({ env: { DATA_DIR: dir } });
  const start = () => startSandbox({ config, logger: silentLogger, dir: path.join(dir, 'sandbox'), port: 0, startAt: SANDBOX_START, ...options });
  const fixture: TestSandbox = {
    sandbox: await start(),
    dir,
    async restart() {
      await fixture.sandbox.stop();
      fixture.sandbox = await start();
      return fixture.sandbox;
    },
    async stop() {
      await fixture.sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Calls the sandbox's JSON API as the page does. */
export async function callApi<T = Record<string, unknown>>(
  sandbox: Sandbox,
  method: 'GET' | 'POST',
  apiPath: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(`api${apiPath}`, sandbox.url), {
    method,
    headers: method === 'POST' ? { 'x-sandbox': '1', 'content-type': 'application/json' } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}
