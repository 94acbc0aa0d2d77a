/**
 * `gridbot doctor [--config FILE] [--exchange-url URL] [--live] [--json]`: checks what `run` needs
 * before it sends anything, one line per check (`ok`, `warn`, `fail` or `skip`) with what to do:
 *
 *   node     the Node.js version against package.json's engines;
 *   config   markets.yaml is valid;
 *   notify   (with a `notify:` block) each target's secret variable is set in the environment (`run`
 *            refuses to start without it);
 *   journal  writable, and not held by another running gridbot (a second bot on one journal is one
 *            account and market traded twice: refused at start, not found through duplicate orders),
 *            and recorded for the exchange and key this configuration runs on (`run` refuses another);
 *   clock    skew against the exchange's public/time (WhiteBIT refuses a nonce outside ±5 s);
 *   keys     present in the environment and accepted by a signed balance call (the simulator: its
 *            demo account; WhiteBIT: only with --live);
 *   grids    every grid is placeable (`gridbot plan` shows why not);
 *   balance  the available balance covers what every grid's initial orders lock, per asset;
 *   orders   orders with this bot's client ids resting while no bot holds the journal (a crashed
 *            run), and foreign orders that `onStart: cancel-all` would cancel;
 *   timers   kill-switch timers active on the grids' markets: another client guarding them (a second
 *            bot on the account), which `run` refuses, or the timer of a crashed run.
 *
 * Exit codes: the worst check decides: 0 every check ok (or skipped), 1 a warning, 2 a failure (or
 * bad arguments). Only public calls and signed reads are made: nothing is placed or cancelled.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { WhitebitError, type WhitebitRestClient } from '../../adapters/whitebit/index.js';
import { D, type Decimal, decodeClientOrderId, parseDecimal, toPlain } from '../../grid/index.js';
import { CredentialsError, formatIssue, isConfigError, loadConfig, loadCredentials, type RuntimeConfig } from '../config/index.js';
import { describeError } from '../exchange/index.js';
import { type JournalReport, readJournalReport } from '../journal/index.js';
import { type ExchangeSource, openExchangeSource, parseExchangeCommandArgs, restOrigin } from './exchange-source.js';
import { planConfig } from './plan.js';
import type { GridReport } from './plan-report.js';
import { foreignTimers } from '../instance-guard.js';
import { type NotifyTargetEnv, notifyTargetEnv } from '../notify/index.js';
import { type ConfiguredIdentity, configuredIdentity, identityVerdict } from '../status/journal-identity.js';
import { problems } from './problem-count.js';

export const DOCTOR_USAGE = `usage: gridbot doctor [--config FILE] [--exchange-url URL] [--live] [--json]

Checks what \`run\` needs, one line per check with ok / warn / fail / skip and what to do:
node version, markets.yaml, the notify: targets' secret variables (set in the environment or missing),
the journal (writable, not held by a running bot, recorded for this
exchange and key: which one it belongs to is shown, and run refuses another), clock skew against
the exchange, API keys (a signed balance call), every grid placeable, enough balance for the
budget the grids lock, and orders of this bot left resting by a crashed run.
Nothing is placed or cancelled.

  --config FILE        markets.yaml to check (default: markets.yaml)
  --exchange-url URL   check against an external exchange, e.g. a \`gridbot sim\` at http://127.0.0.1:8080
                       (default: the embedded simulator, as \`run\` starts it)
  --live               check against WhiteBIT, keys from WHITEBIT_API_KEY / WHITEBIT_API_SECRET
                       (a signed balance call: read-only)
  --json               one JSON document on stdout

exit codes: 0 every check ok, 1 a warning, 2 a check failed (or bad arguments)

example: gridbot doctor --config markets.yaml
`;

/** The oldest Node.js gridbot runs on: package.json `engines.node` (a test keeps the two equal). */
export const MIN_NODE_VERSION = '20.18.1';

