/**
 * SIGKILL and restart of a `gridbot run` child process against a simulator that outlives it (issue 5).
 *
 * The simulator runs in the test process; the bot runs as a real child process (`gridbot run
 * --exchange-url`), with a journal. The test fills a bot order, SIGKILLs the bot once the
 * counter-order rests, fills another order while the bot is dead, and starts the bot again on the
 * same journal. Everything is judged on the simulator (its open orders, every order the bot's
 * account placed, its deals and kill-switches), not on what the bot believes:
 * - the restarted bot adopts its orders from the journal and places nothing it placed before;
 * - the fill it missed gets its counter-order exactly once; each fill of the whole session has
 *   exactly one counter-order quantity, by level, side and amount;
 * - at most one open order per level and an armed kill-switch whenever the bot has open orders,
 *   on every exchange event until shutdown;
 * - SIGINT leaves no order and no kill-switch; `gridbot status` reads two runs and the fills the
 *   simulator has for the bot.
 * And a second bot on the same journal is refused (exit 2, naming the holder) before it sends
 * anything private.
 *
 * Waiting is on conditions, re-checked on every simulator event and every stdout line of a child,
 * with deadlines; never on sleeps. KEEP_RESTART_DIR=1 keeps each test's directory (markets.yaml,
 * journal.db) for a look after a failure.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { type OwnClientOrderId, decodeClientOrderId } from '../../src/grid/client-order-id.js';
import type { BotView } from '../../src/runtime/commands/status.js';
import type { JournalReport } from '../../src/runtime/journal/index.js';
import { DEMO_ACCOUNT, type Simulator, startSimulator } from '../../src/sim/index.js';
import type { OrderSnapshot } from '../../src/sim/order.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';
import { AMOUNT, LEVEL_PRICE, MARKET, gridYaml } from './harness.js';
import { type BotProcess, spawnBot } from './support/bot-process.js';
import { statusOutput } from './support/status-cli.js';
import { waitUntil } from './support/until.js';

const BOT_ID = 'rs';
const BOT = DEMO_ACCOUNT.id;
const TAKER = 'taker';
/** The plan at last price 60 000: levels 0..4, 200 apart (0.33 %, above the 0.2 % round-trip fee); 2 is the gap. */
const PLAN = ['0:buy', '1:buy', '3:sell', '4:sell'];
/** Child start-up transpiles the sources: a few seconds; generous for a loaded CI box. */
const START_MS = 20_000;

interface Placed {
  readonly level: number;
  readonly side: 'buy' | 'sell';
  readonly amount: string;
  readonly clientOrderId: string;
}

let dir: string;
let sim: Simulator;
let proxy: CountingProxy | undefined;
let children: BotProcess[];
/** Every order the bot's account placed on the market (ordersPending event 1), decoded, in order. */
let placed: Placed[];
let violations: string[];
/** How often the bot's account armed (or re-armed) the market's kill-switch. */
let armings: number;
let checkingKillSwitch: boolean;
let detach: () => void;

const ownId = (o: { clientOrderId: string }): OwnClientOrderId | null => {
  const id = decodeClientOrderId(o.clientOrderId, { botId: BOT_ID, market: MARKET });
  return id.kind === 'ours' ? id : null;
};
const botOrders = (): { order: OrderSnapshot; id: OwnClientOrderId }[] =>
  sim.state.orders(BOT).flatMap((order) => {
    const id = order.market === MARKET ? ownId(order) : null;
    return id ? [{ order, id }] : [];
  });
/** The open orders as `level:side`, sorted. */
const resting = (): string[] =>
  botOrders()
    .map((o) => `${o.id.level}:${o.id.side}`)
    .sort();
