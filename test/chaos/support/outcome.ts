/**
 * One scenario run's outcome, the runner that guards it (a deadline; unhandled rejections and
 * uncaught exceptions counted as violations), and the summary table.
 */
import type { FaultStats } from '../../../src/sim/faults.js';

export interface ChaosRun {
  readonly scenario: string;
  readonly seed: number;
  readonly violations: readonly string[];
  /** Allowed but worth saying: residues held back below the minimum, a market that stopped itself. */
  readonly notes: readonly string[];
  /** The scenario's actions, in order. */
  readonly log: readonly string[];
  /** Deals of the bot on the exchange, and orders it placed there. */
  readonly fills: number;
  readonly orders: number;
  readonly faults: FaultStats | null;
  readonly ms: number;
}

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  /** `costly` scenarios (seconds per seed: REST timeouts, child processes) run a third of the seeds. */
  readonly cost: 'cheap' | 'costly';
  run(seed: number): Promise<ChaosRun>;
}

/**
 * Runs one scenario for one seed. A throw, a deadline passing, or an unhandled rejection / uncaught
 * exception anywhere in the process while it runs is a violation of that run.
 */
export async function guardedRun(scenario: Scenario, seed: number, deadlineMs = 90_000): Promise<ChaosRun> {
  const crashes: string[] = [];
  const onRejection = (reason: unknown): void => {
    crashes.push(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  };
  const onException = (err: Error): void => {
    crashes.push(`uncaught exception: ${err.stack ?? err.message}`);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = await Promise.race([
      scenario.run(seed),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`deadline of ${deadlineMs} ms passed`)), deadlineMs);
      }),
    ]);
    return { ...run, violations: [...run.violations, ...crashes] };
  } catch (e) {
    return {
      scenario: scenario.name,
      seed,
      violations: [`run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, ...crashes],
      notes: [],
      log: [],
      fills: 0,
      orders: 0,
      faults: null,
      ms: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  }
}

/** Seeds for a scenario: `CHAOS_SEED` replays one; else `CHAOS_SEEDS` (default `fallback`) from 1, a third for costly ones. */
export function seedsFor(scenario: Scenario, env: NodeJS.ProcessEnv, fallback = 10): number[] {
  if (env.CHAOS_SEED !== undefined && env.CHAOS_SEED !== '') return [Number(env.CHAOS_SEED)];
  const n = Math.max(1, Number(env.CHAOS_SEEDS ?? fallback) || fallback);
  const count = scenario.cost === 'costly' ? Math.max(1, Math.ceil(n / 3)) : n;
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** The summary: scenario × seeds run, violations, failing seeds and how to replay them. */
export function summaryTable(runs: readonly ChaosRun[]): string {
  const byScenario = new Map<string, ChaosRun[]>();
  for (const r of runs) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  const rows = [...byScenario].map(([name, rs]) => {
    const failing = rs.filter((r) => r.violations.length > 0).map((r) => r.seed);
    return [
      name,
      String(rs.length),
      String(rs.reduce((n, r) => n + r.fills, 0)),
      String(rs.reduce((n, r) => n + r.violations.length, 0)),
      String(rs.reduce((n, r) => n + r.notes.length, 0)),
      `${(rs.reduce((n, r) => n + r.ms, 0) / 1000).toFixed(1)}`,
      failing.length === 0 ? '-' : failing.join(','),
    ];
  });
  const total = runs.reduce((n, r) => n + r.violations.length, 0);
  const header = ['scenario', 'seeds', 'fills', 'violations', 'notes', 'seconds', 'failing seeds'];
  const all = [
    header,
    ...rows,
    [
      'TOTAL',
      String(runs.length),
      String(runs.reduce((n, r) => n + r.fills, 0)),
      String(total),
      String(runs.reduce((n, r) => n + r.notes.length, 0)),
      (runs.reduce((n, r) => n + r.ms, 0) / 1000).toFixed(1),
      '',
    ],
  ];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    widths.map((w) => '-'.repeat(w)).join('  '),
    line(all[all.length - 1] ?? []),
  ];
  const failures = runs.filter((r) => r.violations.length > 0);
  if (failures.length > 0) {
    out.push('', 'Failures (replay one with: CHAOS_SEED=<seed> npm run chaos -- -t <scenario>):');
    for (const f of failures) {
      out.push(`- ${f.scenario} seed ${f.seed}:`);
      for (const v of f.violations.slice(0, 8)) out.push(`    ${v.split('\n').join('\n      ')}`);
      if (f.log.length > 0) out.push(`    actions: ${f.log.slice(0, 30).join('; ')}`);
    }
  }
  return out.join('\n');
}
