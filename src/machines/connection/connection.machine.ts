/**
 * The shared connection actor: one WebSocket for every market.
 *
 *   connection.connecting → authorizing → subscribing → open(idle ⇄ awaitingPong)
 *   any loss → backoff (exponential, jittered) → connection.connecting … ; `stop` → stopped
 *
 * The invoked `socket` actor (provided by the runtime) owns the socket for exactly as long as the
 * machine is inside `connection`: leaving the state closes it. Re-entering rebuilds everything the
 * server forgot: a fresh token, `authorize`, and the full subscription registry.
 */
import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import { type WbWsCall, authorizeCall, pingCall } from '../../adapters/whitebit/codec/index.js';
import { DEFAULT_BACKOFF, backoffDelay, nextRandom } from '../shared/backoff.js';
import type { ConnectionContext, ConnectionEmitted, ConnectionEvent, ConnectionInput, SocketEvent, SocketSend } from './connection.types.js';
import { DEFAULT_TIMING } from './connection.types.js';
import {
  type SubscribeRequest,
  DEFAULT_DEPTH,
  depthSubscribe,
  depthUnsubscribe,
  emptyRegistry,
  resubscribeAll,
  subscribe,
  unsubscribe,
} from './subscription-registry.js';

type ReplyEvent = Extract<SocketEvent, { type: 'socket.reply' }>;

/** Placeholder actors: the runtime (or a test) provides the real ones with `.provide()`. */
const socketNotProvided = fromCallback<SocketSend>(() => {
  throw new Error('connection: the socket actor was not provided');
});
const tokenNotProvided = fromPromise<string>(async () => {
  throw new Error('connection: the fetchToken actor was not provided');
});

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The socket command that sends `call` (built by the codec) as request `id`. */
function socketSend(id: number, call: WbWsCall): SocketSend {
  return { type: 'socket.send', id, method: call.method, params: call.params };
}

/** Gives each request the next id, hands it to `send`, and returns the context fields that track them. */
function numberRequests(
  context: ConnectionContext,
  requests: readonly SubscribeRequest[],
  send: (request: SocketSend) => void,
): Pick<ConnectionContext, 'nextId' | 'inflight'> {
  let id = context.nextId;
  const inflight: Record<string, SubscribeRequest> = { ...context.inflight };
  for (const request of requests) {
    inflight[String(id)] = request;
    send(socketSend(id, request));
    id += 1;
  }
  return { nextId: id, inflight };
}

