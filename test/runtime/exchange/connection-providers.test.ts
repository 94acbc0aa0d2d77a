/**
 * The socket and token actors driving the real connection machine against a local WebSocket server.
 */
import { firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Actor, createActor, waitFor } from 'xstate';
import { type ConnectionMachine, connectionMachine } from '../../../src/machines/connection/connection.machine.js';
import {
  type FrameStats,
  createFrameRouting,
  createSocketActor,
  createTokenActor,
  emptyFrameStats,
} from '../../../src/runtime/exchange/connection-providers.js';
import { connectionStatus$ } from '../../../src/runtime/exchange/connection-status.js';
import { WsTokenCache } from '../../../src/runtime/exchange/ws-token-cache.js';
import { type BatchJournal, TurnOrder } from '../../../src/runtime/turn/index.js';
import { fixtureText } from '../../adapters/whitebit/support/fixtures.js';
import { WsStub } from './support/ws-stub.js';

let server: WsStub;
let actor: Actor<ConnectionMachine> | undefined;

beforeEach(async () => {
  server = await WsStub.start();
});
afterEach(async () => {
  actor?.stop();
  actor = undefined;
  await server.close();
});

function start(tokens: string[] = ['tok-1', 'tok-2', 'tok-3'], turn?: TurnOrder) {
  const routing = createFrameRouting();
  const stats: FrameStats = emptyFrameStats();
  let n = 0;
  const source = { websocketToken: () => Promise.resolve(tokens[n++] ?? 'tok-x') };
  const cache = new WsTokenCache(source);
  const warnings: string[] = [];
  const machine = connectionMachine.provide({
    actors: {
      socket: createSocketActor({
        wsUrl: server.url,
        router: routing.router,
        depthGaps: routing.depthGaps,
        stats,
        logger: { warn: (_o, msg) => warnings.push(msg), debug: () => {} },
        onAuthorizeRejected: () => cache.invalidate(),
        ...(turn ? { turn } : {}),
      }),
      fetchToken: createTokenActor(cache),
    },
  });
  const a = createActor(machine, { input: { authenticate: true, seed: 3, backoff: { baseMs: 5, maxMs: 10 } } });
  actor = a;
  const statuses: string[] = [];
  a.on('status', (e) => statuses.push(e.status));
  return { actor: a, ...routing, stats, cache, statuses, warnings };
}

const isOpen = (a: Actor<ConnectionMachine>) => waitFor(a, (s) => s.hasTag('live'));

