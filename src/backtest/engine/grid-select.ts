/**
 * Which grids a backtest runs and with what: the config's grids narrowed by `market` (or the data
 * file's market), each with its override applied (api.ts `GridOverride`), its market's rules and
 * maker fee from the market list (the simulator's by default, as `plan` reads them under
 * `exchange: sim`), and its starting balances (`sim.balances`, else the simulator's demo balances).
 */
import { MAX_LEVELS, type MarketRules, marketRulesFromListing, parseDecimal } from '../../grid/index.js';
import type { MarketSettings } from '../../machines/market/market.types.js';
import type { RuntimeConfig } from '../../runtime/config/index.js';
import { DEMO_ACCOUNT } from '../../sim/index.js';
import { DEFAULT_MARKETS, type Market, type MarketSpec, resolveMarkets } from '../../sim/markets.js';
import type { GridOverride } from '../api.js';
import { BacktestInputError } from '../errors.js';

export interface SelectedGrid {
  readonly settings: MarketSettings;
  readonly override: GridOverride | null;
  readonly market: Market;
  readonly rules: MarketRules;
  readonly balances: Readonly<Record<string, string>>;
}

/** Returns the grids to run, in file order. @throws BacktestInputError for an unknown market or a bad override */
export function selectGrids(
  config: RuntimeConfig,
  only: string | null,
  overrides: Readonly<Record<string, GridOverride>>,
  specs: readonly MarketSpec[] = DEFAULT_MARKETS,
): SelectedGrid[] {
  const known = config.markets.map((m) => m.market);
  if (only !== null && !known.includes(only)) {
    throw new BacktestInputError('market', `market ${only} has no grid in ${config.file} (its grids: ${known.join(', ')})`);
  }
  for (const m of Object.keys(overrides)) {
    if (!known.includes(m)) throw new BacktestInputError(`overrides.${m}`, `override for ${m}, which has no grid in ${config.file}`);
  }
  const markets = resolveMarkets(specs);
  const balances = config.sim?.balances ?? config.paper?.balances ?? DEMO_ACCOUNT.balances;
  return config.markets
    .filter((s) => only === null || s.market === only)
    .map((s) => {
      const market = markets.get(s.market);
      if (market === undefined) {
        throw new BacktestInputError('market', `market ${s.market}: no rules known for it; the backtest knows ${[...markets.keys()].join(', ')}`);
      }
      const override = overrides[s.market] ?? null;
      return { settings: override === null ? s : withOverride(s, override), override, market, rules: rulesOf(market), balances };
    });
}

/** Returns the grid's rules as `loadMarket` builds them from /public/markets. */
export function rulesOf(m: Market): MarketRules {
  const r = marketRulesFromListing(m);
  if (!r.ok) throw new BacktestInputError('market', `market ${m.name}: rules unusable: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.rules;
}

/** Returns the settings with the ladder changed as `GridOverride` describes. @throws BacktestInputError */
export function withOverride(s: MarketSettings, o: GridOverride): MarketSettings {
  const at = (f: string) => `overrides.${s.market}.${f}`;
  if (o.step !== undefined) {
    const step = parseDecimal(o.step);
    if (step === null || !step.gt(0) || !/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(o.step))
      throw new BacktestInputError(at('step'), `step must be a positive decimal, got ${JSON.stringify(o.step)}`);
  }
  if (o.levelsPerSide !== undefined) {
    const max = Math.floor((MAX_LEVELS - 1) / 2);
    if (!Number.isInteger(o.levelsPerSide) || o.levelsPerSide < 1 || o.levelsPerSide > max) {
      throw new BacktestInputError(at('levelsPerSide'), `levelsPerSide must be an integer from 1 to ${max}, got ${String(o.levelsPerSide)}`);
    }
  }
  const l = s.spec.ladder;
  let ladder = l;
  if (l.kind === 'centered')
    ladder = { ...l, ...(o.step !== undefined ? { step: o.step } : {}), ...(o.levelsPerSide !== undefined ? { levelsPerSide: o.levelsPerSide } : {}) };
  else {
    if (o.levelsPerSide !== undefined) {
      throw new BacktestInputError(
        at('levelsPerSide'),
        `${s.market} has a bounded ladder (lower, upper); levelsPerSide applies to a centered one only (center, levelsPerSide, step)`,
      );
    }
    if (o.step !== undefined) ladder = { kind: 'range-step', lower: l.lower, upper: l.upper, step: o.step };
  }
  return { ...s, spec: { ...s.spec, ladder } };
}

/** Returns the ladder in markets.yaml words, e.g. `arithmetic, center last, 10 per side, step 150`. */
export function ladderText(s: MarketSettings, quoteAsset: string): string {
  const l = s.spec.ladder;
  const unit = s.spec.spacing === 'geometric' ? ' %' : ` ${quoteAsset}`;
  switch (l.kind) {
    case 'centered':
      return `${s.spec.spacing}, center ${l.center === undefined ? 'last' : String(l.center)}, ${l.levelsPerSide} per side, step ${String(l.step)}${unit}`;
    case 'range':
      return `${s.spec.spacing}, ${String(l.lower)}..${String(l.upper)}, ${l.levels} levels`;
    case 'range-step':
      return `${s.spec.spacing}, ${String(l.lower)}..${String(l.upper)}, step ${String(l.step)}${unit}`;
  }
}
