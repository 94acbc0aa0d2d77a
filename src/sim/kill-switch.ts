/**
 * Kill-switch timers: one per (account, market). Arming again re-arms (resets the start time);
 * `timeout: null` deletes. When a timer expires the exchange cancels the account's orders of the
 * covered types on that market, and the timer disappears from `status` (protocol §4.8: UNCONFIRMED,
 * the doc's recommended default). `parseKillSwitchTimeout` holds the simulator's reading of the
 * `timeout` field (string "null", fractional seconds).
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
    // Fractional timeouts ("7.5") are kept to the millisecond.
    const timer: KillSwitchTimer = { accountId, market, timeoutSec, startMs: nowMs, cancelMs: nowMs + Math.round(timeoutSec * 1000), types };
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
  // Whole seconds on the wire: startTime + timeout for a whole timeout, the second it fires in otherwise.
  return { market: t.market, startTime, cancellationTime: Math.floor(t.cancelMs / 1000), types: t.types ? [...t.types] : null };
}

/** What a kill-switch `timeout` field asks for. */
export type KillSwitchTimeout = { readonly kind: 'delete' } | { readonly kind: 'arm'; readonly seconds: number } | { readonly kind: 'invalid' };

const TIMEOUT_TEXT = /^\d+(?:\.\d+)?$/;

/**
 * Reads `timeout` (protocol-2 §2.1, §4 item 10; the server's handling of both forms is unconfirmed):
 * - JSON null and the STRING "null" both delete the timer: ccxt's cancelAllOrdersAfter(0) sends
 *   the string, and a simulator that rejected it would fail an unchanged ccxt.
 * - Seconds as a decimal string ("10", "7.5": ccxt sends ms / 1000, which can be fractional) or a
 *   non-negative number (the official CLI sends numbers). The 5..600 range is the caller's check.
 */
export function parseKillSwitchTimeout(raw: unknown): KillSwitchTimeout {
  if (raw === null || raw === 'null') return { kind: 'delete' };
  if (typeof raw === 'string' && TIMEOUT_TEXT.test(raw)) return { kind: 'arm', seconds: Number(raw) };
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return { kind: 'arm', seconds: raw };
  return { kind: 'invalid' };
}

const key = (accountId: string, market: string): string => `${accountId}\u0000${market}`;
