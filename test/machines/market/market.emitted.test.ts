import { afterEach, describe, expect, it } from 'vitest';
import type { MarketEmitted } from '../../../src/machines/market/market.emitted.js';
import { MarketIoError } from '../../../src/machines/market/market.io.js';
import { DBTC_DUSDT } from '../../grid/fixtures.js';
import { type MarketHarness, placedAll, settings, startMarket, toRunning } from './market-harness.js';

let h: MarketHarness | undefined;
afterEach(() => h?.actor.stop());

function listen(): { all: MarketEmitted[]; of: <T extends MarketEmitted['type']>(type: T) => Extract<MarketEmitted, { type: T }>[] } {
  const all: MarketEmitted[] = [];
  return { all, of: (type) => all.filter((e) => e.type === type) as never };
}

const deal = (dealId: number, orderId: number, clientOrderId: string, amount = '0.001') => ({
  type: 'feed.deal' as const,
  deal: { dealId, orderId, clientOrderId, side: 'buy' as const, price: '59800', amount, fee: '0.000001', feeAsset: 'DBTC', time: dealId },
});

describe('market actor emits', () => {
  it('market.state once per lifecycle change, with where it came from and why', async () => {
    const got = listen();
    h = startMarket(settings(), undefined, { onEmitted: (e) => got.all.push(e) });
    await toRunning(h);
    expect(got.of('market.state').map((e) => `${e.from ?? '-'}>${e.state}`)).toEqual([
      '->init.loading',
      'init.loading>cancelAll.cancelling',
      'cancelAll.cancelling>placing.arming',
      'placing.arming>placing.sending',
      'placing.sending>running.trading',
    ]);
    expect(got.of('market.state')[1]?.cause).toBe('xstate.done.actor.loadMarket');
    // Events that change no lifecycle state (prices, the kill-switch region's refresh) tell nothing.
    const before = got.of('market.state').length;
    h.feed.push({ type: 'feed.price', price: '60010' });
    await h.clock.increment(20_000);
    expect(h.pendingNames()).toContain('armKillSwitch');
    await h.resolve('armKillSwitch', { cancellationTimeMs: 80_000 });
    expect(got.of('market.state')).toHaveLength(before);
    h.actor.send({ type: 'stop', reason: 'SIGINT' });
    expect(got.of('market.state').at(-1)).toMatchObject({ state: 'killed.cancelling', from: 'killed.settling', cause: 'stop', stopReason: 'SIGINT' });
  });

  it('market.fill once per newly learned quantity, market.pnl after it, and the counter-order as market.ordersSent', async () => {
    const got = listen();
    h = startMarket(settings(), undefined, { onEmitted: (e) => got.all.push(e) });
    const batch = await toRunning(h);
    expect(got.of('market.ordersSent')).toEqual([{ type: 'market.ordersSent', via: 'bulk', intents: batch }]);
    expect(got.of('market.ordersAnswered')).toEqual([{ type: 'market.ordersAnswered', via: 'bulk', outcomes: placedAll(batch, 1000), fatal: null }]);
    const buy = batch.find((i) => i.level === 1)!;
    h.feed.push(deal(1, 1001, buy.clientOrderId, '0.0004'));
    h.feed.push(deal(1, 1001, buy.clientOrderId, '0.0004')); // redelivered: nothing new
    h.feed.push({
      type: 'feed.order',
      update: { orderId: 1001, clientOrderId: buy.clientOrderId, side: 'buy', price: '59800', amount: '0.001', left: '0', dealStock: '0.001', final: true },
    });
    expect(got.of('market.fill')).toEqual([
      {
        type: 'market.fill',
        dealId: 1,
        orderId: 1001,
        clientOrderId: buy.clientOrderId,
        level: 1,
        side: 'buy',
        price: '59800',
        amount: '0.0004',
        fee: '0.000001',
        feeAsset: 'DBTC',
      },
      {
        type: 'market.fill',
        dealId: null,
        orderId: 1001,
        clientOrderId: buy.clientOrderId,
        level: 1,
        side: 'buy',
        price: '59800',
        amount: '0.0006',
        fee: null,
        feeAsset: null,
      },
    ]);
    expect(got.of('market.pnl')).toHaveLength(2);
    expect(got.of('market.pnl').at(-1)).toMatchObject({ type: 'market.pnl', realisedQuote: '0' });
    expect(got.of('market.pnl').at(-1)?.inventoryBase).toMatch(/^0\.000/);
    // The fill's second report: the deal already counted, so no fill.
    h.feed.push(deal(2, 1001, buy.clientOrderId, '0.0006'));
    expect(got.of('market.fill')).toHaveLength(2);
    const sent = got.of('market.ordersSent').filter((e) => e.via === 'desk');
    expect(sent.flatMap((e) => e.intents).map((i) => `${i.side}#${i.level}`)).toEqual(['sell#2']);
    expect(sent.flatMap((e) => e.intents)).toEqual(h.desk.placed.flatMap((p) => p.intents));
    const counter = h.desk.placed[0]!.intents[0]!;
    const answer = { kind: 'placed' as const, clientOrderId: counter.clientOrderId, orderId: 2001, dealStock: '0', left: counter.amount };
    h.desk.reply({ type: 'desk.result', outcomes: [answer], fatal: null });
    expect(got.of('market.ordersAnswered').at(-1)).toEqual({ type: 'market.ordersAnswered', via: 'desk', outcomes: [answer], fatal: null });
  });

  it('market.batchFailed when an order/bulk call fails as a whole', async () => {
    const got = listen();
    h = startMarket(settings(), undefined, { onEmitted: (e) => got.all.push(e) });
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
    await h.resolve('cancelAll');
    await h.resolve('armKillSwitch', { cancellationTimeMs: 60_000 });
    await h.reject('placeBatch', new MarketIoError('unknownOutcome', 'socket lost after sending'));
    expect(got.of('market.batchFailed')).toEqual([{ type: 'market.batchFailed', outcome: 'unknown', reason: 'socket lost after sending' }]);
  });
});
