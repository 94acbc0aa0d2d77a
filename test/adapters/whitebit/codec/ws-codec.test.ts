import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorizeCall,
  dealsSubscribeCall,
  depthSubscribeCall,
  ordersPendingSubscribeCall,
  pingCall,
} from '../../../../src/adapters/whitebit/codec/ws-channels.js';
import { decodeFrame, encodeCall, encodeRequest } from '../../../../src/adapters/whitebit/codec/ws-codec.js';
import { fixtureText } from '../support/fixtures.js';

describe('encodeRequest', () => {
  it('writes {id, method, params} with params always an array', () => {
    expect(encodeRequest(7, 'ping')).toBe('{"id":7,"method":"ping","params":[]}');
    expect(JSON.parse(encodeCall(1, authorizeCall('tok')))).toEqual({ id: 1, method: 'authorize', params: ['tok', 'public'] });
  });
  it('nests the deals market list, keeps ordersPending flat, and adds depth per market', () => {
    expect(JSON.parse(encodeCall(4, dealsSubscribeCall(['BTC_USDT', 'ETH_USDT'])))).toEqual({
      id: 4,
      method: 'deals_subscribe',
      params: [['BTC_USDT', 'ETH_USDT']],
    });
    expect(encodeCall(5, ordersPendingSubscribeCall(['BTC_USDT', 'ETH_USDT']))).toBe(
      '{"id":5,"method":"ordersPending_subscribe","params":["BTC_USDT","ETH_USDT"]}',
    );
    expect(encodeCall(3, depthSubscribeCall('BTC_USDT', 20))).toBe('{"id":3,"method":"depth_subscribe","params":["BTC_USDT",20,"0",true]}');
    expect(encodeCall(0, pingCall())).toBe('{"id":0,"method":"ping","params":[]}');
  });
});

describe('decodeFrame on the protocol doc payloads', () => {
  it('pong', () => {
    expect(decodeFrame(fixtureText('ws_pong.json'))).toEqual({ kind: 'pong', id: 0 });
  });

  it('subscribe reply and error replies', () => {
    expect(decodeFrame(fixtureText('ws_subscribe_reply.json'))).toEqual({ kind: 'reply', id: 3, result: { status: 'success' } });
    expect(decodeFrame(fixtureText('ws_reply_error_rate_limit.json'))).toEqual({
      kind: 'replyError',
      id: 9,
      code: 7,
      message: 'too many requests',
    });
    expect(decodeFrame(fixtureText('ws_authorize_error.json'))).toMatchObject({ kind: 'replyError', id: 1, code: 1 });
    // Captured replies put the keys in another order; order is irrelevant.
    expect(decodeFrame('{"error":null,"result":"64010.5","id":12}')).toEqual({ kind: 'reply', id: 12, result: '64010.5' });
  });

  it('lastprice_update', () => {
    expect(decodeFrame(fixtureText('ws_lastprice_update.json'))).toEqual({
      kind: 'lastprice_update',
      market: 'BTC_USDT',
      price: '64010.5',
    });
  });

  it('depth_update snapshot', () => {
    expect(decodeFrame(fixtureText('ws_depth_update_snapshot.json'))).toEqual({
      kind: 'depth_update',
      market: 'BTC_USDT',
      full_reload: true,
      timestamp: 1785730130.6040511,
      update_id: 22216665449,
      past_update_id: undefined,
      event_time: 1785730135.194067,
      asks: [
        ['62957.3', '0.017'],
        ['62961.4', '0.029'],
      ],
      bids: [
        ['62957.2', '0.017'],
        ['62951.7', '0.004'],
      ],
    });
  });

  it('depth_update delta keeps update ids and "0" removals', () => {
    const m = decodeFrame(fixtureText('ws_depth_update_delta.json'));
    expect(m).toMatchObject({
      kind: 'depth_update',
      full_reload: false,
      update_id: 22216668616,
      past_update_id: 22216668570,
      asks: [
        ['62925.8', '0.13'],
        ['62997.2', '0'],
      ],
      bids: [['62820.2', '0.453']],
    });
  });

  it('depth_update delta with asks absent gives an empty side', () => {
    const m = decodeFrame(
      '{"id":null,"method":"depth_update","params":[false,{"timestamp":1,"update_id":5,"past_update_id":4,"bids":[["1","2"]]},"BTC_USDT"]}',
    );
    expect(m).toMatchObject({ kind: 'depth_update', asks: [], bids: [['1', '2']] });
  });

  it('deals_update: the 11-tuple, side 2 = buy, role 2 = taker', () => {
    expect(decodeFrame(fixtureText('ws_deals_update.json'))).toEqual({
      kind: 'deals_update',
      deal_id: 13674578673,
      time: 1738251095.345432,
      market: 'ETH_BTC',
      order_id: 1212909726406,
      price: '0.03084',
      amount: '0.2625',
      fee: '0.0002625',
      client_order_id: '',
      side: 'buy',
      role: 'taker',
      fee_asset: 'ETH',
    });
  });

  it('deals_update with side/role as strings (older capture)', () => {
    const m = decodeFrame('{"id":null,"method":"deals_update","params":[1,2.5,"BTC_USDT",3,"1","2","0","g-1","1","1","USDT"]}');
    expect(m).toMatchObject({ kind: 'deals_update', side: 'sell', role: 'maker', client_order_id: 'g-1' });
  });

  it('ordersPending_update with unknown fields ignored', () => {
    expect(decodeFrame(fixtureText('ws_ordersPending_update.json'))).toEqual({
      kind: 'ordersPending_update',
      event: 1,
      order: {
        id: 1212904480922,
        market: 'BTC_USDT',
        side: 'buy',
        price: '90000',
        amount: '1',
        left: '1',
        deal_stock: '0',
        deal_money: '0',
        client_order_id: '',
        type: 1,
        deal_fee: '0',
        post_only: false,
        ioc: false,
        ctime: 1738250982.28914,
        mtime: 1738250982.28914,
        status: 'OPEN',
        stp: 'no',
      },
    });
  });

  it('ordersPending_update tolerates missing optional fields (older payload)', () => {
    const m = decodeFrame(
      '{"id":null,"method":"ordersPending_update","params":[3,{"id":5,"market":"BTC_USDT","side":1,"price":"1","amount":"2","left":"0","deal_stock":"2","deal_money":"2","taker_fee":"0.001"}]}',
    );
    expect(m).toMatchObject({
      kind: 'ordersPending_update',
      event: 3,
      order: { id: 5, side: 'sell', left: '0', client_order_id: '', status: undefined, type: undefined },
    });
  });

  it('balanceSpot_update', () => {
    expect(decodeFrame(fixtureText('ws_balanceSpot_update.json'))).toEqual({
      kind: 'balanceSpot_update',
      balances: { USDT: { available: '985.5', freeze: '14.5' } },
    });
  });

  it('unknown channels and shapes are `unknown`, not errors', () => {
    expect(decodeFrame('{"id":null,"method":"otoOrdersPending_update","params":[1,{}]}')).toMatchObject({
      kind: 'unknown',
      method: 'otoOrdersPending_update',
    });
    expect(decodeFrame('{"foo":1}')).toMatchObject({ kind: 'unknown', method: undefined });
  });
});

