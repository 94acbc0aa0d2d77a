import { describe, expect, it } from 'vitest';
import { type WbDeal, type WbDealsUpdate, type WbOrder, type WbOrdersPendingUpdate, decodeFrame } from '../../../src/adapters/whitebit/index.js';
import type { OrderIntent } from '../../../src/grid/index.js';
import {
  WireMappingError,
  dealFromHistory,
  dealFromWs,
  exchangeOrderFromRest,
  orderUpdateFromWs,
  placedOutcome,
} from '../../../src/runtime/exchange/wire-to-domain.js';
import { fixture, fixtureText } from '../../adapters/whitebit/support/fixtures.js';

function decoded<K extends string>(name: string, kind: K) {
  const m = decodeFrame(fixtureText(name));
  if (m.kind !== kind) throw new Error(`${name} decoded as ${m.kind}`);
  return m;
}

const intent: OrderIntent = {
  market: 'BTC_USDT',
  clientOrderId: 'g-s-1',
  level: 3,
  side: 'sell',
  price: '60100',
  amount: '0.001',
  origin: 'plan',
};

describe('wire → domain (protocol doc payloads)', () => {
  it('maps ordersPending_update event 1 to a non-final order update, keeping decimal strings', () => {
    const u = decoded('ws_ordersPending_update.json', 'ordersPending_update') as WbOrdersPendingUpdate;
    expect(orderUpdateFromWs(u)).toEqual({
      orderId: 1212904480922,
      clientOrderId: '',
      side: 'buy',
      price: '90000',
      amount: '1',
      left: '1',
      dealStock: '0',
      final: false,
    });
  });

  it('marks event 3 final (filled or cancelled) and only event 3', () => {
    const u = decoded('ws_ordersPending_update.json', 'ordersPending_update') as WbOrdersPendingUpdate;
    expect(orderUpdateFromWs({ ...u, event: 3 }).final).toBe(true);
    expect(orderUpdateFromWs({ ...u, event: 2 }).final).toBe(false);
  });

  it('maps a deals_update tuple (side 2 = buy) to a Deal', () => {
    const u = decoded('ws_deals_update.json', 'deals_update') as WbDealsUpdate;
    expect(dealFromWs(u)).toEqual({
      dealId: 13674578673,
      orderId: 1212909726406,
      clientOrderId: '',
      side: 'buy',
      price: '0.03084',
      amount: '0.2625',
      fee: '0.0002625',
      feeAsset: 'ETH',
      time: 1738251095.345432,
    });
  });

  it('maps an older deals_update without fee_asset to an empty fee asset', () => {
    const u = decodeFrame('{"id":null,"method":"deals_update","params":[1,2.5,"BTC_USDT",3,"1","2","0.1","c","1","1"]}');
    expect(u.kind).toBe('deals_update');
    expect(dealFromWs(u as WbDealsUpdate)).toMatchObject({ side: 'sell', feeAsset: '' });
  });

  it('maps an executed-history deal', () => {
    const [d] = fixture('rest_post_trade_account_executed_history.json') as WbDeal[];
    expect(dealFromHistory(d as WbDeal)).toEqual({
      dealId: 8846967538,
      orderId: 1164603916051,
      clientOrderId: '',
      side: 'buy',
      price: '3.3419',
      amount: '2.717',
      fee: '0.002717',
      feeAsset: 'SUI',
      time: 1739310711.387599,
    });
  });

  it('maps a /api/v4/orders element to an ExchangeOrder', () => {
    const [o] = fixture('rest_post_orders.json') as WbOrder[];
    expect(exchangeOrderFromRest(o as WbOrder)).toEqual({
      orderId: 3686033640,
      clientOrderId: 'g-b-3',
      side: 'buy',
      price: '40000',
      amount: '2.241379',
      left: '2.241379',
      dealStock: '0',
    });
  });

  it('refuses a REST side that is neither buy nor sell instead of guessing', () => {
    const [o] = fixture('rest_post_orders.json') as WbOrder[];
    expect(() => exchangeOrderFromRest({ ...(o as WbOrder), side: 'long' })).toThrow(WireMappingError);
  });

  it('maps a bulk item result to a placed outcome under the intent client id', () => {
    const items = fixture('rest_post_order_bulk.json') as { result: WbOrder | null }[];
    const placed = items[1]?.result as WbOrder;
    expect(placedOutcome(intent, { ...placed, clientOrderId: '' })).toEqual({
      kind: 'placed',
      clientOrderId: 'g-s-1',
      orderId: 4330889006,
      dealStock: '0',
      left: '0.001',
    });
  });
});
