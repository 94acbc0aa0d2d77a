/**
 * What the status table, the summary line and (later) metrics show for one market, derived from
 * the actor's snapshot. Pure: snapshot and clock in, plain values out (money as decimal strings).
 */
import type { SnapshotFrom } from 'xstate';
import { toPlain } from '../../grid/index.js';
import type { marketMachine } from '../../machines/market/market.machine.js';

export interface MarketStatus {
  readonly market: string;
  /** The lifecycle state path, e.g. `running`, `reconciling.fetching`, `killed.cancelling`. */
  readonly state: string;
  readonly liveOrders: number;
  /** Orders sent whose answer has not come yet, or whose outcome is unknown. */
  readonly pendingOrders: number;
  readonly fills: number;
  readonly realisedPnl: string;
  readonly inventory: string;
  /** Seconds until the exchange cancels this market's orders unless refreshed; null when not armed. */
  readonly killSwitchSeconds: number | null;
  /** Levels refused as post-only that wait for the price to let them rest (grid/price-wait.ts). */
  readonly waitingForPrice: number;
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
  let fills = 0;
  if (book) {
    for (const o of book.orders.values()) {
      if (o.state === 'live') live += 1;
      else if (o.state === 'sending' || o.state === 'unknown') pending += 1;
    }
    fills = book.ledger.dealCount;
  }
  return {
    market: c.settings.market,
    state: statePath(value.lifecycle),
    liveOrders: live,
    pendingOrders: pending,
    fills,
    realisedPnl: book ? toPlain(book.pnl.realisedQuote.toDecimalPlaces(8)) : '0',
    inventory: book ? toPlain(book.pnl.inventoryBase) : '0',
    killSwitchSeconds: c.killSwitchDeadline === null ? null : Math.max(0, Math.round((c.killSwitchDeadline - nowMs) / 1000)),
    waitingForPrice: book ? book.waiting.size : 0,
    reason: c.stopReason ?? c.lastError,
  };
}

const COLUMNS = ['market', 'state', 'live', 'pending', 'fills', 'pnl', 'inventory', 'kill-switch', 'note'] as const;

/** Returns the status table as lines of fixed-width text (no colour: the caller decides). */
export function statusTable(rows: readonly MarketStatus[], connection: string): string[] {
  const cells = rows.map((r) => [
    r.market,
    r.state,
    String(r.liveOrders),
    String(r.pendingOrders),
    String(r.fills),
    r.realisedPnl,
    r.inventory,
    r.killSwitchSeconds === null ? '-' : `${r.killSwitchSeconds}s`,
    [r.waitingForPrice > 0 ? `${r.waitingForPrice} level${r.waitingForPrice === 1 ? '' : 's'} waiting for price` : '', r.reason ?? '']
      .filter(Boolean)
      .join('; '),
  ]);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [`connection: ${connection}`, line(COLUMNS), ...cells.map(line)];
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
  return `connection ${connection}; ${rows.length} markets: ${states}; ${live} live orders; ${fills} fills`;
}