/** Clock skew below this is ok; up to the nonce window it is a warning; beyond, a failure. public/time has 1 s resolution. */
export const CLOCK_OK_MS = 2_000;
export const NONCE_WINDOW_MS = 5_000;

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';
export type CheckName = 'node' | 'config' | 'notify' | 'journal' | 'clock' | 'keys' | 'grids' | 'balance' | 'orders' | 'timers';

export interface Check {
  readonly name: CheckName;
  readonly status: CheckStatus;
  /** What was found and, unless ok, what to do. */
  readonly message: string;
}

export interface DoctorDocument {
  /** True when no check failed or warned. */
  readonly ok: boolean;
  /** The worst status. */
  readonly status: 'ok' | 'warn' | 'fail';
  readonly file: string;
  /** Where the exchange checks ran, or null when they could not run. */
  readonly exchange: { readonly kind: ExchangeSource['kind']; readonly url: string; readonly label: string } | null;
  readonly checks: readonly Check[];
}

const check = (name: CheckName, status: CheckStatus, message: string): Check => ({ name, status, message });

// ---------------------------------------------------------------- pure checks

/** Returns the node check for `version` (e.g. `20.19.0` or `v20.19.0`). */
export function nodeCheck(version: string, min = MIN_NODE_VERSION): Check {
  const parts = (v: string) =>
    v
      .replace(/^v/, '')
      .split('.')
      .map((n) => Number.parseInt(n, 10) || 0);
  const [a, b] = [parts(version), parts(min)];
  let cmp = 0;
  for (let i = 0; i < 3 && cmp === 0; i++) cmp = Math.sign((a[i] ?? 0) - (b[i] ?? 0));
  return cmp >= 0
    ? check('node', 'ok', `Node.js ${version.replace(/^v/, '')} (needs ${min} or newer)`)
    : check('node', 'fail', `Node.js ${version.replace(/^v/, '')} is older than ${min}: install Node.js ${min} or newer (e.g. nvm install 22)`);
}

/** Returns the clock check for a measured skew (server minus local, ms). */
export function clockCheck(offsetMs: number, where: string): Check {
  const s = (Math.abs(offsetMs) / 1000).toFixed(1);
  const dir = offsetMs > 0 ? 'behind' : 'ahead of';
  if (Math.abs(offsetMs) < CLOCK_OK_MS) return check('clock', 'ok', `local clock within ${s} s of ${where}'s public/time`);
  const fix = 'sync the system clock (e.g. `timedatectl set-ntp true`, or chrony/ntpd)';
  if (Math.abs(offsetMs) < NONCE_WINDOW_MS) {
    return check('clock', 'warn', `local clock ${s} s ${dir} ${where}: close to the ±${NONCE_WINDOW_MS / 1000} s nonce window; ${fix}`);
  }
  return check(
    'clock',
    'fail',
    `local clock ${s} s ${dir} ${where}: outside the ±${NONCE_WINDOW_MS / 1000} s nonce window, so signed requests depend on the offset measured at start and break as the clock drifts; ${fix}`,
  );
}

/** What the grids' initial orders lock, summed per asset (grids sharing a quote asset draw on one balance). */
export function lockedPerAsset(grids: readonly GridReport[]): Map<string, Decimal> {
  const need = new Map<string, Decimal>();
  for (const g of grids) {
    if (!g.locked) continue;
    for (const side of [g.locked.quote, g.locked.base]) {
      const amount = new D(side.amount);
      if (amount.gt(0)) need.set(side.asset, (need.get(side.asset) ?? new D(0)).plus(amount));
    }
  }
  return need;
}

/**
 * Returns the balance check: fail when an asset's available balance is short of what the grids lock,
 * warn when it is short but what is frozen in open orders would cover it.
 */
