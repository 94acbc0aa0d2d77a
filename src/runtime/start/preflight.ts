/**
 * Preflight: everything that can refuse a start before any order is sent, in the order it is checked:
 * the journal's last run of each market (a journal that cannot be read is refused here), the endpoint
 * and its credentials (`exchange: whitebit` needs `--live` and both keys), the journal's exchange and
 * account (a journal written for another is refused: journal/identity.ts; a journal without one is
 * claimed for this run only once every check passed), the exchange's market list,
 * each grid's plan on its market's rules and last price (grid-refusal.ts: one grid refused refuses
 * the start, as an unknown market does), the clock offset, and a second bot on this account and
 * market (its kill-switch timers).
 *
 * Entry point: {@link preflight}. It throws a {@link RuntimeStartError} (or the journal's error)
 * without touching any order, and closes what it opened (the REST client, an embedded simulator)
 * before throwing.
 */
import { WHITEBIT_LIVE, WhitebitRestClient } from '../../adapters/whitebit/index.js';
import { DEMO_ACCOUNT, type Simulator, type SimulatorOptions, startSimulator } from '../../sim/index.js';
import { type Credentials, CredentialsError, ENV_API_KEY, ENV_API_SECRET, loadCredentials } from '../config/credentials.js';
import type { ConfigIssue } from '../config/index.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { loadMarket, sharedPublicLists } from '../exchange/index.js';
import { MarketIoError } from '../../machines/market/market.io.js';
import { foreignTimers, foreignTimersMessage } from '../instance-guard.js';
import { restDeadlineMs } from '../exchange/rest-deadline.js';
import { EMBEDDED, type ExchangeIdentity, type MarketRunRecord, identityText, keyFingerprint, killSwitchMsOfRun } from '../journal/index.js';
import type { RuntimeOptions } from '../runtime.js';
import { gridRefusal, refusedSummary, unknownMarketRefusal } from './grid-refusal.js';
import { PaperUpstreamError, WHITEBIT_PUBLIC_UPSTREAM, startPaperExchange, type PaperExchange } from '../../sim/paper/index.js';

/** A start refused before anything was sent; `issues` name the markets.yaml entries to fix, when it is about them. */
export class RuntimeStartError extends Error {
  override readonly name = 'RuntimeStartError';
  constructor(
    message: string,
    readonly issues: readonly ConfigIssue[] = [],
  ) {
    super(message);
  }
}

export interface Endpoint {
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly sim: Simulator | null;
  /** The exchange and account this run trades on, as its journal records it. */
  readonly identity: ExchangeIdentity;
}

/** What a start that passed its checks has opened and read. */
export interface Preflight {
  readonly endpoint: Endpoint;
  readonly rest: WhitebitRestClient;
  /** Each configured market's last journaled run (null without a journal or a run), read once. */
  readonly lastRuns: ReadonlyMap<string, MarketRunRecord | null>;
}

/** Runs every check that can refuse a start. @throws RuntimeStartError, or the journal's error */
export async function preflight(options: RuntimeOptions): Promise<Preflight> {
  const { config } = options;
  // Each market's last journaled run, read (and decoded) once: the start-up guard and the restore both need it.
  const lastRuns = new Map(config.markets.map((m) => [m.market, options.journal?.lastMarketRun(m.market) ?? null]));
  const endpoint = await resolveEndpoint(options);
  const rest = new WhitebitRestClient({
    baseUrl: endpoint.restUrl,
    apiKey: endpoint.apiKey,
    apiSecret: endpoint.apiSecret,
    deadlineMs: restDeadlineMs(config.markets.map((m) => m.killSwitch.timeoutSec)),
    ...(options.restObserver ? { observer: options.restObserver } : {}),
  });
  try {
    // Refused here, before the exchange is asked anything; claimed only once every check passed.
    options.journal?.checkIdentity(endpoint.identity);
    await checkMarkets(rest, config);
    // Nonces must sit within ±5 s of the exchange's clock (nonceWindow): align before the first signed call.
    const offsetMs = await rest.syncTime();
    await checkForeignTimers(
      rest,
      config.markets.map((m) => m.market),
      (market) => lastRuns.get(market) ?? null,
      offsetMs,
    );
    claimJournal(options, endpoint.identity);
  } catch (error) {
    await rest.close();
    await endpoint.sim?.close();
    throw error;
  }
  return { endpoint, rest, lastRuns };
}

