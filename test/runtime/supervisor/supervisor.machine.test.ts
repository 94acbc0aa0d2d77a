import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor, createMachine, emit, fromCallback } from 'xstate';
import type { MarketInput } from '../../../src/machines/market/market.types.js';
import { marketActorId, supervisorMachine } from '../../../src/runtime/supervisor/supervisor.machine.js';

/** A market stand-in: runs until stopped (then finishes), or throws on `boom`. */
const fakeMarket = createMachine({
  id: 'fake-market',
  initial: 'running',
  states: {
    running: {
      entry: emit({ type: 'hello' }),
      on: {
        stop: 'killed',
        boom: {
          actions: () => {
            throw new Error('bug in a market action');
          },
        },
        finishOnItsOwn: 'done',
      },
    },
    killed: { on: { cleaned: 'done' } },
    done: { type: 'final' },
  },
});

function start(
  markets: string[],
  opts: { slowCleanup?: boolean; beforeStart?: (actor: ReturnType<typeof createActor<typeof supervisorMachine>>) => void } = {},
) {
  const clock = new SimulatedClock();
  const connectionEvents: string[] = [];
  // Without slow cleanup a stopped market finishes at once.
  const quickMarket = createMachine({ ...fakeMarket.config, states: { ...fakeMarket.config.states, killed: { always: 'done' } } });
  const machine = supervisorMachine.provide({
    actors: {
      market: (opts.slowCleanup ? fakeMarket : quickMarket) as never,
      connection: fromCallback(({ receive }) => {
        receive((e) => connectionEvents.push(e.type));
      }) as never,
    },
  });
  const inputs = markets.map((m) => ({ market: m }) as unknown as MarketInput);
  const actor = createActor(machine, { input: { connection: { authenticate: true }, markets: inputs, shutdownTimeoutMs: 5_000 }, clock });
  const outcomes: string[] = [];
  actor.on('market.outcome', (e) => outcomes.push(`${e.market}:${e.outcome}`));
  opts.beforeStart?.(actor);
  actor.start();
  const child = (m: string) => actor.system.get(marketActorId(m))!;
  return { actor, clock, connectionEvents, outcomes, child };
}

describe('supervisor', () => {
  it('spawns one market actor per entry, addressable by system id', () => {
    const s = start(['BTC_USDT', 'ETH_USDT', 'DBTC_DUSDT']);
    for (const m of ['BTC_USDT', 'ETH_USDT', 'DBTC_DUSDT']) expect(s.child(m).getSnapshot().status).toBe('active');
    expect(s.actor.system.get('connection')).toBeDefined();
  });

  it('contains a failing market: it is recorded and the others keep running', () => {
    const s = start(['BTC_USDT', 'ETH_USDT', 'DBTC_DUSDT']);
    s.child('ETH_USDT').send({ type: 'boom' });
    expect(s.outcomes).toEqual(['ETH_USDT:failed']);
    expect(s.actor.getSnapshot().context.outcomes.ETH_USDT).toEqual({ outcome: 'failed', reason: 'bug in a market action' });
    expect(s.actor.getSnapshot().value).toBe('running');
    expect(s.child('BTC_USDT').getSnapshot().status).toBe('active');
    expect(s.child('DBTC_DUSDT').getSnapshot().status).toBe('active');
  });

  it('records a market that stopped on its own', () => {
    const s = start(['BTC_USDT', 'ETH_USDT']);
    s.child('BTC_USDT').send({ type: 'finishOnItsOwn' });
    expect(s.outcomes).toEqual(['BTC_USDT:stopped']);
    expect(s.actor.getSnapshot().value).toBe('running');
  });

  it('shuts down in order: markets first, then the connection', () => {
    const s = start(['BTC_USDT', 'ETH_USDT'], { slowCleanup: true });
    s.actor.send({ type: 'shutdown', reason: 'SIGTERM' });
    expect(s.actor.getSnapshot().value).toBe('stopping');
    expect(s.child('BTC_USDT').getSnapshot().value).toBe('killed');
    expect(s.connectionEvents).toEqual([]); // the connection outlives the markets' cleanup
    s.child('BTC_USDT').send({ type: 'cleaned' });
    expect(s.actor.getSnapshot().value).toBe('stopping');
    s.child('ETH_USDT').send({ type: 'cleaned' });
    expect(s.connectionEvents).toEqual(['stop']);
    expect(s.actor.getSnapshot().status).toBe('done');
  });

  it('tells observers a shutdown began, once', () => {
    const s = start(['BTC_USDT'], { slowCleanup: true });
    const told: string[] = [];
    s.actor.on('shutdown', (e) => told.push(e.reason));
    s.actor.send({ type: 'shutdown', reason: 'SIGTERM' });
    s.actor.send({ type: 'shutdown', reason: 'again' });
    expect(told).toEqual(['SIGTERM']);
  });

  // Why it matters: the runtime's observers (start/wiring.ts) attach to the markets there, and must see each one's first event.
  it("has every market actor before it starts, and a listener attached then hears the market's first emitted event", () => {
    const heard: string[] = [];
    start(['BTC_USDT', 'ETH_USDT'], {
      beforeStart: (actor) => {
        for (const m of ['BTC_USDT', 'ETH_USDT']) {
          const child = actor.system.get(marketActorId(m)) as { on(type: string, fn: () => void): unknown } | undefined;
          child?.on('hello', () => heard.push(m));
        }
      },
    });
    expect(heard).toEqual(['BTC_USDT', 'ETH_USDT']);
  });

  it('gives up waiting for a hung market after the shutdown deadline', () => {
    const s = start(['BTC_USDT'], { slowCleanup: true });
    s.actor.send({ type: 'shutdown', reason: 'SIGINT' });
    s.clock.increment(4_999);
    expect(s.actor.getSnapshot().value).toBe('stopping');
    s.clock.increment(1);
    expect(s.connectionEvents).toEqual(['stop']);
    expect(s.actor.getSnapshot().status).toBe('done');
  });
});
