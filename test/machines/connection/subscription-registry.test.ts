import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Channel,
  type SubscriptionRegistry,
  emptyRegistry,
  resubscribeAll,
  subscribe,
  unsubscribe,
} from '../../../src/machines/connection/subscription-registry.js';

describe('subscription registry', () => {
  it('re-sends the whole set of a replace-channel on every change', () => {
    let r = emptyRegistry;
    const a = subscribe(r, 'ordersPending', 'BTC_USDT');
    r = a.registry;
    expect(a.requests).toEqual([{ method: 'ordersPending_subscribe', params: ['BTC_USDT'] }]);
    const b = subscribe(r, 'ordersPending', 'ETH_USDT');
    expect(b.requests).toEqual([{ method: 'ordersPending_subscribe', params: ['BTC_USDT', 'ETH_USDT'] }]);
  });

  it('nests the deals market list one level deeper', () => {
    const { requests } = subscribe(emptyRegistry, 'deals', 'BTC_USDT');
    expect(requests).toEqual([{ method: 'deals_subscribe', params: [['BTC_USDT']] }]);
  });

  it('adds depth one market at a time with the multi-subscription flag', () => {
    const a = subscribe(emptyRegistry, 'depth', 'BTC_USDT');
    const b = subscribe(a.registry, 'depth', 'ETH_USDT');
    expect(b.requests).toEqual([{ method: 'depth_subscribe', params: ['ETH_USDT', 20, '0', true] }]);
    expect(unsubscribe(b.registry, 'depth', 'BTC_USDT').requests).toEqual([{ method: 'depth_unsubscribe', params: ['BTC_USDT'] }]);
  });

  it('unsubscribes a replace-channel entirely when its last key leaves', () => {
    const a = subscribe(emptyRegistry, 'lastprice', 'BTC_USDT');
    expect(unsubscribe(a.registry, 'lastprice', 'BTC_USDT').requests).toEqual([{ method: 'lastprice_unsubscribe', params: [] }]);
  });

  it('sends nothing for a duplicate subscribe or an absent unsubscribe', () => {
    const a = subscribe(emptyRegistry, 'lastprice', 'BTC_USDT');
    expect(subscribe(a.registry, 'lastprice', 'BTC_USDT').requests).toEqual([]);
    expect(unsubscribe(a.registry, 'lastprice', 'ETH_USDT').requests).toEqual([]);
  });

  it('rebuilds exactly the registered state after a reconnect (property)', () => {
    const channels: Channel[] = ['lastprice', 'ordersPending', 'deals', 'balanceSpot', 'depth'];
    const op = fc.record({
      add: fc.boolean(),
      channel: fc.constantFrom(...channels),
      key: fc.constantFrom('A_B', 'C_D', 'E_F', 'G_H'),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let r: SubscriptionRegistry = emptyRegistry;
        // A model of what the server holds after each request, with WhiteBIT's replace semantics.
        const server = new Map<string, string[]>();
        const apply = (method: string, params: readonly unknown[]) => {
          const [channel, verb] = method.split('_') as [string, string];
          if (channel === 'depth') {
            const cur = server.get('depth') ?? [];
            const m = params[0] as string;
            server.set('depth', verb === 'subscribe' ? [...cur, m] : cur.filter((x) => x !== m));
          } else if (verb === 'unsubscribe') {
            server.delete(channel);
          } else {
            server.set(channel, (channel === 'deals' ? params[0] : params) as string[]);
          }
        };
        for (const o of ops) {
          const change = o.add ? subscribe(r, o.channel, o.key) : unsubscribe(r, o.channel, o.key);
          r = change.registry;
          for (const q of change.requests) apply(q.method, q.params);
        }
        const held = () => channels.map((c) => [...(server.get(c) ?? [])].sort());
        // Incremental requests kept the server in step with the registry...
        expect(held()).toEqual(channels.map((c) => [...r[c]]));
        // ...and a fresh connection rebuilt from the registry holds the same.
        server.clear();
        for (const q of resubscribeAll(r)) apply(q.method, q.params);
        expect(held()).toEqual(channels.map((c) => [...r[c]]));
      }),
    );
  });
});