async function resolveEndpoint(options: RuntimeOptions): Promise<Endpoint> {
  const { config } = options;
  const env = options.env ?? process.env;
  if (config.exchange === 'whitebit') {
    if (!options.live) throw new RuntimeStartError('exchange: whitebit trades real money: run with --live to confirm');
    const creds = liveCredentials(env);
    const urls = options.exchangeUrl ?? { restUrl: WHITEBIT_LIVE.rest, wsUrl: WHITEBIT_LIVE.ws };
    const apiKey = creds.apiKey.reveal();
    const identity = { exchange: 'whitebit', endpoint: urls.restUrl, account: null, keyFingerprint: keyFingerprint(apiKey) } as const;
    return { ...urls, apiKey, apiSecret: creds.apiSecret.reveal(), sim: null, identity };
  }
  if (config.exchange === 'paper' && !options.exchangeUrl) return paperEndpoint(options);
  if (options.exchangeUrl) {
    // An external simulator: its demo account unless both keys are given in the environment.
    const creds = env[ENV_API_KEY] && env[ENV_API_SECRET] ? liveCredentials(env) : null;
    const apiKey = creds?.apiKey.reveal() ?? DEMO_ACCOUNT.apiKey;
    return {
      ...options.exchangeUrl,
      apiKey,
      apiSecret: creds?.apiSecret.reveal() ?? DEMO_ACCOUNT.apiSecret,
      sim: null,
      identity: { exchange: 'sim', endpoint: options.exchangeUrl.restUrl, account: null, keyFingerprint: keyFingerprint(apiKey) },
    };
  }
  const sim = await startSimulator({ ...embeddedSimulatorOptions(config), ...options.simulator });
  // Its port is new every run: the embedded simulator is known by its account, not its URL.
  const identity = { exchange: 'sim', endpoint: EMBEDDED, account: sim.accountId, keyFingerprint: keyFingerprint(sim.apiKey) } as const;
  return { restUrl: sim.restUrl, wsUrl: sim.wsUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret, sim, identity };
}

/**
 * `exchange: paper`: the embedded engine on live prices (src/sim/paper), its markets the configured
 * ones. Like the embedded simulator it is known by its account, plus where its prices come from.
 */
async function paperEndpoint(options: RuntimeOptions): Promise<Endpoint> {
  const { config } = options;
  const settings = config.paper ?? { upstream: WHITEBIT_PUBLIC_UPSTREAM, balances: null };
  let sim: PaperExchange;
  try {
    sim = await startPaperExchange({
      markets: config.markets.map((m) => m.market),
      upstream: settings.upstream,
      simulator: { ...embeddedSimulatorOptions(config), ...options.simulator },
    });
  } catch (e) {
    if (e instanceof PaperUpstreamError) throw new RuntimeStartError(`${config.file}: exchange: paper: ${e.message}`);
    throw e;
  }
  const identity = { exchange: 'paper', endpoint: settings.upstream.rest, account: sim.accountId, keyFingerprint: keyFingerprint(sim.apiKey) } as const;
  return { restUrl: sim.restUrl, wsUrl: sim.wsUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret, sim, identity };
}

/**
 * Claims the journal for this run's exchange and account (refused when it belongs to another), and
 * says so when an older journal without an identity is adopted.
 * @throws JournalMismatchError
 */
function claimJournal(options: RuntimeOptions, identity: ExchangeIdentity): void {
  const journal = options.journal;
  if (!journal) return;
  if (journal.claimIdentity(identity) === 'adopted') {
    options.logger?.warn(
      { journal: journal.path },
      `journal: ${journal.path} recorded no exchange (written before gridbot recorded one); adopted for ${identityText(identity)} from now on`,
    );
  }
}

