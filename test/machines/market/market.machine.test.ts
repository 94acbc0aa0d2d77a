import { afterEach, describe, expect, it } from 'vitest';
import type { OrderIntent } from '../../../src/grid/index.js';
import { MarketIoError } from '../../../src/machines/market/market.io.js';
import { DBTC_DUSDT } from '../../grid/fixtures.js';
import { type MarketHarness, placedAll, settings, startMarket, toRunning } from './market-harness.js';

let h: MarketHarness | undefined;
afterEach(() => h?.actor.stop());

describe('market actor', () => {
  it('loads, cancels, arms the kill-switch before placing, places the plan and runs', async () => {
    h = startMarket();
    expect(h.lifecycle()).toBe('init');
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
    expect(h.lifecycle()).toBe('cancelAll');
    expect(h.calls.at(-1)).toEqual({ name: 'cancelAll', input: { market: 'DBTC_DUSDT' } });
    await h.resolve('cancelAll');
    expect(h.lifecycle()).toBe('placing');
    expect(h.pendingNames()).toEqual(['armKillSwitch']); // nothing placed before the timer is armed
    await h.resolve('armKillSwitch', { cancellationTimeMs: 60_000 });
    const batch = (h.calls.at(-1)?.input as { intents: OrderIntent[] }).intents;
    expect(batch.map((i) => `${i.side}@${i.price}#${i.level}`)).toEqual(['buy@59600#0', 'buy@59800#1', 'sell@60200#3', 'sell@60400#4']);
    await h.resolve('placeBatch', placedAll(batch, 1000));
    expect(h.lifecycle()).toBe('running');
    expect(h.actor.getSnapshot().hasTag('live')).toBe(true);
    expect(h.context().killSwitchDeadline).toBe(60_000);
    expect(h.desk.placed).toEqual([]);
  });

  it('answers a filled buy with a sell one level up, sent to the desk in the same step', async () => {
    h = startMarket();
    const batch = await toRunning(h);
    const buy = batch.find((i) => i.level === 1)!;
    h.feed.push({
      type: 'feed.deal',
      deal: {
        dealId: 1,
        orderId: 1001,
        clientOrderId: buy.clientOrderId,
        side: 'buy',
        price: '59800',
        amount: '0.001',
        fee: '0.000001',
        feeAsset: 'DBTC',
        time: 1,
      },
    });
    h.feed.push({
      type: 'feed.order',
      update: { orderId: 1001, clientOrderId: buy.clientOrderId, side: 'buy', price: '59800', amount: '0.001', left: '0', dealStock: '0.001', final: true },
    });
    // No promise was awaited: the counter-order went out synchronously with the fill.
    expect(h.desk.placed).toHaveLength(1);
    const [counter] = h.desk.placed[0]!.intents;
    expect(counter).toMatchObject({ side: 'sell', level: 2, price: '60000', origin: 'counter' });
    // The same fill reported twice (deal and order update) produced one counter-order.
    h.feed.push({
      type: 'feed.deal',
      deal: {
        dealId: 1,
        orderId: 1001,
        clientOrderId: buy.clientOrderId,
        side: 'buy',
        price: '59800',
        amount: '0.001',
        fee: '0.000001',
        feeAsset: 'DBTC',
        time: 1,
      },
    });
    expect(h.desk.placed).toHaveLength(1);
  });

  it('goes reconnecting on a lost connection and reconciles before trading again', async () => {
    h = startMarket();
    const batch = await toRunning(h);
    h.feed.push({ type: 'connection.down' });
    expect(h.lifecycle()).toBe('reconnecting');
    h.feed.push({ type: 'connection.up' });
    expect(h.lifecycle()).toBe('reconciling');
    const open = batch.map((i, k) => ({
      orderId: 1000 + k,
      clientOrderId: i.clientOrderId,
      side: i.side,
      price: i.price,
      amount: i.amount,
      left: i.amount,
      dealStock: '0',
    }));
    await h.resolve('fetchExchange', { openOrders: open, deals: [] });
    // Reconciling ends by re-arming the kill-switch; with every order found, nothing is placed.
    expect(h.lifecycle()).toBe('placing');
    await h.resolve('armKillSwitch', { cancellationTimeMs: 90_000 });
    expect(h.lifecycle()).toBe('running');
    expect(h.calls.filter((c) => c.name === 'placeBatch')).toHaveLength(1);
    expect(h.desk.placed).toEqual([]);
  });

  it('keeps refreshing the kill-switch while reconnecting, and retries a failed refresh soon', async () => {
    h = startMarket();
    await toRunning(h);
    h.feed.push({ type: 'connection.down' });
    h.clock.increment(20_000);
    expect(h.pendingNames()).toEqual(['armKillSwitch']);
    await h.reject('armKillSwitch', new MarketIoError('retry', 'HTTP 503'));
    h.clock.increment(4_999);
    expect(h.pendingNames()).toEqual([]);
    h.clock.increment(1);
    expect(h.pendingNames()).toEqual(['armKillSwitch']);
    await h.resolve('armKillSwitch', { cancellationTimeMs: 125_000 });
    expect(h.context().killSwitchDeadline).toBe(125_000);
  });

  it('stops trading at once on an auth failure and still tries to clean up', async () => {
    h = startMarket();
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
    await h.reject('cancelAll', new MarketIoError('fatal', 'HTTP 401 unauthorized'));
    expect(h.lifecycle()).toBe('killed');
    expect(h.context().stopReason).toContain('401');
    await h.resolve('cancelAll');
    await h.resolve('disarmKillSwitch');
    expect(h.actor.getSnapshot().status).toBe('done');
  });

  it('kills a market whose plan is invalid, placing nothing', async () => {
    h = startMarket(
      settings({
        spec: {
          market: 'DBTC_DUSDT',
          spacing: 'arithmetic',
          ladder: { kind: 'centered', levelsPerSide: 2, step: '1' },
          amountPerLevel: { unit: 'base', value: '0.001' },
          budget: {},
        },
      }),
    );
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
    expect(h.lifecycle()).toBe('killed');
    expect(h.context().stopReason).toMatch(/invalid plan/);
    expect(h.calls.map((c) => c.name)).not.toContain('placeBatch');
  });

  it('sends an unanswered batch to reconciling, which finds the orders by client id', async () => {
    h = startMarket();
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
    await h.resolve('cancelAll');
    await h.resolve('armKillSwitch', { cancellationTimeMs: 60_000 });
    const batch = (h.calls.at(-1)?.input as { intents: OrderIntent[] }).intents;
    await h.reject('placeBatch', new MarketIoError('unknownOutcome', 'socket lost after sending'));
    expect(h.lifecycle()).toBe('reconciling');
    // Only two of the four made it; the other two are owed again and placed once, by the desk.
    const open = batch
      .slice(0, 2)
      .map((i, k) => ({ orderId: 1000 + k, clientOrderId: i.clientOrderId, side: i.side, price: i.price, amount: i.amount, left: i.amount, dealStock: '0' }));
    await h.resolve('fetchExchange', { openOrders: open, deals: [] });
    await h.resolve('armKillSwitch', { cancellationTimeMs: 90_000 });
    const replaced = (h.calls.at(-1)?.input as { intents: OrderIntent[] }).intents;
    expect(replaced.map((i) => i.level).sort()).toEqual(
      batch
        .slice(2)
        .map((i) => i.level)
        .sort(),
    );
    expect(replaced.every((i) => !batch.some((b) => b.clientOrderId === i.clientOrderId))).toBe(true);
    await h.resolve('placeBatch', placedAll(replaced, 2000));
    expect(h.lifecycle()).toBe('running');
  });

  it('on stop cancels the market spot orders, disarms, and finishes', async () => {
    h = startMarket();
    await toRunning(h);
    h.actor.send({ type: 'stop', reason: 'SIGINT' });
    expect(h.lifecycle()).toBe('killed');
    await h.resolve('cancelAll');
    await h.resolve('disarmKillSwitch');
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.context().killSwitchDeadline).toBeNull();
    expect(h.context().stopReason).toBe('SIGINT');
  });

  it('a deal that fills a counter-order in full before the desk answers frees its level: the next counter there goes at once', async () => {
    h = startMarket();
    const batch = await toRunning(h);
    const buy1 = batch.find((i) => i.level === 1)!;
    const sell3 = batch.find((i) => i.level === 3)!;
    const deal = (dealId: number, orderId: number, clientOrderId: string, side: 'buy' | 'sell', price: string) => ({
      type: 'feed.deal' as const,
      deal: { dealId, orderId, clientOrderId, side, price, amount: '0.001', fee: '0.000001', feeAsset: 'DBTC', time: dealId },
    });
    const sent = () => h!.desk.placed.flatMap((p) => p.intents).map((i) => `${i.side}#${i.level}`);
    h.feed.push(deal(1, 1001, buy1.clientOrderId, 'buy', '59800'));
    const sell2 = h.desk.placed[0]!.intents[0]!;
    expect(sell2).toMatchObject({ side: 'sell', level: 2 });
    // The counter-sell at 2 is taken before the desk's answer (or any order report) came back.
    h.feed.push(deal(2, 2001, sell2.clientOrderId, 'sell', '60000'));
    expect(sent()).toEqual(['sell#2', 'buy#1']);
    expect(h.context().book?.orders.has(2)).toBe(false);
    // The sell at 3 fills: its counter-buy at 2 leaves in the same step, not after that answer.
    h.feed.push(deal(3, 1002, sell3.clientOrderId, 'sell', '60200'));
    expect(sent()).toEqual(['sell#2', 'buy#1', 'buy#2']);
    // The late answer and final report of the sell at 2 change nothing: one counter-order per fill.
    h.desk.reply({
      type: 'desk.result',
      outcomes: [{ kind: 'placed', clientOrderId: sell2.clientOrderId, orderId: 2001, dealStock: '0', left: '0.001' }],
      fatal: null,
    });
    h.feed.push({
      type: 'feed.order',
      update: { orderId: 2001, clientOrderId: sell2.clientOrderId, side: 'sell', price: '60000', amount: '0.001', left: '0', dealStock: '0.001', final: true },
    });
    expect(sent()).toEqual(['sell#2', 'buy#1', 'buy#2']);
    expect(h.context().book?.orders.get(2)?.side).toBe('buy');
    expect(h.lifecycle()).toBe('running');
  });

  it('restarted from a book whose counter-order was in flight: reconcile finds it filled, frees its level, and the level trades again', async () => {
    // The first process: the buy at level 1 fills, its counter-sell at level 2 goes to the desk; the
    // process dies before the desk answers (the book the journal restores has it `sending`).
    const first = startMarket();
    const batch = await toRunning(first);
    const buy = batch.find((i) => i.level === 1)!;
    const deal = (dealId: number, orderId: number, clientOrderId: string, side: 'buy' | 'sell', price: string) => ({
      dealId,
      orderId,
      clientOrderId,
      side,
      price,
      amount: '0.001',
      fee: '0.000001',
      feeAsset: 'DBTC',
      time: dealId,
    });
    first.feed.push({ type: 'feed.deal', deal: deal(1, 1001, buy.clientOrderId, 'buy', '59800') });
    const counter = first.desk.placed[0]!.intents[0]!;
    expect(counter).toMatchObject({ level: 2, side: 'sell' });
    const restored = first.context().book!;
    expect(restored.orders.get(2)?.state).toBe('sending');
    first.actor.stop();

    // While no bot ran, that counter-sell rested (order 2001) and filled.
    h = startMarket(settings({ onStart: 'adopt', restore: restored, firstSeq: restored.nextSeq }));
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
    expect(h.lifecycle()).toBe('reconciling');
    expect(h.context().book?.orders.get(2)?.state).toBe('unknown');
    const open = batch
      .filter((i) => i.level !== 1)
      .map((i) => ({
        orderId: 1000 + batch.indexOf(i),
        clientOrderId: i.clientOrderId,
        side: i.side,
        price: i.price,
        amount: i.amount,
        left: i.amount,
        dealStock: '0',
      }));
    await h.resolve('fetchExchange', {
      openOrders: open,
      deals: [deal(1, 1001, buy.clientOrderId, 'buy', '59800'), deal(2, 2001, counter.clientOrderId, 'sell', '60000')],
    });
    await h.resolve('armKillSwitch', { cancellationTimeMs: 90_000 });
    // The missed fill's counter-buy at level 1, once; nothing at level 2.
    const missed = (h.calls.at(-1)?.input as { intents: OrderIntent[] }).intents;
    expect(missed.map((i) => `${i.side}#${i.level}`)).toEqual(['buy#1']);
    await h.resolve('placeBatch', placedAll(missed, 3000));
    expect(h.lifecycle()).toBe('running');
    expect(h.context().book?.orders.has(2)).toBe(false);
    // A live fill of that buy: its counter-sell goes to level 2, which the lost answer no longer holds.
    h.feed.push({ type: 'feed.deal', deal: deal(3, 3000, missed[0]!.clientOrderId, 'buy', '59800') });
    expect(h.desk.placed.flatMap((p) => p.intents).map((i) => `${i.side}#${i.level}`)).toEqual(['sell#2']);
  });
});
