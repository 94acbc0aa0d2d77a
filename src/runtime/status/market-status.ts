/**
 * What the status table, the final table of `run`, the summary line, the inspector and the metrics
 * show for one market, derived from the actor's snapshot. Pure: snapshot and clock in, plain values
 * out (money as decimal strings). Fills, PnL, fees and inventory come from fleet-figures.ts, the one
 * place they are computed: `fills`, `realisedPnl`, `fees` and `inventory` are this run's, `allTime`
 * adds the journal's earlier runs.
 */
import type { SnapshotFrom } from 'xstate';
import type { marketMachine } from '../../machines/market/market.machine.js';
import { type FigureSet, formatMoney, marketFigures } from '../report/fleet-figures.js';

export interface MarketStatus {
  readonly market: string;
  /** The lifecycle state path, e.g. `running`, `reconciling.fetching`, `killed.cancelling`. */
  readonly state: string;
  readonly liveOrders: number;
  /** Orders sent whose answer has not come yet, or whose outcome is unknown. */
  readonly pendingOrders: number;
  /** This run's fills (deals). */
  readonly fills: number;
  /** This run's realised PnL, net of fees, in `quoteAsset` (8 decimals at most). */
  readonly realisedPnl: string;
  /** This run's fees, in `quoteAsset`. */
  readonly fees: string;
  /** This run's net base bought. */
  readonly inventory: string;
  /** The asset PnL and fees are in; null before the market's rules are known. */
  readonly quoteAsset: string | null;
  /** This run plus the journal's earlier runs (equal to this run without a journal). */
  readonly allTime: FigureSet;
  /** Seconds until the exchange cancels this market's orders unless refreshed; null when not armed. */
  readonly killSwitchSeconds: number | null;
  /** Why the market stopped (or is stopping); null while it trades. */
  readonly stopReason: string | null;
  /** Levels refused as post-only that wait for the price to let them rest (grid/price-wait.ts). */
  readonly waitingForPrice: number;
  /** The stop reason, or else the last error met (a retry in progress). */
  readonly reason: string | null;
}

/** Returns a state value as a dotted path: `{ reconciling: 'fetching' }` → `reconciling.fetching`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [k, v] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    if (k === undefined) return '';
    const rest = statePath(v);
    return rest ? `${k}.${rest}` : k;
  }
  return '';
}

export function marketStatus(snapshot: SnapshotFrom<typeof marketMachine>, nowMs: number): MarketStatus {
  const c = snapshot.context;
  const value = snapshot.value as { lifecycle?: unknown };
  const book = c.book;
  let live = 0;
  let pending = 0;
  if (book) {
    for (const o of book.orders.values()) {
      if (o.state === 'live') live += 1;
      else if (o.state === 'sending' || o.state === 'unknown') pending += 1;
    }
  }
  const figures = marketFigures(c);
  return {
    market: c.settings.market,
    state: statePath(value.lifecycle),
    liveOrders: live,
    pendingOrders: pending,
    fills: figures.run.fills,
    realisedPnl: formatMoney(figures.run.realisedQuote),
    fees: formatMoney(figures.run.feesQuote),
    inventory: figures.run.inventoryBase,
    quoteAsset: figures.quoteAsset,
    allTime: figures.allTime,
    killSwitchSeconds: c.killSwitchDeadline === null ? null : Math.max(0, Math.round((c.killSwitchDeadline - nowMs) / 1000)),
    stopReason: c.stopReason,
    waitingForPrice: book ? book.waiting.size : 0,
    reason: c.stopReason ?? c.lastError,
  };
}

/** What the money columns mean, printed above the table: the labels alone cannot say it all. */
export const FIGURES_LEGEND = 'fills: executions (deals); pnl: realised, net of fees, in the quote asset; run: this run, all: every run of the journal';

const COLUMNS = [
  'market',
  'state',
  'live',
  'pending',
  'fills run',
  'fills all',
  'pnl run',
  'pnl all',
  'fees run',
  'inventory run',
  'kill-switch',
  'stop reason',
  'note',
] as const;

/** Returns `1.5 DUSDT` (the bare amount before the market's rules, and so its quote asset, are known). */
const money = (amount: string, asset: string | null): string => (asset === null ? amount : `${amount} ${asset}`);

/** Returns the status table as lines of fixed-width text (no colour: the caller decides). */
export function statusTable(rows: readonly MarketStatus[], connection: string): string[] {
  const cells = rows.map((r) => [
    r.market,
    r.state,
    String(r.liveOrders),
    String(r.pendingOrders),
    String(r.fills),
    String(r.allTime.fills),
    money(r.realisedPnl, r.quoteAsset),
    money(formatMoney(r.allTime.realisedQuote), r.quoteAsset),
    money(r.fees, r.quoteAsset),
    r.inventory,
    r.killSwitchSeconds === null ? '-' : `${r.killSwitchSeconds}s`,
    r.stopReason ?? '',
    [
      r.waitingForPrice > 0 ? `${r.waitingForPrice} level${r.waitingForPrice === 1 ? '' : 's'} waiting for price` : '',
      r.stopReason === null ? (r.reason ?? '') : '',
    ]
      .filter(Boolean)
      .join('; '),
  ]);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [`connection: ${connection}; ${FIGURES_LEGEND}`, line(COLUMNS), ...cells.map(line)];
}

/** Returns one line for a non-TTY log: `3 markets: 3 running; 12 live orders; 4 fills; pnl DUSDT…`. */
export function summaryLine(rows: readonly MarketStatus[], connection: string): string {
  const byState = new Map<string, number>();
  for (const r of rows) {
    const top = r.state.split('.')[0] ?? r.state;
    byState.set(top, (byState.get(top) ?? 0) + 1);
  }
  const states = [...byState].map(([s, n]) => `${n} ${s}`).join(', ');
  const live = rows.reduce((n, r) => n + r.liveOrders, 0);
  const fills = rows.reduce((n, r) => n + r.fills, 0);
  return `connection ${connection}; ${rows.length} markets: ${states}; ${live} live orders; ${fills} fills this run`;
}