/**
 * Returns the options of the simulator `run` embeds for `exchange: sim`: any free port, the
 * config's seed, its balances (or the demo ones) on the demo account. `gridbot plan` and `doctor`
 * start theirs from this too, so they see the prices and balances `run` would.
 */
export function embeddedSimulatorOptions(config: RuntimeConfig): SimulatorOptions {
  const balances = config.sim?.balances ?? config.paper?.balances ?? DEMO_ACCOUNT.balances;
  return {
    port: 0,
    seed: config.sim?.seed ?? 1,
    accounts: [{ id: DEMO_ACCOUNT.id, apiKey: DEMO_ACCOUNT.apiKey, apiSecret: DEMO_ACCOUNT.apiSecret, balances: { ...balances } }],
  };
}

function liveCredentials(env: NodeJS.ProcessEnv): Credentials {
  try {
    const creds = loadCredentials('whitebit', env);
    if (creds) return creds;
  } catch (e) {
    if (!(e instanceof CredentialsError)) throw e;
    throw new RuntimeStartError(e.message);
  }
  throw new RuntimeStartError(`exchange: whitebit needs ${ENV_API_KEY} and ${ENV_API_SECRET} in the environment`);
}

/**
 * Throws when another client guards one of `markets` with a kill-switch timer (a second bot on this
 * account and market: instance-guard.ts), before anything is sent. `lastRun` is the market's last
 * journaled run, whose own timer is not foreign. A reload checks the markets it adds with it too.
 * @throws RuntimeStartError
 */
export async function checkForeignTimers(
  rest: WhitebitRestClient,
  markets: readonly string[],
  lastRun: (market: string) => MarketRunRecord | null,
  offsetMs: number,
): Promise<void> {
  if (markets.length === 0) return;
  const found = foreignTimers(
    await rest.killSwitchStatus(),
    markets,
    (market) => {
      const last = lastRun(market);
      return last ? killSwitchMsOfRun(last) : null;
    },
    (Date.now() + offsetMs) / 1000,
  );
  if (found.length > 0) throw new RuntimeStartError(foreignTimersMessage(found));
}

/**
 * Throws unless every configured market (of `only`, when given: a reload's new and changed grids)
 * is a spot market the exchange lists and every grid's plan passes its rules (fee, minimums, budget)
 * at the last price: the function the market actor places with decides, on the calls it reads with.
 * A market without a price yet is left to its actor, which waits for one.
 * @throws RuntimeStartError naming each refused grid at its file:line:col
 */
export async function checkMarkets(rest: WhitebitRestClient, config: RuntimeConfig, only?: ReadonlySet<string>): Promise<void> {
  const lists = sharedPublicLists(rest);
  const listed = new Set((await lists.publicMarkets()).filter((m) => m.type === undefined || m.type === 'spot').map((m) => m.name));
  const checked = (market: string) => only === undefined || only.has(market);
  const missing = config.markets.flatMap((m, i) => (listed.has(m.market) || !checked(m.market) ? [] : [i]));
  if (missing.length > 0) {
    const names = missing.map((i) => config.markets[i]?.market).join(', ');
    throw new RuntimeStartError(
      `${config.file}: unknown market${missing.length > 1 ? 's' : ''} on this exchange: ${names}`,
      missing.map((i) => unknownMarketRefusal(config, i)),
    );
  }
  const refusals = await Promise.all(
    config.markets.map(async (m, i): Promise<ConfigIssue | null> => {
      if (!checked(m.market)) return null;
      try {
        return gridRefusal(config, i, await loadMarket(lists, m.market));
      } catch (e) {
        if (e instanceof MarketIoError && e.kind === 'rejected') return unknownMarketRefusal(config, i, e.message);
        if (e instanceof MarketIoError && e.kind === 'retry') return null;
        throw e;
      }
    }),
  );
  const refused = refusals.filter((r): r is ConfigIssue => r !== null);
  if (refused.length > 0) throw new RuntimeStartError(`${config.file}: ${refusedSummary(refused)}`, refused);
}
