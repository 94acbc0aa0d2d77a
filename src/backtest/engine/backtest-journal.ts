/**
 * The journal a backtest writes, wired as `run` wires it (start/wiring.ts, turn/turn-order.ts):
 * every market event the actor relays appended as the write-ahead log, the reporting rows (orders,
 * fills, PnL, transitions) written in batches, one commit per path point. So the journal code the
 * backtest runs is `run`'s, and `gridbot status --journal FILE` reads a backtest's figures as it
 * reads a live run's.
 *
 * Why reporting rows by simulated time: the runtime writes them every REPORT_EVERY_MS of real time
 * (inspect-hook.ts's default `defer`); a backtest has no real time to speak of, so they are written
 * every REPORT_EVERY_MS of the path's time instead.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MarketInput } from '../../machines/market/market.types.js';
import { type ExchangeIdentity, type Journal, type JournalInspector, journalInspector, keyFingerprint, openJournal } from '../../runtime/journal/index.js';
import { identityText, sameIdentity } from '../../runtime/journal/identity.js';
import { readJournalReport } from '../../runtime/journal/journal-report.js';
import { BacktestInputError } from '../errors.js';

const REPORT_EVERY_MS = 250;

export interface BacktestJournal {
  readonly path: string;
  /** Begins a grid's run (its checkpoint, at the path's first time) and returns the hook its actor's system gets (system-hook.ts). */
  begin(input: MarketInput, startMs: number): JournalInspector | undefined;
  /** One path point: what `work` journals commits once, after it; due reporting rows follow. */
  point<T>(nowMs: number, work: () => Promise<T>): Promise<T>;
  /** Writes what is queued and closes the file (a temporary one is removed). */
  close(): void;
}

/** No journal at all (`BacktestRequest.journal: null`): the actor runs without a journal hook. */
export const NO_JOURNAL: BacktestJournal = {
  path: '',
  begin: () => undefined,
  point: (_atMs, work) => work(),
  close: () => {},
};

/**
 * The identity a backtest journal claims (identity.ts): never one `run` has, so a run pointed at a
 * backtest's journal is refused instead of adopting simulated fills, PnL and inventory.
 */
export function backtestIdentity(dataFile: string): ExchangeIdentity {
  return { exchange: 'sim', endpoint: `backtest over ${dataFile}`, account: 'backtest', keyFingerprint: keyFingerprint('backtest') };
}

/**
 * Opens `path`, or a temporary journal removed on close when `path` is null.
 * @throws JournalError for a file that is not a journal, or one of another exchange or account
 */
export function openBacktestJournal(path: string | null, dataFile: string, startMs: number): BacktestJournal {
  if (path !== null) refuseForeignJournal(path, backtestIdentity(dataFile));
  const dir = path === null ? mkdtempSync(join(tmpdir(), 'gridbot-backtest-')) : null;
  const file = path ?? join(dir as string, 'backtest.journal');
  // Time is the path's: every row is stamped with the point being played.
  let nowMs = startMs;
  const now = (): number => nowMs;
  let journal: Journal;
  try {
    // No timers of its own: commits come from `point`, checkpoints from SQLite (a backtest has no fill path to protect).
    journal = openJournal({ path: file, now, checkpointIntervalMs: 0, commitLagMs: 0 });
  } catch (e) {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  try {
    journal.claimIdentity(backtestIdentity(dataFile));
  } catch (e) {
    journal.close();
    throw e;
  }
  const hooks: JournalInspector[] = [];
  const due: (() => void)[] = [];
  let dueAt = Infinity;
  const writeDue = (): void => {
    dueAt = Infinity;
    for (let w = due.shift(); w !== undefined; w = due.shift()) w();
  };
  return {
    path: file,
    begin(input, startMs) {
      nowMs = startMs;
      journal.beginMarketRun(input);
      const hook = journalInspector(journal, {
        defer: (write) => {
          if (due.length === 0) dueAt = now() + REPORT_EVERY_MS;
          due.push(write);
        },
      });
      hooks.push(hook);
      return hook;
    },
    async point(atMs, work) {
      nowMs = atMs;
      journal.openBatch();
      try {
        return await work();
      } finally {
        journal.closeBatch();
        journal.commit();
        if (atMs >= dueAt) writeDue();
      }
    },
    close() {
      try {
        writeDue();
        for (const h of hooks) h.flush();
        journal.commit();
      } finally {
        journal.close();
        if (dir !== null) rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Refuses, before anything is written, a journal of a live or simulated run (or of a backtest over
 * other data): opening it for writing would add a run to it, and its figures are another account's.
 * A file that is not a journal at all is left to `openJournal`, which refuses it untouched.
 */
function refuseForeignJournal(path: string, mine: ExchangeIdentity): void {
  if (!existsSync(path)) return;
  let recorded: { identity: ExchangeIdentity | null; runs: number };
  try {
    recorded = readJournalReport(path);
  } catch {
    return;
  }
  if (recorded.identity === null ? recorded.runs === 0 : sameIdentity(recorded.identity, mine)) return;
  const whose = recorded.identity === null ? 'a run that recorded no exchange' : identityText(recorded.identity);
  throw new BacktestInputError('journal', `${path} is the journal of ${whose}: a backtest writes only its own journal (pick a new file); nothing was written`);
}
