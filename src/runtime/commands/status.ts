/**
 * `gridbot status [--journal FILE | --config FILE] [--json]`: whether a bot runs on the journal (and
 * if not, since when and which markets it left with orders resting), and per market the figures of
 * the last run and of every run, read from the journal, with or without the bot running (read-only;
 * no exchange is contacted). The figures are the ones fleet-figures.ts computed for the live views.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type RuntimeConfig, isConfigError, loadConfig } from '../config/index.js';
import { type JournalReport, identityText, readJournalReport } from '../journal/index.js';
import { moneyWithAsset } from '../report/fleet-figures.js';
import { type IdentityVerdict, configuredIdentity, identityVerdict } from '../status/journal-identity.js';

export const STATUS_USAGE = `usage: gridbot status [--journal FILE | --config FILE] [--json]

  --journal FILE   the journal to read (default: the one markets.yaml names)
  --config FILE    the markets.yaml whose journal to read (default: markets.yaml)
  --json           one JSON document on stdout

Says whether a bot runs on the journal (if not: since when, and which markets it left with orders
resting), which exchange and account the journal belongs to (and whether that is the exchange of
markets.yaml: a run refuses a journal of another), then per market: state, resting orders, fills (executions), realised PnL net of fees in
the quote asset, fees and inventory, for the last run ("run") and every run ("all"), and why the
market stopped.

example: gridbot status --journal var/gridbot.journal
`;

/** `lifecycle.running.trading | killSwitch.armed.waiting` → `running.trading`. */
function lifecycleOf(state: string | null): string {
  if (state === null) return '-';
  const part = state.split(' | ').find((p) => p.startsWith('lifecycle.')) ?? state;
  return part.replace(/^lifecycle\./, '');
}

/** Whether a bot runs on the journal, and if not, since when and what it left resting. */
export interface BotView {
  /** True when a live process holds the journal (or one on another host, which cannot be checked). */
  readonly running: boolean;
  /** A one-line account of it. */
  readonly summary: string;
  /** Epoch ms since which no bot runs (the journal's last activity); null while one runs. */
  readonly notRunningSince: number | null;
  /** With no bot running: the markets whose orders the journal last saw resting on the exchange. */
  readonly leftResting: readonly { readonly market: string; readonly orders: number }[];
}

const iso = (ms: number | null): string => (ms === null ? 'never' : new Date(ms).toISOString());

/** Returns the bot's view of `report` (the lock's meaning comes from `lockState`, as in doctor). */
export function botView(report: JournalReport): BotView {
  const lock = report.lock;
  if (lock.kind === 'running') {
    const h = lock.holder;
    return { running: true, summary: `running: pid ${h.pid} on ${h.host}, since ${iso(h.startedAt)}`, notRunningSince: null, leftResting: [] };
  }
  if (lock.kind === 'elsewhere') {
    const h = lock.holder;
    return {
      running: true,
      summary: `held by pid ${h.pid} on another host (${h.host}) since ${iso(h.startedAt)}: it cannot be checked from here`,
      notRunningSince: null,
      leftResting: [],
    };
  }
  const since = report.lastActivityAt;
  const leftResting = report.markets.filter((m) => m.restingOrders > 0).map((m) => ({ market: m.market, orders: m.restingOrders }));
  const how =
    lock.kind === 'stale'
      ? `pid ${lock.holder.pid}, started ${iso(lock.holder.startedAt)}, ended without releasing the journal (killed or crashed; its lock is stale and the next run takes it over)`
      : 'the last run stopped and released the journal';
  return { running: false, summary: `not running since ${iso(since)} (${how})`, notRunningSince: since, leftResting };
}

/** Returns the state column: with no bot running, a market never shows a live state. */
function stateCell(state: string | null, running: boolean): string {
  const path = lifecycleOf(state);
  const top = path.split('.')[0] ?? '';
  if (running || top === 'stopped' || top === 'failed') return path;
  // No state recorded (a bot killed within the reporting window of its start): still not running.
  return path === '-' ? 'not running' : `not running (last: ${path})`;
}

