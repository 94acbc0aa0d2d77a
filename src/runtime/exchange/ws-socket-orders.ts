/**
 * The {@link SocketOrders} port over the connection's current socket: WhiteBIT's WS order entry.
 *
 * The socket actor (connection-providers.ts) {@link WsSocketOrders.attach}es each socket it opens and
 * tells the returned {@link SocketOrdersLink} when `authorize` succeeded, every reply in the order
 * id range (before the connection machine would see it) and the close. One instance serves every
 * socket of one connection, so the router holds one object for the runtime's life.
 *
 * `ready` is true only while the socket is open, authorized, and this connection's client-side
 * budget has a token (§1.14: 10,000 placements and 12,000 other requests per 10 s per connection,
 * each a bucket sized like the REST limiter's, fresh per connection). A call that cannot be written
 * rejects `transport` with `sent: false` without writing anything, so the router may send it over
 * REST at once; one written and not answered in time, or cut by the close, is `unknownOutcome`.
 * @see socket-orders.ts for the contract, whitebit-protocol-2.md §1
 */
import {
  type Clock,
  type RateLimit,
  TokenBucket,
  type WbCancelOrderRequest,
  type WbNewOrderRequest,
  type WbOrder,
  type WbWsReply,
  type WbWsReplyError,
  WhitebitError,
  WsRequests,
  type WsRequestSpec,
  cancelCall,
  checkCancel,
  checkNewOrder,
  decodeWsOrderResult,
  limitPlaceCall,
  systemClock,
} from '../../adapters/whitebit/index.js';
import { type LogSink, RateLimitedLog, silentLog } from './log-sink.js';
import type { SocketBudget, SocketCallOptions, SocketOrders } from './socket-orders.js';

const TEN_S = 10_000;
/** The per-connection budgets of §1.14 (the legacy 200/min pages are outdated there). */
export const WS_ORDER_BUDGETS: Readonly<Record<SocketBudget, RateLimit>> = {
  place: { limit: 10_000, windowMs: TEN_S },
  other: { limit: 12_000, windowMs: TEN_S },
};

export interface WsSocketOrdersOptions {
  /** Time and timers of the deadlines and budgets (tests pass a manual clock). */
  readonly clock?: Clock;
  /** How long a written request waits for its reply (default 5 s). */
  readonly deadlineMs?: number;
  readonly budgets?: Partial<Record<SocketBudget, RateLimit>>;
  /** Fraction of each budget we allow ourselves (default 0.9, as the REST limiter). */
  readonly safety?: number;
  /** Fraction of the allowance available as an immediate burst (default 0.5). */
  readonly burst?: number;
  readonly logger?: LogSink;
}

/** What the socket actor hands over when a socket is open: a synchronous writer. */
export interface OrderSocket {
  readonly isOpen: boolean;
  /** Writes one text frame; false (and nothing written) when the socket is not open. */
  send(text: string): boolean;
}

/** One socket's side of the port; calls on a link that is no longer current are ignored. */
export interface SocketOrdersLink {
  /** The connection's `authorize` succeeded: order methods may be sent. */
  authorized(): void;
  /** Returns true when the reply belonged to an order request (the machine must not see it). */
  reply(m: WbWsReply | WbWsReplyError): boolean;
  /** The socket closed: requests still waiting are unknown outcomes. */
  closed(reason: string): void;
}

interface Current {
  readonly socket: OrderSocket;
  readonly budgets: Readonly<Record<SocketBudget, TokenBucket>>;
  authorized: boolean;
}

export class WsSocketOrders implements SocketOrders {
  readonly requests: WsRequests;
  private current: Current | null = null;
  /** Set once the exchange refused order entry for the account's region: never ready again. */
  private refused: string | null = null;
  private readonly log: LogSink;
  private readonly clock: Clock;
  private readonly limits: Readonly<Record<SocketBudget, RateLimit>>;

  constructor(private readonly options: WsSocketOrdersOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.limits = { ...WS_ORDER_BUDGETS, ...options.budgets };
    this.log = options.logger ?? silentLog;
    const log = new RateLimitedLog(this.log, this.clock);
    this.requests = new WsRequests({
      clock: this.clock,
      ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
      onDecodeError: (method, reason) =>
        log.warn(
          'orderReplyDecode',
          { method, reason, count: this.requests.stats.decodeErrors },
          'ws: order reply unreadable; the order is an unknown outcome',
        ),
    });
  }

  /** Binds the port to a freshly opened socket (not yet authorized); a previous socket counts as closed. */
  attach(socket: OrderSocket): SocketOrdersLink {
    if (this.current !== null) this.detach(this.current, 'replaced by a new socket');
    const safety = this.options.safety ?? 0.9;
    const burst = this.options.burst ?? 0.5;
    const cur: Current = {
      socket,
      budgets: {
        place: new TokenBucket('ws/place', this.limits.place, this.clock, safety, burst),
        other: new TokenBucket('ws/other', this.limits.other, this.clock, safety, burst),
      },
      authorized: false,
    };
    this.current = cur;
    return {
      authorized: () => {
        if (this.current === cur) cur.authorized = true;
      },
      reply: (m) => this.requests.settle(m),
      closed: (reason) => {
        if (this.current === cur) this.detach(cur, reason);
      },
    };
  }

  ready(budget: SocketBudget): boolean {
    const cur = this.current;
    return this.refused === null && cur !== null && cur.authorized && cur.socket.isOpen && cur.budgets[budget].available() >= 1;
  }

  refuse(why: string): void {
    if (this.refused !== null) return;
    this.refused = why;
    this.log.warn(
      { why },
      'ws: the exchange refused order entry on the WebSocket for this account (its region); every order goes over REST from now on. Set orderEntry: rest in markets.yaml',
    );
  }

  placeLimit(req: WbNewOrderRequest, o: SocketCallOptions = {}): Promise<WbOrder> {
    const bad = checkNewOrder(req, 'order_limit_place');
    if (bad) return Promise.reject(bad);
    return this.issue('place', { call: limitPlaceCall(req), idempotent: false, decode: decodeWsOrderResult, signal: o.signal });
  }

  cancel(req: WbCancelOrderRequest, o: SocketCallOptions = {}): Promise<WbOrder> {
    const bad = checkCancel(req, 'order_cancel');
    if (bad) return Promise.reject(bad);
    // By client id it is not idempotent: the id may be reused once freed (as over REST).
    return this.issue('other', { call: cancelCall(req), idempotent: req.orderId !== undefined, decode: decodeWsOrderResult, signal: o.signal });
  }

  private issue<T>(budget: SocketBudget, spec: WsRequestSpec<T>): Promise<T> {
    const cur = this.current;
    const method = spec.call.method;
    if (cur === null || !cur.socket.isOpen) return notSent(method, spec.idempotent, 'the socket is not open');
    if (!cur.authorized) return notSent(method, spec.idempotent, 'the socket is not authorized');
    if (!cur.budgets[budget].tryTake()) return notSent(method, spec.idempotent, `the connection's ${budget} budget is spent`);
    return this.requests.issue(spec, (text) => cur.socket.send(text));
  }

  private detach(cur: Current, reason: string): void {
    this.current = null;
    cur.authorized = false;
    this.requests.closeAll(reason);
  }
}

function notSent(method: string, idempotent: boolean, why: string): Promise<never> {
  return Promise.reject(new WhitebitError({ kind: 'transport', message: `ws ${method} not sent: ${why}`, endpoint: method, idempotent, sent: false }));
}
