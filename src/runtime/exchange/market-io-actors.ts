/**
 * The market actor's request/response IO over the WhiteBIT REST client: `loadMarket`, `cancelAll`,
 * `armKillSwitch`, `disarmKillSwitch`, `placeBatch`, `fetchExchange`, `cancelOrders`, each a
 * `fromPromise` matching `MarketIoInputs` and rejecting only with a `MarketIoError`.
 *
 * Safety rules the exchange makes easy to break (§8.1, §8.2): cancel-all and the kill-switch always
 * name the market and `spot`, or WhiteBIT would cancel the whole account's orders, other bots' and
 * margin/futures ones included.
 * @see whitebit-protocol.md §3.1–§3.3, §4.3–§4.10, market.io.ts
 */
import { fromPromise } from 'xstate';
import { type WbOrderKindType, WhitebitError, type WhitebitRestClient, retryClass } from '../../adapters/whitebit/index.js';
import {
  type ExchangeOrder,
  type ExchangeSnapshot,
  type Fill,
  type MarketRules,
  type PlacementOutcome,
  marketRulesFromListing,
  parseDecimal,
  roundPrice,
  toPlain,
} from '../../grid/index.js';
import { type CancelOutcome, type KillSwitchArmed, type LoadedMarket, MarketIoError, type MarketIoInputs } from '../../machines/market/market.io.js';
import { describeError, toMarketIoError } from './io-errors.js';
import { type PlacementOptions, type PlacementRest, fatalReason, placeIntents } from './order-placement.js';
import type { OrderRouter } from './order-router.js';
import type { KillSwitchLeases } from './kill-switch-lease.js';
import { dealFromHistory, exchangeOrderFromRest } from './wire-to-domain.js';

export type MarketRest = PlacementRest &
  Pick<
    WhitebitRestClient,
    | 'publicMarkets'
    | 'publicTicker'
    | 'publicOrderbook'
    | 'orderCancelAll'
    | 'killSwitchArm'
    | 'killSwitchDisarm'
    | 'orders'
    | 'executedHistory'
    | 'orderCancel'
  >;

const SPOT: readonly WbOrderKindType[] = ['spot'];
/** /api/v4/orders allows 100 per page; executed-history 100 under the older spec (500 under the newer). */
export const PAGE_SIZE = 100;

export interface MarketIoOptions {
  /** Passed to every placement; default true. */
  readonly postOnly?: boolean;
  /** Bound on pages per list, so a server that never returns a short page cannot loop us forever. */
  readonly maxPages?: number;
}

/** Runs `f`, mapping any failure to a MarketIoError named after `step`. */
async function io<T>(step: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw toMarketIoError(step, e);
  }
}

/** Returns every page of a list endpoint (a page shorter than `PAGE_SIZE` is the last). */
async function allPages<T>(what: string, maxPages: number, page: (offset: number) => Promise<readonly T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let n = 0; n < maxPages; n++) {
    const items = await page(n * PAGE_SIZE);
    out.push(...items);
    if (items.length < PAGE_SIZE) return out;
  }
  throw new MarketIoError('rejected', `${what}: more than ${maxPages} pages of ${PAGE_SIZE}`);
}

/** Keeps the first of each id: paging a list that changes underneath can show an item twice. */
function uniqueBy<T>(items: readonly T[], id: (t: T) => number): T[] {
  const seen = new Set<number>();
  return items.filter((t) => (seen.has(id(t)) ? false : (seen.add(id(t)), true)));
}

function positive(s: string | undefined): string | null {
  if (s === undefined) return null;
  const d = parseDecimal(s);
  return d !== null && d.gt(0) ? s : null;
}

