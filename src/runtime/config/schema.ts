/**
 * The markets.yaml schema: its shape, every default, and the checks a grid can pass without market
 * data. Defaults live here and nowhere else; an *optional* field that is absent means the feature
 * is off (no journal, no inspector, no budget cap, no risk limit), never "some default".
 *
 * Entry point: `configSchema` (validate the tree from yaml-tree.ts), and `MARKET_FIXED`, the parts
 * of MarketSettings the YAML does not set.
 *
 * Cross-field checks that need the whole document (duplicate markets, `sim:` with a live exchange)
 * live in cross-checks.ts, because a zod refinement on an object does not run once any child fails,
 * and those errors must be reported together with the rest.
 */
import { z } from 'zod';
import { MAX_LEVELS, isValidBotId, parseDecimal, type LadderSpec } from '../../grid/index.js';
import { SENTENCE, decimal, int, isDecimal, mapping, oneOf, strict, text } from './fields.js';
import { notifySchema } from './notify-schema.js';

/** The parts of every MarketSettings that markets.yaml does not set (issue 5). */
export const MARKET_FIXED = {
  /** WhiteBIT's order/bulk limit. */
  batchSize: 20,
  retry: { baseMs: 1000, maxMs: 30_000 },
  /** Retry after a failed kill-switch refresh (whitebit-protocol.md §8.1). */
  killSwitchRetrySec: 5,
  restore: null,
} as const;

export const DEFAULTS = {
  exchange: 'sim',
  botId: 'gb',
  logLevel: 'info',
  inspectorHost: '127.0.0.1',
  inspectorPort: 8787,
  simSeed: 1,
  killSwitchTimeoutSec: 60,
  onStart: 'cancel-all',
  onStop: 'cancel',
  /** Seconds between reconciles while running (0: only after reconnects). */
  reconcileEverySec: 300,
  /** Seconds a grid may have levels waiting for price, with the price inside its range, before /health says so. */
  missingLevelsAfterSec: 600,
} as const;

/**
 * markets.yaml `exchange`: the embedded simulator, live WhiteBIT, or paper trading (the embedded
 * engine on live WhiteBIT prices: src/sim/paper).
 */
export const EXCHANGES = ['sim', 'whitebit', 'paper'] as const;
export type ExchangeKind = (typeof EXCHANGES)[number];

/** markets.yaml `orderEntry`: WebSocket order entry or REST (runtime/exchange/order-router.ts). */
export const ORDER_ENTRIES = ['ws', 'rest'] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const MARKET_ID = /^[A-Z0-9]{1,20}_[A-Z0-9]{1,20}$/;
const ASSET = /^[A-Z0-9]{1,20}$/;

/**
 * Zod 4 runs an object's refinement even when a child failed a refinement of its own (only type
 * errors stop it), so cross-field checks re-check what they compare and stay quiet otherwise.
 */
const validInt = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;

const killSwitch = strict({
  timeout: int(5, 600).default(DEFAULTS.killSwitchTimeoutSec),
  /** Absent: a third of the timeout, so two refreshes may fail before the exchange cancels. */
  refresh: int(1, 599).optional(),
})
  .superRefine((ks, ctx) => {
    if (ks.refresh !== undefined && validInt(ks.refresh, 1, 599) && validInt(ks.timeout, 5, 600) && ks.refresh >= ks.timeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['refresh'],
        params: SENTENCE,
        message: `must be below killSwitch.timeout (${ks.timeout} s) so the timer is re-armed before it fires, got ${ks.refresh}`,
      });
    }
  })
  .transform((ks) => ({
    timeoutSec: ks.timeout,
    refreshSec: ks.refresh ?? Math.max(1, Math.floor(ks.timeout / 3)),
    retrySec: MARKET_FIXED.killSwitchRetrySec,
  }));

const centerValue = text('"last" (the market price at start) or a positive decimal written as plain digits', (s) => s === 'last' || isDecimal(s, 'positive'));

/**
 * The ladder takes one of three shapes, told apart by their keys (as LadderSpec in grid/levels.ts):
 * `lower, upper, levels` | `lower, upper, step` | `center, levelsPerSide, step`.
 * Written as one strict object plus a shape check, because a zod union would report
 * "no variant matched" instead of the one key that is wrong.
 */
