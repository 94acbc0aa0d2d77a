import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Journal, openJournal } from '../../../src/runtime/journal/journal.js';
import { replayMarket } from '../../../src/runtime/journal/replay.js';
import type { OrderIntent } from '../../../src/grid/index.js';
import { DBTC_DUSDT } from '../../grid/fixtures.js';
import { placedAll } from '../../machines/market/market-harness.js';
import { MARKET, type JournaledMarket, bookText, openOrdersOf, runScenario, scenarioInput, startJournaledMarket } from './market-scenario.js';

const opened: Journal[] = [];
const markets: JournaledMarket[] = [];
afterEach(() => {
  for (const m of markets.splice(0)) m.h.actor.stop();
  for (const j of opened.splice(0)) j.close();
});

function memoryJournal(): Journal {
  const j = openJournal({ path: ':memory:' });
  opened.push(j);
  return j;
}

async function journaledScenario(options: { riskKill?: boolean } = {}) {
  const journal = memoryJournal();
  const input = scenarioInput(options);
  const m = startJournaledMarket(journal, input);
  markets.push(m);
  await runScenario(m, options);
  return { journal, input, m };
}

describe('restoreBook replays the journal to the live book', () => {
  it('equals the live actor book after a full scenario (batches, fills, desk, reconnect, reconcile)', async () => {
    const { journal, m } = await journaledScenario();
    const live = m.h.context().book;
    expect(live).not.toBeNull();
    expect(m.h.desk.placed.length).toBeGreaterThanOrEqual(2);
    const run = journal.lastMarketRun(MARKET);
    const types = new Set(run?.events.map((e) => e.type));
    for (const t of [
      'xstate.done.actor.loadMarket',
      'xstate.done.actor.placeBatch',
      'xstate.error.actor.placeBatch',
      'xstate.done.actor.fetchExchange',
      'desk.result',
      'feed.deal',
      'connection.up',
    ]) {
      expect(types).toContain(t);
    }
    expect([...types].some((t) => t.startsWith('xstate.after.'))).toBe(true);
    expect(types).not.toContain('feed.price'); // no price event changed the state
    expect(bookText(journal.restoreBook(MARKET))).toBe(bookText(live));
  });

  it('remembers the kill-switch time the run last received (arm and refresh), for a restart to recognise its timer', async () => {
    const { journal, m } = await journaledScenario();
    expect(journal.lastKillSwitchMs(MARKET)).toBe(m.h.context().killSwitchDeadline);
    expect(journal.lastKillSwitchMs(MARKET)).toBe(120_000); // the scenario's last arm
    expect(journal.lastKillSwitchMs('NOT_TRADED')).toBeNull();
  });

  it('after a crash at any event k, equals the book the actor had after its first k events', async () => {
    const { journal, input, m } = await journaledScenario();
    const events = journal.lastMarketRun(MARKET)?.events ?? [];
    expect(events.length).toBe(m.journaled());
    fc.assert(
      fc.property(fc.integer({ min: 0, max: events.length }), (k) => {
        const crashed = memoryJournal();
        crashed.beginMarketRun(input);
        for (const e of events.slice(0, k)) crashed.appendMarketEvent(MARKET, e);
        expect(bookText(crashed.restoreBook(MARKET))).toBe(m.booksAfter[k]);
        crashed.close();
      }),
      { numRuns: 60 },
    );
  });

  it('journals a price event that changed the state (a risk kill), so a fill after it replays without a counter-order', async () => {
    const { journal, m } = await journaledScenario({ riskKill: true });
    const events = journal.lastMarketRun(MARKET)?.events ?? [];
    expect(events.filter((e) => e.type === 'feed.price')).toEqual([{ type: 'feed.price', price: '90000' }]);
    const live = m.h.context().book;
    expect(live?.orders.get(0)).toMatchObject({ side: 'buy', origin: 'counter', state: 'owed' });
    expect(bookText(journal.restoreBook(MARKET))).toBe(bookText(live));
    // Without that price event the replay would think the market still runs and had sent it.
    const run = journal.lastMarketRun(MARKET);
    const withoutPrice = replayMarket(
      run!.input,
      run!.events.filter((e) => e.type !== 'feed.price'),
    );
    expect(withoutPrice.context.book?.orders.get(0)?.state).toBe('sending');
  });

  it('restores the book a restarted actor started from when it died before loading', async () => {
    const { journal, m } = await journaledScenario();
    const book = journal.restoreBook(MARKET);
    expect(book).not.toBeNull();
    // The restart: adopt, from the restored book; it dies before `loadMarket` answers.
    journal.beginMarketRun(scenarioInput({}, { onStart: 'adopt', restore: book, firstSeq: book?.nextSeq ?? 0 }));
    expect(bookText(journal.restoreBook(MARKET))).toBe(bookText(m.h.context().book));
  });

  it('replays a restarted run (adopt, from the restored book) and keeps each counter-order placed once', async () => {
    const { journal, m } = await journaledScenario();
    const exchangeOpen = openOrdersOf(m.h);
    m.h.actor.stop(); // the crash
    const book = journal.restoreBook(MARKET);
    const sentBefore = new Set([...(book?.orders.values() ?? [])].map((o) => o.clientOrderId));
    const input = scenarioInput({}, { onStart: 'adopt', restore: book, firstSeq: book?.nextSeq ?? 0 });
    const again = startJournaledMarket(journal, input);
    markets.push(again);
    await again.h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
    expect(again.h.lifecycle()).toBe('reconciling');
    await again.h.resolve('fetchExchange', { openOrders: exchangeOpen, deals: [] });
    await again.h.resolve('armKillSwitch', { cancellationTimeMs: 200_000 });
    const placed = again.h.calls.filter((c) => c.name === 'placeBatch').flatMap((c) => (c.input as { intents: OrderIntent[] }).intents);
    // Nothing the first run had already sent is placed again under its id.
    expect(placed.filter((i) => sentBefore.has(i.clientOrderId) && exchangeOpen.some((o) => o.clientOrderId === i.clientOrderId))).toEqual([]);
    if (again.h.pendingNames().includes('placeBatch')) await again.h.resolve('placeBatch', placedAll(placed, 7000));
    expect(bookText(journal.restoreBook(MARKET))).toBe(bookText(again.h.context().book));
  });

  it('has nothing to restore for a market never journaled', () => {
    expect(memoryJournal().restoreBook(MARKET)).toBeNull();
  });
});