/** The journal's exchange line: its identity, held against markets.yaml's exchange when one was read. */
export function exchangeLine(report: Pick<JournalReport, 'identity'>, verdict: IdentityVerdict | null): string {
  if (verdict !== null) return `exchange: ${verdict.kind === 'mismatch' ? 'MISMATCH: ' : ''}${verdict.text}`;
  if (report.identity === null) return 'exchange: none recorded yet (the next run claims the journal for its exchange)';
  return `exchange: ${identityText(report.identity)} (pass --config to compare with markets.yaml)`;
}

function table(report: JournalReport, bot: BotView, verdict: IdentityVerdict | null): string {
  const head = ['market', 'state', 'resting', 'fills run', 'fills all', 'pnl run', 'pnl all', 'fees run', 'inventory run', 'stop reason'];
  const rows = report.markets.map((m) => [
    m.market,
    stateCell(m.state, bot.running),
    String(m.restingOrders),
    String(m.lastRun.fills),
    String(m.allTime.fills),
    moneyWithAsset(m.lastRun.realisedQuote, m.quoteAsset),
    moneyWithAsset(m.allTime.realisedQuote, m.quoteAsset),
    moneyWithAsset(m.lastRun.feesQuote, m.quoteAsset),
    m.lastRun.inventoryBase,
    m.stopReason ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const runs = `${report.runs} run${report.runs === 1 ? '' : 's'}${report.lastRunId === null ? '' : `, the last (#${report.lastRunId}) started ${iso(report.lastRunAt)}`}`;
  const left: string[] =
    bot.leftResting.length === 0
      ? []
      : [`left with orders resting: ${bot.leftResting.map((r) => `${r.market} (${r.orders} order${r.orders === 1 ? '' : 's'})`).join(', ')}`];
  const waiting = report.markets.filter((m) => m.waitingForPrice > 0);
  if (waiting.length > 0)
    left.push(
      `waiting for price (placed again once the price lets them rest as maker): ${waiting
        .map((m) => `${m.market} (${m.waitingForPrice} level${m.waitingForPrice === 1 ? '' : 's'})`)
        .join(', ')}`,
    );
  const legend = 'fills: executions (deals); pnl: realised, net of fees, in the quote asset; run: the last run, all: every run of the journal';
  return [`${report.path}: ${runs}`, `bot: ${bot.summary}`, exchangeLine(report, verdict), ...left, legend, line(head), ...rows.map(line)].join('\n');
}

export async function statusCommand(args: readonly string[]): Promise<number> {
  let values: { journal?: string | undefined; config?: string | undefined; json?: boolean | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { journal: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    process.stderr.write(`gridbot status: ${e instanceof Error ? e.message : String(e)}\n${STATUS_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(STATUS_USAGE);
    return 0;
  }
  let path = values.journal;
  // Read when it names the journal, or is named: its exchange is what the journal is held against.
  let config: RuntimeConfig | null = null;
  if (path === undefined || values.config !== undefined) {
    try {
      config = await loadConfig(values.config ?? 'markets.yaml');
      path ??= config.journal?.path;
    } catch (e) {
      if (!isConfigError(e)) throw e;
      process.stderr.write(`gridbot status: ${values.config ?? 'markets.yaml'} is not valid (gridbot validate shows why); pass --journal FILE\n`);
      return 2;
    }
    if (path === undefined) {
      process.stderr.write('gridbot status: markets.yaml names no journal; pass --journal FILE\n');
      return 2;
    }
  }
  if (!existsSync(path)) {
    process.stderr.write(`gridbot status: no journal at ${path} (it is created by the first gridbot run)\n`);
    return 2;
  }
  let report: JournalReport;
  try {
    report = readJournalReport(path);
  } catch (e) {
    process.stderr.write(`gridbot status: ${path} is not a readable gridbot journal: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const bot = botView(report);
  const verdict = config === null ? null : identityVerdict(report.identity, configuredIdentity(config));
  process.stdout.write(values.json ? `${JSON.stringify({ ...report, bot, identityVerdict: verdict })}\n` : `${table(report, bot, verdict)}\n`);
  return 0;
}
