/**
 * `npm run bench`: reaction latency (ours vs a hand-rolled baseline), frame routing throughput,
 * memory per market and time to all grids placed. The simulator runs in another process
 * (bench/server.ts); the bots run here. See bench/README.md for what each number means.
 *
 * Options: --quick (about a minute), --markets=1,50,500, --rates=100,1000, --seconds=S (measured
 * seconds per rate, at least --min-samples fills), --churn=Hz (depth changes per market per s),
 * --skip=latency,routing,actor, --out=bench/results.json.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaselineBot } from './baseline-bot.js';
import { generateFrames } from './frames.js';
import { startOurs } from './ours.js';
import { type MarketCpuResult, measureMarketCpu } from './market-cpu.js';
import { LatencyProbe, type LatencyResult, type Summary, summarize } from './probe.js';
import { GRID, type ServerCommand, type ServerReply, marketNames } from './protocol.js';
import { type Contender, CONTENDERS, type ThroughputRun, inMemory, overWs } from './routing.js';

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
  readonly churnHz: number;
  /** Cap on book changes/s over all markets (the simulator has one core too). */
  readonly churnTotal: number;
  readonly routingFrames: number;
  readonly routingReps: number;
  readonly skip: Set<string>;
  readonly bots: Bot[];
  readonly out: string;
}

function parseOptions(argv: readonly string[]): Options {
  const get = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const nums = (s: string | undefined, d: number[]): number[] => (s === undefined ? d : s.split(',').map(Number).filter((n) => n > 0));
  const quick = argv.includes('--quick');
  return {
    quick,
    markets: nums(get('markets'), quick ? [1, 50] : [1, 50, 500]),
    rates: nums(get('rates'), [100, 1000]),
    maxPerMarketRate: Number(get('max-per-market') ?? 100),
    seconds: Number(get('seconds') ?? (quick ? 1 : 4)),
    minSamples: Number(get('min-samples') ?? (quick ? 100 : 400)),
    warmupSeconds: Number(get('warmup') ?? (quick ? 0.3 : 1)),
    churnHz: Number(get('churn') ?? 5),
    churnTotal: Number(get('churn-total') ?? 1000),
    routingFrames: Number(get('frames') ?? (quick ? 50_000 : 200_000)),
    routingReps: Number(get('reps') ?? (quick ? 1 : 3)),
    skip: new Set((get('skip') ?? '').split(',').filter(Boolean)),
    bots: (get('bots')?.split(',') ?? [...BOTS]).filter((b): b is Bot => (BOTS as readonly string[]).includes(b)),
    out: get('out') ?? join(repoRoot, 'bench', 'results.json'),
  };
}

// ---------------------------------------------------------------------------------------------
// the server process

class Server {
  private readonly child: ChildProcess;
  private seq = 0;
  private readonly waiting = new Map<number, (r: ServerReply) => void>();

  constructor() {
    this.child = fork(join(here, 'server.js'), [], {
      // BENCH_SERVER_ARGS: e.g. `--cpu-prof` to profile the exchange's side of a run.
      execArgv: (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter((a) => a !== ''),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: unknown) => {
      const r = m as ServerReply;
      this.waiting.get(r.seq)?.(r);
      this.waiting.delete(r.seq);
    });
  }

  call<Op extends ServerReply['op']>(cmd: DistributiveOmit<ServerCommand, 'seq'>, want: Op): Promise<Extract<ServerReply, { op: Op }>> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, (r) => {
        if (r.op === want) resolve(r as Extract<ServerReply, { op: Op }>);
        else reject(new Error(`server: ${r.op === 'error' ? r.message : `unexpected ${r.op}`}`));
      });
      this.child.send({ ...cmd, seq });
    });
  }

  async exit(): Promise<void> {
    await this.call({ op: 'exit' }, 'ok').catch(() => undefined);
    if (this.child.exitCode === null) await new Promise((r) => this.child.once('exit', r));
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// ---------------------------------------------------------------------------------------------
// helpers

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface MemSample {
  readonly heapUsed: number;
  readonly rss: number;
}

async function memory(): Promise<MemSample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    // Twice, with a turn of the loop in between, so weak refs and finalizers settle.
    gc();
    await sleep(50);
    gc();
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const f1 = (n: number): string => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(1)) : '—');
const fk = (n: number): string => (Number.isFinite(n) ? `${(n / 1000).toFixed(0)}k` : '—');
const kib = (n: number): string => `${(n / 1024).toFixed(1)}`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// latency

/** Depth changes per market per second: `--churn`, capped so all markets together stay under `--churn-total`. */
const churnHz = (o: Options, markets: number): number => Math.min(o.churnHz, o.churnTotal / markets);

