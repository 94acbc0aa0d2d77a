/**
 * `bare`: the least a bot can do per fill on the wire ours uses, so that `cpuUsPerFill` can be read
 * against what the wire alone costs this process.
 *
 * It reads exactly the frames ours reads (one `ws` socket subscribed to `deals`, `ordersPending` and
 * `lastprice` of every market, plus each market's depth, as bench/ours.ts asks) and sends exactly
 * what ours sends per fill: one `order_limit_place` frame on that socket (WhiteBIT's WebSocket order
 * entry, `orderEntry: ws`). Between the two it does nothing a real bot must: `JSON.parse` of every
 * frame, and on a deal the counter-order's price from a float. No book, no state machine, no
 * journal (so no write-ahead commit), no log, no recovery, no checks. A bot that does its job on this
 * wire costs at least this per fill here; the row is the bound under issue 13's CPU budget.
 *
 * The grid is placed over REST first (no bulk placement on the socket), as ours does.
 *
 * `orderSocket: 'own'` (bot `bare-own`) sends the counter-orders on a second connection instead,
 * opened after the first, authorized with a token of its own and subscribed to nothing: issue 15's
 * other choice (order entry on a connection of its own), measured on the same wire.
 */
import WebSocket from 'ws';
import { BaselineBot, type BaselineOptions } from './baseline-bot.js';
import { type RpcCall, type WsMessage, opened, rpcCaller } from './ws-rpc.js';

export interface BareOptions extends BaselineOptions {
  /** Where the counter-orders go: the market-data socket (`shared`, default) or a second socket of their own (`own`). */
  readonly orderSocket?: 'shared' | 'own';
}

/** The params object of an `order_limit_place` frame, as the bench bots send it. */
export interface SocketOrder {
  readonly market: string;
  readonly side: 'buy' | 'sell';
  readonly amount: string;
  readonly price: string;
  readonly client_order_id: string;
  readonly post_only: boolean;
}

export class BareBot {
  private ws: WebSocket | null = null;
  /** The socket the counter-orders go on: `ws` itself, or the second one with `orderSocket: 'own'`. */
  private orders: WebSocket | null = null;
  private rpcId = 1;
  protected seq = 0;
  /** Counter-orders the exchange refused (never expected; reported). */
  errors = 0;
  lastError: string | null = null;
  placed = 0;

  constructor(readonly options: BareOptions) {}

  async start(): Promise<void> {
    const { markets } = this.options;
    // The REST part (grids, the socket's token) is the baseline's own: it is not what this bot measures.
    const rest = new BaselineBot(this.options);
    await rest.placeGrids();

    const { ws, call } = await this.open(rest, true);
    this.ws = ws;
    await call('deals_subscribe', [[...markets]]);
    await call('ordersPending_subscribe', [...markets]);
    await call('lastprice_subscribe', [...markets]);
    for (const m of markets) await call('depth_subscribe', [m, 20, '0', true]);
    this.orders = this.options.orderSocket === 'own' ? (await this.open(rest, false)).ws : ws;
  }

  /**
   * Opens one socket and authorizes it with a fresh token. Every frame is parsed; replies to
   * counter-orders are counted; `feed`: a deal frame places its counter-order.
   */
  private async open(rest: BaselineBot, feed: boolean): Promise<{ ws: WebSocket; call: RpcCall }> {
    const { websocket_token: token } = (await rest.privatePost('/api/v4/profile/websocket_token', {})) as { websocket_token: string };
    const ws = new WebSocket(this.options.wsUrl, { perMessageDeflate: false });
    const pending = new Map<number, (m: WsMessage) => void>();
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as WsMessage;
      if (typeof msg.id === 'number') {
        const answer = pending.get(msg.id);
        if (answer) {
          pending.delete(msg.id);
          answer(msg);
        } else if (msg.error) {
          this.errors += 1;
          this.lastError = JSON.stringify(msg.error);
        } else this.placed += 1;
        return;
      }
      if (feed && msg.method === 'deals_update' && msg.params) this.onDeal(msg.params);
    });
    try {
      await opened(ws);
      const call = rpcCaller(ws, pending, () => this.rpcId++);
      await call('authorize', [token, 'public']);
      return { ws, call };
    } catch (e) {
      ws.close();
      throw e;
    }
  }

  /** [id, time, market, orderId, price, amount, fee, clientOrderId, side (1 sell, 2 buy), …] */
  protected onDeal(p: unknown[]): void {
    const market = p[2] as string;
    const filledSell = p[8] === 1;
    const price = Number(p[4]) + (filledSell ? -1 : 1) * Number(this.options.grid.step);
    this.seq += 1;
    this.sendOrder({
      market,
      side: filledSell ? 'buy' : 'sell',
      amount: String(p[5]),
      price: price.toFixed(2),
      client_order_id: `fl.${this.seq.toString(36)}`,
      post_only: true,
    });
  }

  /** Sends one `order_limit_place` frame on the order socket. */
  protected sendOrder(order: SocketOrder): void {
    this.orders?.send(JSON.stringify({ id: this.rpcId++, method: 'order_limit_place', params: [order] }));
  }

  close(): void {
    if (this.orders !== this.ws) this.orders?.close();
    this.ws?.close();
    this.ws = null;
    this.orders = null;
  }
}
