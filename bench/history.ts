/**
 * `history`: is a fill's cost flat over the life of a market? The market machine with the journal
 * (`Journal` + `journalInspector`, wired as `startRuntime` wires them), in memory on a simulated
 * clock, one market, fills one after another; at each checkpoint (10k, 100k, 1M fills) the heap
 * after a forced GC and the CPU per fill over the last stretch before it.
 *
 * It runs in a child process of its own (`runHistory` forks this file): the heap it may grow does
 * not weigh on the other sections, a heap exhausted ends the child and not the bench, and its CPU
 * is its own. Each checkpoint has the section's time and heap budget; past either, the remaining
 * checkpoints are `{ fills, status: 'stopped: <why>' }`.
 *
 * Why a simulated clock: the kill switch's refresh and every other timer run on simulated time
 * (`ratePerSec` fills per simulated second), so a million fills do not take a million real
 * timer periods, and the run repeats.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatedClock } from 'xstate';
import { type Journal, type JournalInspector, journalInspector, openJournal } from '../src/runtime/journal/index.js';
import { MiB, cpuUs, memory } from './common.js';
import { input, startDrivenMarket } from './market-driver.js';

export interface HistoryOptions {
  /** Fill counts at which a row is taken, ascending. */
  readonly checkpoints: readonly number[];
  /** Fills before each checkpoint over which CPU per fill is measured. */
  readonly stretch: number;
  /**
   * Fills at the start that no stretch includes (JIT, caches warming up): a row's stretch starts
   * at `max(checkpoint - stretch, warmup)`, so the first row measures a warm market, as the later ones do.
   */
  readonly warmup: number;
  /** Wall-clock budget of the whole section, s. */
  readonly seconds: number;
  /** Stop once the heap in use passes this, MiB (the child's old space is limited a little above it). */
  readonly heapMiB: number;
  /** Fills per simulated second (how fast simulated time runs). */
  readonly ratePerSec: number;
}

export type HistoryRow =
  | {
      readonly fills: number;
      readonly status: 'ok';
      /** Heap in use after a forced GC, MiB. */
      readonly heapMiB: number;
      /** Process CPU (user + system) per fill over the fills from `fromFill` to the checkpoint, µs. */
      readonly cpuUsPerFill: number;
      /** The first fill of the stretch measured: the checkpoint less `stretch`, not before `warmup`. */
      readonly fromFill: number;
      /** Wall-clock seconds from the first fill to this checkpoint. */
      readonly elapsedS: number;
    }
  | { readonly fills: number; readonly status: `stopped: ${string}` };

interface ChildMessage {
  readonly row: HistoryRow;
}

/**
 * The journal as `startRuntime` wires it (keep in step with start/wiring.ts and turn/turn-order.ts):
 * every market event appended at relay time into the batch's open transaction, one commit per batch,
 * the reporting rows written together every 250 ms (of simulated time here). Here one fill (its deal, the final report, the desk's
 * answer, the new order's report) is one batch; the runtime commits about once per fill too (the
 * batch that holds the counter-order commits, the others ride on the next commit or the lag timer).
 */
function wireJournal(journal: Journal, now: () => number): { hook: JournalInspector; turn: (work: () => void) => void } {
  // The runtime writes reporting rows every REPORT_EVERY_MS (inspect-hook.ts's default `defer`); here on the simulated clock.
  const REPORT_EVERY_MS = 250;
  const due: (() => void)[] = [];
  let dueAt = Infinity;
  const hook = journalInspector(journal, {
    defer: (write) => {
      if (due.length === 0) dueAt = now() + REPORT_EVERY_MS;
      due.push(write);
    },
  });
  return {
    hook,
    turn: (work) => {
      journal.openBatch();
      try {
        work();
      } finally {
        journal.closeBatch();
      }
      journal.commit();
      if (now() < dueAt) return;
      dueAt = Infinity;
      for (let w = due.shift(); w !== undefined; w = due.shift()) w();
    },
  };
}

