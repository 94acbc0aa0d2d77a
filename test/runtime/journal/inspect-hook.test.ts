/**
 * The journal hook's reporting half, with hand-made inspection events: PnL read from the actor at
 * write time (a book updated in place is still reported), state text only when the active state
 * nodes change, and price events journaled exactly when they changed the state.
 */
import { describe, expect, it, vi } from 'vitest';
import type { AnyEventObject, InspectionEvent } from 'xstate';
import { journalInspector } from '../../../src/runtime/journal/inspect-hook.js';
import { recordingSink } from './recording-sink.js';
import type * as StateText from '../../../src/runtime/journal/state-text.js';

const stateTexts = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../../src/runtime/journal/state-text.js', async (importOriginal) => {
  const original = await importOriginal<typeof StateText>();
  return {
    stateText: (v: unknown) => {
      stateTexts.calls += 1;
      return original.stateText(v);
    },
  };
});

/** A journal that records calls. */
const sink = () => recordingSink();

/** A market actor's ref and its current snapshot, which the test changes in place. */
function marketActor() {
  const running = { key: 'running' };
  const killed = { key: 'killed' };
  const pnl = { realisedQuote: '0', feesQuote: '0', inventoryBase: '0' };
  const snapshot = { value: 'running' as string, _nodes: [running] as object[], context: { batch: [], book: { pnl } } };
  const ref = { id: 'market:DBTC_DUSDT', getSnapshot: () => snapshot };
  return { ref, snapshot, pnl, nodes: { running, killed } };
}

const event = (ref: unknown, e: AnyEventObject): InspectionEvent =>
  ({ type: '@xstate.event', actorRef: ref, sourceRef: undefined, event: e, rootId: 'x' }) as unknown as InspectionEvent;
const snap = (ref: unknown, snapshot: unknown, e: AnyEventObject): InspectionEvent =>
  ({ type: '@xstate.snapshot', actorRef: ref, snapshot, event: e, rootId: 'x' }) as unknown as InspectionEvent;

describe('journal inspector reporting', () => {
  it('writes a market’s PnL once per write, read from the actor then, however its book was updated', () => {
    const { j, calls } = sink();
    const deferred: (() => void)[] = [];
    const hook = journalInspector(j, { defer: (w) => deferred.push(w) });
    const m = marketActor();
    const deal = { type: 'feed.deal', deal: { dealId: 1 } };
    hook(event(m.ref, deal));
    m.pnl.realisedQuote = '1.5'; // the actor applies the deal to its book, in place
    hook(event(m.ref, { ...deal, deal: { dealId: 2 } }));
    m.pnl.realisedQuote = '3';
    expect(deferred).toHaveLength(1); // one write per turn
    deferred[0]?.();
    expect(calls).toEqual(['append DBTC_DUSDT feed.deal', 'append DBTC_DUSDT feed.deal', 'pnl DBTC_DUSDT 3', 'write']);
    calls.length = 0;
    hook(event(m.ref, { type: 'feed.order', update: {} }));
    m.pnl.realisedQuote = '4.25'; // same objects as before
    deferred[1]?.();
    expect(calls).toEqual(['append DBTC_DUSDT feed.order', 'pnl DBTC_DUSDT 4.25', 'write']);
  });

  it('by default gathers the reporting rows of many turns into one write, reportEveryMs after the first, after that turn', () => {
    vi.useFakeTimers();
    try {
      const { j, calls } = sink();
      const hook = journalInspector(j, { reportEveryMs: 250 });
      const m = marketActor();
      hook(event(m.ref, { type: 'feed.deal', deal: { dealId: 1 } }));
      vi.advanceTimersByTime(100);
      hook(event(m.ref, { type: 'feed.order', update: {} })); // a later turn, same window
      vi.advanceTimersByTime(149);
      expect(calls.filter((c) => c === 'write')).toEqual([]);
      vi.advanceTimersByTime(1); // 250 ms after the first: the after-turn phase is queued
      expect(calls.filter((c) => c === 'write')).toEqual([]);
      vi.runOnlyPendingTimers(); // two check phases later
      vi.runOnlyPendingTimers();
      expect(calls.filter((c) => c.startsWith('pnl') || c === 'write')).toEqual(['pnl DBTC_DUSDT 0', 'write']);
      hook(event(m.ref, { type: 'feed.order', update: {} })); // the next window starts
      vi.advanceTimersByTime(250);
      vi.runOnlyPendingTimers();
      vi.runOnlyPendingTimers();
      expect(calls.filter((c) => c === 'write')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('computes the state text only when the active state nodes change, and journals a price that changed the state', () => {
    const { j, calls } = sink();
    const hook = journalInspector(j, { defer: (w) => w() });
    const m = marketActor();
    const price = { type: 'feed.price', price: '60000' };
    hook(snap(m.ref, m.snapshot, { type: 'xstate.init' }));
    const first = stateTexts.calls;
    for (let i = 0; i < 5; i += 1) {
      hook(event(m.ref, price)); // never appended as an event
      hook(snap(m.ref, { ...m.snapshot }, price)); // same _nodes array
    }
    hook(snap(m.ref, { ...m.snapshot, _nodes: [m.nodes.running] }, price)); // a new array, the same nodes
    expect(stateTexts.calls).toBe(first);
    hook(snap(m.ref, { ...m.snapshot, value: 'killed', _nodes: [m.nodes.killed] }, price));
    expect(stateTexts.calls).toBe(first + 1);
    expect(calls.filter((c) => !c.startsWith('write') && !c.startsWith('pnl'))).toEqual([
      'transition market:DBTC_DUSDT ∅ → running on xstate.init',
      'transition market:DBTC_DUSDT running → killed on feed.price',
      'append DBTC_DUSDT feed.price',
    ]);
  });
});