const ladder = strict({
  lower: decimal('positive').optional(),
  upper: decimal('positive').optional(),
  levels: int(2, MAX_LEVELS).optional(),
  step: decimal('positive').optional(),
  center: centerValue.optional(),
  levelsPerSide: int(1, Math.floor((MAX_LEVELS - 1) / 2)).optional(),
})
  .superRefine((l, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], params: SENTENCE, message });
    if (l.center !== undefined) {
      for (const k of ['lower', 'upper', 'levels'] as const) {
        if (l[k] !== undefined) issue(k, `is not allowed with center (a centered ladder uses center, levelsPerSide and step)`);
      }
      if (l.levelsPerSide === undefined) issue('levelsPerSide', 'is missing; a centered ladder needs levelsPerSide (an integer ≥ 1)');
      if (l.step === undefined) issue('step', 'is missing; a centered ladder needs step (a positive decimal)');
      return;
    }
    if (l.levelsPerSide !== undefined) issue('levelsPerSide', 'is only allowed with center');
    if (l.lower === undefined) issue('lower', 'is missing; expected lower and upper bounds, or center with levelsPerSide');
    if (l.upper === undefined) issue('upper', 'is missing; expected lower and upper bounds, or center with levelsPerSide');
    if (l.levels === undefined && l.step === undefined) issue('levels', 'is missing; a bounded ladder needs levels (an integer ≥ 2) or step');
    if (l.levels !== undefined && l.step !== undefined) issue('step', 'is not allowed with levels; give one of the two');
    const lower = parseDecimal(l.lower ?? '');
    const upper = parseDecimal(l.upper ?? '');
    if (lower !== null && upper !== null && !lower.lt(upper)) issue('lower', `must be below upper (${upper.toFixed()}), got ${lower.toFixed()}`);
  })
  .transform((l): LadderSpec => {
    if (l.center !== undefined) {
      const base = { kind: 'centered', levelsPerSide: l.levelsPerSide ?? 0, step: l.step ?? '' } as const;
      return l.center === 'last' ? base : { ...base, center: l.center };
    }
    if (l.levels !== undefined) return { kind: 'range', lower: l.lower ?? '', upper: l.upper ?? '', levels: l.levels };
    return { kind: 'range-step', lower: l.lower ?? '', upper: l.upper ?? '', step: l.step ?? '' };
  });

const amountPerLevel = strict({ base: decimal('positive').optional(), quote: decimal('positive').optional() })
  .superRefine((a, ctx) => {
    if ((a.base === undefined) === (a.quote === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        params: SENTENCE,
        message: 'needs exactly one of base (an amount of the base asset) or quote (an amount of the quote asset, converted per level)',
      });
    }
  })
  .transform((a) => (a.base !== undefined ? { unit: 'base' as const, value: a.base } : { unit: 'quote' as const, value: a.quote ?? '' }));

/** Caps on what the initial plan may commit; an absent cap is no cap. */
const budget = strict({ quote: decimal('non-negative').optional(), base: decimal('non-negative').optional() });

/** Each limit absent = that limit off. */
const risk = strict({
  rangeExitMarginPercent: decimal('non-negative').optional(),
  stopLossQuote: decimal('positive').optional(),
  maxInventoryBase: decimal('positive').optional(),
}).transform((r) => ({
  rangeExitMarginPercent: r.rangeExitMarginPercent ?? null,
  stopLossQuote: r.stopLossQuote ?? null,
  maxInventoryBase: r.maxInventoryBase ?? null,
}));

