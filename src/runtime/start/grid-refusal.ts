/**
 * A grid the exchange refuses, said one way everywhere: `run` refuses to start on it (before
 * anything is sent on any market), and `plan` and `validate` report it in the same words. Each
 * refusal is a {@link ConfigIssue}, so it prints as `file:line:col grids[i]: …` at the grid's entry
 * in markets.yaml, exactly like a config error.
 *
 * Entry points: {@link gridRefusal} (a grid's plan on a market as read), {@link planRefusal} (from
 * the plan's issues), {@link unknownMarketRefusal}, {@link refusedSummary}.
 *
 * Why here and not in the market actor only: the actor refuses a bad plan too (it stops with
 * `invalid plan`), but only after the run has started the other grids; a start that is refused for
 * one grid must be refused for all, as for an unknown market, so the operator fixes the file first.
 */
import { initialOrders, type PlanIssue } from '../../grid/index.js';
import type { LoadedMarket } from '../../machines/market/market.io.js';
import type { ConfigIssue } from '../config/index.js';
import type { RuntimeConfig } from '../config/runtime-config.js';

/** Reasons named in one refusal; `gridbot plan` shows every failing level. */
const REASONS_SHOWN = 3;

/** Returns an issue at grid `index`'s entry in the config file (the file alone when positions are unknown). */
function gridIssue(config: RuntimeConfig, index: number, field: string, message: string): ConfigIssue {
  const at = config.locations?.grids[index];
  return { file: config.file, line: at?.line ?? null, column: at?.column ?? null, field, message };
}

/**
 * Returns the refusal of grid `index` from its plan's issues, or null when none is an error. The
 * first few reasons are named, and how many more there are.
 */
export function planRefusal(config: RuntimeConfig, index: number, issues: readonly PlanIssue[]): ConfigIssue | null {
  const errors = issues.filter((i) => i.severity === 'error').map((i) => i.message);
  if (errors.length === 0) return null;
  const market = config.markets[index]?.market ?? `grid ${index}`;
  const more = errors.length > REASONS_SHOWN ? `; and ${errors.length - REASONS_SHOWN} more` : '';
  return gridIssue(
    config,
    index,
    `grids[${index}]`,
    `${market} is not placeable on this exchange: ${errors.slice(0, REASONS_SHOWN).join('; ')}${more} (gridbot plan shows every level)`,
  );
}

/** Returns the refusal of grid `index` on its market as read (`initialOrders`, what the actor places with), or null. */
export function gridRefusal(config: RuntimeConfig, index: number, loaded: LoadedMarket): ConfigIssue | null {
  const m = config.markets[index];
  if (m === undefined) return null;
  const result = initialOrders(m.spec, loaded.rules, loaded.lastPrice, { botId: m.botId, market: m.market });
  return result.ok ? null : planRefusal(config, index, result.issues);
}

/** Returns the refusal of grid `index` whose market the exchange cannot trade (unknown, or `why` it cannot). */
export function unknownMarketRefusal(config: RuntimeConfig, index: number, why?: string): ConfigIssue {
  const market = config.markets[index]?.market ?? `grid ${index}`;
  return gridIssue(config, index, `grids[${index}].market`, why ?? `unknown market ${market} on this exchange (not a listed spot market)`);
}

/** Returns the one-line summary after the refusals: `2 grids refused by the exchange's rules`. */
export function refusedSummary(refusals: readonly ConfigIssue[]): string {
  const n = refusals.length;
  return `${n} grid${n === 1 ? '' : 's'} refused by the exchange's rules`;
}
