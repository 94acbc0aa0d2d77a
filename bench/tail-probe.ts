/**
 * Tail probe (BENCH_TAIL=1): what ran while the slowest reaction samples waited. Records, in this
 * process, the intervals of the runtime's after-turn work (the whole after-turn callback, the
 * journal's reporting write, the market log's block write), journal commits, the WAL restart
 * checkpoint and GC pauses, plus the event-loop delay over the window; after the window it lays
 * them over each sample's frame → counter-order span.
 *
 * A bench probe only (nothing in src depends on it): it patches prototypes of the modules the bot
 * runs from, once, when enabled.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Journal } from '../src/runtime/journal/journal.js';
import { WalLimit } from '../src/runtime/journal/wal-limit.js';
import { setAfterTurnSchedule } from '../src/runtime/turn/turn-order.js';
import { lastAtOrBefore } from './time-search.js';

type Kind = 'afterTurn' | 'reports' | 'slice' | 'logBlock' | 'commit' | 'commitRep' | 'wal' | 'gc';

interface Interval {
  readonly kind: Kind;
  readonly t0: bigint;
  readonly t1: bigint;
  /** Process CPU µs (user + system, every thread) over the interval. */
  readonly cpu: number;
}

// Process CPU (every thread: the checkpoint worker's and GC helpers' too, so a piece's p99 can be
// inflated). Not /proc/thread-self/schedstat: it is updated at scheduler ticks, so pieces under a
// few ms read 0 or one tick.
const cpuNow = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

export const TAIL_ENABLED = process.env.BENCH_TAIL === '1';

/**
 * The main thread's time spent runnable but waiting for a core (µs, the kernel's `run_delay`, field 2 of
 * /proc/thread-self/schedstat; NaN where there is none). The kernel adds a wait when the thread gets the
 * core back, so a reading taken on the main thread (a frame's stamp) includes every wait before it: the
 * difference across a sample's span is how long the bot was ready and not running. One pread of a file
 * opened once (~2 µs). Opened on the main thread, so `thread-self` is the main thread for good.
 */
let schedFd: number | null = null;
const schedBuf = Buffer.alloc(96);
const coreWaitNow = (): number => {
  if (schedFd === null) {
    try {
      schedFd = openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      schedFd = -1;
    }
  }
  if (schedFd < 0) return Number.NaN;
  try {
    const n = readSync(schedFd, schedBuf, 0, schedBuf.length, 0);
    return Number(schedBuf.toString('latin1', 0, n).split(' ')[1]) / 1000;
  } catch {
    closeSync(schedFd);
    schedFd = -1;
    return Number.NaN;
  }
};

let intervals: Interval[] = [];
/**
 * Process CPU at each frame `ws` emits and each frame sent, in time order: the CPU over a sample's span
 * (on REST rows up to the last frame before the request's body was sent).
 */
let stamps: { readonly t: bigint; readonly cpu: number; readonly coreWait: number }[] = [];
let armed = false;
let installed = false;
let loopDelay: IntervalHistogram | null = null;

function timed<A extends unknown[], R>(kind: Kind, f: (this: unknown, ...a: A) => R): (this: unknown, ...a: A) => R {
  return function (this: unknown, ...a: A): R {
    if (!armed) return f.apply(this, a);
    const c0 = cpuNow();
    const t0 = process.hrtime.bigint();
    try {
      return f.apply(this, a);
    } finally {
      const t1 = process.hrtime.bigint();
      intervals.push({ kind, t0, t1, cpu: cpuNow() - c0 });
    }
  };
}

