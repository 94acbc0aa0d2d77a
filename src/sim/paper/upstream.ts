/**
 * Where the paper exchange reads live prices, and how it turns the upstream's market list into
 * the embedded engine's markets. Public endpoints only: no keys are ever sent upstream.
 */
import type { WbMarket, WbTicker } from '../../adapters/whitebit/index.js';
import { parseNumeric } from '../decimal.js';
import type { MarketSpec } from '../markets.js';

export interface UpstreamUrls {
  /** REST origin: markets and ticker are read once, at start. */
  readonly rest: string;
  /** WebSocket endpoint: depth and public trades, for as long as the exchange runs. */
  readonly ws: string;
}

/** WhiteBIT's public endpoints: the default upstream (tests point it at a local simulator). */
export const WHITEBIT_PUBLIC_UPSTREAM: UpstreamUrls = { rest: 'https://whitebit.com', ws: 'wss://api.whitebit.com/ws' };

/** The markets `gridbot sim --paper` mirrors when none are named. */
export const PAPER_DEFAULT_MARKETS: readonly string[] = ['BTC_USDT', 'ETH_USDT'];

/** A start the upstream refused (unreachable, a market it does not list, no price). */
export class PaperUpstreamError extends Error {
  override readonly name = 'PaperUpstreamError';
}

/** The engine's market specs for `names`, with the upstream's rules and its last price as the start price. */
export function marketSpecs(
  names: readonly string[],
  listed: readonly WbMarket[],
  tickers: Readonly<Record<string, WbTicker>>,
  upstream: string,
): MarketSpec[] {
  const byName = new Map(listed.filter((m) => m.type === undefined || m.type === 'spot').map((m) => [m.name, m]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) throw new PaperUpstreamError(`${upstream} lists no spot market ${missing.join(', ')}`);
  return names.map((name) => {
    const m = byName.get(name) as WbMarket;
    const last = tickers[name]?.last_price;
    if (last === undefined || !parseNumeric(last)?.greaterThan(0)) throw new PaperUpstreamError(`${upstream} has no last price for ${name}`);
    return {
      name,
      stock: m.stock,
      money: m.money,
      stockPrec: Number(m.stockPrec),
      moneyPrec: Number(m.moneyPrec),
      feePrec: Number(m.feePrec),
      minAmount: m.minAmount,
      minTotal: m.minTotal,
      maxTotal: m.maxTotal,
      makerFee: m.makerFee,
      takerFee: m.takerFee,
      isCollateral: m.isCollateral ?? false,
      startPrice: last,
    };
  });
}