export const connectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    input: {} as ConnectionInput,
    emitted: {} as ConnectionEmitted,
  },
  actors: {
    socket: socketNotProvided,
    fetchToken: tokenNotProvided,
  },
  delays: {
    pingInterval: ({ context }) => context.timing.pingIntervalMs,
    pongTimeout: ({ context }) => context.timing.pongTimeoutMs,
    connectTimeout: ({ context }) => context.timing.connectTimeoutMs,
    replyTimeout: ({ context }) => context.timing.replyTimeoutMs,
    // `attempt` counts failures so far, so the first retry waits about `baseMs` (1 s → 2 s → 4 s …).
    reconnectDelay: ({ context }) => backoffDelay(context.attempt - 1, context.jitter, context.backoff),
  },
  guards: {
    needsAuth: ({ context }) => context.authenticate,
    isAuthReply: ({ context, event }) => (event as ReplyEvent).id === context.authId,
    isAuthRejected: ({ context, event }) => (event as ReplyEvent).id === context.authId && (event as ReplyEvent).error !== null,
    isPong: ({ context, event }) => (event as ReplyEvent).id === context.pingId,
    isLastSubscribeReply: ({ context, event }) => {
      const keys = Object.keys(context.inflight);
      return keys.length === 1 && keys[0] === String((event as ReplyEvent).id);
    },
    nothingToSubscribe: ({ context }) => resubscribeAll(context.registry, context.depth).length === 0,
  },
  actions: {
    recordFailure: assign(({ context }, params: { reason: string }) => {
      const r = nextRandom(context.randomSeed);
      return { attempt: context.attempt + 1, randomSeed: r.seed, jitter: r.value, lastError: params.reason };
    }),
    markUp: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ attempt: 0, status: 'up' as const, lastError: null });
      if (context.status !== 'up') enqueue.emit({ type: 'status', status: 'up', reason: null });
    }),
    markDown: enqueueActions(({ context, enqueue }) => {
      if (context.status === 'up') {
        enqueue.assign({ status: 'down' as const, reconnects: context.reconnects + 1 });
        enqueue.emit({ type: 'status', status: 'down', reason: context.lastError });
      }
    }),
    storeToken: assign((_, params: { token: string }) => ({ token: params.token })),
    sendAuthorize: enqueueActions(({ context, enqueue }, params: { token: string }) => {
      const id = context.nextId;
      enqueue.assign({ authId: id, nextId: id + 1 });
      enqueue.sendTo('socket', socketSend(id, authorizeCall(params.token)));
    }),
    sendSubscriptions: enqueueActions(({ context, enqueue }, params: { requests: readonly SubscribeRequest[] }) => {
      enqueue.assign(numberRequests(context, params.requests, (send) => enqueue.sendTo('socket', send)));
    }),
    clearInflight: assign({ inflight: {} }),
    subscribeNow: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'subscribe') return;
      const change = subscribe(context.registry, event.channel, event.key, context.depth);
      const sent = numberRequests(context, change.requests, (send) => enqueue.sendTo('socket', send));
      enqueue.assign({ registry: change.registry, ...sent });
    }),
    unsubscribeNow: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'unsubscribe') return;
      const change = unsubscribe(context.registry, event.channel, event.key);
      const sent = numberRequests(context, change.requests, (send) => enqueue.sendTo('socket', send));
      enqueue.assign({ registry: change.registry, ...sent });
    }),
    settleReply: enqueueActions(({ context, event, enqueue }) => {
      const reply = event as ReplyEvent;
      const request = context.inflight[String(reply.id)];
      if (!request) return;
      const { [String(reply.id)]: _done, ...rest } = context.inflight;
      enqueue.assign({ inflight: rest });
      if (reply.error) enqueue.emit({ type: 'subscriptionError', method: request.method, params: request.params, error: reply.error });
    }),
    sendPing: enqueueActions(({ context, enqueue }) => {
      const id = context.nextId;
      enqueue.assign({ pingId: id, nextId: id + 1 });
      enqueue.sendTo('socket', socketSend(id, pingCall()));
    }),
  },
}).createMachine({
  id: 'connection',
  context: ({ input }) => {
    const seed = input.seed ?? 1;
    const first = nextRandom(seed);
    return {
      authenticate: input.authenticate,
      registry: emptyRegistry,
      depth: input.depth ?? DEFAULT_DEPTH,
      backoff: input.backoff ?? DEFAULT_BACKOFF,
      timing: { ...DEFAULT_TIMING, ...input.timing },
      attempt: 0,
      randomSeed: first.seed,
      jitter: first.value,
      nextId: 1,
      token: null,
      authId: null,
      pingId: null,
      inflight: {},
      reconnects: 0,
      lastError: null,
      status: 'down',
    };
  },
  initial: 'connection',
  on: {
    stop: { target: '.stopped' },
  },
  states: {
    connection: {
      invoke: {
        id: 'socket',
        src: 'socket',
        // A socket actor that throws (bad URL, provider bug) is a lost connection, not a crash.
        onError: {
          target: 'backoff',
          actions: { type: 'recordFailure', params: ({ event }) => ({ reason: `socket: ${errorText(event.error)}` }) },
        },
      },
      on: {
        'socket.closed': {
          target: 'backoff',
          actions: { type: 'recordFailure', params: ({ event }) => ({ reason: `socket closed (${event.code}) ${event.reason}`.trim() }) },
        },
        // Registry changes while not yet subscribed are only recorded: the subscribe round sends the whole set.
        subscribe: { actions: assign({ registry: ({ context, event }) => subscribe(context.registry, event.channel, event.key, context.depth).registry }) },
        unsubscribe: { actions: assign({ registry: ({ context, event }) => unsubscribe(context.registry, event.channel, event.key).registry }) },
      },
      initial: 'connecting',
      states: {
        connecting: {
          tags: ['busy'],
          on: {
            'socket.open': [{ guard: 'needsAuth', target: 'authorizing' }, { target: 'subscribing' }],
          },
          after: {
            connectTimeout: {
              target: '#connection.backoff',
              actions: { type: 'recordFailure', params: { reason: 'connect timeout' } },
            },
          },
        },
        authorizing: {
          tags: ['busy'],
          initial: 'fetchingToken',
          states: {
            fetchingToken: {
              invoke: {
                id: 'fetchToken',
                src: 'fetchToken',
                onDone: {
                  target: 'awaitingReply',
                  actions: [
                    { type: 'storeToken', params: ({ event }) => ({ token: event.output }) },
                    { type: 'sendAuthorize', params: ({ event }) => ({ token: event.output }) },
                  ],
                },
                onError: {
                  target: '#connection.backoff',
                  actions: { type: 'recordFailure', params: ({ event }) => ({ reason: `token: ${errorText(event.error)}` }) },
                },
              },
            },
            awaitingReply: {
              on: {
                'socket.reply': [
                  { guard: 'isAuthRejected', target: '#connection.backoff', actions: { type: 'recordFailure', params: { reason: 'authorize rejected' } } },
                  { guard: 'isAuthReply', target: '#connection.connection.subscribing' },
                ],
              },
            },
          },
          after: {
            replyTimeout: {
              target: '#connection.backoff',
              actions: { type: 'recordFailure', params: { reason: 'authorize timed out' } },
            },
          },
        },
        subscribing: {
          tags: ['busy'],
          entry: ['clearInflight', { type: 'sendSubscriptions', params: ({ context }) => ({ requests: resubscribeAll(context.registry, context.depth) }) }],
          always: { guard: 'nothingToSubscribe', target: 'open' },
          on: {
            // The round already went out; a market joining now must be sent on its own.
            subscribe: { actions: 'subscribeNow' },
            unsubscribe: { actions: 'unsubscribeNow' },
            'socket.reply': [{ guard: 'isLastSubscribeReply', target: 'open', actions: 'settleReply' }, { actions: 'settleReply' }],
          },
          after: {
            replyTimeout: {
              target: '#connection.backoff',
              actions: { type: 'recordFailure', params: { reason: 'subscribe timed out' } },
            },
          },
        },
        open: {
          tags: ['live'],
          entry: 'markUp',
          on: {
            subscribe: { actions: 'subscribeNow' },
            unsubscribe: { actions: 'unsubscribeNow' },
            'socket.depthGap': {
              // A missed delta makes the local book wrong; a fresh subscribe starts with a full snapshot.
              actions: {
                type: 'sendSubscriptions',
                params: ({ context, event }) => ({
                  requests: context.registry.depth.includes(event.market) ? [depthUnsubscribe(event.market), depthSubscribe(event.market, context.depth)] : [],
                }),
              },
            },
          },
          initial: 'idle',
          states: {
            idle: {
              on: { 'socket.reply': { actions: 'settleReply' } },
              after: { pingInterval: { target: 'awaitingPong', actions: 'sendPing' } },
            },
            awaitingPong: {
              on: {
                'socket.reply': [{ guard: 'isPong', target: 'idle' }, { actions: 'settleReply' }],
              },
              after: {
                pongTimeout: {
                  target: '#connection.backoff',
                  actions: { type: 'recordFailure', params: { reason: 'no pong' } },
                },
              },
            },
          },
        },
      },
    },
    backoff: {
      tags: ['busy'],
      entry: 'markDown',
      after: { reconnectDelay: { target: 'connection' } },
    },
    stopped: {
      type: 'final',
      entry: 'markDown',
    },
  },
});

export type ConnectionMachine = typeof connectionMachine;
