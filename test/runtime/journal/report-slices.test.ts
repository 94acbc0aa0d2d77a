/**
 * The reporting write in slices (journal.ts `writeReportSlice`, report-slices.ts): a big backlog is
 * written over several slices, each within its bound, in order, committed with its mark, and a
 * SIGKILL between slices loses no row the next open cannot derive.
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AnyEventObject, InspectionEvent } from 'xstate';
import type { Fill } from '../../../src/grid/index.js';
import { journalInspector, type JournalSink } from '../../../src/runtime/journal/inspect-hook.js';
import { type Journal, REPORTS_CAP, openJournal } from '../../../src/runtime/journal/journal.js';
import { cid } from '../../grid/ledger-support.js';
import { settings } from '../../machines/market/market-harness.js';
import { tempDirPerTest } from './support/temp-dir.js';
import { MARKET } from './market-scenario.js';

const tmp = tempDirPerTest('gridbot-slices-');

const order = cid(1, 'buy', 100, { botId: 'tb', market: MARKET });
const deal = (dealId: number): Fill => ({
  dealId,
  orderId: 501,
  clientOrderId: order,
  side: 'buy',
  price: '59800',
  amount: '0.0005',
  fee: '0.0299',
  feeAsset: 'DUSDT',
  time: 1_700_000_000.25,
});

function reader(path: string) {
  const r = new BetterSqlite3(path, { readonly: true });
  tmp.cleanup(() => r.close());
  return {
    deals: () => r.prepare('SELECT deal_id FROM fills ORDER BY deal_id').pluck().all() as number[],
    states: () => r.prepare('SELECT to_state FROM transitions WHERE actor_id = ? ORDER BY id').pluck().all('probe') as string[],
    mark: () => r.prepare('SELECT event_id FROM report_mark').pluck().get() as number,
    lastDealEvent: () =>
      r
        .prepare("SELECT max(id) FROM events WHERE type = 'feed.deal' AND json_extract(payload, '$.deal.dealId') = (SELECT max(deal_id) FROM fills)")
        .pluck()
        .get() as number | null,
  };
}

/** A journal with `n` deals (each a fill row) and `n` state changes (each a transition row) queued, interleaved. */
function backlog(path: string, n: number): Journal {
  const j = openJournal({ path, now: () => 1_700_000_000_000, checkpointIntervalMs: 0 });
  j.beginMarketRun(settings());
  for (let i = 0; i < n; i += 1) {
    j.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(i) });
    j.recordTransition('probe', `s${i}`, `s${i + 1}`, 'feed.deal');
  }
  return j;
}

const upTo = (n: number, from = 0): number[] => Array.from({ length: n - from }, (_, i) => from + i);
const statesUpTo = (n: number): string[] => upTo(n).map((i) => `s${i + 1}`);

