/**
 * GC census of a latency row's measured window (issue 13's allocation work): every collection V8
 * ran while the window was open, from `v8.GCProfiler` (Node ≥ 20), summed into what the fill path's
 * garbage costs: scavenges and mark-compacts, their pauses, the bytes promoted to the old space by
 * each scavenge (objects that outlived one young generation: the middle-aged survivors a later
 * mark-compact has to find) and the bytes allocated in the young generation between scavenges.
 *
 * Entry points: `startWindowGc`, `stopWindowGc` (returns the census). Always on: the profiler
 * reads heap statistics at each GC only, which costs nothing between collections.
 */
import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';

export interface WindowGc {
  readonly scavenges: number;
  readonly scavengeMeanMs: number;
  readonly scavengeMaxMs: number;
  readonly markCompacts: number;
  readonly markCompactMaxMs: number;
  /** Bytes scavenges moved into the old space (old-space growth across each scavenge). */
  readonly promotedBytes: number;
  /** Mean bytes a scavenge left in the young generation (objects that survived it there: copied once, promoted at the next). */
  readonly survivedMeanBytes: number;
  /** Bytes allocated in the young generation over the window up to the last collection (new-space use before each, less after the one before). */
  readonly youngAllocatedBytes: number;
}

interface SpaceStat {
  readonly spaceName: string;
  readonly spaceUsedSize: number;
}
interface GcStat {
  readonly gcType: string;
  readonly cost: number;
  readonly beforeGC: { readonly heapSpaceStatistics: readonly SpaceStat[] };
  readonly afterGC: { readonly heapSpaceStatistics: readonly SpaceStat[] };
}

let profiler: GCProfiler | null = null;
let youngAtStart = 0;

const used = (spaces: readonly SpaceStat[], name: string): number => spaces.find((s) => s.spaceName === name)?.spaceUsedSize ?? 0;

export function startWindowGc(): void {
  profiler?.stop();
  profiler = new GCProfiler();
  const spaces = getHeapSpaceStatistics().map((s) => ({ spaceName: s.space_name, spaceUsedSize: s.space_used_size }));
  youngAtStart = used(spaces, 'new_space') + used(spaces, 'new_large_object_space');
  profiler.start();
}

export function stopWindowGc(): WindowGc {
  const stats = ((profiler?.stop() as { statistics: GcStat[] } | undefined)?.statistics ?? []) as readonly GcStat[];
  profiler = null;
  const pauses: number[] = [];
  let markCompacts = 0;
  let markCompactMaxMs = 0;
  let promoted = 0;
  let survived = 0;
  let young = 0;
  let youngAfterLast = youngAtStart;
  for (const s of stats) {
    const before = s.beforeGC.heapSpaceStatistics;
    const after = s.afterGC.heapSpaceStatistics;
    const newBefore = used(before, 'new_space') + used(before, 'new_large_object_space');
    young += Math.max(0, newBefore - youngAfterLast);
    youngAfterLast = used(after, 'new_space') + used(after, 'new_large_object_space');
    if (s.gcType === 'Scavenge' || s.gcType === 'MinorMarkSweep') {
      pauses.push(s.cost / 1000);
      survived += used(after, 'new_space') + used(after, 'new_large_object_space');
      promoted += Math.max(0, used(after, 'old_space') + used(after, 'large_object_space') - used(before, 'old_space') - used(before, 'large_object_space'));
    } else if (s.gcType === 'MarkSweepCompact') {
      markCompacts += 1;
      markCompactMaxMs = Math.max(markCompactMaxMs, s.cost / 1000);
    }
  }
  return {
    scavenges: pauses.length,
    scavengeMeanMs: pauses.length === 0 ? 0 : pauses.reduce((a, b) => a + b, 0) / pauses.length,
    scavengeMaxMs: pauses.reduce((a, b) => Math.max(a, b), 0),
    markCompacts,
    markCompactMaxMs,
    promotedBytes: promoted,
    survivedMeanBytes: pauses.length === 0 ? 0 : survived / pauses.length,
    youngAllocatedBytes: young,
  };
}
