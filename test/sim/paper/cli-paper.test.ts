/**
 * `gridbot sim --paper` in-process, its upstream a second local simulator: it says PAPER, serves the
 * upstream's markets, says when the live feed is lost and back, and refuses --paper-* flags without --paper.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { simCommand } from '../../../src/sim/cli.js';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { get } from '../helpers.js';

const open: Simulator[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('gridbot sim --paper', () => {
  it('mirrors the upstream, says PAPER, and reports the feed lost and back', async () => {
    const upstream = await startSimulator({ tickMs: 0, rateLimits: false });
    open.push(upstream);
    const out: string[] = [];
    const abort = new AbortController();
    let ready: (s: Simulator) => void = () => undefined;
    const started = new Promise<Simulator>((r) => (ready = r));
    const lines: ((l: string) => void)[] = [];
    const exit = simCommand(['--paper', '--paper-markets', 'ETH_USDT', '--paper-upstream-rest', upstream.restUrl, '--paper-upstream-ws', upstream.wsUrl], {
      stdout: (l) => {
        out.push(l);
        for (const f of lines) f(l);
      },
      stderr: (l) => out.push(l),
      signal: abort.signal,
      onReady: ready,
    });
    const sim = await started;
    expect(out[0]).toBe(`gridbot sim: PAPER trading on live prices from ${upstream.wsUrl} (ETH_USDT); balances, orders and fills are local`);
    const markets = (await get(sim.restUrl, '/api/v4/public/markets')).body as { name: string }[];
    expect(markets.map((m) => m.name)).toEqual(['ETH_USDT']);

    const back = new Promise<void>((resolve) => lines.push((l) => l.includes('live feed back') && resolve()));
    upstream.faults.closeSockets('all');
    await back;
    expect(out.some((l) => l.startsWith('gridbot sim: PAPER live feed lost (upstream closed the socket (1012'))).toBe(true);
    abort.abort();
    expect(await exit).toBe(0);
  });

  it('refuses the --paper-* flags without --paper, and a market the upstream does not list', async () => {
    const err: string[] = [];
    expect(await simCommand(['--paper-markets', 'BTC_USDT'], { stdout: () => undefined, stderr: (l) => err.push(l) })).toBe(2);
    expect(err[0]).toContain('the --paper-* flags go with --paper');
    const upstream = await startSimulator({ tickMs: 0, rateLimits: false });
    open.push(upstream);
    err.length = 0;
    const args = ['--paper', '--paper-markets', 'NOPE_USDT', '--paper-upstream-rest', upstream.restUrl, '--paper-upstream-ws', upstream.wsUrl];
    expect(await simCommand(args, { stdout: () => undefined, stderr: (l) => err.push(l) })).toBe(2);
    expect(err).toEqual([`gridbot sim: paper: ${upstream.restUrl} lists no spot market NOPE_USDT`]);
  });
});
