/**
 * `GET /health`: is this bot doing its job right now? Pure: the facts in, a verdict and its JSON
 * body out, so the rules are tested without a runtime.
 *
 * Healthy (200) when the connection is `open` and every market is `running`, or stopped on
 * purpose: by the operator (`stop`, a shutdown of that market) or by its own risk rule
 * (state-tracker.ts). Otherwise 503, and `problems` says which market or the connection, in which
 * state, since when: "DBTC_DUSDT: reconnecting since 2025-01-01T10:00:00.000Z (12 s)".
 *
 * A running grid with levels waiting for price (grid/price-wait.ts) is healthy while the price is
 * outside its range or for `missingLevelsAfterMs` (markets.yaml `health.missingLevelsAfter`):
 * refusals come with every fast move, and the next price event back inside the range heals them.
 * Longer than that with the price inside the range, the grid has stopped healing: 503, with
 * "DBTC_DUSDT: 2 levels waiting for price since … (700 s), price 60010 inside the grid 59000–61000".
 *
 * No grace period for faults: a reconnect blip shows as 503 for its few seconds. Alert on it with
 * `for:` in Prometheus (or a probe's failure threshold) rather than hiding it here. The periodic
 * reconcile (`reconcileEvery`) is not a fault and stays 200 unless it gets stuck.
 */
import type { StopCause } from './state-tracker.js';

export interface HealthInput {
  /** Epoch ms. */
  readonly now: number;
  /** The runtime has not been attached yet (still starting). */
  readonly starting: boolean;
  /** The supervisor left `running`: the whole bot is stopping. */
  readonly shuttingDown: boolean;
  readonly connection: { readonly state: string; readonly since: number | null };
  readonly markets: readonly HealthMarketInput[];
  /** How long a grid may have levels waiting for price with the price in range (default {@link MISSING_LEVELS_AFTER_MS}). */
  readonly missingLevelsAfterMs?: number | undefined;
}

/** The default of markets.yaml `health.missingLevelsAfter` (600 s). */
export const MISSING_LEVELS_AFTER_MS = 600_000;

export interface HealthMarketInput {
  readonly market: string;
  /** The state path as the status table shows it (`running.trading`, `reconciling.fetching`, `stopped`, `failed`). */
  readonly state: string;
  /** Epoch ms the top-level state was entered, when known. */
  readonly since: number | null;
  readonly reason: string | null;
  readonly stopCause: StopCause | null;
  /** In a periodic reconcile (`reconcileEvery`), not one a fault caused. */
  readonly routine?: boolean;
  /** Levels waiting for price, and since when some have been (epoch ms); absent when none waits. */
  readonly waiting?: HealthWaiting | undefined;
}

/** A grid's levels waiting for price, for the missing-levels rule. */
export interface HealthWaiting {
  readonly levels: number;
  readonly since: number;
  /** The last price, and whether it is inside the grid's range (lowest to highest level). */
  readonly price: string | null;
  readonly range: { readonly lower: string; readonly upper: string } | null;
  readonly inRange: boolean;
}

export interface HealthComponent {
  readonly state: string;
  readonly since: string | null;
  readonly ok: boolean;
}

export interface HealthMarket extends HealthComponent {
  readonly market: string;
  readonly reason: string | null;
}

export interface HealthReport {
  readonly status: 'ok' | 'unhealthy';
  /** One line per thing that is wrong; empty when `status` is `ok`. */
  readonly problems: readonly string[];
  readonly checkedAt: string;
  readonly connection: HealthComponent;
  readonly markets: readonly HealthMarket[];
}

const ENDED = new Set(['killed', 'stopped', 'failed']);

/** A periodic reconcile takes well under a second; one stuck in a phase longer than this is a problem. */
export const ROUTINE_GRACE_MS = 60_000;

/**
 * True when a market in `state` (a path) with `cause` counts as healthy. A periodic reconcile
 * (`routine`, for less than `stuckMs` in its current phase) is: it is the market checking itself,
 * and a probe must not see it flap to 503 every few minutes.
 */
export function marketHealthy(state: string, cause: StopCause | null, routine = false, stuckMs = 0): boolean {
  const top = state.split('.')[0] ?? state;
  if (top === 'running') return true;
  if (routine && (top === 'reconciling' || top === 'placing') && stuckMs < ROUTINE_GRACE_MS) return true;
  // A market whose actor failed is a fault, whatever came before.
  if (top === 'failed') return false;
  return ENDED.has(top) && (cause === 'requested' || cause === 'risk');
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function sinceText(now: number, since: number | null): string {
  if (since === null) return '';
  return ` since ${new Date(since).toISOString()} (${Math.max(0, Math.round((now - since) / 1000))} s)`;
}

/** Returns the health verdict of `input`. */
export function evaluateHealth(input: HealthInput): HealthReport {
  const problems: string[] = [];
  if (input.starting) problems.push('starting: the runtime is not up yet');
  if (input.shuttingDown) problems.push('shutting down');
  const connOk = input.connection.state === 'open';
  if (!connOk && !input.starting) problems.push(`connection: ${input.connection.state}${sinceText(input.now, input.connection.since)}`);
  const afterMs = input.missingLevelsAfterMs ?? MISSING_LEVELS_AFTER_MS;
  const markets = input.markets.map((m): HealthMarket => {
    const stateOk = marketHealthy(m.state, m.stopCause, m.routine ?? false, m.since === null ? 0 : input.now - m.since);
    if (!stateOk) problems.push(`${m.market}: ${m.state}${sinceText(input.now, m.since)}${m.reason ? `: ${m.reason}` : ''}`);
    const missing = stateOk ? missingLevels(m.market, m.waiting, input.now, afterMs) : null;
    if (missing !== null) problems.push(missing);
    return { market: m.market, state: m.state, since: iso(m.since), ok: stateOk && missing === null, reason: m.reason };
  });
  return {
    status: problems.length === 0 ? 'ok' : 'unhealthy',
    problems,
    checkedAt: new Date(input.now).toISOString(),
    connection: { state: input.connection.state, since: iso(input.connection.since), ok: connOk },
    markets,
  };
}

/** Returns the problem line of a grid that has had levels waiting for price too long with the price inside its range, or null. */
export function missingLevels(market: string, w: HealthWaiting | undefined, now: number, afterMs: number): string | null {
  if (w === undefined || w.levels === 0 || !w.inRange || now - w.since < afterMs) return null;
  const where = w.price !== null && w.range !== null ? `, price ${w.price} inside the grid ${w.range.lower}–${w.range.upper}` : '';
  return `${market}: ${w.levels} level${w.levels === 1 ? '' : 's'} waiting for price${sinceText(now, w.since)}${where}`;
}