export function balanceCheck(need: ReadonlyMap<string, Decimal>, balances: Readonly<Record<string, { available: string; freeze: string }>>): Check {
  if (need.size === 0) return check('balance', 'skip', 'no placeable grid locks anything');
  const short: string[] = [];
  const frozen: string[] = [];
  const fine: string[] = [];
  for (const [asset, amount] of need) {
    const available = parseDecimal(balances[asset]?.available ?? '0') ?? new D(0);
    const freeze = parseDecimal(balances[asset]?.freeze ?? '0') ?? new D(0);
    const text = `${asset} needs ${toPlain(amount)}, available ${toPlain(available)}`;
    if (available.gte(amount)) fine.push(text);
    else if (available.plus(freeze).gte(amount)) frozen.push(`${text} (+${toPlain(freeze)} frozen in open orders)`);
    else short.push(`${text}: short by ${toPlain(amount.minus(available))}`);
  }
  if (short.length > 0) {
    return check('balance', 'fail', `${short.join('; ')}: deposit the difference, or lower amountPerLevel / budget in markets.yaml`);
  }
  if (frozen.length > 0) {
    return check('balance', 'warn', `${frozen.join('; ')}: only orders on a grid's own market are cancelled at start; cancel the others or lower the budget`);
  }
  return check('balance', 'ok', fine.join('; '));
}

/** Returns the notify check: each target ok, or the variables it names that are missing (never a value). */
export function notifyCheck(targets: readonly NotifyTargetEnv[]): Check {
  const text = targets.map((t) => {
    const missing = t.variables.filter((v) => !v.set);
    if (missing.length > 0) return `${t.label} missing ${missing.map((v) => `${v.name} (${v.field})`).join(', ')}`;
    return t.variables.length === 0 ? `${t.label} ok (no secret)` : `${t.label} ok (${t.variables.map((v) => v.name).join(', ')} set)`;
  });
  const ok = targets.every((t) => t.variables.every((v) => v.set));
  return ok
    ? check('notify', 'ok', text.join('; '))
    : check(
        'notify',
        'fail',
        `${text.join('; ')}: export the variable before \`gridbot run\` (secrets are never read from markets.yaml); run refuses to start without it`,
      );
}

// ---------------------------------------------------------------- checks with IO

/**
 * The journal check, with the exchange the journal belongs to: a mismatch fails (run refuses the
 * journal), an unchecked key or a journal no run claimed yet is said as it is.
 */
function journalCheck(config: RuntimeConfig, configured: ConfiguredIdentity): { check: Check; heldByLiveBot: boolean } {
  const found = lockCheck(config);
  if (found.report === null || found.check.status === 'fail') return found;
  const verdict = identityVerdict(found.report.identity, configured);
  const status = verdict.kind === 'mismatch' ? 'fail' : found.check.status;
  return { check: check('journal', status, `${found.check.message}; ${verdict.text}`), heldByLiveBot: found.heldByLiveBot };
}

/** Where the journal stands: the check, whether a live process holds it, and its report when it could be read. */
function lockCheck(config: RuntimeConfig): { check: Check; heldByLiveBot: boolean; report: JournalReport | null } {
  if (!config.journal) return { check: check('journal', 'ok', 'journaling is off (no journal: in markets.yaml)'), heldByLiveBot: false, report: null };
  const path = config.journal.path;
  if (!existsSync(path)) {
    let dir = dirname(path);
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    try {
      accessSync(dir, constants.W_OK);
      return { check: check('journal', 'ok', `${path} does not exist yet; run creates it (${dir} is writable)`), heldByLiveBot: false, report: null };
    } catch {
      return {
        check: check('journal', 'fail', `${path} cannot be created: ${dir} is not writable; fix its permissions or point journal: elsewhere`),
        heldByLiveBot: false,
        report: null,
      };
    }
  }
  let report: JournalReport;
  try {
    report = readJournalReport(path);
  } catch (e) {
    return {
      check: check(
        'journal',
        'fail',
        `${path} is not a readable gridbot journal (${e instanceof Error ? e.message : String(e)}); move it away or point journal: elsewhere`,
      ),
      heldByLiveBot: false,
      report: null,
    };
  }
  for (const p of [path, dirname(path)]) {
    try {
      accessSync(p, constants.W_OK);
    } catch {
      return {
        check: check('journal', 'fail', `${p} is not writable (SQLite needs the file and its directory); fix the permissions`),
        heldByLiveBot: false,
        report,
      };
    }
  }
  const lock = report.lock;
  if (lock.kind !== 'free') {
    const h = lock.holder;
    const since = new Date(h.startedAt).toISOString();
    if (lock.kind === 'elsewhere') {
      return {
        check: check(
          'journal',
          'fail',
          `${path} is held by pid ${h.pid} on another host (${h.host}) since ${since}: stop that bot first, or use another journal file`,
        ),
        heldByLiveBot: true,
        report,
      };
    }
    if (lock.kind === 'running') {
      return {
        check: check(
          'journal',
          'fail',
          `${path} is held by a running gridbot (pid ${h.pid}, since ${since}): a second bot would trade the same account and markets; stop it first, or use another journal file`,
        ),
        heldByLiveBot: true,
        report,
      };
    }
    return {
      check: check('journal', 'ok', `${path} is writable; the lock of pid ${h.pid} (exited) is stale and the next run takes it over`),
      heldByLiveBot: false,
      report,
    };
  }
  return { check: check('journal', 'ok', `${path} is writable and no bot holds it`), heldByLiveBot: false, report };
}

