/**
 * The seeded price process and the "house" that trades on it, so resting orders really fill.
 *
 * Each tick, per market: the mid takes a log-normal step (volatility per tick, multiplied during
 * occasional bursts); the house replaces its quote ladder around the new mid in one engine step,
 * and any of its new quotes that cross resting orders trade with them at their price; then, with
 * some probability, the house sends an IOC taker order that sweeps the inside of the book,
 * filling resting orders partially or fully. Same seed and same sequence of ticks and requests,
 * same run.
 *
 * Why floats appear here: the random shock is a model variable, not money. It is turned into a
 * Decimal factor at once, and every price and amount that reaches the engine is a rounded Decimal.
 */
import { D, ceilTo, floorTo, fmt, type Dec } from './decimal.js';
import type { Exchange } from './exchange.js';
import type { Market } from './markets.js';
import { deriveSeed, mulberry32, type Rng } from './prng.js';

export const HOUSE_ACCOUNT = 'house';

export interface PriceProcessOptions {
  readonly seed: number;
  /** Quote levels per side. Default 5. */
  readonly levels?: number;
  /** Distance of the first level from mid, as a fraction. Default 0.0005 (5 bps). */
  readonly halfSpread?: number;
  /** Distance between levels, as a fraction. Default 0.0005. */
  readonly levelStep?: number;
  /** Probability of a house taker order per tick and market. Default 0.6. */
  readonly takerProbability?: number;
  /** Probability per tick that a volatility burst starts. Default 0.01. */
  readonly burstProbability?: number;
  /** Volatility multiplier during a burst. Default 5. */
  readonly burstMultiplier?: number;
}

interface MarketWalk {
  readonly market: Market;
  readonly rng: Rng;
  mid: Dec;
  burstLeft: number;
}

export class PriceProcess {
  private readonly walks = new Map<string, MarketWalk>();
  private readonly levels: number;
  private readonly halfSpread: number;
  private readonly levelStep: number;
  private readonly takerProbability: number;
  private readonly burstProbability: number;
  private readonly burstMultiplier: number;

  constructor(
    private readonly exchange: Exchange,
    options: PriceProcessOptions,
  ) {
    this.levels = options.levels ?? 5;
    this.halfSpread = options.halfSpread ?? 0.0005;
    this.levelStep = options.levelStep ?? 0.0005;
    this.takerProbability = options.takerProbability ?? 0.6;
    this.burstProbability = options.burstProbability ?? 0.01;
    this.burstMultiplier = options.burstMultiplier ?? 5;
    for (const m of exchange.markets.values()) {
      this.walks.set(m.name, { market: m, rng: mulberry32(deriveSeed(options.seed, `price:${m.name}`)), mid: new D(m.startPrice), burstLeft: 0 });
    }
  }

  /** The funds the house needs: a very deep pocket in every asset of every market. */
  static houseBalances(markets: Iterable<Market>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of markets) {
      out[m.stock] = '1000000000000';
      out[m.money] = '1000000000000';
    }
    return out;
  }

  mid(market: string): Dec | undefined {
    return this.walks.get(market)?.mid;
  }

  /** Places the first ladder on every market without moving the price. */
  seed(nowMs: number): void {
    for (const walk of this.walks.values()) this.requote(walk, nowMs);
  }

  /** Advances every market by one step. */
  tick(nowMs: number): void {
    for (const walk of this.walks.values()) {
      this.step(walk);
      this.requote(walk, nowMs);
      this.takerFlow(walk, nowMs);
    }
  }

  /** Moves one market's mid to `price` and requotes around it at once (test and CLI control). */
  setMid(market: string, price: string, nowMs: number): void {
    const walk = this.walks.get(market);
    if (!walk) throw new Error(`unknown market ${market}`);
    walk.mid = floorTo(new D(price), walk.market.moneyPrec);
    this.requote(walk, nowMs);
  }

  private step(walk: MarketWalk): void {
    if (walk.burstLeft > 0) walk.burstLeft--;
    else if (walk.rng.chance(this.burstProbability)) walk.burstLeft = 10 + walk.rng.int(20);
    const sigma = walk.market.volatility * (walk.burstLeft > 0 ? this.burstMultiplier : 1);
    const factor = new D(Math.exp(sigma * walk.rng.normal()).toFixed(12));
    const minPrice = new D(walk.market.priceStep).times(100);
    const next = floorTo(walk.mid.times(factor), walk.market.moneyPrec);
    walk.mid = next.lessThan(minPrice) ? minPrice : next;
  }

  private requote(walk: MarketWalk, nowMs: number): void {
    const m = walk.market;
    const orders: Record<string, unknown>[] = [];
    // One division per market and tick: level sizes scale this base amount (worth houseNotional at mid).
    const base = new D(m.houseNotional).div(walk.mid);
    for (let i = 0; i < this.levels; i++) {
      const offset = new D(this.halfSpread + i * this.levelStep);
      const bid = floorTo(walk.mid.times(new D(1).minus(offset)), m.moneyPrec);
      const ask = ceilTo(walk.mid.times(new D(1).plus(offset)), m.moneyPrec);
      const size = base.times(new D((0.5 + walk.rng.next()).toFixed(6)));
      if (bid.greaterThan(0)) orders.push({ market: m.name, side: 'buy', price: fmt(bid), amount: fmt(this.amountFor(m, size, bid)) });
      orders.push({ market: m.name, side: 'sell', price: fmt(ask), amount: fmt(this.amountFor(m, size, ask)) });
    }
    this.exchange.requote(HOUSE_ACCOUNT, m.name, orders, nowMs);
  }

  private takerFlow(walk: MarketWalk, nowMs: number): void {
    if (!walk.rng.chance(this.takerProbability)) return;
    const m = walk.market;
    const side = walk.rng.chance(0.5) ? 'buy' : 'sell';
    const reach = new D(3 * this.halfSpread + 2 * this.levelStep);
    const limit = side === 'buy' ? ceilTo(walk.mid.times(new D(1).plus(reach)), m.moneyPrec) : floorTo(walk.mid.times(new D(1).minus(reach)), m.moneyPrec);
    const size = new D(m.houseNotional).div(walk.mid).times(new D((0.05 + 0.3 * walk.rng.next()).toFixed(6)));
    this.exchange.placeOrder(HOUSE_ACCOUNT, { market: m.name, side, price: fmt(limit), amount: fmt(this.amountFor(m, size, limit)), ioc: true }, nowMs);
  }

  /** `size` rounded to the market's amount step and lifted to its minimum amount and minimum total at `price`. */
  private amountFor(m: Market, size: Dec, price: Dec): Dec {
    let amount = floorTo(size, m.stockPrec);
    if (amount.lessThan(m.minAmountD)) amount = m.minAmountD;
    if (amount.times(price).lessThan(m.minTotalD)) amount = ceilTo(m.minTotalD.div(price), m.stockPrec);
    return amount;
  }
}
