/**
 * Issue 17, the inspector's trader view below the page: totals per quote asset (never summed across
 * assets), a fill's counter-order read from the level book, the model's bounded trade history and
 * profit lines, the balance feed, and the uPlot files served from the installed package.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type LevelBook, type OrderRecord, applyDeal, applyPlacement, createLevelBook, takeIntents } from '../../../src/grid/index.js';
import { pollBalances } from '../../../src/runtime/inspector/balance-feed.js';
import { InspectorModel, TRADE_CAP } from '../../../src/runtime/inspector/model.js';
import type { InspectorRecord, MarketRow } from '../../../src/runtime/inspector/records.js';
import { type InspectorServer, startInspectorServer } from '../../../src/runtime/inspector/server.js';
import { counterOf } from '../../../src/runtime/inspector/trade-history.js';
import { roundTripsOf } from '../../../src/runtime/report/fleet-figures.js';
import { fleetTotals } from '../../../src/runtime/report/fleet-totals.js';
import { BTC_USDT } from '../../grid/fixtures.js';
import { plan, scope } from '../../grid/ledger-support.js';

const row = (quoteAsset: string | null, realisedPnl: string, fills: number, extra: Partial<MarketRow> = {}): MarketRow => ({
  liveOrders: 0,
  pendingOrders: 0,
  fills,
  realisedPnl,
  fees: '0.1',
  inventory: '0',
  quoteAsset,
  allTime: { fills: fills + 1, realisedQuote: realisedPnl, feesQuote: '0.2', inventoryBase: '0' },
  stopReason: null,
  ksDeadline: null,
  reason: null,
  connected: true,
  ...extra,
});

describe('fleet totals', () => {
  it('adds up per quote asset (in the order they first appear), never across assets, this run and all time, with the unrealised part', () => {
    const totals = fleetTotals([
      row('USDT', '1.5', 2, { unrealisedPnl: '-0.25', roundTrips: 1 }),
      row('BTC', '0.0001', 1),
      row('USDT', '0.25', 3, { unrealisedPnl: '0.05', roundTrips: 2 }),
      row(null, '9', 9),
    ]);
    expect(totals).toEqual([
      {
        asset: 'USDT',
        markets: 2,
        run: { fills: 5, realised: '1.75', fees: '0.2' },
        allTime: { fills: 7, realised: '1.75', fees: '0.4' },
        unrealised: '-0.2',
        roundTrips: 3,
      },
      {
        asset: 'BTC',
        markets: 1,
        run: { fills: 1, realised: '0.0001', fees: '0.1' },
        allTime: { fills: 2, realised: '0.0001', fees: '0.2' },
        unrealised: '0',
        roundTrips: 0,
      },
    ]);
  });
});

/** Fills 0.001 of `order` (fee-free) in one deal. */
function fillWhole(book: LevelBook, dealId: number, orderId: number, order: OrderRecord, feeAsset: string): void {
  const { clientOrderId, side, price } = order;
  applyDeal(book, { dealId, orderId, clientOrderId, side, price: price.toFixed(), amount: '0.001', fee: '0', feeAsset, time: dealId });
}

describe("a fill's counter-order", () => {
  it('is the order one level away on the other side, read from the book after the fill', () => {
    const book = takeIntents(createLevelBook(plan, scope, BTC_USDT), 100).book;
    for (const o of [...book.orders.values()]) {
      applyPlacement(book, { kind: 'placed', clientOrderId: o.clientOrderId, orderId: 100 + o.level, dealStock: '0', left: o.amount.toFixed() });
    }
    const buy = book.orders.get(4)!;
    // Before the fill, level 5 (the gap) holds nothing.
    expect(counterOf({ book }, 4, 'buy')).toEqual({ kind: 'none' });
    fillWhole(book, 1, 104, buy, 'BTC');
    const counter = book.orders.get(5)!;
    expect(counterOf({ book }, 4, 'buy')).toEqual({
      kind: 'order',
      clientOrderId: counter.clientOrderId,
      level: 5,
      side: 'sell',
      price: counter.price.toFixed(),
      amount: '0.001',
      state: 'owed',
    });
    // A sell at level 6 is answered at level 5, which holds a sell: carried.
    expect(counterOf({ book }, 6, 'sell')).toEqual({ kind: 'carried', level: 5, side: 'buy' });
    expect(counterOf({ book: null }, 4, 'buy')).toEqual({ kind: 'none' });

    // The counter-order fills: a round trip, counted for this run (the run started from no book).
    expect(roundTripsOf({ book, settings: { restore: null } })).toBe(0);
    takeIntents(book, 100);
    applyPlacement(book, { kind: 'placed', clientOrderId: counter.clientOrderId, orderId: 200, dealStock: '0', left: '0.001' });
    fillWhole(book, 2, 200, counter, 'USDT');
    expect(roundTripsOf({ book, settings: { restore: null } })).toBe(1);
    expect(roundTripsOf({ book, settings: { restore: book } })).toBe(0);
  });
});

