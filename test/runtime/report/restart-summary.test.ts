import { describe, expect, it } from 'vitest';
import type { ObservedMarket } from '../../../src/runtime/start/observers.js';
import { watchReconciles } from '../../../src/runtime/report/restart-summary.js';

/** A market actor as the observer sees it: its settings and a way to emit `market.reconciled`. */
function fakeMarket(onStart: 'adopt' | 'cancel-all', restored: boolean) {
  let handler: ((e: unknown) => void) | undefined;
  const snapshot = { context: { settings: { onStart, restore: restored ? {} : null }, book: null } };
  const actor = {
    on: (_type: string, h: (e: unknown) => void) => {
      handler = h;
      return { unsubscribe: () => {} };
    },
    getSnapshot: () => snapshot,
  } as unknown as ObservedMarket;
  const reconciled = () => handler?.({ type: 'market.reconciled', adopted: 2, strays: 1, missedCounterOrders: 0 });
  return { actor, reconciled };
}

function lines(onStart: 'adopt' | 'cancel-all', restored: boolean, reconciles: number) {
  const out: { line: string; announce: boolean }[] = [];
  const m = fakeMarket(onStart, restored);
  watchReconciles('BTC_USDT', m.actor, (_s, line, announce) => out.push({ line, announce }));
  for (let i = 0; i < reconciles; i++) m.reconciled();
  return out;
}

describe('the start-up reconcile line', () => {
  it('says "after restart" when the journal restored the market\'s book, then "reconciled" for later ones (log only)', () => {
    expect(lines('adopt', true, 2)).toEqual([
      { line: 'BTC_USDT after restart: adopted 2, cancelled 1 strays, placed 0 missed counter-orders, 0 levels waiting for price', announce: true },
      { line: 'BTC_USDT reconciled: adopted 2, cancelled 1 strays, placed 0 missed counter-orders, 0 levels waiting for price', announce: false },
    ]);
  });

  it('says "at start" for an adopt start with nothing to restore (a first run)', () => {
    expect(lines('adopt', false, 1)).toEqual([
      { line: 'BTC_USDT at start: adopted 2, cancelled 1 strays, placed 0 missed counter-orders, 0 levels waiting for price', announce: true },
    ]);
  });

  it('announces nothing for a cancel-all start', () => {
    expect(lines('cancel-all', false, 1).map((l) => l.announce)).toEqual([false]);
  });
});
