import { defineConfig } from 'vitest/config';
import { chaosConcurrency } from './test/chaos/support/plan.js';

/** `npm run chaos`: the seeded fault-injection runs of test/chaos (not part of the default run). */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    environment: 'node',
    pool: 'forks',
    // Per run, from when it gets its turn (the runs wait for a slot, CHAOS_CONCURRENCY at a time).
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // One file, its runs overlapping up to this many (test/chaos/chaos.chaos.ts); the summary table
    // is written once all ran.
    maxConcurrency: chaosConcurrency(process.env),
    fileParallelism: false,
  },
});
