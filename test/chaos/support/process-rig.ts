/**
 * The SIGKILL scenario's rig: the simulator in this process, the bot as a real `gridbot run` child
 * (test/integration/support/bot-process.ts) with a journal and `onStart: adopt`. The bot is killed
 * with SIGKILL from inside the exchange's event for its k-th accepted order (so before it can read
 * the answer), fills land while it is dead, and it is started again on the same journal. The last
 * life ends with SIGINT. Judged like every other scenario, on the simulator's records and the journal;
 * and each life but the last must have died of that SIGKILL, and every life must have run on the one
 * journal (its `runs` table lists their pids).
 *
 * Each child start costs about a second of CPU (loading the CLI under the TypeScript hooks), so a
 * run is the chaos suite's most expensive; the runs overlap (test/chaos/chaos.chaos.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { DEMO_ACCOUNT, type Simulator, startSimulator } from '../../../src/sim/index.js';
import { deriveSeed, mulberry32 } from '../../../src/sim/prng.js';
import { BOT_ACCOUNT, BOT_ID, MARKET, MARKET_SPEC, PLAN, TAKER_ACCOUNT, gridYaml } from '../../integration/harness.js';
import { type BotProcess, spawnBot } from '../../integration/support/bot-process.js';
import { waitUntil } from '../../integration/support/until.js';
import { checkCounterQuantities, checkJournal, checkNothingLeft, openBotOrders, watchLiveInvariants } from '../../support/sim-invariants.js';
import { chaosOrderEntry } from './order-entry.js';
import type { ChaosRun } from './outcome.js';
import { GRID } from './rig.js';

const START_MS = 30_000;
const STEP = new Decimal('0.0001');

export async function sigkillRestart(scenario: string, seed: number): Promise<ChaosRun> {
  const started = Date.now();
  const rng = mulberry32(deriveSeed(seed, scenario));
  const between = (lo: number, hi: number): number => lo + rng.int(hi - lo + 1);
  const log: string[] = [];
  const violations: string[] = [];
  const notes: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'gridbot-chaos-kill-'));
  const journalPath = join(dir, 'journal.db');
  const file = join(dir, 'markets.yaml');
  await writeFile(
    file,
    gridYaml({ logLevel: 'info', journalPath, killSwitchTimeout: 60, onStart: 'adopt', onStop: 'cancel', orderEntry: chaosOrderEntry(process.env) }),
  );
  const sim: Simulator = await startSimulator({
    port: 0,
    seed,
    priceProcess: false,
    markets: [MARKET_SPEC],
    accounts: [
      { id: BOT_ACCOUNT, apiKey: DEMO_ACCOUNT.apiKey, apiSecret: DEMO_ACCOUNT.apiSecret, balances: { DBTC: '10', DUSDT: '100000' } },
      { id: TAKER_ACCOUNT, apiKey: 'taker-key', apiSecret: 'taker-secret', balances: { DBTC: '100', DUSDT: '10000000' } },
    ],
  });
  const children: BotProcess[] = [];
  let stopping = false;
  const watch = watchLiveInvariants(sim, { ...GRID, markets: [MARKET], killSwitchExempt: () => stopping });
  const scope = { accountId: BOT_ACCOUNT, botId: BOT_ID };

  /** Resolves with check()'s first truthy value, re-checked on every simulator event and child line. */
  const until = <T>(label: string, check: () => T | null | undefined | false, timeoutMs: number): Promise<T> =>
    waitUntil(label, check, {
      sources: [(f) => sim.onEvent(f), ...children.map((c) => (f: () => void) => c.onLine(f))],
      timeoutMs,
      describe: () => {
        const child = children[children.length - 1];
        return `last child: ${child?.lines().slice(-4).join(' | ') ?? '-'} ${child?.stderr().slice(-500) ?? ''}`;
      },
    });

  const take = (): void => {
    const open = openBotOrders(sim, scope, MARKET).sort((x, y) => x.id.level - y.id.level);
    const target = open[rng.int(Math.max(1, open.length))];
    if (!target) {
      log.push('take: nothing resting');
      return;
    }
    const side = target.order.side === 'buy' ? 'sell' : 'buy';
    const amount = STEP.times(between(2, 50)).toFixed();
    const r = sim.exchange.placeOrder(TAKER_ACCOUNT, { market: MARKET, side, amount, price: target.order.price, ioc: true }, sim.clock.now());
    log.push(`take ${side} ${amount} @ ${target.order.price}${r.ok ? '' : ' refused'}`);
  };
  // The market's last logged state per child, read incrementally: `quiet` runs on every exchange
  // event and child line, and re-parsing every line each time made a run quadratic in its log.
  const tops = new Map<BotProcess, { read: number; state: string | null }>();
  const topState = (c: BotProcess): string | null => {
    const top = tops.get(c) ?? { read: 0, state: null };
    tops.set(c, top);
    const lines = c.lines();
    for (; top.read < lines.length; top.read++) {
      const msg = parsedMsg(lines[top.read] ?? '');
      if (msg?.startsWith(`${MARKET} `)) top.state = msg.slice(MARKET.length + 1);
    }
    return top.state;
  };
  const quiet = (c: BotProcess): boolean => c.hasExited() || (topState(c) === 'running' && checkCounterQuantities(sim, GRID).missing.length === 0);

  let fills = 0;
  /** The owed quantities, judged just before the SIGINT (the shutdown frees every level). */
  let beforeStop: ReturnType<typeof checkCounterQuantities> | null = null;
  try {
    const lives = 1 + between(1, 2);
    for (let life = 1; life <= lives; life++) {
      const last = life === lives;
      const child = spawnBot(['run', '--config', file, '--exchange-url', sim.restUrl]);
      children.push(child);
      if (last) {
        log.push(`life ${life}: start (the last)`);
        await until(`life ${life} running and quiet`, () => quiet(child) && topState(child) === 'running', START_MS);
        if (child.hasExited()) throw new Error(`the bot exited on its own: ${child.stderr().slice(-1000)}`);
        for (let i = 0, n = between(1, 2); i < n; i++) {
          for (let j = 0, m = between(1, 3); j < m; j++) take();
          await until(`life ${life} quiet after fills`, () => quiet(child), 15_000);
        }
        beforeStop = checkCounterQuantities(sim, GRID);
        stopping = true;
        const code = await child.signal('SIGINT');
        log.push(`life ${life}: SIGINT → exit ${code}`);
        if (code !== 0) violations.push(`the bot exited ${code} on SIGINT: ${child.stderr().slice(-1000)}`);
        break;
      }
      // The k-th order the exchange accepts from this life is where it dies (before it reads the answer).
      const k = between(1, life === 1 ? PLAN.length + 3 : 3);
      log.push(`life ${life}: start, SIGKILL at its order ${k}`);
      let seen = 0;
      const off = sim.onEvent((e) => {
        if (e.type !== 'order' || e.accountId !== BOT_ACCOUNT || e.event !== 1) return;
        seen += 1;
        if (seen === k) {
          off();
          child.proc.kill('SIGKILL');
          log.push(`life ${life}: SIGKILL at ${e.order.clientOrderId}`);
        }
      });
      await until(`life ${life} running or killed`, () => child.hasExited() || topState(child) === 'running', START_MS);
      for (let round = 0; round < 4 && !child.hasExited(); round++) {
        for (let j = 0, m = between(1, 3); j < m; j++) take();
        await until(`life ${life} quiet or killed`, () => quiet(child), 15_000);
      }
      off();
      if (!child.hasExited()) {
        log.push(`life ${life}: SIGKILL at a quiet moment`);
        child.proc.kill('SIGKILL');
      }
      await child.exited;
      // A life that ended some other way (crashed at start, exited on its own) is not the SIGKILL
      // this scenario is about.
      if (child.proc.signalCode !== 'SIGKILL') {
        violations.push(
          `life ${life} ended by ${child.proc.signalCode ?? `exit ${String(child.proc.exitCode)}`}, not by the SIGKILL: ${child.stderr().slice(-1000)}`,
        );
      }
      // While it is dead: its orders rest under the kill-switch; some fill.
      for (let j = 0, m = between(0, 2); j < m; j++) take();
    }
  } catch (e) {
    violations.push(`scenario error: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    stopping = true;
    await Promise.all(children.map((c) => c.signal('SIGKILL')));
  }
  try {
    violations.push(...watch.violations);
    const counters = checkCounterQuantities(sim, GRID);
    fills = counters.fills;
    violations.push(...counters.violations, ...(beforeStop ?? counters).missing);
    notes.push(...(beforeStop ?? counters).pending);
    violations.push(...checkNothingLeft(sim, BOT_ACCOUNT));
    violations.push(...checkJournal(journalPath, sim, scope, [MARKET]));
    // Every life opened the one journal (a restart that started afresh would adopt nothing).
    const pids = journalRunPids(journalPath);
    const lives = children.map((c) => c.pid);
    if (pids.join() !== lives.join()) violations.push(`the journal's runs are pids ${pids.join(', ') || 'none'}, the lives were ${lives.join(', ')}`);
    log.push(`${children.length} lives, ${children.filter((c) => c.proc.signalCode === 'SIGKILL').length} ended by SIGKILL`);
    return {
      scenario,
      seed,
      violations,
      notes,
      log,
      fills,
      orders: counters.placedOrders,
      faults: { ...sim.faults.stats },
      ms: Date.now() - started,
    };
  } finally {
    watch.detach();
    await sim.close();
    if (process.env.KEEP_CHAOS_DIR) process.stderr.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** The `msg` of a JSON log line, or null. */
function parsedMsg(line: string): string | null {
  if (!line.startsWith('{')) return null;
  try {
    const msg = (JSON.parse(line) as { msg?: unknown }).msg;
    return typeof msg === 'string' ? msg : null;
  } catch {
    return null;
  }
}

/** The pids of the journal's `runs`, one per `gridbot run` that opened it, in order. */
function journalRunPids(path: string): number[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT pid FROM runs ORDER BY id')
      .all()
      .map((r) => (r as { pid: number }).pid);
  } finally {
    db.close();
  }
}
