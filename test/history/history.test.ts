/**
 * `gridbot history` (issue 18): candles from the exchange's v1 kline endpoint into a JSON Lines
 * file, page by page, continued after the file's last candle, waiting out 429s, and refusing bad
 * input with exit 2. The exchange is the simulator on a manual clock, or a local stub.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadPriceSeries } from '../../src/backtest/data/index.js';
import { main } from '../../src/cli.js';
import { PUBLISHED_LIMITS } from '../../src/adapters/whitebit/index.js';
import { historyCommand } from '../../src/runtime/commands/history.js';
import { HttpStub } from '../adapters/whitebit/support/http-stub.js';
import { InstantClock } from '../adapters/whitebit/support/manual-clock.js';
import { T0, startFixture, trade, type Fixture } from '../sim/channels/support.js';
import { get } from '../sim/helpers.js';

let dir: string;
let f: Fixture | undefined;
let stub: HttpStub | undefined;
let err: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-history-'));
  err = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await f?.close();
  f = undefined;
  await stub?.close();
  stub = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** One trade a minute from T0 + 5 s: minute i trades at 100 + i % 50. */
function minuteTrades(fx: Fixture, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    // Alternate the taker's side so neither account runs out of either asset.
    trade(fx.sim, String(100 + (i % 50)), '0.5', i % 2 === 0 ? 'buy' : 'sell');
    fx.clock.advance(60_000);
  }
}

const lines = (path: string): unknown[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);

/** What the simulator itself answers for every candle from T0, in one request. */
async function simRows(fx: Fixture, count: number): Promise<unknown[]> {
  const r = await get(fx.sim.restUrl, `/api/v1/public/kline?market=BTC_USDT&interval=1m&start=${T0}&limit=${count}`);
  return (r.body as { result: unknown[] }).result;
}

describe('gridbot history against the simulator', () => {
  it('pages through the window and writes every closed candle once, in order, as the exchange sent it', async () => {
    f = await startFixture();
    f.clock.advance(5_000);
    minuteTrades(f, 0, 300);
    const out = join(dir, 'btc.jsonl');
    const code = await main(['history', 'BTC_USDT', '--days', '1', '--out', out, '--exchange-url', f.sim.restUrl, '--page', '100']);
    expect(code).toBe(0);
    const rows = lines(out);
    // Minutes 0..299 have closed; minute 300 (now) is still forming and is left out.
    expect(rows).toHaveLength(300);
    expect(rows).toEqual(await simRows(f, 300));
    expect(err.join('')).toContain('page 15/15');
    expect(err.join('')).toMatch(/history: BTC_USDT 1m: 300 candles 2026-01-05T00:00Z \.\. 2026-01-05T04:59Z in 15 requests -> /);
    // The file is what `gridbot backtest --data` reads.
    const series = await loadPriceSeries(out);
    expect(series.kind === 'candles' && series.intervalMs).toBe(60_000);
    expect(series.kind === 'candles' && series.candles.map((c) => c.timeMs / 1000)).toEqual(rows.map((r) => (r as number[])[0]));
  });

  it('says so and writes no file when the exchange has no candle in the window', async () => {
    f = await startFixture();
    f.clock.advance(5_000);
    const out = join(dir, 'none.jsonl');
    expect(await main(['history', 'BTC_USDT', '--days', '1', '--out', out, '--exchange-url', f.sim.restUrl])).toBe(0);
    expect(existsSync(out)).toBe(false);
    expect(err.join('')).toContain('history: BTC_USDT 1m: the exchange has no candles in the last 1 days');
    expect(err.join('')).toContain('no file written');
  });

  it('continues a file after its last candle: a cut last line is dropped, nothing repeats, nothing is missing', async () => {
    f = await startFixture();
    f.clock.advance(5_000);
    minuteTrades(f, 0, 300);
    const full = await simRows(f, 300);
    const out = join(dir, 'btc.jsonl');
    // A run killed mid-write: 120 whole rows, then half of the 121st.
    const head = full.slice(0, 120).map((r) => `${JSON.stringify(r)}\n`);
    writeFileSync(out, head.join('') + JSON.stringify(full[120]).slice(0, 17));
    const code = await main(['history', 'BTC_USDT', '--days', '1', '--out', out, '--exchange-url', f.sim.restUrl, '--page', '50']);
    expect(code).toBe(0);
    expect(lines(out)).toEqual(full);
    expect(err.join('')).toContain('continuing after it (dropping a cut line of 17 bytes)');
    expect(err.join('')).toContain('180 candles 2026-01-05T02:00Z .. 2026-01-05T04:59Z in 4 requests');

    // Later, with more history on the exchange: only the new candles are added.
    minuteTrades(f, 300, 310);
    expect(await main(['history', 'BTC_USDT', '--days', '1', '--out', out, '--exchange-url', f.sim.restUrl])).toBe(0);
    expect(lines(out)).toEqual(await simRows(f, 310));
    expect(await main(['history', 'BTC_USDT', '--days', '1', '--out', out, '--exchange-url', f.sim.restUrl])).toBe(0);
    expect(err.join('')).toContain('no new candles in 0 requests');
  });

  it('refuses bad input with exit 2 and creates no file', async () => {
    f = await startFixture();
    const out = join(dir, 'x.jsonl');
    const url = f.sim.restUrl;
    const cases: [string[], string][] = [
      [['--days', '1', '--out', out], 'MARKET is required'],
      [['BTC_USDT', '--out', out], '--days is required'],
      [['BTC_USDT', '--days', '0', '--out', out], "--days must be a whole number from 1 to 3650, got '0'"],
      [['BTC_USDT', '--days', '1.5', '--out', out], "--days must be a whole number from 1 to 3650, got '1.5'"],
      [['BTC_USDT', '--days', '1'], '--out FILE is required'],
      [['BTC_USDT', '--days', '1', '--out', out, '--interval', '7m'], "--interval '7m' is not one of 1s 10s"],
      [['BTC_USDT', '--days', '1', '--out', out, '--page', '1441'], "--page must be a whole number from 1 to 1440, got '1441'"],
      [['BTC_USDT', '--days', '1', '--out', out, '--exchange-url', 'ftp://x'], "--exchange-url 'ftp://x' is not an http(s) URL"],
      [['BTC_USDT', '--days', '1', '--out', out, '--bogus'], "Unknown option '--bogus'"],
      [['BTC/USDT', '--days', '1', '--out', out], "MARKET 'BTC/USDT' is not a market name"],
      [['NOPE_USDT', '--days', '1', '--out', out, '--exchange-url', url], 'refused the request: /api/v1/public/kline: {"market":["Market is not available."]}'],
    ];
    for (const [args, message] of cases) {
      err.length = 0;
      expect(await main(['history', ...args]), args.join(' ')).toBe(2);
      expect(err.join(''), args.join(' ')).toContain(message);
      expect(err.join('')).toContain('usage: gridbot history MARKET');
    }
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to continue a file that is not a candle file (file:line and why), leaving it as it was', async () => {
    const out = join(dir, 'notes.jsonl');
    writeFileSync(out, '{"hello":1}\n');
    expect(await main(['history', 'BTC_USDT', '--days', '1', '--out', out, '--exchange-url', 'http://127.0.0.1:9'])).toBe(2);
    expect(err.join('')).toContain(`not a candle file gridbot history can continue: ${out}:1: expected a kline row`);
    expect(readFileSync(out, 'utf8')).toBe('{"hello":1}\n');
  });
});

