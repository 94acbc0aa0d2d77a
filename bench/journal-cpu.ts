/**
 * `journal`: the journal's own CPU per fill, in process. First the market machine of the `actor`
 * section (bench/market-driver.ts) runs `fills` fills with an `inspect` callback that only records
 * what XState reports (the events relayed and the snapshots, by fill); then that record is played
 * through the real `journalInspector` + `Journal` on a file, wired as the runtime wires them: each
 * fill (deal, final report, desk answer, new order's report) is one batch whose events are appended
 * at relay time and committed at its end, and the reporting rows are written every 250 fills (250
 * ms at 1,000 fills/s).
 *
 * Why a recording: with the machine in the loop, the journal's share is a difference of two noisy
 * process totals, or per-call timers whose own cost is of the same order. Played back, the loop is
 * the journal and nothing else, and `process.cpuUsage` around it (CPU time, not wall time: on a
 * shared machine a descheduled process would count its wait; the checkpoint worker's thread is in
 * it) divided by the fills is its CPU per fill.
 *
 * Entry point: `measureJournalCpu`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InspectionEvent } from 'xstate';
import { journalInspector, openJournal } from '../src/runtime/journal/index.js';
import { cpuUs, median } from './common.js';
import { input, startDrivenMarket } from './market-driver.js';

const REPORT_EVERY_FILLS = 250;

export interface JournalCpuResult {
  readonly fills: number;
  readonly reps: number;
  /** Median over the repetitions: journal CPU µs per fill. */
  readonly journalUsPerFill: number;
  readonly runs: number[];
}

/** Runs the market for `fills` fills after a warm-up and returns what the inspect callback saw, per fill. */
async function record(fills: number, warmup: number): Promise<InspectionEvent[][]> {
  const perFill: InspectionEvent[][] = [];
  let current: InspectionEvent[] | null = null;
  const market = await startDrivenMarket({
    now: Date.now,
    inspect: (e) => {
      if (current !== null && (e.type === '@xstate.event' || e.type === '@xstate.snapshot')) current.push(e);
    },
  });
  try {
    for (let n = 0; n < warmup + fills; n += 1) {
      current = n < warmup ? null : [];
      market.fill();
      if (current !== null) perFill.push(current);
    }
  } finally {
    market.stop();
  }
  return perFill;
}

/** Plays the recording through the inspect hook and a fresh journal; returns CPU µs per fill. */
async function playOnce(perFill: readonly InspectionEvent[][]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-cpu-'));
  const journal = openJournal({ path: join(dir, 'bench.journal'), checkpointIn: 'worker', tail: true });
  const due: (() => void)[] = [];
  const hook = journalInspector(journal, { defer: (write) => void due.push(write) });
  journal.beginMarketRun(input);
  try {
    const t0 = cpuUs();
    for (let n = 0; n < perFill.length; n += 1) {
      journal.openBatch();
      try {
        for (const e of perFill[n] ?? []) hook(e);
      } finally {
        journal.closeBatch();
      }
      journal.commit();
      if (n % REPORT_EVERY_FILLS === REPORT_EVERY_FILLS - 1) for (let w = due.shift(); w !== undefined; w = due.shift()) w();
      // A turn of the event loop now and then, as the runtime has: the checkpoint worker's messages.
      if (n % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    return (cpuUs() - t0) / perFill.length;
  } finally {
    hook.flush();
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records `fills` fills once, plays them once to warm up, then `reps` times, and returns the median. */
export async function measureJournalCpu(fills: number, reps = 3): Promise<JournalCpuResult> {
  const perFill = await record(fills, Math.min(2000, Math.floor(fills / 4)));
  await playOnce(perFill);
  const runs: number[] = [];
  for (let r = 0; r < reps; r += 1) runs.push(await playOnce(perFill));
  return { fills, reps, journalUsPerFill: median(runs), runs };
}
