/** Market rules shared by the grid tests (values in the shape of WhiteBIT's /public/markets, whitebit-protocol.md §3.1). */
import { marketRulesFrom, type MarketRules, type MarketRulesInput } from '../../src/grid/market-rules.js';

export function rulesOf(input: MarketRulesInput): MarketRules {
  const r = marketRulesFrom(input);
  if (!r.ok) throw new Error(`bad test rules: ${JSON.stringify(r.issues)}`);
  return r.rules;
}

/** BTC_USDT: moneyPrec 2, stockPrec 6, minAmount 0.00001, minTotal 5, no max, maker 0.1 %. */
export const BTC_USDT: MarketRules = rulesOf({
  market: 'BTC_USDT',
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  pricePrecision: '2',
  amountPrecision: '6',
  minAmount: '0.00001',
  minTotal: '5',
  maxTotal: '0',
  makerFeePercent: '0.1',
  takerFeePercent: '0.1',
});

/** The WhiteBIT demo pair; minTotal 1 as on BTC_USD. */
export const DBTC_DUSDT: MarketRules = rulesOf({
  market: 'DBTC_DUSDT',
  baseAsset: 'DBTC',
  quoteAsset: 'DUSDT',
  pricePrecision: '2',
  amountPrecision: '6',
  minAmount: '0.00001',
  minTotal: '1',
  maxTotal: '10000000',
  makerFeePercent: '0.1',
  takerFeePercent: '0.1',
});

/** A small-price market with whole-unit amounts. */
export const SHIB_USDT: MarketRules = rulesOf({
  market: '1000SHIB_USDT',
  baseAsset: '1000SHIB',
  quoteAsset: 'USDT',
  pricePrecision: '6',
  amountPrecision: '0',
  minAmount: '1',
  minTotal: '5',
  maxTotal: '0',
  makerFeePercent: '0.1',
  takerFeePercent: '0.1',
});

/** A market with 2 price and 4 amount decimals and a 0 % maker fee, for simple hand arithmetic. */
export const TOY_USDT: MarketRules = rulesOf({
  market: 'TOY_USDT',
  baseAsset: 'TOY',
  quoteAsset: 'USDT',
  pricePrecision: 2,
  amountPrecision: 4,
  minAmount: '0.001',
  minTotal: '5',
  maxTotal: '0',
  makerFeePercent: '0',
  takerFeePercent: '0',
});
