/**
 * The IPC protocol between the bench runner (the bot's process) and the bench server (the
 * simulator's process, started with `child_process.fork`). Every command carries a `seq` and is
 * answered once with the same `seq`.
 */

/** The grid every bot in the bench runs on every market (ours through markets.yaml, the baseline by hand). */
export interface GridShape {
  /** Mid price of every market; the grid is centred on it. */
  readonly center: string;
  /** Distance between levels (arithmetic), in quote units. */
  readonly step: string;
  readonly levelsPerSide: number;
  /** Base amount per level. */
  readonly amount: string;
}

export const GRID: GridShape = { center: '100', step: '1', levelsPerSide: 3, amount: '1' };

/** `B0000_USDT`, `B0001_USDT`, … */
export function marketName(i: number): string {
  return `B${String(i).padStart(4, '0')}_USDT`;
}

export function marketNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => marketName(i));
}

/** One taker fill the server made against the bot's resting order. */
export interface FillRecord {
  readonly market: string;
  /** The bot's (maker) order id. */
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly side: 'buy' | 'sell';
  readonly price: string;
  readonly amount: string;
}

export type ServerCommand =
  /**
   * `orderReplyDelayMs` (opt-in, default off): every answer to an order placed over the WebSocket is
   * sent that much later (the simulator's `orderReply` delay fault), so a taker can fill the order
   * before its answer reaches the bot: the deal comes first.
   */
  | { readonly op: 'start'; readonly seq: number; readonly markets: number; readonly orderReplyDelayMs?: number }
  | { readonly op: 'churn'; readonly seq: number; readonly perMarketHz: number }
  /** `countOnly`: answer with the counts and no fill list (a long soak would ship every fill to the bot's process). */
  | { readonly op: 'fills'; readonly seq: number; readonly rate: number; readonly count: number; readonly markets: number; readonly countOnly?: boolean }
  /** Takes one resting order of the bot on each of the first `markets` markets, all in one turn (a market-wide move). */
  | { readonly op: 'burst'; readonly seq: number; readonly markets: number }
  | { readonly op: 'restingOrders'; readonly seq: number }
  | { readonly op: 'blastServer'; readonly seq: number; readonly frames: number; readonly markets: number }
  | { readonly op: 'stop'; readonly seq: number }
  | { readonly op: 'exit'; readonly seq: number };

export type ServerReply =
  | { readonly seq: number; readonly op: 'started'; readonly restUrl: string; readonly wsUrl: string; readonly apiKey: string; readonly apiSecret: string }
  | { readonly seq: number; readonly op: 'ok' }
  | {
      readonly seq: number;
      readonly op: 'fillsDone';
      /** Empty with `countOnly`. */
      readonly fills: readonly FillRecord[];
      readonly made: number;
      /** Fills that found no resting order of the bot on their market (the bot was behind). */
      readonly skipped: number;
      readonly elapsedMs: number;
      /** Depth changes the churn made meanwhile (all markets). */
      readonly churnOps: number;
      /**
       * The server process's CPU over the fills (user + system, every thread, µs): the exchange's share
       * of the machine's two cores while the bot's share is measured.
       */
      readonly cpuUs: number;
    }
  | {
      readonly seq: number;
      readonly op: 'burstDone';
      readonly fills: readonly FillRecord[];
      /** Markets without a resting order of the bot to take. */
      readonly skipped: number;
      /** From the first to the last taker order, in the server's process. */
      readonly elapsedMs: number;
    }
  | { readonly seq: number; readonly op: 'resting'; readonly count: number }
  | { readonly seq: number; readonly op: 'blastReady'; readonly url: string }
  | { readonly seq: number; readonly op: 'error'; readonly message: string };