/** Returns the open orders of one market (every page). */
async function openOrders(rest: WhitebitRestClient, market: string): Promise<{ clientOrderId: string }[]> {
  const out: { clientOrderId: string }[] = [];
  for (let page = 0; page < 50; page++) {
    const items = await rest.orders({ market, limit: 100, offset: page * 100 });
    out.push(...items);
    if (items.length < 100) break;
  }
  return out;
}

async function ordersCheck(rest: WhitebitRestClient, config: RuntimeConfig, heldByLiveBot: boolean): Promise<Check> {
  const warnings: string[] = [];
  const notes: string[] = [];
  for (const m of config.markets) {
    const orders = await openOrders(rest, m.market);
    const scope = { botId: config.botId, market: m.market };
    const ours = orders.filter((o) => decodeClientOrderId(o.clientOrderId, scope).kind === 'ours').length;
    const foreign = orders.length - ours;
    if (ours > 0 && !heldByLiveBot) {
      warnings.push(
        `${ours === 1 ? '1 order' : `${ours} orders`} of this bot ${ours === 1 ? 'rests' : 'rest'} on ${m.market} but no bot holds the journal: a crashed run? \`run\` with onStart: adopt will take them over` +
          (m.onStart === 'cancel-all' ? ` (this grid has onStart: cancel-all: run cancels them first)` : ''),
      );
    } else if (ours > 0) {
      notes.push(`${ours} on ${m.market} belong to the running bot`);
    }
    if (foreign > 0 && m.onStart === 'cancel-all') {
      warnings.push(
        `${foreign === 1 ? '1 order' : `${foreign} orders`} not placed by this bot ${foreign === 1 ? 'rests' : 'rest'} on ${m.market}: onStart: cancel-all cancels them at start; use a dedicated (sub)account`,
      );
    }
  }
  if (warnings.length > 0) return check('orders', 'warn', warnings.join('; '));
  const markets = config.markets.map((m) => m.market).join(', ');
  return check('orders', 'ok', notes.length > 0 ? notes.join('; ') : `no open orders on ${markets}`);
}

function gridsCheck(grids: readonly GridReport[]): Check {
  const bad = grids.filter((g) => !g.ok);
  if (bad.length === 0)
    return check('grids', 'ok', `${grids.length} grid${grids.length === 1 ? '' : 's'} placeable (${grids.reduce((n, g) => n + g.orders, 0)} orders)`);
  const why = bad.map((g) => {
    if (g.error !== null) return `${g.market}: ${g.error}`;
    const errors = g.issues.filter((i) => i.severity === 'error');
    return `${g.market}: ${errors[0]?.message ?? 'not placeable'}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`;
  });
  return check('grids', 'fail', `${why.join('; ')}: \`gridbot plan\` shows every level and why`);
}

