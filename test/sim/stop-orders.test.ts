/**
 * The trigger book (issue 16, point 1), without an exchange: direction from the last price at
 * placement, every print of a sweep counts, each stop is handed out once and in placement order.
 */
import { describe, expect, it } from 'vitest';
import { D } from '../../src/sim/decimal.js';
import { activationCondition, TriggerBook, type ActivationCondition } from '../../src/sim/stop-orders.js';

const order = (id: number, market = 'BTC_USDT') => ({ id, market });
const trigger = (price: string, condition: ActivationCondition) => ({ activationPrice: new D(price), condition });

describe('activationCondition', () => {
  it('is gte above the last price, lte below it, and none at it', () => {
    expect(activationCondition(new D('101'), new D('100'))).toBe('gte');
    expect(activationCondition(new D('99.5'), new D('100'))).toBe('lte');
    expect(activationCondition(new D('100.00'), new D('100'))).toBeNull();
  });
});

describe('TriggerBook', () => {
  it('fires a gte stop on a print at or above it and an lte stop on a print at or below it, nothing else', () => {
    const book = new TriggerBook<{ id: number; market: string }>();
    book.add(order(1), trigger('105', 'gte'));
    book.add(order(2), trigger('95', 'lte'));
    book.noteTrade('BTC_USDT', new D('104.99'));
    book.noteTrade('BTC_USDT', new D('95.01'));
    expect(book.takeTriggered()).toEqual([]);
    book.noteTrade('BTC_USDT', new D('105'));
    expect(book.takeTriggered().map((o) => o.id)).toEqual([1]);
    book.noteTrade('BTC_USDT', new D('90'));
    expect(book.takeTriggered().map((o) => o.id)).toEqual([2]);
    expect(book.size).toBe(0);
  });

  it('counts every print of a sweep, not just the last one', () => {
    const book = new TriggerBook<{ id: number; market: string }>();
    book.add(order(7), trigger('96', 'lte'));
    for (const p of ['95', '96.5', '97']) book.noteTrade('BTC_USDT', new D(p));
    expect(book.takeTriggered().map((o) => o.id)).toEqual([7]);
  });

  it('hands each stop out once, in order-id order, and forgets prints once taken', () => {
    const book = new TriggerBook<{ id: number; market: string }>();
    book.add(order(30), trigger('110', 'gte'));
    book.add(order(10), trigger('101', 'gte'));
    book.add(order(20), trigger('90', 'lte'));
    book.add(order(5, 'ETH_USDT'), trigger('1', 'lte'));
    book.noteTrade('BTC_USDT', new D('120'));
    book.noteTrade('BTC_USDT', new D('80'));
    expect(book.takeTriggered().map((o) => o.id)).toEqual([10, 20, 30]);
    expect(book.takeTriggered()).toEqual([]);
    // A stop added after the prints were taken does not see them.
    book.add(order(40), trigger('100', 'gte'));
    expect(book.takeTriggered()).toEqual([]);
    expect(book.size).toBe(2);
  });

  it('does not fire a removed stop, and prints on one market do not reach another', () => {
    const book = new TriggerBook<{ id: number; market: string }>();
    const a = order(1);
    book.add(a, trigger('101', 'gte'));
    book.add(order(2, 'ETH_USDT'), trigger('101', 'gte'));
    expect(book.remove(a)).toBe(true);
    expect(book.remove(a)).toBe(false);
    book.noteTrade('BTC_USDT', new D('200'));
    expect(book.takeTriggered()).toEqual([]);
  });
});
