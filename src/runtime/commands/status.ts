/**
 * `gridbot status [--journal FILE | --config FILE] [--json]`: per-market PnL and counts read from the
 * journal, with or without the bot running (read-only; no exchange is contacted).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isConfigError, loadConfig } from '../config/index.js';
import { type JournalReport, readJournalReport } from '../journal/index.js';

export const STATUS_USAGE = `usage: gridbot status [--journal FILE | --config FILE] [--json]

  --journal FILE   the journal to read (default: the one markets.yaml names)
  --config FILE    the markets.yaml whose journal to read (default: markets.yaml)
  --json           one JSON document on stdout

example: gridbot status --journal var/gridbot.journal
`;

/** `lifecycle.running.trading | killSwitch.armed.waiting` → `running.trading`. */
function lifecycleOf(state: string | null): string {
  if (state === null) return '-';
  const part = state.split(' | ').find((p) => p.startsWith('lifecycle.')) ?? state;
  return part.replace(/^lifecycle\./, '');
}

function table(report: JournalReport): string {
  const head = ['market', 'state', 'live', 'fills', 'realised pnl', 'fees', 'inventory'];
  const rows = report.markets.map((m) => [
    m.market,
    lifecycleOf(m.state),
    String(m.liveOrders),
    String(m.fills),
    m.realisedPnl ?? '0',
    m.fees ?? '0',
    m.inventory ?? '0',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const holder = report.heldBy ? `held by pid ${report.heldBy.pid} on ${report.heldBy.host} (a bot is running)` : 'no bot running';
  return [`${report.path}: ${report.runs} run${report.runs === 1 ? '' : 's'}, ${holder}`, line(head), ...rows.map(line)].join('\n');
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
  if (path === undefined) {
    try {
      const config = await loadConfig(values.config ?? 'markets.yaml');
      path = config.journal?.path;
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
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${table(report)}\n`);
  return 0;
}