/** Runs every exchange check; appends to `out`. */
async function exchangeChecks(
  config: RuntimeConfig,
  source: ExchangeSource,
  opts: { readonly live: boolean; readonly heldByLiveBot: boolean; readonly env: NodeJS.ProcessEnv },
  out: Check[],
): Promise<void> {
  const { live, heldByLiveBot, env } = opts;
  const where = source.kind === 'live' ? 'WhiteBIT' : source.kind === 'url' ? source.restUrl : 'the simulator';
  let reachable = true;
  // Server minus local clock, also what the timers check compares the exchange's times with.
  let offsetMs = 0;
  try {
    offsetMs = await source.publicRest.syncTime();
    out.push(clockCheck(offsetMs, where));
  } catch (e) {
    reachable = false;
    out.push(check('clock', 'fail', `cannot read public/time from ${source.restUrl} (${describeError(e)}): check the network, or --exchange-url`));
  }
  const skipped = (name: CheckName, why: string) => out.push(check(name, 'skip', why));
  const keysInEnv = (why: string): void => {
    try {
      loadCredentials('whitebit', env);
      skipped('keys', `WHITEBIT_API_KEY and WHITEBIT_API_SECRET are set; ${why}`);
    } catch (e) {
      if (!(e instanceof CredentialsError)) throw e;
      out.push(check('keys', 'fail', e.message));
    }
  };
  if (!reachable) {
    if (source.kind === 'live') keysInEnv('not checked: the exchange could not be reached');
    for (const n of [...(source.kind === 'live' ? [] : ['keys' as const]), 'grids', 'balance', 'orders', 'timers'] as const)
      skipped(n, 'the exchange could not be reached');
    return;
  }

  const signed = source.kind === 'live' && !live ? null : source.signedRest();
  let rest: WhitebitRestClient | null = null;
  let balances: Record<string, { available: string; freeze: string }> | null = null;
  if (signed === null) {
    // WhiteBIT without --live: say whether the keys are there, but make no signed call.
    keysInEnv('pass --live to check them with a signed balance call (read-only)');
  } else if (!('rest' in signed)) {
    out.push(check('keys', 'fail', signed.message));
  } else {
    try {
      // As `run` does before its first signed call: nonces must sit inside the exchange's window.
      await signed.rest.syncTime();
      balances = await signed.rest.tradeAccountBalance();
      rest = signed.rest;
      out.push(check('keys', 'ok', `${signed.keySource}: accepted (signed balance call)`));
    } catch (e) {
      const refused = WhitebitError.is(e) && e.kind === 'unauthorized';
      out.push(
        check(
          'keys',
          'fail',
          refused
            ? `${signed.keySource}: refused (${describeError(e)}): check the key and secret, the key's IP allow-list and its trading permission`
            : `${signed.keySource}: the signed balance call failed (${describeError(e)})`,
        ),
      );
    }
  }

  const grids = await planConfig(config, source);
  out.push(gridsCheck(grids));
  if (balances === null) skipped('balance', 'needs a signed balance call (see keys)');
  else out.push(balanceCheck(lockedPerAsset(grids.filter((g) => g.ok)), balances));
  if (rest === null) skipped('orders', 'needs signed calls (see keys)');
  else {
    try {
      out.push(await ordersCheck(rest, config, heldByLiveBot));
    } catch (e) {
      out.push(check('orders', 'fail', `cannot list open orders (${describeError(e)})`));
    }
  }
  if (rest === null) skipped('timers', 'needs signed calls (see keys)');
  else {
    try {
      out.push(await timersCheck(rest, config, heldByLiveBot, offsetMs));
    } catch (e) {
      out.push(check('timers', 'fail', `cannot read the kill-switch timers (${describeError(e)})`));
    }
  }
}

/**
 * Kill-switch timers on the grids' markets. `run` refuses a market whose timer it did not set
 * (instance-guard.ts); the doctor cannot tell a crashed run's timer from another bot's without
 * taking the journal, so it warns and says which it would be.
 */
