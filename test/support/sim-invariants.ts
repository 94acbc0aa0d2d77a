/**
 * The grid invariants, judged on the simulator's own records (its books, orders, deals and
 * kill-switch timers), never on what the bot believes. Shared by the end-to-end harness
 * (test/integration/harness.ts) and the chaos suite (test/chaos/).
 *
 * - {@link watchLiveInvariants}: on *every* exchange event of the bot's account, at most one open
 *   order per grid level, and the market's kill-switch armed whenever the bot has an open order
 *   there (unless the caller says the bot is stopping, dead past its kill-switch, or the exchange
 *   itself is cancelling).
 * - {@link checkCounterQuantities}: from the account's whole order and deal history, every filled
 *   quantity at level i produced exactly one counter quantity at level i±1.
 * - {@link checkNothingLeft}: after a shutdown with `onStop: cancel`, no order of the bot and no
 *   kill-switch is left.
 * - {@link checkJournal}: the journal's fills are the exchange's, and no journal order is `live`
 *   that the exchange has finished.
 */
import Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { type OwnClientOrderId, decodeClientOrderId } from '../../src/grid/client-order-id.js';
import type { SimEvent, Simulator } from '../../src/sim/index.js';
import type { OrderSnapshot } from '../../src/sim/order.js';

export interface BotOrder {
  readonly order: OrderSnapshot;
  readonly id: OwnClientOrderId;
}

/** Who the bot is on the exchange. */
export interface BotScope {
  readonly accountId: string;
  readonly botId: string;
}

/** Returns the decoded id when `order` is the bot's on `market`. */
export function ownOrder(order: OrderSnapshot, botId: string, market: string): BotOrder | null {
  if (order.market !== market) return null;
  const id = decodeClientOrderId(order.clientOrderId, { botId, market });
  return id.kind === 'ours' ? { order, id } : null;
}

export function groupByLevel(orders: readonly BotOrder[]): Map<number, BotOrder[]> {
  const out = new Map<number, BotOrder[]>();
  for (const o of orders) out.set(o.id.level, [...(out.get(o.id.level) ?? []), o]);
  return out;
}

/** The bot's open orders on `market`, decoded. */
export function openBotOrders(sim: Simulator, scope: BotScope, market: string): BotOrder[] {
  return sim.state.orders(scope.accountId).flatMap((o) => ownOrder(o, scope.botId, market) ?? []);
}

export interface LiveWatch {
  /** Every order of the bot the exchange accepted (ordersPending event 1), in order. */
  readonly placed: BotOrder[];
  readonly violations: string[];
  detach(): void;
}

export interface LiveWatchOptions extends BotScope {
  readonly markets: readonly string[];
  /**
   * True while an armed kill-switch is not required: the bot is shutting down (it disarms after its
   * cancel-all), or the exchange itself is cancelling (a kill-switch expiry cancels order by order).
   */
  readonly killSwitchExempt: () => boolean;
  /** Runs after the checks of each event (waiters re-check here). */
  readonly onEvent?: (e: SimEvent) => void;
}

/** Checks the per-event invariants on every exchange event until `detach`. */
export function watchLiveInvariants(sim: Simulator, o: LiveWatchOptions): LiveWatch {
  const placed: BotOrder[] = [];
  const violations: string[] = [];
  const detach = sim.onEvent((e: SimEvent) => {
    if (e.type === 'order' && e.accountId === o.accountId && o.markets.includes(e.order.market)) {
      const market = e.order.market;
      const mine = ownOrder(e.order, o.botId, market);
      if (mine && e.event === 1) placed.push(mine);
      const open = openBotOrders(sim, o, market);
      for (const [level, list] of groupByLevel(open)) {
        if (list.length > 1) violations.push(`${market}: two open orders at level ${level}: ${list.map((x) => x.order.clientOrderId).join(', ')}`);
      }
      if (!o.killSwitchExempt() && open.length > 0 && !sim.state.killSwitches(o.accountId).some((k) => k.market === market)) {
        violations.push(`${market}: open orders without an armed kill-switch after ${e.order.clientOrderId} (event ${e.event})`);
      }
    }
    o.onEvent?.(e);
  });
  return { placed, violations, detach };
}

/** What a grid looks like to the history checks. */
export interface GridShape extends BotScope {
  readonly market: string;
  /** The initial plan: at most one order of `amount` per (level, side), placed at most once. */
  readonly plan: readonly { readonly level: number; readonly side: 'buy' | 'sell' }[];
  readonly amount: string;
  readonly levelPrice: Readonly<Record<number, string>>;
  /** The market's minimum order amount and total: a counter quantity below either is held back. */
  readonly minAmount: string;
  readonly minTotal: string;
}

