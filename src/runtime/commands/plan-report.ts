/**
 * What `gridbot plan` reports for one grid, built from the market's rules and last price by
 * `initialOrders`, the function the market actor places with: the ladder as it would be sent
 * (price and amount after rounding, notional), each level's failed rules, the budget locked per
 * side, the risk exits and the fee check. Pure: no IO.
 *
 * Entry points: `gridReport(settings, loaded)`, `failedGridReport(settings, error)`, `planText(...)`.
 */
import { type Decimal, type MarketRules, type OrderIntent, type PlanIssue, type Side, D, initialOrders, parseDecimal, toPlain } from '../../grid/index.js';
import type { LoadedMarket } from '../../machines/market/market.io.js';
import type { MarketSettings } from '../../machines/market/market.types.js';

/** One rung of the ladder as plan shows it. */
export interface LevelRow {
  readonly level: number;
  /** null: the level starts empty (the gap at the price). */
  readonly side: Side | null;
  /** As sent: on the tick, plain decimal. */
  readonly price: string;
  /** As sent (truncated to the amount precision); null for an empty level. */
  readonly amount: string | null;
  /** price × amount in quote; null for an empty level. */
  readonly notional: string | null;
  /** The rules this level's order breaks (minAmount, minTotal, maxTotal, precision, counter size, budget, crossing). */
  readonly problems: readonly { readonly code: string; readonly message: string }[];
}

export interface GridReport {
  readonly market: string;
  /** True when `run` would place this grid. */
  readonly ok: boolean;
  /** Why the market could not be read (unknown market, no price, exchange unreachable), else null. */
  readonly error: string | null;
  /** `rejected`: the market is not tradeable there; `unavailable`: try again. Null when read. */
  readonly errorKind: 'rejected' | 'unavailable' | null;
  readonly spacing: string;
  readonly lastPrice: string | null;
  readonly rules: {
    readonly baseAsset: string;
    readonly quoteAsset: string;
    readonly pricePrecision: number;
    readonly amountPrecision: number;
    readonly minAmount: string;
    readonly minTotal: string;
    readonly maxTotal: string | null;
    readonly makerFeePercent: string;
    readonly takerFeePercent: string;
  } | null;
  /** Ascending by level (0 = lowest price). Empty when no ladder could be built. */
  readonly levels: readonly LevelRow[];
  /** Orders the initial placement sends (levels with a side). */
  readonly orders: number;
  /** Budget the initial orders lock: quote for the buys, base for the sells. */
  readonly locked: {
    readonly quote: { readonly asset: string; readonly amount: string; readonly orders: number; readonly budget: string | null };
    readonly base: { readonly asset: string; readonly amount: string; readonly orders: number; readonly budget: string | null };
  } | null;
  readonly risk: {
    /** Prices beyond which the grid stops (rangeExitMarginPercent beyond the ladder's ends), or null when off. */
    readonly rangeExit: { readonly marginPercent: string; readonly below: string; readonly above: string } | null;
    /** The grid stops at a PnL (realised + unrealised) at or below −this, or null when off. */
    readonly stopLossQuote: string | null;
    readonly maxInventoryBase: string | null;
  };
  /** The round-trip fee check over every step of the ladder. */
  readonly fee: {
    readonly makerFeePercent: string;
    /** 2 × maker: a buy and its counter sell. */
    readonly roundTripPercent: string;
    /** The smallest step relative to its lower level, 4 significant digits. */
    readonly smallestStepPercent: string;
    readonly smallestStep: { readonly from: string; readonly to: string };
    readonly ok: boolean;
  } | null;
  /** Every issue (errors and warnings), as planGrid reports them. */
  readonly issues: readonly PlanIssue[];
}

const FEE_CODE = 'step-below-fees';

/** Returns the report of a grid whose market could not be read. */
export function failedGridReport(settings: MarketSettings, error: string, errorKind: 'rejected' | 'unavailable'): GridReport {
  return {
    market: settings.market,
    ok: false,
    error,
    errorKind,
    spacing: settings.spec.spacing,
    lastPrice: null,
    rules: null,
    levels: [],
    orders: 0,
    locked: null,
    risk: riskOf(settings, null),
    fee: null,
    issues: [],
  };
}

