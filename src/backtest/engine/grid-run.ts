/**
 * One grid over one price path: the market machine `run` uses (market.machine.ts), its IO provided
 * by a SimVenue, on a StepClock. Per path point, in this order: timers due before it fire (each
 * settled: a kill-switch refresh reaches the engine before the engine's timer is checked), the path
 * trades through our resting orders, the actor hears the fills (deal, order report) and then the
 * price, and everything it asked for settles before the next point.
 *
 * Why fills before the price: the trades that hit our orders happened on the exchange whatever the
 * bot thinks; a risk limit the price breaches stops the grid after them, as it would live.
 */
import { createActor } from 'xstate';
import { D, type Decimal, toPlain } from '../../grid/index.js';
import { applyTrade, emptyPnl } from '../../grid/pnl.js';
import { marketMachine } from '../../machines/market/market.machine.js';
import type { MarketInput } from '../../machines/market/market.types.js';
import { marketActorId } from '../../runtime/supervisor/supervisor.machine.js';
import { attachSystemHook } from '../../runtime/journal/system-hook.js';
import type { GridBacktest } from '../api.js';
import type { BacktestJournal } from './backtest-journal.js';
import { GridFigures, sampleOf } from './figures.js';
import type { SelectedGrid } from './grid-select.js';
import { ladderText } from './grid-select.js';
import { priceNews } from './price-news.js';
import { type PricePath, tradesThrough } from './price-path.js';
import { SimVenue } from './sim-venue.js';
import { StepClock } from './step-clock.js';

/** The first client order sequence: any constant works, each grid has its own engine. */
const FIRST_SEQ = 1;

/**
 * The kill-switch as armed in a backtest: the longest timeout WhiteBIT takes (600 s), refreshed
 * 10 s before it runs out. Why not the grid's own (often 60 s, refreshed every 20 s): in process no request
 * fails and no time passes between a refresh and its answer, so the timer can never fire, and 30
 * days of 20-second refreshes are 130 000 round trips through the machine for nothing. The
 * refresh still runs, on the engine, on the simulated clock.
 *
 * The periodic audit (`reconcileEvery`) is off for the same reason: in process no frame is lost,
 * so it could find nothing; a reconcile the machine decides on (an unknown outcome) still runs.
 */
export const BACKTEST_KILL_SWITCH = { timeoutSec: 600, refreshSec: 590 } as const;

const lifecycleOf = (value: unknown): string => {
  const walk = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const [k, inner] = Object.entries((v ?? {}) as Record<string, unknown>)[0] ?? ['?', ''];
    const rest = walk(inner);
    return rest === '' ? k : `${k}.${rest}`;
  };
  return walk((value as { lifecycle?: unknown }).lifecycle);
};

