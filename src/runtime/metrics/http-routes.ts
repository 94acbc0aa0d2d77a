/**
 * `GET /metrics` and `GET /health` as a node:http route, served by the inspector's server and by
 * the stand-alone metrics server (`run --metrics PORT`).
 *
 *   GET /metrics   200, Prometheus text format (`registry.contentType`)
 *   GET /health    200 `{"status":"ok",…}` or 503 `{"status":"unhealthy","problems":[…],…}` (health.ts)
 *
 * Both bodies are built from counters, gauges and actor states only: no credentials, no request
 * bodies or headers, no order ids (test/integration/no-secrets.int.test.ts holds it to that).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RuntimeMetrics } from './registry.js';

/** Handles a request when it is one of ours (returns true), else leaves it alone (returns false). */
export type OpsRoute = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

/** Returns the route serving `metrics`. */
export function opsRoute(metrics: RuntimeMetrics): OpsRoute {
  return (req, res, path) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/metrics') {
      metrics.scrape().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`metrics: ${e instanceof Error ? e.message : String(e)}\n`);
        },
      );
      return true;
    }
    if (path === '/health') {
      const report = metrics.health();
      res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : `${JSON.stringify(report)}\n`);
      return true;
    }
    return false;
  };
}
