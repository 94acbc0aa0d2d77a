/**
 * `gridbot backtest`: runs the config's grids over historical prices with the market machine `run`
 * uses, on the simulator's matching engine in process (src/backtest), and prints the report.
 *
 * Exit codes: 0 the report was printed; 2 bad arguments, config, data file, market or time window
 * (one line naming the file:line:col and field where it applies; nothing is run).
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { BacktestInputError, type BacktestReport, runBacktest } from '../../backtest/api.js';
import { isPriceDataError, loadPriceSeries } from '../../backtest/data/index.js';
import { reportHtml } from '../../backtest/report/html.js';
import { reportText } from '../../backtest/report/text.js';
import { formatIssue, isConfigError, loadConfig, type RuntimeConfig } from '../config/index.js';
import { JournalError } from '../journal/index.js';
import { SHARED_BACKTEST_OPTIONS, type SharedBacktestArgs, sharedBacktestArgs } from './backtest-args.js';
import { problemsIn } from './problem-count.js';

export const BACKTEST_USAGE = `usage: gridbot backtest [--config FILE] --data FILE [--from T] [--to T] [--market M] [--journal FILE] [--json] [--report FILE.html]

Runs a grid of the config over historical prices: --market M's, else the market the data names
(a trades file's market column, or a file name like DBTC_DUSDT-1m.jsonl), else every grid (with a
warning: a kline file is one market's prices). The market machine
\`run\` uses, against the simulator's matching engine in process, on a simulated clock. Each candle
is walked open -> the extreme nearer the open -> the other extreme -> close; a resting order fills
only when the price trades THROUGH it (a touch does not fill); the market's maker fee is charged;
risk limits stop a grid as they would live. Nothing is sent anywhere.

  --config FILE    markets.yaml (default: markets.yaml); balances from its sim block
  --data FILE      WhiteBIT 1-minute klines (JSONL rows [time,open,close,high,low,volume,quote]
                   as \`gridbot history\` writes them, or the v1 kline JSON answer), or a trades file
                   (CSV with a header naming time and price, or JSONL {"time":…,"price":"…"})
  --from T, --to T only data in [from, to): Unix seconds, ms or an ISO date (2026-01-31T12:00Z)
  --market M       only this market's grid
  --journal FILE   keep the journal (as run writes it): gridbot status --journal FILE reads it;
                   a run refuses it (its identity is the backtest's)
  --json           the report as one JSON document on stdout
  --report FILE    also write a self-contained HTML page (equity curve, price with fills)

exit codes: 0 report printed, 2 bad arguments, config, data, market or window

example: gridbot backtest --config markets.yaml --data examples/backtest/DBTC_DUSDT-1m.jsonl --market DBTC_DUSDT
`;

interface BacktestArgs extends SharedBacktestArgs {
  readonly journal: string | undefined;
}

/** Returns the parsed arguments, 'help', or the problem as one line. */
export function parseBacktestArgs(args: readonly string[]): BacktestArgs | 'help' | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { ...SHARED_BACKTEST_OPTIONS, journal: { type: 'string' } },
      allowPositionals: false,
    }));
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  if (values.help) return 'help';
  const shared = sharedBacktestArgs(values);
  return typeof shared === 'string' ? shared : { ...shared, journal: values.journal };
}

/** Runs the command; resolves to the exit code. */
export async function backtestCommand(args: readonly string[]): Promise<number> {
  const parsed = parseBacktestArgs(args);
  if (parsed === 'help') {
    process.stdout.write(BACKTEST_USAGE);
    return 0;
  }
  const fail = (line: string): number => {
    process.stderr.write(`gridbot backtest: ${line}\n`);
    return 2;
  };
  if (typeof parsed === 'string') return fail(`${parsed}\n${BACKTEST_USAGE}`);
  let config: RuntimeConfig;
  try {
    config = await loadConfig(parsed.config);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    for (const issue of e.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    return fail(`${problemsIn(e.issues.length, parsed.config)} (gridbot validate lists them)`);
  }
  let report: BacktestReport;
  try {
    const series = await loadPriceSeries(parsed.data);
    const market = parsed.market ?? series.market ?? marketFromFileName(parsed.data, config);
    if (market === null && config.markets.length > 1) {
      process.stderr.write(`gridbot backtest: ${parsed.data} names no market: every grid runs over the same prices (--market M picks one)\n`);
    } else if (parsed.market === undefined && series.market === null && market !== null) {
      process.stderr.write(`gridbot backtest: ${market}'s grid only, the market named in the file name (--market M picks another)\n`);
    }
    report = await runBacktest({
      config,
      series,
      ...(market !== null ? { market } : {}),
      ...(parsed.fromMs !== undefined ? { fromMs: parsed.fromMs } : {}),
      ...(parsed.toMs !== undefined ? { toMs: parsed.toMs } : {}),
      ...(parsed.journal !== undefined ? { journal: parsed.journal } : {}),
    });
  } catch (e) {
    if (isPriceDataError(e) || e instanceof BacktestInputError) return fail(e.message);
    if (e instanceof JournalError) return fail(`--journal ${parsed.journal ?? ''}: ${e.message}`);
    throw e;
  }
  if (parsed.report !== undefined) {
    try {
      await writeFile(parsed.report, reportHtml(report));
    } catch (e) {
      return fail(`cannot write ${parsed.report}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (parsed.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${reportText(report)}\n${parsed.report !== undefined ? `\nreport written to ${parsed.report}\n` : ''}`);
  return 0;
}

/**
 * The configured market a data file's name names (`DBTC_DUSDT-1m.jsonl`, as `gridbot history`
 * suggests naming it), or null for none or several. Kline files carry no market, and running every
 * grid over one market's prices is rarely what was meant.
 */
export function marketFromFileName(file: string, config: RuntimeConfig): string | null {
  const name = basename(file).toUpperCase();
  const named = config.markets.map((m) => m.market).filter((m) => new RegExp(`(^|[^A-Z0-9])${m.toUpperCase()}([^A-Z0-9]|$)`).test(name));
  return named.length === 1 ? (named[0] as string) : null;
}
