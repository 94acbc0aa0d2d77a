/**
 * The stand-alone metrics server of `gridbot run --metrics [HOST:]PORT`: `/metrics` and `/health`
 * only, for an operator who scrapes a bot left running for weeks without wanting the inspector page
 * (and its per-transition collector) in the process. Loopback unless a host is given; requests
 * naming another host are refused (host-check.ts).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refuseForeignHost } from './host-check.js';
import type { OpsRoute } from './http-routes.js';

export interface MetricsServer {
  /** `http://host:port/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts listening. @throws the listen error (EADDRINUSE, EACCES…). */
export async function startMetricsServer(options: { readonly host: string; readonly port: number; readonly route: OpsRoute }): Promise<MetricsServer> {
  // Known once listening (port 0 picks one); read here, not from server.address(), which is null once closed.
  let boundPort = options.port;
  const server: Server = createServer((req, res) => {
    if (refuseForeignHost(req, res, options.host, boundPort)) return;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (options.route(req, res, path)) return;
    res.writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(path === '/' ? 'gridbot: GET /metrics (Prometheus), GET /health\n' : 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      boundPort = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
