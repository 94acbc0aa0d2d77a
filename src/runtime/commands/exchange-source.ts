/**
 * The exchange `gridbot plan` and `gridbot doctor` read from, chosen as `run` chooses it:
 * - `--exchange-url URL`: that exchange (an external `gridbot sim`), signed as its demo account;
 * - `--live`, or `exchange: whitebit` in markets.yaml: WhiteBIT itself (keys, when needed, from the
 *   environment only);
 * - `exchange: paper`: the paper exchange (the embedded engine on live prices, src/sim/paper);
 * - otherwise: the embedded simulator, started with `run`'s seed and balances (so prices match what
 *   `run` would see) and closed again by `close()`.
 *
 * Entry point: `openExchangeSource(config, { exchangeUrl, live })`.
 *
 * `publicRest` has no keys at all: a private call through it fails in the client, before anything is
 * sent. Only `signedRest()` (doctor's balance and open-order checks) can sign.
 */
import { parseArgs } from 'node:util';
import { WHITEBIT_LIVE, WhitebitRestClient } from '../../adapters/whitebit/index.js';
import { DEMO_ACCOUNT, type Simulator, startSimulator } from '../../sim/index.js';
import { WHITEBIT_PUBLIC_UPSTREAM, startPaperExchange } from '../../sim/paper/index.js';
import { CredentialsError, loadCredentials } from '../config/credentials.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { embeddedSimulatorOptions } from '../runtime.js';
import { exchangeUrls } from './run.js';

export type ExchangeSourceKind = 'embedded-sim' | 'url' | 'live';

export interface ExchangeSource {
  readonly kind: ExchangeSourceKind;
  readonly restUrl: string;
  /** For humans: `the embedded simulator (seed 7)`, `http://127.0.0.1:8080`, `WhiteBIT (https://whitebit.com)`. */
  readonly label: string;
  /** The embedded simulator, when one was started. */
  readonly sim: Simulator | null;
  /** A client without keys: public endpoints only. */
  readonly publicRest: WhitebitRestClient;
  /**
   * Returns a signing client and where its keys came from, or the CredentialsError of a live
   * exchange whose keys are missing from the environment.
   */
  signedRest(): { readonly rest: WhitebitRestClient; readonly keySource: string } | CredentialsError;
  close(): Promise<void>;
}

/** Diagnostics answer fast: one retry, not the trading path's five. */
const CLIENT_OPTIONS = { retry: { maxAttempts: 2, baseDelayMs: 500 }, timeoutMs: 10_000, connectTimeoutMs: 5_000 } as const;

/** Returns the REST origin of `--exchange-url`, or why it is not one. */
export function restOrigin(url: string): string | { readonly error: string } {
  const urls = exchangeUrls(url);
  return typeof urls === 'string' ? { error: urls } : urls.restUrl;
}

/** Opens the exchange to read; the caller must `close()` it. */
export async function openExchangeSource(
  config: RuntimeConfig,
  options: { readonly exchangeUrl: string | null; readonly live: boolean; readonly env?: NodeJS.ProcessEnv },
): Promise<ExchangeSource> {
  const env = options.env ?? process.env;
  const clients: WhitebitRestClient[] = [];
  const client = (baseUrl: string, keys?: { apiKey: string; apiSecret: string }) => {
    const c = new WhitebitRestClient({ baseUrl, ...CLIENT_OPTIONS, ...(keys ?? {}) });
    clients.push(c);
    return c;
  };
  let kind: ExchangeSourceKind;
  let restUrl: string;
  let label: string;
  let sim: Simulator | null = null;
  if (options.exchangeUrl !== null) {
    const origin = restOrigin(options.exchangeUrl);
    if (typeof origin !== 'string') throw new TypeError(origin.error);
    kind = 'url';
    restUrl = origin;
    label = origin;
  } else if (options.live || config.exchange === 'whitebit') {
    kind = 'live';
    restUrl = WHITEBIT_LIVE.rest;
    label = `WhiteBIT (${WHITEBIT_LIVE.rest})`;
  } else if (config.exchange === 'paper') {
    // The paper exchange is the embedded engine too (kind embedded-sim), on live prices.
    const upstream = config.paper?.upstream ?? WHITEBIT_PUBLIC_UPSTREAM;
    sim = await startPaperExchange({ markets: config.markets.map((m) => m.market), upstream, simulator: embeddedSimulatorOptions(config) });
    kind = 'embedded-sim';
    restUrl = sim.restUrl;
    label = `the PAPER exchange (live prices from ${upstream.rest})`;
  } else {
    sim = await startSimulator(embeddedSimulatorOptions(config));
    kind = 'embedded-sim';
    restUrl = sim.restUrl;
    label = `the embedded simulator (seed ${config.sim?.seed ?? 1})`;
  }
  const started = sim;
  const signedRest = (): { rest: WhitebitRestClient; keySource: string } | CredentialsError => {
    if (kind === 'embedded-sim' && started) {
      return {
        rest: client(restUrl, { apiKey: started.apiKey, apiSecret: started.apiSecret }),
        keySource: `the simulator's demo account (key ${started.apiKey})`,
      };
    }
    if (kind === 'url') {
      // As `run` signs there (runtime.ts resolveEndpoint): the simulator's demo account.
      return {
        rest: client(restUrl, { apiKey: DEMO_ACCOUNT.apiKey, apiSecret: DEMO_ACCOUNT.apiSecret }),
        keySource: `the simulator's demo account (key ${DEMO_ACCOUNT.apiKey})`,
      };
    }
    try {
      const creds = loadCredentials('whitebit', env);
      if (!creds) throw new CredentialsError(['WHITEBIT_API_KEY', 'WHITEBIT_API_SECRET']);
      return {
        rest: client(restUrl, { apiKey: creds.apiKey.reveal(), apiSecret: creds.apiSecret.reveal() }),
        keySource: 'WHITEBIT_API_KEY / WHITEBIT_API_SECRET',
      };
    } catch (e) {
      if (e instanceof CredentialsError) return e;
      throw e;
    }
  };
  return {
    kind,
    restUrl,
    label,
    sim,
    publicRest: client(restUrl),
    signedRest,
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await sim?.close();
    },
  };
}

/** The arguments `plan` and `doctor` share: which config, and where to read the exchange. */
export interface ExchangeCommandArgs {
  readonly config: string;
  readonly exchangeUrl: string | null;
  readonly live: boolean;
  readonly json: boolean;
}

/** Parses `[--config FILE] [--exchange-url URL | --live] [--json]`; returns 'help', or an error text. */
export function parseExchangeCommandArgs(args: readonly string[]): ExchangeCommandArgs | 'help' | string {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string' },
        'exchange-url': { type: 'string' },
        live: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    if (values.help) return 'help';
    if (positionals.length > 0) return `unexpected argument ${positionals[0]}`;
    const url = values['exchange-url'] ?? null;
    if (url !== null) {
      const origin = restOrigin(url);
      if (typeof origin !== 'string') return origin.error;
      if (values.live) return 'give --exchange-url or --live, not both';
    }
    return { config: values.config ?? 'markets.yaml', exchangeUrl: url, live: values.live ?? false, json: values.json ?? false };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