const botFills = () => sim.state.fills(BOT).filter((d) => d.market === MARKET);
const armed = (): boolean => sim.state.killSwitches(BOT).some((k) => k.market === MARKET);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridbot-restart-'));
  children = [];
  placed = [];
  violations = [];
  armings = 0;
  checkingKillSwitch = true;
  sim = await startSimulator({
    port: 0,
    seed: 11,
    priceProcess: false,
    accounts: [
      { id: BOT, apiKey: DEMO_ACCOUNT.apiKey, apiSecret: DEMO_ACCOUNT.apiSecret, balances: { DBTC: '10', DUSDT: '100000' } },
      { id: TAKER, apiKey: 'taker-key', apiSecret: 'taker-secret', balances: { DBTC: '100', DUSDT: '10000000' } },
    ],
  });
  // The invariants, on every exchange event of the bot's account.
  detach = sim.onEvent((e) => {
    if (e.type === 'killSwitch' && e.accountId === BOT && e.market === MARKET && e.action === 'armed') armings += 1;
    if (e.type !== 'order' || e.accountId !== BOT || e.order.market !== MARKET) return;
    const id = ownId(e.order);
    if (id && e.event === 1) placed.push({ level: id.level, side: id.side, amount: e.order.amount.toFixed(), clientOrderId: e.order.clientOrderId });
    const perLevel = new Map<number, string[]>();
    for (const o of botOrders()) perLevel.set(o.id.level, [...(perLevel.get(o.id.level) ?? []), o.order.clientOrderId]);
    for (const [level, ids] of perLevel) if (ids.length > 1) violations.push(`two open orders at level ${level}: ${ids.join(', ')}`);
    if (checkingKillSwitch && perLevel.size > 0 && !armed())
      violations.push(`open orders without an armed kill-switch after ${e.order.clientOrderId} (event ${e.event})`);
  });
});

afterEach(async () => {
  // Whatever happened: no child outlives its test.
  await Promise.all(children.map((c) => c.signal('SIGKILL')));
  detach();
  vi.restoreAllMocks();
  await proxy?.close();
  proxy = undefined;
  await sim.close();
  if (process.env.KEEP_RESTART_DIR) process.stderr.write(`kept ${dir}\n`);
  else await rm(dir, { recursive: true, force: true });
});

async function writeConfig(): Promise<{ file: string; journal: string }> {
  const journal = join(dir, 'journal.db');
  const file = join(dir, 'markets.yaml');
  await writeFile(file, gridYaml({ botId: BOT_ID, logLevel: 'info', journalPath: journal, killSwitchTimeout: 60, onStart: 'adopt', onStop: 'cancel' }));
  return { file, journal };
}

function startBot(file: string, exchangeUrl = sim.restUrl): BotProcess {
  const child = spawnBot(['run', '--config', file, '--exchange-url', exchangeUrl]);
  children.push(child);
  return child;
}

/** Resolves with `check()`'s first truthy value, re-checked on every simulator event and child stdout line. */
function until<T>(label: string, check: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 5_000): Promise<T> {
  return waitUntil(label, check, {
    sources: [(f) => sim.onEvent(f), ...children.map((c) => (f: () => void) => c.onLine(f))],
    timeoutMs,
    describe: () => {
      const tails = children.map(
        (c, i) => `child ${i} (pid ${c.pid}${c.hasExited() ? ', exited' : ''}):\n  ${c.lines().slice(-8).join('\n  ')}\n  stderr: ${c.stderr().slice(-2000)}`,
      );
      return `resting: ${resting().join(' ') || 'none'}; kill-switch armed: ${armed()}\n${tails.join('\n')}`;
    },
  });
}

/** `gridbot status --journal FILE --json`, in-process. */
async function status(journal: string): Promise<JournalReport & { bot: BotView }> {
  return JSON.parse(await statusOutput(journal, '--json')) as JournalReport & { bot: BotView };
}

const lifecycle = (state: string | null): string =>
  (state ?? '')
    .split(' | ')
    .find((p) => p.startsWith('lifecycle.'))
    ?.replace(/^lifecycle\./, '') ?? '';

/** The counter-order a fill of the bot owes: one level away, the other side, the filled amount. */
function counterOf(clientOrderId: string, amount: string): string {
  const id = decodeClientOrderId(clientOrderId, { botId: BOT_ID, market: MARKET });
  if (id.kind !== 'ours') throw new Error(`a fill of the bot with a foreign client id: ${clientOrderId}`);
  return id.side === 'buy' ? `${id.level + 1}:sell:${amount}` : `${id.level - 1}:buy:${amount}`;
}

/** A taker order from the second account, through the engine at once. */
function take(side: 'buy' | 'sell', level: number): void {
  const r = sim.exchange.placeOrder(TAKER, { market: MARKET, side, amount: AMOUNT, price: LEVEL_PRICE[level] }, sim.clock.now());
  if (!r.ok) throw new Error(`taker order refused: ${JSON.stringify(r.error)}`);
}

