/**
 * `npm run chaos`: every scenario of test/chaos/scenarios.ts over many seeds, then a table of
 * scenario × seeds, fills, invariant violations (must be 0) and the seeds that failed.
 *
 * CHAOS_SEEDS=n runs seeds 1..n per scenario (default 10; costly scenarios a third of that);
 * CHAOS_SEED=s replays one seed (add `-t <scenario>` to replay one scenario).
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from './scenarios.js';
import { type ChaosRun, guardedRun, seedsFor, summaryTable } from './support/outcome.js';

const runs: ChaosRun[] = [];

afterAll(() => {
  const table = summaryTable(runs);
  process.stdout.write(`\n=== chaos: scenarios × seeds ===\n${table}\n`);
  if (process.env.CHAOS_REPORT) writeFileSync(process.env.CHAOS_REPORT, `${table}\n`);
});

describe('chaos', () => {
  for (const scenario of SCENARIOS) {
    describe(scenario.name, () => {
      for (const seed of seedsFor(scenario, process.env)) {
        it(`seed ${seed}`, async () => {
          const run = await guardedRun(scenario, seed);
          runs.push(run);
          expect(run.violations, summaryTable([run])).toEqual([]);
        }, 180_000);
      }
    });
  }
});
