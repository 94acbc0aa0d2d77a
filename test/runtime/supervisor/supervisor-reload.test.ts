/**
 * Issue 17: the supervisor applies a reload plan. Added markets start at once; removed ones are
 * told `stop` (their onStop decides); a changed one is told `stop` and started again only once its
 * old actor ended (never two actors on one market); unchanged ones are sent nothing. Each market it
 * starts is announced before the actor starts, so a listener hears the new actor's first event.
 */
import { describe, expect, it } from 'vitest';
import { type AnyActorRef, createActor, createMachine, emit, fromCallback } from 'xstate';
import type { MarketInput, MarketSettings } from '../../../src/machines/market/market.types.js';
import type { ReloadPlan } from '../../../src/runtime/reload/reload-plan.js';
import { RELOAD_CHANGED, RELOAD_REMOVED, marketActorId, supervisorMachine } from '../../../src/runtime/supervisor/supervisor.machine.js';

/** A market stand-in: records what it is sent, stops on `stop` once `cleaned`. */
const fakeMarket = createMachine({
  types: {} as { input: MarketInput; context: { input: MarketInput } },
  id: 'fake-market',
  context: ({ input }) => ({ input }),
  initial: 'running',
  states: {
    running: { entry: emit({ type: 'hello' }), on: { stop: 'killed' } },
    killed: { on: { cleaned: 'done' } },
    done: { type: 'final' },
  },
});

const settings = (market: string, tag = 'v1') => ({ market, botId: tag }) as unknown as MarketSettings;

function start(markets: string[]) {
  const sent: string[] = [];
  const prepared: string[] = [];
  const machine = supervisorMachine.provide({
    actors: { market: fakeMarket as never, connection: fromCallback(() => undefined) as never },
  });
  const actor = createActor(machine, {
    input: {
      connection: { authenticate: true },
      markets: markets.map((m) => settings(m) as MarketInput),
      prepare: (s) => {
        prepared.push(`${s.market}:${s.botId}`);
        return s;
      },
    },
    inspect: (e) => {
      if (e.type !== '@xstate.event' || !String((e.actorRef as AnyActorRef).id).startsWith('market:')) return;
      if (e.event.type === 'stop') sent.push(`${String((e.actorRef as AnyActorRef).id)}:${(e.event as unknown as { reason: string }).reason}`);
      else if (!e.event.type.startsWith('xstate.')) sent.push(`${String((e.actorRef as AnyActorRef).id)}:${e.event.type}`);
    },
  });
  const started: string[] = [];
  const heard: string[] = [];
  actor.on('market.started', (e) => {
    started.push(e.market);
    const child = actor.system.get(marketActorId(e.market)) as { on(type: string, fn: () => void): unknown } | undefined;
    child?.on('hello', () => heard.push(e.market));
  });
  actor.start();
  const child = (m: string) => actor.system.get(marketActorId(m)) as AnyActorRef | undefined;
  const reload = (plan: Partial<ReloadPlan>) => actor.send({ type: 'reload', plan: { added: [], removed: [], changed: [], unchanged: [], ...plan } });
  return { actor, sent, prepared, started, heard, child, reload };
}

describe('supervisor reload', () => {
  it('starts added markets (heard from their first event), stops removed ones, sends nothing to unchanged ones', () => {
    const s = start(['A', 'B', 'C']);
    s.reload({ added: [settings('D')], removed: ['C'], unchanged: ['A', 'B'] });
    expect(s.started).toEqual(['D']);
    expect(s.heard).toEqual(['D']);
    expect(s.child('D')?.getSnapshot().status).toBe('active');
    expect(s.sent).toEqual([`market:C:${RELOAD_REMOVED}`]);
    s.child('C')?.send({ type: 'cleaned' });
    expect(s.child('C')).toBeUndefined();
    expect(s.actor.getSnapshot().context.outcomes.C?.outcome).toBe('stopped');
    expect(s.sent.filter((e) => e.startsWith('market:A') || e.startsWith('market:B'))).toEqual([]);
  });

  it('restarts a changed market with its new settings only once the old actor ended', () => {
    const s = start(['A', 'B']);
    const old = s.child('B');
    s.reload({ changed: [settings('B', 'v2')], unchanged: ['A'] });
    expect(s.sent).toEqual([`market:B:${RELOAD_CHANGED}`]);
    // Still cleaning up: the new actor must wait.
    expect(s.child('B')).toBe(old);
    expect(s.started).toEqual([]);
    old?.send({ type: 'cleaned' });
    expect(s.started).toEqual(['B']);
    expect(s.prepared).toEqual(['B:v2']);
    const fresh = s.child('B');
    expect(fresh).not.toBe(old);
    expect((fresh?.getSnapshot() as { context: { input: MarketSettings } }).context.input.botId).toBe('v2');
    expect(s.actor.getSnapshot().context.outcomes.B?.outcome).toBe('running');
  });

  it('a shutdown during a restart drops it: the market stays stopped and the fleet ends', () => {
    const s = start(['A']);
    s.reload({ changed: [settings('A', 'v2')] });
    s.actor.send({ type: 'shutdown', reason: 'SIGINT' });
    s.child('A')?.send({ type: 'cleaned' });
    expect(s.started).toEqual([]);
    expect(s.actor.getSnapshot().status).toBe('done');
  });
});
