/**
 * Public REST endpoints (GET, query-string parameters). Market-data errors use WhiteBIT's flat
 * 422 field bag (`{"market":["Market is not available."]}`), with no envelope.
 *
 * @see whitebit-protocol.md §3
 */
import { D, ZERO, ceilTo, floorTo, fmt, type Dec } from './decimal.js';
import type { Exchange } from './exchange.js';
import { toWbMarket } from './markets.js';
import type { Reply } from './private-routes.js';
import { assetFees } from './routes/asset-fees.js';
import { kline } from './routes/kline.js';
import { v1Ticker } from './routes/v1-ticker.js';
import { toPublicTrade } from './wire-format.js';

export interface PublicContext {
  readonly exchange: Exchange;
  readonly nowMs: number;
}

export type PublicHandler = (ctx: PublicContext, query: URLSearchParams, param: string | undefined) => Reply;

const json = (body: unknown, status = 200): Reply => ({ status, body });
const notAvailable = (): Reply => json({ market: ['Market is not available.'] }, 422);

/** CoinMarketCap ids for the tickers the defaults use; 0 means unknown, as on WhiteBIT. */
const CMC_IDS: Readonly<Record<string, number>> = { BTC: 1, ETH: 1027, USDT: 825 };

function intParam(query: URLSearchParams, name: string): number | undefined | 'invalid' {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  return /^-?\d+$/.test(v) ? Number(v) : 'invalid';
}

/**
 * Aggregates levels by `level` (0 = none): level k groups prices to (moneyPrec - k) decimals,
 * rounding bids down and asks up so a level never looks better than the orders in it.
 * WhiteBIT does not document the exact grouping; this is the simulator's reading.
 */
function aggregate(levels: [string, string][], decimals: number | null, side: 'asks' | 'bids', limit: number): [string, string][] {
  if (decimals === null) return levels.slice(0, limit);
  const out = new Map<string, Dec>();
  for (const [p, a] of levels) {
    const key = fmt(side === 'bids' ? floorTo(new D(p), decimals) : ceilTo(new D(p), decimals));
    out.set(key, (out.get(key) ?? ZERO).plus(a));
  }
  return [...out.entries()].slice(0, limit).map(([p, a]) => [p, fmt(a)]);
}

const markets: PublicHandler = (ctx) => json([...ctx.exchange.markets.values()].map(toWbMarket));

const assets: PublicHandler = (ctx) => {
  const out: Record<string, unknown> = {};
  const precision = new Map<string, number>();
  const fees = assetFees(ctx.exchange.markets.values());
  for (const m of ctx.exchange.markets.values()) {
    precision.set(m.stock, Math.max(precision.get(m.stock) ?? 0, m.stockPrec));
    precision.set(m.money, Math.max(precision.get(m.money) ?? 0, m.moneyPrec));
  }
  for (const [ticker, prec] of [...precision].sort(([a], [b]) => a.localeCompare(b))) {
    out[ticker] = {
      name: ticker,
      unified_cryptoasset_id: CMC_IDS[ticker] ?? 0,
      can_withdraw: false,
      can_deposit: false,
      min_withdraw: '0',
      max_withdraw: '0',
      maker_fee: fees.get(ticker)?.maker ?? '0',
      taker_fee: fees.get(ticker)?.taker ?? '0',
      min_deposit: '0',
      max_deposit: '0',
      currency_precision: prec,
      is_memo: false,
      networks: { deposits: [], withdraws: [], default: null },
      limits: { deposit: {}, withdraw: {} },
      confirmations: {},
    };
  }
  return json(out);
};

const ticker: PublicHandler = (ctx) => {
  const out: Record<string, unknown> = {};
  for (const m of ctx.exchange.markets.values()) {
    const s = ctx.exchange.tickerOf(m.name, ctx.nowMs);
    out[m.name] = {
      base_id: CMC_IDS[m.stock] ?? 0,
      quote_id: CMC_IDS[m.money] ?? 0,
      last_price: s.last_price,
      quote_volume: s.quote_volume,
      base_volume: s.base_volume,
      isFrozen: false,
      change: s.change,
    };
  }
  return json(out);
};

