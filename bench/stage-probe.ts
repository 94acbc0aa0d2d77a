/**
 * Stage probe (BENCH_STAGES=1): where a reaction's time goes, stage by stage, for the runtime's bots
 * (`ours`, `ours-rest`, `ours-quiet`). For every frame read whose routing held a counter-order
 * (turn-order.ts rule 3) it stamps, on the main thread:
 *
 * | stage | from → to |
 * |---|---|
 * | decode + route | the `ws` `message` event → the journal append of the event it became |
 * | append | that append (encode, queue the row) |
 * | machine + desk | the append's end → the order router holds the request (XState, the book, the desk) |
 * | to batch end | the hold → the batch ends (the rest of the frame's routing) |
 * | commit | the batch's write-ahead commit (0 when the batch had nothing to commit) |
 * | order build | the commit → the counter-order's write starts (a frame handed to `ws`, or undici's `sendHeaders`) |
 *
 * The stages add up to the reaction the latency probe measures (probe.ts), up to the few µs the
 * stamps cost. Why: the reaction's p50 moves by tens of µs from run to run on this machine, so a
 * change of a few µs in one stage cannot be seen in it; a stage's own p50 moves much less. The
 * `ours` stages are also the ones an `orderEntry` comparison shares: only "order build" (and what
 * REST does in its deferred turn, which falls into it too) differs between the two ways.
 *
 * A bench probe only (nothing in src depends on it): it patches prototypes of the modules the bot
 * runs from, once, when enabled. Bots that do not use the runtime's turn order (`bare`,
 * `baseline`) get no row.
 */
import dc from 'node:diagnostics_channel';
import WebSocket from 'ws';
import { Journal } from '../src/runtime/journal/journal.js';
import { TurnOrder } from '../src/runtime/turn/turn-order.js';

export const STAGES_ENABLED = process.env.BENCH_STAGES === '1';

/** The stages, in path order (see the module comment). */
export const STAGES = ['decode + route', 'append', 'machine + desk', 'to batch end', 'commit', 'order build'] as const;
export type Stage = (typeof STAGES)[number];

/** The stamps of one read, ms (`performance.now`); undefined until reached. */
export interface ReadStamps {
  message?: number;
  append?: number;
  appendEnd?: number;
  hold?: number;
  batchEnd?: number;
  committed?: number;
  write?: number;
}

/** The stage durations of one read whose stamps are all there, µs; null when one is missing. */
export function stagesOf(s: ReadStamps): Record<Stage, number> | null {
  const { message, append, appendEnd, hold, batchEnd, committed, write } = s;
  if (message === undefined || append === undefined || appendEnd === undefined || hold === undefined || batchEnd === undefined || write === undefined) {
    return null;
  }
  const end = committed ?? batchEnd;
  const us = (a: number, b: number): number => (b - a) * 1000;
  return {
    'decode + route': us(message, append),
    append: us(append, appendEnd),
    'machine + desk': us(appendEnd, hold),
    'to batch end': us(hold, batchEnd),
    commit: us(batchEnd, end),
    'order build': us(end, write),
  };
}

/** p50 and p90 of each stage over the reads, and of their sum (µs). */
export function summarizeStages(rows: readonly Record<Stage, number>[]): {
  readonly n: number;
  readonly p50: Record<Stage | 'sum', number>;
  readonly p90: Record<Stage | 'sum', number>;
} {
  const pick = (values: number[], q: number): number => {
    if (values.length === 0) return Number.NaN;
    values.sort((a, b) => a - b);
    return values[Math.min(values.length - 1, Math.floor(values.length * q))] ?? Number.NaN;
  };
  const p50 = {} as Record<Stage | 'sum', number>;
  const p90 = {} as Record<Stage | 'sum', number>;
  for (const k of [...STAGES, 'sum'] as const) {
    const values = rows.map((r) => (k === 'sum' ? STAGES.reduce((a, s) => a + r[s], 0) : r[k]));
    p50[k] = pick(values, 0.5);
    p90[k] = pick([...values], 0.9);
  }
  return { n: rows.length, p50, p90 };
}

