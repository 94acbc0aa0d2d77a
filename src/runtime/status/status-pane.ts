/**
 * The terminal pane of `gridbot run` on a TTY, as plain lines for a given terminal size: fleet
 * totals on top (per quote asset: realised PnL net of fees, fees, fills), one compact row per market,
 * then the last notable events. Pure: rows, events and size in, lines out; run.ts hands them to
 * log-update, which redraws them in place.
 *
 * Every line fits the width (cut with `…`), and the whole pane fits the height: markets that do not
 * fit are summed up in one `+N more` line, and the events get what is left (at least two lines when
 * the terminal is tall enough). At 80×24 that is 13 markets and 4 events.
 */
import { type CurrencyTotals, fleetTotals } from '../report/fleet-totals.js';
import type { MarketStatus } from './market-status.js';

export interface PaneInput {
  readonly rows: readonly MarketStatus[];
  readonly connection: string;
  /** Oldest first. */
  readonly events: readonly string[];
  /** Where the log goes, and anything else worth a line under the totals (inspector URL). */
  readonly footer: readonly string[];
  /** `paper`, `sim`, `whitebit`: said on the first line. */
  readonly exchange: string;
}

export interface PaneSize {
  readonly columns: number;
  readonly rows: number;
}

const MIN_EVENT_LINES = 2;

/** Cuts `text` to `width` characters, marking the cut with `…`. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** `+1.5 DUSDT, -0.2 USDT`: a figure of the fleet's totals per quote asset (report/fleet-totals.ts, as the inspector shows them). */
function perAsset(rows: readonly MarketStatus[], pick: (t: CurrencyTotals) => string): string {
  const totals = fleetTotals(rows);
  return totals.length === 0 ? '0' : totals.map((t) => `${pick(t)} ${t.asset}`).join(', ');
}

/** The fleet's totals in one or two lines. */
function totals(input: PaneInput): string[] {
  const byState = new Map<string, number>();
  for (const r of input.rows) {
    const top = r.state.split('.')[0] ?? r.state;
    byState.set(top, (byState.get(top) ?? 0) + 1);
  }
  const states = [...byState].map(([s, n]) => `${n} ${s}`).join(', ');
  const live = input.rows.reduce((n, r) => n + r.liveOrders, 0);
  const fills = input.rows.reduce((n, r) => n + r.fills, 0);
  return [
    `gridbot (${input.exchange}) · connection ${input.connection} · ${input.rows.length} markets: ${states || 'none yet'} · ${live} live orders · ${fills} fills`,
    `pnl this run (net of fees): ${perAsset(input.rows, (t) => t.run.realised)} · fees ${perAsset(input.rows, (t) => t.run.fees)}`,
  ];
}

const HEADER = ['market', 'state', 'live', 'fills', 'pnl run', 'note'] as const;

function marketCells(r: MarketStatus): string[] {
  const note = [
    r.stopReason ?? '',
    r.waitingForPrice > 0 ? `${r.waitingForPrice} waiting for price` : '',
    r.stopReason === null ? (r.reason ?? '') : '',
    r.killSwitchSeconds === null && r.state.startsWith('running') ? 'kill-switch off' : '',
  ]
    .filter(Boolean)
    .join('; ');
  const pnl = r.quoteAsset === null ? r.realisedPnl : `${r.realisedPnl} ${r.quoteAsset}`;
  return [r.market, r.state, String(r.liveOrders + r.pendingOrders), String(r.fills), pnl, note];
}

/** Returns the market table: a header and one line per market, columns padded, the note last (cut by `fit`). */
export function marketTable(rows: readonly MarketStatus[]): string[] {
  const cells = rows.map(marketCells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(HEADER), ...cells.map(line)];
}

/** Returns the pane's lines for a terminal of `size`. */
export function paneLines(input: PaneInput, size: PaneSize): string[] {
  // One column short of the edge: a line that fills the last column makes some terminals wrap.
  const width = Math.max(20, size.columns - 1);
  const height = Math.max(8, size.rows - 1);
  const top = [...totals(input), ...input.footer];
  const [header, ...marketLines] = marketTable(input.rows);
  const eventsWanted = Math.min(input.events.length, Math.max(MIN_EVENT_LINES, height - top.length - 1 - marketLines.length - 1));
  const roomForMarkets = Math.max(1, height - top.length - 1 - (eventsWanted > 0 ? eventsWanted + 1 : 0));
  let shown = marketLines;
  if (marketLines.length > roomForMarkets) {
    shown = marketLines.slice(0, roomForMarkets - 1);
    shown.push(`+${marketLines.length - shown.length} more markets (all of them in the inspector and on exit)`);
  }
  const eventRoom = Math.max(0, height - top.length - 1 - shown.length - 1);
  const events = input.events.slice(-Math.min(eventRoom, input.events.length));
  const lines = [...top, header ?? '', ...shown, ...(events.length > 0 ? ['recent:', ...events.map((e) => `  ${e}`)] : [])];
  return lines.slice(0, height).map((l) => fit(l, width));
}
