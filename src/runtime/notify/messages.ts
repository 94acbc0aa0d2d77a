/**
 * What gridbot tells an operator, and the sentence a person reads for it. Pure: an event in, text
 * out; the three formats (targets.ts) carry this text, the generic webhook the fields as well.
 *
 * Money is decimal strings as the status rows hold them (fleet-figures.ts), never re-computed here.
 */

/** One grid's figures for the day's summary (this run's, as the status table shows them). */
export interface GridSummary {
  readonly market: string;
  readonly state: string;
  readonly fills: number;
  /** Realised PnL net of fees, in `quoteAsset`. */
  readonly realisedPnl: string;
  readonly fees: string;
  /** Net base bought. */
  readonly inventory: string;
  readonly quoteAsset: string | null;
}

export type NotifyEvent =
  /** A market stopped (not as part of the whole bot's shutdown), and why. */
  | { readonly kind: 'stopped'; readonly market: string; readonly reason: string }
  /** A market's risk rule fired: it stops. `reason` is the risk rule's own text. */
  | { readonly kind: 'risk'; readonly market: string; readonly reason: string }
  /** Levels have waited for price longer than `waitingForPriceAfterSec`. */
  | { readonly kind: 'waiting'; readonly market: string; readonly levels: number; readonly sinceMs: number; readonly forSec: number }
  /** `reconnects` reconnects within `withinMin` minutes. */
  | { readonly kind: 'reconnectStorm'; readonly reconnects: number; readonly withinMin: number }
  /** The daily summary, one line per grid; `date` is the UTC day it closes (YYYY-MM-DD). */
  | { readonly kind: 'dailySummary'; readonly date: string; readonly grids: readonly GridSummary[] };

export type NotifyEventKind = NotifyEvent['kind'];

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
const money = (v: string, asset: string | null): string => (asset === null ? v : `${v} ${asset}`);

function duration(sec: number): string {
  if (sec < 120) return `${sec} s`;
  if (sec < 7200) return `${Math.floor(sec / 60)} min`;
  return `${Math.floor(sec / 3600)} h ${Math.floor((sec % 3600) / 60)} min`;
}

/** Returns the message a person reads for `event`, prefixed with the bot's id. */
export function messageText(botId: string, event: NotifyEvent): string {
  const who = `gridbot ${botId}`;
  switch (event.kind) {
    case 'stopped':
      return `${who}: ${event.market} stopped: ${event.reason}`;
    case 'risk':
      return `${who}: ${event.market} hit a risk limit and stops: ${event.reason}`;
    case 'waiting':
      return (
        `${who}: ${event.market} has ${plural(event.levels, 'level')} waiting for price for ${duration(event.forSec)} ` +
        `(since ${new Date(event.sinceMs).toISOString()})`
      );
    case 'reconnectStorm':
      return `${who}: reconnect storm: ${event.reconnects} reconnects within ${event.withinMin} min`;
    case 'dailySummary': {
      const lines = event.grids.map(
        (g) =>
          `${g.market} (${g.state}): ${plural(g.fills, 'fill')}, realised ${money(g.realisedPnl, g.quoteAsset)} net of fees, ` +
          `fees ${money(g.fees, g.quoteAsset)}, inventory ${g.inventory}`,
      );
      return [`${who}: daily summary ${event.date} (UTC)`, ...lines].join('\n');
    }
  }
}
