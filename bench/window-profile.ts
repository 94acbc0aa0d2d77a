/**
 * Window profile (BENCH_WINDOW_PROF=dir): a CPU profile of this process's main thread over each
 * latency row's measured window only, written as `<dir>/<bot>-<markets>x<rate>.cpuprofile`, and over
 * each burst (`<dir>/<bot>-<markets>-burst.cpuprofile`, with `<label>.marks.json`: the burst's first
 * and last fill frame and last counter-order, on the profile's clock, so the part after the last
 * frame can be read apart: `writeWindowMarks`). A
 * whole-run `--cpu-prof` is dominated by start-up, module loading and the idle waits between rows,
 * so the per-fill cost of one piece cannot be read from it. Leave it off for the figures themselves.
 *
 * `BENCH_HEAP_PROF=dir` does the same with V8's sampling heap profiler (`<label>.heapprofile`, for
 * Chrome DevTools or speedscope): by default every sampled allocation of the window, the ones minor
 * and major GCs collected included (where the bytes come from); with `BENCH_HEAP_PROF_LIVE=1` only
 * the samples still alive when the window closes, and with `BENCH_HEAP_PROF_LIVE=major` those plus
 * the ones a major GC collected (less the live ones: what outlived a scavenge and died old, the
 * middle-aged objects that promotion copies and mark-compact frees).
 */
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = process.env.BENCH_WINDOW_PROF;
const HEAP_DIR = process.env.BENCH_HEAP_PROF;
const HEAP_LIVE = process.env.BENCH_HEAP_PROF_LIVE ?? '';
let session: Session | null = null;

/** One inspector protocol call on `s`, as a promise (also bench/actor-alloc.ts). */
export function inspectorPost(s: Session, method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => s.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
}

function post(method: string, params?: object): Promise<unknown> {
  return session === null ? Promise.resolve(undefined) : inspectorPost(session, method, params);
}

export async function startWindowProfile(): Promise<void> {
  if (!DIR && !HEAP_DIR) return;
  if (!session) {
    session = new Session();
    session.connect();
    if (DIR) {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
    }
    if (HEAP_DIR) await post('HeapProfiler.enable');
  }
  if (DIR) await post('Profiler.start');
  if (HEAP_DIR)
    await post('HeapProfiler.startSampling', {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: HEAP_LIVE !== '1',
      includeObjectsCollectedByMinorGC: HEAP_LIVE === '',
    });
}

export async function stopWindowProfile(label: string): Promise<void> {
  if (!session) return;
  if (DIR) {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    mkdirSync(DIR, { recursive: true });
    writeFileSync(join(DIR, `${label}.cpuprofile`), JSON.stringify(profile));
  }
  if (HEAP_DIR) {
    const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
    mkdirSync(HEAP_DIR, { recursive: true });
    writeFileSync(join(HEAP_DIR, `${label}${HEAP_LIVE === '1' ? '-live' : HEAP_LIVE === 'major' ? '-major' : ''}.heapprofile`), JSON.stringify(profile));
  }
}

/**
 * Writes `<dir>/<label>.marks.json` beside a window profile: named instants (`process.hrtime.bigint()`
 * ns, the probe's stamps) as µs on the profile's clock. Both are CLOCK_MONOTONIC on Linux (libuv's
 * `uv_hrtime` and V8's `TimeTicks`), so a sample's time (the profile's `startTime` plus its
 * `timeDeltas`) compares with them directly.
 */
export function writeWindowMarks(label: string, marks: Readonly<Record<string, bigint>>): void {
  if (!DIR) return;
  const us: Record<string, number> = {};
  for (const [k, ns] of Object.entries(marks)) us[k] = Number(ns / 1000n);
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${label}.marks.json`), JSON.stringify(us));
}