/**
 * Returns the report of one grid on a market read as `loaded`. The orders are `initialOrders`'
 * intents, formatted exactly as the placement sends them.
 */
export function gridReport(settings: MarketSettings, loaded: LoadedMarket): GridReport {
  const { rules } = loaded;
  const result = initialOrders(settings.spec, rules, loaded.lastPrice, { botId: settings.botId, market: settings.market });
  const plan = result.plan;
  const sent = new Map<number, OrderIntent>(result.ok ? result.orders.map((o) => [o.level, o]) : []);
  const levels: LevelRow[] = (plan?.levels ?? []).map((l) => {
    const intent = sent.get(l.index);
    const price = intent?.price ?? toPlain(l.price);
    const amount = l.side === null ? null : (intent?.amount ?? toPlain(l.amount));
    return {
      level: l.index,
      side: l.side,
      price,
      amount,
      notional: amount === null ? null : toPlain(new D(price).times(amount)),
      problems: result.issues.filter((i) => i.level === l.index && i.code !== FEE_CODE).map((i) => ({ code: i.code, message: i.message })),
    };
  });
  const buys = levels.filter((l) => l.side === 'buy').length;
  const sells = levels.filter((l) => l.side === 'sell').length;
  return {
    market: settings.market,
    ok: result.ok,
    error: null,
    errorKind: null,
    spacing: settings.spec.spacing,
    lastPrice: loaded.lastPrice,
    rules: {
      baseAsset: rules.baseAsset,
      quoteAsset: rules.quoteAsset,
      pricePrecision: rules.pricePrecision,
      amountPrecision: rules.amountPrecision,
      minAmount: toPlain(rules.minAmount),
      minTotal: toPlain(rules.minTotal),
      maxTotal: rules.maxTotal === null ? null : toPlain(rules.maxTotal),
      makerFeePercent: toPlain(rules.makerFeePercent),
      takerFeePercent: toPlain(rules.takerFeePercent),
    },
    levels,
    orders: result.ok ? result.orders.length : buys + sells,
    locked: plan
      ? {
          quote: { asset: rules.quoteAsset, amount: toPlain(plan.quoteRequired), orders: buys, budget: budgetText(settings.spec.budget.quote) },
          base: { asset: rules.baseAsset, amount: toPlain(plan.baseRequired), orders: sells, budget: budgetText(settings.spec.budget.base) },
        }
      : null,
    risk: riskOf(settings, plan ? { lower: plan.levels[0]?.price, upper: plan.levels[plan.levels.length - 1]?.price } : null),
    fee: plan
      ? feeOf(
          plan.levels.map((l) => l.price),
          rules,
          !result.issues.some((i) => i.code === FEE_CODE),
        )
      : null,
    issues: result.issues,
  };
}

function budgetText(v: unknown): string | null {
  if (v === undefined) return null;
  const d = parseDecimal(v as string);
  return d === null ? String(v) : toPlain(d);
}

function riskOf(settings: MarketSettings, range: { lower: Decimal | undefined; upper: Decimal | undefined } | null): GridReport['risk'] {
  const r = settings.risk;
  const margin = r.rangeExitMarginPercent === null ? null : parseDecimal(r.rangeExitMarginPercent);
  const rangeExit =
    margin !== null && range?.lower !== undefined && range.upper !== undefined
      ? {
          marginPercent: toPlain(margin),
          below: toPlain(range.lower.times(new D(1).minus(margin.div(100)))),
          above: toPlain(range.upper.times(new D(1).plus(margin.div(100)))),
        }
      : null;
  const text = (v: unknown) => (v === null || v === undefined ? null : budgetText(v));
  return { rangeExit, stopLossQuote: text(r.stopLossQuote), maxInventoryBase: text(r.maxInventoryBase) };
}

