/**
 * `npm run bench`: reaction latency and CPU per fill (ours vs a hand-rolled baseline), the burst
 * (every market fills at once), frame routing throughput, memory per market, time to all grids
 * placed, the market actor's CPU per event, the fill history (heap and CPU per fill after 10k →
 * 1M fills) and optionally the soak; issue 13's targets next to what was measured. The simulator
 * runs in another process (bench/server.ts); the bots run here. See bench/README.md.
 *
 * Options: --quick (a couple of minutes), --markets=1,50,500, --rates=100,1000, --seconds=S,
 * --churn=Hz, --order-reply-delay=ms, --burst-markets=500, --burst-reps=1, --history=10000,100000,1000000, --history-seconds=600, --history-warmup=5000,
 * --history-heap-mib=768, --soak (with --soak-minutes=5 …), --skip=latency,burst,routing,floor,actor,journal,history,backtest,sweep,
 * --out=bench/results.json.
 *
 * Invariant: the run always ends with results.json written. A scenario that fails is a row with
 * `status: 'failed: …'`; a section that throws is recorded under `errors`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { f1, fk, kib, median, reasonOf, table } from './common.js';
import { generateFrames } from './frames.js';
import { type BacktestBenchRow, BACKTEST_MINUTES, runBacktestBench } from './backtest.js';
import { type HistoryOptions, type HistoryRow, runHistory } from './history.js';
import { ALL_BOTS, BOTS, type Bot, type LatencyMeasured, type LatencyRow, type SessionRows, type StartupMeasured, runSession } from './latency.js';
import { type MarketCpuResult, measureMarketCpu } from './market-cpu.js';
import { type JournalCpuResult, measureJournalCpu } from './journal-cpu.js';
import { LatencyProbe } from './probe.js';
import { installStageProbe } from './stage-probe.js';
import { installTailProbe } from './tail-probe.js';
import { GRID } from './protocol.js';
import { BenchServer } from './server-client.js';
import { type Contender, CONTENDERS, type ThroughputRun, inMemory, overWs } from './routing.js';
import { type SoakOptions, type SoakResult, runSoak, soakOptions, soakTable } from './soak.js';
import { type SweepBenchRow, runSweepBench, sweepBenchTable } from './sweep.js';
import { type TargetCheck, checkTargets, verdict } from './targets.js';
import { checkOrderEntryTargets, orderEntryRows } from './order-entry.js';
import { type FloorRow, measureTransportFloor } from './transport-floor.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');

// ---------------------------------------------------------------------------------------------
// options

interface Options {
  readonly quick: boolean;
  readonly markets: number[];
  readonly rates: number[];
  /** Rates above this many fills/s per market are skipped: each fill would race its own counter-order. */
  readonly maxPerMarketRate: number;
  readonly seconds: number;
  readonly minSamples: number;
  readonly warmupSeconds: number;
  readonly jitWarmupFills: number;
  readonly churnHz: number;
  /** Cap on book changes/s over all markets (the simulator has one core too). */
  readonly churnTotal: number;
  /** The server holds every answer to a WebSocket order this long (ms; 0: off): a deal can come before its order's answer. */
  readonly orderReplyDelayMs: number;
  /** Markets of the burst (one fill on each at once). */
  readonly burstMarkets: number;
  /** Bursts per session, each a row (one run's burst swings 2-3x on the shared machine). */
  readonly burstReps: number;
  readonly history: HistoryOptions;
  /** Soak options when `--soak` is given. */
  readonly soak: SoakOptions | null;
  readonly routingFrames: number;
  readonly routingReps: number;
  readonly skip: Set<string>;
  readonly bots: Bot[];
  readonly out: string;
}

