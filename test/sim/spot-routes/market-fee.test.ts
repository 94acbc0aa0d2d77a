/**
 * The simulator's real fees where clients read them: POST market/fee and market/fee/single
 * (protocol-2 §2.7) and the maker_fee / taker_fee of GET /public/assets that ccxt's
 * fetchTradingFees reads per base asset.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { get } from '../helpers.js';
import { A, Bench, body } from './support.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.start({
    markets: [
      { name: 'BTC_USDT', makerFee: '0.1', takerFee: '0.1', startPrice: '64000' },
      { name: 'ETH_USDT', makerFee: '0.1', takerFee: '0.1', startPrice: '3200' },
      { name: 'SOL_USDT', makerFee: '0.02', takerFee: '0.075', startPrice: '150' },
    ],
  });
});
afterEach(() => bench.close());

describe('market fees', () => {
  it('lists the default pair and every market that differs on market/fee, ignoring market', async () => {
    const r = await bench.rest(A, '/api/v4/market/fee', { market: 'SOL_USDT' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      error: null,
      taker: '0.1',
      maker: '0.1',
      futures_taker: '0.1',
      futures_maker: '0.1',
      rpi_maker_fee_premium: null,
      futures_rpi_maker_fee_premium: null,
      custom_fee: { SOL_USDT: { taker: '0.075', maker: '0.02' } },
    });
  });

  it('answers one market on market/fee/single', async () => {
    expect((await bench.rest(A, '/api/v4/market/fee/single', { market: 'SOL_USDT' })).body).toEqual({ error: null, taker: '0.075', maker: '0.02' });
    const unknown = await bench.rest(A, '/api/v4/market/fee/single', { market: 'NOPE_USDT' });
    expect(unknown.status).toBe(422);
    expect(body(unknown)).toMatchObject({ code: 31, errors: { market: ['Market is not available.'] } });
    expect(body(await bench.rest(A, '/api/v4/market/fee/single', {}))).toMatchObject({ code: 30, errors: { market: ['Market field is required.'] } });
  });

  it('shows the fees on /public/assets by base asset, the highest for a quote-only asset', async () => {
    const assets = (await get(bench.sim.restUrl, '/api/v4/public/assets')).body as Record<string, { maker_fee: string; taker_fee: string }>;
    expect([assets.BTC?.maker_fee, assets.BTC?.taker_fee]).toEqual(['0.1', '0.1']);
    expect([assets.SOL?.maker_fee, assets.SOL?.taker_fee]).toEqual(['0.02', '0.075']);
    expect([assets.USDT?.maker_fee, assets.USDT?.taker_fee]).toEqual(['0.1', '0.1']);
  });
});
