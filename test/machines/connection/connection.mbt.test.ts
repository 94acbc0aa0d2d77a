/**
 * Model-based test of the connection actor: an abstract model of the connection lifecycle (no
 * timers, no invokes) generates paths with `createTestModel`; each path drives the real actor, with a
 * simulated clock and a fake socket the test answers, and checks the real state after every step.
 * Coverage of the real chart's edges is measured from XState's inspection stream and asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { connectionMachine } from '../../../src/machines/connection/connection.machine.js';
import { DEFAULT_TIMING } from '../../../src/machines/connection/connection.types.js';
import { flushPromises } from '../../support/flush.js';
import { TransitionCoverage } from '../../support/transition-coverage.js';
import { type FakeSocket, startConnection } from './connection-harness.js';

const BACKOFF = { baseMs: 1_000, maxMs: 30_000 };

function model(auth: boolean) {
  return createMachine({
    id: 'model',
    initial: 'connecting',
    states: {
      connecting: {
        on: {
          OPEN: auth ? 'fetchingToken' : 'subscribing',
          ...(auth ? {} : { OPEN_NOTHING_TO_SUBSCRIBE: 'idle' }),
          CONNECT_TIMEOUT: 'backoff',
          DROP: 'backoff',
          SUBSCRIBE_MORE: 'connecting',
          STOP: 'stopped',
        },
      },
      fetchingToken: { on: { TOKEN_OK: 'awaitingAuth', TOKEN_FAIL: 'backoff', AUTH_TIMEOUT: 'backoff', DROP: 'backoff', STOP: 'stopped' } },
      awaitingAuth: {
        on: {
          AUTH_OK: 'subscribing',
          AUTH_OK_NOTHING_TO_SUBSCRIBE: 'idle',
          AUTH_REJECT: 'backoff',
          AUTH_TIMEOUT: 'backoff',
          DROP: 'backoff',
          STOP: 'stopped',
        },
      },
      subscribing: {
        on: { SUBSCRIBED: 'idle', SUBSCRIBE_MORE: 'subscribing', UNSUBSCRIBE: 'subscribing', SUBSCRIBE_TIMEOUT: 'backoff', DROP: 'backoff', STOP: 'stopped' },
      },
      idle: {
        on: { PING_DUE: 'awaitingPong', SUBSCRIBE_MORE: 'idle', UNSUBSCRIBE: 'idle', GAP: 'idle', DROP: 'backoff', STOP: 'stopped' },
      },
      awaitingPong: {
        on: { PONG: 'idle', PONG_TIMEOUT: 'backoff', SUBSCRIBE_MORE: 'awaitingPong', DROP: 'backoff', STOP: 'stopped' },
      },
      backoff: { on: { RETRY: 'connecting', RETRY_SOCKET_CRASH: 'backoff', STOP: 'stopped' } },
      stopped: { type: 'final' },
    },
  });
}

/** Replays the subscribe requests sent on `socket` with WhiteBIT's replace semantics: what the server holds. */
function serverHolds(socket: FakeSocket): Record<string, string[]> {
  const held: Record<string, string[]> = {};
  for (const r of socket.sent) {
    const [channel, verb] = r.method.split('_') as [string, string | undefined];
    if (verb === undefined || !['subscribe', 'unsubscribe'].includes(verb)) continue;
    if (channel === 'depth') {
      const m = r.params[0] as string;
      const cur = held.depth ?? [];
      held.depth = verb === 'subscribe' ? [...cur.filter((x) => x !== m), m] : cur.filter((x) => x !== m);
    } else if (verb === 'unsubscribe') {
      held[channel] = [];
    } else {
      held[channel] = [...((channel === 'deals' ? r.params[0] : r.params) as string[])];
    }
  }
  for (const k of Object.keys(held)) held[k] = [...(held[k] ?? [])].sort();
  return held;
}

const coverage = new TransitionCoverage(connectionMachine);