const orderbook: PublicHandler = (ctx, query, market) => {
  const m = market === undefined ? undefined : ctx.exchange.market(market);
  if (!m) return notAvailable();
  const limit = intParam(query, 'limit');
  if (limit === 'invalid') return json({ limit: ['The limit must be an integer.'] }, 422);
  if (limit !== undefined && (limit < 0 || limit > 100)) return json({ limit: ['The limit must be between 0 and 100.'] }, 422);
  const level = intParam(query, 'level');
  if (level === 'invalid') return json({ level: ['The level must be an integer.'] }, 422);
  const lim = limit === undefined || limit === 0 ? 100 : limit;
  const lvl = Math.min(10, Math.max(0, level ?? 0)); // out-of-range levels are clamped
  const decimals = lvl === 0 ? null : m.moneyPrec - lvl;
  // Aggregation may merge levels, so read deep enough to still fill `lim` grouped levels.
  const depth = ctx.exchange.depth(m.name, decimals === null ? lim : 10_000);
  return json({
    ticker_id: m.name,
    timestamp: Math.floor(ctx.nowMs / 1000),
    asks: aggregate(depth.asks, decimals, 'asks', lim),
    bids: aggregate(depth.bids, decimals, 'bids', lim),
  });
};

/** The book within ±2 % of the last price. */
const orderbookDepth: PublicHandler = (ctx, _query, market) => {
  const m = market === undefined ? undefined : ctx.exchange.market(market);
  if (!m) return notAvailable();
  const last = ctx.exchange.lastPrice(m.name);
  const lo = last.times('0.98');
  const hi = last.times('1.02');
  const depth = ctx.exchange.depth(m.name, 10_000);
  return json({
    ticker_id: m.name,
    timestamp: Math.floor(ctx.nowMs / 1000),
    asks: depth.asks.filter(([p]) => new D(p).lessThanOrEqualTo(hi)).slice(0, 100),
    bids: depth.bids.filter(([p]) => new D(p).greaterThanOrEqualTo(lo)).slice(0, 100),
  });
};

const trades: PublicHandler = (ctx, query, market) => {
  const m = market === undefined ? undefined : ctx.exchange.market(market);
  if (!m) return notAvailable();
  const type = query.get('type');
  if (type !== null && type !== 'buy' && type !== 'sell') return json({ type: ['The selected type is invalid.'] }, 422);
  const list = ctx.exchange.publicTrades(m.name).filter((t) => type === null || t.takerSide === type);
  return json(list.slice(0, 100).map(toPublicTrade));
};

const time: PublicHandler = (ctx) => json({ time: Math.floor(ctx.nowMs / 1000) });
const ping: PublicHandler = () => json(['pong']);
const platformStatus: PublicHandler = () => json({ status: 'system operational' });

const EXACT: ReadonlyMap<string, PublicHandler> = new Map([
  ['markets', markets],
  ['assets', assets],
  ['ticker', ticker],
  ['time', time],
  ['ping', ping],
  ['platform/status', platformStatus],
]);

/** The v1 public endpoints ccxt still calls, by full path (protocol-2 §2.3, §2.4). */
const V1: ReadonlyMap<string, PublicHandler> = new Map([
  ['/api/v1/public/ticker', v1Ticker],
  ['/api/v1/public/kline', kline],
]);

/** Finds the handler for a v1 path or a path under /api/v4/public/ and its {market} parameter, if any. */
export function matchPublicRoute(path: string): { handler: PublicHandler; param: string | undefined } | undefined {
  const v1 = V1.get(path);
  if (v1) return { handler: v1, param: undefined };
  const prefix = '/api/v4/public/';
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  const exact = EXACT.get(rest);
  if (exact) return { handler: exact, param: undefined };
  for (const [route, handler] of [
    ['orderbook/depth/', orderbookDepth],
    ['orderbook/', orderbook],
    ['trades/', trades],
  ] as const) {
    if (rest.startsWith(route)) {
      const param = decodeURIComponent(rest.slice(route.length));
      if (param !== '' && !param.includes('/')) return { handler, param };
    }
  }
  return undefined;
}
