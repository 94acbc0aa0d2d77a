/**
 * Issue 14, "The grid must not shrink silently", at the machine: a counter-order refused as
 * post-only waits for price, is told (`market.waiting`, `book.waiting`), and is sent once, with a
 * fresh client id, by the first price event that lets it rest; placing and a restored book too.
 * Before: the refusal was logged and the level stayed empty until some other order left the book.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderIntent } from '../../../src/grid/index.js';
import type { MarketEmitted } from '../../../src/machines/market/market.emitted.js';
import { DBTC_DUSDT } from '../../grid/fixtures.js';
import { type MarketHarness, placedAll, settings, startMarket, toRunning } from './market-harness.js';

let h: MarketHarness | undefined;
afterEach(() => h?.actor.stop());

/** The buy at level 1 (59800) fills: its counter sell@2 (60000) goes to the desk. */
function fillBuy1(m: MarketHarness, batch: readonly OrderIntent[]): OrderIntent {
  const buy = batch.find((i) => i.level === 1)!;
  m.feed.push({
    type: 'feed.order',
    update: { orderId: 1001, clientOrderId: buy.clientOrderId, side: 'buy', price: '59800', amount: '0.001', left: '0', dealStock: '0.001', final: true },
  });
  const sent = m.desk.placed.at(-1)!.intents[0]!;
  expect(sent).toMatchObject({ side: 'sell', level: 2, price: '60000' });
  return sent;
}

const refused = (i: OrderIntent) => ({
  type: 'desk.result' as const,
  outcomes: [{ kind: 'rejected' as const, clientOrderId: i.clientOrderId, reason: 'post-only rejected (code 13)', wouldTake: true }],
  fatal: null,
});

describe('market actor: levels waiting for price', () => {
  it('a refused counter-order waits, is told, and is sent once with a fresh id when the price is back below it', async () => {
    const emitted: MarketEmitted[] = [];
    h = startMarket(settings(), undefined, { onEmitted: (e) => emitted.push(e) });
    const batch = await toRunning(h);
    const sell = fillBuy1(h, batch);
    // The price ran past 60000 while the sell was on its way: refused as post-only.
    h.feed.push({ type: 'feed.price', price: '60100' });
    h.desk.reply(refused(sell));
    expect(h.lifecycle()).toBe('running');
    expect(h.context().book?.waiting.size).toBe(1);
    expect(emitted.filter((e) => e.type === 'market.waiting')).toEqual([{ type: 'market.waiting', waiting: 1 }]);
    const placedBefore = h.desk.placed.length;
    // Prices at or above the level release nothing.
    h.feed.push({ type: 'feed.price', price: '60050' });
    h.feed.push({ type: 'feed.price', price: '60000' });
    expect(h.desk.placed).toHaveLength(placedBefore);
    // Below it: sent at once, with a fresh client id.
    h.feed.push({ type: 'feed.price', price: '59950' });
    expect(h.desk.placed).toHaveLength(placedBefore + 1);
    const again = h.desk.placed.at(-1)!.intents;
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ side: 'sell', level: 2, price: '60000', amount: sell.amount, origin: 'counter' });
    expect(again[0]!.clientOrderId).not.toBe(sell.clientOrderId);
    expect(h.context().book?.waiting.size).toBe(0);
    expect(emitted.filter((e) => e.type === 'market.waiting').at(-1)).toEqual({ type: 'market.waiting', waiting: 0 });
    // Exactly once.
    h.feed.push({ type: 'feed.price', price: '59900' });
    expect(h.desk.placed).toHaveLength(placedBefore + 1);
  });

  it('a plan order refused while placing waits, and a price event in placing owes it for the next batch', async () => {
    h = startMarket();
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
    await h.resolve('cancelAll');
    await h.resolve('armKillSwitch', { cancellationTimeMs: 60_000 });
    const batch = (h.calls.at(-1)?.input as { intents: OrderIntent[] }).intents;
    const sell3 = batch.find((i) => i.level === 3)!;
    const outcomes = placedAll(batch, 1000).map((o) =>
      o.clientOrderId === sell3.clientOrderId ? { kind: 'rejected' as const, clientOrderId: o.clientOrderId, reason: 'post-only', wouldTake: true } : o,
    );
    await h.resolve('placeBatch', outcomes);
    expect(h.lifecycle()).toBe('running');
    expect(h.context().book?.waiting.size).toBe(1);
    expect(h.desk.placed).toEqual([]);
    h.feed.push({ type: 'feed.price', price: '60150' });
    expect(h.desk.placed).toHaveLength(1);
    expect(h.desk.placed[0]!.intents[0]).toMatchObject({ side: 'sell', level: 3, price: '60200', origin: 'plan' });
  });

  it('outside running, a releasing price owes the level and reconciling places it', async () => {
    h = startMarket();
    const batch = await toRunning(h);
    const sell = fillBuy1(h, batch);
    h.desk.reply(refused(sell));
    h.feed.push({ type: 'connection.down' });
    expect(h.lifecycle()).toBe('reconnecting');
    h.feed.push({ type: 'feed.price', price: '59900' });
    expect(h.context().book?.waiting.size).toBe(0);
    expect(h.desk.placed).toHaveLength(1); // nothing sent while reconnecting
    h.feed.push({ type: 'connection.up' });
    // Every plan order rests but the filled buy at 1 (ids as placedAll gave them).
    const open = batch
      .map((i, k) => ({ orderId: 1000 + k, clientOrderId: i.clientOrderId, side: i.side, price: i.price, amount: i.amount, left: i.amount, dealStock: '0' }))
      .filter((o) => o.clientOrderId !== batch.find((i) => i.level === 1)!.clientOrderId);
    await h.resolve('fetchExchange', { openOrders: open, deals: [] });
    await h.resolve('armKillSwitch', { cancellationTimeMs: 90_000 });
    const placed = (h.calls.at(-1)?.input as { intents: OrderIntent[] }).intents;
    expect(placed.map((i) => `${i.side}@${i.level} ${i.origin}`)).toEqual(['sell@2 counter']);
  });

  it('a restored book keeps its waiting levels and tells them once loaded', async () => {
    const first = startMarket();
    const batch = await toRunning(first);
    const sell = fillBuy1(first, batch);
    first.desk.reply(refused(sell));
    const book = first.context().book!;
    first.actor.stop();
    const emitted: MarketEmitted[] = [];
    h = startMarket(settings({ onStart: 'adopt', restore: book }), undefined, { onEmitted: (e) => emitted.push(e) });
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60100' });
    expect(h.context().book?.waiting.size).toBe(1);
    expect(emitted.filter((e) => e.type === 'market.waiting')).toEqual([{ type: 'market.waiting', waiting: 1 }]);
  });
});
