/**
 * The chaos summary table (test/chaos/support/outcome.ts): per scenario the seeds, fills,
 * violations and failed seeds; a TOTAL row with the runs and the wall time; each failure with its
 * replay command.
 */
import { describe, expect, it } from 'vitest';
import { type ChaosRun, formatDuration, summaryTable } from './support/outcome.js';

const run = (scenario: string, seed: number, fills: number, violations: string[] = [], ms = 1000): ChaosRun => ({
  scenario,
  seed,
  violations,
  notes: [],
  log: ['take buy 0.001'],
  fills,
  orders: fills + 4,
  faults: null,
  ms,
});

describe('chaos summary table', () => {
  it('has a row per scenario and a TOTAL row with the runs and the wall time', () => {
    const table = summaryTable([run('a', 1, 3), run('b', 1, 2, ['x broke'], 3000), run('a', 2, 4), run('b', 2, 1)], { wallMs: 754_000, title: 'T' });
    const lines = table.split('\n');
    expect(lines[0]).toBe('T');
    expect(lines[2]?.split(/\s{2,}/)).toEqual(['scenario', 'seeds', 'fills', 'violations', 'notes', 's/run', 'max s', 'wall', 'failed seeds']);
    const row = (name: string): string[] | undefined => lines.find((l) => l.startsWith(`${name} `))?.split(/\s{2,}/);
    expect(row('a')).toEqual(['a', '2', '7', '0', '0', '1.0', '1.0', '-']);
    expect(row('b')).toEqual(['b', '2', '3', '1', '0', '2.0', '3.0', '1']);
    expect(row('TOTAL')).toEqual(['TOTAL', '4', '10', '1', '0', '1.5', '3.0', '12m 34s', '1 run(s)']);
    expect(table).toContain("replay one with: CHAOS_SEED=<seed> npm run chaos -- -t '<scenario> seed'");
    expect(table).toContain('- b seed 1:\n    x broke');
  });

  it('formats a wall time under a minute in seconds', () => {
    expect(formatDuration(41_230)).toBe('41.2s');
    expect(formatDuration(3_600_000)).toBe('60m 00s');
  });
});