async function timersCheck(rest: WhitebitRestClient, config: RuntimeConfig, heldByLiveBot: boolean, offsetMs: number): Promise<Check> {
  const found = foreignTimers(
    await rest.killSwitchStatus(),
    config.markets.map((m) => m.market),
    () => null,
    (Date.now() + offsetMs) / 1000,
  );
  if (found.length === 0) return check('timers', 'ok', "no kill-switch timer is active on the grids' markets");
  const list = found.map((f) => `${f.market} (re-armed ${f.armedSecAgo} s ago, fires in ${f.firesInSec} s)`).join(', ');
  if (heldByLiveBot) return check('timers', 'ok', `${list}: kept by the running bot that holds the journal`);
  return check(
    'timers',
    'warn',
    `a kill-switch timer is active on ${list}: another bot on this account? \`run\` refuses those markets unless the timer is the one its journal's last run set (a crashed run); stop the other bot, or wait until it fires`,
  );
}

// ---------------------------------------------------------------- command

/** Returns the worst status of `checks` (skip counts as ok). */
export function worstStatus(checks: readonly Check[]): 'ok' | 'warn' | 'fail' {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  return checks.some((c) => c.status === 'warn') ? 'warn' : 'ok';
}

/** Runs the command; resolves to the exit code. */
export async function doctorCommand(args: readonly string[]): Promise<number> {
  const parsed = parseExchangeCommandArgs(args);
  if (parsed === 'help') {
    process.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`gridbot doctor: ${parsed}\n${DOCTOR_USAGE}`);
    return 2;
  }
  const checks: Check[] = [nodeCheck(process.versions.node)];
  let config: RuntimeConfig | null = null;
  try {
    config = await loadConfig(parsed.config);
    const n = config.markets.length;
    checks.push(check('config', 'ok', `${parsed.config}: valid, exchange ${config.exchange}, bot id ${config.botId}, ${n} grid${n === 1 ? '' : 's'}`));
    if (config.notify !== null) checks.push(notifyCheck(notifyTargetEnv(config, process.env)));
  } catch (e) {
    if (!isConfigError(e)) throw e;
    const first = e.issues[0];
    checks.push(
      check(
        'config',
        'fail',
        `${parsed.config}: ${problems(e.issues.length)}${first ? `, first: ${formatIssue(first)}` : ''}; \`gridbot validate ${parsed.config}\` lists them`,
      ),
    );
  }
  let exchange: DoctorDocument['exchange'] = null;
  if (config === null) {
    for (const n of ['journal', 'clock', 'keys', 'grids', 'balance', 'orders', 'timers'] as const) checks.push(check(n, 'skip', 'needs a valid markets.yaml'));
  } else {
    // As `run` would claim the journal: the REST origin of --exchange-url (parsed above, so a string).
    const origin = parsed.exchangeUrl === null ? null : restOrigin(parsed.exchangeUrl);
    const configured = configuredIdentity(config, { exchangeUrl: typeof origin === 'string' ? origin : null, live: parsed.live });
    const journal = journalCheck(config, configured);
    checks.push(journal.check);
    let source: ExchangeSource | null = null;
    try {
      source = await openExchangeSource(config, { exchangeUrl: parsed.exchangeUrl, live: parsed.live });
      exchange = { kind: source.kind, url: source.restUrl, label: source.label };
      await exchangeChecks(config, source, { live: parsed.live, heldByLiveBot: journal.heldByLiveBot, env: process.env }, checks);
    } catch (e) {
      checks.push(check('clock', 'fail', `cannot open the exchange (${e instanceof Error ? e.message : String(e)})`));
    } finally {
      await source?.close();
    }
  }
  const status = worstStatus(checks);
  const code = status === 'fail' ? 2 : status === 'warn' ? 1 : 0;
  if (parsed.json) {
    const doc: DoctorDocument = { ok: status === 'ok', status, file: parsed.config, exchange, checks };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
    return code;
  }
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((c) => `${c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.message}`);
  if (exchange) lines.unshift(`gridbot doctor: ${parsed.config} against ${exchange.label}`);
  const n = checks.filter((c) => c.status === status).length;
  lines.push(status === 'ok' ? 'all checks passed' : `${n} check${n === 1 ? '' : 's'} ${status === 'fail' ? 'failed' : 'warned'} (exit ${code})`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return code;
}
