/**
 * Market rules as WhiteBIT publishes them on /api/v4/public/markets, plus the simulator-only knobs
 * (start price, walk volatility). `resolveMarkets` fills defaults and precomputes Decimals once.
 *
 * @see whitebit-protocol.md §3.1
 */
import { D, stepOf, type Dec } from './decimal.js';

/** What a markets file or the `markets` option may set; only `name` is required. */
export interface MarketSpec {
  name: string;
  stock?: string;
  money?: string;
  stockPrec?: number;
  moneyPrec?: number;
  feePrec?: number;
  minAmount?: string;
  minTotal?: string;
  maxTotal?: string;
  makerFee?: string;
  takerFee?: string;
  isCollateral?: boolean;
  /** Simulator only: first mid price of the walk. */
  startPrice?: string;
  /** Simulator only: standard deviation of the log return per tick (e.g. 0.0008). */
  volatility?: number;
  /** Simulator only: quote notional of each house quote level. */
  houseNotional?: string;
}

/** A market with every field resolved, in the simulator's working form. */
export interface Market {
  readonly name: string;
  readonly stock: string;
  readonly money: string;
  readonly stockPrec: number;
  readonly moneyPrec: number;
  readonly feePrec: number;
  readonly minAmount: string;
  readonly minTotal: string;
  readonly maxTotal: string;
  readonly makerFee: string;
  readonly takerFee: string;
  readonly isCollateral: boolean;
  readonly startPrice: string;
  readonly volatility: number;
  readonly houseNotional: string;
  /** Derived: fee rates as fractions (percent / 100). */
  readonly makerRate: Dec;
  readonly takerRate: Dec;
  readonly minAmountD: Dec;
  readonly minTotalD: Dec;
  readonly maxTotalD: Dec;
  readonly amountStep: string;
  readonly priceStep: string;
}

/** The wire shape of one /api/v4/public/markets entry. */
export interface WbMarket {
  name: string;
  stock: string;
  money: string;
  stockPrec: string;
  moneyPrec: string;
  feePrec: string;
  makerFee: string;
  takerFee: string;
  minAmount: string;
  minTotal: string;
  maxTotal: string;
  tradesEnabled: boolean;
  isCollateral: boolean;
  type: 'spot';
  isTradFiFutures: boolean;
  delistedAt: number | null;
}

/** The default markets: the demo pair plus two majors with realistic rules and start prices. */
export const DEFAULT_MARKETS: readonly MarketSpec[] = [
  {
    name: 'DBTC_DUSDT',
    stockPrec: 6,
    moneyPrec: 2,
    feePrec: 6,
    minAmount: '0.0001',
    minTotal: '5',
    maxTotal: '10000000',
    startPrice: '60000',
  },
  {
    name: 'BTC_USDT',
    stockPrec: 6,
    moneyPrec: 2,
    feePrec: 6,
    minAmount: '0.00001',
    minTotal: '5.05',
    maxTotal: '10000000',
    isCollateral: true,
    startPrice: '64000',
  },
  {
    name: 'ETH_USDT',
    stockPrec: 4,
    moneyPrec: 2,
    feePrec: 6,
    minAmount: '0.0001',
    minTotal: '5.05',
    maxTotal: '10000000',
    isCollateral: true,
    startPrice: '3200',
  },
];

/** Resolves one spec; throws on a malformed name or precision (a config error, not a request error). */
export function resolveMarket(spec: MarketSpec): Market {
  const [stockFromName, moneyFromName] = spec.name.split('_');
  const stock = spec.stock ?? stockFromName;
  const money = spec.money ?? moneyFromName;
  if (!stock || !money) throw new Error(`market ${spec.name}: name must be BASE_QUOTE or set stock and money`);
  const stockPrec = spec.stockPrec ?? 6;
  const moneyPrec = spec.moneyPrec ?? 2;
  for (const [k, v] of [
    ['stockPrec', stockPrec],
    ['moneyPrec', moneyPrec],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 18) throw new Error(`market ${spec.name}: ${k} must be an integer 0..18`);
  }
  const makerFee = spec.makerFee ?? '0.1';
  const takerFee = spec.takerFee ?? '0.1';
  const minAmount = spec.minAmount ?? stepOf(stockPrec);
  const minTotal = spec.minTotal ?? '0';
  const maxTotal = spec.maxTotal ?? '0';
  return {
    name: spec.name,
    stock,
    money,
    stockPrec,
    moneyPrec,
    feePrec: spec.feePrec ?? 8,
    minAmount,
    minTotal,
    maxTotal,
    makerFee,
    takerFee,
    isCollateral: spec.isCollateral ?? false,
    startPrice: spec.startPrice ?? '100',
    volatility: spec.volatility ?? 0.0008,
    houseNotional: spec.houseNotional ?? '2000',
    makerRate: new D(makerFee).div(100),
    takerRate: new D(takerFee).div(100),
    minAmountD: new D(minAmount),
    minTotalD: new D(minTotal),
    maxTotalD: new D(maxTotal),
    amountStep: stepOf(stockPrec),
    priceStep: stepOf(moneyPrec),
  };
}

/** Resolves the configured markets (defaults when none are given); names must be unique. */
export function resolveMarkets(specs: readonly MarketSpec[] = DEFAULT_MARKETS): Map<string, Market> {
  const out = new Map<string, Market>();
  for (const spec of specs) {
    if (out.has(spec.name)) throw new Error(`market ${spec.name} is configured twice`);
    out.set(spec.name, resolveMarket(spec));
  }
  return out;
}

/** Returns the /public/markets wire entry of a market. */
export function toWbMarket(m: Market): WbMarket {
  return {
    name: m.name,
    stock: m.stock,
    money: m.money,
    stockPrec: String(m.stockPrec),
    moneyPrec: String(m.moneyPrec),
    feePrec: String(m.feePrec),
    makerFee: m.makerFee,
    takerFee: m.takerFee,
    minAmount: m.minAmount,
    minTotal: m.minTotal,
    maxTotal: m.maxTotal,
    tradesEnabled: true,
    isCollateral: m.isCollateral,
    type: 'spot',
    isTradFiFutures: false,
    delistedAt: null,
  };
}