/** Patches the runtime once (no-op unless BENCH_TAIL=1). */
export function installTailProbe(): void {
  if (!TAIL_ENABLED || installed) return;
  installed = true;
  const jp = Journal.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const writeReports = timed('reports', jp.writeReports as (...a: unknown[]) => unknown);
  let reportsSinceCommit = false;
  jp.writeReports = function (this: unknown, ...a: unknown[]): unknown {
    reportsSinceCommit = true;
    return writeReports.apply(this, a);
  };
  if (typeof jp.writeReportSlice === 'function') {
    const slice = timed('slice', jp.writeReportSlice);
    jp.writeReportSlice = function (this: unknown, ...a: unknown[]): unknown {
      reportsSinceCommit = true;
      return slice.apply(this, a);
    };
  }
  const commit = timed('commit', jp.commit as (...a: unknown[]) => unknown);
  const commitRep = timed('commitRep', jp.commit as (...a: unknown[]) => unknown);
  jp.commit = function (this: unknown, ...a: unknown[]): unknown {
    if (!(this as { txOpen: boolean }).txOpen) return commit.apply(this, a);
    const r = reportsSinceCommit;
    reportsSinceCommit = false;
    return (r ? commitRep : commit).apply(this, a);
  };
  // Installed after the latency probe's wrappers (run.ts), so these stamps come just before its t0 and t1.
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
    if (armed && event === 'message') stamps.push({ t: process.hrtime.bigint(), cpu: cpuNow(), coreWait: coreWaitNow() });
    return emit.apply(this, [event, ...args]);
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, ...a: unknown[]): void {
    if (armed) stamps.push({ t: process.hrtime.bigint(), cpu: cpuNow(), coreWait: coreWaitNow() });
    (send as (this: WebSocket, ...x: unknown[]) => void).apply(this, a);
  };
  const wp = WalLimit.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  wp.restart = timed('wal', wp.restart as (...a: unknown[]) => unknown);
  const previous = setAfterTurnSchedule(() => {});
  setAfterTurnSchedule((f) => previous(timed('afterTurn', f)));
  // performance.now() (ms since timeOrigin) → hrtime ns
  const origin = process.hrtime.bigint() - BigInt(Math.round(performance.now() * 1e6));
  new PerformanceObserver((list) => {
    if (!armed) return;
    for (const e of list.getEntries()) {
      const t0 = origin + BigInt(Math.round(e.startTime * 1e6));
      intervals.push({ kind: 'gc', t0, t1: t0 + BigInt(Math.round(e.duration * 1e6)), cpu: e.duration * 1000 });
    }
  }).observe({ entryTypes: ['gc'] });
}

/** Wraps a log destination's `gather` (the market log's block write). */
export function tailWrapGather<T extends { gather(work: () => void): void }>(dest: T): T {
  if (!TAIL_ENABLED) return dest;
  dest.gather = timed('logBlock', dest.gather.bind(dest) as (this: unknown, w: () => void) => void);
  return dest;
}

export function armTail(): void {
  if (!TAIL_ENABLED) return;
  intervals = [];
  stamps = [];
  armed = true;
  loopDelay?.disable();
  loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
}

interface Pair {
  readonly t0: bigint;
  readonly t1: bigint;
  /** The sample is a level wait (bench/level-wait.ts, decided in bench/probe.ts for every row). */
  readonly levelWait: boolean;
}

const us = (ns: bigint): number => Number(ns) / 1000;

