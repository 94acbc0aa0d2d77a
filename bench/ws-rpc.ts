/**
 * The bench bots' own JSON-RPC over a `ws` socket (baseline-bot.ts, bare-bot.ts): what a hand-rolled
 * bot writes to authorize and subscribe, shared so that the two bots measure the same thing there.
 */
import type WebSocket from 'ws';

/** A WhiteBIT WebSocket frame, as the bench bots read it. */
export interface WsMessage {
  id?: number | null;
  method?: string;
  params?: unknown[];
  result?: unknown;
  error?: unknown;
}

export type RpcCall = (method: string, params: unknown[]) => Promise<WsMessage>;

/** Resolves when `ws` is open, rejects on its first error before that. */
export function opened(ws: WebSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

/**
 * Returns `call`: sends `{id, method, params}` and resolves with the reply, which the socket's own
 * message handler hands to `pending` by id (rejects when the reply carries an error).
 */
export function rpcCaller(ws: WebSocket, pending: Map<number, (m: WsMessage) => void>, nextId: () => number): RpcCall {
  return (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId();
      pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${JSON.stringify(m.error)}`)) : resolve(m)));
      ws.send(JSON.stringify({ id, method, params }));
    });
}
