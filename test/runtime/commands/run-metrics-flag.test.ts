/** `gridbot run --metrics [HOST:]PORT` (issue 9): what it accepts, and a bad value is exit 2 with nothing started. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli.js';
import { metricsAddress } from '../../../src/runtime/commands/run.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('run --metrics', () => {
  it.each([
    ['9464', { host: '127.0.0.1', port: 9464 }],
    ['0', { host: '127.0.0.1', port: 0 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['metrics.local:80', { host: 'metrics.local', port: 80 }],
  ])('%s → %j', (text, address) => {
    expect(metricsAddress(text)).toEqual(address);
  });

  it.each(['', 'x', '70000', ':9464', '127.0.0.1:', '1.5'])('refuses %j', (text) => {
    expect(metricsAddress(text)).toBe(`--metrics must be PORT or HOST:PORT, got ${text}`);
  });

  it('exits 2 on a bad value, before reading markets.yaml', async () => {
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    expect(await main(['run', '--config', '/nonexistent/markets.yaml', '--metrics', 'nope'])).toBe(2);
    expect(err.join('')).toMatch(/^gridbot run: --metrics must be PORT or HOST:PORT, got nope\n/);
  });
});