const grid = strict({
  market: text('a WhiteBIT market id like BTC_USDT', (s) => MARKET_ID.test(s)),
  spacing: oneOf(['arithmetic', 'geometric']),
  ladder,
  amountPerLevel,
  budget: budget.prefault({}),
  killSwitch: killSwitch.prefault({}),
  onStart: oneOf(['cancel-all', 'adopt']).default(DEFAULTS.onStart),
  onStop: oneOf(['cancel', 'leave']).default(DEFAULTS.onStop),
  reconcileEvery: int(0, 86_400).default(DEFAULTS.reconcileEverySec),
  risk: risk.prefault({}),
  /** Absent: the file's `orderEntry`, else the exchange's default (runtime/exchange/order-entry-support.ts). */
  orderEntry: oneOf(ORDER_ENTRIES).optional(),
}).superRefine((g, ctx) => {
  // Each reconcile re-reads open orders and history and re-arms the kill-switch: more often than this is load, not safety.
  if (Number.isInteger(g.reconcileEvery) && g.reconcileEvery > 0 && g.reconcileEvery < 30) {
    ctx.addIssue({ code: 'custom', path: ['reconcileEvery'], params: SENTENCE, message: `must be 0 (off) or at least 30 seconds, got ${g.reconcileEvery}` });
  }
  // An arithmetic centered ladder with a fixed center can be checked for reaching zero without
  // market data; with `center: last` that waits for the plan (grid/levels.ts reports it).
  const l = g.ladder;
  if (g.spacing === 'arithmetic' && l.kind === 'centered' && l.center !== undefined) {
    const center = parseDecimal(l.center);
    const step = parseDecimal(l.step);
    const lowest = center !== null && step !== null && Number.isInteger(l.levelsPerSide) ? center.minus(step.times(l.levelsPerSide)) : null;
    if (lowest !== null && !lowest.gt(0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ladder', 'step'],
        params: SENTENCE,
        message: `takes the lowest level to ${lowest.toFixed()} (center ${String(l.center)} − ${l.levelsPerSide} × ${String(l.step)}); prices must stay above zero`,
      });
    }
  }
});

const inspector = strict({
  host: text('a host name or IP address', (s) => s.length > 0).default(DEFAULTS.inspectorHost),
  port: int(0, 65_535).default(DEFAULTS.inspectorPort),
});

/**
 * `/health`. Always on: a grid that keeps levels waiting for price while the price is back inside
 * its range is a grid that stopped healing, and an operator must hear of it.
 */
const health = strict({
  /** Seconds; a refusal happens on every fast move, and the next price event usually heals it. */
  missingLevelsAfter: int(10, 86_400).default(DEFAULTS.missingLevelsAfterSec),
});

const sim = strict({
  seed: int(0, 2 ** 32 - 1).default(DEFAULTS.simSeed),
  /** Absent: the simulator's own demo balances. */
  balances: mapping(
    z.string().regex(ASSET, { error: 'an asset name like USDT (capital letters and digits)' }),
    decimal('non-negative'),
    'a mapping of asset to amount, e.g. { DUSDT: "100000" }',
  ).optional(),
});

/** `exchange: paper`: where live prices come from (default WhiteBIT's public endpoints), and the local balances. */
const paper = strict({
  upstreamRest: text('an http(s) origin, e.g. https://whitebit.com', (s) => /^https?:\/\/[^/\s]+\/?$/.test(s)).optional(),
  upstreamWs: text('a ws(s) URL, e.g. wss://api.whitebit.com/ws', (s) => /^wss?:\/\/\S+$/.test(s)).optional(),
  /** Absent: the simulator's own demo balances. */
  balances: mapping(
    z.string().regex(ASSET, { error: 'an asset name like USDT (capital letters and digits)' }),
    decimal('non-negative'),
    'a mapping of asset to amount, e.g. { USDT: "10000" }',
  ).optional(),
});

/** The whole markets.yaml. */
export const configSchema = strict({
  exchange: oneOf(EXCHANGES).default(DEFAULTS.exchange),
  botId: text('1 to 8 characters of [a-z0-9] (it is embedded in client order ids)', isValidBotId).default(DEFAULTS.botId),
  logLevel: oneOf(LOG_LEVELS).default(DEFAULTS.logLevel),
  /** How single orders and cancels leave (ws | rest); absent: `ws` where the exchange has it (order-entry-support.ts). */
  orderEntry: oneOf(ORDER_ENTRIES).optional(),
  /** Absent: no journal (nothing is persisted; a restart cannot adopt). */
  journal: text('a file path', (s) => s.trim().length > 0).optional(),
  /** Absent: no inspector. */
  inspector: inspector.optional(),
  health: health.prefault({}),
  /** Only with `exchange: sim`; absent there means seed 1 and the demo balances. */
  sim: sim.optional(),
  /** Only with `exchange: paper`; absent there means WhiteBIT's public endpoints and the demo balances. */
  paper: paper.optional(),
  /** Absent: no notifications (notify-schema.ts). */
  notify: notifySchema.optional(),
  grids: z.array(grid, { error: 'a list of grids' }).min(1, { error: 'a list of at least one grid' }),
});

export type ParsedConfig = z.output<typeof configSchema>;
