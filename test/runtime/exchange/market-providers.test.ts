import { pino } from 'pino';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { TurnOrder } from '../../../src/runtime/turn/index.js';
import { fakeSocketOrders } from './support/fake-socket-orders.js';
import { restingOrder } from './support/stub-rest.js';
import { connectionMachine } from '../../../src/machines/connection/connection.machine.js';
import type { ConnectionStatus } from '../../../src/machines/connection/connection.types.js';
import { marketMachine } from '../../../src/machines/market/market.machine.js';
import {
  createFrameRouting,
  createMarketActors,
  createSocketActor,
  createTokenActor,
  type LogSink,
  type MarketRest,
} from '../../../src/runtime/exchange/index.js';

describe('createMarketActors', () => {
  it('provides every actor the market machine declares (checked by the compiler too)', () => {
    const { router } = createFrameRouting();
    const actors = createMarketActors({
      rest: {} as MarketRest,
      router,
      connection: { send: () => {} },
      status$: new Subject<ConnectionStatus>(),
    });
    const provided = marketMachine.provide({ actors });
    expect(Object.keys(actors).sort()).toEqual(Object.keys(marketMachine.implementations.actors).sort());
    expect(provided).toBeDefined();
  });

  it("routes a ws grid's cancel over the socket, held inside a frame batch until its commit; a rest grid's over REST", async () => {
    const log: string[] = [];
    const turn = new TurnOrder({ journal: { failed: false, openBatch: () => {}, closeBatch: () => {}, commit: () => void log.push('commit') } });
    const order = restingOrder({ market: 'BTC_USDT', side: 'buy', amount: '1', price: '100', clientOrderId: 'x' });
    const socket = fakeSocketOrders(() => (log.push('socket cancel'), Promise.resolve(order)));
    const rest = { orderCancel: () => (log.push('rest cancel'), Promise.resolve(order)) } as unknown as MarketRest;
    const { router } = createFrameRouting();
    const actors = createMarketActors({
      rest,
      router,
      connection: { send: () => {} },
      status$: new Subject<ConnectionStatus>(),
      turn,
      socketOrders: socket,
      orderEntryOf: (market) => (market === 'BTC_USDT' ? 'ws' : 'rest'),
    });
    const cancel = (market: string) => toPromise(createActor(actors.cancelOrders, { input: { market, orderIds: [7] } }).start());
    let done: Promise<unknown> | undefined;
    turn
      .reader(() => {
        done = cancel('BTC_USDT');
        log.push('end of routing');
      })
      .push('{"method":"deals_update"}');
    await expect(done).resolves.toEqual([{ orderId: 7, ok: true, reason: null, via: 'ws' }]);
    await expect(cancel('ETH_USDT')).resolves.toEqual([{ orderId: 7, ok: true, reason: null, via: 'rest' }]);
    expect(log).toEqual(['end of routing', 'commit', 'socket cancel', 'rest cancel']);
  });

  it('the connection providers fit the connection machine', () => {
    const { router, depthGaps } = createFrameRouting();
    const provided = connectionMachine.provide({
      actors: {
        socket: createSocketActor({ wsUrl: 'ws://127.0.0.1:1/ws', router, depthGaps }),
        fetchToken: createTokenActor({ websocketToken: () => Promise.resolve('t') }),
      },
    });
    expect(provided).toBeDefined();
  });
});

describe('LogSink', () => {
  it('a pino logger is a LogSink', () => {
    const log: LogSink = pino({ enabled: false });
    expect(() => log.warn({ a: 1 }, 'x')).not.toThrow();
  });
});
