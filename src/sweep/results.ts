/**
 * A sweep's results: one row per combination, sorted by PnL (best first; ties by step, then
 * levels per side, ascending), and the plain-text table `gridbot backtest --sweep` prints.
 */
import { D } from '../grid/index.js';
import type { GridOverride } from '../backtest/api.js';
import type { SweepFigures, SweepOutcome } from './messages.js';

export type SweepRow =
  | { readonly rank: number; readonly override: GridOverride; readonly ok: true; readonly grid: SweepFigures }
  | { readonly rank: null; readonly override: GridOverride; readonly ok: false; readonly message: string };

const byOverride = (a: GridOverride, b: GridOverride): number =>
  new D(a.step ?? '0').comparedTo(b.step ?? '0') || (a.levelsPerSide ?? 0) - (b.levelsPerSide ?? 0);

/** Returns the rows: ranked runs by PnL, best first, then the combinations that failed. */
export function sweepRows(overrides: readonly GridOverride[], outcomes: readonly SweepOutcome[]): SweepRow[] {
  const ran = outcomes
    .filter((o): o is Extract<SweepOutcome, { ok: true }> => o.ok)
    .sort((a, b) => new D(b.grid.pnlQuote).comparedTo(a.grid.pnlQuote) || byOverride(overrides[a.index] ?? {}, overrides[b.index] ?? {}));
  const failed = outcomes.filter((o): o is Extract<SweepOutcome, { ok: false }> => !o.ok);
  return [
    ...ran.map((o, i): SweepRow => ({ rank: i + 1, override: overrides[o.index] ?? {}, ok: true, grid: o.grid })),
    ...failed.map((o): SweepRow => ({ rank: null, override: overrides[o.index] ?? {}, ok: false, message: o.message })),
  ];
}

/** The table's columns: header and cell of a row that ran. */
const COLUMNS: readonly (readonly [string, (g: SweepFigures, o: GridOverride) => string])[] = [
  ['step', (g, o) => o.step ?? '(config)'],
  ['levels/side', (g, o) => (o.levelsPerSide === undefined ? '(config)' : String(o.levelsPerSide))],
  ['pnl', (g) => g.pnlQuote],
  ['realised', (g) => g.realisedQuote],
  ['fees', (g) => g.feesQuote],
  ['fills', (g) => String(g.fills)],
  ['round trips', (g) => String(g.roundTrips)],
  ['max drawdown', (g) => `${g.maxDrawdownQuote} (${g.maxDrawdownPercent} %)`],
  ['end', (g) => (g.stopReasons.length > 0 ? `stopped: ${g.stopReasons.join('; ')}` : g.finalState)],
];

/** Numbers align right, words left. */
const RIGHT = new Set(['pnl', 'realised', 'fees', 'fills', 'round trips', 'max drawdown']);

/** Returns the text table of `rows` (quote amounts in `quoteAsset`). */
export function sweepTable(rows: readonly SweepRow[], quoteAsset: string): string {
  const head = ['#', ...COLUMNS.map(([h]) => (RIGHT.has(h) && h !== 'fills' && h !== 'round trips' ? `${h} ${quoteAsset}` : h))];
  const body = rows.map((r) =>
    r.ok
      ? [String(r.rank), ...COLUMNS.map(([, cell]) => cell(r.grid, r.override))]
      : ['-', r.override.step ?? '(config)', r.override.levelsPerSide === undefined ? '(config)' : String(r.override.levelsPerSide), `failed: ${r.message}`],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.filter((b) => b.length === head.length).map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => {
        const w = widths[i] ?? 0;
        if (cells.length !== head.length && i === cells.length - 1) return c;
        return RIGHT.has(COLUMNS[i - 1]?.[0] ?? '') || i === 0 ? c.padStart(w) : c.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line)].join('\n') + '\n';
}
