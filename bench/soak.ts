/**
 * `npm run soak` (or `npm run bench -- --soak`): is the full runtime flat over minutes of steady
 * fills? `ours` as `gridbot run` wires it (journal, logger, market log; bench/ours.ts), 20 markets,
 * 300 fills/s for 5 minutes against the simulator in the server process, sampled every 10 s
 * (counter-orders/s, CPU per fill, RSS, heap, event-loop max delay); then 20 s with no fills (CPU %
 * of a core). Checks issue 13's soak targets and writes bench/soak-results.json when run alone.
 *
 * Options: --minutes=5, --rate=300, --markets=20, --sample=10 (s), --idle=20 (s), --churn=0 (depth
 * changes per market per s; the socket then carries depth too), --out=path.json.
 *
 * What is counted: a counter-order is an `order/new` or `order/bulk` request whose body undici sent
 * (its diagnostics channel) or an `order_limit_place` frame handed to `ws` (issue 15's order entry,
 * the simulator's default), one per fill; the process's CPU is `process.cpuUsage()` (every thread:
 * the journal's checkpoint worker too). Heap and RSS are read without forcing a GC, the same way
 * at every sample, so their trend is comparable.
 */
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WAL_CHANNEL, type WalRestartEvent } from '../src/runtime/journal/wal-limit.js';
import { MiB, cpuUs, reasonOf, sleep, table, within } from './common.js';
import { startOurs } from './ours.js';
import { GRID, marketNames } from './protocol.js';
import WebSocket from 'ws';
import { BenchServer } from './server-client.js';

export interface SoakOptions {
  readonly minutes: number;
  readonly rate: number;
  readonly markets: number;
  readonly sampleS: number;
  readonly idleS: number;
  readonly churnHz: number;
}

export interface SoakSample {
  /** Seconds since the fills started (end of the sample). */
  readonly t: number;
  readonly counterOrdersPerSec: number;
  readonly cpuUsPerFill: number;
  /** CPU % of one core over the sample. */
  readonly cpuPct: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly eventLoopMaxMs: number;
  /**
   * The longest garbage-collection pause in the sample, ms, and its kind (`minor`, `major`, …):
   * whether a stall in `eventLoopMaxMs` was our collector or something else (a long turn, the
   * machine's other processes: see `load1`).
   */
  readonly gcMaxMs: number;
  readonly gcMaxKind: string;
  /** The machine's 1-minute load average at the sample (2 cores here: above 2, processes wait for a core). */
  readonly load1: number;
  /**
   * The journal's WAL restarts in the sample (wal-limit.ts), ms, 0 when none: the longest RESTART of
   * the checkpoint worker (its own wait for a gap included), the longest the writer's BEGIN waited
   * (from 1 ms on: the lock a RESTART held, the WAL-header fsync of the first commit after each
   * restart, or the thread descheduled on a busy machine), and the
   * longest checkpoint the main thread ran itself (a pause of the event loop).
   */
  readonly walWorkerRestartMaxMs: number;
  readonly walLockWaitMaxMs: number;
  readonly walWriterCheckpointMaxMs: number;
}