describe('gridbot history against a stub exchange', () => {
  const NOW_S = 1_767_571_200 + 3_600; // 2026-01-05 01:00 UTC
  const row = (t: number): unknown[] => [t, '1', '1', '1', '1', '0', '0'];
  const startOf = (url: string): number => Number(new URL(url, 'http://x').searchParams.get('start'));
  const endOf = (url: string): number => Number(new URL(url, 'http://x').searchParams.get('end'));
  const klineRequests = (): string[] => (stub as HttpStub).requests.filter((r) => r.url.startsWith('/api/v1/public/kline')).map((r) => r.url);

  it('waits out a 429 as Retry-After says, then asks again and writes the page', async () => {
    stub = await new HttpStub().start();
    stub.json(200, { time: NOW_S });
    stub.reply({ status: 429, body: 'Too Many Requests', headers: { 'retry-after': '7' } });
    stub.reply((req, _raw, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const rows = [];
      for (let t = startOf(req.url); t <= endOf(req.url); t += 60) rows.push(row(t));
      res.end(JSON.stringify({ success: true, message: null, result: rows }));
    });
    const clock = new InstantClock();
    const out = join(dir, 'stub.jsonl');
    const code = await historyCommand(['BTC_USDT', '--days', '1', '--out', out, '--exchange-url', stub.url], { clock });
    expect(code).toBe(0);
    expect(clock.delays).toContain(7_000);
    const asked = klineRequests();
    expect(asked).toHaveLength(2);
    expect(asked[1]).toBe(asked[0]);
    // One page: the 1 440 minutes up to the last closed one, 00:59.
    expect(lines(out)).toHaveLength(1_440);
    expect((lines(out).at(-1) as unknown[])[0]).toBe(NOW_S - 60);
  });

  it('asks through a bucket sized for the v1 budget (1 000 requests per 10 s): past its burst, requests are spaced', async () => {
    stub = await new HttpStub().start();
    stub.json(200, { time: NOW_S });
    const clock = new InstantClock();
    const sentAt: number[] = [];
    const requests = 480; // one day of minutes, 3 per page
    for (let i = 0; i < requests; i++) {
      stub.reply((req, _raw, res) => {
        sentAt.push(clock.now());
        res.writeHead(200, { 'content-type': 'application/json' });
        const rows = [];
        for (let t = startOf(req.url); t <= endOf(req.url); t += 60) rows.push(row(t));
        res.end(JSON.stringify({ success: true, message: null, result: rows }));
      });
    }
    const out = join(dir, 'slow.jsonl');
    expect(await historyCommand(['BTC_USDT', '--days', '1', '--out', out, '--exchange-url', stub.url, '--page', '3'], { clock })).toBe(0);
    expect(sentAt).toHaveLength(requests);
    expect(lines(out)).toHaveLength(1_440);
    // The client keeps to 90 % of the published limit, half of it as a burst (rate-limiter.ts): 450
    // requests at once, then 450 per 10 s. A bucket of any larger v4 limit would not have waited.
    const { limit, windowMs } = PUBLISHED_LIMITS['public/v1'];
    const burst = Math.floor(limit * 0.9 * 0.5);
    expect(limit).toBe(1_000);
    expect((sentAt.at(-1) as number) - (sentAt[0] as number)).toBeGreaterThanOrEqual(((requests - burst) * windowMs) / (limit * 0.9 - burst) - 1);
  });
});
