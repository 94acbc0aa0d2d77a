import { defineConfig } from 'vitest/config';

/** `npm run chaos`: the seeded fault-injection runs of test/chaos (not part of the default run). */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // One file, tests in order: the summary table is written once all seeds ran.
    fileParallelism: false,
  },
});