/** `ours`: as `gridbot run` (pino at info + market log); `ours-quiet`: no logger, no inspect; `baseline`: baseline-bot.ts. */
type Bot = 'ours' | 'ours-quiet' | 'baseline';
const BOTS: readonly Bot[] = ['ours', 'ours-quiet', 'baseline'];

interface LatencyRow {
  readonly bot: Bot;
  readonly markets: number;
  readonly rate: number;
  /** Fills/s the server achieved. */
  readonly achievedRate: number;
  readonly latencyUs: Summary;
  readonly dispatchUs: Summary;
  readonly headersUs: Summary;
  readonly fills: number;
  readonly unmatchedFills: number;
  readonly strayRequests: number;
  readonly skippedFills: number;
  readonly depthChangesPerSec: number;
  readonly firstFrame: LatencyResult['firstFrame'];
  readonly trigger: LatencyResult['trigger'];
  /** Ours: market states and connection state after the window (a market that left `running` is a finding). */
  readonly botState: string;
}

interface StartupRow {
  readonly bot: Bot;
  readonly markets: number;
  readonly msToAllPlaced: number;
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly heapAfterFills: number;
  readonly rssAfterFills: number;
}

async function latencyScenario(server: Server, probe: LatencyProbe, bot: Bot, markets: number, o: Options, rows: LatencyRow[], startups: StartupRow[]): Promise<void> {
  const names = marketNames(markets);
  const started = await server.call({ op: 'start', markets }, 'started');
  const before = await memory();
  const t0 = performance.now();
  let stop: () => Promise<void>;
  let botState = (): string => 'n/a';
  let msToAllPlaced: number;
  if (bot !== 'baseline') {
    const ours = await startOurs({ restUrl: started.restUrl, wsUrl: started.wsUrl, markets: names, grid: GRID, logging: bot === 'ours' });
    msToAllPlaced = ours.msToAllRunning;
    ours.subscribeDepth();
    botState = () => {
      const counts = new Map<string, number>();
      for (const st of ours.runtime.statuses()) counts.set(st.state, (counts.get(st.state) ?? 0) + 1);
      return `${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}; connection ${ours.runtime.connectionState()}`;
    };
    stop = () => ours.stop();
  } else {
    const b = new BaselineBot({ restUrl: started.restUrl, wsUrl: started.wsUrl, apiKey: started.apiKey, apiSecret: started.apiSecret, markets: names, grid: GRID });
    await b.start();
    msToAllPlaced = performance.now() - t0;
    stop = async () => {
      b.close();
      if (b.errors > 0) console.warn(`baseline: ${b.errors} counter-orders failed`);
    };
  }
  const resting = await server.call({ op: 'restingOrders' }, 'resting');
  const expected = markets * GRID.levelsPerSide * 2;
  if (resting.count !== expected) throw new Error(`${bot} ${markets}: ${resting.count} resting orders, expected ${expected}`);
  // Depth snapshots for every market arrive now; start the churn and let it settle.
  await sleep(300);
  await server.call({ op: 'churn', perMarketHz: churnHz(o, markets) }, 'ok');
  await sleep(500);
  const after = await memory();

  for (const rate of o.rates.filter((r) => r / markets <= o.maxPerMarketRate)) {
    const warm = Math.max(50, Math.round(rate * o.warmupSeconds));
    await server.call({ op: 'fills', rate, count: warm, markets }, 'fillsDone');
    await sleep(300);
    const count = Math.max(o.minSamples, Math.round(rate * o.seconds));
    probe.arm();
    const done = await server.call({ op: 'fills', rate, count, markets }, 'fillsDone');
    // The last counter-orders leave: wait until none has gone out for 300 ms (at most 5 s).
    for (let last = -1, quiet = 0, waited = 0; quiet < 300 && waited < 5000; waited += 100) {
      await sleep(100);
      quiet = probe.sentCount === last ? quiet + 100 : 0;
      last = probe.sentCount;
    }
    probe.disarm();
    const r = probe.analyze(done.fills, GRID.step);
    probe.arm();
    probe.disarm(); // drop the window's frames before anything else is measured
    const row: LatencyRow = {
      bot,
      markets,
      rate,
      achievedRate: (done.fills.length + done.skipped) / (done.elapsedMs / 1000),
      latencyUs: summarize(r.latencyUs),
      dispatchUs: summarize(r.dispatchUs),
      headersUs: summarize(r.headersUs),
      fills: r.fills,
      unmatchedFills: r.unmatchedFills,
      strayRequests: r.strayRequests,
      skippedFills: done.skipped,
      depthChangesPerSec: done.churnOps / (done.elapsedMs / 1000),
      firstFrame: r.firstFrame,
      trigger: r.trigger,
      botState: botState(),
    };
    rows.push(row);
    const L = row.latencyUs;
    console.log(
      `  ${bot.padEnd(8)} ${String(markets).padStart(3)} markets ${String(rate).padStart(4)} fills/s: p50 ${f1(L.p50)} µs, p99 ${f1(L.p99)} µs, max ${f1(L.max)} µs ` +
        `(n=${L.n}, unmatched ${row.unmatchedFills}, skipped ${row.skippedFills}, achieved ${row.achievedRate.toFixed(0)}/s; ` +
        `request() after: fill's first frame ${r.trigger.firstFrame}, its second frame ${r.trigger.otherFrameOfFill}, other ${r.trigger.unrelated}; ${row.botState})`,
    );
  }
  await server.call({ op: 'churn', perMarketHz: 0 }, 'ok');
  const afterFills = await memory();
  await stop();
  await server.call({ op: 'stop' }, 'ok');
  startups.push({
    bot,
    markets,
    msToAllPlaced,
    heapBefore: before.heapUsed,
    heapAfter: after.heapUsed,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapAfterFills: afterFills.heapUsed,
    rssAfterFills: afterFills.rss,
  });
  await sleep(200);
}