describe('the model', () => {
  const market = (t: number, realisedPnl: string, quoteAsset = 'USDT'): InspectorRecord => ({
    k: 'market',
    t,
    id: 'market:A',
    row: row(quoteAsset, realisedPnl, 0),
    price: '1',
  });
  const fill = (t: number, clientOrderId: string, counterId: string): InspectorRecord => ({
    k: 'note',
    t,
    id: 'market:A',
    type: 'market.fill',
    note: 'fill',
    fill: {
      side: 'buy',
      price: '1',
      amount: '2',
      fee: '0.01',
      feeAsset: 'USDT',
      clientOrderId,
      level: 1,
      counter: { kind: 'order', clientOrderId: counterId, level: 2, side: 'sell', price: '1.1', amount: '2', state: 'owed' },
    },
  });

  it('keeps a bounded trade history, and tells a counter-order filled once its own fill came', () => {
    const m = new InspectorModel();
    m.apply({ k: 'actor', t: 0, id: 'market:A', machine: 'market', parent: null });
    m.apply(fill(1, 'b1', 's1'));
    m.apply(fill(2, 's1', 'b2'));
    const trades = m.detail('market:A')?.trades ?? [];
    expect(trades.map((t) => [t.clientOrderId, t.counterState])).toEqual([
      ['b1', 'filled'],
      ['s1', 'owed'],
    ]);
    expect(m.fleet().trades.map((t) => t.market)).toEqual(['market:A', 'market:A']);
    for (let i = 0; i < TRADE_CAP * 3; i++) m.apply(fill(10 + i, `x${i}`, `y${i}`));
    expect(m.detail('market:A')?.trades).toHaveLength(TRADE_CAP);
  });

  it('draws profit lines per market and per quote asset as realised PnL changes', () => {
    const m = new InspectorModel();
    m.apply({ k: 'actor', t: 0, id: 'market:A', machine: 'market', parent: null });
    m.apply({ k: 'actor', t: 0, id: 'market:B', machine: 'market', parent: null });
    m.apply(market(1, '0'));
    m.apply(market(2, '0'));
    m.apply(market(3, '0.5'));
    m.apply({ k: 'market', t: 4, id: 'market:B', row: row('USDT', '0.25', 1), price: '1' });
    m.apply({ k: 'market', t: 5, id: 'market:B', row: row('BTC', '0.25', 1), price: '1' });
    expect(m.detail('market:A')?.profit).toEqual([
      [1, '0'],
      [3, '0.5'],
    ]);
    const profit = Object.fromEntries(m.fleet().profit.map((p) => [p.asset, p.points]));
    expect(profit['USDT']).toEqual([
      [1, '0'],
      [3, '0.5'],
      [4, '0.75'],
    ]);
    expect(profit['BTC']).toEqual([[5, '0.25']]);
    expect(m.fleet().totals.map((t) => [t.asset, t.run.realised])).toEqual([
      ['USDT', '0.5'],
      ['BTC', '0.25'],
    ]);
  });

  it('keeps the last balances when a read fails, and says why', () => {
    const m = new InspectorModel();
    m.apply({ k: 'balances', t: 1, balances: [{ asset: 'USDT', available: '10', freeze: '1' }] });
    m.apply({ k: 'balances', t: 2, balances: [], error: '401 unauthorised' });
    expect(m.fleet().balances).toEqual({ t: 2, list: [{ asset: 'USDT', available: '10', freeze: '1' }], error: '401 unauthorised' });
  });
});

describe('the balance feed', () => {
  it('reads at once, leaves out empty assets, sorts by asset, and says why a read failed', async () => {
    const out: InspectorRecord[] = [];
    let fail = false;
    const stop = pollBalances(
      () =>
        fail
          ? Promise.reject(new Error('socket hang up'))
          : Promise.resolve({ USDT: { available: '5', freeze: '0' }, BTC: { available: '0.1', freeze: '0.2' }, ETH: { available: '0', freeze: '0' } }),
      (r) => out.push(r),
      () => 7,
      60_000,
    );
    await expect.poll(() => out.length).toBe(1);
    stop();
    expect(out[0]).toEqual({
      k: 'balances',
      t: 7,
      balances: [
        { asset: 'BTC', available: '0.1', freeze: '0.2' },
        { asset: 'USDT', available: '5', freeze: '0' },
      ],
    });
    fail = true;
    const stop2 = pollBalances(
      () => Promise.reject(new Error('socket hang up')),
      (r) => out.push(r),
      () => 8,
      60_000,
    );
    await expect.poll(() => out.length).toBe(2);
    stop2();
    expect(out[1]).toMatchObject({ k: 'balances', t: 8, balances: [], error: expect.stringContaining('socket hang up') });
  });
});

describe('the page server', () => {
  let server: InspectorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves uPlot from the installed package and the trader view with every snapshot', async () => {
    const model = new InspectorModel();
    model.apply({ k: 'balances', t: 1, balances: [{ asset: 'USDT', available: '10', freeze: '1' }] });
    server = await startInspectorServer({
      host: '127.0.0.1',
      port: 0,
      machines: {},
      view: { mode: 'live', runId: 'r', model: () => model, dropped: () => 0 },
    });
    const js = await fetch(`${server.url}vendor/uPlot.iife.min.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toMatch(/uPlot/);
    const css = await fetch(`${server.url}vendor/uPlot.min.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    for (const file of ['trader.js', 'charts.js']) expect((await fetch(`${server.url}${file}`)).status).toBe(200);
    const state = (await (await fetch(`${server.url}api/state`)).json()) as { fleet: { balances: unknown; totals: unknown[] } };
    expect(state.fleet).toMatchObject({ balances: { list: [{ asset: 'USDT' }] }, totals: [] });
  });
});
