/**
 * The reporting tables (`orders`, `fills`) as a projection of the market events, written after the
 * turn that journaled them, many events per transaction (journal.ts `writeReports`), never on the
 * fill path. Best effort by design: the event log is the truth, these tables are for people and
 * reports, and nothing is restored from them.
 *
 * Order status only moves forward: sending/notSent → unknown → live → rejected | filled | cancelled.
 * A late or duplicate report (an `ordersPending_update` after the final one, a deal redelivered
 * after a reconnect) never moves it back. Fills are unique per market by deal id, however often a
 * deal is reported (`deals_update`, executed history on reconcile).
 *
 * Only orders whose client id is ours (grid format) are tracked; a fill counts when its client id
 * is ours or its order id is a tracked order.
 *
 * A reconcile snapshot (`fetchExchange`) also closes the orders the table has as live or unknown
 * that are no longer open on the exchange (as the market's reconcile does, rule 4 of
 * grid/reconcile.ts): an order that finished while no bot watched (it filled while the bot was
 * killed) has no final update in any journal, and would otherwise stay `live` in the report
 * forever. It counts as `filled` when the fills on record cover its amount, else `cancelled`.
 * A successful cancel-all of the market (at start or on stop) closes them the same way.
 *
 * Cost: an order's reports within one `writeReports` (sending, placed, filled…) are merged in memory
 * by the same rules the upsert applies, and written as one row at `flush` (or before a statement
 * that reads the orders table): an UPDATE when the row is known to be in the table, else the upsert.
 * Why not always the upsert: SQLite's `ON CONFLICT DO UPDATE` that meets the row costs more than
 * the same UPDATE (on this VM ~40 vs ~8 µs on random rows of a 50-market bench journal; ~14 vs ~10
 * µs in a flush of recent orders, 50 markets), and most rows a busy bot writes here (an order that
 * filled, a counter-order placed in an earlier slice) are rows written before.
 *
 * Entry point: `DerivedTables` (`applyEvent`, `recordIntents`, `flush`).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { AnyEventObject } from 'xstate';
import {
  type DecimalLike,
  type ExchangeOrder,
  type Fill,
  type OrderIntent,
  type OrderUpdate,
  type PlacementOutcome,
  decodeClientOrderId,
  parseDecimal,
  sumDec,
} from '../../grid/index.js';
import type { CancelOutcome, ExchangeSnapshot } from '../../machines/market/market.io.js';

export type OrderStatus = 'sending' | 'notSent' | 'live' | 'unknown' | 'rejected' | 'filled' | 'cancelled';

const RANK: Readonly<Record<OrderStatus, number>> = {
  sending: 0,
  notSent: 0,
  unknown: 1,
  live: 2,
  rejected: 3,
  filled: 3,
  cancelled: 3,
};

interface OrderFacts {
  readonly clientOrderId: string;
  readonly status: OrderStatus;
  readonly orderId?: number | null;
  readonly side?: string | null;
  readonly price?: DecimalLike | null;
  readonly amount?: DecimalLike | null;
  readonly reason?: string | null;
}

/** The upsert's parameters: one order's merged reports, waiting for `flush`. */
interface OrderRow {
  clientOrderId: string;
  market: string;
  runId: number;
  orderId: number | null;
  level: number;
  side: string | null;
  price: string | null;
  amount: string | null;
  status: OrderStatus;
  reason: string | null;
  at: number;
  advance: 0 | 1;
  /** The row is in the table already (as far as this process knows): written with the UPDATE. */
  stored: boolean;
}

/**
 * What this process last wrote of an order (and its level, so its client id is decoded once).
 * Mutable, changed in place by each report of its order. Why: a cached order lives for thousands of
 * orders (KNOWN_CAP), so every entry is promoted to the old space; a new object per report (three or
 * four per order) made each replaced one old garbage for the next mark-compact (issue 13).
 */
interface KnownOrder {
  status: OrderStatus;
  orderId: number | null;
  amount: string | null;
  readonly level: number;
}

/** Orders whose last written state is remembered; older ones are read back from the table when reported again. */
export const KNOWN_CAP = 10_000;

