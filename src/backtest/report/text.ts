/**
 * The backtest report as text: a header naming the data and the rules of the run, then one block
 * per grid, every amount labelled with its currency.
 */
import type { BacktestReport, GridBacktest } from '../api.js';

/** Returns `2026-01-31 12:00 UTC` for an epoch ms. */
export function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Returns the report as lines of text (no trailing newline). */
export function reportText(r: BacktestReport): string {
  const d = r.data;
  const lines = [
    `${d.file}: ${d.points} ${d.kind}, ${utcText(d.fromMs)} to ${utcText(d.toMs)}; maker fee charged, an order fills only when the price trades through it`,
  ];
  for (const g of r.grids) lines.push('', ...gridLines(g));
  return lines.join('\n');
}

function gridLines(g: GridBacktest): string[] {
  const q = g.quoteAsset;
  const stop =
    g.stopReasons.length === 0 ? `no (ends ${g.finalState})` : `${g.stoppedAtMs !== null ? `at ${utcText(g.stoppedAtMs)}: ` : ''}${g.stopReasons.join('; ')}`;
  const rows: [string, string][] = [
    ['PnL', `${signed(g.pnlQuote)} ${q} (realised ${signed(g.realisedQuote)}, unrealised ${signed(g.unrealisedQuote)}), net of fees`],
    ['fees', `${g.feesQuote} ${q} (maker ${g.makerFeePercent} %)`],
    ['fills', `${g.fills} (${g.roundTrips} round trips)`],
    ['max drawdown', `${g.maxDrawdownQuote} ${q} (${g.maxDrawdownPercent} % of the ${g.capitalQuote} ${q} the ladder locked)`],
    ['time in range', `${g.timeInRangePercent} %`],
    ['inventory', `${signed(g.inventoryBase)} ${g.baseAsset} at the end`],
    ['stopped', stop],
  ];
  const head = `${g.market}  ${g.ladder}${/ levels$/.test(g.ladder) ? '' : `, ${g.levels} levels`}${g.override !== null ? ` (override ${overrideText(g.override)})` : ''}`;
  return [head, ...rows.map(([k, v]) => `  ${k.padEnd(14)}${v}`)];
}

function overrideText(o: NonNullable<GridBacktest['override']>): string {
  return [o.step !== undefined ? `step=${o.step}` : null, o.levelsPerSide !== undefined ? `levelsPerSide=${o.levelsPerSide}` : null]
    .filter((x) => x !== null)
    .join(',');
}

const signed = (s: string): string => (s.startsWith('-') || /^0(?:\.0*)?$/.test(s) ? s : `+${s}`);
