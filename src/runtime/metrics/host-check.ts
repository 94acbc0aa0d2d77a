/**
 * The `Host` check of gridbot's HTTP servers (the inspector's and the metrics'): a guard against DNS
 * rebinding. A page on another site can point its own name at 127.0.0.1 and then read
 * `/api/state` or `/metrics` as same-origin; the one thing it cannot change is the `Host` header,
 * which carries its name. So only the configured host and the loopback names, with the port, are
 * answered; any other gets 421 and a short body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Returns whether `host` (a `Host` header) names this server: a loopback name or `configuredHost`, with `port`. */
export function hostAllowed(host: string | undefined, configuredHost: string, port: number): boolean {
  if (host === undefined) return false;
  const wanted = host.trim().toLowerCase();
  const configured = configuredHost.includes(':') ? `[${configuredHost.toLowerCase()}]` : configuredHost.toLowerCase();
  for (const name of [...LOOPBACK_NAMES, configured]) {
    // Port 80 is the one a browser leaves out of the header.
    if (wanted === `${name}:${port}` || (port === 80 && wanted === name)) return true;
  }
  return false;
}

/** Answers 421 when `req`'s Host is not allowed; returns true when it did (the caller stops there). */
export function refuseForeignHost(req: IncomingMessage, res: ServerResponse, configuredHost: string, port: number): boolean {
  if (hostAllowed(req.headers.host, configuredHost, port)) return false;
  res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`gridbot: unknown Host header; use http://127.0.0.1:${port}/ or the configured host\n`);
  return true;
}
