/**
 * CPU cost of one fill inside the market actor, without sockets: the real machine with the IO
 * actors answered at once in memory, a 3-a-side grid, and for every fill the events the exchange
 * pushes (the deal, the filled order's final update, the placement answer, the new order's first
 * update). Returns µs per event kind after a warm-up; `npm run bench` prints it as its own section.
 * The actor is driven through its public events only (bench/market-driver.ts).
 *
 * `frame → desk` is what matters for the reaction: from handing the deal to the actor until the
 * desk is asked to place the counter-order, synchronously inside that call.
 */
import { type Summary, summarize } from './probe.js';
import { FILL_EVENT_KINDS, startDrivenMarket } from './market-driver.js';

export interface MarketCpuResult {
  readonly fills: number;
  readonly warmup: number;
  /** With an `inspect` callback that does nothing: XState's own cost of inspection. */
  readonly withInspect: boolean;
  /** µs per event, by kind. */
  readonly events: Record<string, Summary>;
}

/** Drives `fills` fills (after a warm-up) through one market actor and returns µs per event kind. */
export async function measureMarketCpu(fills: number, withInspect = false): Promise<MarketCpuResult> {
  let inspected = 0;
  const market = await startDrivenMarket({ now: Date.now, ...(withInspect ? { inspect: () => void (inspected += 1) } : {}) });
  const samples: Record<string, number[]> = Object.fromEntries(FILL_EVENT_KINDS.map((k) => [k, []]));
  const warmup = Math.min(5000, Math.floor(fills / 4));
  for (let n = 0; n < fills + warmup; n += 1) {
    const record = n >= warmup;
    market.fill((kind, deliver) => {
      const t0 = process.hrtime.bigint();
      deliver();
      if (record) samples[kind]?.push(Number(process.hrtime.bigint() - t0) / 1000);
    });
  }
  market.stop();
  const events: Record<string, Summary> = {};
  for (const [kind, xs] of Object.entries(samples)) events[kind] = summarize(xs);
  return { fills, warmup, withInspect, events };
}
