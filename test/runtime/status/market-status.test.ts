import { describe, expect, it } from 'vitest';
import { FIGURES_LEGEND, statePath, statusTable, summaryLine, type MarketStatus } from '../../../src/runtime/status/market-status.js';

const row = (over: Partial<MarketStatus>): MarketStatus => ({
  market: 'BTC_USDT',
  state: 'running.trading',
  liveOrders: 4,
  pendingOrders: 0,
  fills: 2,
  realisedPnl: '0.12',
  fees: '0',
  inventory: '0.001',
  quoteAsset: 'USDT',
  allTime: { fills: 0, realisedQuote: '0', feesQuote: '0', inventoryBase: '0' },
  stopReason: null,
  killSwitchSeconds: 41,
  waitingForPrice: 0,
  reason: null,
  ...over,
});

describe('status views', () => {
  it('flattens nested state values into a path', () => {
    expect(statePath('running')).toBe('running');
    expect(statePath({ reconciling: 'fetching' })).toBe('reconciling.fetching');
    expect(statePath({ running: { trading: {} } })).toBe('running.trading');
  });

  it('aligns a table with one row per market, per-run and all-time figures with their currency, and the reason a market stopped', () => {
    const lines = statusTable(
      [
        row({ allTime: { fills: 9, realisedQuote: '1.123456789', feesQuote: '0.5', inventoryBase: '0' } }),
        row({
          market: 'DBTC_DUSDT',
          quoteAsset: 'DUSDT',
          state: 'killed.cancelling',
          liveOrders: 0,
          killSwitchSeconds: null,
          stopReason: 'HTTP 401',
          reason: 'HTTP 401',
        }),
      ],
      'up',
    );
    expect(lines[0]).toBe(`connection: up; ${FIGURES_LEGEND}`);
    expect(FIGURES_LEGEND).toContain('net of fees');
    expect(lines[1]).toMatch(
      /^market\s+state\s+live\s+pending\s+fills run\s+fills all\s+pnl run\s+pnl all\s+fees run\s+inventory run\s+kill-switch\s+stop reason\s+note$/,
    );
    expect(lines[2]).toMatch(/^BTC_USDT\s+running\.trading\s+4\s+0\s+2\s+9\s+0\.12 USDT\s+1\.12345679 USDT\s+0 USDT\s+0\.001\s+41s$/);
    expect(lines[3]).toMatch(/^DBTC_DUSDT\s+killed\.cancelling\s+0 .* - +HTTP 401$/);
    // Columns line up: every row starts its state column at the same offset.
    const at = lines.slice(1).map((l) => l.search(/state|running|killed/));
    expect(new Set(at).size).toBe(1);
  });

  it('says in the note how many levels wait for price (issue 14)', () => {
    const lines = statusTable([row({ waitingForPrice: 2 }), row({ market: 'ETH_USDT', waitingForPrice: 1, reason: 'placing: HTTP 503' })], 'up');
    expect(lines[2]).toMatch(/41s\s+2 levels waiting for price$/);
    expect(lines[3]).toMatch(/41s\s+1 level waiting for price; placing: HTTP 503$/);
  });

  it('summarises in one line for logs', () => {
    expect(summaryLine([row({}), row({ market: 'ETH_USDT', state: 'reconnecting', liveOrders: 3, fills: 0 })], 'down')).toBe(
      'connection down; 2 markets: 1 running, 1 reconnecting; 7 live orders; 2 fills this run',
    );
  });
});
