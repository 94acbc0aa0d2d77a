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
  /**
   * `costly`: seconds per seed (REST timeouts, child processes). Such runs start first in each round
   * of seeds (support/plan.ts); every scenario runs the same seeds.
   */
  readonly cost: 'cheap' | 'costly';
  run(seed: number): Promise<ChaosRun>;
}

/** The runs in progress in this process (their crash lists, with a label): a crash is charged to each. */
const active = new Map<string[], string>();

function charge(what: string): void {
  // Runs overlap (CHAOS_CONCURRENCY): which one caused it is unknown, so every one fails.
  const during = active.size > 1 ? ` (while ${active.size} runs were in progress: ${[...active.values()].join(', ')})` : '';
  for (const crashes of active.keys()) crashes.push(`${what}${during}`);
}
const onRejection = (reason: unknown): void => charge(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
const onException = (err: Error): void => charge(`uncaught exception: ${err.stack ?? err.message}`);

/** Charges crashes to `crashes` until the returned function is called; one pair of listeners for all runs. */
function track(crashes: string[], label: string): () => void {
  if (active.size === 0) {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  }
  active.set(crashes, label);
  return () => {
    active.delete(crashes);
    if (active.size === 0) {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    }
  };
}

/**
 * Runs one scenario for one seed. A throw, a deadline passing, or an unhandled rejection / uncaught
 * exception anywhere in the process while it runs is a violation of that run (of every run in
 * progress, when runs overlap).
 */
export async function guardedRun(scenario: Scenario, seed: number, deadlineMs = 90_000): Promise<ChaosRun> {
  const crashes: string[] = [];
  const untrack = track(crashes, `${scenario.name} seed ${seed}`);
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
    untrack();
  }
}

export interface TableOptions {
  /** Wall time of the whole chaos run (runs overlap, so it is less than the sum of theirs). */
  readonly wallMs?: number;
  /** A line above the table: how the seeds were chosen, how many ran at once. */
  readonly title?: string;
}

/**
 * The summary: per scenario the seeds run, the bot's fills, invariant violations, notes, the mean and
 * the longest seconds per run (how close to its deadlines a run came) and the seeds that failed; a TOTAL row with the runs and the wall time; then each
 * failure with how to replay it.
 */
export function summaryTable(runs: readonly ChaosRun[], options: TableOptions = {}): string {
  const byScenario = new Map<string, ChaosRun[]>();
  for (const r of runs) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  const secondsPerRun = (rs: readonly ChaosRun[]): string => (rs.length === 0 ? '-' : (rs.reduce((n, r) => n + r.ms, 0) / rs.length / 1000).toFixed(1));
  const failed = (rs: readonly ChaosRun[]): number[] => rs.filter((r) => r.violations.length > 0).map((r) => r.seed);
  const counts = (rs: readonly ChaosRun[]): string[] => [
    String(rs.length),
    String(rs.reduce((n, r) => n + r.fills, 0)),
    String(rs.reduce((n, r) => n + r.violations.length, 0)),
    String(rs.reduce((n, r) => n + r.notes.length, 0)),
    secondsPerRun(rs),
    (Math.max(0, ...rs.map((r) => r.ms)) / 1000).toFixed(1),
  ];
  const rows = [...byScenario].map(([name, rs]) => {
    const f = failed(rs);
    return [name, ...counts(rs), '', f.length === 0 ? '-' : f.join(',')];
  });
  const failedRuns = failed(runs).length;
  const wall = options.wallMs === undefined ? '' : formatDuration(options.wallMs);
  const total = ['TOTAL', ...counts(runs), wall, failedRuns === 0 ? '-' : `${failedRuns} run(s)`];
  const header = ['scenario', 'seeds', 'fills', 'violations', 'notes', 's/run', 'max s', 'wall', 'failed seeds'];
  const all = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [...(options.title ? [options.title, ''] : []), line(header), rule, ...rows.map(line), rule, line(total)];
  const failures = runs.filter((r) => r.violations.length > 0);
  if (failures.length > 0) {
    out.push('', "Failures (replay one with: CHAOS_SEED=<seed> npm run chaos -- -t '<scenario> seed'):");
    for (const f of failures) {
      out.push(`- ${f.scenario} seed ${f.seed}:`);
      for (const v of f.violations.slice(0, 8)) out.push(`    ${v.split('\n').join('\n      ')}`);
      if (f.log.length > 0) out.push(`    actions: ${f.log.slice(0, 30).join('; ')}`);
    }
  }
  return out.join('\n');
}

/** `12m 03s`, or `41.2s` under a minute. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
