import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { ReadinessReport } from './readiness.js';

export type OpsServer = { address: AddressInfo; close(): Promise<void> };

/**
 * The operators' endpoints, on their own port (METRICS_PORT, loopback unless METRICS_HOST says
 * otherwise):
 * - GET /healthz: 200 while the process runs (liveness);
 * - GET /readyz: 200 when every readiness check passes, else 503; the JSON body names the checks;
 * - GET /metrics: the Prometheus text format.
 */
export async function startOpsServer(deps: {
  host: string;
  port: number;
  metrics: Metrics;
  readiness: () => Promise<ReadinessReport>;
  logger: Logger;
}): Promise<OpsServer> {
  const logger = deps.logger.child({ component: 'ops-server' });
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://ops');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const answer = async () => {
      switch (url.pathname) {
        case '/healthz':
          return json(res, 200, { status: 'ok' });
        case '/readyz': {
          const report = await deps.readiness();
          return json(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', checks: report.checks });
        }
        case '/metrics': {
          const text = await deps.metrics.registry.metrics();
          res.writeHead(200, { 'content-type': deps.metrics.registry.contentType, 'cache-control': 'no-store' });
          return res.end(text);
        }
        default:
          return json(res, 404, { error: 'not found', endpoints: ['/healthz', '/readyz', '/metrics'] });
      }
    };
    answer().catch((error: unknown) => {
      logger.error({ err: error, path: url.pathname }, 'ops endpoint failed');
      if (!res.headersSent) json(res, 500, { error: (error as Error)?.message ?? String(error) });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  logger.info({ host: address.address, port: address.port }, 'operator endpoints listening (/healthz, /readyz, /metrics)');
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
