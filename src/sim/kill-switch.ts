/**
 * Kill-switch timers: one per (account, market). Arming again re-arms (resets the start time);
 * `timeout: null` deletes. When a timer expires the exchange cancels the account's orders of the
 * covered types on that market, and the timer disappears from `status` (protocol §4.8: UNCONFIRMED,
 * the doc's recommended default).
 */

export type TradeType = 'spot' | 'margin' | 'futures';
export const TRADE_TYPES: readonly TradeType[] = ['spot', 'margin', 'futures'];

export interface KillSwitchTimer {
  readonly accountId: string;
  readonly market: string;
  readonly timeoutSec: number;
  readonly startMs: number;
  /** Exact expiry in ms: startMs + timeout. */
  readonly cancelMs: number;
  /** null: every type (spot, margin and futures). */
  readonly types: readonly TradeType[] | null;
}

/** The wire shape of a timer (integer seconds). */
export interface WbKillSwitch {
  market: string;
  startTime: number;
  cancellationTime: number;
  types: TradeType[] | null;
}

export class KillSwitches {
  private readonly timers = new Map<string, KillSwitchTimer>();

  arm(accountId: string, market: string, timeoutSec: number, types: readonly TradeType[] | null, nowMs: number): KillSwitchTimer {
    const timer: KillSwitchTimer = { accountId, market, timeoutSec, startMs: nowMs, cancelMs: nowMs + timeoutSec * 1000, types };
    this.timers.set(key(accountId, market), timer);
    return timer;
  }

  disarm(accountId: string, market: string): boolean {
    return this.timers.delete(key(accountId, market));
  }

  /** Active timers of an account (optionally one market), or of every account when accountId is undefined. */
  list(accountId?: string, market?: string): KillSwitchTimer[] {
    return [...this.timers.values()].filter((t) => (accountId === undefined || t.accountId === accountId) && (market === undefined || t.market === market));
  }

  /** Removes and returns the timers that expired at or before `nowMs`. */
  takeDue(nowMs: number): KillSwitchTimer[] {
    const due = [...this.timers.values()].filter((t) => t.cancelMs <= nowMs);
    for (const t of due) this.timers.delete(key(t.accountId, t.market));
    return due;
  }

  /** True when the timer covers spot orders (the only kind the simulator trades). */
  static coversSpot(types: readonly TradeType[] | null): boolean {
    return types === null || types.includes('spot');
  }
}

export function toWbKillSwitch(t: KillSwitchTimer): WbKillSwitch {
  const startTime = Math.floor(t.startMs / 1000);
  return { market: t.market, startTime, cancellationTime: startTime + t.timeoutSec, types: t.types ? [...t.types] : null };
}

const key = (accountId: string, market: string): string => `${accountId}\u0000${market}`;
