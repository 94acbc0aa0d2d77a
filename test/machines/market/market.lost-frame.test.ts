/**
 * A private frame lost unread (`feed.lost`): the reconcile it asks for must reach back to the deal
 * the frame may have carried, although later deals of other frames (read fine) moved the book's
 * newest deal time on meanwhile (chaos frames-corrupt seed 3: a burst crossing a second boundary,
 * the journal one fill behind the exchange).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Fill, OrderIntent } from '../../../src/grid/index.js';
import { LOST_DEAL_MARGIN_SEC } from '../../../src/machines/market/lost-deals.js';
import { listedUntouched } from '../../grid/ledger-support.js';
import { type MarketHarness, placedAll, startMarket, toRunning } from './market-harness.js';

let h: MarketHarness | undefined;
afterEach(() => h?.actor.stop());

/** A partial fill (below the minimums: no counter-order, the order stays live). */
function deal(dealId: number, orderId: number, intent: OrderIntent, time: number): Fill {
  return { dealId, orderId, clientOrderId: intent.clientOrderId, side: intent.side, price: intent.price, amount: '0.0001', fee: '0', feeAsset: 'DUSDT', time };
}

/** Answers the pending fetch with the book's orders open, and re-arms: the market runs again. */
async function finishReconcile(m: MarketHarness): Promise<void> {
  const open = [...(m.context().book?.orders.values() ?? [])].filter((o) => o.state === 'live').map(listedUntouched);
  // An earlier fetch the socket's loss abandoned answers first (ignored), then the current one.
  while (m.pendingNames().includes('fetchExchange')) await m.resolve('fetchExchange', { openOrders: open, deals: [] });
  await m.resolve('armKillSwitch', { cancellationTimeMs: 60_000 });
  // A counter-order the partial fills now owe goes out in the placing that ends every reconcile.
  const placing = m.calls.at(-1);
  if (m.pendingNames().includes('placeBatch') && placing !== undefined) {
    await m.resolve('placeBatch', placedAll((placing.input as { intents: OrderIntent[] }).intents, 5000));
  }
}

/** The `sinceSec` of the newest fetchExchange call. */
function fetchedSince(m: MarketHarness): number | null {
  const call = m.calls.filter((c) => c.name === 'fetchExchange').at(-1);
  if (call === undefined) throw new Error('no fetchExchange call');
  return (call.input as { sinceSec: number | null }).sinceSec;
}

describe('market actor: a lost private frame', () => {
  it('reconciles from before the newest deal it knows, so a lost deal older than the next one read is fetched', async () => {
    h = startMarket();
    const batch = await toRunning(h);
    h.feed.push({ type: 'feed.deal', deal: deal(1, 1000, batch[0]!, 1_000.2) });
    // Deal 2 (order 1001, 1 000.9) came in a frame that could not be read; deal 3 of the next frame could.
    h.feed.push({ type: 'feed.deal', deal: deal(3, 1003, batch[3]!, 1_001.1) });
    h.feed.push({ type: 'feed.lost' });
    expect(h.lifecycle()).toBe('reconciling');
    const since = fetchedSince(h);
    expect(since).not.toBeNull();
    expect(since!).toBeLessThanOrEqual(1_000.9);
    expect(since!).toBeGreaterThanOrEqual(1_001.1 - LOST_DEAL_MARGIN_SEC);
  });

  it('keeps reaching back until a fetch begun after the loss has answered', async () => {
    h = startMarket();
    const batch = await toRunning(h);
    h.feed.push({ type: 'feed.deal', deal: deal(1, 1000, batch[0]!, 1_000.2) });
    h.feed.push({ type: 'feed.lost' });
    const first = fetchedSince(h);
    expect(first).toBe(1_000.2 - LOST_DEAL_MARGIN_SEC);
    // The socket drops mid-fetch: the reconcile after the reconnect still reaches back.
    h.feed.push({ type: 'connection.down' });
    h.feed.push({ type: 'feed.deal', deal: deal(3, 1003, batch[3]!, 1_100) });
    h.feed.push({ type: 'connection.up' });
    expect(h.lifecycle()).toBe('reconciling');
    expect(fetchedSince(h)).toBe(first);
    // That fetch answers: the next reconcile (no frame lost) starts from the newest deal again.
    await finishReconcile(h);
    expect(h.lifecycle()).toBe('running');
    h.feed.push({ type: 'connection.down' });
    h.feed.push({ type: 'connection.up' });
    expect(fetchedSince(h)).toBe(1_100);
  });

  it('reaches back for a frame lost while a fetch was in flight, in the reconcile after it', async () => {
    h = startMarket();
    const batch = await toRunning(h);
    h.feed.push({ type: 'connection.down' });
    h.feed.push({ type: 'connection.up' });
    expect(fetchedSince(h)).toBeNull(); // no deal known yet: the whole history
    h.feed.push({ type: 'feed.deal', deal: deal(3, 1003, batch[3]!, 2_000) });
    h.feed.push({ type: 'feed.lost' });
    h.feed.push({ type: 'feed.deal', deal: deal(4, 1002, batch[2]!, 2_003) });
    await finishReconcile(h);
    expect(h.lifecycle()).toBe('reconciling');
    expect(h.calls.filter((c) => c.name === 'fetchExchange')).toHaveLength(2);
    expect(fetchedSince(h)).toBe(2_000 - LOST_DEAL_MARGIN_SEC);
  });
});