/** Where and when an event happened. */
export interface EventStamp {
  readonly runId: number;
  readonly market: string;
  /** Epoch ms. */
  readonly at: number;
}

function text(v: DecimalLike | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : v.toFixed();
}

function isZeroText(v: DecimalLike): boolean {
  return parseDecimal(v)?.isZero() ?? false;
}

function levelOf(clientOrderId: string): number | null {
  const d = decodeClientOrderId(clientOrderId);
  return d.kind === 'ours' ? d.level : null;
}

/**
 * Returns one row that the upsert turns into what `first` then `next` would have (see its SQL):
 * ids and amounts from the later report, level, side and price from the first that had them,
 * status and reason from the later one only when it advances.
 */
function merged(first: OrderRow, next: OrderRow): OrderRow {
  return {
    ...next,
    orderId: next.orderId ?? first.orderId,
    level: first.level,
    side: first.side ?? next.side,
    price: first.price ?? next.price,
    amount: next.amount ?? first.amount,
    status: next.advance ? next.status : first.status,
    reason: next.advance ? (next.reason ?? (first.advance ? first.reason : null)) : first.reason,
    advance: next.advance || first.advance ? 1 : 0,
    stored: first.stored,
  };
}

export class DerivedTables {
  private readonly selectStatus: Statement<[string], { status: OrderStatus }>;
  private readonly upsertOrder: Statement;
  private readonly updateOrder: Statement;
  private readonly insertFill: Statement;
  private readonly orderKnown: Statement<[number, string], { n: number }>;
  private readonly cancelByOrderId: Statement;
  private readonly openRows: Statement<[string], { clientOrderId: string; amount: string | null }>;
  private readonly filledAmounts: Statement<[string, string]>;
  /**
   * What this process last wrote per order. The journal has one writer (the lock), so it stays
   * true; it spares a SELECT per report and skips reports that change nothing (a deal of a live
   * order), which are most of them on the hot path.
   */
  private readonly known = new Map<string, KnownOrder>();
  /** Order rows merged since the last `flush`, by client id, in first-report order. */
  private readonly pending = new Map<string, OrderRow>();

  constructor(db: Database) {
    this.selectStatus = db.prepare('SELECT status FROM orders WHERE client_order_id = ?');
    this.upsertOrder = db.prepare(`
      INSERT INTO orders (client_order_id, market, run_id, order_id, level, side, price, amount, status, reason, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (client_order_id) DO UPDATE SET
        order_id   = COALESCE(excluded.order_id, orders.order_id),
        level      = COALESCE(orders.level, excluded.level),
        side       = COALESCE(orders.side, excluded.side),
        price      = COALESCE(orders.price, excluded.price),
        amount     = COALESCE(excluded.amount, orders.amount),
        status     = CASE WHEN ? THEN excluded.status ELSE orders.status END,
        reason     = CASE WHEN ? THEN COALESCE(excluded.reason, orders.reason) ELSE orders.reason END,
        updated_at = excluded.updated_at`);
    // The upsert's DO UPDATE, as a statement of its own (see the module comment).
    this.updateOrder = db.prepare(`
      UPDATE orders SET
        order_id   = COALESCE(?, order_id),
        level      = COALESCE(level, ?),
        side       = COALESCE(side, ?),
        price      = COALESCE(price, ?),
        amount     = COALESCE(?, amount),
        status     = CASE WHEN ? THEN ? ELSE status END,
        reason     = CASE WHEN ? THEN COALESCE(?, reason) ELSE reason END,
        updated_at = ?
      WHERE client_order_id = ?`);
    this.insertFill = db.prepare(`
      INSERT INTO fills (market, deal_id, order_id, client_order_id, side, price, amount, fee, fee_asset, time, run_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (market, deal_id) DO NOTHING`);
    this.orderKnown = db.prepare('SELECT count(*) AS n FROM orders WHERE order_id = ? AND market = ?');
    this.cancelByOrderId = db.prepare(
      `UPDATE orders SET status = 'cancelled', updated_at = ? WHERE order_id = ? AND market = ? AND status NOT IN ('rejected', 'filled', 'cancelled')`,
    );
    this.openRows = db.prepare(`SELECT client_order_id AS clientOrderId, amount FROM orders WHERE market = ? AND status IN ('live', 'unknown')`);
    this.filledAmounts = db.prepare('SELECT amount FROM fills WHERE market = ? AND client_order_id = ?').pluck();
  }

