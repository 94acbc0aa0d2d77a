/**
 * `gridbot run` in-process against a simulator started by the test: it trades until SIGINT, then
 * stops in order and prints the final table; and every way it must refuse to start (broken
 * markets.yaml, unknown market, live exchange without --live) exits 2 having sent the exchange
 * nothing private.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { decodeClientOrderId } from '../../src/grid/client-order-id.js';
import { DEMO_ACCOUNT, type Simulator, startSimulator } from '../../src/sim/index.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';

const MARKET = 'DBTC_DUSDT';

function yaml(market = MARKET, head: readonly string[] = ['exchange: sim']): string {
  return [
    ...head,
    'botId: cli',
    'logLevel: silent',
    'grids:',
    `  - market: ${market}`,
    '    spacing: arithmetic',
    '    ladder:',
    '      center: last',
    '      levelsPerSide: 2',
    '      step: "200"',
    '    amountPerLevel:',
    '      base: "0.002"',
    '',
  ].join('\n');
}

let dir: string;
let sim: Simulator | undefined;
let proxy: CountingProxy | undefined;
let out: string[];
let err: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridbot-run-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await proxy?.close();
  await sim?.close();
  proxy = undefined;
  sim = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function configFile(text: string): Promise<string> {
  const file = join(dir, 'markets.yaml');
  await writeFile(file, text);
  return file;
}

const botOrders = (s: Simulator) =>
  s.state.orders(s.accountId).filter((o) => decodeClientOrderId(o.clientOrderId, { botId: 'cli', market: MARKET }).kind === 'ours');

/** Resolves once `check` holds, re-checked on every simulator event. */
function whenSim(s: Simulator, check: () => boolean, label: string, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      off();
      clearTimeout(timer);
    };
    const off = s.onEvent(() => {
      if (check()) {
        done();
        resolve();
      }
    });
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for ${label}; stderr: ${err.join('')}`));
    }, timeoutMs);
    if (check()) {
      done();
      resolve();
    }
  });
}

describe('gridbot run', () => {
  it('trades until SIGINT, then exits 0 with the final table and no order of the bot left', async () => {
    sim = await startSimulator({
      port: 0,
      seed: 5,
      priceProcess: false,
      accounts: [DEMO_ACCOUNT, { id: 'taker', apiKey: 'taker-key', apiSecret: 'taker-secret', balances: { DBTC: '10' } }],
    });
    const s = sim;
    const file = await configFile(yaml());
    const exit = main(['run', '--config', file, '--exchange-url', s.restUrl]);
    await whenSim(s, () => botOrders(s).length === 4, 'the plan resting on the simulator');
    expect(s.state.killSwitches(s.accountId).map((k) => k.market)).toEqual([MARKET]);
    // One fill (the buy at 59 800) and its counter-sell, well inside the first status refresh.
    s.exchange.placeOrder('taker', { market: MARKET, side: 'sell', amount: '0.002', price: '59800' }, s.clock.now());
    await whenSim(s, () => botOrders(s).some((o) => o.price === '60000'), 'the counter-order');

    process.emit('SIGINT', 'SIGINT');
    expect(await exit).toBe(0);

    const stdout = out.join('');
    const row = stdout.split('\n').find((l) => l.startsWith(MARKET));
    // market, state, live, pending, fills: the final row still counts the fill after the actor stopped.
    expect(row, stdout).toMatch(new RegExp(`^${MARKET}\\s+stopped\\s+0\\s+0\\s+1\\b`));
    expect(stdout).toMatch(/gridbot: stopped\. .*1 markets: 1 stopped/);
    expect(botOrders(s)).toEqual([]);
    expect(s.state.orders(s.accountId)).toEqual([]);
    expect(s.state.killSwitches(s.accountId)).toEqual([]);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('a broken markets.yaml exits 2 naming file:line, and the exchange receives nothing', async () => {
    sim = await startSimulator({ port: 0, seed: 5, priceProcess: false });
    proxy = await startCountingProxy(sim.restUrl);
    // Line 6: a typo in the spacing.
    const file = await configFile(yaml().replace('spacing: arithmetic', 'spacing: arithmetik'));
    expect(await main(['run', '--config', file, '--exchange-url', proxy.url])).toBe(2);
    const stderr = err.join('');
    expect(stderr).toContain(`${file}:6:14 grids[0].spacing`);
    expect(stderr).toMatch(/grids\[0\]\.spacing/);
    expect(stderr).toMatch(/nothing was sent/);
    expect(proxy.requests).toEqual([]);
    expect(proxy.upgrades()).toBe(0);
    expect(sim.state.orders(sim.accountId)).toEqual([]);
  });

  it('an unknown market exits 2 with "unknown market" and places nothing', async () => {
    sim = await startSimulator({ port: 0, seed: 5, priceProcess: false });
    proxy = await startCountingProxy(sim.restUrl);
    const file = await configFile(yaml('NOPE_USDT'));
    expect(await main(['run', '--config', file, '--exchange-url', proxy.url])).toBe(2);
    const stderr = err.join('');
    expect(stderr).toMatch(/unknown market.*NOPE_USDT/);
    expect(stderr).toMatch(/nothing was sent/);
    // Only the public market list was read.
    expect(proxy.privateRequests()).toEqual([]);
    expect(proxy.requests.map((r) => r.path)).toEqual(['/api/v4/public/markets']);
    expect(proxy.upgrades()).toBe(0);
    expect(sim.state.orders(sim.accountId)).toEqual([]);
  });

  it('exchange: whitebit without --live exits 2 and sends nothing', async () => {
    sim = await startSimulator({ port: 0, seed: 5, priceProcess: false });
    proxy = await startCountingProxy(sim.restUrl);
    const file = await configFile(yaml(MARKET, ['exchange: whitebit']));
    expect(await main(['run', '--config', file, '--exchange-url', proxy.url])).toBe(2);
    expect(err.join('')).toMatch(/--live/);
    expect(proxy.requests).toEqual([]);
    expect(proxy.upgrades()).toBe(0);
  });
});
