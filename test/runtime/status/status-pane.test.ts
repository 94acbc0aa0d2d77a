import { describe, expect, it } from 'vitest';
import type { MarketStatus } from '../../../src/runtime/status/market-status.js';
import { NotableEvents } from '../../../src/runtime/status/notable-events.js';
import { type PaneInput, paneLines } from '../../../src/runtime/status/status-pane.js';
import { statusRow } from '../../support/market-status.js';

const row = (market: string, over: Partial<MarketStatus> = {}): MarketStatus => statusRow(market, { liveOrders: 10, killSwitchSeconds: 30, ...over });

const input = (rows: MarketStatus[], events: string[] = []): PaneInput => ({
  rows,
  connection: 'open',
  events,
  footer: ['log: /home/trader/gridbot/var/gridbot.log', 'Ctrl-C stops every grid in order'],
  exchange: 'sim',
});

describe('the status pane', () => {
  it('fits 80×24 with 30 markets, long stop reasons and many events: the rest summed up in one line', () => {
    const rows = Array.from({ length: 30 }, (_, i) =>
      row(
        `MARKET${i}_USDT`,
        i % 3 === 0 ? { state: 'stopped', stopReason: 'risk: inventory 0.5 BTC above maxInventoryBase 0.4 BTC, far beyond the end of any line' } : {},
      ),
    );
    const events = Array.from({ length: 20 }, (_, i) => `12:00:${String(i).padStart(2, '0')} MARKET${i}_USDT fill buy 0.001 @ 69000.5`);
    const lines = paneLines(input(rows, events), { columns: 80, rows: 24 });
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(79);
    expect(lines.some((l) => /^\+\d+ more markets/.test(l))).toBe(true);
    const shownMarkets = lines.filter((l) => l.startsWith('MARKET')).length;
    const more = Number(/^\+(\d+) more/.exec(lines.find((l) => l.startsWith('+')) ?? '')?.[1]);
    expect(shownMarkets + more).toBe(30);
    // The newest events are the ones kept.
    expect(lines.filter((l) => l.startsWith('  12:00:')).at(-1)).toContain('12:00:19');
    expect(lines).toContain('recent:');
    // A cut line says so.
    expect(lines.some((l) => l.endsWith('…'))).toBe(true);
  });

  it('sums realised PnL and fees per quote asset, exactly, on the first lines', () => {
    const rows = [
      row('BTC_USDT', { realisedPnl: '0.1', fees: '0.02', fills: 3 }),
      row('ETH_USDT', { realisedPnl: '0.2', fees: '0.01', fills: 2 }),
      row('DBTC_DUSDT', { realisedPnl: '-1.5', fees: '0.5', fills: 1, quoteAsset: 'DUSDT' }),
    ];
    const [first, second] = paneLines(input(rows), { columns: 120, rows: 40 });
    expect(first).toContain('3 markets: 3 running');
    expect(first).toContain('30 live orders');
    expect(first).toContain('6 fills');
    expect(second).toContain('0.3 USDT');
    expect(second).toContain('-1.5 DUSDT');
    expect(second).toMatch(/fees 0\.03 USDT, 0\.5 DUSDT/);
  });

  it('redraws at a new size: wider shows more of a line, taller more markets', () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(`M${i}_USDT`, { reason: 'x'.repeat(150) }));
    const small = paneLines(input(rows), { columns: 80, rows: 24 });
    const big = paneLines(input(rows), { columns: 200, rows: 60 });
    expect(big.filter((l) => l.startsWith('M')).length).toBe(30);
    expect(small.filter((l) => l.startsWith('M')).length).toBeLessThan(30);
    expect(Math.max(...big.map((l) => l.length))).toBeGreaterThan(79);
  });
});

describe('notable events', () => {
  it('keeps fills, states and warnings as short lines, not the per-order chatter, and only the newest', () => {
    let t = Date.UTC(2026, 11, 3, 12, 0, 0);
    const events = new NotableEvents(3, () => (t += 1000));
    events.info({ market: 'BTC_USDT', side: 'buy', amount: '0.001', price: '69000' }, 'fill');
    events.info({ market: 'BTC_USDT' }, 'counter-order sent');
    events.info({ market: 'BTC_USDT', via: 'ws' }, 'order placed via ws');
    events.warn({ market: 'BTC_USDT' }, 'order refused as post-only: level waits for price');
    events.info({ market: 'BTC_USDT' }, 'BTC_USDT reconciling');
    expect(events.recent()).toEqual([
      '12:00:01 BTC_USDT fill buy 0.001 @ 69000',
      '12:00:02 ! BTC_USDT order refused as post-only: level waits for price',
      '12:00:03 BTC_USDT reconciling',
    ]);
    events.note('ETH_USDT after restart: adopted 3');
    expect(events.recent()).toHaveLength(3);
    expect(events.recent().at(-1)).toBe('12:00:04 ETH_USDT after restart: adopted 3');
  });
});
