/**
 * Chaos scenario `price-sweep` (issue 14, "The grid must not shrink silently"): a taker sweeps one
 * or two levels while REST is slow, so their counter-orders are in flight when the market moves
 * past them (a resting order of another trader on the far side, and a trade printed there). The
 * exchange refuses them as post-only; they must wait for price (visibly), survive a socket drop
 * sometimes, and be placed once each when the price is back inside the grid.
 *
 * Beyond the suite's invariants (one order per level, exactly one counter quantity per fill, …),
 * it checks that the sweep did leave levels waiting, and `checkGridWhole` once the bot settled
 * after the price came back: every sided level of the plan rests again (one order each).
 *
 * The other trader is the rig's taker account: its resting order is "the market" beyond the levels,
 * and a trade with itself (no self-trade prevention on the simulator's `stp: no`) prints a last
 * price without touching the bot's orders.
 */
import { Decimal } from 'decimal.js';
import type { Simulator } from '../../src/sim/index.js';
import { MARKET, PLAN, TAKER_ACCOUNT } from '../integration/harness.js';
import { groupByLevel } from '../support/sim-invariants.js';
import type { Scenario } from './support/outcome.js';
import { GRID, type Rig, runInProcess } from './support/rig.js';

type Side = 'buy' | 'sell';

const priceOf = (level: number): Decimal => new Decimal(GRID.levelPrice[level] ?? '0');

/** Places a limit order of the taker account; returns its id while it rests, or null. */
function rest(sim: Simulator, side: Side, amount: string, price: Decimal): number | null {
  const r = sim.exchange.placeOrder(TAKER_ACCOUNT, { market: MARKET, side, amount, price: price.toFixed() }, sim.clock.now());
  if (!r.ok) throw new Error(`taker order refused: ${JSON.stringify(r.error)}`);
  return r.value.id;
}

/** Takes 0.0002 at `price` with an IOC order of the taker: against its own resting order there, it prints that price. */
function hit(sim: Simulator, side: Side, price: Decimal): void {
  const r = sim.exchange.placeOrder(TAKER_ACCOUNT, { market: MARKET, side, amount: '0.0002', price: price.toFixed(), ioc: true }, sim.clock.now());
  if (!r.ok) throw new Error(`taker order refused: ${JSON.stringify(r.error)}`);
}

/**
 * Prints a trade at `price` between the taker and itself (rests 0.0002, then takes it): the market's
 * last price moves there and nothing is left; the caller picks a price no order of the bot meets.
 */
function print(sim: Simulator, price: Decimal, restingSide: Side): void {
  rest(sim, restingSide, '0.0002', price);
  hit(sim, restingSide === 'sell' ? 'buy' : 'sell', price);
}

/** "Grid whole": every sided level of the plan holds exactly one open order of the bot (none missing, none doubled). */
export function checkGridWhole(rig: Rig): string[] {
  const open = rig.bench.openOrders();
  const levels = groupByLevel(open);
  if (open.length === PLAN.length && levels.size === PLAN.length) return [];
  const book = rig.bench.market()?.context.book;
  const waiting = [...(book?.waiting.keys() ?? [])].join(' ') || 'none';
  return [
    `grid not whole after settling: ${open.length} open order(s) on ${levels.size} level(s), the plan keeps ${PLAN.length}; waiting for price: ${waiting}`,
  ];
}