export interface CounterCheck {
  readonly violations: string[];
  /** Counter quantities held back because they are below the market minimum (allowed; reported). */
  readonly pending: string[];
  /** Counter quantities owed and not placed (a violation unless the market stopped itself). */
  readonly missing: string[];
  readonly fills: number;
  readonly placedOrders: number;
}

const key = (level: number, side: 'buy' | 'sell'): string => `${level}:${side}`;

/** A remainder of the bot's order the exchange cancelled on its own (kill-switch expiry): the grid owes it again at its level. */
export interface ExternalCancel {
  readonly level: number;
  readonly side: 'buy' | 'sell';
  readonly left: string;
}

/**
 * "For every fill exactly one counter-order quantity", from the exchange's history of the bot's
 * account on one market: per (level, side), the quantity the bot placed there equals the quantity
 * owed there by fills one level away (buys filled at i-1 owe sells at i, sells filled at i+1 owe
 * buys at i), plus the plan's order when the plan has one there, plus what the exchange cancelled
 * there on its own (`externalCancels`: the grid re-places an order's unfilled remainder when a
 * kill-switch expiry cancels it; level-book.ts `releaseLevel`).
 *
 * A shortfall is allowed, and reported as `pending`, when it is a residue below the market minimum,
 * when an open order of the bot holds the target level right now (the grid keeps one order per
 * level: the quantity waits as the level's residue until the level frees), or when the order would
 * cross the bot's own open orders (post-only: the exchange refuses it; after fills on both sides of
 * the gap in one fast move, a counter buy can sit above a counter sell). Any other shortfall is
 * `missing`; an excess is a violation (a counter quantity placed twice). Call it while the bot still
 * runs for `missing`/`pending` (a shutdown frees every level); `violations` hold at any time.
 *
 * The plan's order: an excess is judged allowing one plan order at each planned (level, side); a
 * shortfall counts the plan's order as owed where the first order/bulk (the orders with the
 * earliest exchange time) placed it. So a counter placed twice where the plan's order was refused
 * and never re-placed, or a plan order refused and never re-placed, goes unseen: a weakness of
 * judging from the exchange alone, which does not know the bot's plan.
 */
