import { describe, expect, it } from 'vitest';
import { dec } from '../../src/grid/decimal.js';
import { checkOrderSize, marketRulesFrom, meetsMinimums, priceTick, quoteToBase, roundAmount, roundPrice } from '../../src/grid/market-rules.js';
import { BTC_USDT, DBTC_DUSDT } from './fixtures.js';

describe('marketRulesFrom', () => {
  it('maps maxTotal "0" to no cap and keeps a real cap', () => {
    expect(BTC_USDT.maxTotal).toBeNull();
    expect(DBTC_DUSDT.maxTotal?.toFixed()).toBe('10000000');
    expect(BTC_USDT.pricePrecision).toBe(2);
    expect(BTC_USDT.amountPrecision).toBe(6);
  });

  it('returns one issue per bad field instead of throwing', () => {
    const r = marketRulesFrom({
      market: 'X_Y',
      baseAsset: 'X',
      quoteAsset: 'Y',
      pricePrecision: '-1',
      amountPrecision: 'six',
      minAmount: '1e-5',
      minTotal: '-5',
      maxTotal: '0',
      makerFeePercent: '0.1',
      takerFeePercent: '0.1',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.field)).toEqual(['pricePrecision', 'amountPrecision', 'minAmount', 'minTotal']);
  });
});

describe('rounding', () => {
  it('snaps prices in the requested direction', () => {
    expect(priceTick(BTC_USDT).toFixed()).toBe('0.01');
    expect(roundPrice(dec('65432.125'), BTC_USDT, 'nearest').toFixed()).toBe('65432.13');
    expect(roundPrice(dec('65432.129'), BTC_USDT, 'down').toFixed()).toBe('65432.12');
    expect(roundPrice(dec('65432.121'), BTC_USDT, 'up').toFixed()).toBe('65432.13');
  });

  it('truncates amounts and quote conversions (never rounds up)', () => {
    expect(roundAmount(dec('0.0012349999'), BTC_USDT).toFixed()).toBe('0.001234');
    // 10 / 60000 = 0.000166666… → 0.000166
    expect(quoteToBase(dec('10'), dec('60000'), BTC_USDT).toFixed()).toBe('0.000166');
    expect(quoteToBase(dec('10'), dec('0'), BTC_USDT).toFixed()).toBe('0');
  });
});

describe('checkOrderSize', () => {
  it('accepts an order at exactly minTotal', () => {
    expect(checkOrderSize(BTC_USDT, dec('50000'), dec('0.0001'))).toEqual([]);
    expect(meetsMinimums(BTC_USDT, dec('50000'), dec('0.0001'))).toBe(true);
  });

  it('names each broken rule', () => {
    const codes = checkOrderSize(BTC_USDT, dec('60000.001'), dec('0.0000051')).map((v) => v.code);
    expect(codes).toEqual(['price-precision', 'amount-precision', 'below-min-amount', 'below-min-total']);
    expect(checkOrderSize(DBTC_DUSDT, dec('100000'), dec('200')).map((v) => v.code)).toEqual(['above-max-total']);
    expect(meetsMinimums(BTC_USDT, dec('40000'), dec('0.0001'))).toBe(false);
  });
});
