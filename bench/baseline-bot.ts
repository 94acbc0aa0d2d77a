/**
 * The baseline: a grid bot written the way people usually write one, to compare ours against.
 *
 * What makes it "the usual approach" (each point is what a hand-rolled or ccxt-style bot does):
 * - one `ws` socket and one `message` loop that `JSON.parse`s every frame;
 * - an array of per-market handlers, and every frame is offered to every handler, which checks
 *   `msg.method` and the market in `msg.params` (a filter over all messages per market: the cost
 *   grows with the number of markets);
 * - the counter-order goes out through global `fetch` (Node's bundled undici behind the WHATWG
 *   fetch API), `await`ed;
 * - nonces in WhiteBIT's window mode (`nonceWindow: true`, as its docs advise for concurrent
 *   requests: the strict "greater than the last" mode rejects requests that overtake each other);
 * - each request is signed from scratch: `JSON.stringify` of the body, base64, and
 *   `createHmac('sha512', secretString)` with the secret as a string (no imported `KeyObject`),
 *   as ccxt's `hmac(payload, secret, sha512)` does (ccxt even uses a pure-JS SHA-512; node:crypto
 *   is the kinder choice here).
 *
 * It does the same job as ours on the hot path, no less: for each fill (`deals_update`) of its
 * market it places the counter-order one level away, same side rules, same amount, a signed
 * `order/new` with a client order id and postOnly, against the same simulator. It keeps no order
 * book, no state machine, no journal, no logging and no recovery (it would lose fills on a
 * reconnect): everything ours does on top is cost ours pays and the baseline does not.
 */
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import type { GridShape } from './protocol.js';
import { type WsMessage, opened, rpcCaller } from './ws-rpc.js';

export interface BaselineOptions {
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly markets: readonly string[];
  readonly grid: GridShape;
}

/** Prices on the bench grid have at most 2 decimals; a float with toFixed is what the usual bot uses. */
const priceStr = (p: number): string => p.toFixed(2);

export class BaselineBot {
  private ws: WebSocket | null = null;
  private nonce = Date.now();
  private seq = 0;
  private rpcId = 1;
  private readonly handlers: MarketHandler[] = [];
  /** Counter-orders the exchange refused or that failed (never expected; reported). */
  errors = 0;
  /** The last counter-order failure, for the report. */
  lastError: string | null = null;
  placed = 0;

  constructor(readonly options: BaselineOptions) {
    for (const m of options.markets) this.handlers.push(new MarketHandler(m, this));
  }

  /** Signs and sends a private request with global fetch, like a hand-rolled bot does. */
  async privatePost(path: string, params: Record<string, unknown>): Promise<unknown> {
    // A strictly increasing millisecond nonce (ccxt's milliseconds() would clash at this rate), in
    // WhiteBIT's window mode: requests on parallel connections reach the exchange out of nonce
    // order, and the strict mode answers the late one 429 (what killed the bench at 500 markets).
    this.nonce = Math.max(Date.now(), this.nonce + 1);
    const body = JSON.stringify({ request: path, nonce: String(this.nonce), nonceWindow: true, ...params });
    const payload = Buffer.from(body).toString('base64');
    const signature = createHmac('sha512', this.options.apiSecret).update(payload).digest('hex');
    const res = await fetch(this.options.restUrl + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-txc-apikey': this.options.apiKey,
        'x-txc-payload': payload,
        'x-txc-signature': signature,
      },
      body,
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${path} ${res.status}: ${JSON.stringify(json)}`);
    return json;
  }

  newClientId(market: string): string {
    this.seq += 1;
    return `bl.${market.slice(0, 5)}.${this.seq.toString(36)}`;
  }

  placeCounter(market: string, side: 'buy' | 'sell', price: string, amount: string): void {
    this.privatePost('/api/v4/order/new', { market, side, amount, price, clientOrderId: this.newClientId(market), postOnly: true }).then(
      () => {
        this.placed += 1;
      },
      (e: unknown) => {
        this.errors += 1;
        this.lastError = e instanceof Error ? e.message : String(e);
      },
    );
  }

  /** Places every grid over REST, a few markets at a time (the bare bot's start uses it too). */
  async placeGrids(): Promise<void> {
    const { grid, markets } = this.options;
    const center = Number(grid.center);
    const step = Number(grid.step);
    // Grids: levels around the centre, placed a few markets at a time.
    const queue = [...markets];
    const worker = async (): Promise<void> => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        for (let k = 1; k <= grid.levelsPerSide; k++) {
          for (const side of ['buy', 'sell'] as const) {
            const price = priceStr(side === 'buy' ? center - k * step : center + k * step);
            await this.privatePost('/api/v4/order/new', { market: m, side, amount: grid.amount, price, clientOrderId: this.newClientId(m), postOnly: true });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, () => worker()));
  }

  /** Places every grid, opens the socket, authorizes and subscribes; resolves when subscribed. */
  async start(): Promise<void> {
    const { markets } = this.options;
    await this.placeGrids();

    const { websocket_token: wsToken } = (await this.privatePost('/api/v4/profile/websocket_token', {})) as { websocket_token: string };
    const ws = new WebSocket(this.options.wsUrl, { perMessageDeflate: false });
    this.ws = ws;
    const pending = new Map<number, (m: WsMessage) => void>();
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as WsMessage;
      if (typeof msg.id === 'number') {
        pending.get(msg.id)?.(msg);
        pending.delete(msg.id);
        return;
      }
      for (const h of this.handlers) h.onMessage(msg);
    });
    await opened(ws);
    const call = rpcCaller(ws, pending, () => this.rpcId++);
    await call('authorize', [wsToken, 'public']);
    await call('deals_subscribe', [[...markets]]);
    for (const m of markets) await call('depth_subscribe', [m, 20, '0', true]);
  }

  close(): void {
    this.ws?.close();
    this.ws = null;
  }
}

/** One market's logic: it sees every frame and keeps its own. */
class MarketHandler {
  constructor(
    readonly market: string,
    private readonly bot: BaselineBot,
  ) {}

  onMessage(msg: WsMessage): void {
    const p = msg.params;
    if (!p) return;
    if (msg.method === 'deals_update' && p[2] === this.market) {
      // [id, time, market, orderId, price, amount, fee, clientOrderId, side (1 sell, 2 buy), role, feeAsset]
      const price = Number(p[4]);
      const step = Number(this.bot.options.grid.step);
      const filledSell = p[8] === 1;
      this.bot.placeCounter(this.market, filledSell ? 'buy' : 'sell', priceStr(filledSell ? price - step : price + step), String(p[5]));
    } else if (msg.method === 'depth_update' && p[2] === this.market) {
      // The grid does not trade on depth; a real bot would update a local book here.
    }
  }
}