/** Prints the breakdown of the window's samples (slowest 1 % in detail). */
export function reportTail(label: string, pairs: readonly Pair[], frames: readonly { t: bigint; data: unknown }[]): void {
  const messages = frames.map((m) => m.t);
  if (!TAIL_ENABLED) return;
  armed = false;
  loopDelay?.disable();
  const ld = loopDelay;
  const kinds: Kind[] = ['afterTurn', 'reports', 'slice', 'logBlock', 'commit', 'commitRep', 'wal', 'gc'];
  // Durations per kind over the window.
  const per = new Map<Kind, number[]>();
  const perCpu = new Map<Kind, number[]>();
  for (const i of intervals) {
    const l = per.get(i.kind) ?? [];
    l.push(us(i.t1 - i.t0));
    per.set(i.kind, l);
    const c = perCpu.get(i.kind) ?? [];
    c.push(i.cpu);
    perCpu.set(i.kind, c);
  }
  const q = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  };
  console.log(
    `  [tail ${label}] event-loop delay: max ${ld ? (ld.max / 1e6).toFixed(1) : '?'} ms, p99 ${ld ? (ld.percentile(99) / 1e6).toFixed(1) : '?'} ms, mean ${ld ? (ld.mean / 1e6).toFixed(2) : '?'} ms`,
  );
  for (const k of kinds) {
    const l = per.get(k) ?? [];
    if (l.length === 0) continue;
    const sum = l.reduce((a, b) => a + b, 0);
    const c = perCpu.get(k) ?? [];
    const csum = c.reduce((a, b) => a + b, 0);
    console.log(
      `  [tail ${label}] ${k.padEnd(9)} n ${String(l.length).padStart(5)}  wall p50 ${q(l, 0.5).toFixed(0)} p99 ${q(l, 0.99).toFixed(0)} max ${Math.max(...l).toFixed(0)} sum ${(sum / 1000).toFixed(1)} ms | ` +
        `cpu p50 ${q(c, 0.5).toFixed(0)} p99 ${q(c, 0.99).toFixed(0)} max ${Math.max(...c).toFixed(0)} sum ${(csum / 1000).toFixed(1)} ms  (µs)`,
    );
  }
  // A GC pause inside a piece of after-turn work is charged to it above (a scavenge runs where the
  // allocation that triggers it happens): the same pieces without it, to tell their own cost apart.
  const gcs = intervals.filter((i) => i.kind === 'gc');
  for (const k of ['afterTurn', 'slice', 'logBlock', 'commitRep'] as const) {
    const own: number[] = [];
    let withGc = 0;
    for (const i of intervals) {
      if (i.kind !== k) continue;
      let gc = 0n;
      for (const g of gcs) if (g.t1 > i.t0 && g.t0 < i.t1) gc += (g.t1 < i.t1 ? g.t1 : i.t1) - (g.t0 > i.t0 ? g.t0 : i.t0);
      if (gc > 0n) withGc += 1;
      own.push(us(i.t1 - i.t0 - gc));
    }
    if (own.length === 0) continue;
    console.log(
      `  [tail ${label}] ${k.padEnd(9)} less GC wall p50 ${q(own, 0.5).toFixed(0)} p99 ${q(own, 0.99).toFixed(0)} max ${Math.max(...own).toFixed(0)} (µs); ${withGc} of ${own.length} had a GC pause inside`,
    );
  }
  // Each sample: how much of each kind overlapped its span, and how many frames arrived in it.
  const sorted = [...pairs].sort((a, b) => Number(b.t1 - b.t0 - (a.t1 - a.t0)));
  const top = sorted.slice(0, Math.max(1, Math.ceil(sorted.length * 0.02)));
  const overlap = (p: Pair, k: Kind): number => {
    let s = 0n;
    for (const i of intervals) {
      if (i.kind !== k || i.t1 <= p.t0 || i.t0 >= p.t1) continue;
      s += (i.t1 < p.t1 ? i.t1 : p.t1) - (i.t0 > p.t0 ? i.t0 : p.t0);
    }
    return us(s);
  };
  // What ran just before the frame: the latest interval that ended within 5 ms before t0.
  const before = (p: Pair): string => {
    let best: Interval | null = null;
    for (const i of intervals) if (i.t1 <= p.t0 && p.t0 - i.t1 < 5_000_000n && (best === null || i.t1 > best.t1)) best = i;
    return best === null ? '-' : `${best.kind} ${us(best.t1 - best.t0).toFixed(0)}µs ended ${us(p.t0 - best.t1).toFixed(0)}µs before`;
  };
  const framesIn = (p: Pair): number => {
    let n = 0;
    for (const t of messages) if (t > p.t0 && t < p.t1) n += 1;
    return n;
  };
  const kindOf = (data: unknown): string => {
    const text = Buffer.isBuffer(data) ? data.toString('utf8', 0, 200) : String(data).slice(0, 200);
    const m = /"method":"([^"]+)"/.exec(text);
    return m?.[1] ?? 'reply';
  };
  const kindsIn = (p: Pair): string => {
    const out: string[] = [];
    for (const m of frames) if (m.t > p.t0 && m.t < p.t1) out.push(`${kindOf(m.data)}+${us(m.t - p.t0).toFixed(0)}`);
    return out.join(' ');
  };
  // What each slow sample waited for: `level`: a level wait, the rule of every row (bench/level-wait.ts:
  // its level was held by another order of the bot, which filled in its span); otherwise from the frames
  // around it: `queued`: fills came within 5 ms before it or frames of other kinds during it (it waited its
  // turn); `local`: nothing arrived (our own CPU, a pause, or the process descheduled: compare its CPU
  // with its wall time).
  const stampAt = (t: bigint): (typeof stamps)[number] | null => stamps[lastAtOrBefore(stamps, t, (s) => s.t)] ?? null;
  const cpuAt = (t: bigint): number | null => stampAt(t)?.cpu ?? null;
  /** How long the main thread waited for a core within the sample's span (µs; NaN without schedstat). */
  const coreWaitIn = (p: Pair): number => (stampAt(p.t1)?.coreWait ?? Number.NaN) - (stampAt(p.t0)?.coreWait ?? Number.NaN);
  // `core`: the main thread spent half the span or more ready but without a core (the exchange's process
  // and the bot's other threads share the machine's two cores): the machine, not the bot's work.
  const classify = (p: Pair): string => {
    if (p.levelWait) return 'level';
    if (coreWaitIn(p) >= us(p.t1 - p.t0) / 2) return 'core';
    const fill = frames.find((m) => m.t === p.t0);
    let others = false;
    for (const m of frames) {
      if (m.t <= p.t0 - 5_000_000n || m.t >= p.t1 || m === fill) continue;
      const k = kindOf(m.data);
      if (m.t < p.t0 ? k === 'deals_update' : k !== 'depth_update' && k !== 'lastprice_update') others = true;
    }
    return others ? 'queued' : 'local';
  };
  const excerpt = (data: unknown): string => (Buffer.isBuffer(data) ? data.toString('utf8', 0, 150) : String(data).slice(0, 150));
  const crossing = pairs.filter((p) => framesIn(p) > 0);
  const lat = (ps: readonly Pair[]): number[] => ps.map((p) => us(p.t1 - p.t0));
  console.log(
    `  [tail ${label}] samples with frames in span: ${crossing.length} of ${pairs.length}; their p50 ${q(lat(crossing), 0.5).toFixed(0)} µs, p99 ${q(lat(crossing), 0.99).toFixed(0)}; ` +
      `others p50 ${q(lat(pairs.filter((p) => framesIn(p) === 0)), 0.5).toFixed(0)} p99 ${q(lat(pairs.filter((p) => framesIn(p) === 0)), 0.99).toFixed(0)}`,
  );
  console.log(`  [tail ${label}] slowest ${top.length} of ${pairs.length} samples (µs of overlap per kind):`);
  for (const p of top) {
    const parts = kinds
      .map((k) => [k, overlap(p, k)] as const)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`);
    const wall = us(p.t1 - p.t0)
      .toFixed(0)
      .padStart(7);
    const cpu = ((cpuAt(p.t1) ?? NaN) - (cpuAt(p.t0) ?? NaN)).toFixed(0);
    console.log(
      `    ${wall} µs  ${classify(p)}, cpu ${cpu} µs, waited for a core ${coreWaitIn(p).toFixed(0)} µs  [${parts.join(', ')}]  before: ${before(p)}  frames: ${kindsIn(p).slice(0, 300)}`,
    );
  }
  // BENCH_TAIL_FRAMES=1: the slowest three samples' frames; =crossing: every sample a frame arrived in (what it waited for).
  const framesOf =
    process.env.BENCH_TAIL_FRAMES === 'crossing'
      ? sorted.filter((p) => framesIn(p) > 0).slice(0, 40)
      : process.env.BENCH_TAIL_FRAMES === '1'
        ? top.slice(0, 3)
        : [];
  if (framesOf.length > 0)
    for (const p of framesOf) {
      console.log(`    -- ${us(p.t1 - p.t0).toFixed(0)} µs sample, frames from 20 ms before:`);
      for (const m of frames)
        if (m.t > p.t0 - 20_000_000n && m.t <= p.t1)
          console.log(
            `       ${us(m.t - p.t0)
              .toFixed(0)
              .padStart(7)} ${excerpt(m.data)}`,
          );
    }
  for (const frac of [0.01, 0.02]) {
    const n = Math.max(1, Math.ceil(sorted.length * frac));
    const by = new Map<string, { wall: number[]; cpu: number[] }>();
    for (const p of sorted.slice(0, n)) {
      const c = classify(p);
      const e = by.get(c) ?? { wall: [], cpu: [] };
      e.wall.push(us(p.t1 - p.t0));
      const c0 = cpuAt(p.t0);
      const c1 = cpuAt(p.t1);
      if (c0 !== null && c1 !== null) e.cpu.push(c1 - c0);
      by.set(c, e);
    }
    const parts = [...by].map(
      ([c, e]) => `${c} ${e.wall.length} (wall p50 ${q(e.wall, 0.5).toFixed(0)} µs, process CPU in span p50 ${q(e.cpu, 0.5).toFixed(0)} µs)`,
    );
    console.log(`  [tail ${label}] top ${frac * 100}% (${n}) waited for: ${parts.join('; ')}`);
  }
  // Share of the samples above p99 / p95 that overlapped each kind.
  for (const frac of [0.01, 0.05]) {
    const n = Math.max(1, Math.ceil(sorted.length * frac));
    const slow = sorted.slice(0, n);
    const hit = kinds.map((k) => `${k} ${slow.filter((p) => overlap(p, k) > 0).length}`);
    console.log(`  [tail ${label}] top ${frac * 100}% (${n}) overlapping: ${hit.join(', ')}`);
  }
  intervals = [];
  stamps = [];
}
