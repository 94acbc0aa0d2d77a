import { afterEach, describe, expect, it } from 'vitest';
import type { WbNewOrderRequest } from '../../../src/adapters/whitebit/index.js';
import { createDeskActor } from '../../../src/runtime/exchange/desk-actor.js';
import { KillSwitchLeases } from '../../../src/runtime/exchange/kill-switch-lease.js';
import { createOrderRouter } from '../../../src/runtime/exchange/order-router.js';
import { type ChildHarness, startChildren } from './support/child-harness.js';
import { intentsOf, restingOrder, stubPlacementRest } from './support/stub-rest.js';

let h: ChildHarness | undefined;
afterEach(() => h?.stop());

describe('kill-switch leases', () => {
  it('allow placing while the lease has more than the margin left, refuse from then on, until the next arm', () => {
    let now = 1_000_000;
    const leases = new KillSwitchLeases({ now: () => now, marginMs: 10_000 });
    expect(leases.refusal('BTC_USDT')).toBeNull(); // never armed: its machine arms before it places
    leases.armed('BTC_USDT', now, 60);
    now += 49_999;
    expect(leases.refusal('BTC_USDT')).toBeNull();
    now += 2;
    expect(leases.refusal('BTC_USDT')).toMatch(/kill-switch lapses in 10 s/);
    now += 20_000;
    expect(leases.refusal('BTC_USDT')).toMatch(/kill-switch lapsed/);
    expect(leases.refusal('ETH_USDT')).toBeNull(); // per market
    leases.armed('BTC_USDT', now, 60);
    expect(leases.refusal('BTC_USDT')).toBeNull();
    leases.armed('BTC_USDT', now - 60_000, 60);
    leases.disarmed('BTC_USDT');
    expect(leases.refusal('BTC_USDT')).toBeNull();
  });

  it('the lease runs from when the arm request left, not from the exchange clock', () => {
    let now = 5_000;
    const leases = new KillSwitchLeases({ now: () => now, marginMs: 1_000 });
    const sentAt = leases.stamp();
    now += 4_000; // a slow answer: the lease still ends timeout after the request left
    leases.armed('BTC_USDT', sentAt, 6);
    now = sentAt + 5_001;
    expect(leases.refusal('BTC_USDT')).not.toBeNull();
  });

  it('the desk sends nothing for a market whose lease is ending and answers notSent, so the market retries later', async () => {
    let now = 0;
    const leases = new KillSwitchLeases({ now: () => now, marginMs: 10_000 });
    leases.armed('BTC_USDT', 0, 60);
    const rest = stubPlacementRest((c) => Promise.resolve(restingOrder(c.body as WbNewOrderRequest)));
    h = startChildren({ desk: { logic: createDeskActor(createOrderRouter({ rest, socket: null }), { leases }), input: { market: 'BTC_USDT' } } });
    now = 55_000;
    h.send('desk', { type: 'desk.place', market: 'BTC_USDT', intents: intentsOf(2) });
    const refused = await h.waitFor((e) => e.type === 'desk.result');
    expect(rest.calls).toHaveLength(0);
    expect(refused).toEqual({
      type: 'desk.result',
      outcomes: [
        { kind: 'notSent', clientOrderId: 'g-0', reason: expect.stringMatching(/kill-switch/) },
        { kind: 'notSent', clientOrderId: 'g-1', reason: expect.stringMatching(/kill-switch/) },
      ],
      fatal: null,
    });
    leases.armed('BTC_USDT', now, 60);
    h.send('desk', { type: 'desk.place', market: 'BTC_USDT', intents: intentsOf(1) });
    expect(rest.calls).toHaveLength(1);
  });
});
