/**
 * Types of the shared connection actor: what it is given, what it is told, what it tells.
 *
 * The socket itself lives in the invoked `socket` actor (provided by the runtime), never in context:
 * it sends the machine only connection-level facts (open, closed, replies by id). Market updates never
 * pass through the machine; the socket actor routes them straight into per-market streams, which keeps
 * the fill → counter-order path free of a machine transition per frame.
 */
import type { BackoffOptions } from '../shared/backoff.js';
import type { Channel, DepthParams, SubscribeRequest, SubscriptionRegistry } from './subscription-registry.js';

export interface ConnectionInput {
  /** Whether to `authorize` (needed for ordersPending, deals, balanceSpot). */
  readonly authenticate: boolean;
  readonly depth?: DepthParams;
  readonly backoff?: BackoffOptions;
  /** Seed of the jitter PRNG; fixed in tests, random in production. */
  readonly seed?: number;
  readonly timing?: Partial<ConnectionTiming>;
}

export interface ConnectionTiming {
  /** The server drops a client silent for 60 s; ping well before. */
  readonly pingIntervalMs: number;
  /** Current docs: no pong within 10 s means the connection is dead. */
  readonly pongTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Bounds authorize and the subscribe round: a server that never answers is as good as gone. */
  readonly replyTimeoutMs: number;
}

export const DEFAULT_TIMING: ConnectionTiming = {
  pingIntervalMs: 50_000,
  pongTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  replyTimeoutMs: 10_000,
};

export interface WsErrorBody {
  readonly code: number;
  readonly message: string;
}

export type ConnectionStatus = 'down' | 'up';

export interface ConnectionContext {
  readonly authenticate: boolean;
  readonly registry: SubscriptionRegistry;
  readonly depth: DepthParams;
  readonly backoff: BackoffOptions;
  readonly timing: ConnectionTiming;
  /** Consecutive failed connection attempts; reset when the connection is open. */
  readonly attempt: number;
  readonly randomSeed: number;
  readonly jitter: number;
  readonly nextId: number;
  readonly token: string | null;
  readonly authId: number | null;
  readonly pingId: number | null;
  /** Subscribe requests sent and not yet answered, by request id (string keys so it serialises). */
  readonly inflight: Readonly<Record<string, SubscribeRequest>>;
  readonly reconnects: number;
  readonly lastError: string | null;
  readonly status: ConnectionStatus;
}

/** Commands the machine gives the socket actor. */
export interface SocketSend {
  readonly type: 'socket.send';
  readonly id: number;
  readonly method: string;
  readonly params: readonly unknown[];
}

/** What the socket actor reports. */
export type SocketEvent =
  | { readonly type: 'socket.open' }
  | { readonly type: 'socket.closed'; readonly code: number; readonly reason: string }
  | { readonly type: 'socket.reply'; readonly id: number; readonly result: unknown; readonly error: WsErrorBody | null }
  /** The router saw `past_update_id` differ from the last `update_id` of this market's depth. */
  | { readonly type: 'socket.depthGap'; readonly market: string };

/** What market actors (and the runtime) tell the connection. */
export type ClientEvent =
  | { readonly type: 'subscribe'; readonly channel: Channel; readonly key: string }
  | { readonly type: 'unsubscribe'; readonly channel: Channel; readonly key: string }
  | { readonly type: 'stop' };

export type ConnectionEvent = SocketEvent | ClientEvent;

/** Emitted to listeners (`actor.on(...)`): the status stream and subscription failures. */
export type ConnectionEmitted =
  | { readonly type: 'status'; readonly status: ConnectionStatus; readonly reason: string | null }
  | { readonly type: 'subscriptionError'; readonly method: string; readonly params: readonly unknown[]; readonly error: WsErrorBody };