/** The mid of the best bid and ask at the market tick, or the one side present, or null. */
async function orderbookMid(rest: PublicMarketRest, rules: MarketRules, o: { signal?: AbortSignal }): Promise<string | null> {
  const book = await rest.publicOrderbook(rules.market, { limit: 1 }, o);
  const bid = parseDecimal(book.bids[0]?.[0] ?? '');
  const ask = parseDecimal(book.asks[0]?.[0] ?? '');
  if (bid !== null && ask !== null) return toPlain(roundPrice(bid.plus(ask).div(2), rules, 'nearest'));
  const one = bid ?? ask;
  return one === null ? null : toPlain(one);
}

/** The public calls `loadMarket` makes: no key is needed for any of them. */
export type PublicMarketRest = Pick<WhitebitRestClient, 'publicMarkets' | 'publicTicker' | 'publicOrderbook'>;

/**
 * Returns a market's rules and last price (the ticker's, else the book's mid) from public endpoints
 * only. `run` (through the `loadMarket` actor) and `gridbot plan` both read a market through this.
 * @throws MarketIoError `rejected` for an unknown or unusable market, `retry` when it has no price yet,
 *   or the mapped kind of a failed call
 */
export function loadMarket(rest: PublicMarketRest, market: string, signal?: AbortSignal): Promise<LoadedMarket> {
  const o = signal ? { signal } : {};
  return io('loadMarket', async () => {
    const [markets, tickers] = await Promise.all([rest.publicMarkets(o), rest.publicTicker(o)]);
    // /public/markets lists futures too, under the same names as some spot markets.
    const m = markets.find((x) => x.name === market && (x.type === undefined || x.type === 'spot'));
    if (m === undefined) {
      throw new MarketIoError('rejected', `loadMarket: ${market} is not a tradeable spot market on the exchange (unknown, disabled or delisted)`);
    }
    const r = marketRulesFromListing(m);
    if (!r.ok) {
      throw new MarketIoError('rejected', `loadMarket: ${market} rules unusable: ${r.issues.map((i) => i.message).join('; ')}`);
    }
    const lastPrice = positive(tickers[market]?.last_price) ?? (await orderbookMid(rest, r.rules, o));
    // A market with no trade and an empty book has no price to centre a grid on yet: try again later.
    if (lastPrice === null) throw new MarketIoError('retry', `loadMarket: ${market} has no last price and an empty book`);
    return { rules: r.rules, lastPrice };
  });
}

export function createLoadMarket(rest: PublicMarketRest) {
  return fromPromise<LoadedMarket, MarketIoInputs['loadMarket']>(({ input, signal }) => loadMarket(rest, input.market, signal));
}

export function createCancelAll(rest: MarketRest) {
  return fromPromise<void, MarketIoInputs['cancelAll']>(({ input, signal }) =>
    io('cancelAll', () => rest.orderCancelAll({ market: input.market, type: SPOT }, { signal })),
  );
}

/** Arms or refreshes the kill-switch; a success renews the market's lease (kill-switch-lease.ts), stamped before the request leaves. */
export function createArmKillSwitch(rest: MarketRest, leases?: KillSwitchLeases) {
  return fromPromise<KillSwitchArmed, MarketIoInputs['armKillSwitch']>(({ input, signal }) =>
    io('armKillSwitch', async () => {
      const sentAt = leases?.stamp() ?? 0;
      const ks = await rest.killSwitchArm({ market: input.market, timeout: String(input.timeoutSec), types: SPOT }, { signal });
      leases?.armed(input.market, sentAt, input.timeoutSec);
      return { cancellationTimeMs: ks.cancellationTime * 1000 };
    }),
  );
}

export function createDisarmKillSwitch(rest: MarketRest, leases?: KillSwitchLeases) {
  return fromPromise<void, MarketIoInputs['disarmKillSwitch']>(({ input, signal }) =>
    io('disarmKillSwitch', async () => {
      await rest.killSwitchDisarm(input.market, { signal });
      leases?.disarmed(input.market);
    }),
  );
}