function parseOptions(argv: readonly string[]): Options {
  const get = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const nums = (s: string | undefined, d: number[]): number[] =>
    s === undefined
      ? d
      : s
          .split(',')
          .map(Number)
          .filter((n) => n > 0);
  const quick = argv.includes('--quick');
  return {
    quick,
    markets: nums(get('markets'), quick ? [1, 50] : [1, 50, 500]),
    rates: nums(get('rates'), [100, 1000]),
    maxPerMarketRate: Number(get('max-per-market') ?? 100),
    seconds: Number(get('seconds') ?? (quick ? 1 : 4)),
    minSamples: Number(get('min-samples') ?? (quick ? 100 : 400)),
    warmupSeconds: Number(get('warmup') ?? (quick ? 0.3 : 1)),
    jitWarmupFills: Number(get('jit-warmup') ?? (quick ? 500 : 2000)),
    churnHz: Number(get('churn') ?? 5),
    churnTotal: Number(get('churn-total') ?? 1000),
    orderReplyDelayMs: Number(get('order-reply-delay') ?? 0),
    burstMarkets: Number(get('burst-markets') ?? (quick ? 50 : 500)),
    burstReps: Math.max(1, Number(get('burst-reps') ?? 1)),
    history: {
      checkpoints: nums(get('history'), quick ? [2_000, 10_000] : [10_000, 100_000, 1_000_000]),
      stretch: Number(get('history-stretch') ?? (quick ? 1_000 : 10_000)),
      warmup: Number(get('history-warmup') ?? (quick ? 1_000 : 5_000)),
      // A million fills take ~350 s on the 2-core VM when idle (~300 µs of CPU a fill): 300 s stopped near 860k.
      seconds: Number(get('history-seconds') ?? (quick ? 60 : 600)),
      heapMiB: Number(get('history-heap-mib') ?? 768),
      ratePerSec: 300,
    },
    soak: argv.includes('--soak') ? soakOptions(argv, 'soak-') : null,
    routingFrames: Number(get('frames') ?? (quick ? 50_000 : 200_000)),
    routingReps: Number(get('reps') ?? (quick ? 1 : 3)),
    skip: new Set((get('skip') ?? '').split(',').filter(Boolean)),
    bots: (get('bots')?.split(',') ?? [...BOTS]).filter((b): b is Bot => (ALL_BOTS as readonly string[]).includes(b)),
    out: get('out') ?? join(repoRoot, 'bench', 'results.json'),
  };
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Depth changes per market per second: `--churn`, capped so all markets together stay under `--churn-total`. */
const churnHz = (o: Options, markets: number): number => Math.min(o.churnHz, o.churnTotal / markets);

function throughputSummary(runs: readonly ThroughputRun[]): Record<Contender, { median: number; best: number; runs: number[] }> {
  const out = {} as Record<Contender, { median: number; best: number; runs: number[] }>;
  for (const c of CONTENDERS) {
    const xs = runs.filter((r) => r.contender === c).map((r) => r.framesPerSec);
    out[c] = { median: median(xs), best: Math.max(...xs), runs: xs.map((x) => Math.round(x)) };
  }
  return out;
}

interface Collected extends SessionRows {
  routing: Record<string, unknown> | null;
  readonly actorCpu: MarketCpuResult[];
  /** The journal's own CPU per fill, in process (bench/journal-cpu.ts). */
  journalCpu: JournalCpuResult | null;
  history: HistoryRow[];
  soak: SoakResult | null;
  floor: FloorRow[];
  backtest: BacktestBenchRow | null;
  /** Issue 18: the 25-point backtest sweep (bench/sweep.ts). */
  sweep: SweepBenchRow[];
  /** Sections that threw (never expected: scenarios record their own failures). */
  readonly errors: { readonly section: string; readonly status: string }[];
}

/** Runs `f`; a throw is recorded under `errors` and the run goes on. */
async function section(c: Collected, name: string, f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (e) {
    const status = `failed: ${reasonOf(e)}`;
    console.warn(`${name}: ${status}`);
    c.errors.push({ section: name, status });
  }
}

// ---------------------------------------------------------------------------------------------
// main

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  const cpu = cpus();
  const machine = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    exposeGc: hasGc,
    versions: { undici: versionOf('undici'), ws: versionOf('ws'), xstate: versionOf('xstate'), rxjs: versionOf('rxjs'), pino: versionOf('pino') },
  };
  console.log(
    `gridbot bench${o.quick ? ' (quick)' : ''}: node ${machine.node}, ${machine.cpuModel} × ${machine.cores}${hasGc ? '' : ' (no --expose-gc: memory numbers are rough)'}`,
  );
  const started = performance.now();
  const server = new BenchServer();
  const probe = new LatencyProbe();
  probe.install();
  installTailProbe();
  installStageProbe();
  const c: Collected = {
    latency: [],
    burst: [],
    startup: [],
    routing: null,
    actorCpu: [],
    journalCpu: null,
    history: [],
    soak: null,
    floor: [],
    backtest: null,
    sweep: [],
    errors: [],
  };
  try {
    await runSections(o, server, probe, c);
  } finally {
    await server.exit().catch(() => undefined);
    const elapsedS = (performance.now() - started) / 1000;
    const targets = checkTargets(c);
    const orderEntryTargets = checkOrderEntryTargets(c.latency);
    console.log(report(o, c, targets, machine, elapsedS));
    console.log(orderEntryReport(o, c.latency, orderEntryTargets));
    const results = {
      generatedAt: new Date().toISOString(),
      machine,
      options: { ...o, skip: [...o.skip], grid: GRID },
      targets,
      orderEntryTargets,
      latency: c.latency,
      burst: c.burst,
      startup: c.startup,
      routing: c.routing,
      actorCpu: c.actorCpu,
      journalCpu: c.journalCpu,
      history: c.history,
      soak: c.soak,
      floor: c.floor,
      backtest: c.backtest,
      sweep: c.sweep,
      errors: c.errors,
      elapsedSeconds: Math.round(elapsedS),
    };
    writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
    console.log(`\nwrote ${o.out}`);
  }
}

