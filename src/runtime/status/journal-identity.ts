/**
 * The journal's exchange identity (journal/identity.ts) as `gridbot status` and `gridbot doctor`
 * show it, held against the exchange the configuration would run on.
 *
 * Why offline: both commands must say whether `run` would refuse the journal (a journal of the
 * simulator under a live run, another URL, another key) before anything is sent, and `status`
 * contacts no exchange at all. The identity `run` claims is known from the configuration alone:
 * the embedded simulator always signs as its demo account; an external one (`--exchange-url`) as
 * the keys in the environment, or its demo account; WhiteBIT as the keys in the environment. Only
 * the key fingerprint may be unknown (WhiteBIT without keys in the environment): then it is not
 * compared, and the view says so.
 *
 * Entry points: `configuredIdentity`, `identityVerdict`.
 */
import { WHITEBIT_LIVE } from '../../adapters/whitebit/index.js';
import { DEMO_ACCOUNT } from '../../sim/index.js';
import { WHITEBIT_PUBLIC_UPSTREAM } from '../../sim/paper/upstream.js';
import { ENV_API_KEY, ENV_API_SECRET } from '../config/credentials.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { EMBEDDED, type ExchangeIdentity, identityText, keyFingerprint } from '../journal/index.js';

/** The identity `run` would claim; `keyFingerprint` null when the key is not in the environment. */
export type ConfiguredIdentity = Omit<ExchangeIdentity, 'keyFingerprint'> & { readonly keyFingerprint: string | null };

/** Returns the identity a `run` of `config` would claim (`exchangeUrl`: the REST origin of `--exchange-url`). */
export function configuredIdentity(
  config: Pick<RuntimeConfig, 'exchange'> & { readonly paper?: RuntimeConfig['paper'] },
  options: { readonly exchangeUrl?: string | null; readonly live?: boolean; readonly env?: NodeJS.ProcessEnv } = {},
): ConfiguredIdentity {
  const env = options.env ?? process.env;
  const envKey = env[ENV_API_KEY]?.trim() ?? '';
  const bothKeys = envKey !== '' && (env[ENV_API_SECRET]?.trim() ?? '') !== '';
  if (config.exchange === 'whitebit' || options.live === true) {
    return { exchange: 'whitebit', endpoint: WHITEBIT_LIVE.rest, account: null, keyFingerprint: envKey === '' ? null : keyFingerprint(envKey) };
  }
  if (config.exchange === 'paper' && !options.exchangeUrl) {
    const endpoint = config.paper?.upstream.rest ?? WHITEBIT_PUBLIC_UPSTREAM.rest;
    return { exchange: 'paper', endpoint, account: DEMO_ACCOUNT.id, keyFingerprint: keyFingerprint(DEMO_ACCOUNT.apiKey) };
  }
  if (options.exchangeUrl) {
    return { exchange: 'sim', endpoint: options.exchangeUrl, account: null, keyFingerprint: keyFingerprint(bothKeys ? envKey : DEMO_ACCOUNT.apiKey) };
  }
  return { exchange: 'sim', endpoint: EMBEDDED, account: DEMO_ACCOUNT.id, keyFingerprint: keyFingerprint(DEMO_ACCOUNT.apiKey) };
}

/** How the journal's identity stands against the configured one. */
export interface IdentityVerdict {
  /** `match`, `mismatch` (run refuses the journal), `unrecorded` (the next run stamps it), `keyUnknown` (all but the key agree). */
  readonly kind: 'match' | 'mismatch' | 'unrecorded' | 'keyUnknown';
  /** One line for humans. */
  readonly text: string;
}

function configuredText(c: ConfiguredIdentity): string {
  return c.keyFingerprint === null
    ? identityText({ ...c, keyFingerprint: '?' }).replace('key fingerprint ?', 'key not in the environment')
    : identityText(c as ExchangeIdentity);
}

/** Returns the verdict on `recorded` (null: no run stamped the journal yet) against `configured`. */
export function identityVerdict(recorded: ExchangeIdentity | null, configured: ConfiguredIdentity): IdentityVerdict {
  if (recorded === null) {
    return { kind: 'unrecorded', text: `no exchange recorded yet: the next run claims it for ${configuredText(configured)}` };
  }
  const differs: string[] = [];
  if (recorded.exchange !== configured.exchange || recorded.endpoint !== configured.endpoint || recorded.account !== configured.account)
    differs.push('exchange');
  if (configured.keyFingerprint !== null && recorded.keyFingerprint !== configured.keyFingerprint) differs.push('API key');
  const mine = identityText(recorded);
  if (differs.length > 0) {
    return {
      kind: 'mismatch',
      text: `belongs to ${mine}, NOT the configured ${configuredText(configured)} (another ${differs.join(' and ')}): run refuses this journal; point journal: at another file for this exchange`,
    };
  }
  if (configured.keyFingerprint === null) {
    return { kind: 'keyUnknown', text: `belongs to ${mine}: the configured exchange; its key not checked (${ENV_API_KEY} is not set)` };
  }
  return { kind: 'match', text: `belongs to ${mine}: the configured exchange and key` };
}
