/**
 * The `gridbot` command line: parses argv and dispatches to one command. No trading logic lives here.
 * Exit codes: 0 ok, 1 runtime failure, 2 bad input or config; `run`: 130 / 143 after a second SIGINT / SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { backtestCommand } from './runtime/commands/backtest.js';
import { chartCommand } from './runtime/commands/chart.js';
import { doctorCommand } from './runtime/commands/doctor.js';
import { historyCommand } from './runtime/commands/history.js';
import { planCommand } from './runtime/commands/plan.js';
import { reloadCommand } from './runtime/commands/reload.js';
import { replayCommand } from './runtime/commands/replay.js';
import { runCommand } from './runtime/commands/run.js';
import { statusCommand } from './runtime/commands/status.js';
import { validateCommand } from './runtime/commands/validate.js';
import { simCommand } from './sim/cli.js';
import { withSweep } from './sweep/dispatch.js';

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; run: Command }> = {
  run: {
    summary: 'run the grids from markets.yaml (embedded simulator by default; --metrics PORT: /metrics and /health)',
    run: (args) => runCommand(args),
  },
  validate: {
    summary: 'check markets.yaml and list every problem (gridbot validate [FILE] [--json])',
    run: (args) => validateCommand(args),
  },
  plan: {
    summary: 'print the exact ladder each grid would place, its locked budget and fee check; sends nothing (gridbot plan [--json])',
    run: (args) => planCommand(args),
  },
  doctor: {
    summary: 'check clock, keys, balances, journal lock, markets.yaml and Node before a run (gridbot doctor [--live] [--json])',
    run: (args) => doctorCommand(args),
  },
  reload: {
    summary: 'apply an edited markets.yaml to the running bot: added grids start, removed stop, changed restart (gridbot reload [--config FILE])',
    run: (args) => reloadCommand(args),
  },
  status: {
    summary: 'per-market PnL and counts from the journal, bot running or not (gridbot status [--journal FILE] [--json])',
    run: (args) => statusCommand(args),
  },
  backtest: {
    summary: 'run the grids over historical klines or trades, in process on the simulator engine (gridbot backtest --data FILE [--json] [--report FILE.html])',
    // A run with --sweep goes to the parameter sweep (src/sweep).
    run: withSweep((args) => backtestCommand(args)),
  },
  chart: {
    summary: 'print a state chart: gridbot chart <market|connection|supervisor> [--format mermaid|dot|json]',
    run: (args) => chartCommand(args),
  },
  replay: {
    summary: 'serve the inspector page over a recording: gridbot replay FILE.jsonl [--port N]',
    run: (args) => replayCommand(args),
  },
  history: {
    summary: 'download candles from the exchange to a file for backtests, resumable (gridbot history MARKET --days N --out FILE)',
    run: (args) => historyCommand(args),
  },
  sim: {
    summary: 'run the embedded WhiteBIT-compatible exchange in the foreground; --paper: on live WhiteBIT prices (gridbot sim --help)',
    run: (args) => simCommand(args),
  },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** One example per command, shown by `gridbot --help`. */
const EXAMPLES = [
  'gridbot run --duration 60',
  'gridbot validate markets.yaml --json',
  'gridbot plan --config markets.yaml',
  'gridbot doctor --live',
  'gridbot reload --config markets.yaml',
  'gridbot status --journal var/gridbot.journal',
  'gridbot backtest --data examples/backtest/DBTC_DUSDT-1m.jsonl --market DBTC_DUSDT',
  'gridbot chart market --format dot',
  'gridbot replay session.jsonl --port 8788',
  'gridbot history BTC_USDT --days 30 --out btc-30d.jsonl',
  'gridbot sim --port 8080',
];

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'usage: gridbot <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'examples:',
    ...EXAMPLES.map((e) => `  ${e}`),
    '',
    "`gridbot <command> --help` shows a command's options. --json (validate, plan, doctor, status, backtest): one JSON document on stdout, logs on stderr.",
    'exit codes: 0 ok, 1 runtime failure, 2 bad input or config (doctor: 0 all ok, 1 a warning, 2 a failure);',
    '  run: 130 (143 for SIGTERM) a second Ctrl-C exited at once without stopping the markets: their orders rest until each kill-switch fires.',
    '  npm start and npx gridbot exit 130 on any Ctrl-C: npm is interrupted with gridbot (gridbot run itself exits 0 after a clean stop).',
    '',
  ].join('\n');
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`gridbot: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}
