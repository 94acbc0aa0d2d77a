/**
 * Our WS order-entry adapter against a started simulator: a real {@link WsTransport} to the sim,
 * authorized with a token from the sim's REST (our REST client), frames decoded by our codec, order
 * replies handed to a {@link WsSocketOrders} link exactly as the socket actor does, and the
 * connection's own requests (authorize, subscribe, ping) correlated here by id.
 *
 * One clock for both sides: the adapter's deadlines and budgets run on the simulator's manual clock,
 * so a test moves time for the exchange and the client with one `advance`.
 */
import {
  type Clock,
  type WbOrdersPendingUpdate,
  type WbWsCall,
  type WbWsReply,
  type WbWsReplyError,
  WhitebitRestClient,
  WsTransport,
  authorizeCall,
  decodeFrame,
  encodeCall,
  ordersPendingSubscribeCall,
  pingCall,
} from '../../../../src/adapters/whitebit/index.js';
import { type SocketOrdersLink, WsSocketOrders, type WsSocketOrdersOptions } from '../../../../src/runtime/exchange/ws-socket-orders.js';
import type { Cancel } from '../../../../src/sim/clock.js';
import type { Simulator } from '../../../../src/sim/index.js';

export interface SimAccount {
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** The adapter's Clock on the simulator's clock (timers fire inside `sim.advance`). */
export function simAdapterClock(sim: Simulator): Clock {
  return {
    now: () => sim.clock.now(),
    setTimeout: (fn, ms) => sim.clock.setTimer(ms, fn),
    clearTimeout: (h) => (h as Cancel | undefined)?.(),
  };
}

type ControlReply = WbWsReply | WbWsReplyError;

export class SimSocket {
  /** `ordersPending_update` pushes, in arrival order. */
  readonly pending: WbOrdersPendingUpdate[] = [];
  private readonly control = new Map<number, (m: ControlReply | { kind: 'pong'; id: number }) => void>();
  private seq = 0;

  private constructor(
    readonly transport: WsTransport,
    readonly orders: WsSocketOrders,
    private readonly link: SocketOrdersLink,
    private readonly rest: WhitebitRestClient,
  ) {
    transport.messages$.subscribe((text) => {
      const m = decodeFrame(text);
      if (m.kind === 'reply' || m.kind === 'replyError' || m.kind === 'pong') {
        if (m.kind !== 'pong' && link.reply(m)) return;
        const done = this.control.get(m.id);
        this.control.delete(m.id);
        done?.(m);
      } else if (m.kind === 'ordersPending_update') {
        this.pending.push(m);
      }
    });
    transport.closed$.subscribe((c) => link.closed(`closed ${c.code}`));
  }

  /** Opens a socket to the sim as `acct`; authorized (and subscribed to ordersPending on `markets`) unless told otherwise. */
  static async open(
    sim: Simulator,
    acct: SimAccount,
    o: { readonly authorize?: boolean; readonly markets?: readonly string[]; readonly orders?: WsSocketOrdersOptions } = {},
  ): Promise<SimSocket> {
    const transport = await WsTransport.connect(sim.wsUrl);
    const orders = new WsSocketOrders({ clock: simAdapterClock(sim), ...o.orders });
    const link = orders.attach(transport);
    const rest = new WhitebitRestClient({ baseUrl: sim.restUrl, apiKey: acct.apiKey, apiSecret: acct.apiSecret });
    const s = new SimSocket(transport, orders, link, rest);
    if (o.authorize ?? true) await s.authorize();
    if (o.markets) await s.call(ordersPendingSubscribeCall(o.markets));
    return s;
  }

  /** Authorizes with a fresh token from REST, and tells the link as the socket actor does. */
  async authorize(): Promise<void> {
    const token = await this.rest.websocketToken();
    const r = await this.call(authorizeCall(token));
    if (r.kind !== 'reply') throw new Error(`authorize refused: ${JSON.stringify(r)}`);
    this.link.authorized();
  }

  /** Sends one of the connection's own requests and resolves with its reply. */
  call(c: WbWsCall): Promise<ControlReply | { kind: 'pong'; id: number }> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.control.set(id, resolve);
      if (!this.transport.send(encodeCall(id, c))) reject(new Error('socket not open'));
    });
  }

  /** A ping round trip: every frame the sim sent before the pong has been handled once this resolves. */
  async barrier(): Promise<void> {
    await this.call(pingCall());
  }

  /** Writes through the socket's transport (for requests the port does not offer). */
  readonly write = (text: string): boolean => this.transport.send(text);

  close(): void {
    this.transport.close();
  }
}
