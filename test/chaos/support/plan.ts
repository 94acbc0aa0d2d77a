/**
 * Which (scenario, seed) runs `npm run chaos` makes, and in what order.
 *
 * - `CHAOS_SEED=s` replays seed `s` of every scenario (add `-t '<scenario> seed'` for one);
 * - `CHAOS_SEEDS=n` runs seeds 1..n of every scenario;
 * - otherwise `CHAOS_RUNS=N` (default {@link DEFAULT_RUNS}) runs at least N in total, split evenly:
 *   ⌈N / scenarios⌉ seeds each, so a scenario added to the list gets its share without touching this.
 *
 * Every scenario gets the same seeds whatever its `cost`: a costly run is slow because it waits
 * (a REST timeout, a child process starting), and runs overlap (`CHAOS_CONCURRENCY`), so its
 * cost is paid in parallel instead of by running it less. The order is round-robin over seeds
 * (seed 1 of every scenario, then seed 2, …), costly scenarios first within a round: the slow
 * waits spread over the whole run, mixed with runs that use the CPU, and no scenario is left
 * alone at the end.
 */
import type { Scenario } from './outcome.js';

export const DEFAULT_RUNS = 1000;

export interface PlannedRun {
  readonly scenario: Scenario;
  readonly seed: number;
}

export interface ChaosPlan {
  readonly runs: readonly PlannedRun[];
  /** How the seeds were chosen, for the report's header. */
  readonly basis: string;
}

/** A positive integer from the environment, or a clear error naming the variable. */
function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name}=${raw}: expected a positive integer`);
  return n;
}

export function chaosPlan(scenarios: readonly Scenario[], env: NodeJS.ProcessEnv): ChaosPlan {
  if (scenarios.length === 0) throw new Error('no chaos scenarios');
  const names = new Set<string>();
  for (const s of scenarios) {
    // Seeds are derived from the name, and replays select by it: two alike would be one.
    if (names.has(s.name)) throw new Error(`two chaos scenarios named ${s.name}`);
    names.add(s.name);
  }
  const order = [...scenarios.filter((s) => s.cost === 'costly'), ...scenarios.filter((s) => s.cost !== 'costly')];
  const replay = positiveInt(env, 'CHAOS_SEED');
  if (replay !== undefined) return { runs: order.map((scenario) => ({ scenario, seed: replay })), basis: `CHAOS_SEED=${replay}` };
  const seedsEnv = positiveInt(env, 'CHAOS_SEEDS');
  const total = positiveInt(env, 'CHAOS_RUNS') ?? DEFAULT_RUNS;
  const perScenario = seedsEnv ?? Math.ceil(total / scenarios.length);
  const runs: PlannedRun[] = [];
  for (let seed = 1; seed <= perScenario; seed++) for (const scenario of order) runs.push({ scenario, seed });
  const basis =
    seedsEnv !== undefined
      ? `CHAOS_SEEDS=${seedsEnv}: seeds 1..${seedsEnv} of each of ${scenarios.length} scenarios`
      : `${env.CHAOS_RUNS ? 'CHAOS_RUNS' : 'default'} ${total} runs: seeds 1..${perScenario} of each of ${scenarios.length} scenarios`;
  return { runs, basis };
}

/** How many runs overlap by default (`CHAOS_CONCURRENCY` overrides; 1 runs them one after another). */
export const DEFAULT_CONCURRENCY = 6;

export function chaosConcurrency(env: NodeJS.ProcessEnv): number {
  return positiveInt(env, 'CHAOS_CONCURRENCY') ?? DEFAULT_CONCURRENCY;
}
