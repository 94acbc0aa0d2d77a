/**
 * What attaching the journal hook costs a market actor per fill, in memory (bench/market-driver.ts,
 * no sockets, a journal that writes nothing): without a hook, with the hook as an XState `inspect`
 * observer (how the runtime attached it before system-hook.ts), and with the hook on the actor
 * system (how it attaches it now). The modes alternate and each reports the median of its runs, so
 * a machine shared with other work skews them alike.
 *
 *   node --expose-gc dist-bench/bench/journal-hook-cpu.js [fills=20000] [runs=5]
 */
import type { AnyActorRef } from 'xstate';
import { type JournalSink, journalInspector } from '../src/runtime/journal/inspect-hook.js';
import { attachSystemHook } from '../src/runtime/journal/system-hook.js';
import { type DrivenMarketOptions, startDrivenMarket } from './market-driver.js';

const nothing: JournalSink = {
  appendMarketEvent: () => {},
  recordIntents: () => {},
  recordTransition: () => {},
  recordPnl: () => {},
  writeReports: () => {},
  writeReportSlice: () => false,
};

type Mode = 'no hook' | 'inspect observer' | 'system hook';

const options: Record<Mode, () => Partial<DrivenMarketOptions>> = {
  'no hook': () => ({}),
  'inspect observer': () => ({ inspect: journalInspector(nothing, { defer: () => {} }) }),
  'system hook': () => {
    const hook = journalInspector(nothing, { defer: () => {} });
    return { beforeStart: (actor: AnyActorRef) => attachSystemHook(actor, hook) };
  },
};

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const fills = Number(process.argv[2] ?? 20_000);
  const runs = Number(process.argv[3] ?? 5);
  const gc = (globalThis as { gc?: () => void }).gc;
  const results = new Map<Mode, number[]>(Object.keys(options).map((m) => [m as Mode, []]));
  // One run more than reported: the first warms every mode's code.
  for (let run = 0; run <= runs; run += 1) {
    for (const [mode, make] of Object.entries(options) as [Mode, () => Partial<DrivenMarketOptions>][]) {
      const market = await startDrivenMarket({ now: Date.now, ...make() });
      for (let i = 0; i < 2_000; i += 1) market.fill();
      gc?.();
      const before = process.cpuUsage();
      for (let i = 0; i < fills; i += 1) market.fill();
      const used = process.cpuUsage(before);
      market.stop();
      if (run > 0) results.get(mode)?.push((used.user + used.system) / fills);
    }
  }
  console.log(`market actor CPU per fill (4 events), ${fills} fills x ${runs} runs, median µs [runs]`);
  for (const [mode, xs] of results) console.log(`${mode.padEnd(17)} ${median(xs).toFixed(1)}  [${xs.map((x) => x.toFixed(1)).join(' ')}]`);
}

void main();
