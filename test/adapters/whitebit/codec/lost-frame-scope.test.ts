/** Which private channel and market an unreadable frame may have concerned, from its raw text. */
import { describe, expect, it } from 'vitest';
import { lostFrameScope } from '../../../../src/adapters/whitebit/codec/ws-codec.js';

const ORDER = '{"id":null,"method":"ordersPending_update","params":[3,{"id":1212904480922,"market":"BTC_USDT","type":1,"side":2,';
const DEAL = '{"id":null,"method":"deals_update","params":[13674578673,1738251095.345432,"ETH_BTC",1212909726406,"0.0';

describe('lostFrameScope', () => {
  it('names the channel and market of a cut ordersPending or deals update', () => {
    expect(lostFrameScope(ORDER, undefined)).toEqual({ channel: 'ordersPending', market: 'BTC_USDT' });
    expect(lostFrameScope(DEAL, undefined)).toEqual({ channel: 'deals', market: 'ETH_BTC' });
  });

  it('uses the decoder’s method when it got that far, and no market for balanceSpot', () => {
    expect(lostFrameScope('{"id":null,"method":"balanceSpot_update","params":[{"USDT":{}}]}', 'balanceSpot_update')).toEqual({
      channel: 'balanceSpot',
      market: null,
    });
  });

  it('leaves public updates and replies alone', () => {
    expect(lostFrameScope('{"id":null,"method":"depth_update","params":[true,{"asks":[["1', undefined)).toBeNull();
    expect(lostFrameScope('{"id":null,"method":"lastprice_update","params":["BTC_USDT","1"]}', 'lastprice_update')).toBeNull();
    expect(lostFrameScope('{"id":12,"result":{"status":"su', undefined)).toBeNull();
  });

  it('calls a frame it cannot place unknown, with a market only when one is written in it', () => {
    expect(lostFrameScope('{"id":nu', undefined)).toEqual({ channel: 'unknown', market: null });
    expect(lostFrameScope('\u0000\u00ff garbage "DBTC_DUSDT" more', undefined)).toEqual({ channel: 'unknown', market: 'DBTC_DUSDT' });
  });
});
