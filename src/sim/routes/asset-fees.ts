/**
 * The `maker_fee` / `taker_fee` of each /api/v4/public/assets entry. WhiteBIT publishes one fee pair
 * per asset and ccxt's fetchTradingFees takes a market's fees from its BASE asset's entry, so an
 * asset shows the fees of the markets it is the base of; an asset that is only ever a quote shows
 * those of the markets it quotes. Where such markets differ, the highest fee is shown (never
 * promise a client less than it may pay). Percent strings, as /public/markets.
 *
 * @see whitebit-protocol-2.md §2.2 (fetchTradingFees)
 */
import { D } from '../decimal.js';
import type { Market } from '../markets.js';

export interface AssetFee {
  readonly maker: string;
  readonly taker: string;
}

const higher = (a: string | undefined, b: string): string => (a !== undefined && new D(a).greaterThanOrEqualTo(b) ? a : b);

/** Fee pair by asset ticker. */
export function assetFees(markets: Iterable<Market>): Map<string, AssetFee> {
  const asBase = new Map<string, AssetFee>();
  const asQuote = new Map<string, AssetFee>();
  for (const m of markets) {
    for (const [map, asset] of [
      [asBase, m.stock],
      [asQuote, m.money],
    ] as const) {
      const had = map.get(asset);
      map.set(asset, { maker: higher(had?.maker, m.makerFee), taker: higher(had?.taker, m.takerFee) });
    }
  }
  for (const [asset, fee] of asQuote) if (!asBase.has(asset)) asBase.set(asset, fee);
  return asBase;
}
