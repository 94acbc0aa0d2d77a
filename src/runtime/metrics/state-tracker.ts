/**
 * Which top-level state each market actor and the connection actor are in, since when, and why a
 * market stopped: what `/health` reports ("DBTC_DUSDT reconnecting since …") and the
 * `*_state_since_timestamp_seconds` gauges show.
 *
 * Fed by the metrics (registry.ts): a market's `market.state` events (emitted once per change, with
 * the event that caused it), the supervisor's `shutdown`, and the connection actor's snapshots; a
 * write only when the top-level state changes.
 *
 * Why the stop cause is tracked here: a market that stopped because it was asked to (`stop`, or the
 * operator's shutdown) or because its own risk rule fired (a `feed.price` breaching `risk:`) was
 * stopped on purpose and keeps `/health` green; any other way into `killed` (a 401, an invalid
 * plan, an exchange that keeps failing) is a fault. A shutdown's `stop` reaching a market while it
 * places only takes effect when the batch's answer arrives, so the shutdown is remembered until
 * `killed` is entered.
 */

/** Why a market entered `killed`. */
export type StopCause = 'requested' | 'risk' | 'error';

export interface TrackedState {
  /** The top-level state: `running`, `reconciling`, …; for the connection `open`, `backoff`, …. */
  readonly state: string;
  /** Epoch ms at which it was entered. */
  readonly since: number;
  /** Markets only, once `killed` was entered. */
  readonly stopCause: StopCause | null;
  /** Markets only: in the periodic reconcile (`reconcileEvery`) that left `running` on its own timer, not on a fault. */
  readonly routine: boolean;
}

interface Entry {
  state: string;
  since: number;
  stopCause: StopCause | null;
  routine: boolean;
}

/** The states a periodic reconcile passes through on its way back to `running`. */
const ROUTINE_STATES = new Set(['reconciling', 'placing']);

/** Returns the first key of a state value object (its only one at the top of a region). */
function firstKey(value: object): string {
  for (const k in value) return k;
  return '';
}

/** Returns the top-level state of a state value: `{ reconciling: 'fetching' }` → `reconciling`. */
export function topState(value: unknown): string {
  if (typeof value === 'string') return value;
  return value !== null && typeof value === 'object' ? firstKey(value) : '';
}

/** Returns the connection machine's top state the way `connectionState()` names it (`open`, `backoff`, …). */
export function connectionTop(value: unknown): string {
  if (typeof value === 'string') return value;
  const inner = (value as { connection?: unknown } | null)?.connection;
  return inner === undefined ? topState(value) : topState(inner);
}

/** Returns the top-level state of a dotted state path: `reconciling.fetching` → `reconciling`. */
export function topOfPath(path: string): string {
  const dot = path.indexOf('.');
  return dot < 0 ? path : path.slice(0, dot);
}

export class StateTracker {
  private readonly markets = new Map<string, Entry>();
  private connectionEntry: Entry | null = null;
  private shutdown = false;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Records a market's lifecycle state (a dotted path, as `market.state` carries it) and the type of
   * the event that led there; returns true when the top-level state changed.
   */
  market(market: string, path: string, eventType: string): boolean {
    const top = topOfPath(path);
    let e = this.markets.get(market);
    if (e === undefined) {
      e = { state: top, since: this.now(), stopCause: null, routine: false };
      this.markets.set(market, e);
      return true;
    }
    if (e.state === top) return false;
    // Left running on the reconcileEvery timer: routine until it is back (or goes anywhere else).
    e.routine = e.state === 'running' ? top === 'reconciling' && eventType.startsWith('xstate.after.reconcileEvery') : e.routine && ROUTINE_STATES.has(top);
    e.state = top;
    e.since = this.now();
    if (top === 'killed' && e.stopCause === null) {
      e.stopCause = this.shutdown || eventType === 'stop' ? 'requested' : eventType === 'feed.price' ? 'risk' : 'error';
    }
    return true;
  }

  /** Records that the runtime shuts down: every market was asked to stop (some reach `killed` only later, e.g. after placing). */
  shutdownRequested(): void {
    this.shutdown = true;
  }

  /** Records a connection snapshot; returns the previous top state when it changed, else undefined. */
  connection(value: unknown): { readonly from: string | null } | undefined {
    const top = connectionTop(value);
    const e = this.connectionEntry;
    if (e === null) {
      this.connectionEntry = { state: top, since: this.now(), stopCause: null, routine: false };
      return { from: null };
    }
    if (e.state === top) return undefined;
    const from = e.state;
    e.state = top;
    e.since = this.now();
    return { from };
  }

  marketState(market: string): TrackedState | null {
    return this.markets.get(market) ?? null;
  }

  connectionState(): TrackedState | null {
    return this.connectionEntry;
  }
}