/**
 * Places one batch (≤ 20 intents: one order/bulk). Resolves with one outcome per intent.
 *
 * Why a whole-request failure that sent nothing *rejects* with `retry` instead of resolving with
 * `notSent` outcomes: the machine re-enters `sending` on done and would take the same owed intents
 * again at once, hammering an exchange that just answered 429; its error path instead marks the batch
 * not sent and waits `retryDelay`. An unknown outcome resolves with `unknown` outcomes (the levels
 * stay pending and the market reconciles); a fatal one rejects with `fatal`.
 */
export function createPlaceBatch(rest: MarketRest, options: Pick<PlacementOptions, 'postOnly'> = {}) {
  return fromPromise<readonly PlacementOutcome[], MarketIoInputs['placeBatch']>(async ({ input, signal }) => {
    const report = await placeIntents(rest, input.intents, { ...options, signal });
    const fatal = fatalReason(report);
    if (fatal !== null) throw new MarketIoError('fatal', `placeBatch: ${fatal}`, { cause: report.failures[0]?.error });
    const nothingSent = report.outcomes.length > 0 && report.outcomes.every((o) => o.kind === 'notSent');
    if (nothingSent && report.failures.length > 0) {
      throw new MarketIoError('retry', `placeBatch: ${describeError(report.failures[0]?.error)}`, { cause: report.failures[0]?.error });
    }
    // The initial ladder always goes over REST order/bulk (no bulk on the socket).
    return report.outcomes.map((o) => ({ ...o, via: 'rest' as const }));
  });
}

export function createFetchExchange(rest: MarketRest, options: Pick<MarketIoOptions, 'maxPages'> = {}) {
  const maxPages = options.maxPages ?? 1_000;
  return fromPromise<ExchangeSnapshot, MarketIoInputs['fetchExchange']>(({ input, signal }) =>
    io('fetchExchange', async () => {
      const { market, sinceSec } = input;
      const since = sinceSec === null ? {} : { startDate: Math.floor(sinceSec) };
      // Both lists are paged by offset while they may change. Executed history is newest first, so a
      // new deal shifts older ones down a page: we may see one twice, never miss one. Duplicates are
      // dropped here, and the ledger dedupes deals by id anyway.
      const [orders, deals] = await Promise.all([
        allPages('orders', maxPages, (offset) => rest.orders({ market, limit: PAGE_SIZE, offset }, { signal })),
        allPages('executed-history', maxPages, (offset) => rest.executedHistory({ market, ...since, limit: PAGE_SIZE, offset }, { signal })),
      ]);
      const openOrders: ExchangeOrder[] = uniqueBy(orders, (o) => o.orderId).map(exchangeOrderFromRest);
      const fills: Fill[] = uniqueBy(deals, (d) => d.id).map(dealFromHistory);
      return { openOrders, deals: fills };
    }),
  );
}

/**
 * Cancels each order by id, over the socket or REST as the order router decides (each outcome says
 * `via`); "not found" means it already filled or was cancelled, which is the goal.
 */
export function createCancelOrders(orders: Pick<OrderRouter, 'cancel'>) {
  type Settled = { readonly outcome: CancelOutcome; readonly fatal: unknown };
  return fromPromise<readonly CancelOutcome[], MarketIoInputs['cancelOrders']>(async ({ input, signal }) => {
    const settled = await Promise.all(
      input.orderIds.map((orderId) =>
        orders.cancel({ market: input.market, orderId }, { signal }).then((r): Settled => {
          const { via } = r;
          if (r.ok) return { outcome: { orderId, ok: true, reason: null, via }, fatal: null };
          const e = r.error;
          if (WhitebitError.is(e) && e.kind === 'orderNotFound') return { outcome: { orderId, ok: true, reason: 'already gone', via }, fatal: null };
          return { outcome: { orderId, ok: false, reason: describeError(e), via }, fatal: retryClass(e) === 'fatal' ? e : null };
        }),
      ),
    );
    // A broken key fails every cancel alike: stop the market rather than report it per order.
    const fatal = settled.find((s) => s.fatal !== null);
    if (fatal !== undefined) throw toMarketIoError('cancelOrders', fatal.fatal);
    return settled.map((s) => s.outcome);
  });
}
