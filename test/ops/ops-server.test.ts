import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { startOpsServer, type OpsServer } from '../../src/ops/ops-server.js';
import type { ReadinessReport } from '../../src/ops/readiness.js';

describe('the operators’ HTTP endpoints', () => {
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (report: ReadinessReport) => {
    const metrics = createMetrics();
    server = await startOpsServer({ host: '127.0.0.1', port: 0, metrics, logger: silentLogger, readiness: async () => report });
    const url = (path: string) => `http://127.0.0.1:${server!.address.port}${path}`;
    return { metrics, url };
  };
  const allOk: ReadinessReport = { ready: true, checks: { database: { ok: true }, migrations: { ok: true }, sweep: { ok: true } } };

  it('answers /healthz with 200, /readyz with 200 when every check passes, and /metrics in the Prometheus format', async () => {
    const { metrics, url } = await start(allOk);
    expect(server!.address.address).toBe('127.0.0.1');
    expect((await fetch(url('/healthz'))).status).toBe(200);
    const ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });

    metrics.messagesSent.inc({ source: 'outbox', method: 'sendMessage' });
    const response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('duban_messages_sent_total{source="outbox",method="sendMessage"} 1');
    expect(text).toContain('# TYPE duban_update_handler_duration_seconds histogram');
  });

  it('answers /readyz with 503 and names the failed check', async () => {
    const { url } = await start({ ready: false, checks: { database: { ok: true }, migrations: { ok: true }, sweep: { ok: false, lastRunAt: null } } });
    const response = await fetch(url('/readyz'));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not ready',
      checks: { database: { ok: true }, migrations: { ok: true }, sweep: { ok: false, lastRunAt: null } },
    });
  });

  it('answers other paths with 404 and other methods with 405', async () => {
    const { url } = await start(allOk);
    expect((await fetch(url('/'))).status).toBe(404);
    expect((await fetch(url('/metrics'), { method: 'POST' })).status).toBe(405);
  });
});
