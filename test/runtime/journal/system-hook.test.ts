/**
 * The journal hook attached to the actor system (system-hook.ts) sees exactly what an `inspect`
 * observer sees of `@xstate.event` and `@xstate.snapshot`, from the root's construction on: the
 * same events, of the same actors, in the same order, with the same objects. These tests fail if an
 * XState upgrade stops routing inspection events through the system's `_sendInspectionEvent`, or
 * starts sending events or snapshots while the root actor is constructed (before the hook is attached).
 */
import { describe, expect, it } from 'vitest';
import { type AnyActorRef, type InspectionEvent, SimulatedClock, createActor, createMachine, fromCallback } from 'xstate';
import type { MarketInput } from '../../../src/machines/market/market.types.js';
import { journalInspector } from '../../../src/runtime/journal/inspect-hook.js';
import { attachSystemHook } from '../../../src/runtime/journal/system-hook.js';
import { supervisorMachine } from '../../../src/runtime/supervisor/supervisor.machine.js';
import { startMarket } from '../../machines/market/market-harness.js';
import { recordingSink } from './recording-sink.js';
import { MARKET, type JournaledMarket, isMarketActor, runScenario, scenarioInput } from './market-scenario.js';

/** The parts of an inspection event the journal hook reads, by identity. */
type Seen = readonly [type: string, actor: unknown, source: unknown, event: unknown, snapshot: unknown];

function recorder() {
  const seen: Seen[] = [];
  const record = (ie: InspectionEvent): void => {
    if (ie.type === '@xstate.event') seen.push([ie.type, ie.actorRef, ie.sourceRef, ie.event, undefined]);
    else if (ie.type === '@xstate.snapshot') seen.push([ie.type, ie.actorRef, undefined, ie.event, ie.snapshot]);
  };
  return { seen, record };
}

/** A journal that records what it is asked to write, as text (intents by client id). */
const sink = () => recordingSink((i) => i.map((x) => x.clientOrderId).join(','));

describe('the journal hook on the actor system', () => {
  it('sees every event and snapshot an inspect observer sees through a market’s life, the same objects in the same order', async () => {
    const observer = recorder();
    const hooked = recorder();
    const observerJournal = sink();
    const hookedJournal = sink();
    const options = { marketOf: (ref: unknown) => (isMarketActor(ref) ? MARKET : null), defer: () => {} };
    const observerHook = journalInspector(observerJournal.j, options);
    const systemHook = journalInspector(hookedJournal.j, options);
    const input = scenarioInput({ riskKill: true });
    const h = startMarket(
      input,
      (ie) => {
        observer.record(ie);
        observerHook(ie);
      },
      {
        beforeStart: (actor) =>
          attachSystemHook(actor, (ie) => {
            hooked.record(ie);
            systemHook(ie);
          }),
      },
    );
    const m: JournaledMarket = { h, booksAfter: [], journaled: () => 0, flush: () => {} };
    await runScenario(m, { riskKill: true });
    observerHook.flush();
    systemHook.flush();

    expect(observer.seen.length).toBeGreaterThan(50);
    expect(hooked.seen.length).toBe(observer.seen.length);
    hooked.seen.forEach((s, i) => {
      const o = observer.seen[i] as Seen;
      s.forEach((part, k) => expect(part, `inspection event ${i}, part ${k}`).toBe(o[k]));
    });
    // What the journal was asked to write: the same, and the market's life is in it.
    expect(hookedJournal.calls).toEqual(observerJournal.calls);
    expect(hookedJournal.calls[0]).toMatch(/^transition .* ∅ → .* on xstate\.init$/);
    expect(hookedJournal.calls).toContain(`append ${MARKET} feed.deal`);
    expect(hookedJournal.calls).toContain(`append ${MARKET} xstate.done.actor.placeBatch`);
    expect(hookedJournal.calls.some((c) => c.startsWith(`intents ${MARKET} `))).toBe(true);
    expect(hookedJournal.calls.some((c) => /^transition .* → .*killed.* on feed\.price$/.test(c))).toBe(true); // the risk kill
  });

  it('misses nothing of the children the root spawns while it is constructed', () => {
    // The supervisor spawns the connection and every market in its initial entry, i.e. inside `createActor`.
    const market = createMachine({ id: 'fake-market', initial: 'running', states: { running: { on: { stop: 'done' } }, done: { type: 'final' } } });
    const machine = supervisorMachine.provide({
      actors: { market: market as never, connection: fromCallback(() => {}) as never },
    });
    const observer = recorder();
    const hooked = recorder();
    const inputs = ['BTC_USDT', 'ETH_USDT'].map((name) => ({ market: name }) as unknown as MarketInput);
    const actor = createActor(machine, {
      input: { connection: { authenticate: true }, markets: inputs, shutdownTimeoutMs: 5_000 },
      clock: new SimulatedClock(),
      inspect: observer.record,
    });
    const constructed = observer.seen.length;
    attachSystemHook(actor, hooked.record);
    actor.start();
    actor.send({ type: 'shutdown', reason: 'test' });

    expect(constructed).toBe(0); // nothing the hook reads is sent before `start`
    const ids = (seen: readonly Seen[]) => seen.map(([type, ref, , event]) => `${type} ${(ref as AnyActorRef).id} ${(event as { type: string }).type}`);
    expect(ids(hooked.seen)).toEqual(ids(observer.seen));
    expect(ids(hooked.seen)).toContain('@xstate.event market:BTC_USDT xstate.init');
    expect(ids(hooked.seen)).toContain('@xstate.snapshot market:ETH_USDT xstate.init');
    expect(ids(hooked.seen)).toContain('@xstate.event market:BTC_USDT stop');
  });

  it('refuses a system without the private member it wraps', () => {
    const actor = { system: {} } as unknown as AnyActorRef;
    expect(() => attachSystemHook(actor, () => {})).toThrow(/_sendInspectionEvent/);
  });
});
