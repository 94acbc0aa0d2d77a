/**
 * What one market actor allocates per fill, in memory (bench/market-driver.ts: no sockets, no
 * journal, no log), and its CPU per fill: the young-generation bytes from the GC census
 * (window-gc.ts) over `fills` fills, median of `runs` runs; the driver's own events are counted
 * too (~2 KiB a fill in a heap profile). Unlike the latency rows, the figure does
 * not move with the load of a shared machine, so it is the one to compare when the hot path of the
 * market machine changes (issue 13: allocation sets how often the runtime scavenges, and each
 * scavenge promotes the middle-aged state alive at that moment).
 *
 * `BENCH_HEAP_PROF=file` also writes a sampling heap profile (every allocation) of one run.
 *
 *   node --expose-gc dist-bench/bench/actor-alloc.js [fills=20000] [runs=3]
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { median } from './common.js';
import { startDrivenMarket } from './market-driver.js';
import { startWindowGc, stopWindowGc } from './window-gc.js';
import { inspectorPost as post } from './window-profile.js';

async function main(): Promise<void> {
  const fills = Number(process.argv[2] ?? 20_000);
  const runs = Number(process.argv[3] ?? 3);
  const gc = (globalThis as { gc?: () => void }).gc;
  const kib: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run <= runs; run += 1) {
    const market = await startDrivenMarket({ now: Date.now });
    for (let i = 0; i < 2_000; i += 1) market.fill();
    gc?.();
    startWindowGc();
    const before = process.cpuUsage();
    for (let i = 0; i < fills; i += 1) market.fill();
    const used = process.cpuUsage(before);
    const census = stopWindowGc();
    // The first run warms the code and is not reported.
    if (run > 0) {
      kib.push(census.youngAllocatedBytes / fills / 1024);
      cpu.push((used.user + used.system) / fills);
    }
    market.stop();
  }
  console.log(`market actor in memory, ${fills} fills x ${runs} runs (4 events a fill), median [runs]`);
  console.log(`allocated ${median(kib).toFixed(1)} KiB/fill  [${kib.map((x) => x.toFixed(1)).join(' ')}]`);
  console.log(`CPU       ${median(cpu).toFixed(1)} µs/fill   [${cpu.map((x) => x.toFixed(1)).join(' ')}]`);
  const file = process.env.BENCH_HEAP_PROF;
  if (file) {
    const market = await startDrivenMarket({ now: Date.now });
    for (let i = 0; i < 2_000; i += 1) market.fill();
    const session = new Session();
    session.connect();
    await post(session, 'HeapProfiler.enable');
    await post(session, 'HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < fills; i += 1) market.fill();
    const { profile } = (await post(session, 'HeapProfiler.stopSampling')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    market.stop();
    session.disconnect();
  }
}

void main();
