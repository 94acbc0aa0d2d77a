/**
 * Everything the exchange core announces. The WS server turns these into frames, the CLI prints
 * trades, the runtime schedules kill-switch expiry; tests await them instead of sleeping.
 */
import type { DealRecord, OrderSnapshot, PublicTrade } from './order.js';

/** ordersPending event ids: 1 new, 2 updated (partial fill), 3 finished (filled or cancelled). */
export type OrderEventId = 1 | 2 | 3;

export type SimEvent =
  | { readonly type: 'order'; readonly accountId: string; readonly event: OrderEventId; readonly order: OrderSnapshot }
  | { readonly type: 'deal'; readonly accountId: string; readonly deal: DealRecord }
  | { readonly type: 'trade'; readonly trade: PublicTrade }
  | { readonly type: 'balance'; readonly accountId: string; readonly assets: readonly string[] }
  | {
      readonly type: 'depth';
      readonly market: string;
      readonly updateId: number;
      readonly timeMs: number;
      /** Changed levels, absolute amounts; "0" removes the level. */
      readonly asks: readonly [string, string][];
      readonly bids: readonly [string, string][];
    }
  | {
      readonly type: 'killSwitch';
      readonly action: 'armed' | 'disarmed' | 'fired';
      readonly accountId: string;
      readonly market: string;
      readonly cancellationTimeMs: number | null;
    };

export type SimEventListener = (event: SimEvent) => void;
