/** The sweep's ranking, its text table and the heatmap's colours (issue 18). */
import { describe, expect, it } from 'vitest';
import { heatColour, heatmapTable } from '../../src/sweep/heatmap.js';
import type { SweepFigures, SweepOutcome } from '../../src/sweep/messages.js';
import { sweepRows, sweepTable } from '../../src/sweep/results.js';

const figures = (pnl: string, fills: number): SweepFigures =>
  ({
    market: 'DBTC_DUSDT',
    quoteAsset: 'DUSDT',
    pnlQuote: pnl,
    realisedQuote: '1.5',
    feesQuote: '0.25',
    fills,
    roundTrips: Math.floor(fills / 2),
    maxDrawdownQuote: '12.5',
    maxDrawdownPercent: '0.5',
    finalState: 'running.trading',
    stopReasons: [],
  }) as unknown as SweepFigures;

const overrides = [
  { step: '100', levelsPerSide: 2 },
  { step: '100', levelsPerSide: 3 },
  { step: '200', levelsPerSide: 2 },
  { step: '200', levelsPerSide: 3 },
];
const outcomes: SweepOutcome[] = [
  { index: 0, ok: true, grid: figures('-3.5', 10) },
  { index: 1, ok: true, grid: figures('12.75', 14) },
  { index: 2, ok: true, grid: figures('9.9', 6) },
  { index: 3, ok: false, input: false, message: 'worker ran out of memory' },
];

describe('sweepRows and sweepTable', () => {
  it('ranks by PnL as decimals (12.75 > 9.9 > -3.5), failures last', () => {
    const rows = sweepRows(overrides, outcomes);
    expect(rows.map((r) => [r.rank, r.override.step, r.override.levelsPerSide])).toEqual([
      [1, '100', 3],
      [2, '200', 2],
      [3, '100', 2],
      [null, '200', 3],
    ]);
    const lines = sweepTable(rows, 'DUSDT').split('\n');
    expect(lines[0]).toMatch(/^#\s+step\s+levels\/side\s+pnl DUSDT\s+realised DUSDT\s+fees DUSDT\s+fills\s+round trips\s+max drawdown DUSDT\s+end$/);
    expect(lines[1]).toMatch(/^1\s+100\s+3\s+12\.75\s+1\.5\s+0\.25\s+14\s+7\s+12\.5 \(0\.5 %\)\s+running\.trading$/);
    expect(lines[4]).toMatch(/^-\s+200\s+3\s+failed: worker ran out of memory$/);
  });
});

describe('heatmap', () => {
  it('writes each PnL as text in its cell, with the rank, so it reads without colour', () => {
    const html = heatmapTable(sweepRows(overrides, outcomes), 'DUSDT');
    expect(html).toContain('<th scope="row">3 per side</th><td class="cell best" style="background:rgb(100,255,100)">12.75<small>#1 · 14 fills</small></td>');
    expect(html).toContain('<td class="failed" title="worker ran out of memory">failed</td>');
  });

  it('colours gains green and losses red, stronger further from zero, white at zero', () => {
    expect(heatColour('10', '10')).toBe('rgb(100,255,100)');
    expect(heatColour('-5', '10')).toBe('rgb(255,178,178)');
    expect(heatColour('0', '10')).toBe('rgb(255,255,255)');
  });
});
