/**
 * A port that is taken (issue 14): `gridbot sim --port`, `run --inspect` and `run --metrics` each
 * answer with one line that names the flag to change, and exit 2; no stack, nothing sent. Run as
 * child processes, so an unhandled 'error' event would show as a crash (exit 1 and a stack).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridYaml } from './harness.js';
import { spawnBot } from './support/bot-process.js';

let busy: Server;
let port = 0;
let dir = '';
let config = '';

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  port = (busy.address() as AddressInfo).port;
  dir = mkdtempSync(join(tmpdir(), 'gridbot-listen-'));
  config = join(dir, 'markets.yaml');
  writeFileSync(config, gridYaml());
});

afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs gridbot to its exit; returns the code and stderr's lines. */
async function gridbot(args: string[]): Promise<{ code: number | null; lines: string[] }> {
  const bot = spawnBot(args);
  const code = await bot.exited;
  return {
    code,
    lines: bot
      .stderr()
      .split('\n')
      .filter((l) => l !== ''),
  };
}

describe('a port in use', () => {
  it('gridbot sim --port: one line naming --port, exit 2', async () => {
    const r = await gridbot(['sim', '--port', String(port)]);
    expect(r.lines).toEqual([
      `gridbot sim: 127.0.0.1:${port} is already in use (another gridbot, or another program, listens there): choose another with --port PORT (0: any free port)`,
    ]);
    expect(r.code).toBe(2);
  }, 60_000);

  it('gridbot run --inspect: one line naming --inspect, exit 2, nothing sent', async () => {
    const r = await gridbot(['run', '--config', config, '--inspect', String(port)]);
    expect(r.lines).toEqual([
      `gridbot run: inspector: 127.0.0.1:${port} is already in use (another gridbot, or another program, listens there): choose another with --inspect PORT (or inspector.port in markets.yaml; 0: any free port); nothing was sent`,
    ]);
    expect(r.code).toBe(2);
  }, 60_000);

  it('gridbot run --metrics: one line naming --metrics, exit 2', async () => {
    const r = await gridbot(['run', '--config', config, '--metrics', String(port)]);
    expect(r.lines).toEqual([
      `gridbot run: metrics: 127.0.0.1:${port} is already in use (another gridbot, or another program, listens there): choose another with --metrics [HOST:]PORT; nothing was sent`,
    ]);
    expect(r.code).toBe(2);
  }, 60_000);
});
