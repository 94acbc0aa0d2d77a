/**
 * The chaos suite's fixed smoke set, inside `npm test`: every scenario of test/chaos/scenarios.ts
 * with one fixed seed. The full, many-seed run is `npm run chaos` (test/chaos/chaos.chaos.ts).
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './scenarios.js';
import { guardedRun, summaryTable } from './support/outcome.js';

const SMOKE_SEED = 7;

describe('chaos smoke: every scenario, one fixed seed', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name} (seed ${SMOKE_SEED}): ${scenario.summary}`, async () => {
      const run = await guardedRun(scenario, SMOKE_SEED);
      expect(run.violations, summaryTable([run])).toEqual([]);
    }, 120_000);
  }
});