describe.each([true, false])('connection actor against its model (authenticate=%s)', (auth) => {
  // A state is identified with the edge that entered it, self-loops included (the default drops them),
  // so shortest paths reach every edge of the model, not only every state.
  const paths = createTestModel(model(auth), {
    serializeState: (state, event, prev) => `${JSON.stringify(state.value)} via ${event?.type ?? ''} from ${JSON.stringify(prev?.value ?? null)}`,
  }).getShortestPaths();

  it.each(paths.map((p) => [p.description, p] as const))('%s', async (_desc, path) => {
    const h = startConnection({ authenticate: auth, backoff: BACKOFF, timing: DEFAULT_TIMING }, { manualToken: true, inspect: coverage.inspect });
    // Two channels so the subscribe round has more than one reply to wait for.
    const base = [
      { channel: 'ordersPending', key: 'BTC_USDT' },
      { channel: 'depth', key: 'BTC_USDT' },
    ] as const;
    for (const b of base) h.actor.send({ type: 'subscribe', ...b });
    let extra = 0;
    const replyOne = (method: string, error: { code: number; message: string } | null = null) => {
      const req = [...h.current().sent].reverse().find((r) => r.method === method);
      if (!req) throw new Error(`no ${method} was sent`);
      h.current().emit({ type: 'socket.reply', id: req.id, result: error ? null : { status: 'success' }, error });
    };
    const withoutBase = async (act: () => void | Promise<void>) => {
      for (const b of base) h.actor.send({ type: 'unsubscribe', ...b });
      for (let i = 1; i <= extra; i += 1) h.actor.send({ type: 'unsubscribe', channel: 'lastprice', key: `X${i}_USDT` });
      await act();
      for (const b of base) h.actor.send({ type: 'subscribe', ...b });
      h.replyAll();
    };
    const real = () => h.actor.getSnapshot();
    try {
      await path.test({
        events: {
          OPEN: async () => {
            h.current().emit({ type: 'socket.open' });
            await flushPromises();
          },
          OPEN_NOTHING_TO_SUBSCRIBE: () =>
            withoutBase(async () => {
              h.current().emit({ type: 'socket.open' });
              await flushPromises();
            }),
          CONNECT_TIMEOUT: () => h.clock.increment(DEFAULT_TIMING.connectTimeoutMs),
          DROP: () => h.current().emit({ type: 'socket.closed', code: 1006, reason: 'abnormal' }),
          TOKEN_OK: async () => {
            h.token.pending?.resolve(`tok-${h.token.calls}`);
            await flushPromises();
          },
          TOKEN_FAIL: async () => {
            h.token.pending?.reject(new Error('429 Too many requests.'));
            await flushPromises();
          },
          AUTH_OK: () => replyOne('authorize'),
          AUTH_OK_NOTHING_TO_SUBSCRIBE: () => withoutBase(() => replyOne('authorize')),
          AUTH_REJECT: () => replyOne('authorize', { code: 1, message: 'invalid argument' }),
          AUTH_TIMEOUT: () => h.clock.increment(DEFAULT_TIMING.replyTimeoutMs),
          SUBSCRIBED: () => {
            h.replyAll();
          },
          SUBSCRIBE_TIMEOUT: () => h.clock.increment(DEFAULT_TIMING.replyTimeoutMs),
          SUBSCRIBE_MORE: () => {
            extra += 1;
            h.actor.send({ type: 'subscribe', channel: 'lastprice', key: `X${extra}_USDT` });
            // Answer only this request: a pong must not ride along.
            if (real().hasTag('live')) replyOne('lastprice_subscribe');
          },
          UNSUBSCRIBE: () => {
            h.actor.send({ type: 'unsubscribe', channel: 'depth', key: 'BTC_USDT' });
            h.actor.send({ type: 'subscribe', channel: 'depth', key: 'BTC_USDT' });
            if (real().hasTag('live')) h.replyAll();
          },
          GAP: () => {
            h.current().emit({ type: 'socket.depthGap', market: 'BTC_USDT' });
            h.replyAll();
          },
          PING_DUE: () => h.clock.increment(DEFAULT_TIMING.pingIntervalMs),
          PONG: () => replyOne('ping'),
          PONG_TIMEOUT: () => h.clock.increment(DEFAULT_TIMING.pongTimeoutMs),
          RETRY: () => h.clock.increment(BACKOFF.maxMs),
          RETRY_SOCKET_CRASH: () => {
            h.crash.next = true;
            h.clock.increment(BACKOFF.maxMs);
          },
          STOP: () => h.actor.send({ type: 'stop' }),
        },
        states: {
          connecting: () => expect(real().matches({ connection: 'connecting' })).toBe(true),
          fetchingToken: () => expect(real().matches({ connection: { authorizing: 'fetchingToken' } })).toBe(true),
          awaitingAuth: () => expect(real().matches({ connection: { authorizing: 'awaitingReply' } })).toBe(true),
          subscribing: () => expect(real().matches({ connection: 'subscribing' })).toBe(true),
          idle: () => {
            expect(real().matches({ connection: { open: 'idle' } })).toBe(true);
            expect(h.statuses.at(-1)).toBe('up');
            // Whatever happened before, the server holds exactly the registry.
            const registry = real().context.registry;
            const held = serverHolds(h.current());
            for (const channel of ['ordersPending', 'lastprice', 'depth'] as const) {
              expect(held[channel] ?? []).toEqual([...registry[channel]]);
            }
          },
          awaitingPong: () => expect(real().matches({ connection: { open: 'awaitingPong' } })).toBe(true),
          backoff: () => {
            expect(real().value).toBe('backoff');
            expect(h.sockets.every((s) => s.closed)).toBe(true);
            expect(h.statuses.at(-1) ?? 'down').toBe('down');
          },
          stopped: () => {
            expect(real().status).toBe('done');
            expect(h.sockets.every((s) => s.closed)).toBe(true);
          },
        },
      });
    } finally {
      h.actor.stop();
    }
  });
});

afterAll(() => {
  process.stdout.write(`connection chart coverage: ${coverage.ratio()} transitions\n`);
  // Every edge of the real chart was taken by some path: an edge added without a model event fails here.
  const missing = coverage.missing();
  expect(missing, `uncovered edges:\n${missing.join('\n')}`).toEqual([]);
});
