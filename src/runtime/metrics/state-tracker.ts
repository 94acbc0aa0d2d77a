/**
 * Which top-level state each market actor and the connection actor are in, since when, and why a
 * market stopped: what `/health` reports ("DBTC_DUSDT reconnecting since …") and the
 * `*_state_since_timestamp_seconds` gauges show.
 *
 * Fed from XState's inspection stream by the metrics dispatcher (registry.ts): one read of the
 * state value per snapshot of a tracked actor, a write only when the top-level state changes.
 *
 * Why the stop cause is tracked here: a market that stopped because it was asked to (`stop`: the
 * operator's shutdown) or because its own risk rule fired (a `feed.price` breaching
 * `risk:`) was stopped on purpose and keeps `/health` green; any other way into `killed` (a 401, an
 * invalid plan, an exchange that keeps failing) is a fault. A `stop` seen while placing only takes
 * effect when the batch's answer arrives, so the request is remembered until `killed` is entered.
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
  stopRequested: boolean;
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

export class StateTracker {
  private readonly markets = new Map<string, Entry>();
  private connectionEntry: Entry | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a market snapshot's lifecycle state; returns true when the top-level state changed. */
  market(market: string, lifecycle: unknown, eventType: string): boolean {
    const top = topState(lifecycle);
    let e = this.markets.get(market);
    if (e === undefined) {
      e = { state: top, since: this.now(), stopCause: null, stopRequested: false, routine: false };
      this.markets.set(market, e);
      return true;
    }
    if (e.state === top) return false;
    // Left running on the reconcileEvery timer: routine until it is back (or goes anywhere else).
    e.routine = e.state === 'running' ? top === 'reconciling' && eventType.startsWith('xstate.after.reconcileEvery') : e.routine && ROUTINE_STATES.has(top);
    e.state = top;
    e.since = this.now();
    if (top === 'killed' && e.stopCause === null) {
      e.stopCause = e.stopRequested || eventType === 'stop' ? 'requested' : eventType === 'feed.price' ? 'risk' : 'error';
    }
    return true;
  }

  /** Records that a market was sent `stop` (it may reach `killed` only later, e.g. after placing). */
  stopRequested(market: string): void {
    const e = this.markets.get(market);
    if (e) e.stopRequested = true;
    else this.markets.set(market, { state: '', since: this.now(), stopCause: null, stopRequested: true, routine: false });
  }

  /** Records a connection snapshot; returns the previous top state when it changed, else undefined. */
  connection(value: unknown): { readonly from: string | null } | undefined {
    const top = connectionTop(value);
    const e = this.connectionEntry;
    if (e === null) {
      this.connectionEntry = { state: top, since: this.now(), stopCause: null, stopRequested: false, routine: false };
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
