import { BehaviorSubject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type WbWsUpdate, decodeFrame } from '../../../src/adapters/whitebit/index.js';
import type { ClientEvent, ConnectionStatus } from '../../../src/machines/connection/connection.types.js';
import { FrameRouter } from '../../../src/machines/connection/frame-router.js';
import { createFeedActor } from '../../../src/runtime/exchange/feed-actor.js';
import { fixtureText } from '../../adapters/whitebit/support/fixtures.js';
import { type ChildHarness, startChildren } from './support/child-harness.js';

let h: ChildHarness | undefined;
afterEach(() => h?.stop());

function update(text: string): WbWsUpdate {
  return decodeFrame(text) as WbWsUpdate;
}

function setup(market = 'BTC_USDT') {
  const router = new FrameRouter(() => {});
  const sent: ClientEvent[] = [];
  const status$ = new BehaviorSubject<ConnectionStatus>('down');
  const logic = createFeedActor({ router, connection: { send: (e) => sent.push(e) }, status$ });
  h = startChildren({ feed: { logic, input: { market } } });
  return { router, sent, status$, h };
}

describe('feed actor', () => {
  it('asks the connection for ordersPending, deals and lastprice of its market', () => {
    const { sent } = setup();
    expect(sent).toEqual([
      { type: 'subscribe', channel: 'ordersPending', key: 'BTC_USDT' },
      { type: 'subscribe', channel: 'deals', key: 'BTC_USDT' },
      { type: 'subscribe', channel: 'lastprice', key: 'BTC_USDT' },
    ]);
  });

  it('maps routed updates to market events synchronously, in arrival order', () => {
    const { router, h } = setup();
    h.events.length = 0;
    router.route(update(fixtureText('ws_ordersPending_update.json')));
    // Delivered inside route(): no await between the frame and the market event.
    expect(h.events.map((e) => e.type)).toEqual(['feed.order']);
    router.route(update('{"id":null,"method":"deals_update","params":[5,1.5,"BTC_USDT",1212904480922,"90000","0.5","0.1","",2,1,"BTC"]}'));
    router.route(update('{"id":null,"method":"lastprice_update","params":["BTC_USDT","90001"]}'));
    router.route(update('{"id":null,"method":"lastprice_update","params":["ETH_USDT","3000"]}')); // another market's
    expect(h.events).toEqual([
      {
        type: 'feed.order',
        update: { orderId: 1212904480922, clientOrderId: '', side: 'buy', price: '90000', amount: '1', left: '1', dealStock: '0', final: false },
      },
      {
        type: 'feed.deal',
        deal: { dealId: 5, orderId: 1212904480922, clientOrderId: '', side: 'buy', price: '90000', amount: '0.5', fee: '0.1', feeAsset: 'BTC', time: 1.5 },
      },
      { type: 'feed.price', price: '90001' },
    ]);
  });

  it('forwards the connection status, current value first', () => {
    const { status$, h } = setup();
    status$.next('up');
    status$.next('down');
    expect(h.events.map((e) => e.type)).toEqual(['connection.down', 'connection.up', 'connection.down']);
  });

  it('unsubscribes and stops receiving once stopped', () => {
    const { router, sent, h, status$ } = setup();
    h.stop();
    expect(sent.slice(3)).toEqual([
      { type: 'unsubscribe', channel: 'ordersPending', key: 'BTC_USDT' },
      { type: 'unsubscribe', channel: 'deals', key: 'BTC_USDT' },
      { type: 'unsubscribe', channel: 'lastprice', key: 'BTC_USDT' },
    ]);
    const before = h.events.length;
    router.route(update('{"id":null,"method":"lastprice_update","params":["BTC_USDT","1"]}'));
    status$.next('up');
    expect(h.events).toHaveLength(before);
    expect(router.stats.unrouted).toBe(1);
  });
});
