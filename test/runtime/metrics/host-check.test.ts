/**
 * The DNS-rebinding guard (issue 14): the inspector and metrics servers answer only requests whose
 * `Host` names the configured host or a loopback name with the port; any other gets 421.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Inspector, startInspector } from '../../../src/runtime/inspector/inspector.js';
import { hostAllowed } from '../../../src/runtime/metrics/host-check.js';
import { type MetricsServer, createRuntimeMetrics, opsRoute, startMetricsServer } from '../../../src/runtime/metrics/index.js';

/** GETs `path` of the server at `url` with the given Host header. */
function get(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hostAllowed', () => {
  it('accepts the loopback names and the configured host, with the port', () => {
    for (const h of ['localhost:8787', '127.0.0.1:8787', '[::1]:8787', 'LOCALHOST:8787', 'bot.lan:8787']) expect(hostAllowed(h, 'bot.lan', 8787)).toBe(true);
    expect(hostAllowed('[fd00::1]:9464', 'fd00::1', 9464)).toBe(true);
    expect(hostAllowed('localhost', '127.0.0.1', 80)).toBe(true);
  });

  it('refuses another name, another port, a bare name off port 80, or none', () => {
    expect(hostAllowed('evil.example:8787', '127.0.0.1', 8787)).toBe(false);
    expect(hostAllowed('127.0.0.1.evil.example:8787', '127.0.0.1', 8787)).toBe(false);
    expect(hostAllowed('localhost:8788', '127.0.0.1', 8787)).toBe(false);
    expect(hostAllowed('localhost', '127.0.0.1', 8787)).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1', 8787)).toBe(false);
  });
});

describe('the servers', () => {
  let inspector: Inspector | undefined;
  let metrics: MetricsServer | undefined;
  afterEach(async () => {
    await inspector?.close();
    await metrics?.close();
    inspector = undefined;
    metrics = undefined;
  });

  it('the inspector serves /api/state to localhost and refuses a rebound name with 421', async () => {
    inspector = await startInspector({ port: 0, tickMs: 60_000, route: opsRoute(createRuntimeMetrics()) });
    const url = inspector.url ?? '';
    const port = new URL(url).port;
    expect((await get(url, '/api/state', `localhost:${port}`)).status).toBe(200);
    expect((await get(url, '/api/state', `127.0.0.1:${port}`)).status).toBe(200);
    for (const path of ['/api/state', '/metrics', '/']) {
      const r = await get(url, path, `attacker.example:${port}`);
      expect(r.status).toBe(421);
      expect(r.body).toMatch(/^gridbot: unknown Host header/);
    }
  });

  it('the metrics server does the same', async () => {
    metrics = await startMetricsServer({ host: '127.0.0.1', port: 0, route: opsRoute(createRuntimeMetrics()) });
    const port = new URL(metrics.url).port;
    expect((await get(metrics.url, '/metrics', `[::1]:${port}`)).status).toBe(200);
    expect((await get(metrics.url, '/metrics', `attacker.example:${port}`)).status).toBe(421);
    expect((await get(metrics.url, '/health', `attacker.example:${port}`)).status).toBe(421);
  });
});