async function sweepAndReturn(rig: Rig): Promise<void> {
  const { sim } = rig.bench;
  await rig.planPlaced();
  const up = rig.rng.chance(0.5);
  const k = rig.between(1, 2);
  const latency = rig.between(150, 600);
  sim.faults.setRestLatency(latency);
  // Swept levels and the levels their counter-orders go to (levels 0, 1 buy; 2 the gap; 3, 4 sell).
  const swept = up ? [3, 4].slice(0, k) : [1, 0].slice(0, k);
  const owed = swept.map((l) => (up ? l - 1 : l + 1));
  const far = priceOf(swept.at(-1) ?? 0);
  const r = sim.exchange.placeOrder(
    TAKER_ACCOUNT,
    { market: MARKET, side: up ? 'buy' : 'sell', amount: new Decimal(GRID.amount).times(k).toFixed(), price: far.toFixed(), ioc: true },
    sim.clock.now(),
  );
  rig.log.push(`rest latency ${latency} ms; sweep ${up ? 'up' : 'down'} through level(s) ${swept.join(', ')}: ${r.ok ? 'ok' : 'refused'}`);
  // In the same tick, before the slow REST processes the counter-orders: the market moves past
  // them. A resting order beyond every owed level, and a trade printed at its price.
  const hold = up ? priceOf(1).plus(100) : priceOf(3).minus(100);
  const holdId = rest(sim, up ? 'sell' : 'buy', '0.001', hold);
  hit(sim, up ? 'buy' : 'sell', hold);
  rig.log.push(`market held at ${hold.toFixed()} beyond owed level(s) ${owed.join(', ')}`);

  const waitingCount = (): number => rig.bench.market()?.context.book?.waiting.size ?? 0;
  try {
    await rig.bench.until('the refused counter-orders waiting for price', () => waitingCount() >= owed.length, 10_000);
  } catch {
    rig.violations.push(`the sweep left ${waitingCount()} level(s) waiting for price, expected ${owed.length} (owed at ${owed.join(', ')})`);
  }
  // The held price reaches the bot (lastprice pushes): nothing is released by it.
  const sees = (p: Decimal) => (): boolean => {
    const last = rig.bench.market()?.context.lastPrice;
    return last !== undefined && last !== null && new Decimal(last).eq(p);
  };
  await rig.bench.until('the market seeing the held price', sees(hold), 5_000).catch(() => undefined);
  if (waitingCount() < owed.length) rig.violations.push(`a level was released at the held price ${hold.toFixed()}`);
  sim.faults.setRestLatency(0);

  if (rig.rng.chance(0.5)) {
    // A reconnect while levels wait: reconcile keeps them waiting (nothing was placed for them).
    const mark = rig.bench.path.length;
    rig.log.push(`socket drop while ${waitingCount()} level(s) wait: ${sim.faults.closeSockets('all')} closed`);
    await rig.bench.until('reconciled after the drop', () => rig.visited('reconciling', mark) && rig.bench.state().startsWith('running'), 10_000);
    if (waitingCount() < owed.length) rig.violations.push(`a reconnect dropped levels waiting for price: ${waitingCount()} left of ${owed.length}`);
  }

  // The price comes back inside the grid, past every owed level: the other trader leaves, and a
  // trade prints between the owed levels and the next order of the bot.
  const cancel = holdId === null ? null : sim.exchange.cancelOrder(TAKER_ACCOUNT, MARKET, { orderId: holdId }, sim.clock.now());
  const back = up ? priceOf(Math.max(...owed)).plus(100) : priceOf(Math.min(...owed)).minus(100);
  print(sim, back, up ? 'sell' : 'buy');
  rig.log.push(`other trader gone (${cancel?.ok === true ? 'cancelled' : 'already gone'}); price back at ${back.toFixed()}`);
  await rig.bench
    .until('no level waiting for price', () => waitingCount() === 0, 10_000)
    .catch(() => {
      rig.violations.push(`levels still waiting for price after it came back to ${back.toFixed()}: ${waitingCount()}`);
    });
  if (await rig.settle('after the price came back')) rig.violations.push(...checkGridWhole(rig));
}

export const priceSweep: Scenario = {
  name: 'price-sweep',
  summary: 'a sweep with slow REST: counter-orders refused as post-only wait for price (a reconnect sometimes) and rest again once it is back',
  cost: 'cheap',
  run: (seed) => runInProcess('price-sweep', seed, {}, sweepAndReturn),
};
