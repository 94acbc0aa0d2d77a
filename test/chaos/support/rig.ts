/**
 * The in-process chaos rig: the end-to-end bench of test/integration/harness.ts (the simulator with
 * a fixed price, a taker account, `startRuntime` pointed at it) plus a journal, a seeded PRNG for
 * every choice a scenario makes, seeded taker orders, and the end-of-run checks on the simulator's
 * history (test/support/sim-invariants.ts).
 *
 * A scenario drives the rig and returns; `runInProcess` then lets the bot settle, stops it, and
 * judges what the exchange recorded. Waiting is always on a condition re-checked on every
 * simulator and actor event, with a deadline; never a sleep.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { type Journal, openJournal } from '../../../src/runtime/journal/index.js';
import { marketActorId } from '../../../src/runtime/supervisor/supervisor.machine.js';
import { deriveSeed, mulberry32, type Rng } from '../../../src/sim/prng.js';
import {
  type Bench,
  type BenchOptions,
  AMOUNT,
  BOT_ACCOUNT,
  BOT_ID,
  LEVEL_PRICE,
  MARKET,
  MARKET_SPEC,
  PLAN,
  TAKER_ACCOUNT,
  startBench,
} from '../../integration/harness.js';
import { type ExternalCancel, type GridShape, checkCounterQuantities, checkJournal, checkNothingLeft, ownOrder } from '../../support/sim-invariants.js';
import type { OrderWay } from '../../../src/grid/index.js';
import { chaosOrderEntry } from './order-entry.js';
import type { ChaosRun } from './outcome.js';

export const GRID: GridShape = {
  accountId: BOT_ACCOUNT,
  botId: BOT_ID,
  market: MARKET,
  plan: PLAN.map((p) => ({ level: p.level, side: p.side })),
  amount: AMOUNT,
  levelPrice: LEVEL_PRICE,
  minAmount: MARKET_SPEC.minAmount ?? '0',
  minTotal: MARKET_SPEC.minTotal ?? '0',
};

const STEP = new Decimal('0.0001');

export interface Rig {
  readonly bench: Bench;
  readonly seed: number;
  /** The bot's order entry in this run (the scenario's choice, else `CHAOS_ORDER_ENTRY`, else ws). */
  readonly orderEntry: OrderWay;
  /** The scenario's PRNG: every choice it makes comes from here. */
  readonly rng: Rng;
  /** What happened, in order (printed with a failure, to replay by eye). */
  readonly log: string[];
  readonly violations: string[];
  readonly notes: string[];
  /** Picks a random element. */
  pick<T>(xs: readonly T[]): T;
  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number;
  /** One seeded IOC taker order against the bot's resting orders; false when there was nothing to take. */
  take(): boolean;
  /** `n` taker orders back to back, in one synchronous run (a fill burst). */
  burst(n: number): number;
  /** Waits until the plan rests and the market runs. */
  planPlaced(timeoutMs?: number): Promise<void>;
  /**
   * Waits until the bot is quiet: the market running, nothing pending, every counter quantity owed
   * placed (or held back below the minimum). A deadline passing is a violation, not a throw.
   */
  settle(label: string, timeoutMs?: number): Promise<boolean>;
  /** Runs `fn` with the kill-switch invariant suspended (the exchange cancelling on its own). */
  exempt<T>(fn: () => T): T;
  /** True once the lifecycle has been in a state whose path starts with `prefix` since mark `from`. */
  visited(prefix: string, from: number): boolean;
}

export interface InProcessOptions extends Omit<BenchOptions, 'seed' | 'journal' | 'killSwitchExempt' | 'beforeStart'> {
  /** The market may stop itself (e.g. a plan the exchange refuses); its stop reason becomes a note. */
  readonly mayStop?: boolean;
  /** Arms faults before the runtime starts; gets the rig's PRNG. */
  readonly beforeStart?: (sim: Bench['sim'], rng: Rng, log: string[]) => void;
}

