/**
 * `RuntimeConfig`: what the runtime runs, built from a validated markets.yaml and deeply frozen.
 * `markets` are exactly the MarketSettings each market actor takes; nothing downstream re-reads
 * the YAML or applies a default of its own.
 */
import { dirname, resolve } from 'node:path';
import type { OrderWay } from '../../grid/index.js';
import type { MarketSettings } from '../../machines/market/market.types.js';
import { type Venue, defaultOrderEntry, venueOf } from '../exchange/order-entry-support.js';
import { WHITEBIT_PUBLIC_UPSTREAM } from '../../sim/paper/upstream.js';
import { type NotifyConfig, toNotifyConfig } from './notify-schema.js';
import { DEFAULTS, MARKET_FIXED, type ExchangeKind, type LogLevel, type ParsedConfig } from './schema.js';
import type { Position } from './yaml-tree.js';

/**
 * Where entries stand in the file, for a refusal that comes after loading (a grid the exchange's
 * rules refuse, a journal that is not ours) to name `file:line:col` like a config error does.
 */
export interface ConfigLocations {
  /** The `journal:` key; null without one. */
  readonly journal: Position | null;
  /** Each grid's entry (its first key), in file order: `markets[i]`'s. */
  readonly grids: readonly Position[];
  /** Each `notify.targets` entry, in file order; empty without `notify:`. */
  readonly notifyTargets?: readonly Position[];
}

export interface RuntimeConfig {
  /** The file the config came from (as given to the loader). */
  readonly file: string;
  readonly exchange: ExchangeKind;
  /** Embedded in every client order id (1–8 of [a-z0-9]). */
  readonly botId: string;
  readonly logLevel: LogLevel;
  /** null: journaling off. The path is resolved against the config file's directory. */
  readonly journal: { readonly path: string } | null;
  /** null: inspector off. */
  readonly inspector: { readonly host: string; readonly port: number } | null;
  /** `/health`: how long a grid may have levels waiting for price (the price inside its range) before it counts as a problem. */
  readonly health: { readonly missingLevelsAfterSec: number };
  /** Set exactly when `exchange` is `sim`; `balances` null = the simulator's demo balances. */
  readonly sim: { readonly seed: number; readonly balances: Readonly<Record<string, string>> | null } | null;
  /** Set exactly when `exchange` is `paper`: where live prices come from; `balances` null = the demo balances. */
  readonly paper: { readonly upstream: { readonly rest: string; readonly ws: string }; readonly balances: Readonly<Record<string, string>> | null } | null;
  /** One per grid, in file order; markets are unique. */
  readonly markets: readonly MarketSettings[];
  /**
   * Each market's order entry (`orderEntry`: the grid's, else the file's, else `ws` where the exchange
   * has it): how its single orders and cancels leave (runtime/exchange/order-router.ts).
   */
  readonly orderEntry: Readonly<Record<string, OrderWay>>;
  /** null: notifications off (runtime/notify). */
  readonly notify: NotifyConfig | null;
  /** Positions in `file`; absent for a config not read from a file (tests). */
  readonly locations?: ConfigLocations;
}

/** Returns the runtime config of a parsed markets.yaml, deeply frozen. */
export function toRuntimeConfig(parsed: ParsedConfig, file: string, locations?: ConfigLocations, venue: Venue = venueOf(parsed.exchange)): RuntimeConfig {
  const fileEntry = parsed.orderEntry ?? defaultOrderEntry(venue);
  const markets = parsed.grids.map((g): MarketSettings => ({
    botId: parsed.botId,
    market: g.market,
    spec: {
      market: g.market,
      spacing: g.spacing,
      ladder: g.ladder,
      amountPerLevel: g.amountPerLevel,
      budget: {
        ...(g.budget.quote !== undefined ? { quote: g.budget.quote } : {}),
        ...(g.budget.base !== undefined ? { base: g.budget.base } : {}),
      },
    },
    onStart: g.onStart,
    onStop: g.onStop,
    killSwitch: g.killSwitch,
    risk: g.risk,
    batchSize: MARKET_FIXED.batchSize,
    retry: { ...MARKET_FIXED.retry },
    restore: MARKET_FIXED.restore,
    reconcileEverySec: g.reconcileEvery === 0 ? null : g.reconcileEvery,
  }));
  const config: RuntimeConfig = {
    file,
    exchange: parsed.exchange,
    botId: parsed.botId,
    logLevel: parsed.logLevel,
    journal: parsed.journal !== undefined ? { path: resolve(dirname(file), parsed.journal) } : null,
    inspector: parsed.inspector !== undefined ? { host: parsed.inspector.host, port: parsed.inspector.port } : null,
    health: { missingLevelsAfterSec: parsed.health.missingLevelsAfter },
    sim:
      parsed.exchange === 'sim'
        ? { seed: parsed.sim?.seed ?? DEFAULTS.simSeed, balances: parsed.sim?.balances !== undefined ? { ...parsed.sim.balances } : null }
        : null,
    paper:
      parsed.exchange === 'paper'
        ? {
            upstream: {
              rest: (parsed.paper?.upstreamRest ?? WHITEBIT_PUBLIC_UPSTREAM.rest).replace(/\/$/, ''),
              ws: parsed.paper?.upstreamWs ?? WHITEBIT_PUBLIC_UPSTREAM.ws,
            },
            balances: parsed.paper?.balances !== undefined ? { ...parsed.paper.balances } : null,
          }
        : null,
    markets,
    orderEntry: Object.fromEntries(parsed.grids.map((g) => [g.market, g.orderEntry ?? fileEntry])),
    notify: parsed.notify !== undefined ? toNotifyConfig(parsed.notify) : null,
    ...(locations ? { locations } : {}),
  };
  return deepFreeze(config);
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
