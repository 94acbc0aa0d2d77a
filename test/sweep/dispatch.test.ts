/** `gridbot backtest --sweep …` reaches the sweep (issue 18), both spellings of the option. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { asksForSweep } from '../../src/sweep/dispatch.js';

afterEach(() => vi.restoreAllMocks());

describe('gridbot backtest --sweep', () => {
  it('hands a run with --sweep to the sweep, which checks its spec first', async () => {
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    expect(await main(['backtest', '--data', 'x.jsonl', '--sweep', 'step=1..2'])).toBe(2);
    expect(err.join('')).toContain('gridbot backtest: --sweep step=1..2: a step range needs an increment');
    expect(asksForSweep(['--data', 'x', '--sweep=step=1'])).toBe(true);
    expect(asksForSweep(['--data', 'x', '--report', 'r.html'])).toBe(false);
  });
});