export interface SoakCheck {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export type SoakResult =
  | {
      readonly status: 'ok';
      readonly options: SoakOptions;
      readonly samples: readonly SoakSample[];
      /** Length of the first and last windows the ratios compare, s. */
      readonly windowS: number;
      readonly fillsMade: number;
      readonly fillsSkipped: number;
      readonly achievedRate: number;
      readonly cpuUsPerFillFirst: number;
      readonly cpuUsPerFillLast: number;
      readonly rssAfterFirstWindowMiB: number;
      readonly rssAfterRunMiB: number;
      readonly idleCpuPct: number;
      readonly eventLoopMaxMs: number;
      readonly walRestarts: WalRestarts;
      readonly checks: readonly SoakCheck[];
    }
  | { readonly status: `failed: ${string}`; readonly options: SoakOptions; readonly samples: readonly SoakSample[] };

const ORDER_PATHS = new Set(['/api/v4/order/new', '/api/v4/order/bulk']);

/**
 * Counts order requests whose body undici sent (its diagnostics channel) and `order_limit_place`
 * frames handed to `ws` (`WebSocket.prototype.send` wrapped until `close`, as bench/probe.ts does):
 * cheap, one compare per request or sent frame.
 */
function orderCounter(): { count(): number; close(): void } {
  let n = 0;
  const onSent = (m: unknown): void => {
    const r = (m as { request: { method?: string; path?: string } }).request;
    if (r.method === 'POST' && r.path !== undefined && ORDER_PATHS.has(r.path)) n += 1;
  };
  dc.subscribe('undici:request:bodySent', onSent);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]): void {
    // ws-transport sends each frame as a Buffer (one write); a string is counted too.
    if ((typeof data === 'string' || Buffer.isBuffer(data)) && data.includes('"order_limit_place"')) n += 1;
    (send as (this: WebSocket, ...a: unknown[]) => void).apply(this, [data, ...rest]);
  };
  return {
    count: () => n,
    close: () => {
      dc.unsubscribe('undici:request:bodySent', onSent);
      WebSocket.prototype.send = send;
    },
  };
}

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb', 16: 'minor' };

/** The longest GC pause since the last `take()` (PerformanceObserver `gc` entries, delivered after the pause). */
function gcPauses(): { take(): { ms: number; kind: string }; close(): void } {
  let worst = { ms: 0, kind: '' };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      if (e.duration > worst.ms) worst = { ms: e.duration, kind: GC_KINDS[kind] ?? String(kind) };
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    take: () => {
      const w = worst;
      worst = { ms: 0, kind: '' };
      return w;
    },
    close: () => obs.disconnect(),
  };
}

/** The journal's WAL restarts over a run: by the checkpoint worker, by the main thread itself (its fallback), and the writer's longest wait for its lock. */
export interface WalRestarts {
  readonly worker: number;
  readonly workerMaxMs: number;
  readonly writer: number;
  readonly writerMaxMs: number;
  readonly lockWaitMaxMs: number;
}

/** The journal's WAL restarts (WAL_CHANNEL): the longest of each kind since the last `take()`, and counts over the whole run. */
function walRestarts(): {
  take(): { worker: number; writer: number; lockWait: number };
  totals(): WalRestarts;
  close(): void;
} {
  let worst = { worker: 0, writer: 0, lockWait: 0 };
  const all = { worker: 0, workerMaxMs: 0, writer: 0, writerMaxMs: 0, lockWaitMaxMs: 0 };
  const on = (m: unknown): void => {
    const e = m as WalRestartEvent;
    if (e.by === 'worker') {
      if (e.busy) return;
      all.worker += 1;
      all.workerMaxMs = Math.max(all.workerMaxMs, e.ms);
      worst.worker = Math.max(worst.worker, e.ms);
    } else if (e.by === 'writer') {
      all.writer += 1;
      all.writerMaxMs = Math.max(all.writerMaxMs, e.ms);
      worst.writer = Math.max(worst.writer, e.ms);
    } else {
      all.lockWaitMaxMs = Math.max(all.lockWaitMaxMs, e.ms);
      worst.lockWait = Math.max(worst.lockWait, e.ms);
    }
  };
  dc.subscribe(WAL_CHANNEL, on);
  return {
    take: () => {
      const w = worst;
      worst = { worker: 0, writer: 0, lockWait: 0 };
      return w;
    },
    totals: () => ({ ...all }),
    close: () => dc.unsubscribe(WAL_CHANNEL, on),
  };
}