describe('reporting rows in slices', () => {
  it('writes a big backlog over several slices, each within its bound, in order, each committed with its mark', () => {
    const path = tmp.path('journal.db');
    const j = backlog(path, 150); // 300 rows
    tmp.cleanup(() => j.close());
    const r = reader(path);
    const written: number[] = [];
    let more = true;
    while (more) {
      const before = r.deals().length + r.states().length;
      more = j.writeReportSlice(64);
      const deals = r.deals();
      const states = r.states();
      written.push(deals.length + states.length - before);
      // A prefix of each table, in the order the reports were queued; the mark at the last deal written.
      expect(deals).toEqual(upTo(deals.length));
      expect(states).toEqual(statesUpTo(states.length));
      expect(Math.abs(deals.length - states.length)).toBeLessThanOrEqual(1);
      expect(r.mark()).toBe(r.lastDealEvent());
    }
    expect(written).toEqual([64, 64, 64, 64, 44]);
    expect(r.deals()).toEqual(upTo(150));
    expect(r.states()).toEqual(statesUpTo(150));
  });

  it('leaves reports queued after a round began to the next round, and writes a report bigger than the bound alone', () => {
    const path = tmp.path('journal.db');
    const j = backlog(path, 40); // 80 rows
    tmp.cleanup(() => j.close());
    const r = reader(path);
    expect(j.reportsQueued).toBe(80);
    expect(j.writeReportSlice(64)).toBe(true);
    expect(j.reportsQueued).toBe(0); // the round holds them now
    j.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(1000) }); // queued during the round
    expect(j.reportsQueued).toBe(1);
    expect(j.writeReportSlice(64)).toBe(false); // the round's last 16 rows only
    expect(r.deals()).toEqual(upTo(40));
    const snapshot = { openOrders: [], deals: upTo(2100, 2000).map((d) => deal(d)) }; // one report of 101 rows
    j.appendMarketEvent(MARKET, { type: 'xstate.done.actor.fetchExchange', output: snapshot });
    expect(j.writeReportSlice(64)).toBe(true); // deal 1000 (the next round begins)
    expect(r.deals()).toEqual([...upTo(40), 1000]);
    expect(j.writeReportSlice(64)).toBe(false); // the snapshot, alone
    expect(r.deals()).toEqual([...upTo(40), 1000, ...upTo(2100, 2000)]);
    expect(j.writeReportSlice(64)).toBe(false); // nothing queued
  });

  // Issue 13: a bot whose slices keep giving way (or whose writer never runs) must not queue reports without end.
  it('writes every queued report at once, the round in progress first, when REPORTS_CAP wait though no slice runs', () => {
    const path = tmp.path('journal.db');
    const j = backlog(path, 40); // 80 rows
    tmp.cleanup(() => j.close());
    const r = reader(path);
    expect(j.writeReportSlice(64)).toBe(true); // a round begun, whose next slice never comes
    const dealsAtCap = 40 + REPORTS_CAP / 2; // two reports a deal
    let mostQueued = 0;
    for (let i = 40; i < dealsAtCap + 10; i += 1) {
      j.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(i) });
      mostQueued = Math.max(mostQueued, j.reportsQueued);
      j.recordTransition('probe', `s${i}`, `s${i + 1}`, 'feed.deal');
      mostQueued = Math.max(mostQueued, j.reportsQueued);
    }
    expect(mostQueued).toBe(REPORTS_CAP - 1);
    expect(j.reportsQueued).toBe(20);
    j.commit(); // as the lag timer would: the rows went into the open transaction
    expect(r.deals()).toEqual(upTo(dealsAtCap));
    expect(r.states()).toEqual(statesUpTo(dealsAtCap));
    expect(r.mark()).toBe(r.lastDealEvent());
    j.sync();
    expect(r.deals()).toEqual(upTo(dealsAtCap + 10));
    expect(r.states()).toEqual(statesUpTo(dealsAtCap + 10));
  });

  it('stops a slice once its time is up, after at least one report, and goes on from there in the next', () => {
    const path = tmp.path('journal.db');
    const j = backlog(path, 10); // 20 rows
    tmp.cleanup(() => j.close());
    const r = reader(path);
    // A clock that runs out after two more reports: asked before each report but the first.
    let asked = 0;
    expect(j.writeReportSlice(64, () => ++asked > 2)).toBe(true);
    expect(r.deals().length + r.states().length).toBe(3);
    expect(j.writeReportSlice(64, () => true)).toBe(true); // out of time from the start: one report
    expect(r.deals().length + r.states().length).toBe(4);
    expect(j.writeReportSlice(64)).toBe(false); // no time bound: the rest, within the rows
    expect(r.deals()).toEqual(upTo(10));
    expect(r.states()).toEqual(statesUpTo(10));
    expect(r.mark()).toBe(r.lastDealEvent());
  });

  it('loses no row when the bot is killed between two slices: the next open derives the rest', () => {
    const path = tmp.path('journal.db');
    const killed = backlog(path, 100);
    expect(killed.writeReportSlice(64)).toBe(true); // 32 deals and 32 state changes written, then SIGKILL
    const r = reader(path);
    expect(r.deals()).toEqual(upTo(32));
    const next = openJournal({ path, now: () => 1_700_000_001_000, checkpointIntervalMs: 0, isAlive: () => false });
    tmp.cleanup(() => next.close());
    expect(r.deals()).toEqual(upTo(100)); // derived from the events after the mark, at open
    expect(r.mark()).toBe(r.lastDealEvent());
  });

  it('writes a round in one piece on writeReports (close), the round in progress first', () => {
    const path = tmp.path('journal.db');
    const j = backlog(path, 100);
    expect(j.writeReportSlice(64)).toBe(true);
    j.recordTransition('probe', 'x', 'after', 'e');
    j.sync();
    const r = reader(path);
    expect(r.deals()).toEqual(upTo(100));
    expect(r.states()).toEqual([...statesUpTo(100), 'after']);
    j.close();
  });
});

