/**
 * A paper run says PAPER wherever the bot shows its exchange: the start line's label, the status
 * table's note, the inspector's header and the metrics' exchange label.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { exchangeLabel, paperNote } from '../../src/runtime/exchange-label.js';
import { type Inspector, startInspector } from '../../src/runtime/inspector/index.js';
import { createRuntimeMetrics } from '../../src/runtime/metrics/index.js';

let inspector: Inspector | null = null;
afterEach(async () => {
  await inspector?.close();
  inspector = null;
});

const paper = { exchange: 'paper', paper: { upstream: { rest: 'https://whitebit.com', ws: 'wss://api.whitebit.com/ws' }, balances: null } } as const;

describe('paper labels', () => {
  it('names paper trading and its upstream on the start line, and only for paper', () => {
    expect(exchangeLabel(paper)).toBe('PAPER trading on live prices from https://whitebit.com; balances, orders and fills are local');
    expect(exchangeLabel({ exchange: 'sim', paper: null })).toBe('sim');
    expect(paperNote(paper)).toBe('PAPER trading (live prices, local fills)');
    expect(paperNote({ exchange: 'whitebit' })).toBeNull();
  });

  it('puts the note in the inspector header, escaped', async () => {
    inspector = await startInspector({ port: 0, tickMs: 60_000, headerNote: 'PAPER <live>' });
    const html = await (await fetch(new URL('/', inspector.url ?? ''))).text();
    expect(html).toContain('<span>inspector</span> <span class="badge" id="headerNote">PAPER &#60;live&#62;</span></h1>');
  });

  it('exports the exchange as a metrics label', async () => {
    const metrics = createRuntimeMetrics({ defaultMetrics: false, exchange: 'paper' });
    expect(await metrics.scrape()).toContain('gridbot_exchange_info{exchange="paper"} 1');
  });
});