/** Runs the soak against `server` (a fresh simulator); never throws: a failure is a `failed:` result. */
export async function runSoak(server: BenchServer, o: SoakOptions, log: (line: string) => void = console.log): Promise<SoakResult> {
  const samples: SoakSample[] = [];
  const counter = orderCounter();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const gc = gcPauses();
  const wal = walRestarts();
  let stop: (() => Promise<void>) | null = null;
  let sampler: NodeJS.Timeout | undefined;
  try {
    const started = await server.call({ op: 'start', markets: o.markets }, 'started');
    const ours = await within(120_000, 'ours start', () =>
      startOurs({ restUrl: started.restUrl, wsUrl: started.wsUrl, markets: marketNames(o.markets), grid: GRID, logging: true }),
    );
    stop = () => ours.stop();
    if (o.churnHz > 0) {
      ours.subscribeDepth();
      await sleep(300);
      await server.call({ op: 'churn', perMarketHz: o.churnHz }, 'ok');
    }
    await sleep(1000);
    const count = Math.round(o.rate * o.minutes * 60);
    log(`soak: ${o.markets} markets, ${o.rate} fills/s for ${o.minutes} min (${count} fills), samples every ${o.sampleS} s, then ${o.idleS} s idle`);
    log(
      table(['t s', 'orders/s', 'CPU µs/fill', 'CPU %', 'RSS MiB', 'heap MiB', 'loop max ms', 'GC max ms', 'load', 'WAL restart ms'], [])
        .split('\n')
        .slice(0, 2)
        .join('\n'),
    );
    loop.enable();
    const t0 = performance.now();
    let last = { at: t0, cpu: cpuUs(), orders: counter.count() };
    const sample = (): void => {
      const at = performance.now();
      const cpu = cpuUs();
      const orders = counter.count();
      const mem = process.memoryUsage();
      const dt = (at - last.at) / 1000;
      const pause = gc.take();
      const walPause = wal.take();
      const s: SoakSample = {
        t: Math.round((at - t0) / 1000),
        counterOrdersPerSec: (orders - last.orders) / dt,
        cpuUsPerFill: (cpu - last.cpu) / Math.max(1, orders - last.orders),
        cpuPct: ((cpu - last.cpu) / 1e6 / dt) * 100,
        rssMiB: mem.rss / MiB,
        heapMiB: mem.heapUsed / MiB,
        eventLoopMaxMs: loop.max / 1e6,
        gcMaxMs: pause.ms,
        gcMaxKind: pause.kind,
        load1: loadavg()[0] ?? 0,
        walWorkerRestartMaxMs: walPause.worker,
        walLockWaitMaxMs: walPause.lockWait,
        walWriterCheckpointMaxMs: walPause.writer,
      };
      loop.reset();
      last = { at, cpu, orders };
      samples.push(s);
      log(
        `| ${[s.t, s.counterOrdersPerSec.toFixed(0), s.cpuUsPerFill.toFixed(0), s.cpuPct.toFixed(1), s.rssMiB.toFixed(1), s.heapMiB.toFixed(1), s.eventLoopMaxMs.toFixed(1), `${s.gcMaxMs.toFixed(1)} ${s.gcMaxKind}`, s.load1.toFixed(1), walCell(s)].join(' | ')} |`,
      );
    };
    sampler = setInterval(sample, o.sampleS * 1000);
    const done = await server.call({ op: 'fills', rate: o.rate, count, markets: o.markets, countOnly: true }, 'fillsDone', (o.minutes * 60 + 120) * 1000);
    const runS = (performance.now() - t0) / 1000;
    // The last counter-orders leave, then the idle stretch (the churn, if any, stops: nothing happens).
    await server.call({ op: 'churn', perMarketHz: 0 }, 'ok');
    await sleep(500);
    clearInterval(sampler);
    sample();
    const idleCpu0 = cpuUs();
    const idleT0 = performance.now();
    await sleep(o.idleS * 1000);
    const idleCpuPct = ((cpuUs() - idleCpu0) / 1e6 / ((performance.now() - idleT0) / 1000)) * 100;
    const idleLoopMaxMs = loop.max / 1e6;
    const rssAfterRunMiB = process.memoryUsage().rss / MiB;
    log(`idle ${o.idleS} s: CPU ${idleCpuPct.toFixed(1)} % of a core, event loop max ${idleLoopMaxMs.toFixed(1)} ms; RSS ${rssAfterRunMiB.toFixed(1)} MiB`);
    const restarts = wal.totals();
    log(
      `WAL restarts: ${restarts.worker} by the checkpoint worker (longest ${restarts.workerMaxMs.toFixed(1)} ms; the writer's BEGIN waited ${restarts.lockWaitMaxMs.toFixed(1)} ms at most), ${restarts.writer} by the main thread (longest ${restarts.writerMaxMs.toFixed(1)} ms)`,
    );
    return evaluate(o, samples, { fillsMade: done.made, fillsSkipped: done.skipped, runS, idleCpuPct, idleLoopMaxMs, rssAfterRunMiB, walRestarts: restarts });
  } catch (e) {
    return { status: `failed: ${reasonOf(e)}`, options: o, samples };
  } finally {
    clearInterval(sampler);
    loop.disable();
    gc.close();
    wal.close();
    counter.close();
    if (stop) await within(60_000, 'ours stop', stop).catch((e: unknown) => log(`soak: stop: ${reasonOf(e)}`));
    await server.call({ op: 'stop' }, 'ok', 30_000).catch(() => server.reset());
  }
}

