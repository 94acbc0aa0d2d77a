import { describe, expect, it } from 'vitest';
import { marketLogObserver } from '../../src/runtime/market-log.js';
import type { ObservedActors } from '../../src/runtime/start/observers.js';
import { fakeMarket, intent, stateEvent } from './support/fake-emitter.js';

function recorder() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  return {
    lines,
    sink: {
      info: (obj: object, msg: string) => lines.push({ level: 'info', msg, obj: obj as Record<string, unknown> }),
      warn: (obj: object, msg: string) => lines.push({ level: 'warn', msg, obj: obj as Record<string, unknown> }),
    },
  };
}

/** The market log attached to fake markets, as startRuntime attaches it. */
function logged(...names: string[]) {
  const r = recorder();
  const markets = new Map(names.map((n) => [n, fakeMarket()]));
  marketLogObserver(r.sink)({ markets, marketStarted: () => ({ unsubscribe: () => undefined }) } as unknown as ObservedActors);
  return { ...r, market: (n: string) => markets.get(n) ?? fakeMarket() };
}

describe('market log', () => {
  it('logs top-level state changes once, and a stop with its reason as a warning', () => {
    const { lines, market } = logged('BTC_USDT');
    const btc = market('BTC_USDT');
    btc.emit(stateEvent('init.loading', null, 'xstate.init'));
    btc.emit(stateEvent('init.planned', 'init.loading'));
    btc.emit(stateEvent('placing.arming', 'init.planned'));
    btc.emit(stateEvent('placing.sending', 'placing.arming'));
    btc.emit(stateEvent('killed.cancelling', 'placing.sending', 'ks.fatal', 'HTTP 401 unauthorized'));
    btc.emit(stateEvent('killed.disarming', 'killed.cancelling', 'x', 'HTTP 401 unauthorized'));
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual(['info BTC_USDT init', 'info BTC_USDT placing', 'warn BTC_USDT stopping: HTTP 401 unauthorized']);
    expect(lines[2]?.obj).toEqual({ market: 'BTC_USDT', from: 'placing.sending', to: 'killed.cancelling', event: 'ks.fatal', reason: 'HTTP 401 unauthorized' });
  });

  it('warns once when a plan waits for the price at its load, with the price and why', () => {
    const { lines, market } = logged('BTC_USDT');
    market('BTC_USDT').emit({ type: 'market.planWaiting', price: '62000', reason: 'plan at 62000: buys need 300 DUSDT, budget 120' });
    expect(lines).toEqual([
      {
        level: 'warn',
        msg: 'BTC_USDT: the plan fails at price 62000 (it passed the start checks: the price moved): nothing placed; loading again until it passes',
        obj: { market: 'BTC_USDT', price: '62000', reason: 'plan at 62000: buys need 300 DUSDT, budget 120' },
      },
    ]);
  });

  it('logs fills, orders sent to the desk and refused or unknown orders, per market', () => {
    const { lines, market } = logged('ETH_USDT', 'BTC_USDT');
    const eth = market('ETH_USDT');
    eth.emit({
      type: 'market.fill',
      dealId: 5,
      orderId: 9,
      clientOrderId: 'c',
      level: 2,
      side: 'buy',
      price: '3000',
      amount: '0.1',
      fee: null,
      feeAsset: null,
    });
    eth.emit({ type: 'market.ordersSent', via: 'desk', intents: [intent('d', 'counter', 3, 'sell')] });
    // A placing batch is not listed order by order.
    eth.emit({ type: 'market.ordersSent', via: 'bulk', intents: [intent('p1', 'plan'), intent('p2', 'plan')] });
    eth.emit({
      type: 'market.ordersAnswered',
      via: 'desk',
      fatal: null,
      outcomes: [{ kind: 'rejected', clientOrderId: 'd', reason: 'post-only would take', wouldTake: true }],
    });
    eth.emit({ type: 'market.waiting', waiting: 1 });
    eth.emit({ type: 'market.ordersAnswered', via: 'bulk', fatal: null, outcomes: [{ kind: 'rejected', clientOrderId: 'e', reason: 'Not enough balance.' }] });
    eth.emit({ type: 'market.ordersAnswered', via: 'desk', fatal: null, outcomes: [{ kind: 'unknown', clientOrderId: 'f', reason: 'timeout' }] });
    eth.emit({ type: 'market.batchFailed', outcome: 'unknown', reason: 'HTTP 503' });
    market('BTC_USDT').emit({ type: 'market.pnl', realisedQuote: '1', feesQuote: '0', inventoryBase: '0' });
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual([
      'info fill',
      'info counter-order sent',
      'warn order refused as post-only: level waits for price',
      'info ETH_USDT: 1 level waiting for price',
      'warn order refused: level left empty',
      'warn order outcome unknown: reconciling',
      'warn order batch failed',
    ]);
    expect(lines[0]?.obj).toEqual({ market: 'ETH_USDT', dealId: 5, orderId: 9, clientOrderId: 'c', side: 'buy', price: '3000', amount: '0.1' });
    expect(lines[1]?.obj).toMatchObject({ market: 'ETH_USDT', gridLevel: 3, side: 'sell', price: '100', origin: 'counter' });
    // pino's own `level` (the severity) must not be overwritten by the grid level.
    expect(lines[1]?.obj).not.toHaveProperty('level');
    expect(lines[3]?.obj).toEqual({ market: 'ETH_USDT', waiting: 1 });
    expect(lines[4]?.obj).toMatchObject({ market: 'ETH_USDT', reason: 'Not enough balance.' });
    expect(lines[6]?.obj).toEqual({ market: 'ETH_USDT', outcome: 'unknown', reason: 'HTTP 503' });
  });

  it("names the way each desk order went in its answer's line (ws | rest)", () => {
    const { lines, market } = logged('BTC_USDT');
    const btc = market('BTC_USDT');
    btc.emit({
      type: 'market.ordersAnswered',
      via: 'desk',
      fatal: null,
      outcomes: [
        { kind: 'placed', clientOrderId: 'a', orderId: 1, dealStock: '0', left: '1', via: 'ws' },
        { kind: 'placed', clientOrderId: 'b', orderId: 2, dealStock: '0', left: '1', via: 'rest' },
        { kind: 'unknown', clientOrderId: 'c', reason: 'no reply', via: 'ws' },
      ],
    });
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual([
      'info order placed via ws',
      'info order placed via rest',
      'warn order outcome unknown: reconciling',
    ]);
    expect(lines[0]?.obj).toEqual({ market: 'BTC_USDT', clientOrderId: 'a', orderId: 1, via: 'ws' });
    expect(lines[2]?.obj).toMatchObject({ clientOrderId: 'c', via: 'ws' });
  });
});