/** A journal that records calls; its round has `slices` slices. `pnlMs` moves `clock` on per PnL read. */
function sink(slices: number, clock = { ms: 0, pnlMs: 0 }) {
  const calls: string[] = [];
  let left = slices;
  const j: JournalSink = {
    appendMarketEvent: () => {},
    recordIntents: () => {},
    recordTransition: () => {},
    recordPnl: (m) => {
      calls.push(`pnl ${m}`);
      clock.ms += clock.pnlMs;
    },
    writeReports: () => void calls.push('all'),
    writeReportSlice: (rows, spent) => {
      calls.push(`slice ${rows}${spent?.() === true ? ' spent' : ''}`);
      left -= 1;
      if (left > 0) return true;
      left = slices;
      return false;
    },
  };
  return { j, calls };
}

function markets(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const snapshot = { value: 'running', _nodes: [], context: { book: { pnl: { realisedQuote: '0', feesQuote: '0', inventoryBase: '0' } } } };
    return { id: `market:M${i}`, getSnapshot: () => snapshot };
  });
}

const deal0 = (ref: unknown): InspectionEvent =>
  ({ type: '@xstate.event', actorRef: ref, sourceRef: undefined, event: { type: 'feed.deal' } as AnyEventObject, rootId: 'x' }) as unknown as InspectionEvent;

