/**
 * `exchange: paper` end to end: `startRuntime` against the paper exchange, whose upstream is a second
 * local simulator playing live WhiteBIT (nothing reaches the internet). The grid is placed on the
 * mirrored live book, fills when the upstream book moves through a level, restarts adopting its
 * journal, and stops. The journal records the exchange as paper: a `sim` run refuses it, and a paper
 * run refuses a `sim` journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RuntimeConfig, parseConfig } from '../../src/runtime/config/index.js';
import { type Journal, JournalMismatchError, openJournal } from '../../src/runtime/journal/index.js';
import { type Runtime, startRuntime } from '../../src/runtime/runtime.js';
import { type Simulator, startSimulator } from '../../src/sim/index.js';
import type { PaperExchange } from '../../src/sim/paper/index.js';
import { MARKET, MARKET_SPEC, gridYaml } from './harness.js';
import { waitUntil } from './support/until.js';

let dir = '';
let upstream: Simulator;
const cleanup: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-paper-'));
  // The stand-in for WhiteBIT: no price process; a liquidity provider rests the book the test moves.
  upstream = await startSimulator({
    markets: [MARKET_SPEC],
    priceProcess: false,
    rateLimits: false,
    depthIntervalMs: 0,
    accounts: [{ id: 'lp', apiKey: 'lp-key', apiSecret: 'lp-secret', balances: { DBTC: '100', DUSDT: '10000000' } }],
  });
  upstream.exchange.placeOrder('lp', { market: MARKET, side: 'buy', price: '59000', amount: '1' }, Date.now());
  upstream.exchange.placeOrder('lp', { market: MARKET, side: 'sell', price: '61000', amount: '1' }, Date.now());
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

function config(exchange: 'paper' | 'sim', onStart: 'cancel-all' | 'adopt', journal: string): RuntimeConfig {
  const upstreamLines =
    exchange === 'paper' ? `exchange: paper\npaper:\n  upstreamRest: ${upstream.restUrl}\n  upstreamWs: ${upstream.wsUrl}` : 'exchange: sim';
  const text = gridYaml({ onStart, onStop: 'leave', journalPath: journal }).replace(/^exchange: sim$/m, upstreamLines);
  const r = parseConfig(text, join(dir, 'markets.yaml'));
  if (!r.ok) throw r.error;
  return r.config;
}

/** Starts a run of `exchange` on the journal at `path`, which must refuse it; returns the refusal's message. */
async function refusedStart(exchange: 'paper' | 'sim', path: string): Promise<string> {
  const journal = openJournal({ path });
  try {
    const refused = await startRuntime({ config: config(exchange, 'adopt', path), journal, simulator: { rateLimits: false } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JournalMismatchError);
    return (refused as Error).message;
  } finally {
    journal.close();
  }
}

/** Told every actor inspection event: a status can change without an exchange event. */
const inspected = new Set<() => void>();
async function run(cfg: RuntimeConfig, journal: Journal): Promise<Runtime> {
  const rt = await startRuntime({ config: cfg, journal, simulator: { rateLimits: false }, inspect: () => inspected.forEach((f) => f()) });
  cleanup.push(() => rt.stop('test over'));
  return rt;
}

const until = <T>(rt: Runtime, label: string, check: () => T | null | undefined | false): Promise<T> => {
  const sim = rt.sim;
  if (!sim) throw new Error('no embedded exchange');
  return waitUntil(label, check, {
    sources: [
      (poke) => sim.onEvent(poke),
      (poke) => upstream.onEvent(poke),
      (poke) => {
        inspected.add(poke);
        return () => inspected.delete(poke);
      },
    ],
    timeoutMs: 10_000,
    describe: () => JSON.stringify({ statuses: rt.statuses(), book: sim.state.book(MARKET, 5), orders: sim.state.orders('demo').length }),
  });
};
const botOrders = (rt: Runtime) => rt.sim?.state.orders('demo').filter((o) => o.market === MARKET) ?? [];

describe('exchange: paper', () => {
  it('trades on the mirrored live book, restarts adopting its journal, stops; a sim run refuses the paper journal', async () => {
    const path = join(dir, 'journal.db');
    const j1 = openJournal({ path });
    cleanup.push(() => j1.close());
    const rt1 = await run(config('paper', 'cancel-all', path), j1);
    expect(rt1.sim?.state.book(MARKET, 5)).toEqual({ asks: [['61000', '1']], bids: [['59000', '1']] });
    await until(rt1, 'the plan resting', () => botOrders(rt1).length === 4 && rt1.statuses()[0]?.state.startsWith('running'));
    expect(
      botOrders(rt1)
        .map((o) => o.price)
        .sort(),
    ).toEqual(['59600', '59800', '60200', '60400']);

    // Live WhiteBIT's asks fall through the bot's 59 800 buy: it fills there, as maker, and the counter-sell rests at 60 000.
    upstream.exchange.placeOrder('lp', { market: MARKET, side: 'sell', price: '59700', amount: '0.5' }, Date.now());
    const deal = await until(rt1, 'the 59 800 buy filled', () => rt1.sim?.state.fills('demo').find((d) => d.price === '59800'));
    expect([deal.role, deal.amount.toFixed()]).toEqual([1, '0.002']);
    await until(rt1, 'the counter-sell at 60 000', () => botOrders(rt1).some((o) => o.side === 'sell' && o.price === '60000'));
    expect(upstream.state.fills('lp')).toEqual([]);

    // The live feed lost: the paper exchange drops the bot's socket and answers 503, the bot reconnects
    // and resumes once the books are resynced.
    const paper = rt1.sim as PaperExchange;
    const down = new Promise<void>((resolve) => paper.onFeedState((s) => s === 'down' && resolve()));
    upstream.faults.closeSockets('all');
    await down;
    await until(rt1, 'the bot reconnecting', () => rt1.connectionState() !== 'open');
    await paper.whenLive();
    await until(
      rt1,
      'the bot back, its grid resting',
      () => rt1.connectionState() === 'open' && botOrders(rt1).length === 4 && rt1.statuses()[0]?.state === 'running.trading',
    );
    await rt1.stop('restart');
    j1.close();

    // A simulator run is refused the paper journal, before anything is sent.
    expect(await refusedStart('sim', path)).toContain(`was written for the PAPER exchange on live prices from ${upstream.restUrl}`);

    // The paper run adopts it (a new paper exchange: the orders it left are gone, and reconcile says so).
    const j3 = openJournal({ path });
    cleanup.push(() => j3.close());
    const rt3 = await run(config('paper', 'adopt', path), j3);
    await until(rt3, 'the grid resting again', () => botOrders(rt3).length === 4 && rt3.statuses()[0]?.state.startsWith('running'));
    expect(rt3.statuses()[0]?.allTime.fills).toBe(1);
    await rt3.stop('done');
    expect(rt3.statuses()[0]?.state).toMatch(/^(killed|stopped)/);
  }, 60_000);

  it('refuses a simulator journal under a paper run', async () => {
    const path = join(dir, 'journal.db');
    const j1 = openJournal({ path });
    cleanup.push(() => j1.close());
    const rt1 = await run(config('sim', 'cancel-all', path), j1);
    await rt1.stop('done');
    j1.close();
    expect(await refusedStart('paper', path)).toContain('this run is on the PAPER exchange on live prices');
  });
});