  /** Orders whose last written state is remembered: at most `KNOWN_CAP`. */
  get knownOrders(): number {
    return this.known.size;
  }

  /** Records what one market event says about orders and fills. Events that say nothing are skipped. */
  applyEvent(stamp: EventStamp, event: AnyEventObject): void {
    switch (event.type) {
      case 'feed.order':
        this.orderUpdate(stamp, (event as unknown as { update: OrderUpdate }).update);
        return;
      case 'feed.deal':
        this.fill(stamp, (event as unknown as { deal: Fill }).deal);
        return;
      case 'desk.result':
        this.outcomes(stamp, (event as unknown as { outcomes: readonly PlacementOutcome[] }).outcomes);
        return;
      case 'xstate.done.actor.placeBatch':
        this.outcomes(stamp, (event as unknown as { output: readonly PlacementOutcome[] }).output);
        return;
      case 'xstate.done.actor.fetchExchange': {
        const snapshot = (event as unknown as { output: ExchangeSnapshot }).output;
        for (const o of snapshot.openOrders) this.openOrder(stamp, o);
        for (const d of snapshot.deals) this.fill(stamp, d);
        this.closeGone(stamp, snapshot.openOrders);
        return;
      }
      // A cancel-all that succeeded (the clean slate at start, or the stop): nothing of ours is open
      // on the market any more. Without this, an order whose final update never reached the
      // journal (the socket was closing at shutdown) would stay `live` in the report for good.
      case 'xstate.done.actor.cancelAll':
      case 'xstate.done.actor.cancelOnStop':
        this.closeGone(stamp, []);
        return;
      case 'xstate.done.actor.cancelOrders':
        this.flush();
        for (const c of (event as unknown as { output: readonly CancelOutcome[] }).output) {
          if (c.ok) this.cancelByOrderId.run(stamp.at, c.orderId, stamp.market);
          if (c.ok) for (const k of this.known.values()) if (k.orderId === c.orderId && RANK[k.status] < 3) k.status = 'cancelled';
        }
        return;
      default:
        return;
    }
  }

  /** Records intents handed to the exchange (a placement batch or the desk) as `sending`. */
  recordIntents(stamp: EventStamp, intents: readonly OrderIntent[]): void {
    for (const i of intents) {
      this.order(stamp, { clientOrderId: i.clientOrderId, status: 'sending', side: i.side, price: i.price, amount: i.amount });
    }
  }

  /** Writes the merged order rows. */
  flush(): void {
    // Positional parameters: binding by name costs a property lookup per parameter (~2 µs a row).
    for (const r of this.pending.values()) {
      // A row believed stored and not found (a write of it that never committed) is inserted after all.
      if (
        r.stored &&
        this.updateOrder.run(r.orderId, r.level, r.side, r.price, r.amount, r.advance, r.status, r.advance, r.reason, r.at, r.clientOrderId).changes > 0
      )
        continue;
      this.upsertOrder.run(r.clientOrderId, r.market, r.runId, r.orderId, r.level, r.side, r.price, r.amount, r.status, r.reason, r.at, r.advance, r.advance);
    }
    this.pending.clear();
  }

