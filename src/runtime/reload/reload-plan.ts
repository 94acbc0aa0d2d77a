/**
 * What a reload of markets.yaml changes, decided from the running config and the new one, both
 * validated as a whole: per grid (by market) added, removed, changed or unchanged, or the reasons
 * the new file cannot be applied to a running fleet.
 *
 * A grid is changed when any of its settings differs, inherited defaults included: the loader has
 * already resolved each grid's settings from the file's top level (runtime-config.ts), so a changed
 * default shows as a change of every grid that inherits it. Its order entry counts too.
 *
 * Refused (the fleet is left as it is): what the runtime opened once at start and cannot swap under
 * running markets: the exchange and its account or keys (`exchange`, `sim`, `paper`), `botId` (in
 * every client order id: a changed one would disown the resting orders), the journal, the inspector,
 * `logLevel`, `health` and `notify`, and a kill-switch timeout shorter than the REST deadline the
 * client started with allows (exchange/rest-deadline.ts).
 *
 * Entry point: {@link planReload}. Pure.
 */
import type { MarketSettings } from '../../machines/market/market.types.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { restDeadlineMs } from '../exchange/rest-deadline.js';

/** What a reload does, grid by grid (markets in file order). */
export interface ReloadPlan {
  /** New grids: started. */
  readonly added: readonly MarketSettings[];
  /** Grids no longer in the file: stopped per their (running) `onStop`. */
  readonly removed: readonly string[];
  /** Grids whose settings changed: stopped per their running `onStop`, then started with these. */
  readonly changed: readonly MarketSettings[];
  /** Left running: nothing is sent for them. */
  readonly unchanged: readonly string[];
}

export type ReloadDecision = { readonly kind: 'plan'; readonly plan: ReloadPlan } | { readonly kind: 'refused'; readonly reasons: readonly string[] };

/** Top-level settings a running fleet cannot take, with why. */
const FIXED: readonly { readonly key: keyof RuntimeConfig; readonly why: string }[] = [
  { key: 'exchange', why: 'the exchange and its account are opened once at start' },
  { key: 'sim', why: "the embedded simulator's seed and balances are set when it starts" },
  { key: 'paper', why: 'the paper exchange and its price source are opened once at start' },
  { key: 'botId', why: 'it is part of every client order id: the running grids would lose their resting orders' },
  { key: 'journal', why: 'the journal is opened and locked once at start' },
  { key: 'inspector', why: 'the inspector listens on its port from the start' },
  { key: 'logLevel', why: 'the log is set up once at start' },
  { key: 'health', why: '/health reads its settings once at start' },
  { key: 'notify', why: 'the notification targets and their secrets are read once at start' },
];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Returns the plan that takes a fleet running `current` to `next`, or why it cannot be applied live. */
export function planReload(current: RuntimeConfig, next: RuntimeConfig): ReloadDecision {
  const reasons = FIXED.filter(({ key }) => !same(current[key], next[key])).map(({ key, why }) => `${key} changed: ${why}; restart gridbot to apply it`);
  const deadline = (c: RuntimeConfig) => restDeadlineMs(c.markets.map((m) => m.killSwitch.timeoutSec));
  if (deadline(next) < deadline(current)) {
    const shortest = Math.min(...next.markets.map((m) => m.killSwitch.timeoutSec));
    reasons.push(
      `killSwitch.timeout ${shortest} s is shorter than the running grids' allow: REST calls may take up to ${deadline(current)} ms, set at start; restart gridbot to apply it`,
    );
  }
  if (reasons.length > 0) return { kind: 'refused', reasons };
  const before = new Map(current.markets.map((m) => [m.market, m]));
  const after = new Set(next.markets.map((m) => m.market));
  const added: MarketSettings[] = [];
  const changed: MarketSettings[] = [];
  const unchanged: string[] = [];
  for (const m of next.markets) {
    const old = before.get(m.market);
    if (old === undefined) added.push(m);
    else if (!same(old, m) || current.orderEntry[m.market] !== next.orderEntry[m.market]) changed.push(m);
    else unchanged.push(m.market);
  }
  const removed = current.markets.filter((m) => !after.has(m.market)).map((m) => m.market);
  return { kind: 'plan', plan: { added, removed, changed, unchanged } };
}