function feeOf(prices: readonly Decimal[], rules: MarketRules, ok: boolean): GridReport['fee'] {
  let best: { pct: Decimal; from: Decimal; to: Decimal } | null = null;
  for (let i = 1; i < prices.length; i++) {
    const from = prices[i - 1];
    const to = prices[i];
    if (from === undefined || to === undefined || !from.gt(0)) continue;
    const pct = to.minus(from).div(from).times(100);
    if (best === null || pct.lt(best.pct)) best = { pct, from, to };
  }
  if (best === null) return null;
  return {
    makerFeePercent: toPlain(rules.makerFeePercent),
    roundTripPercent: toPlain(rules.makerFeePercent.times(2)),
    smallestStepPercent: toPlain(best.pct.toSignificantDigits(4)),
    smallestStep: { from: toPlain(best.from), to: toPlain(best.to) },
    ok,
  };
}

// ---------------------------------------------------------------- text

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) =>
    r
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** Returns the text block of one grid: headline, rules, ladder (highest price first), locked budget, risk, fee, issues. */
export function gridText(g: GridReport): string[] {
  if (g.error !== null) return [`${g.market}  NOT READ: ${g.error}`];
  const errors = g.issues.filter((i) => i.severity === 'error');
  const head = g.ok
    ? `${g.market}  ${g.spacing}, last price ${g.lastPrice ?? '-'}: placeable, ${plural(g.orders, 'order')}`
    : `${g.market}  ${g.spacing}, last price ${g.lastPrice ?? '-'}: NOT placeable, ${errors.length} error${errors.length === 1 ? '' : 's'}`;
  const out = [head];
  const r = g.rules;
  if (r) {
    out.push(
      `  rules: price ${r.pricePrecision} decimals, amount ${r.amountPrecision} decimals, minAmount ${r.minAmount} ${r.baseAsset}, ` +
        `minTotal ${r.minTotal} ${r.quoteAsset}, maxTotal ${r.maxTotal ?? 'none'}, maker fee ${r.makerFeePercent} %`,
    );
  }
  if (g.levels.length > 0) {
    const rows: string[][] = [['level', 'side', 'price', 'amount', 'notional', 'check']];
    for (const l of [...g.levels].reverse()) {
      const check = l.side === null ? 'empty (gap at the price)' : l.problems.length === 0 ? 'ok' : `FAIL ${l.problems.map((p) => p.message).join('; ')}`;
      rows.push([String(l.level), l.side ?? '-', l.price, l.amount ?? '-', l.notional ?? '-', check]);
    }
    out.push(...table(rows, new Set([0, 2, 3, 4])).map((line) => `  ${line}`));
  }
  if (g.locked) {
    const q = g.locked.quote;
    const b = g.locked.base;
    out.push(
      `  locked: buys ${q.amount} ${q.asset} in ${plural(q.orders, 'order')} (budget ${q.budget ?? 'no cap'}), ` +
        `sells ${b.amount} ${b.asset} in ${plural(b.orders, 'order')} (budget ${b.budget ?? 'no cap'})`,
    );
  }
  const risk = g.risk;
  const quote = r?.quoteAsset ?? 'quote';
  const base = r?.baseAsset ?? 'base';
  out.push(
    `  risk: ${
      risk.rangeExit
        ? `range exit below ${risk.rangeExit.below} or above ${risk.rangeExit.above} (${risk.rangeExit.marginPercent} % beyond the ladder)`
        : 'range exit off'
    }; ${risk.stopLossQuote ? `stop-loss at PnL <= -${risk.stopLossQuote} ${quote}` : 'stop-loss off'}; ${
      risk.maxInventoryBase ? `max inventory ${risk.maxInventoryBase} ${base}` : 'max inventory off'
    }`,
  );
  if (g.fee) {
    const f = g.fee;
    out.push(
      `  fee: smallest step ${f.smallestStep.from} -> ${f.smallestStep.to} (${f.smallestStepPercent} %) ${
        f.ok ? 'beats' : 'does NOT beat'
      } the round-trip maker fee ${f.roundTripPercent} % (2 x ${f.makerFeePercent} %)${f.ok ? '' : ': every round trip there loses money'}`,
    );
  }
  // Issues not already shown on a level line.
  for (const i of g.issues.filter((x) => x.level === undefined || x.code === FEE_CODE)) out.push(`  ${i.severity}: ${i.message}`);
  return out;
}
