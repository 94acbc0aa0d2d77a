/** A market's status row for tests of what shows statuses (metrics, the terminal pane): trading, nothing filled. */
import type { MarketStatus } from '../../src/runtime/status/market-status.js';

export function statusRow(market: string, over: Partial<MarketStatus> = {}): MarketStatus {
  return {
    market,
    state: 'running.trading',
    liveOrders: 0,
    pendingOrders: 0,
    fills: 0,
    realisedPnl: '0',
    fees: '0',
    inventory: '0',
    quoteAsset: 'USDT',
    allTime: { fills: 0, realisedQuote: '0', feesQuote: '0', inventoryBase: '0' },
    stopReason: null,
    killSwitchSeconds: null,
    waitingForPrice: 0,
    reason: null,
    ...over,
  };
}