const isRunningLine = (c: BotProcess) => c.logs().some((l) => l.msg === `${MARKET} running`);

describe('restart of a SIGKILLed bot process against an external simulator', () => {
  it('restores from the journal, answers the missed fill exactly once, re-places nothing, and stops clean', async () => {
    const { file, journal } = await writeConfig();

    // Run 1: the plan rests, one buy fills, its counter-sell rests; then SIGKILL.
    const first = startBot(file);
    await until('the plan resting on the simulator', () => resting().join() === PLAN.join() && armed(), START_MS);
    expect(placed.map((p) => `${p.level}:${p.side}:${p.amount}`).sort()).toEqual(PLAN.map((p) => `${p}:${AMOUNT}`));

    // SIGKILL at the worst moment: the instant the exchange accepts the counter-sell, before the bot
    // can see the answer (the signal is sent from inside the engine's event, before the HTTP reply
    // and the WS frame are written). The journal then has the fill, and the counter-order as sent
    // with no outcome.
    const killAtCounter = sim.onEvent((e) => {
      if (e.type !== 'order' || e.accountId !== BOT || e.event !== 1) return;
      const id = ownId(e.order);
      if (id?.level === 2 && id.side === 'sell') {
        killAtCounter();
        first.proc.kill('SIGKILL');
      }
    });
    take('sell', 1);
    expect(await first.exited).toBeNull();
    expect(first.proc.signalCode).toBe('SIGKILL');
    expect(resting()).toEqual(['0:buy', '2:sell', '3:sell', '4:sell']);
    const placedByFirst = placed.length;
    expect(placedByFirst).toBe(PLAN.length + 1);

    // Issue 14: `gridbot status` of the killed bot says it is not running (as doctor calls the lock
    // stale), since when, and which market it left with orders resting; no market shows a live state.
    const dead = await status(journal);
    expect(dead.lock).toMatchObject({ kind: 'stale', holder: { pid: first.pid } });
    expect(dead.bot.running).toBe(false);
    expect(dead.bot.notRunningSince).toBe(dead.lastActivityAt);
    expect(dead.bot.leftResting.map((r) => r.market)).toEqual([MARKET]);
    expect(dead.bot.leftResting[0]?.orders).toBeGreaterThanOrEqual(3);
    // The fill journaled before the kill counts, though the killed run never wrote its figures row.
    expect(dead.markets[0]?.lastRun.fills).toBe(1);
    expect(dead.markets[0]?.allTime.fills).toBe(1);
    const deadText = await statusOutput(journal);
    expect(deadText).not.toContain('a bot is running');
    expect(deadText).toContain(`bot: not running since ${new Date(dead.lastActivityAt ?? 0).toISOString()} (pid ${first.pid}, started`);
    expect(deadText).toMatch(new RegExp(`left with orders resting: ${MARKET} \\(\\d orders\\)`));
    expect(deadText).toMatch(new RegExp(`^${MARKET}\\s+not running\\b`, 'm'));

    // While the bot is dead: its counter-sell at level 2 fills. The orders rest under the kill-switch.
    take('buy', 2);
    expect(resting()).toEqual(['0:buy', '3:sell', '4:sell']);
    expect(botFills()).toHaveLength(2);
    expect(armed()).toBe(true);

    // Run 2 on the same journal: restores, reconciles, answers the missed fill with a buy at level 1.
    const armingsBefore = armings;
    const restingAtRestart = resting().length;
    const stillOpenOfFirst = botOrders();
    const second = startBot(file);
    await until('the restarted market running, with the missed fill answered', () => isRunningLine(second) && resting().join() === PLAN.join(), START_MS);
    const report = await until('the journal showing the market running', async () => {
      const r = await status(journal);
      return lifecycle(r.markets[0]?.state ?? null).startsWith('running') ? r : null;
    });
    expect(report.heldBy?.pid).toBe(second.pid);
    expect(resting()).toEqual(PLAN);
    // Armed by the restarted bot itself, not only left over from the dead one.
    expect(armed()).toBe(true);
    expect(armings).toBeGreaterThan(armingsBefore);
    // Nothing of run 1 was placed again: run 2 placed exactly the missed counter-buy.
    expect(placed.slice(placedByFirst).map((p) => `${p.level}:${p.side}:${p.amount}`)).toEqual([`1:buy:${AMOUNT}`]);
    // Issue 14: one line for the market after the restart, in the log and on the terminal, whose
    // numbers are what the simulator saw: the orders resting at the restart adopted, none cancelled
    // (every order of the bot still open is one the journal knows), the missed counter-order placed.
    const cancelledByExchange = new Set(
      sim.state
        .finishedOrders(BOT)
        .filter((o) => !o.left.isZero())
        .map((o) => o.clientOrderId),
    );
    const strays = stillOpenOfFirst.filter((o) => cancelledByExchange.has(o.order.clientOrderId)).length;
    const restartLine =
      `${MARKET} after restart: adopted ${restingAtRestart - strays}, cancelled ${strays} strays, ` +
      `placed ${placed.length - placedByFirst} missed counter-orders, 0 levels waiting for price`;
    expect(
      second
        .logs()
        .filter((l) => String(l.msg).includes('after restart'))
        .map((l) => l.msg),
    ).toEqual([restartLine]);
    await until('the restart line on the terminal', () => second.lines().includes(restartLine));

    // The restored bot trades on the live feed: the new buy at level 1 fills, its counter-sell rests.
    take('sell', 1);
    await until('the counter-sell of the live fill resting at level 2', () => resting().includes('2:sell'));
    expect(resting()).toEqual(['0:buy', '2:sell', '3:sell', '4:sell']);
    expect(armed()).toBe(true);

    // SIGINT: the bot cancels, disarms, exits 0.
    checkingKillSwitch = false;
    expect(await second.signal('SIGINT'), second.stderr()).toBe(0);
    expect(botOrders()).toEqual([]);
    expect(sim.state.orders(BOT)).toEqual([]);
    expect(sim.state.killSwitches(BOT)).toEqual([]);

    // Every order the account ever placed: the plan once, plus exactly one counter-order per fill.
    const fills = botFills();
    expect(fills).toHaveLength(3);
    const expected = [...PLAN.map((p) => `${p}:${AMOUNT}`), ...fills.map((d) => counterOf(d.clientOrderId, d.amount.toFixed()))].sort();
    expect(placed.map((p) => `${p.level}:${p.side}:${p.amount}`).sort()).toEqual(expected);
    expect(new Set(placed.map((p) => p.clientOrderId)).size).toBe(placed.length);
    expect(violations).toEqual([]);

    // The journal, read by `gridbot status` with no bot running.
    const after = await status(journal);
    expect(after.runs).toBe(2);
    expect(after.heldBy).toBeNull();
    expect(after.markets.map((m) => m.market)).toEqual([MARKET]);
    const m = after.markets[0];
    expect(m?.allTime.fills).toBe(fills.length);
    expect(m?.restingOrders).toBe(0);
    expect(lifecycle(m?.state ?? null)).toBe('stopped');
  }, 60_000);

  it('a second bot on a held journal exits 2 naming the holder, and sends the exchange nothing private', async () => {
    const { file } = await writeConfig();
    const holder = startBot(file);
    await until('the plan resting on the simulator', () => resting().join() === PLAN.join(), START_MS);

    proxy = await startCountingProxy(sim.restUrl);
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    const placedBefore = placed.length;
    expect(await main(['run', '--config', file, '--exchange-url', proxy.url])).toBe(2);
    vi.restoreAllMocks();
    expect(err.join('')).toContain(`pid ${holder.pid}`);
    expect(err.join('')).toMatch(/nothing was sent/);
    // Refused at the journal, before the exchange was contacted at all.
    expect(proxy.privateRequests()).toEqual([]);
    expect(proxy.requests).toEqual([]);
    expect(proxy.upgrades()).toBe(0);
    expect(placed.length).toBe(placedBefore);
    // The holder is undisturbed.
    expect(holder.hasExited()).toBe(false);
    expect(resting()).toEqual(PLAN);
    expect(await holder.signal('SIGINT')).toBe(0);
    expect(sim.state.orders(BOT)).toEqual([]);
  }, 30_000);
});
