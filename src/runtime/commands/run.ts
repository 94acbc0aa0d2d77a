/**
 * `gridbot run [--config FILE] [--exchange-url URL] [--duration S] [--live] [--metrics [HOST:]PORT]`: runs every grid of
 * markets.yaml until SIGINT/SIGTERM (or --duration), then stops them in order and exits 0. A second
 * signal exits at once.
 *
 * Output: on a terminal, the status pane (status-pane.ts, drawn in place by log-update) with the log
 * in a file it names (--log-file; --log-stdout prints the pretty log on stderr and the old table
 * instead); elsewhere JSON log lines on stdout and one summary line every 10 s. The final table and
 * the summary line are printed last, after the log is flushed. Exit codes: 0 ok, 1 runtime failure, 2 bad config or arguments or a start refused
 * before anything was sent, 130 / 143 a second SIGINT / SIGTERM (128 + the signal, as a shell reports it).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogUpdate } from 'log-update';
import type { Logger } from 'pino';
import { type ConfigIssue, type RuntimeConfig, isConfigError, loadConfig, formatIssue } from '../config/index.js';
import { Journal, JournalCorruptError, JournalError, openJournal } from '../journal/index.js';
import { journalIssue, journalPathIssue } from '../start/journal-issue.js';
import { asyncDestination, createLogger, fixedShapeLogger, lineGatherer } from '../logger.js';
import { type Inspector, startInspector } from '../inspector/index.js';
import { deferredSink } from '../deferred-log.js';
import { marketLogObserver } from '../market-log.js';
import { restartSummaryObserver } from '../report/restart-summary.js';
import { type MetricsServer, type RuntimeMetrics, createRuntimeMetrics, opsRoute, startMetricsServer } from '../metrics/index.js';
import { RuntimeStartError, type Runtime, startRuntime } from '../runtime.js';
import { ordersLeftText } from '../report/orders-left.js';
import { summaryLine, statusTable } from '../status/market-status.js';
import { NotableEvents, teeSink } from '../status/notable-events.js';
import { fit, marketTable, paneLines } from '../status/status-pane.js';
import { listenErrorText } from '../../sim/index.js';
import { exchangeLabel, paperNote } from '../exchange-label.js';
import { notifierOf } from '../notify/index.js';
import { runReloads } from '../reload/run-reloads.js';
import { problemsIn } from './problem-count.js';

export const RUN_USAGE = `usage: gridbot run [--config FILE] [--exchange-url URL] [--duration S] [--live] [--inspect PORT] [--metrics [HOST:]PORT] [--record FILE.jsonl]
                  [--log-file FILE] [--log-stdout] [--watch]

  --config FILE        markets.yaml to run (default: markets.yaml)
  --exchange-url URL   an external exchange, e.g. a \`gridbot sim\` at http://127.0.0.1:8080
                       (default: the embedded simulator for exchange: sim, the paper exchange on live
                       WhiteBIT prices for exchange: paper)
  --duration S         stop after S seconds, as on SIGINT (demos and tests)
  --live               required with exchange: whitebit (keys from WHITEBIT_API_KEY / WHITEBIT_API_SECRET)
  --inspect PORT       serve the inspector page on 127.0.0.1:PORT (0: any free port; default: markets.yaml inspector),
                       with GET /metrics and GET /health beside it
  --metrics [HOST:]PORT  serve only GET /metrics (Prometheus) and GET /health, on 127.0.0.1 unless HOST is given
  --record FILE.jsonl  record every inspection event for \`gridbot replay FILE.jsonl\`
  --log-file FILE      on a terminal, where the log goes while the status pane is drawn
                       (default: var/gridbot.log beside markets.yaml; JSON lines)
  --log-stdout         on a terminal, print the log instead of drawing the status pane
  --watch              reload markets.yaml whenever it is saved (off by default; SIGHUP or
                       \`gridbot reload\` reload it always): added grids start, removed ones stop per
                       their onStop, changed ones restart, untouched ones are left alone; a file
                       with any problem is refused whole and the running grids are untouched

exit codes: 0 stopped in order, 1 a market failed, or its cancel-all on stop never went through (the orders that
            may rest are named on stderr; its kill-switch is left armed and cancels them when it fires),
            2 refused at start (bad config, a grid the exchange's rules refuse,
            a journal that is not this exchange's; nothing was sent), 130 (143 for SIGTERM) a second Ctrl-C exited at once
            without stopping the markets (their orders rest until each kill-switch fires)

example: gridbot run --duration 60
`;

interface RunArgs {
  readonly config: string;
  readonly exchangeUrl: string | null;
  readonly durationSec: number | null;
  readonly live: boolean;
  readonly inspectPort: number | null;
  readonly metrics: { readonly host: string; readonly port: number } | null;
  readonly record: string | null;
  readonly logFile: string | null;
  readonly logStdout: boolean;
  readonly watch: boolean;
}

/** `PORT` or `HOST:PORT` (`[::1]:PORT` for IPv6) → where to listen; a string is the problem. */
export function metricsAddress(text: string): { host: string; port: number } | string {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port > 65_535) return `--metrics must be PORT or HOST:PORT, got ${text}`;
  const host = m[1] ?? '127.0.0.1';
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}