export function checkCounterQuantities(sim: Simulator, g: GridShape, externalCancels: readonly ExternalCancel[] = []): CounterCheck {
  const mine = [...sim.state.orders(g.accountId), ...sim.state.finishedOrders(g.accountId)].flatMap((o) => ownOrder(o, g.botId, g.market) ?? []);
  const placed = new Map<string, Decimal>();
  for (const o of mine) placed.set(key(o.id.level, o.id.side), (placed.get(key(o.id.level, o.id.side)) ?? new Decimal(0)).plus(o.order.amount.toFixed()));
  const owed = new Map<string, Decimal>();
  const add = (k: string, v: Decimal.Value): void => {
    owed.set(k, (owed.get(k) ?? new Decimal(0)).plus(v));
  };
  const violations: string[] = [];
  const deals = sim.state.fills(g.accountId).filter((d) => d.market === g.market);
  for (const d of deals) {
    const id = decodeClientOrderId(d.clientOrderId, { botId: g.botId, market: g.market });
    if (id.kind !== 'ours') {
      violations.push(`${g.market}: a fill of the bot's account with a foreign client id ${JSON.stringify(d.clientOrderId)}`);
      continue;
    }
    add(id.side === 'buy' ? key(id.level + 1, 'sell') : key(id.level - 1, 'buy'), d.amount.toFixed());
  }
  for (const c of externalCancels) add(key(c.level, c.side), c.left);
  const open = openBotOrders(sim, g, g.market);
  const busy = new Set(open.map((o) => o.id.level));
  // A post-only order the bot's own open orders would fill: the exchange refuses it; the grid keeps it as a residue.
  const crosses = (side: 'buy' | 'sell', price: string): boolean =>
    open.some((o) =>
      side === 'sell' ? o.order.side === 'buy' && new Decimal(o.order.price).gte(price) : o.order.side === 'sell' && new Decimal(o.order.price).lte(price),
    );
  const planKeys = new Set(g.plan.map((p) => key(p.level, p.side)));
  // The plan goes out as one order/bulk, which the exchange stamps with one time: the earliest.
  const firstTime = Math.min(...mine.map((o) => o.order.ctimeMs));
  const planPlaced = new Set(mine.filter((o) => o.order.ctimeMs === firstTime).map((o) => key(o.id.level, o.id.side)));
  const amount = new Decimal(g.amount);
  const zero = new Decimal(0);
  const pending: string[] = [];
  const missing: string[] = [];
  for (const k of new Set([...placed.keys(), ...owed.keys(), ...planKeys])) {
    const [levelText, side] = k.split(':') as [string, 'buy' | 'sell'];
    const level = Number(levelText);
    const p = placed.get(k) ?? zero;
    const w = owed.get(k) ?? zero;
    const line = `${g.market} level ${level} ${side}: owed ${w.toFixed()} (fills one level away${externalCancels.length > 0 ? ', remainders the exchange cancelled' : ''}), placed ${p.toFixed()}${planKeys.has(k) ? ` (plan ${g.amount}${planPlaced.has(k) ? '' : ', not in the first order/bulk'})` : ''}`;
    // Excess: more than owed plus the plan's one order (which may have gone out later than the first
    // bulk, e.g. re-placed after an unknown outcome found it absent).
    const excess = p.minus(w).minus(planKeys.has(k) ? amount : zero);
    if (excess.gt(0)) {
      violations.push(`${line}: ${excess.toFixed()} too much (a quantity placed twice)`);
      continue;
    }
    // Shortfall: owed plus the plan's order when the first bulk placed it, minus what was placed.
    const short = w.plus(planPlaced.has(k) ? amount : zero).minus(p);
    if (short.lte(0)) continue;
    const price = g.levelPrice[level];
    if (price !== undefined && (short.lt(g.minAmount) || short.times(price).lt(g.minTotal)))
      pending.push(`${line}: ${short.toFixed()} held back below the minimum`);
    else if (busy.has(level)) pending.push(`${line}: ${short.toFixed()} waiting for its level (an order of the bot holds it)`);
    else if (price !== undefined && crosses(side, price))
      pending.push(`${line}: ${short.toFixed()} waiting: post-only, it would cross the bot's own open orders`);
    else missing.push(`${line}: ${short.toFixed()} never placed`);
  }
  return { violations, pending, missing, fills: deals.length, placedOrders: mine.length };
}

/** After a shutdown with `onStop: cancel`: no order of the bot's account and no kill-switch left. */
export function checkNothingLeft(sim: Simulator, accountId: string): string[] {
  const out: string[] = [];
  const left = sim.state.orders(accountId);
  if (left.length > 0)
    out.push(`after shutdown, ${left.length} order(s) of the bot still open: ${left.map((o) => `${o.clientOrderId}@${o.price}`).join(', ')}`);
  const ks = sim.state.killSwitches(accountId);
  if (ks.length > 0) out.push(`after shutdown, kill-switch still armed on ${ks.map((k) => k.market).join(', ')}`);
  return out;
}

/**
 * The journal agrees with the exchange: its fills per market are the exchange's deals of the bot's
 * account there, and no order it has as `live` is anything but open on the exchange. Read after the
 * journal was closed (or beside it: readers never block).
 */
export function checkJournal(path: string, sim: Simulator, scope: BotScope, markets: readonly string[]): string[] {
  const out: string[] = [];
  const open = new Set(sim.state.orders(scope.accountId).map((o) => o.clientOrderId));
  const finished = new Map(sim.state.finishedOrders(scope.accountId).map((o) => [o.clientOrderId, o]));
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    // The journal's distinct deals (its `fills` table), every run.
    const deals = db.prepare('SELECT COUNT(*) AS n FROM fills WHERE market = ?');
    for (const market of markets) {
      const simFills = sim.state.fills(scope.accountId).filter((d) => d.market === market).length;
      const jFills = (deals.get(market) as { n: number }).n;
      if (jFills !== simFills) out.push(`${market}: the journal has ${jFills} fill(s), the exchange ${simFills}`);
    }
    const live = db.prepare("SELECT client_order_id AS id, market FROM orders WHERE status = 'live'").all() as { id: string; market: string }[];
    for (const row of live) {
      if (open.has(row.id)) continue;
      const f = finished.get(row.id);
      out.push(
        `${row.market}: the journal has ${row.id} live; the exchange ${f ? `finished it (${f.left.isZero() ? 'filled' : 'cancelled'})` : 'never had it'}`,
      );
    }
  } finally {
    db.close();
  }
  return out;
}
