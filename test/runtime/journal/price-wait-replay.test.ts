/**
 * Issue 14: a price event that releases a level waiting for price changes the book, so it is
 * journaled (before the actor acts on it) and replay rebuilds the book the live actor has; price
 * events that release nothing stay out of the journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderIntent } from '../../../src/grid/index.js';
import type { MarketInput } from '../../../src/machines/market/market.types.js';
import { type Journal, openJournal } from '../../../src/runtime/journal/journal.js';
import { readJournalReport } from '../../../src/runtime/journal/journal-report.js';
import { replayMarket } from '../../../src/runtime/journal/replay.js';
import { statusOutput } from '../../integration/support/status-cli.js';
import { settings, toRunning } from '../../machines/market/market-harness.js';
import { MARKET, type JournaledMarket, bookText, startJournaledMarket } from './market-scenario.js';

const opened: Journal[] = [];
const markets: JournaledMarket[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const m of markets.splice(0)) m.h.actor.stop();
  for (const j of opened.splice(0)) j.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A journaled market whose buy at 1 filled and whose counter sell@2 (60000) was refused as post-only (after a price `before`, if given). */
async function refusedCounter(input: MarketInput, before?: string, path = ':memory:'): Promise<{ journal: Journal; m: JournaledMarket }> {
  const journal = openJournal({ path });
  opened.push(journal);
  const m = startJournaledMarket(journal, input);
  markets.push(m);
  const { h } = m;
  const batch = await toRunning(h);
  const buy = batch.find((i) => i.level === 1) as OrderIntent;
  h.feed.push({
    type: 'feed.order',
    update: { orderId: 1001, clientOrderId: buy.clientOrderId, side: 'buy', price: '59800', amount: '0.001', left: '0', dealStock: '0.001', final: true },
  });
  const sell = h.desk.placed.at(-1)?.intents[0] as OrderIntent;
  if (before !== undefined) h.feed.push({ type: 'feed.price', price: before });
  h.desk.reply({ type: 'desk.result', outcomes: [{ kind: 'rejected', clientOrderId: sell.clientOrderId, reason: 'post-only', wouldTake: true }], fatal: null });
  return { journal, m };
}

describe('journal: price events that release a waiting level', () => {
  it('are appended once, before delivery; the others are not; replay equals the live book', async () => {
    const { journal, m } = await refusedCounter(settings(), '60100');
    const { h } = m;
    h.feed.push({ type: 'feed.price', price: '60050' }); // still above the sell at 60000: nothing
    const before = m.journaled();
    h.feed.push({ type: 'feed.price', price: '59950' }); // releases it
    expect(m.journaled()).toBe(before + 1);
    h.feed.push({ type: 'feed.price', price: '59900' }); // nothing waits any more
    const events = journal.lastMarketRun(MARKET)?.events ?? [];
    expect(events.filter((e) => e.type === 'feed.price')).toEqual([{ type: 'feed.price', price: '59950' }]);
    expect(h.context().book?.waiting.size).toBe(0);
    expect(bookText(journal.restoreBook(MARKET))).toBe(bookText(h.context().book));
    // Without it, replay would still have the level waiting (and the sell just sent unknown to it).
    const run = journal.lastMarketRun(MARKET);
    const withoutPrice = replayMarket(
      run!.input,
      run!.events.filter((e) => e.type !== 'feed.price'),
    );
    expect(withoutPrice.context.book?.waiting.size).toBe(1);
  });

  it('a price that both releases a level and breaches the risk limit is appended once', async () => {
    const { journal, m } = await refusedCounter(settings({ risk: { rangeExitMarginPercent: '5', stopLossQuote: null, maxInventoryBase: null } }));
    const { h } = m;
    h.feed.push({ type: 'feed.price', price: '30000' }); // far below the ladder: releases the sell, and kills
    expect(h.lifecycle()).toBe('killed');
    const events = journal.lastMarketRun(MARKET)?.events ?? [];
    expect(events.filter((e) => e.type === 'feed.price')).toEqual([{ type: 'feed.price', price: '30000' }]);
    expect(bookText(journal.restoreBook(MARKET))).toBe(bookText(h.context().book));
  });

  // Issue 14: `gridbot status` (the journal's reader) tells the levels a bot left waiting, not only the live surfaces.
  it('gridbot status reports the levels the last run left waiting for price', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridbot-wait-'));
    dirs.push(dir);
    const path = join(dir, 'journal.db');
    const { m } = await refusedCounter(settings(), '60100', path);
    expect(m.h.context().book?.waiting.size).toBe(1);
    markets.splice(markets.indexOf(m), 1);
    m.h.actor.stop(); // as a SIGKILL leaves it: no stop journaled
    expect(readJournalReport(path).markets[0]?.waitingForPrice).toBe(1);
    expect(await statusOutput(path)).toContain(`waiting for price (placed again once the price lets them rest as maker): ${MARKET} (1 level)`);
  });
});
