/**
 * A scripted stand-in for WhiteBIT's public WebSocket, for the paper exchange's tests: it answers
 * `depth_subscribe` with a fixed book snapshot and `trades_subscribe` with a snapshot of past trades
 * (whitebit-protocol-2.md §2.10), answers pings unless told to go silent, and lets the test push frames.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeUpstreamBook {
  readonly asks: [string, string][];
  readonly bids: [string, string][];
}

export class FakeUpstream {
  /** False: pings go unanswered and nothing is sent (a stale feed). */
  answering = true;
  private readonly clients = new Set<WebSocket>();

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly book: FakeUpstreamBook,
    private readonly pastTrades: readonly Record<string, unknown>[],
  ) {
    wss.on('connection', (ws) => {
      this.clients.add(ws);
      ws.on('close', () => this.clients.delete(ws));
      ws.on('message', (data) => this.onMessage(ws, JSON.parse(String(data)) as { id: number; method: string; params: unknown[] }));
    });
  }

  static async start(book: FakeUpstreamBook, pastTrades: readonly Record<string, unknown>[] = []): Promise<FakeUpstream> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new FakeUpstream(wss, book, pastTrades);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/ws`;
  }

  /** Sends a `trades_update` push with these trades to every client. */
  trades(market: string, trades: readonly Record<string, unknown>[]): void {
    this.push({ id: null, method: 'trades_update', params: [market, trades] });
  }

  push(frame: unknown): void {
    for (const ws of this.clients) ws.send(JSON.stringify(frame));
  }

  close(): Promise<void> {
    for (const ws of this.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private onMessage(ws: WebSocket, msg: { id: number; method: string; params: unknown[] }): void {
    if (!this.answering) return;
    const reply = (result: unknown): void => ws.send(JSON.stringify({ id: msg.id, result, error: null }));
    switch (msg.method) {
      case 'ping':
        return reply('pong');
      case 'depth_subscribe': {
        reply({ status: 'success' });
        const data = { timestamp: 1, update_id: 1, asks: this.book.asks, bids: this.book.bids, event_time: 1 };
        return ws.send(JSON.stringify({ id: null, method: 'depth_update', params: [true, data, msg.params[0]] }));
      }
      case 'trades_subscribe':
        reply({ status: 'success' });
        for (const market of msg.params) ws.send(JSON.stringify({ id: null, method: 'trades_update', params: [market, this.pastTrades] }));
        return;
      default:
        return ws.send(JSON.stringify({ id: msg.id, result: null, error: { code: 4, message: 'method not found' } }));
    }
  }
}