interface RunFacts {
  readonly fillsMade: number;
  readonly fillsSkipped: number;
  readonly runS: number;
  readonly idleCpuPct: number;
  readonly idleLoopMaxMs: number;
  readonly rssAfterRunMiB: number;
  readonly walRestarts: WalRestarts;
}

/** The first and last windows (a minute, or a third of a shorter run), and issue 13's checks on them. */
function evaluate(o: SoakOptions, samples: readonly SoakSample[], f: RunFacts): SoakResult {
  const total = o.minutes * 60;
  const windowS = Math.max(o.sampleS, Math.min(60, Math.floor(total / 3 / o.sampleS) * o.sampleS));
  // Every sample but the closing one (which also holds the tail after the last fill).
  const full = samples.slice(0, -1).length > 0 ? samples.slice(0, -1) : samples;
  const first = full.filter((s) => s.t <= windowS + 1);
  const lastWindow = full.filter((s) => s.t > total - windowS + 1);
  const perFill = (xs: readonly SoakSample[]): number => {
    let cpu = 0;
    let orders = 0;
    for (const s of xs) {
      const fills = s.counterOrdersPerSec * o.sampleS;
      cpu += s.cpuUsPerFill * fills;
      orders += fills;
    }
    return orders > 0 ? cpu / orders : NaN;
  };
  const cpuFirst = perFill(first);
  const cpuLast = perFill(lastWindow);
  const rssFirst = first[first.length - 1]?.rssMiB ?? NaN;
  const slowest = Math.min(...full.map((s) => s.counterOrdersPerSec));
  const achievedRate = f.fillsMade / f.runS;
  const loopMax = Math.max(f.idleLoopMaxMs, ...samples.map((s) => s.eventLoopMaxMs));
  const checks: SoakCheck[] = [
    {
      name: 'holds the rate',
      target: `every ${o.sampleS} s ≥ 90 % of ${o.rate}/s, ≤ 1 % of fills found no order`,
      measured: `slowest sample ${slowest.toFixed(0)}/s, ${f.fillsSkipped} of ${f.fillsMade + f.fillsSkipped} fills found no order`,
      met: slowest >= 0.9 * o.rate && f.fillsSkipped <= 0.01 * (f.fillsMade + f.fillsSkipped),
    },
    {
      name: 'CPU per fill flat',
      target: `last ${windowS} s ≤ 1.2 × first ${windowS} s`,
      measured: `${cpuLast.toFixed(0)} vs ${cpuFirst.toFixed(0)} µs (${(cpuLast / cpuFirst).toFixed(2)}×)`,
      met: cpuLast <= 1.2 * cpuFirst,
    },
    {
      name: 'RSS flat',
      target: `after the run ≤ after the first ${windowS} s + 32 MiB`,
      measured: `${f.rssAfterRunMiB.toFixed(1)} vs ${rssFirst.toFixed(1)} MiB (${(f.rssAfterRunMiB - rssFirst >= 0 ? '+' : '') + (f.rssAfterRunMiB - rssFirst).toFixed(1)})`,
      met: f.rssAfterRunMiB - rssFirst <= 32,
    },
    { name: 'idle CPU', target: `${o.idleS} s without fills < 5 % of a core`, measured: `${f.idleCpuPct.toFixed(1)} %`, met: f.idleCpuPct < 5 },
    { name: 'no event-loop stall', target: 'max delay ≤ 50 ms', measured: `${loopMax.toFixed(1)} ms${stallNote(samples, loopMax)}`, met: loopMax <= 50 },
  ];
  return {
    status: 'ok',
    options: o,
    samples,
    windowS,
    fillsMade: f.fillsMade,
    fillsSkipped: f.fillsSkipped,
    achievedRate,
    cpuUsPerFillFirst: cpuFirst,
    cpuUsPerFillLast: cpuLast,
    rssAfterFirstWindowMiB: rssFirst,
    rssAfterRunMiB: f.rssAfterRunMiB,
    idleCpuPct: f.idleCpuPct,
    eventLoopMaxMs: loopMax,
    walRestarts: f.walRestarts,
    checks,
  };
}

