/**
 * What `npm run chaos` runs (test/chaos/support/plan.ts): by default at least 1,000 seeded runs
 * over every scenario of test/chaos/scenarios.ts, the costly ones (the SIGKILL-and-restart one
 * among them) with as many seeds as the rest; `CHAOS_SEEDS`, `CHAOS_RUNS` and `CHAOS_SEED`.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './scenarios.js';
import type { Scenario } from './support/outcome.js';
import { DEFAULT_RUNS, chaosConcurrency, chaosPlan } from './support/plan.js';

const fake = (name: string, cost: Scenario['cost'] = 'cheap'): Scenario => ({
  name,
  summary: name,
  cost,
  run: () => Promise.reject(new Error('not run here')),
});

/** Seeds per scenario name, in plan order. */
function seedsByScenario(runs: ReturnType<typeof chaosPlan>['runs']): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const r of runs) by.set(r.scenario.name, [...(by.get(r.scenario.name) ?? []), r.seed]);
  return by;
}

describe('chaos plan', () => {
  it('runs at least 1,000 seeded runs by default, every scenario with the same seeds, the SIGKILL one included', () => {
    const { runs } = chaosPlan(SCENARIOS, {});
    expect(runs.length).toBeGreaterThanOrEqual(DEFAULT_RUNS);
    expect(DEFAULT_RUNS).toBeGreaterThanOrEqual(1000);
    const by = seedsByScenario(runs);
    expect([...by.keys()].sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
    const perScenario = Math.ceil(DEFAULT_RUNS / SCENARIOS.length);
    for (const [name, seeds] of by) expect(seeds, name).toEqual(Array.from({ length: perScenario }, (_, i) => i + 1));
    expect(SCENARIOS.find((s) => s.name === 'sigkill-restart')?.cost).toBe('costly');
    expect(by.get('sigkill-restart')).toHaveLength(perScenario);
  });

  it('gives a scenario added to the list its share of the default total', () => {
    const list = [...SCENARIOS, fake('added-a'), fake('added-b', 'costly'), fake('added-c')];
    const { runs } = chaosPlan(list, {});
    expect(runs.length).toBeGreaterThanOrEqual(DEFAULT_RUNS);
    const by = seedsByScenario(runs);
    expect(by.size).toBe(list.length);
    for (const seeds of by.values()) expect(seeds).toHaveLength(Math.ceil(DEFAULT_RUNS / list.length));
  });

  it('runs round-robin over seeds, costly scenarios first in each round', () => {
    const list = [fake('a'), fake('b', 'costly'), fake('c')];
    const { runs } = chaosPlan(list, { CHAOS_SEEDS: '2' });
    expect(runs.map((r) => `${r.scenario.name}${r.seed}`)).toEqual(['b1', 'a1', 'c1', 'b2', 'a2', 'c2']);
  });

  it('CHAOS_SEEDS=n runs seeds 1..n of every scenario, costly or not', () => {
    const { runs, basis } = chaosPlan(SCENARIOS, { CHAOS_SEEDS: '3' });
    expect(runs).toHaveLength(3 * SCENARIOS.length);
    for (const seeds of seedsByScenario(runs).values()) expect(seeds).toEqual([1, 2, 3]);
    expect(basis).toContain('CHAOS_SEEDS=3');
  });

  it('CHAOS_RUNS=N runs at least N in total', () => {
    const { runs } = chaosPlan(SCENARIOS, { CHAOS_RUNS: '25' });
    expect(runs).toHaveLength(Math.ceil(25 / SCENARIOS.length) * SCENARIOS.length);
    expect(runs.length).toBeGreaterThanOrEqual(25);
  });

  it('CHAOS_SEED=s replays seed s of every scenario, whatever CHAOS_SEEDS says', () => {
    const { runs } = chaosPlan(SCENARIOS, { CHAOS_SEED: '42', CHAOS_SEEDS: '5' });
    expect(runs).toHaveLength(SCENARIOS.length);
    expect(new Set(runs.map((r) => r.seed))).toEqual(new Set([42]));
  });

  it('refuses a count that is not a positive integer, naming the variable', () => {
    expect(() => chaosPlan(SCENARIOS, { CHAOS_SEEDS: 'ten' })).toThrow('CHAOS_SEEDS=ten: expected a positive integer');
    expect(() => chaosPlan(SCENARIOS, { CHAOS_RUNS: '0' })).toThrow('CHAOS_RUNS=0');
    expect(() => chaosPlan(SCENARIOS, { CHAOS_SEED: '1.5' })).toThrow('CHAOS_SEED=1.5');
    expect(() => chaosConcurrency({ CHAOS_CONCURRENCY: '-2' })).toThrow('CHAOS_CONCURRENCY=-2');
    expect(chaosConcurrency({ CHAOS_CONCURRENCY: '3' })).toBe(3);
  });

  it('refuses two scenarios with one name (their seeds and replays would be one)', () => {
    expect(() => chaosPlan([fake('x'), fake('x')], {})).toThrow('two chaos scenarios named x');
  });
});
