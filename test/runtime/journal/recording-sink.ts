/** A journal sink that records each call as a line, for the hook's tests. */
import type { OrderIntent } from '../../../src/grid/index.js';
import type { JournalSink } from '../../../src/runtime/journal/inspect-hook.js';

/** Returns the sink and its lines; `intents` says how a call's intents are written (default: their count). */
export function recordingSink(intents: (i: readonly OrderIntent[]) => string = (i) => String(i.length)): { j: JournalSink; calls: string[] } {
  const calls: string[] = [];
  const j: JournalSink = {
    appendMarketEvent: (m, e) => void calls.push(`append ${m} ${e.type}`),
    recordIntents: (m, i) => void calls.push(`intents ${m} ${intents(i)}`),
    recordTransition: (a, f, t, e) => void calls.push(`transition ${a} ${f ?? '∅'} → ${t} on ${e}`),
    recordPnl: (m, p) => void calls.push(`pnl ${m} ${String(p.realisedQuote)}`),
    writeReports: () => void calls.push('write'),
    writeReportSlice: () => {
      calls.push('write');
      return false;
    },
  };
  return { j, calls };
}
