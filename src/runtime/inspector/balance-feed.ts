/**
 * The exchange balances for the inspector's page: while someone looks, one signed REST call
 * (`trade-account/balance`) every `BALANCE_POLL_MS`, turned into a `balances` record. The runtime
 * itself keeps no balances (the grids track what they placed, not the account), so this is the
 * inspector's own read, off the actors' path, and stopped as soon as nobody looks.
 *
 * Why REST and not the `balanceSpot` channel: the channel pushes only the assets that changed
 * (§7.11), so a page would still need the REST read to start from; one read every few seconds is
 * far under the endpoint's 12 000 / 10 s (whitebit-protocol-2.md §3).
 */
import { parseDecimal } from '../../grid/index.js';
import { describeError } from '../exchange/io-errors.js';
import type { BalanceView, BalancesRecord } from './records.js';

/** How often the page's balances are read while someone looks. */
export const BALANCE_POLL_MS = 5_000;

export type BalanceReader = () => Promise<Readonly<Record<string, { readonly available: string; readonly freeze: string }>>>;

const isZero = (s: string): boolean => parseDecimal(s)?.isZero() ?? false;

/** Returns the non-zero balances, sorted by asset. */
export function balanceViews(raw: Readonly<Record<string, { readonly available: string; readonly freeze: string }>>): BalanceView[] {
  return Object.entries(raw)
    .filter(([, b]) => !(isZero(b.available) && isZero(b.freeze)))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([asset, b]) => ({ asset, available: b.available, freeze: b.freeze }));
}

/**
 * Reads the balances now and every `everyMs` until the returned stop; each read's record goes to
 * `out`. A read still running when the next is due is not doubled; a failed read says why.
 */
export function pollBalances(read: BalanceReader, out: (r: BalancesRecord) => void, now: () => number, everyMs = BALANCE_POLL_MS): () => void {
  let busy = false;
  let stopped = false;
  const tick = (): void => {
    if (busy || stopped) return;
    busy = true;
    read().then(
      (raw) => {
        busy = false;
        if (!stopped) out({ k: 'balances', t: now(), balances: balanceViews(raw) });
      },
      (e: unknown) => {
        busy = false;
        if (!stopped) out({ k: 'balances', t: now(), balances: [], error: describeError(e) });
      },
    );
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