describe('socket actor + connection machine over a real WebSocket', () => {
  it('connects, authorizes with the REST token, subscribes and routes updates to the market stream', async () => {
    const c = start();
    c.actor.send({ type: 'subscribe', channel: 'ordersPending', key: 'BTC_USDT' });
    c.actor.send({ type: 'subscribe', channel: 'deals', key: 'BTC_USDT' });
    c.actor.start();
    await isOpen(c.actor);
    expect(server.frames.map((f) => [f.method, f.params])).toEqual([
      ['authorize', ['tok-1', 'public']],
      ['ordersPending_subscribe', ['BTC_USDT']],
      ['deals_subscribe', [['BTC_USDT']]],
    ]);
    const next = firstValueFrom(c.router.market('BTC_USDT'));
    server.push(fixtureText('ws_ordersPending_update.json'));
    expect(await next).toMatchObject({ kind: 'ordersPending_update', event: 1, order: { id: 1212904480922 } });
    expect(c.statuses).toEqual(['up']);
  });

  describe('frames of one read, in journal batches', () => {
    const price = (p: string) => `{"id":null,"method":"lastprice_update","params":["BTC_USDT","${p}"]}`;
    /**
     * Pushes three frames in one read; when `sends` is set the first starts a request (held by the turn
     * order) whose write, as undici does, is scheduled with setImmediate. The journal logs its batch calls.
     */
    async function run(sends: boolean): Promise<string[]> {
      const log: string[] = [];
      const journal: BatchJournal = {
        openBatch: () => log.push('open batch'),
        closeBatch: () => log.push('close batch'),
        commit: () => log.push('commit'),
        failed: false,
      };
      const turn = new TurnOrder({ journal });
      const c = start(undefined, turn);
      c.actor.start();
      await isOpen(c.actor);
      log.length = 0;
      const done = new Promise<void>((resolve) => {
        c.router.market('BTC_USDT').subscribe((u) => {
          if (u.kind !== 'lastprice_update') return;
          log.push(`frame ${u.price}`);
          if (u.price === '1' && sends) {
            void turn.hold(() => {
              log.push('request started');
              setImmediate(() => log.push('order written'));
              return Promise.resolve();
            });
          }
          if (u.price === '3') setImmediate(() => setImmediate(resolve));
        });
      });
      server.pushTogether([price('1'), price('2'), price('3')]);
      await done;
      return log;
    }

    it('after a frame that started a request: commit, the request, its write, then the rest of the read', async () => {
      expect(await run(true)).toEqual([
        'open batch',
        'frame 1',
        'close batch',
        'commit',
        'request started',
        'order written',
        'open batch',
        'frame 2',
        'frame 3',
        'close batch',
      ]);
    });

    it('routes a whole read in one batch when nothing was sent, and leaves its commit to the journal', async () => {
      expect(await run(false)).toEqual(['open batch', 'frame 1', 'frame 2', 'frame 3', 'close batch']);
    });
  });

  it('counts and logs undecodable and unknown frames without dropping the socket', async () => {
    const c = start();
    c.actor.start();
    await isOpen(c.actor);
    const next = firstValueFrom(c.router.market('BTC_USDT'));
    server.push('{not json');
    server.push('{not json either');
    server.push('{"id":null,"method":"otoOrdersPending_update","params":[]}');
    server.push('{"id":null,"method":"lastprice_update","params":["BTC_USDT","64000"]}');
    await next; // frames arrive in order: the ones before it were handled
    expect(c.stats).toMatchObject({ decodeErrors: 2, unknown: 1, updates: 1 });
    // Rate-limited: two bad frames, one warning line.
    expect(c.warnings.filter((w) => w.includes('undecodable'))).toHaveLength(1);
    expect(c.actor.getSnapshot().hasTag('live')).toBe(true);
  });

  it('reconnects after a dropped socket: re-authorizes (token reused) and re-subscribes everything', async () => {
    const c = start();
    c.actor.send({ type: 'subscribe', channel: 'lastprice', key: 'BTC_USDT' });
    c.actor.start();
    await isOpen(c.actor);
    server.dropAll();
    await waitFor(c.actor, (s) => s.context.reconnects === 1 && s.hasTag('live'));
    expect(c.statuses).toEqual(['up', 'down', 'up']);
    expect(server.sockets).toHaveLength(2);
    expect(server.frames.filter((f) => f.conn === 1).map((f) => [f.method, f.params])).toEqual([
      ['authorize', ['tok-1', 'public']], // a young token is reused: the endpoint allows 10/min
      ['lastprice_subscribe', ['BTC_USDT']],
    ]);
    expect(c.cache.fetches).toBe(1);
    // The new socket routes as the old one did.
    const next = firstValueFrom(c.router.market('BTC_USDT'));
    server.push('{"id":null,"method":"lastprice_update","params":["BTC_USDT","64001"]}');
    expect(await next).toMatchObject({ price: '64001' });
  });

  it('a depth gap seen by the router makes the machine resubscribe that book', async () => {
    const c = start();
    c.actor.send({ type: 'subscribe', channel: 'depth', key: 'BTC_USDT' });
    c.actor.start();
    await isOpen(c.actor);
    const book = { timestamp: 1, asks: [['64011', '1']], bids: [['64010', '1']] };
    server.push(JSON.stringify({ id: null, method: 'depth_update', params: [true, { ...book, update_id: 10 }, 'BTC_USDT'] }));
    server.push(JSON.stringify({ id: null, method: 'depth_update', params: [false, { ...book, update_id: 12, past_update_id: 11 }, 'BTC_USDT'] }));
    const unsub = await server.waitFrame((f) => f.method === 'depth_unsubscribe');
    const resub = await server.waitFrame((f) => f.method === 'depth_subscribe' && f.id > unsub.id);
    expect(unsub.params).toEqual(['BTC_USDT']);
    expect(resub.params).toEqual(['BTC_USDT', 20, '0', true]);
    expect(c.router.stats.depthGaps).toBe(1);
  });

  it('drops a refused token so the next attempt fetches a fresh one', async () => {
    server.refusedTokens.add('tok-1');
    const c = start();
    c.actor.start();
    await isOpen(c.actor);
    expect(server.frames.filter((f) => f.method === 'authorize').map((f) => f.params[0])).toEqual(['tok-1', 'tok-2']);
    expect(c.cache.fetches).toBe(2);
  });

  it('closes the socket when the machine stops', async () => {
    const c = start();
    c.actor.start();
    await isOpen(c.actor);
    const closed = new Promise<void>((resolve) => server.sockets[0]?.once('close', () => resolve()));
    c.actor.send({ type: 'stop' });
    await closed;
    expect(c.actor.getSnapshot().status).toBe('done');
  });

  it('reports a refused connect as a closed socket and keeps retrying', async () => {
    const c = start();
    await server.close(); // nothing listens any more
    c.actor.start();
    await waitFor(c.actor, (s) => s.context.attempt >= 2);
    expect(c.actor.getSnapshot().context.lastError).toMatch(/connect failed/);
    server = await WsStub.start(); // for afterEach
  });
});

describe('connectionStatus$', () => {
  it('starts with the current status and follows changes', async () => {
    const c = start();
    const seen: string[] = [];
    const sub = connectionStatus$(c.actor).subscribe((s) => seen.push(s));
    c.actor.start();
    await isOpen(c.actor);
    server.dropAll();
    await waitFor(c.actor, (s) => s.context.reconnects === 1 && s.hasTag('live'));
    sub.unsubscribe();
    expect(seen).toEqual(['down', 'up', 'down', 'up']);
  });
});