let installed = false;
let armed = false;
let current: ReadStamps = {};
/** Reads that held a request, waiting for their write to start (a REST request's is a check phase later). */
let waitingWrite: ReadStamps[] = [];
let rows: Record<Stage, number>[] = [];

function finish(s: ReadStamps): void {
  const r = stagesOf(s);
  if (r !== null) rows.push(r);
}

/** Patches the runtime once (no-op unless BENCH_STAGES=1). */
export function installStageProbe(): void {
  if (!STAGES_ENABLED || installed) return;
  installed = true;
  const now = (): number => performance.now();
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
    // A new read starts unless one is still being routed (its hold not reached yet, frames of the same read).
    if (armed && event === 'message' && current.hold === undefined) current = { message: now() };
    return emit.apply(this, [event, ...args]);
  };
  const jp = Journal.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const append = jp.appendMarketEvent as (...a: unknown[]) => unknown;
  jp.appendMarketEvent = function (this: unknown, ...a: unknown[]): unknown {
    if (!armed || current.message === undefined || current.append !== undefined) return append.apply(this, a);
    current.append = now();
    try {
      return append.apply(this, a);
    } finally {
      current.appendEnd = now();
    }
  };
  const commit = jp.commit as (...a: unknown[]) => unknown;
  jp.commit = function (this: unknown, ...a: unknown[]): unknown {
    const r = commit.apply(this, a);
    if (armed && current.batchEnd !== undefined && current.committed === undefined) current.committed = now();
    return r;
  };
  const tp = TurnOrder.prototype as unknown as Record<string, (...a: unknown[]) => unknown> & { readonly inBatch: boolean };
  const hold = tp.hold as (...a: unknown[]) => unknown;
  tp.hold = function (this: TurnOrder, ...a: unknown[]): unknown {
    if (armed && this.inBatch && current.appendEnd !== undefined && current.hold === undefined) current.hold = now();
    return hold.apply(this, a);
  };
  const endBatch = tp.endBatch as (...a: unknown[]) => unknown;
  tp.endBatch = function (this: unknown, ...a: unknown[]): unknown {
    const mine = armed && current.hold !== undefined && current.batchEnd === undefined;
    if (mine) current.batchEnd = now();
    try {
      return endBatch.apply(this, a);
    } finally {
      if (mine) {
        // A frame's write happened inside the release; a REST request's comes a check phase later.
        if (current.write !== undefined) finish(current);
        else waitingWrite.push(current);
        current = {};
      }
    }
  };
  const wrote = (): void => {
    if (!armed) return;
    if (current.batchEnd !== undefined && current.write === undefined) {
      current.write = now();
      return;
    }
    const s = waitingWrite.shift();
    if (s === undefined) return;
    s.write = now();
    finish(s);
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, ...a: unknown[]): void {
    wrote();
    (send as (this: WebSocket, ...x: unknown[]) => void).apply(this, a);
  };
  dc.subscribe('undici:client:sendHeaders', wrote);
}

/** Starts a window: what was stamped before is dropped. */
export function armStages(): void {
  if (!STAGES_ENABLED) return;
  rows = [];
  waitingWrite = [];
  current = {};
  armed = true;
}

/** Ends the window and prints its stages (nothing for a bot that held no request through the turn order). */
export function reportStages(label: string): void {
  if (!STAGES_ENABLED) return;
  armed = false;
  if (rows.length === 0) return;
  const s = summarizeStages(rows);
  const cell = (k: Stage | 'sum'): string => `${k} ${s.p50[k].toFixed(1)} (p90 ${s.p90[k].toFixed(1)})`;
  console.log(`    stages of ${label}, µs p50 (p90), ${s.n} reads: ${[...STAGES, 'sum' as const].map(cell).join(' · ')}`);
  rows = [];
}