/** Runs one in-process scenario for one seed and judges it. */
export async function runInProcess(scenario: string, seed: number, options: InProcessOptions, drive: (rig: Rig) => Promise<void>): Promise<ChaosRun> {
  const started = Date.now();
  const rng = mulberry32(deriveSeed(seed, scenario));
  const log: string[] = [];
  const violations: string[] = [];
  const notes: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'gridbot-chaos-'));
  const journalPath = join(dir, 'journal.db');
  let journal: Journal | null = openJournal({ path: journalPath, checkpointIntervalMs: 0, tail: true });
  let exemptDepth = 0;
  let bench: Bench | null = null;
  try {
    const { beforeStart, mayStop, ...benchOptions } = options;
    const orderEntry = options.orderEntry ?? chaosOrderEntry(process.env);
    log.push(`order entry ${orderEntry}`);
    bench = await startBench({
      ...benchOptions,
      orderEntry,
      // The runtime's own shutdown budget: a stop that meets leftover 5xx faults on cancel/all
      // backs off 1 + 2 + 4 s before it gets through, longer than the bench's default 5 s.
      shutdownTimeoutMs: 30_000,
      seed,
      journal,
      killSwitchExempt: () => exemptDepth > 0,
      ...(beforeStart ? { beforeStart: (sim) => beforeStart(sim, rng, log) } : {}),
    });
    const b = bench;
    // Remainders the exchange cancels on its own (inside `exempt`: a forced kill-switch expiry).
    const external: ExternalCancel[] = [];
    const offExternal = b.sim.onEvent((e) => {
      if (exemptDepth === 0 || e.type !== 'order' || e.event !== 3 || e.accountId !== BOT_ACCOUNT || e.order.left.isZero()) return;
      const mine = ownOrder(e.order, BOT_ID, MARKET);
      if (mine) external.push({ level: mine.id.level, side: mine.id.side, left: e.order.left.toFixed() });
    });
    // The market actor's recent events, for a failure's dump.
    const trace: string[] = [];
    b.runtime.supervisor.system.inspect((ev) => {
      if (ev.type !== '@xstate.event' || (ev.actorRef as { id?: string }).id !== marketActorId(MARKET)) return;
      const e = ev.event as { type: string; [k: string]: unknown };
      if (e.type.startsWith('xstate.after') || e.type === 'tick') return;
      trace.push(`${e.type}${brief(e)}`);
      if (trace.length > 60) trace.shift();
    });
    const rig = makeRig(
      b,
      orderEntry,
      seed,
      rng,
      log,
      violations,
      notes,
      external,
      trace,
      () => exemptDepth,
      (d) => (exemptDepth = d),
    );
    try {
      await drive(rig);
      await rig.settle('the end of the scenario', 15_000);
    } catch (e) {
      violations.push(`scenario error: ${e instanceof Error ? e.message : String(e)}\n      market events: ${trace.join(' ; ')}`);
    }
    const ended = b.state() === 'gone' || b.state().startsWith('killed');
    const reason = b.runtime.statuses()[0]?.reason ?? null;
    // Owed quantities are judged while the bot runs (the shutdown frees every level); excess after.
    const counters = checkCounterQuantities(b.sim, GRID, external);
    await b.stop();
    offExternal();
    violations.push(...b.violations);
    const after = checkCounterQuantities(b.sim, GRID, external);
    violations.push(...after.violations);
    if (ended) {
      if (!mayStop) violations.push(`the market stopped itself: ${reason ?? 'no reason'}`);
      else notes.push(`the market stopped itself (${reason ?? 'no reason'}); ${counters.missing.length} counter quantity(ies) it never placed`);
    } else violations.push(...counters.missing);
    notes.push(...counters.pending);
    violations.push(...checkNothingLeft(b.sim, BOT_ACCOUNT));
    journal.close();
    journal = null;
    violations.push(...checkJournal(journalPath, b.sim, GRID, [MARKET]));
    return {
      scenario,
      seed,
      violations,
      notes,
      log,
      fills: after.fills,
      orders: after.placedOrders,
      faults: { ...b.sim.faults.stats },
      ms: Date.now() - started,
    };
  } finally {
    await bench?.close();
    journal?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function brief(e: Record<string, unknown>): string {
  const pick = (o: unknown): string => {
    if (!o || typeof o !== 'object') return '';
    const r = o as Record<string, unknown>;
    const f = (v: unknown): string => (v && typeof v === 'object' && 'toFixed' in v ? (v as { toFixed(): string }).toFixed() : String(v));
    return ['clientOrderId', 'amount', 'left', 'dealStock', 'final', 'kind']
      .filter((k) => r[k] !== undefined)
      .map((k) => `${k === 'clientOrderId' ? '' : `${k}=`}${k === 'clientOrderId' ? String(r[k]).split('.').slice(3).join('.') : f(r[k])}`)
      .join(',');
  };
  if (e.deal) return `(${pick(e.deal)})`;
  if (e.update) return `(${pick(e.update)})`;
  if (Array.isArray(e.outcomes)) return `(${e.outcomes.map(pick).join(' | ')})`;
  if (Array.isArray(e.output)) return `(${e.output.map(pick).join(' | ')})`;
  return '';
}

function makeRig(
  bench: Bench,
  orderEntry: OrderWay,
  seed: number,
  rng: Rng,
  log: string[],
  violations: string[],
  notes: string[],
  external: readonly ExternalCancel[],
  trace: readonly string[],
  getExempt: () => number,
  setExempt: (d: number) => void,
): Rig {
  const pick = <T>(xs: readonly T[]): T => {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[rng.int(xs.length)] as T;
  };
  const between = (lo: number, hi: number): number => lo + rng.int(hi - lo + 1);

  const take = (): boolean => {
    const open = bench.openOrders();
    if (open.length === 0) {
      log.push('take: nothing resting');
      return false;
    }
    // A resting order of the bot, and a taker of the other side limited at its price: it fills
    // every better order of the bot on the way (a sweep when the amount reaches past the first).
    const target = pick([...open].sort((x, y) => x.id.level - y.id.level));
    const side = target.order.side === 'buy' ? 'sell' : 'buy';
    // At least 0.0002 (the taker's own total must reach minTotal 10); up to 2.5 levels' worth.
    const amount = STEP.times(between(2, 50)).toFixed();
    const r = bench.sim.exchange.placeOrder(TAKER_ACCOUNT, { market: MARKET, side, amount, price: target.order.price, ioc: true }, bench.sim.clock.now());
    log.push(`take ${side} ${amount} @ ${target.order.price} (level ${target.id.level})${r.ok ? '' : ` refused: ${JSON.stringify(r.error)}`}`);
    return r.ok;
  };

  const quiet = (): boolean => {
    const st = bench.runtime.statuses()[0];
    if (!st) return false;
    if (bench.state() === 'gone' || st.state.startsWith('killed') || st.state === 'stopped') return true;
    return st.state.startsWith('running') && st.pendingOrders === 0 && checkCounterQuantities(bench.sim, GRID, external).missing.length === 0;
  };

  return {
    bench,
    orderEntry,
    seed,
    rng,
    log,
    violations,
    notes,
    pick,
    between,
    take,
    burst: (n) => {
      let done = 0;
      for (let i = 0; i < n; i++) if (take()) done++;
      return done;
    },
    planPlaced: async (timeoutMs = 10_000) => {
      await bench.until(
        'the plan resting and the market running',
        () => bench.openOrders().length === PLAN.length && bench.state().startsWith('running'),
        timeoutMs,
      );
    },
    settle: async (label, timeoutMs = 10_000) => {
      try {
        await bench.until(`settled: ${label}`, quiet, timeoutMs);
        return true;
      } catch (e) {
        const book = bench.market()?.context.book;
        const orders = [...(book?.orders.values() ?? [])].map((o) => `${o.level}:${o.side}:${o.state}:${o.origin}:${o.amount.toFixed()}`).join(' ');
        const residues = [...(book?.ledger.residues.entries() ?? [])].map(([k, v]) => `${k}=${v.toFixed()}`).join(' ');
        const missing = checkCounterQuantities(bench.sim, GRID, external).missing.join('; ');
        violations.push(
          `not settled within ${timeoutMs} ms (${label}): ${e instanceof Error ? e.message.split('\n').slice(1).join(' | ') : String(e)} | book: ${orders || 'empty'}; residues: ${residues || 'none'}; missing: ${missing || 'none'}\n      market events: ${trace.join(' ; ')}`,
        );
        return false;
      }
    },
    exempt: (fn) => {
      setExempt(getExempt() + 1);
      try {
        return fn();
      } finally {
        setExempt(getExempt() - 1);
      }
    },
    visited: (prefix, from) => bench.path.slice(from).some((p) => p.startsWith(prefix)),
  };
}