describe('decodeFrame on malformed input', () => {
  it.each([
    ['not JSON', '{"id":', 'not JSON'],
    ['array', '[1,2]', 'not a JSON object'],
    ['params not an array', '{"id":null,"method":"deals_update","params":{}}', 'params must be an array'],
    ['short deal tuple', '{"id":null,"method":"deals_update","params":[1,2,"M"]}', 'tuple'],
    ['price as number', '{"id":null,"method":"deals_update","params":[1,2.5,"M",3,1.5,"2","0","",2,2,"X"]}', 'strings'],
    ['bad side', '{"id":null,"method":"deals_update","params":[1,2.5,"M",3,"1","2","0","",3,2,"X"]}', 'side'],
    ['bad event', '{"id":null,"method":"ordersPending_update","params":[4,{}]}', 'event'],
    ['order without left', '{"id":null,"method":"ordersPending_update","params":[1,{"id":1,"market":"M","side":2,"price":"1","amount":"1"}]}', 'strings'],
    ['depth level as numbers', '{"id":null,"method":"depth_update","params":[true,{"asks":[[1,2]]},"M"]}', 'pairs'],
    ['depth delta without past id', '{"id":null,"method":"depth_update","params":[false,{"update_id":2},"M"]}', 'past_update_id'],
    ['balance without freeze', '{"id":null,"method":"balanceSpot_update","params":[{"USDT":{"available":"1"}}]}', 'USDT'],
    ['lastprice numeric', '{"id":null,"method":"lastprice_update","params":["M",1]}', 'strings'],
    ['reply without result', '{"id":3}', 'without result'],
  ])('%s → decodeError', (_name, text, reason) => {
    const m = decodeFrame(text);
    expect(m.kind).toBe('decodeError');
    if (m.kind === 'decodeError') expect(m.reason).toContain(reason);
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(typeof decodeFrame(s).kind).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary JSON, including frames shaped like channel updates', () => {
    const methods = fc.constantFrom('deals_update', 'ordersPending_update', 'depth_update', 'lastprice_update', 'balanceSpot_update', 'x_update');
    const frame = fc.oneof(
      fc.jsonValue(),
      fc.record({ id: fc.constant(null), method: methods, params: fc.jsonValue() }),
      fc.record({ id: fc.constant(null), method: methods, params: fc.array(fc.jsonValue(), { maxLength: 12 }) }),
      fc.record({ id: fc.integer(), result: fc.jsonValue(), error: fc.jsonValue() }),
    );
    fc.assert(
      fc.property(frame, (v) => {
        const m = decodeFrame(JSON.stringify(v));
        expect(m).toBeTypeOf('object');
      }),
      { numRuns: 3000 },
    );
  });

  it('truncates the offending text in the error value', () => {
    const m = decodeFrame(`{"x":"${'a'.repeat(5000)}`);
    expect(m.kind === 'decodeError' && m.text.length <= 512).toBe(true);
  });
});