/** A sample's WAL restarts: the worker's longest RESTART (w), the writer's longest BEGIN (lock), the main thread's longest own checkpoint (main), ms. */
function walCell(s: SoakSample): string {
  const parts = [
    s.walWorkerRestartMaxMs > 0 ? `w ${s.walWorkerRestartMaxMs.toFixed(1)}` : '',
    s.walLockWaitMaxMs > 0 ? `lock ${s.walLockWaitMaxMs.toFixed(1)}` : '',
    s.walWriterCheckpointMaxMs > 0 ? `main ${s.walWriterCheckpointMaxMs.toFixed(1)}` : '',
  ];
  return parts.filter((p) => p !== '').join(', ') || '–';
}

/**
 * What else the sample of the worst stall saw: its longest GC pause, the machine's load and the WAL
 * restarts in it (a stall with none of them is a long turn of ours).
 */
function stallNote(samples: readonly SoakSample[], loopMax: number): string {
  const worst = samples.find((s) => s.eventLoopMaxMs === loopMax);
  return worst === undefined
    ? ''
    : ` (at ${worst.t} s: longest GC pause ${worst.gcMaxMs.toFixed(1)} ms ${worst.gcMaxKind}, load ${worst.load1.toFixed(1)}, WAL restart ${walCell(worst)})`;
}

/** The soak's options from argv (`--minutes=`, `--rate=`, `--markets=`, `--sample=`, `--idle=`, `--soak-churn=` / `--churn=`). */
export function soakOptions(argv: readonly string[], prefix = ''): SoakOptions {
  const get = (name: string): number | undefined => {
    const v = argv.find((a) => a.startsWith(`--${prefix}${name}=`))?.slice(prefix.length + name.length + 3);
    return v === undefined ? undefined : Number(v);
  };
  return {
    minutes: get('minutes') ?? 5,
    rate: get('rate') ?? 300,
    markets: get('markets') ?? 20,
    sampleS: get('sample') ?? 10,
    idleS: get('idle') ?? 20,
    churnHz: get('churn') ?? 0,
  };
}

/** The checks as a markdown table. */
export function soakTable(r: SoakResult): string {
  if (r.status !== 'ok') return `soak ${r.status}`;
  return table(
    ['soak target', 'measured', 'met'],
    r.checks.map((c) => [`${c.name}: ${c.target}`, c.measured, c.met ? 'PASS' : 'FAIL']),
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o = soakOptions(argv);
  const here = dirname(fileURLToPath(import.meta.url));
  const out = argv.find((a) => a.startsWith('--out='))?.slice(6) ?? join(resolve(here, '..', '..'), 'bench', 'soak-results.json');
  const server = new BenchServer();
  let result: SoakResult;
  try {
    result = await runSoak(server, o);
  } finally {
    await server.exit();
  }
  console.log('\n' + soakTable(result));
  writeFileSync(out, JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, soak: result }, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
