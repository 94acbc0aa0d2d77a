import { describe, expect, it } from 'vitest';
import { StateTracker } from '../../../src/runtime/metrics/state-tracker.js';

const AUDIT = 'xstate.after.reconcileEvery.market.lifecycle.running';

describe('state tracker: the periodic reconcile', () => {
  it('is routine from running to reconciling on its timer, through placing, until running again', () => {
    const t = new StateTracker(() => 0);
    t.market('BTC_USDT', 'running.trading', 'xstate.done.actor.placeBatch');
    t.market('BTC_USDT', 'reconciling.fetching', AUDIT);
    expect(t.marketState('BTC_USDT')?.routine).toBe(true);
    t.market('BTC_USDT', 'placing.arming', 'xstate.done.actor.fetchExchange');
    expect(t.marketState('BTC_USDT')?.routine).toBe(true);
    t.market('BTC_USDT', 'running.trading', 'xstate.done.actor.armKillSwitch');
    expect(t.marketState('BTC_USDT')?.routine).toBe(false);
  });

  it('is not routine when a fault led there, or when the routine check turns into one', () => {
    const t = new StateTracker(() => 0);
    t.market('BTC_USDT', 'running.trading', 'x');
    t.market('BTC_USDT', 'reconciling.fetching', 'desk.result'); // an unknown outcome
    expect(t.marketState('BTC_USDT')?.routine).toBe(false);
    t.market('BTC_USDT', 'running.trading', 'x');
    t.market('BTC_USDT', 'reconciling.fetching', AUDIT);
    t.market('BTC_USDT', 'reconnecting', 'connection.down');
    t.market('BTC_USDT', 'reconciling.fetching', 'connection.up');
    expect(t.marketState('BTC_USDT')?.routine).toBe(false);
  });
});

describe('state tracker: why a market stopped', () => {
  it('is requested after the shutdown even when killed follows a batch answer, risk on a price, an error otherwise', () => {
    const t = new StateTracker(() => 0);
    for (const m of ['A', 'B', 'C', 'D']) t.market(m, 'running.trading', 'x');
    t.market('B', 'killed.cancelling', 'feed.price');
    t.market('C', 'killed.cancelling', 'desk.result');
    t.market('D', 'killed.cancelling', 'stop');
    t.shutdownRequested();
    t.market('A', 'killed.cancelling', 'xstate.done.actor.placeBatch');
    expect(['A', 'B', 'C', 'D'].map((m) => t.marketState(m)?.stopCause)).toEqual(['requested', 'risk', 'error', 'requested']);
  });
});
