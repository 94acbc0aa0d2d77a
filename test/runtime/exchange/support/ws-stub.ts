/**
 * A WhiteBIT-speaking WebSocket stub on 127.0.0.1:0: answers authorize, subscribe/unsubscribe and
 * ping as the protocol doc shows, records every frame per connection, and lets the test push frames
 * and drop sockets. Tests await the frames they expect; nothing sleeps.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface StubFrame {
  readonly conn: number;
  readonly id: number;
  readonly method: string;
  readonly params: unknown[];
}

export class WsStub {
  readonly frames: StubFrame[] = [];
  readonly sockets: WebSocket[] = [];
  /** Tokens `authorize` refuses with code 1 "invalid argument". */
  readonly refusedTokens = new Set<string>();
  /** The frames sent back for an `order_*` request, in order (default: none, the test answers). */
  onOrder: (f: StubFrame) => readonly string[] = () => [];
  private waiters: { pred: (f: StubFrame) => boolean; resolve: (f: StubFrame) => void }[] = [];
  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {
    server.on('connection', (ws) => {
      const conn = this.sockets.push(ws) - 1;
      ws.on('message', (data: Buffer) => this.onFrame(ws, conn, data.toString('utf8')));
    });
  }

  static async start(): Promise<WsStub> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return new WsStub(server, `ws://127.0.0.1:${port}/ws`);
  }

  private onFrame(ws: WebSocket, conn: number, text: string): void {
    const f = JSON.parse(text) as { id: number; method: string; params: unknown[] };
    const frame: StubFrame = { conn, ...f };
    this.frames.push(frame);
    if (f.method.startsWith('order_')) for (const t of this.onOrder(frame)) ws.send(t);
    else if (f.method === 'ping') ws.send(JSON.stringify({ id: f.id, result: 'pong', error: null }));
    else if (f.method === 'authorize' && this.refusedTokens.has(String(f.params[0]))) {
      ws.send(JSON.stringify({ id: f.id, result: null, error: { code: 1, message: 'invalid argument' } }));
    } else ws.send(JSON.stringify({ error: null, result: { status: 'success' }, id: f.id }));
    for (const w of [...this.waiters]) {
      if (w.pred(frame)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  }

  /** Resolves with the first frame received (past or future) that satisfies `pred`. */
  waitFrame(pred: (f: StubFrame) => boolean): Promise<StubFrame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  /** Sends raw text on the newest connection. */
  push(text: string): void {
    const ws = this.sockets.at(-1);
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new Error('no open connection');
    ws.send(text);
  }

  /** Sends several frames in one TCP write on the newest connection, so the client reads them together. */
  pushTogether(texts: readonly string[]): void {
    const ws = this.sockets.at(-1);
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new Error('no open connection');
    const raw = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    raw.cork();
    for (const t of texts) ws.send(t);
    raw.uncork();
  }

  /** Kills every connection without a closing handshake (a network drop). */
  dropAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
