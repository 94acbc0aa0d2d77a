/**
 * Drives the real market actor against a fake exchange: every IO actor call waits for the test to
 * resolve or reject it, the feed is a pipe the test pushes into, the desk records what it is asked.
 */
import { type AnyActorRef, type AnyEventObject, type InspectionEvent, SimulatedClock, createActor, fromCallback, fromPromise } from 'xstate';
import type { GridSpec, OrderIntent, PlacementOutcome } from '../../../src/grid/index.js';
import { marketMachine } from '../../../src/machines/market/market.machine.js';
import type { MarketEmitted } from '../../../src/machines/market/market.emitted.js';
import type { DeskPlace, MarketEvent, MarketInput } from '../../../src/machines/market/market.types.js';
import { DBTC_DUSDT } from '../../grid/fixtures.js';
import { flushPromises } from '../../support/flush.js';

interface Pending {
  readonly name: string;
  readonly input: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export const SPEC: GridSpec = {
  market: 'DBTC_DUSDT',
  spacing: 'arithmetic',
  ladder: { kind: 'centered', levelsPerSide: 2, step: '200' },
  amountPerLevel: { unit: 'base', value: '0.001' },
  budget: {},
};

export function settings(overrides: Partial<MarketInput> = {}): MarketInput {
  return {
    botId: 'tb',
    market: 'DBTC_DUSDT',
    spec: SPEC,
    onStart: 'cancel-all',
    onStop: 'cancel',
    killSwitch: { timeoutSec: 60, refreshSec: 20, retrySec: 5 },
    risk: { rangeExitMarginPercent: null, stopLossQuote: null, maxInventoryBase: null },
    batchSize: 20,
    retry: { baseMs: 1_000, maxMs: 30_000 },
    restore: null,
    firstSeq: 100,
    ...overrides,
  };
}

export interface HarnessFaults {
  readonly feedThrows?: boolean;
  readonly deskThrows?: boolean;
  /** Called with every event the market emits from its very first state on (the listener is attached before start). */
  readonly onEmitted?: (e: MarketEmitted) => void;
  /** Called between `createActor` and `start` (e.g. to attach the journal hook to the actor's system). */
  readonly beforeStart?: (actor: AnyActorRef) => void;
}

export function startMarket(input: MarketInput = settings(), inspect?: (e: InspectionEvent) => void, faults: HarnessFaults = {}) {
  const clock = new SimulatedClock();
  const pending: Pending[] = [];
  const calls: { name: string; input: unknown }[] = [];
  const desk = { placed: [] as DeskPlace[], reply: (_e: MarketEvent) => {}, stopped: false };
  const feed = { push: (_e: MarketEvent) => {}, started: 0, stopped: false };
  const io = (name: string) =>
    fromPromise(({ input: callInput }: { input: unknown }) => {
      calls.push({ name, input: callInput });
      return new Promise((resolve, reject) => pending.push({ name, input: callInput, resolve, reject }));
    });
  const machine = marketMachine.provide({
    actors: {
      loadMarket: io('loadMarket') as never,
      cancelAll: io('cancelAll') as never,
      armKillSwitch: io('armKillSwitch') as never,
      disarmKillSwitch: io('disarmKillSwitch') as never,
      placeBatch: io('placeBatch') as never,
      fetchExchange: io('fetchExchange') as never,
      cancelOrders: io('cancelOrders') as never,
      feed: fromCallback<AnyEventObject, { market: string }>(({ sendBack }) => {
        if (faults.feedThrows) throw new Error('no stream for this market');
        feed.started += 1;
        feed.push = (e) => sendBack(e);
        return () => {
          feed.stopped = true;
        };
      }),
      desk: fromCallback<DeskPlace, { market: string }>(({ sendBack, receive }) => {
        if (faults.deskThrows) throw new Error('no REST client');
        desk.reply = (e) => sendBack(e);
        receive((e) => desk.placed.push(e));
        return () => {
          desk.stopped = true;
        };
      }),
    },
  });
  const actor = createActor(machine, { input, clock, ...(inspect ? { inspect } : {}) });
  const onEmitted = faults.onEmitted;
  if (onEmitted !== undefined) actor.on('*', (e) => onEmitted(e));
  faults.beforeStart?.(actor);
  actor.start();

  /** Settles the oldest pending call of `name` and lets the machine react. */
  const settle = async (name: string, outcome: { value?: unknown; error?: unknown }) => {
    const i = pending.findIndex((p) => p.name === name);
    const p = pending[i];
    if (i < 0 || p === undefined) throw new Error(`no pending ${name} call (pending: ${pending.map((x) => x.name).join(', ') || 'none'})`);
    pending.splice(i, 1);
    if ('error' in outcome) p.reject(outcome.error);
    else p.resolve(outcome.value);
    await flushPromises();
    return p.input;
  };
  const resolve = (name: string, value?: unknown) => settle(name, { value });
  const reject = (name: string, error: unknown) => settle(name, { error });
  const lifecycle = () => {
    const v = actor.getSnapshot().value as { lifecycle: unknown };
    return typeof v.lifecycle === 'string' ? v.lifecycle : Object.keys(v.lifecycle as object)[0];
  };
  const context = () => actor.getSnapshot().context;
  const pendingNames = () => pending.map((p) => p.name);
  return { actor, clock, calls, desk, feed, resolve, reject, lifecycle, context, pendingNames };
}

export type MarketHarness = ReturnType<typeof startMarket>;

/** Loads, cancels, arms and places the plan (every order placed, ids from 1000); returns the batch. */
export async function toRunning(m: MarketHarness): Promise<readonly OrderIntent[]> {
  await m.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
  await m.resolve('cancelAll');
  await m.resolve('armKillSwitch', { cancellationTimeMs: 60_000 });
  const batch = (m.calls.at(-1)?.input as { intents: OrderIntent[] }).intents;
  await m.resolve('placeBatch', placedAll(batch, 1000));
  return batch;
}

/** Places every intent of a batch successfully, with sequential order ids from `firstId`. */
export function placedAll(intents: readonly { clientOrderId: string; amount: string }[], firstId: number): PlacementOutcome[] {
  return intents.map((i, k) => ({ kind: 'placed', clientOrderId: i.clientOrderId, orderId: firstId + k, dealStock: '0', left: i.amount }));
}