/** The child: drives the fills and sends one `{ row }` per checkpoint. */
async function drive(o: HistoryOptions, send: (m: ChildMessage) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gridbot-history-'));
  const clock = new SimulatedClock();
  const base = Date.now();
  const now = (): number => base + clock.now();
  const journal = openJournal({ path: join(dir, 'history.journal'), now, checkpointIn: 'worker', tail: true });
  const { hook, turn } = wireJournal(journal, now);
  journal.beginMarketRun(input);
  const market = await startDrivenMarket({ now, clock, inspect: hook });
  const stepMs = 1000 / o.ratePerSec;
  const t0 = performance.now();
  let fills = 0;
  const pending = [...o.checkpoints].sort((a, b) => a - b);
  try {
    for (const target of pending.slice()) {
      let stopped: string | null = null;
      const fromFill = Math.min(target - 1, Math.max(fills, target - o.stretch, o.warmup));
      let cpuStart = cpuUs();
      for (; fills < target; fills += 1) {
        if (fills === fromFill) cpuStart = cpuUs();
        clock.increment(stepMs);
        turn(() => market.fill());
        if (fills % 1000 === 999 && fills + 1 < target) {
          // A turn of the event loop: settles the IO actors' promises (kill-switch refreshes) and the checkpoint worker.
          await new Promise((r) => setImmediate(r));
          const heap = process.memoryUsage().heapUsed / MiB;
          const elapsed = (performance.now() - t0) / 1000;
          if (heap > o.heapMiB) stopped = `heap ${heap.toFixed(0)} MiB over the ${o.heapMiB} MiB budget at ${fills + 1} fills`;
          else if (elapsed > o.seconds) stopped = `time budget ${o.seconds} s spent at ${fills + 1} fills`;
          else if (!market.lifecycle().startsWith('running')) stopped = `market left running (${market.lifecycle()}) at ${fills + 1} fills`;
          if (stopped !== null) break;
        }
      }
      if (stopped !== null) {
        for (const f of pending.filter((x) => x >= target)) send({ row: { fills: f, status: `stopped: ${stopped}` } });
        return;
      }
      const cpuUsPerFill = (cpuUs() - cpuStart) / (target - fromFill);
      const mem = await memory();
      send({ row: { fills: target, status: 'ok', heapMiB: mem.heapUsed / MiB, cpuUsPerFill, fromFill, elapsedS: (performance.now() - t0) / 1000 } });
    }
  } finally {
    market.stop();
    hook.flush();
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Forks this file and collects its rows; a child that dies (heap exhausted, a crash) or overruns
 * the budget by a minute leaves `stopped:` rows for the checkpoints it did not reach. Never throws.
 */
export async function runHistory(o: HistoryOptions, log: (row: HistoryRow) => void = () => {}): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(o)], {
    // BENCH_HISTORY_ARGS: Node flags for the child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the history.
    execArgv: [
      '--expose-gc',
      `--max-old-space-size=${Math.ceil(o.heapMiB * 1.5 + 256)}`,
      ...(process.env.BENCH_HISTORY_ARGS ?? '').split(' ').filter((a) => a !== ''),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let why = 'the history process ended without a result';
  await new Promise<void>((resolve) => {
    const overrun = setTimeout(
      () => {
        why = `no result within the ${o.seconds} s budget + 60 s`;
        child.kill('SIGKILL');
      },
      (o.seconds + 60) * 1000,
    );
    child.on('message', (m: ChildMessage) => {
      rows.push(m.row);
      log(m.row);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(overrun);
      if (code !== 0 && why === 'the history process ended without a result') why = `the history process died (${signal ?? `code ${code}`}; heap exhausted?)`;
      resolve();
    });
  });
  for (const f of o.checkpoints) if (!rows.some((r) => r.fills === f)) rows.push({ fills: f, status: `stopped: ${why}` });
  return rows.sort((a, b) => a.fills - b.fills);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const o = JSON.parse(process.argv[2] ?? '{}') as HistoryOptions;
  let sent: Promise<unknown> = Promise.resolve();
  const send = (m: ChildMessage): void => {
    sent = new Promise((r) => process.send?.(m, undefined, undefined, r));
  };
  // Exits once the last row is on its way (the IPC queue is FIFO).
  drive(o, send).then(
    () => sent.then(() => process.exit(0)),
    (e: unknown) => {
      console.error(e);
      return sent.then(() => process.exit(1));
    },
  );
}