function parse(args: readonly string[]): RunArgs | string {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string' },
        'exchange-url': { type: 'string' },
        duration: { type: 'string' },
        live: { type: 'boolean' },
        inspect: { type: 'string' },
        metrics: { type: 'string' },
        record: { type: 'string' },
        'log-file': { type: 'string' },
        'log-stdout': { type: 'boolean' },
        watch: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    if (values.help) return 'help';
    if (positionals.length > 0) return `unexpected argument ${positionals[0]}`;
    let durationSec: number | null = null;
    if (values.duration !== undefined) {
      durationSec = Number(values.duration);
      if (!Number.isFinite(durationSec) || durationSec <= 0) return `--duration must be a positive number of seconds, got ${values.duration}`;
    }
    let inspectPort: number | null = null;
    if (values.inspect !== undefined) {
      inspectPort = Number(values.inspect);
      if (!Number.isInteger(inspectPort) || inspectPort < 0 || inspectPort > 65_535) return `--inspect must be a port number, got ${values.inspect}`;
    }
    let metrics: { host: string; port: number } | null = null;
    if (values.metrics !== undefined) {
      const m = metricsAddress(values.metrics);
      if (typeof m === 'string') return m;
      metrics = m;
    }
    return {
      config: values.config ?? 'markets.yaml',
      exchangeUrl: values['exchange-url'] ?? null,
      durationSec,
      live: values.live ?? false,
      inspectPort,
      metrics,
      record: values.record ?? null,
      logFile: values['log-file'] ?? null,
      logStdout: values['log-stdout'] ?? false,
      watch: values.watch ?? false,
    };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** `http://host:port` → its REST origin and the `/ws` endpoint on the same port (the simulator's layout). */
export function exchangeUrls(url: string): { restUrl: string; wsUrl: string } | string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `--exchange-url must be a URL like http://127.0.0.1:8080, got ${url}`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `--exchange-url must be http(s), got ${u.protocol}`;
  const ws = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return { restUrl: u.origin, wsUrl: `${ws}//${u.host}/ws` };
}

/**
 * Opens the journal of `run`, making its directory when missing, or returns why it cannot be used:
 * a path that holds no journal of ours (refused untouched), or one another bot holds (a second bot
 * on one journal would mean two bots on one account and market).
 */
function openRunJournal(config: RuntimeConfig, path: string): Journal | ConfigIssue {
  const { found, issue } = journalPathIssue(config, path);
  if (issue !== null) return issue;
  try {
    if (found.kind === 'missing' && found.createsDir !== null) mkdirSync(found.createsDir, { recursive: true });
    return openJournal({ path, checkpointIn: 'worker', tail: true });
  } catch (e) {
    if (e instanceof JournalError) return journalIssue(config, e.message);
    if (e instanceof Error && 'code' in e) return journalIssue(config, `${path} cannot be created (${String((e as NodeJS.ErrnoException).code)})`);
    throw e;
  }
}

const STATUS_REFRESH_MS = 1_000;
const SUMMARY_EVERY_MS = 10_000;

export async function runCommand(args: readonly string[]): Promise<number> {
  const parsed = parse(args);
  if (parsed === 'help') {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`gridbot run: ${parsed}\n${RUN_USAGE}`);
    return 2;
  }
  let config;
  try {
    config = await loadConfig(parsed.config);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    for (const issue of e.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    process.stderr.write(`gridbot run: ${problemsIn(e.issues.length, parsed.config)}; nothing was sent\n`);
    return 2;
  }
  const urls = parsed.exchangeUrl === null ? null : exchangeUrls(parsed.exchangeUrl);
  if (typeof urls === 'string') {
    process.stderr.write(`gridbot run: ${urls}\n`);
    return 2;
  }
  const tty = process.stdout.isTTY === true;
  // On a terminal the status pane owns the screen and the log goes to a file (--log-stdout: the log on screen, no pane).
  const pane = tty && !parsed.logStdout;
  const logFile = pane ? resolve(parsed.logFile ?? join(dirname(parsed.config), 'var', 'gridbot.log')) : null;
  if (logFile !== null) {
    try {
      mkdirSync(dirname(logFile), { recursive: true });
      appendFileSync(logFile, '');
    } catch (e) {
      process.stderr.write(`gridbot run: --log-file ${logFile} cannot be written (${String((e as NodeJS.ErrnoException).code ?? e)}); nothing was sent\n`);
      return 2;
    }
  }
  const logger: Logger =
    logFile !== null
      ? createLogger({ level: config.logLevel, destination: asyncDestination(logFile) })
      : createLogger({ level: config.logLevel, ...(tty ? { fd: 2 as const } : {}) });

  // markets.yaml `notify:` (runtime/notify): a secret missing from the environment refuses the start.
  const notifier = notifierOf(config, process.env, logger);
  if (notifier !== null && !('observe' in notifier)) {
    for (const issue of notifier) process.stderr.write(`${formatIssue(issue)}\n`);
    process.stderr.write('gridbot run: notify: a secret is missing from the environment; nothing was sent\n');
    return 2;
  }
  let journal: Journal | undefined;
  if (config.journal) {
    const opened = openRunJournal(config, config.journal.path);
    if (!(opened instanceof Journal)) {
      process.stderr.write(`${formatIssue(opened)}\ngridbot run: the journal cannot be used; nothing was sent\n`);
      return 2;
    }
    journal = opened;
  }
  // The inspector page (--inspect, or markets.yaml `inspector:`) and/or a recording (--record).
  const inspectPort = parsed.inspectPort ?? config.inspector?.port ?? null;
  // Metrics and health ride on any HTTP server we open: the inspector's page, or --metrics alone.
  const metrics: RuntimeMetrics | null =
    inspectPort !== null || parsed.metrics !== null
      ? createRuntimeMetrics({ missingLevelsAfterMs: config.health.missingLevelsAfterSec * 1000, exchange: config.exchange })
      : null;
  let inspector: Inspector | null = null;
  if (inspectPort !== null || parsed.record !== null) {
    try {
      inspector = await startInspector({
        host: config.inspector?.host ?? '127.0.0.1',
        port: inspectPort,
        record: parsed.record,
        ...(metrics ? { route: opsRoute(metrics) } : {}),
        ...(paperNote(config) === null ? {} : { headerNote: paperNote(config) ?? '' }),
      });
    } catch (e) {
      journal?.close();
      const why = listenErrorText(e, '--inspect PORT (or inspector.port in markets.yaml; 0: any free port)') ?? (e instanceof Error ? e.message : String(e));
      process.stderr.write(`gridbot run: inspector: ${why}; nothing was sent\n`);
      return 2;
    }
  }
  let metricsServer: MetricsServer | null = null;
  if (metrics && parsed.metrics) {
    try {
      metricsServer = await startMetricsServer({ ...parsed.metrics, route: opsRoute(metrics) });
    } catch (e) {
      await inspector?.close();
      journal?.close();
      const why = listenErrorText(e, '--metrics [HOST:]PORT') ?? (e instanceof Error ? e.message : String(e));
      process.stderr.write(`gridbot run: metrics: ${why}; nothing was sent\n`);
      return 2;
    }
  }

  // Fill and counter-order lines are written after the counter-order has left (deferred-log.ts),
  // a turn's lines in one write to the log file. The pane's recent events see what the log says
  // (notable-events.ts), deferred with it.
  const notable = new NotableEvents();
  const marketLog = deferredSink(pane ? teeSink(fixedShapeLogger(logger), notable) : fixedShapeLogger(logger), undefined, lineGatherer(logger));
  // Restart lines (one per market, after its start-up reconcile): logged now, printed on the terminal by `draw`.
  const notices: string[] = [];
  const reconciles = restartSummaryObserver((summary, line, announce) => {
    logger.info({ ...summary }, line);
    if (announce) notices.push(line);
  });
  let runtime: Runtime;
  try {
    runtime = await startRuntime({
      ...(journal ? { journal } : {}),
      config,
      ...(urls ? { exchangeUrl: urls } : {}),
      live: parsed.live,
      logger,
      observers: [
        marketLogObserver(marketLog),
        reconciles,
        ...(metrics ? [metrics.observe] : []),
        ...(inspector ? [inspector.observe] : []),
        ...(notifier ? [notifier.observe] : []),
      ],
      ...(metrics ? { restObserver: metrics.restObserver } : {}),
    });
  } catch (e) {
    await metricsServer?.close();
    await inspector?.close();
    journal?.close();
    if (e instanceof JournalError) {
      // A journal whose records cannot be decoded is kept for inspection; the run can start without it.
      const hint = e instanceof JournalCorruptError ? ' (move the file aside to start without it)' : '';
      process.stderr.write(`${formatIssue(journalIssue(config, e.message + hint))}\ngridbot run: the journal cannot be used; nothing was sent\n`);
      return 2;
    }
    if (e instanceof RuntimeStartError) {
      for (const issue of e.issues) process.stderr.write(`${formatIssue(issue)}\n`);
      process.stderr.write(`gridbot run: ${e.message}; nothing was sent\n`);
      return 2;
    }
    throw e;
  }
  logger.info(
    { restUrl: runtime.restUrl, wsUrl: runtime.wsUrl, exchange: config.exchange, markets: config.markets.map((m) => m.market) },
    `gridbot running (${exchangeLabel(config)})`,
  );
  if (!tty) process.stdout.write(`gridbot: ${config.markets.length} grids on ${runtime.restUrl} (${exchangeLabel(config)})\n`);
  if (inspector?.url) {
    logger.info({ url: inspector.url }, `inspector: ${inspector.url}`);
    if (!tty) process.stdout.write(`gridbot: inspector on ${inspector.url}\n`);
  }
  if (parsed.record !== null) logger.info({ file: parsed.record }, `recording to ${parsed.record}`);
  metrics?.attach(runtime);
  notifier?.attach(runtime);
  if (metricsServer) {
    logger.info({ url: `${metricsServer.url}metrics` }, `metrics: ${metricsServer.url}metrics, health: ${metricsServer.url}health`);
    if (!tty) process.stdout.write(`gridbot: metrics on ${metricsServer.url}metrics\n`);
  }

  // Progress of the initial placement: one line per market as it reaches running or stops.
  const announced = new Set<string>();
  let drawn = 0;
  const render = pane ? createLogUpdate(process.stdout) : null;
  const paper = paperNote(config);
  const footer = [
    ...(paper !== null ? [paper] : []),
    ...(logFile !== null ? [`log: ${logFile}`] : []),
    ...(inspector?.url ? [`inspector: ${inspector.url}`] : []),
    'Ctrl-C stops every grid in order',
  ];
  const draw = () => {
    const rows = runtime.statuses();
    for (const r of rows) {
      const top = r.state.split('.')[0] ?? '';
      if (!announced.has(r.market) && ['running', 'killed', 'stopped', 'failed'].includes(top)) {
        announced.add(r.market);
        logger.info({ market: r.market, state: r.state, liveOrders: r.liveOrders, reason: r.reason }, `${r.market} ${top}`);
      }
    }
    if (render !== null) {
      for (const n of notices.splice(0)) notable.note(n);
      const input = { rows, connection: runtime.connectionState(), events: notable.recent(), footer, exchange: config.exchange };
      render(paneLines(input, { columns: process.stdout.columns ?? 80, rows: process.stdout.rows ?? 24 }).join('\n'));
      return;
    }
    if (notices.length > 0) {
      // Above the table: clear it, print the lines, and let the table be drawn afresh below them.
      process.stdout.write(`${tty && drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : ''}${notices.splice(0).join('\n')}\n`);
      drawn = 0;
    }
    if (tty) {
      const note = paperNote(config);
      const lines = [...(note === null ? [] : [note]), ...statusTable(rows, runtime.connectionState())];
      // Redraw in place: up over the last table, clear to the end of the screen.
      process.stdout.write(`${drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : ''}${lines.join('\n')}\n`);
      drawn = lines.length;
    }
  };
  const timers: NodeJS.Timeout[] = [setInterval(draw, STATUS_REFRESH_MS)];
  // A resize redraws at once, at the new size.
  const onResize = () => draw();
  if (render !== null) {
    process.stdout.on('resize', onResize);
    draw();
  }
  if (!tty) timers.push(setInterval(() => logger.info(summaryLine(runtime.statuses(), runtime.connectionState())), SUMMARY_EVERY_MS));

  let signals = 0;
  const stop = (reason: string) => {
    logger.info({ reason }, 'stopping: markets to killed, then the connection');
    return runtime.stop(reason);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      // 128 + the signal's number, as a shell reports a process the signal ended: 130 for SIGINT, 143 for SIGTERM.
      const code = 128 + (osConstants.signals[signal] ?? osConstants.signals.SIGINT);
      process.stderr.write(`gridbot: second ${signal}, exiting now with ${code} (orders rest under their kill-switch)\n`);
      process.exit(code);
    }
    void stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Live reconfiguration (reload/): SIGHUP, `gridbot reload`, and with --watch a save of the file.
  const reloads = runReloads(
    runtime,
    { file: parsed.config, watch: parsed.watch },
    { info: (o, m) => logger.info(o, m), error: (o, m) => logger.error(o, m), note: (l) => notable.note(l) },
  );
  if (parsed.durationSec !== null) timers.push(setTimeout(() => void stop(`--duration ${parsed.durationSec}s`), parsed.durationSec * 1000));

  await runtime.done;
  await runtime.stop('done');
  reloads.close();
  await notifier?.close();
  await inspector?.close();
  await metricsServer?.close();
  for (const t of timers) clearInterval(t);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.stdout.off('resize', onResize);
  journal?.close();
  // The log's buffered lines first, so the summary below is the last thing printed.
  marketLog.flush();
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  const rows = runtime.statuses();
  if (render !== null) {
    // The pane gives way to the final table: at the terminal's width, with every market.
    render.clear();
    render.done();
    const width = Math.max(20, (process.stdout.columns ?? 80) - 1);
    const final = [...marketTable(rows), ...notable.recent().map((e) => `  ${e}`), ...(logFile !== null ? [`log: ${logFile}`] : [])];
    process.stdout.write(`${final.map((l) => fit(l, width)).join('\n')}\n`);
  } else {
    draw();
  }
  if (!tty) process.stdout.write(`${statusTable(rows, runtime.connectionState()).join('\n')}\n`);
  process.stdout.write(`gridbot: stopped. ${summaryLine(rows, runtime.connectionState())}\n`);
  // Orders of ours may rest after the exit: never a quiet exit 0.
  const left = runtime.ordersLeft();
  for (const l of left) {
    const line = ordersLeftText(l, Date.now());
    logger.error({ market: l.market, clientOrderIds: l.clientOrderIds }, line);
    process.stderr.write(`gridbot: WARNING ${line}\n`);
  }
  marketLog.flush();
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  return rows.some((r) => r.state === 'failed') || left.length > 0 ? 1 : 0;
}
