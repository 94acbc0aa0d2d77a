/**
 * Which exchange and account a journal belongs to. A journal's fills, PnL, inventory and resting
 * orders are facts of one account on one exchange: adopted by a run against another (a journal of
 * the simulator under a live run, another URL, another key), they would be reconciled against
 * orders that are not there and carried into figures that are not that account's. So the journal
 * records the identity of its first run, and a run with another identity is refused.
 *
 * The identity is the exchange kind, where it is (`embedded` for the simulator `run` starts itself,
 * with its account: that simulator gets a new port every run, so the port cannot be part of it;
 * otherwise the REST origin), and a fingerprint of the API key: the first 16 hex digits of its
 * SHA-256. Never the secret, never the key itself.
 *
 * Entry points: {@link keyFingerprint}, {@link sameIdentity}, {@link identityText}.
 */
import { createHash } from 'node:crypto';

/** The endpoint of the simulator `run` starts itself. */
export const EMBEDDED = 'embedded';

export interface ExchangeIdentity {
  /** `paper`: the embedded engine on live prices (src/sim/paper): never adopted by a `sim` or `whitebit` run, nor they by it. */
  readonly exchange: 'sim' | 'whitebit' | 'paper';
  /** {@link EMBEDDED} for the simulator `run` starts, else the REST origin (for paper: its upstream's). */
  readonly endpoint: string;
  /** The embedded simulator's account id; null elsewhere (the key fingerprint tells accounts apart). */
  readonly account: string | null;
  /** {@link keyFingerprint} of the public API key. */
  readonly keyFingerprint: string;
}

/** Returns the first 16 hex digits of the SHA-256 of `apiKey`: enough to tell keys apart, useless to use one. */
export function keyFingerprint(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 16);
}

/** True when both name the same exchange, place and key. */
export function sameIdentity(a: ExchangeIdentity, b: ExchangeIdentity): boolean {
  return a.exchange === b.exchange && a.endpoint === b.endpoint && a.account === b.account && a.keyFingerprint === b.keyFingerprint;
}

/** Returns the identity for humans: `the simulator at http://127.0.0.1:8080 (key fingerprint 1a2b…)`. */
export function identityText(id: ExchangeIdentity): string {
  if (id.exchange === 'paper')
    return `the PAPER exchange on live prices from ${id.endpoint} (account ${id.account ?? '?'}, key fingerprint ${id.keyFingerprint})`;
  if (id.endpoint === EMBEDDED) return `the embedded simulator (account ${id.account ?? '?'}, key fingerprint ${id.keyFingerprint})`;
  return `${id.exchange === 'sim' ? 'the simulator' : 'WhiteBIT'} at ${id.endpoint} (key fingerprint ${id.keyFingerprint})`;
}