  private order(stamp: EventStamp, facts: OrderFacts): void {
    const cached = this.known.get(facts.clientOrderId);
    const level = cached?.level ?? levelOf(facts.clientOrderId);
    if (level === null) return;
    const before = cached?.status ?? this.selectStatus.get(facts.clientOrderId)?.status;
    const advance = before === undefined || (RANK[before] < 3 && RANK[facts.status] >= RANK[before]);
    const orderId = facts.orderId ?? cached?.orderId ?? null;
    const amount = text(facts.amount) ?? cached?.amount ?? null;
    if (cached !== undefined && (!advance || facts.status === cached.status) && orderId === cached.orderId && amount === cached.amount) return;
    const row: OrderRow = {
      clientOrderId: facts.clientOrderId,
      market: stamp.market,
      runId: stamp.runId,
      orderId: facts.orderId ?? null,
      level,
      side: facts.side ?? null,
      price: text(facts.price),
      amount: text(facts.amount),
      status: facts.status,
      reason: facts.reason ?? null,
      at: stamp.at,
      advance: advance ? 1 : 0,
      stored: before !== undefined,
    };
    const earlier = this.pending.get(facts.clientOrderId);
    this.pending.set(facts.clientOrderId, earlier === undefined ? row : merged(earlier, row));
    const status = advance ? facts.status : (before ?? facts.status);
    if (cached !== undefined) {
      cached.status = status;
      cached.orderId = orderId;
      cached.amount = amount;
      return;
    }
    // Only what this process wrote in full is cached: a row of an earlier run is re-read once.
    if (this.known.size >= KNOWN_CAP) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
    this.known.set(facts.clientOrderId, { status, orderId, amount, level });
  }

  private orderUpdate(stamp: EventStamp, u: OrderUpdate): void {
    const status: OrderStatus = u.final ? (isZeroText(u.left) ? 'filled' : 'cancelled') : 'live';
    this.order(stamp, { clientOrderId: u.clientOrderId, status, orderId: u.orderId, side: u.side, price: u.price, amount: u.amount });
  }

  private openOrder(stamp: EventStamp, o: ExchangeOrder): void {
    this.order(stamp, { clientOrderId: o.clientOrderId, status: 'live', orderId: o.orderId, side: o.side, price: o.price, amount: o.amount });
  }

  private outcomes(stamp: EventStamp, outcomes: readonly PlacementOutcome[]): void {
    for (const o of outcomes) {
      switch (o.kind) {
        case 'placed':
          this.order(stamp, { clientOrderId: o.clientOrderId, status: isZeroText(o.left) ? 'filled' : 'live', orderId: o.orderId });
          break;
        case 'rejected':
        case 'unknown':
        case 'notSent':
          this.order(stamp, { clientOrderId: o.clientOrderId, status: o.kind, reason: o.reason });
          break;
      }
    }
  }

  /** Closes the orders the table has as live or unknown that the exchange no longer has open. */
  private closeGone(stamp: EventStamp, open: readonly ExchangeOrder[]): void {
    this.flush();
    const stillOpen = new Set(open.map((o) => o.clientOrderId));
    for (const row of this.openRows.all(stamp.market)) {
      if (stillOpen.has(row.clientOrderId)) continue;
      const amounts = (this.filledAmounts.all(stamp.market, row.clientOrderId) as (string | null)[]).flatMap((a) => parseDecimal(a ?? '') ?? []);
      const filled = sumDec(amounts);
      const amount = row.amount === null ? null : parseDecimal(row.amount);
      const done = amount === null ? amounts.length > 0 : filled.gte(amount);
      this.order(stamp, {
        clientOrderId: row.clientOrderId,
        status: done ? 'filled' : 'cancelled',
        reason: done ? null : 'no longer open on the exchange (reconcile)',
      });
    }
  }

  private fill(stamp: EventStamp, d: Fill): void {
    const ours = this.known.has(d.clientOrderId) || levelOf(d.clientOrderId) !== null;
    if (!ours) this.flush();
    if (!ours && (this.orderKnown.get(d.orderId, stamp.market)?.n ?? 0) === 0) return;
    this.insertFill.run(
      stamp.market,
      d.dealId,
      d.orderId,
      d.clientOrderId,
      d.side,
      text(d.price),
      text(d.amount),
      text(d.fee),
      d.feeAsset,
      d.time,
      stamp.runId,
    );
    // A deal proves the order rested; it says nothing about whether it is done.
    if (ours) this.order(stamp, { clientOrderId: d.clientOrderId, status: 'live', orderId: d.orderId, side: d.side });
  }
}
