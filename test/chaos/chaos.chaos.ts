/**
 * `npm run chaos`: every scenario of test/chaos/scenarios.ts over many seeds (support/plan.ts:
 * 1,000 runs by default, `CHAOS_RUNS`, `CHAOS_SEEDS`, `CHAOS_SEED`), then a table of scenario ×
 * seeds, fills, invariant violations (must be 0), seconds per run and the seeds that failed, with
 * the total runs and the wall time; written to `CHAOS_REPORT` too when set.
 *
 * Each (scenario, seed) is one test, so a failure names its seed and `-t '<scenario> seed'` picks
 * one scenario. The runs overlap, `CHAOS_CONCURRENCY` at a time (vitest.chaos.config.ts): most
 * of a run's wall time is the bot's own timers (reconnect backoff, REST retry backoff, a REST
 * timeout, a child process starting), not CPU, and every run has its own simulator, bot and
 * journal on its own loopback ports.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from './scenarios.js';
import { type ChaosRun, formatDuration, guardedRun, summaryTable } from './support/outcome.js';
import { chaosOrderEntry } from './support/order-entry.js';
import { chaosConcurrency, chaosPlan } from './support/plan.js';

const plan = chaosPlan(SCENARIOS, process.env);
const runs: ChaosRun[] = [];
let started = 0;
/** A progress line every this many runs (a full run takes minutes and vitest prints nothing until the end). */
const PROGRESS_EVERY = 50;

beforeAll(() => {
  started = Date.now();
});

afterAll(() => {
  const title = `=== chaos: ${plan.basis}, ${chaosConcurrency(process.env)} at a time, order entry ${chaosOrderEntry(process.env)} ===`;
  // Rows in the list's order, seeds ascending (runs end in any order).
  const rank = new Map(SCENARIOS.map((s, i) => [s.name, i]));
  const ordered = [...runs].sort((a, b) => (rank.get(a.scenario) ?? 0) - (rank.get(b.scenario) ?? 0) || a.seed - b.seed);
  const table = summaryTable(ordered, { wallMs: Date.now() - started, title });
  process.stdout.write(`\n${table}\n`);
  if (process.env.CHAOS_REPORT) writeFileSync(process.env.CHAOS_REPORT, `${table}\n`);
});

function record(run: ChaosRun): void {
  runs.push(run);
  if (runs.length % PROGRESS_EVERY !== 0) return;
  const failed = runs.filter((r) => r.violations.length > 0).map((r) => `${r.scenario} seed ${r.seed}`);
  const which = failed.length === 0 ? '' : ` (${failed.slice(-5).join(', ')})`;
  process.stdout.write(`chaos: ${runs.length}/${plan.runs.length} runs, ${failed.length} failed${which}, ${formatDuration(Date.now() - started)}\n`);
}

describe('chaos', () => {
  for (const { scenario, seed } of plan.runs) {
    it.concurrent(`${scenario.name} seed ${seed}`, async () => {
      const run = await guardedRun(scenario, seed);
      record(run);
      expect(run.violations, summaryTable([run])).toEqual([]);
    });
  }
});