async function runSections(o: Options, server: BenchServer, probe: LatencyProbe, c: Collected): Promise<void> {
  const burst = !o.skip.has('burst');
  if (!o.skip.has('latency')) {
    await section(c, 'latency', async () => {
      console.log(
        `\nreaction latency: markets ${o.markets.join(', ')}; fills/s ${o.rates.join(', ')}; depth changes ${o.churnHz}/s per market, at most ${o.churnTotal}/s in all`,
      );
      const warmed = new Set<Bot>();
      for (const markets of o.markets) {
        const rates = o.rates.filter((r) => r / markets <= o.maxPerMarketRate);
        const session = {
          rates,
          seconds: o.seconds,
          minSamples: o.minSamples,
          warmupSeconds: o.warmupSeconds,
          churnHz: churnHz(o, markets),
          orderReplyDelayMs: o.orderReplyDelayMs,
          burst: burst && markets === o.burstMarkets,
          burstReps: o.burstReps,
        };
        for (const bot of o.bots) {
          const jitWarmupFills = warmed.has(bot) || rates.length === 0 ? 0 : o.jitWarmupFills;
          if (jitWarmupFills > 0) warmed.add(bot);
          await runSession(server, probe, bot, markets, { ...session, jitWarmupFills }, c);
        }
      }
    });
  }
  if (burst && (o.skip.has('latency') || !o.markets.includes(o.burstMarkets))) {
    await section(c, 'burst', async () => {
      console.log(`\nburst: ${o.burstMarkets} markets fill at once`);
      const session = {
        rates: [],
        seconds: 0,
        minSamples: 0,
        warmupSeconds: 0,
        jitWarmupFills: 0,
        churnHz: churnHz(o, o.burstMarkets),
        burst: true,
        burstReps: o.burstReps,
        orderReplyDelayMs: o.orderReplyDelayMs,
      };
      // Only the burst is wanted here: its startup row is left out so the memory table keeps the latency sessions.
      const rows: SessionRows = { latency: [], burst: c.burst, startup: [] };
      for (const bot of o.bots) await runSession(server, probe, bot, o.burstMarkets, session, rows);
    });
  }
  if (!o.skip.has('routing')) {
    await section(c, 'routing', async () => {
      const markets = 500;
      console.log(`\nrouting throughput: ${o.routingFrames} frames over ${markets} markets, ${o.routingReps} rounds`);
      const frames = generateFrames(o.routingFrames, markets).map((s) => Buffer.from(s));
      const mem = throughputSummary(inMemory(frames, markets, o.routingReps));
      const blast = await server.call({ op: 'blastServer', frames: o.routingFrames, markets }, 'blastReady');
      const ws = throughputSummary(await overWs(blast.url, markets, o.routingFrames, o.routingReps));
      c.routing = { frames: o.routingFrames, markets, reps: o.routingReps, inMemory: mem, overWs: ws };
    });
  }
  if (o.soak) {
    const so = o.soak;
    await section(c, 'soak', async () => {
      console.log('');
      c.soak = await runSoak(server, so);
    });
  }
  await server.exit();
  if (!o.skip.has('floor')) {
    await section(c, 'floor', async () => {
      console.log('\ntransport floor: one order request over REST (undici Pool, signed) and over the WebSocket, 1000/s, client CPU');
      c.floor = await measureTransportFloor(1000, o.quick ? 1000 : 4000);
    });
  }
  if (!o.skip.has('actor')) {
    await section(c, 'actor', async () => {
      const fills = o.quick ? 5000 : 20000;
      console.log(`\nmarket actor CPU: ${fills} fills in memory, without and with an inspect hook`);
      c.actorCpu.push(await measureMarketCpu(fills, false), await measureMarketCpu(fills, true));
    });
  }
  if (!o.skip.has('journal')) {
    await section(c, 'journal', async () => {
      const fills = o.quick ? 5000 : 20000;
      console.log(`\njournal CPU: ${fills} recorded fills played through the inspect hook and the journal, 3 runs`);
      c.journalCpu = await measureJournalCpu(fills);
    });
  }
  if (!o.skip.has('backtest')) {
    await section(c, 'backtest', async () => {
      console.log(`\nbacktest: ${BACKTEST_MINUTES} 1-minute candles (30 days, generated), one 20-level grid`);
      c.backtest = await runBacktestBench();
      const b = c.backtest;
      console.log(b.status === 'ok' ? `  ${b.candles} candles, ${b.fills} fills: ${b.wallS.toFixed(2)} s wall, ${b.cpuS.toFixed(2)} s CPU` : `  ${b.status}`);
    });
  }
  if (!o.skip.has('history')) {
    await section(c, 'history', async () => {
      const h = o.history;
      console.log(
        `\nhistory: market machine + journal, simulated clock, checkpoints ${h.checkpoints.join(', ')} fills (budget ${h.seconds} s, ${h.heapMiB} MiB heap)`,
      );
      c.history = await runHistory(h, (r) =>
        console.log(
          r.status === 'ok'
            ? `  ${r.fills} fills: heap ${r.heapMiB.toFixed(1)} MiB, CPU ${r.cpuUsPerFill.toFixed(0)} µs/fill (${r.elapsedS.toFixed(0)} s)`
            : `  ${r.fills} fills: ${r.status}`,
        ),
      );
    });
  }
  if (!o.skip.has('sweep')) {
    await section(c, 'sweep', async () => {
      console.log('\nsweep: 25 backtests of one 20-level grid over 43 200 candles on 2 worker threads');
      c.sweep.push(await runSweepBench(2, 43_200));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// report

/** The design's skeleton with ws and rest (`--bots=skeleton,skeleton-rest`), when the run measured it: the best ratio such a bot gets here. */
function skeletonReport(o: Options, latency: readonly LatencyRow[]): string[] {
  const [head, ...rows] = orderEntryRows(latency, o.markets, o.rates, 'skeleton');
  if (head === undefined || rows.length === 0) return [];
  return [
    '',
    "### The same for the design's skeleton (bench/skeleton-bot.ts): frame parsed, one write-ahead write, an XState actor and its desk, the order sent; nothing of ours",
    '',
    table(head, rows),
  ];
}

/** Issue 15: the same runtime with orderEntry ws and rest, side by side, and its targets (bench/order-entry.ts). */
function orderEntryReport(o: Options, latency: readonly LatencyRow[], targets: readonly TargetCheck[]): string {
  const [head, ...rows] = orderEntryRows(latency, o.markets, o.rates);
  const skeleton = skeletonReport(o, latency);
  if ((head === undefined || rows.length === 0) && skeleton.length === 0) return '';
  const checks = targets.map((t) => [t.target, t.measured, verdict(t.met)]);
  return [
    '',
    '### Issue 15 targets: orderEntry ws (ours) vs rest (ours-rest)',
    '',
    table(['target', 'measured', 'met'], checks),
    '',
    "### Reaction by order entry: fill frame in → the counter-order's write starts (REST: undici `sendHeaders`; ws: `order_limit_place` handed to `ws`), µs",
    '',
    head === undefined || rows.length === 0 ? '(ours and ours-rest not run)' : table(head, rows),
    ...skeleton,
  ].join('\n');
}

function report(
  o: Options,
  c: Collected,
  targets: readonly TargetCheck[],
  machine: { node: string; cpuModel: string; cores: number; versions: Record<string, string> },
  elapsedS: number,
): string {
  const out: string[] = [];
  out.push(
    '',
    '### Issue 13 targets',
    '',
    table(
      ['target', 'measured', 'met'],
      targets.map((t) => [t.target, t.measured, verdict(t.met)]),
    ),
  );
  if (c.latency.length > 0) out.push(...latencyReport(o, c.latency));
  if (c.burst.length > 0) {
    out.push('', '### Burst: one fill on every market in one turn of the simulator; ms', '');
    out.push(
      table(
        [
          'bot',
          'markets',
          'fills',
          'server ms',
          'frames spread',
          'first reaction',
          'median reaction',
          'last frame → last order (≤ 50)',
          'CPU µs/fill',
          'unmatched',
        ],
        c.burst.map((r) =>
          r.status !== 'ok'
            ? [r.bot, String(r.markets), r.status, '', '', '', '', '', '', '']
            : [
                r.bot,
                String(r.markets),
                String(r.fills),
                f1(r.serverMs),
                f1(r.framesSpreadMs),
                f1(r.firstReactionMs),
                f1(r.medianReactionMs),
                f1(r.lastReactionMs),
                f1(r.cpuUsPerFill),
                String(r.unmatchedFills + r.skippedFills),
              ],
        ),
      ),
    );
  }
  if (c.startup.length > 0) out.push(...startupReport(c.startup));
  if (c.routing) {
    const r = c.routing as { inMemory: ReturnType<typeof throughputSummary>; overWs: ReturnType<typeof throughputSummary>; frames: number; markets: number };
    out.push('', `### Frame routing throughput (${r.frames} frames, ${r.markets} markets), frames/s, median of rounds`, '');
    const rel = (x: number, base: number): string => `${((x / base) * 100).toFixed(0)} %`;
    out.push(
      table(
        ['path', 'bare ws + JSON.parse', 'ours: decode + FrameRouter.route', 'baseline: JSON.parse + per-market filter', 'ours ÷ bare'],
        [
          [
            'in memory',
            fk(r.inMemory.bare.median),
            fk(r.inMemory.ours.median),
            fk(r.inMemory.baseline.median),
            rel(r.inMemory.ours.median, r.inMemory.bare.median),
          ],
          [
            'over ws loopback',
            fk(r.overWs.bare.median),
            fk(r.overWs.ours.median),
            fk(r.overWs.baseline.median),
            rel(r.overWs.ours.median, r.overWs.bare.median),
          ],
        ],
      ),
    );
  }
  if (c.floor.length > 0) {
    out.push('', '### Transport floor: one order request and its answer, client CPU (no bot logic; server in another process)', '');
    out.push(
      table(
        ['via', 'requests/s', 'CPU µs/request', 'round trip p50 / p99 µs'],
        c.floor.map((r) =>
          r.status === 'ok' ? [r.via, String(r.rate), f1(r.cpuUsPerRequest), `${f1(r.roundTripUs.p50)} / ${f1(r.roundTripUs.p99)}`] : [r.via, '', r.status, ''],
        ),
      ),
      '',
      'Any bot that sends its counter-order this way pays at least this per fill; `cpuUsPerFill` above includes it.',
    );
  }
  if (c.actorCpu.length > 0) {
    out.push('', '### Market actor CPU per event, in memory (no sockets), µs', '');
    const kinds = Object.keys(c.actorCpu[0]?.events ?? {});
    out.push(
      table(
        ['event', ...c.actorCpu.map((r) => (r.withInspect ? 'p50 / p99, inspect hook on' : 'p50 / p99'))],
        kinds.map((k) => [k, ...c.actorCpu.map((r) => (r.events[k] ? `${f1(r.events[k].p50)} / ${f1(r.events[k].p99)}` : '—'))]),
      ),
      '',
      `One fill is these four events (the deal, the filled order's final report, the desk's answer, the counter-order's first report); ${c.actorCpu[0]?.fills ?? 0} fills after ${c.actorCpu[0]?.warmup ?? 0} warm-up, one 3-a-side grid.`,
    );
  }
  if (c.journalCpu) {
    const j = c.journalCpu;
    out.push('', '### Journal CPU per fill, in process (inspect hook + journal file), µs', '');
    out.push(
      table(['journal CPU µs/fill', 'runs'], [[f1(j.journalUsPerFill), j.runs.map(f1).join(' / ')]]),
      '',
      `A recording of ${j.fills} fills of the market machine played through the journal's inspect hook and a journal file, ${j.reps} times (median): one batch and one commit per fill, the reporting rows every 250 fills.`,
    );
  }
  if (c.history.length > 0) {
    out.push(
      '',
      `### History: the market machine with the journal, one market, simulated clock (CPU over the last ${o.history.stretch} fills before each row, none of the first ${o.history.warmup}: warm-up)`,
      '',
    );
    out.push(
      table(
        ['fills', 'heap MiB after GC', 'CPU µs/fill', 's to reach'],
        c.history.map((r) => (r.status === 'ok' ? [String(r.fills), f1(r.heapMiB), f1(r.cpuUsPerFill), f1(r.elapsedS)] : [String(r.fills), r.status, '', ''])),
      ),
    );
  }
  if (c.backtest) {
    const b = c.backtest;
    out.push('', '### Backtest: 30 days of 1-minute candles, one 20-level grid (src/backtest, in process)', '');
    out.push(
      table(
        ['candles', 'levels', 'fills', 'wall s', 'CPU s'],
        [b.status === 'ok' ? [String(b.candles), String(b.levels), String(b.fills), f1(b.wallS), f1(b.cpuS)] : [b.status, '', '', '', '']],
      ),
    );
  }
  if (c.sweep.length > 0) out.push('', '### Backtest sweep (issue 18): 25 points, 30 days of 1-minute candles, 2 cores', '', sweepBenchTable(c.sweep));
  if (c.soak) out.push('', '### Soak', '', soakTable(c.soak));
  if (c.errors.length > 0) out.push('', `Sections that failed: ${c.errors.map((e) => `${e.section} (${e.status})`).join('; ')}`);
  out.push(
    '',
    `${machine.node} · ${machine.cpuModel} × ${machine.cores} · undici ${machine.versions.undici} · ws ${machine.versions.ws} · xstate ${machine.versions.xstate} · ${elapsedS.toFixed(0)} s`,
  );
  return out.join('\n');
}

function latencyReport(o: Options, latency: readonly LatencyRow[]): string[] {
  const out = [
    '',
    "### Reaction latency: fill frame in (ws `message`) → the counter-order's write starts (undici `sendHeaders`, or the frame handed to `ws`), µs; CPU µs per fill",
    '',
    'All samples, then the reaction samples alone (level waits apart: the counter-order waited for its level, held by another order until the price filled it; bench/level-wait.ts).',
    '',
  ];
  const rows: string[][] = [];
  const ok = (r: LatencyRow | undefined): LatencyMeasured | undefined => (r?.status === 'ok' ? r : undefined);
  const cell = (r: LatencyRow | undefined): string =>
    r === undefined ? '—' : r.status !== 'ok' ? r.status : `${f1(r.latencyUs.p50)} / ${f1(r.latencyUs.p99)} / ${f1(r.latencyUs.max)}`;
  const ratio = (b: LatencyMeasured | undefined, a: LatencyMeasured | undefined): string =>
    a && b ? `${(b.latencyUs.p50 / a.latencyUs.p50).toFixed(2)}x / ${(b.latencyUs.p99 / a.latencyUs.p99).toFixed(2)}x` : '—';
  for (const markets of o.markets) {
    for (const rate of o.rates) {
      const pick = (bot: Bot): LatencyRow | undefined => latency.find((r) => r.bot === bot && r.markets === markets && r.rate === rate);
      const [a, q, b] = [pick('ours'), pick('ours-quiet'), pick('baseline')];
      const all = [a, q, b].map(ok).filter((r): r is LatencyMeasured => r !== undefined);
      if (a === undefined && q === undefined && b === undefined) continue;
      const trio = (f: (r: LatencyMeasured) => string): string => [a, q, b].map((r) => (ok(r) ? f(ok(r) as LatencyMeasured) : '—')).join(' / ');
      const reaction = (r: LatencyRow | undefined): string => {
        const m = ok(r);
        return m === undefined ? '—' : `${f1(m.reactionUs.p50)} / ${f1(m.reactionUs.p99)} / ${f1(m.reactionUs.max)}`;
      };
      rows.push([
        String(markets),
        String(rate),
        cell(a),
        cell(q),
        cell(b),
        reaction(a),
        reaction(q),
        reaction(b),
        trio((r) => `${r.levelWaits}`),
        ratio(ok(b), ok(a)),
        trio((r) => f1(r.cpuUsPerFill)),
        trio((r) => f1(r.dispatchUs.p50)),
        trio((r) => (r.bodySentUs.n > 0 ? f1(r.bodySentUs.p50) : '—')),
        all.map((r) => String(r.latencyUs.n)).join(' / '),
        all.map((r) => String(r.unmatchedFills + r.skippedFills)).join(' / '),
      ]);
    }
  }
  out.push(
    table(
      [
        'markets',
        'fills/s',
        'ours p50 / p99 / max',
        'ours-quiet p50 / p99 / max',
        'baseline p50 / p99 / max',
        'ours reaction p50 / p99 / max',
        'ours-quiet reaction',
        'baseline reaction',
        'level waits (ours / quiet / base)',
        'baseline ÷ ours (p50 / p99, all samples)',
        'CPU µs/fill (ours / quiet / base)',
        'frame → request() p50 (ours / quiet / base)',
        'frame → REST write returned p50 (`bodySent`; ours / quiet / base)',
        'samples',
        'unmatched',
      ],
      rows,
    ),
  );
  // `bare` and, when asked for, `bare-own` (the counter-orders on a socket of their own) side by side.
  const bare = latency
    .filter((r) => r.bot === 'bare' || r.bot === 'bare-own')
    .sort((x, y) => x.markets - y.markets || x.rate - y.rate || (x.bot === 'bare' ? 0 : 1) - (y.bot === 'bare' ? 0 : 1));
  if (bare.length > 0) {
    out.push(
      '',
      'The bare bot (bench/bare-bot.ts): the frames ours reads, parsed, and the counter-order frame ours sends, nothing between; what the wire alone costs a bot here. `bare-own`: the same with the counter-orders on a second connection of their own.',
      '',
      table(
        ['bot', 'markets', 'fills/s', 'p50 / p99 / max', 'reaction p50 / p99 / max', 'CPU µs/fill', 'ours CPU µs/fill', 'ours ÷ bare CPU'],
        bare.map((r) => {
          const a = ok(latency.find((x) => x.bot === 'ours' && x.markets === r.markets && x.rate === r.rate));
          const m = ok(r);
          return [
            r.bot,
            String(r.markets),
            String(r.rate),
            cell(r),
            m ? `${f1(m.reactionUs.p50)} / ${f1(m.reactionUs.p99)} / ${f1(m.reactionUs.max)}` : '—',
            m ? f1(m.cpuUsPerFill) : '—',
            a ? f1(a.cpuUsPerFill) : '—',
            a && m ? `${(a.cpuUsPerFill / m.cpuUsPerFill).toFixed(2)}x` : '—',
          ];
        }),
      ),
    );
  }
  const depth = latency.flatMap((r) => (r.status === 'ok' ? [r.depthChangesPerSec] : []));
  if (depth.length > 0) {
    out.push(
      '',
      `Depth churn during fills: ${f1(Math.min(...depth))}–${f1(Math.max(...depth))} book changes/s in total (${o.churnHz}/s per market, at most ${o.churnTotal}/s in all). Rates above ${o.maxPerMarketRate} fills/s per market are not run ("—").`,
    );
  }
  return out;
}

function startupReport(startup: SessionRows['startup']): string[] {
  const out = ['', '### Time to all grids placed and memory (after GC), ours vs baseline', ''];
  const rows = startup.map((s) =>
    s.status !== 'ok'
      ? [s.bot, String(s.markets), s.status, '', '', '', '', '', '']
      : [
          s.bot,
          String(s.markets),
          f1(s.msToAllPlaced),
          kib(s.heapAfter - s.heapBefore),
          kib((s.heapAfter - s.heapBefore) / s.markets),
          kib((s.rssAfter - s.rssBefore) / s.markets),
          kib((s.heapAfterFills - s.heapBefore) / s.markets),
          (s.rssAfterFills / 1e6).toFixed(0),
          s.depthOnlyCpuPct === undefined ? '—' : f1(s.depthOnlyCpuPct),
        ],
  );
  out.push(
    table(
      [
        'bot',
        'markets',
        'ms to all placed',
        'heap Δ KiB',
        'heap KiB/market',
        'RSS KiB/market',
        'heap KiB/market after fills',
        'RSS MB after fills',
        'CPU % depth only',
      ],
      rows,
    ),
  );
  const ours = startup.filter((s): s is StartupMeasured => s.bot === 'ours' && s.status === 'ok').sort((a, b) => a.markets - b.markets);
  const lo = ours[0];
  const hi = ours[ours.length - 1];
  if (lo && hi && hi.markets > lo.markets) {
    const slope = (hi.heapAfter - hi.heapBefore - (lo.heapAfter - lo.heapBefore)) / (hi.markets - lo.markets);
    out.push('', `Ours, marginal heap per market (${lo.markets} → ${hi.markets} markets): ${kib(slope)} KiB.`);
  }
  return out;
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
