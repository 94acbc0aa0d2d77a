/**
 * `gridbot plan [--config FILE] [--exchange-url URL] [--live] [--json]`: reads each market's rules
 * and last price from public endpoints and prints, for every grid, the exact ladder `run` would
 * place (price and amount after rounding, notional, failed rules per level), the budget it locks
 * per side, the risk exits and the fee check. Nothing is sent; no key is needed or used.
 *
 * Exit codes: 0 every grid is placeable, 1 the exchange could not be read, 2 a grid is not
 * placeable (or bad config or arguments). With `--json`, stdout carries exactly one JSON document.
 *
 * The ladder comes from `initialOrders` (grid/initial-orders.ts), the function the market actor
 * places with, over rules and prices read by `loadMarket`, the call `run` reads them with.
 */
import { type ConfigIssue, formatIssue, isConfigError, loadConfig, type RuntimeConfig } from '../config/index.js';
import { loadMarket, sharedPublicLists } from '../exchange/index.js';
import { orderEntryText } from '../exchange/order-entry-support.js';
import { MarketIoError } from '../../machines/market/market.io.js';
import { planRefusal, refusedSummary, unknownMarketRefusal } from '../start/grid-refusal.js';
import { type ExchangeSource, openExchangeSource, parseExchangeCommandArgs } from './exchange-source.js';
import { type GridReport, failedGridReport, gridReport, gridText } from './plan-report.js';
import { problemsIn } from './problem-count.js';

export const PLAN_USAGE = `usage: gridbot plan [--config FILE] [--exchange-url URL] [--live] [--json]

Prints, for every grid, the orders \`run\` would place, after rounding to the market's precision,
and whether each passes minAmount / minTotal / maxTotal, the budget and the round-trip fee.
Reads public market data only: nothing is sent, no key is used.

  --config FILE        markets.yaml to plan (default: markets.yaml)
  --exchange-url URL   read an external exchange, e.g. a \`gridbot sim\` at http://127.0.0.1:8080
                       (default: the embedded simulator with markets.yaml's seed, as \`run\` starts it)
  --live               read WhiteBIT's public endpoints (the default for exchange: whitebit)
  --json               one JSON document on stdout

exit codes: 0 every grid is placeable, 1 the exchange could not be read, 2 a grid is not placeable
            or the config or arguments are bad

example: gridbot plan --config markets.yaml --json
`;

export interface PlanDocument {
  /** True when every grid is placeable. */
  readonly ok: boolean;
  readonly file: string;
  readonly source: { readonly kind: ExchangeSource['kind']; readonly url: string; readonly label: string };
  readonly grids: readonly GridReport[];
  /** Each market's order entry (markets.yaml `orderEntry`, defaults applied). */
  readonly orderEntry: RuntimeConfig['orderEntry'];
  /** Each grid `run` would refuse, as `run` says it (`file:line:col grids[i]: …`). */
  readonly refusals: readonly ConfigIssue[];
}

/** Returns the plan of every grid in `config`, read from `source`. Market reads run in parallel. */
export async function planConfig(config: RuntimeConfig, source: ExchangeSource): Promise<GridReport[]> {
  const rest = sharedPublicLists(source.publicRest);
  return Promise.all(
    config.markets.map(async (m) => {
      try {
        return gridReport(m, await loadMarket(rest, m.market));
      } catch (e) {
        const rejected = e instanceof MarketIoError && e.kind === 'rejected';
        return failedGridReport(m, e instanceof Error ? e.message : String(e), rejected ? 'rejected' : 'unavailable');
      }
    }),
  );
}

/** Returns the refusal of each grid that is not placeable, in `run`'s words (start/grid-refusal.ts); none for a market not read. */
export function planRefusals(config: RuntimeConfig, grids: readonly GridReport[]): ConfigIssue[] {
  return grids.flatMap((g, i) => {
    if (g.errorKind === 'rejected') return [unknownMarketRefusal(config, i, g.error ?? undefined)];
    const refusal = g.error === null ? planRefusal(config, i, g.issues) : null;
    return refusal === null ? [] : [refusal];
  });
}

/** Returns the exit code of a plan: 1 when a market could not be read, 2 when a grid is not placeable, else 0. */
export function planExitCode(grids: readonly GridReport[]): number {
  if (grids.some((g) => g.errorKind === 'unavailable')) return 1;
  return grids.every((g) => g.ok) ? 0 : 2;
}

/** Runs the command; resolves to the exit code. */
export async function planCommand(args: readonly string[]): Promise<number> {
  const parsed = parseExchangeCommandArgs(args);
  if (parsed === 'help') {
    process.stdout.write(PLAN_USAGE);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`gridbot plan: ${parsed}\n${PLAN_USAGE}`);
    return 2;
  }
  let config: RuntimeConfig;
  try {
    config = await loadConfig(parsed.config);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    for (const issue of e.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    process.stderr.write(`gridbot plan: ${problemsIn(e.issues.length, parsed.config)} (gridbot validate lists them)\n`);
    if (parsed.json) process.stdout.write(`${JSON.stringify({ ok: false, file: parsed.config, errors: e.issues })}\n`);
    return 2;
  }
  let source: ExchangeSource;
  try {
    source = await openExchangeSource(config, { exchangeUrl: parsed.exchangeUrl, live: parsed.live });
  } catch (e) {
    process.stderr.write(`gridbot plan: cannot open the exchange: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  let grids: GridReport[];
  try {
    grids = await planConfig(config, source);
  } finally {
    await source.close();
  }
  const code = planExitCode(grids);
  const refusals = planRefusals(config, grids);
  if (parsed.json) {
    const doc: PlanDocument = {
      ok: code === 0,
      file: config.file,
      source: { kind: source.kind, url: source.restUrl, label: source.label },
      grids,
      orderEntry: config.orderEntry,
      refusals,
    };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
    return code;
  }
  const lines = [`${config.file}: ${grids.length} grid${grids.length === 1 ? '' : 's'}, market data from ${source.label}; nothing was sent`, ''];
  for (const g of grids) lines.push(...gridText(g), `  ${orderEntryText(config.orderEntry[g.market] ?? 'rest')}`, '');
  const placeable = grids.filter((g) => g.ok).length;
  // What `run` would say before refusing to start, word for word.
  if (refusals.length > 0) lines.push(...refusals.map(formatIssue), `gridbot run would refuse to start: ${refusedSummary(refusals)}`, '');
  lines.push(
    code === 0
      ? `every grid is placeable (${grids.reduce((n, g) => n + g.orders, 0)} orders)`
      : `${placeable} of ${grids.length} grids placeable; ${code === 1 ? 'a market could not be read' : 'fix the errors above'} (exit ${code})`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return code;
}
