/**
 * `journal`: the journal's own CPU per fill, in process. The market machine of the `actor` section
 * (bench/market-driver.ts) with the real `journalInspector` + `Journal` on a file, wired as the
 * runtime wires them: each fill (deal, final report, desk answer, new order's report) is one batch
 * whose events are appended at relay time and committed at its end; the reporting rows are written
 * every 250 ms of simulated time (1,000 fills per simulated second: every 250 fills).
 *
 * Two numbers per repetition:
 * - `journalUsPerFill`: time spent inside the journal (the inspect hook's calls, the commit, the
 *   reporting write) per fill, from `process.hrtime` around each of them (on-CPU: nothing in them
 *   waits, SQLite is synchronous and the WAL's fsync is in the checkpoint worker);
 * - `cpuUsPerFill` with and without the journal: the whole process's CPU (`process.cpuUsage`, the
 *   checkpoint worker included) per fill, so the difference is what the journal costs the bot.
 *
 * Entry point: `measureJournalCpu`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InspectionEvent, SimulatedClock } from 'xstate';
import { journalInspector, openJournal } from '../src/runtime/journal/index.js';
import { cpuUs, median } from './common.js';
import { input, startDrivenMarket } from './market-driver.js';

const REPORT_EVERY_MS = 250;
const FILLS_PER_S = 1000;

export interface JournalCpuResult {
  readonly fills: number;
  readonly reps: number;
  /** Median over the repetitions: µs inside the journal per fill. */
  readonly journalUsPerFill: number;
  /** Median: process CPU µs per fill with the journal. */
  readonly cpuUsPerFill: number;
  /** Median: process CPU µs per fill of the same market without the journal. */
  readonly bareCpuUsPerFill: number;
  readonly runs: { journalUsPerFill: number; cpuUsPerFill: number; bareCpuUsPerFill: number }[];
}

const hr = (): number => Number(process.hrtime.bigint()) / 1000;

/** One run: `fills` fills after `warmup`, with the journal or without. */
async function runOnce(fills: number, warmup: number, withJournal: boolean): Promise<{ cpu: number; inside: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-cpu-'));
  const clock = new SimulatedClock();
  const base = Date.now();
  const now = (): number => base + clock.now();
  const journal = withJournal ? openJournal({ path: join(dir, 'bench.journal'), now, checkpointIn: 'worker' }) : null;
  let inside = 0;
  const due: (() => void)[] = [];
  let dueAt = Infinity;
  const hook =
    journal === null
      ? null
      : journalInspector(journal, {
          defer: (write) => {
            if (due.length === 0) dueAt = now() + REPORT_EVERY_MS;
            due.push(write);
          },
        });
  const inspect =
    hook === null
      ? undefined
      : (e: InspectionEvent): void => {
          const t0 = hr();
          hook(e);
          inside += hr() - t0;
        };
  journal?.beginMarketRun(input);
  const market = await startDrivenMarket({ now, clock, ...(inspect ? { inspect } : {}) });
  let cpu0 = cpuUs();
  let inside0 = 0;
  try {
    for (let n = 0; n < fills + warmup; n += 1) {
      if (n === warmup) {
        cpu0 = cpuUs();
        inside0 = inside;
      }
      clock.increment(1000 / FILLS_PER_S);
      if (journal === null) {
        market.fill();
      } else {
        journal.openBatch();
        try {
          market.fill();
        } finally {
          journal.closeBatch();
        }
        const t0 = hr();
        journal.commit();
        if (now() >= dueAt) {
          dueAt = Infinity;
          for (let w = due.shift(); w !== undefined; w = due.shift()) w();
        }
        inside += hr() - t0;
      }
      // A turn of the event loop now and then: the IO actors' promises, the checkpoint worker.
      if (n % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    return { cpu: (cpuUs() - cpu0) / fills, inside: (inside - inside0) / fills };
  } finally {
    market.stop();
    hook?.flush();
    journal?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `reps` repetitions with and without the journal; returns the medians. */
export async function measureJournalCpu(fills: number, reps = 3): Promise<JournalCpuResult> {
  const warmup = Math.min(2000, Math.floor(fills / 4));
  const runs: JournalCpuResult['runs'] = [];
  for (let r = 0; r < reps; r += 1) {
    const bare = await runOnce(fills, warmup, false);
    const withJ = await runOnce(fills, warmup, true);
    runs.push({ journalUsPerFill: withJ.inside, cpuUsPerFill: withJ.cpu, bareCpuUsPerFill: bare.cpu });
  }
  return {
    fills,
    reps,
    journalUsPerFill: median(runs.map((r) => r.journalUsPerFill)),
    cpuUsPerFill: median(runs.map((r) => r.cpuUsPerFill)),
    bareCpuUsPerFill: median(runs.map((r) => r.bareCpuUsPerFill)),
    runs,
  };
}