describe('the hook’s reporting write', () => {
  it('reads at most `markets` PnLs per slice, then hands the journal’s round over one slice per phase until it is done', () => {
    const { j, calls } = sink(3);
    const rounds: (() => void)[] = [];
    const phases: (() => void)[] = [];
    const hook = journalInspector(j, {
      defer: (w) => rounds.push(w),
      nextSlice: (w) => phases.push(w),
      slice: { rows: 10, markets: 16, budgetMs: Infinity, yieldMs: 0, yieldReports: Infinity },
    });
    for (const m of markets(40)) hook(deal0(m));
    expect(rounds).toHaveLength(1);
    rounds[0]?.();
    const perPhase: string[][] = [calls.splice(0)];
    for (let f = phases.shift(); f !== undefined; f = phases.shift()) {
      f();
      perPhase.push(calls.splice(0));
    }
    const summary = perPhase.map((c) => `${c.filter((x) => x.startsWith('pnl')).length} pnl, ${c.filter((x) => x.startsWith('slice')).join(' ')}`);
    expect(summary).toEqual(['16 pnl, ', '16 pnl, ', '8 pnl, slice 10', '0 pnl, slice 10', '0 pnl, slice 10']);
  });

  it('bounds each slice by time from its start, the PnL reads included', () => {
    const clock = { ms: 0, pnlMs: 0.25 };
    const { j, calls } = sink(2, clock);
    const rounds: (() => void)[] = [];
    const phases: (() => void)[] = [];
    const slice = { rows: 64, markets: 16, budgetMs: 1, yieldMs: 0, yieldReports: Infinity };
    const hook = journalInspector(j, { defer: (w) => rounds.push(w), nextSlice: (w) => phases.push(w), slice, signals: { now: () => clock.ms } });
    for (const m of markets(4)) hook(deal0(m));
    rounds.shift()?.(); // four PnL reads take the slice's whole millisecond: its rows find the time spent
    expect(calls.filter((c) => c.startsWith('slice'))).toEqual(['slice 64 spent']);
    phases.shift()?.(); // the next slice has its own millisecond
    expect(calls.filter((c) => c.startsWith('slice'))).toEqual(['slice 64 spent', 'slice 64']);
  });

  // Issue 13: a slice queued before a backlog's check phase ran first, and frames read already waited for it.
  it('puts a slice off while frames wait in a backlog, for at most yieldMs from the write’s start', () => {
    const clock = { ms: 0, pnlMs: 0 };
    const { j, calls } = sink(4, clock);
    const rounds: (() => void)[] = [];
    const phases: (() => void)[] = [];
    let waiting = true;
    const slice = { rows: 64, markets: 16, budgetMs: 1, yieldMs: 5, yieldReports: Infinity };
    const clockView = { now: () => clock.ms, framesWaiting: () => waiting };
    const hook = journalInspector(j, { defer: (w) => rounds.push(w), nextSlice: (w) => phases.push(w), slice, signals: clockView });
    const [a] = markets(1);
    hook(deal0(a));
    rounds.shift()?.(); // frames wait: the write's first slice goes to the next phase
    expect(calls).toEqual([]);
    expect(phases).toHaveLength(1);
    clock.ms = 4.9;
    phases.shift()?.(); // still waiting, still within 5 ms
    expect(calls).toEqual([]);
    waiting = false;
    phases.shift()?.(); // the backlog is routed: the slice runs
    expect(calls).toEqual(['pnl M0', 'slice 64']);
    waiting = true;
    phases.shift()?.(); // frames wait again, within 5 ms of the write's start
    expect(calls).toHaveLength(2);
    clock.ms = 5;
    phases.shift()?.(); // 5 ms since the write began: its slices run though frames wait
    phases.shift()?.();
    expect(calls).toEqual(['pnl M0', 'slice 64', 'slice 64', 'slice 64']);
    expect(phases).toHaveLength(1);
    // The next write gives way again, from its own start.
    phases.shift()?.(); // the round's last slice
    hook(deal0(a));
    rounds.shift()?.();
    expect(calls).toHaveLength(5);
    clock.ms = 10;
    phases.shift()?.();
    expect(calls.slice(5)).toEqual(['pnl M0', 'slice 64']);
  });

  // Issue 13: a burst keeps a backlog for hundreds of ms; the slices wait for it unless the reports pile up.
  it('stops giving way to waiting frames once yieldReports reports are queued behind the round', () => {
    const clock = { ms: 0, pnlMs: 0 };
    const { j, calls } = sink(2, clock);
    let queued = 0;
    const counted: JournalSink = {
      ...j,
      get reportsQueued() {
        return queued;
      },
    };
    const rounds: (() => void)[] = [];
    const phases: (() => void)[] = [];
    const slice = { rows: 64, markets: 16, budgetMs: 1, yieldMs: 1000, yieldReports: 100 };
    const hook = journalInspector(counted, {
      defer: (w) => rounds.push(w),
      nextSlice: (w) => phases.push(w),
      slice,
      signals: { now: () => clock.ms, framesWaiting: () => true },
    });
    const [a] = markets(1);
    hook(deal0(a));
    rounds.shift()?.();
    clock.ms = 999;
    queued = 99;
    phases.shift()?.(); // frames wait, within the time and below the count: put off
    expect(calls).toEqual([]);
    queued = 100;
    phases.shift()?.(); // as many queued as the bound: the slice runs though frames wait
    expect(calls).toEqual(['pnl M0', 'slice 64']);
    queued = 0;
    phases.shift()?.(); // fewer again: the write's next slice gives way again
    expect(calls).toHaveLength(2);
    expect(phases).toHaveLength(1);
  });

  it('follows a write asked while one is in progress with another, not a second one beside it', () => {
    const { j, calls } = sink(2);
    const rounds: (() => void)[] = [];
    const phases: (() => void)[] = [];
    const hook = journalInspector(j, { defer: (w) => rounds.push(w), nextSlice: (w) => phases.push(w) });
    const [a, b] = markets(2);
    hook(deal0(a));
    rounds.shift()?.(); // slice 1 of 2
    hook(deal0(b)); // a new write is due
    rounds.shift()?.(); // its time comes while the first is in progress
    expect(calls).toEqual(['pnl M0', 'slice 64']);
    expect(rounds).toHaveLength(0);
    phases.shift()?.(); // the first write's last slice; the second is scheduled after it
    expect(rounds).toHaveLength(1);
    rounds.shift()?.();
    expect(calls).toEqual(['pnl M0', 'slice 64', 'slice 64', 'pnl M1', 'slice 64']);
  });

  it('writes in one piece with a custom `defer` and no `nextSlice` (tools and benches on a simulated clock)', () => {
    const { j, calls } = sink(3);
    const rounds: (() => void)[] = [];
    const hook = journalInspector(j, { defer: (w) => rounds.push(w) });
    for (const m of markets(20)) hook(deal0(m));
    rounds[0]?.();
    expect(calls.filter((c) => !c.startsWith('pnl'))).toEqual(['all']);
    expect(calls.filter((c) => c.startsWith('pnl'))).toHaveLength(20);
  });
});