// ---------------------------------------------------------------------------------------------
// main

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? (s[(n - 1) / 2] ?? NaN) : ((s[n / 2 - 1] ?? 0) + (s[n / 2] ?? 0)) / 2;
}

function throughputSummary(runs: readonly ThroughputRun[]): Record<Contender, { median: number; best: number; runs: number[] }> {
  const out = {} as Record<Contender, { median: number; best: number; runs: number[] }>;
  for (const c of CONTENDERS) {
    const xs = runs.filter((r) => r.contender === c).map((r) => r.framesPerSec);
    out[c] = { median: median(xs), best: Math.max(...xs), runs: xs.map((x) => Math.round(x)) };
  }
  return out;
}

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
  console.log(`gridbot bench${o.quick ? ' (quick)' : ''}: node ${machine.node}, ${machine.cpuModel} × ${machine.cores}${hasGc ? '' : ' (no --expose-gc: memory numbers are rough)'}`);
  const started = performance.now();
  const server = new Server();
  const probe = new LatencyProbe();
  probe.install();
  const latency: LatencyRow[] = [];
  const startups: StartupRow[] = [];
  let routing: Record<string, unknown> | null = null;
  try {
    if (!o.skip.has('latency')) {
      console.log(`\nreaction latency: markets ${o.markets.join(', ')}; fills/s ${o.rates.join(', ')}; depth changes ${o.churnHz}/s per market, at most ${o.churnTotal}/s in all`);
      for (const markets of o.markets) {
        for (const bot of o.bots) await latencyScenario(server, probe, bot, markets, o, latency, startups);
      }
    }
    if (!o.skip.has('routing')) {
      const markets = 500;
      console.log(`\nrouting throughput: ${o.routingFrames} frames over ${markets} markets, ${o.routingReps} rounds`);
      const frames = generateFrames(o.routingFrames, markets).map((s) => Buffer.from(s));
      const mem = throughputSummary(inMemory(frames, markets, o.routingReps));
      const blast = await server.call({ op: 'blastServer', frames: o.routingFrames, markets }, 'blastReady');
      const ws = throughputSummary(await overWs(blast.url, markets, o.routingFrames, o.routingReps));
      routing = { frames: o.routingFrames, markets, reps: o.routingReps, inMemory: mem, overWs: ws };
    }
  } finally {
    await server.exit();
  }
  const actorCpu: MarketCpuResult[] = [];
  if (!o.skip.has('actor')) {
    const fills = o.quick ? 5000 : 20000;
    console.log(`\nmarket actor CPU: ${fills} fills in memory, without and with an inspect hook`);
    actorCpu.push(await measureMarketCpu(fills, false), await measureMarketCpu(fills, true));
  }

  // ------------------------------------------------------------------- report
  const out: string[] = [];
  if (latency.length > 0) {
    out.push('', '### Reaction latency: fill frame in (ws `message`) → counter-order body sent (undici `bodySent`), µs', '');
    const rows: string[][] = [];
    const cell = (r: LatencyRow | undefined): string => (r ? `${f1(r.latencyUs.p50)} / ${f1(r.latencyUs.p99)} / ${f1(r.latencyUs.max)}` : '—');
    const ratio = (b: LatencyRow | undefined, a: LatencyRow | undefined): string =>
      a && b ? `${(b.latencyUs.p50 / a.latencyUs.p50).toFixed(2)}x / ${(b.latencyUs.p99 / a.latencyUs.p99).toFixed(2)}x` : '—';
    for (const markets of o.markets) {
      for (const rate of o.rates) {
        const pick = (bot: Bot): LatencyRow | undefined => latency.find((r) => r.bot === bot && r.markets === markets && r.rate === rate);
        const a = pick('ours');
        const q = pick('ours-quiet');
        const b = pick('baseline');
        const all = [a, q, b].filter((r): r is LatencyRow => r !== undefined);
        if (all.length === 0) continue;
        rows.push([
          String(markets),
          String(rate),
          cell(a),
          cell(q),
          cell(b),
          ratio(b, a),
          [a, q, b].map((r) => (r ? f1(r.dispatchUs.p50) : '—')).join(' / '),
          [a, q, b].map((r) => (r ? f1(r.headersUs.p50) : '—')).join(' / '),
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
          'baseline ÷ ours (p50 / p99)',
          'frame → request() p50 (ours / quiet / base)',
          'frame → write starts p50 (ours / quiet / base)',
          'samples',
          'unmatched',
        ],
        rows,
      ),
    );
    const depth = latency.map((r) => r.depthChangesPerSec);
    out.push('', `Depth churn during fills: ${f1(Math.min(...depth))}–${f1(Math.max(...depth))} book changes/s in total (${o.churnHz}/s per market, at most ${o.churnTotal}/s in all). Rates above ${o.maxPerMarketRate} fills/s per market are not run ("—").`);
  }
  if (startups.length > 0) {
    out.push('', '### Time to all grids placed and memory (after GC), ours vs baseline', '');
    const rows = startups.map((s) => [
      s.bot,
      String(s.markets),
      f1(s.msToAllPlaced),
      kib(s.heapAfter - s.heapBefore),
      kib((s.heapAfter - s.heapBefore) / s.markets),
      kib((s.rssAfter - s.rssBefore) / s.markets),
      kib((s.heapAfterFills - s.heapBefore) / s.markets),
    ]);
    out.push(table(['bot', 'markets', 'ms to all placed', 'heap Δ KiB', 'heap KiB/market', 'RSS KiB/market', 'heap KiB/market after fills'], rows));
    const ours = startups.filter((s) => s.bot === 'ours').sort((a, b) => a.markets - b.markets);
    const lo = ours[0];
    const hi = ours[ours.length - 1];
    if (lo && hi && hi.markets > lo.markets) {
      const slope = (hi.heapAfter - hi.heapBefore - (lo.heapAfter - lo.heapBefore)) / (hi.markets - lo.markets);
      out.push('', `Ours, marginal heap per market (${lo.markets} → ${hi.markets} markets): ${kib(slope)} KiB.`);
    }
  }
  if (routing) {
    const r = routing as { inMemory: ReturnType<typeof throughputSummary>; overWs: ReturnType<typeof throughputSummary>; frames: number; markets: number };
    out.push('', `### Frame routing throughput (${r.frames} frames, ${r.markets} markets), frames/s, median of rounds`, '');
    const rel = (x: number, base: number): string => `${((x / base) * 100).toFixed(0)} %`;
    out.push(
      table(
        ['path', 'bare ws + JSON.parse', 'ours: decode + FrameRouter.route', 'baseline: JSON.parse + per-market filter', 'ours ÷ bare'],
        [
          ['in memory', fk(r.inMemory.bare.median), fk(r.inMemory.ours.median), fk(r.inMemory.baseline.median), rel(r.inMemory.ours.median, r.inMemory.bare.median)],
          ['over ws loopback', fk(r.overWs.bare.median), fk(r.overWs.ours.median), fk(r.overWs.baseline.median), rel(r.overWs.ours.median, r.overWs.bare.median)],
        ],
      ),
    );
  }
  if (actorCpu.length > 0) {
    out.push('', '### Market actor CPU per event, in memory (no sockets), µs', '');
    const kinds = Object.keys(actorCpu[0]?.events ?? {});
    out.push(
      table(
        ['event', ...actorCpu.map((r) => (r.withInspect ? 'p50 / p99, inspect hook on' : 'p50 / p99'))],
        kinds.map((k) => [k, ...actorCpu.map((r) => (r.events[k] ? `${f1(r.events[k].p50)} / ${f1(r.events[k].p99)}` : '—'))]),
      ),
      '',
      `One fill is these four events (the deal, the filled order's final report, the desk's answer, the counter-order's first report); ${actorCpu[0]?.fills ?? 0} fills after ${actorCpu[0]?.warmup ?? 0} warm-up, one 3-a-side grid.`,
    );
  }
  const elapsedS = (performance.now() - started) / 1000;
  out.push('', `${machine.node} · ${machine.cpuModel} × ${machine.cores} · undici ${machine.versions.undici} · ws ${machine.versions.ws} · xstate ${machine.versions.xstate} · ${elapsedS.toFixed(0)} s`);
  console.log(out.join('\n'));

  const results = {
    generatedAt: new Date().toISOString(),
    machine,
    options: { ...o, skip: [...o.skip], grid: GRID },
    latency,
    startup: startups,
    routing,
    actorCpu,
    elapsedSeconds: Math.round(elapsedS),
  };
  writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${o.out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
