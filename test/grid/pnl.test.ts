import { describe, expect, it } from 'vitest';
import { dec } from '../../src/grid/decimal.js';
import { applyTrade, emptyPnl, feeInQuote, openLotsBase, unrealisedPnl, type Trade } from '../../src/grid/pnl.js';
import { BTC_USDT } from './fixtures.js';

const t = (level: number, side: 'buy' | 'sell', price: string, amount: string, fee: string, feeAsset: string): Trade => ({
  level,
  side,
  price: dec(price),
  amount: dec(amount),
  fee: dec(fee),
  feeAsset,
});

describe('pnl', () => {
  it('realises (sell − buy) × amount − both fees for a round trip one level apart (hand-checked)', () => {
    // buy 0.001 at 64000, fee 0.000001 BTC (= 0.064 USDT); sell 0.001 at 65000, fee 0.065 USDT
    // (65000 − 64000) × 0.001 − 0.064 − 0.065 = 0.871
    let book = applyTrade(emptyPnl(), t(4, 'buy', '64000', '0.001', '0.000001', 'BTC'), BTC_USDT);
    expect(book.inventoryBase.toFixed()).toBe('0.000999');
    book = applyTrade(book, t(5, 'sell', '65000', '0.001', '0.065', 'USDT'), BTC_USDT);
    expect(book.realisedQuote.toFixed()).toBe('0.871');
    expect(book.feesQuote.toFixed()).toBe('0.129');
    expect(book.inventoryBase.toFixed()).toBe('-0.000001');
    expect(book.quoteFlow.toFixed()).toBe('0.935'); // −64 + 65 − 0.065
    expect(book.matchedBase.toFixed()).toBe('0.001');
    expect(openLotsBase(book).toFixed()).toBe('0');
  });

  it('matches partially, FIFO, and values open lots at the price', () => {
    let book = applyTrade(emptyPnl(), t(4, 'buy', '64000', '0.002', '0', 'BTC'), BTC_USDT);
    book = applyTrade(book, t(5, 'sell', '65000', '0.0005', '0', 'USDT'), BTC_USDT);
    expect(book.realisedQuote.toFixed()).toBe('0.5');
    // 0.0015 still open from 64000: at 63000 it is worth (63000 − 64000) × 0.0015 = −1.5
    expect(unrealisedPnl(book, dec('63000')).toFixed()).toBe('-1.5');
    // a sell with nothing to match opens a short lot at its level: matched by a buy one level down
    book = applyTrade(book, t(8, 'sell', '68000', '0.001', '0', 'USDT'), BTC_USDT);
    book = applyTrade(book, t(7, 'buy', '67000', '0.001', '0', 'BTC'), BTC_USDT);
    expect(book.realisedQuote.toFixed()).toBe('1.5');
  });

  it('values fees by asset', () => {
    expect(feeInQuote(dec('0.001'), 'BTC', dec('60000'), BTC_USDT).toFixed()).toBe('60');
    expect(feeInQuote(dec('0.5'), 'USDT', dec('60000'), BTC_USDT).toFixed()).toBe('0.5');
    expect(feeInQuote(dec('3'), 'WBT', dec('60000'), BTC_USDT).toFixed()).toBe('0');
  });
});