/** Runs one grid over the path and returns its figures. */
export async function runGrid(grid: SelectedGrid, path: PricePath, maxSamples: number, journal: BacktestJournal): Promise<GridBacktest> {
  const startMs = path.timesMs[0] ?? 0;
  const clock = new StepClock(startMs);
  let index = 0;
  const venue = new SimVenue({
    market: grid.market,
    rules: grid.rules,
    balances: grid.balances,
    now: () => clock.now(),
    lastPrice: () => path.texts[index] ?? '0',
  });
  const input: MarketInput = {
    ...grid.settings,
    killSwitch: { ...grid.settings.killSwitch, ...BACKTEST_KILL_SWITCH },
    reconcileEverySec: null,
    firstSeq: FIRST_SEQ,
    invalidPlan: 'stop',
  };
  const hook = journal.begin(input, startMs);
  const actor = createActor(marketMachine.provide({ actors: venue.actors() as never }), { id: marketActorId(grid.market.name), input, clock });
  // Not an `inspect` observer: one would make XState copy every inspection event (system-hook.ts).
  if (hook) attachSystemHook(actor, hook);

  const pnl = emptyPnl();
  let roundTrips = 0;
  const stopReasons: string[] = [];
  let stoppedAtMs: number | null = null;
  actor.on('market.fill', (e) => {
    const matched = pnl.matchedBase;
    applyTrade(
      pnl,
      { level: e.level, side: e.side, price: new D(e.price), amount: new D(e.amount), fee: new D(e.fee ?? '0'), feeAsset: e.feeAsset ?? '' },
      grid.rules,
    );
    if (pnl.matchedBase.gt(matched)) roundTrips += 1;
  });
  actor.on('market.state', (e) => {
    if (e.stopReason !== null && !stopReasons.includes(e.stopReason)) {
      stopReasons.push(e.stopReason);
      stoppedAtMs ??= clock.now();
    }
  });

  const news = priceNews();
  const figures = new GridFigures(Math.max(1, Math.ceil(path.prices.length / Math.max(1, maxSamples))));
  // Most points need no timer and leave nothing queued: they take no await (a microtask each, 172 800 of them in 30 days).
  const advanceTo = async (t: number): Promise<void> => {
    while (clock.fireNext(t)) {
      await venue.settle();
      venue.expireKillSwitches();
      await venue.settle();
    }
    clock.moveTo(t);
    venue.expireKillSwitches();
    await venue.settle();
  };

  await journal.point(clock.now(), async () => {
    actor.start();
    await venue.settle();
  });
  const plan = actor.getSnapshot().context.plan;
  const first = plan?.levels[0];
  const last = plan?.levels[plan.levels.length - 1];
  figures.setRange(first && last ? { low: first.price, high: last.price } : null);
  const capital = plan ? plan.quoteRequired.plus(plan.baseRequired.times(plan.lastPrice)) : new D(0);

  const n = path.prices.length;
  for (index = 0; index < n; index += 1) {
    const t = path.timesMs[index] as number;
    const price = path.prices[index] as Decimal;
    await journal.point(t, async () => {
      if ((clock.nextDue() ?? Infinity) <= t || venue.killSwitchDue(t)) await advanceTo(t);
      else clock.moveTo(t);
      if (venue.tradeAt(price, tradesThrough) > 0 || venue.busy()) await venue.settle();
      const snap = actor.getSnapshot();
      if (snap.status === 'active' && news.tell(snap.context, snap.matches({ lifecycle: { running: 'trading' } }), price, t)) {
        venue.tellPrice(path.texts[index] as string);
        await venue.settle();
      }
    });
    figures.point(t, price, path.texts[index] as string, venue.quoteDelta, venue.baseDelta);
  }
  index = n - 1;
  await journal.point(path.endMs, () => advanceTo(path.endMs));
  const lastPrice = path.prices[n - 1] ?? new D(0);
  const lastText = path.texts[n - 1] ?? '0';
  const equityNow = venue.quoteDelta.plus(venue.baseDelta.times(lastPrice));
  figures.finish(path.endMs, sampleOf(path.endMs, lastText, equityNow, venue.baseDelta));
  const snap = actor.getSnapshot();
  const finalState = snap.status === 'active' ? lifecycleOf(snap.value) : 'stopped';
  if (snap.context.stopReason !== null && !stopReasons.includes(snap.context.stopReason)) stopReasons.push(snap.context.stopReason);
  actor.stop();

  const f = figures.result();
  const realised = pnl.realisedQuote;
  return {
    market: grid.market.name,
    baseAsset: grid.rules.baseAsset,
    quoteAsset: grid.rules.quoteAsset,
    ladder: ladderText(grid.settings, grid.rules.quoteAsset),
    levels: plan?.levels.length ?? 0,
    override: grid.override,
    makerFeePercent: grid.market.makerFee,
    capitalQuote: toPlain(capital, grid.market.moneyPrec),
    realisedQuote: toPlain(realised),
    unrealisedQuote: toPlain(f.equity.minus(realised)),
    pnlQuote: toPlain(f.equity),
    feesQuote: toPlain(pnl.feesQuote),
    fills: venue.fills.length,
    roundTrips,
    maxDrawdownQuote: toPlain(f.maxDrawdown),
    maxDrawdownPercent: capital.isZero() ? '0' : toPlain(f.maxDrawdown.times(100).div(capital), 2),
    timeInRangePercent: f.timeInRangePercent,
    inventoryBase: toPlain(venue.baseDelta),
    finalState,
    stopReasons,
    stoppedAtMs,
    samples: f.samples,
    fillList: venue.fills,
  };
}
