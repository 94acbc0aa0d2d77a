import { pino } from 'pino';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
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
