/**
 * WhiteBIT API credentials: from the environment only (`WHITEBIT_API_KEY`, `WHITEBIT_API_SECRET`),
 * never from markets.yaml, and wrapped so they cannot reach a log line or a JSON dump by accident.
 *
 * Entry points: `loadCredentials(exchange, env)`, `Secret` (`.reveal()` for the signer only).
 */
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A string that prints as `[redacted]` through `String()`, template literals, `JSON.stringify`,
 * `util.inspect` and `console.log`. The value is kept in a private field, so spreading or
 * `Object.entries` on the wrapper finds nothing either.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** Returns the secret itself. Only the request signer should call this. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export interface Credentials {
  readonly apiKey: Secret;
  readonly apiSecret: Secret;
}

/** The live exchange was chosen but the environment lacks a credential. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  /** Names of the missing variables. */
  readonly missing: readonly string[];

  constructor(missing: readonly string[]) {
    super(
      `exchange: whitebit needs ${missing.join(' and ')} in the environment ` +
        '(credentials are never read from markets.yaml); set them, or use exchange: sim',
    );
    this.missing = missing;
  }
}

export const ENV_API_KEY = 'WHITEBIT_API_KEY';
export const ENV_API_SECRET = 'WHITEBIT_API_SECRET';

/**
 * Returns the credentials for `exchange`: null for the simulator (it uses its demo account),
 * the environment's key and secret for `whitebit`.
 * @throws CredentialsError when `whitebit` is chosen and either variable is missing or blank.
 */
export function loadCredentials(exchange: 'sim' | 'whitebit', env: NodeJS.ProcessEnv = process.env): Credentials | null {
  if (exchange === 'sim') return null;
  const key = env[ENV_API_KEY]?.trim() ?? '';
  const secret = env[ENV_API_SECRET]?.trim() ?? '';
  const missing = [...(key === '' ? [ENV_API_KEY] : []), ...(secret === '' ? [ENV_API_SECRET] : [])];
  if (missing.length > 0) throw new CredentialsError(missing);
  return { apiKey: new Secret(key), apiSecret: new Secret(secret) };
}
