/**
 * `gridbot backtest --sweep` (issue 18): every combination runs on real worker threads (the worker
 * module from the sources, under the TS hooks), the table is sorted by PnL, each row is exactly
 * what `runBacktest` gives for that override, and the report carries a readable heatmap.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runBacktest } from '../../src/backtest/api.js';
import { loadPriceSeries } from '../../src/backtest/data/index.js';
import { D } from '../../src/grid/index.js';
import { loadConfig } from '../../src/runtime/config/index.js';
import { sweepCommand } from '../../src/sweep/command.js';
import { TS_WORKER_EXEC_ARGV, writeSweepFixture } from './support.js';

let dir: string;
let out: string[];
let err: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-sweep-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

interface JsonRow {
  rank: number;
  override: { step: string; levelsPerSide: number };
  pnlQuote: string;
  feesQuote: string;
  fills: number;
  roundTrips: number;
  maxDrawdownQuote: string;
}

describe('gridbot backtest --sweep', () => {
  it('runs every combination on worker threads and ranks them by PnL, each as runBacktest reports it', { timeout: 180_000 }, async () => {
    const f = writeSweepFixture(dir, 240);
    const report = join(dir, 'sweep.html');
    const args = ['--config', f.config, '--data', f.data, '--market', 'DBTC_DUSDT', '--sweep', 'step=100..200:100,levelsPerSide=2..3'];
    const code = await sweepCommand([...args, '--workers', '2', '--json', '--report', report], { execArgv: TS_WORKER_EXEC_ARGV });
    expect(err.join('')).toContain('sweep: DBTC_DUSDT, 4 combinations on 2 worker threads');
    expect(code).toBe(0);
    const doc = JSON.parse(out.join('')) as { market: string; results: JsonRow[] };
    expect(doc.market).toBe('DBTC_DUSDT');
    const rows = doc.results;
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(rows.map((r) => `${r.override.step}/${r.override.levelsPerSide}`).sort()).toEqual(['100/2', '100/3', '200/2', '200/3']);
    for (let i = 1; i < rows.length; i++) {
      expect(new D((rows[i - 1] as JsonRow).pnlQuote).gte((rows[i] as JsonRow).pnlQuote)).toBe(true);
    }
    expect(rows.some((r) => r.fills > 0)).toBe(true);

    // The best and the worst row are exactly what the engine gives in this process.
    const config = await loadConfig(f.config);
    const series = await loadPriceSeries(f.data);
    for (const r of [rows[0], rows[3]] as JsonRow[]) {
      const direct = (await runBacktest({ config, series, market: 'DBTC_DUSDT', overrides: { DBTC_DUSDT: r.override } })).grids[0];
      expect({ pnl: r.pnlQuote, fees: r.feesQuote, fills: r.fills, roundTrips: r.roundTrips, dd: r.maxDrawdownQuote }).toEqual({
        pnl: direct?.pnlQuote,
        fees: direct?.feesQuote,
        fills: direct?.fills,
        roundTrips: direct?.roundTrips,
        dd: direct?.maxDrawdownQuote,
      });
    }

    // The heatmap: one row per levels per side, one column per step, each cell's PnL as text.
    const html = readFileSync(report, 'utf8');
    const heat = html.slice(html.indexOf('<table class="heatmap">'), html.indexOf('</table>'));
    expect(heat).toContain('<th scope="col">step 100</th><th scope="col">step 200</th>');
    for (const levels of [2, 3]) {
      const row = heat.slice(heat.indexOf(`<th scope="row">${levels} per side</th>`));
      const cells = [...row.slice(0, row.indexOf('</tr>')).matchAll(/<td[^>]*>([^<]*)<small>#(\d)/g)].map((m) => [m[1], Number(m[2])]);
      const expected = [100, 200].map((step) => {
        const r = rows.find((x) => x.override.step === String(step) && x.override.levelsPerSide === levels) as JsonRow;
        return [r.pnlQuote, r.rank];
      });
      expect(cells).toEqual(expected);
    }
  });

  it('refuses a bad spec, a bad --workers, and an override the ladder cannot take with exit 2, before any worker starts', async () => {
    const f = writeSweepFixture(dir, 30);
    const base = ['--config', f.config, '--data', f.data];
    const cases: [string[], string][] = [
      [[...base, '--market', 'DBTC_DUSDT'], '--sweep SPEC is required'],
      [[...base, '--market', 'DBTC_DUSDT', '--sweep', 'step=1..2'], '--sweep step=1..2: a step range needs an increment'],
      [[...base, '--market', 'DBTC_DUSDT', '--sweep', 'step=100', '--workers', '0'], "--workers must be a whole number from 1 to 256, got '0'"],
      [[...base, '--sweep', 'step=100'], '--sweep varies one grid: pass --market'],
      [[...base, '--market', 'NOPE_USDT', '--sweep', 'step=100'], 'market NOPE_USDT has no grid in'],
      [
        [...base, '--market', 'ETH_USDT', '--sweep', 'levelsPerSide=2..3'],
        'ETH_USDT has a bounded ladder (lower, upper); levelsPerSide applies to a centered one only',
      ],
      [[...base, '--market', 'DBTC_DUSDT', '--sweep', 'step=100', '--from', 'yesterday'], '--from "yesterday" is not a time'],
      [
        [...base, '--market', 'DBTC_DUSDT', '--sweep', 'step=100', '--from', '2026-01-02', '--to', '2026-01-01'],
        '--from 2026-01-02 is not before --to 2026-01-01',
      ],
      [['--config', f.config, '--data', join(dir, 'none.jsonl'), '--market', 'DBTC_DUSDT', '--sweep', 'step=100'], 'none.jsonl: no such file'],
    ];
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'grids:\n  - market: DBTC_DUSDT\n    levelsPerSide: many\n');
    cases.push(
      [['--config', broken, '--data', f.data, '--sweep', 'step=100'], `${broken}:3:`],
      [['--config', broken, '--data', f.data, '--sweep', 'step=100'], `problem`],
    );
    for (const [args, message] of cases) {
      err.length = 0;
      expect(await sweepCommand(args), args.join(' ')).toBe(2);
      expect(err.join(''), args.join(' ')).toContain(message);
      expect(err.join('')).not.toContain('combinations on');
    }
  });
});
