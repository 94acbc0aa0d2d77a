import { describe, expect, it } from 'vitest';
import { STAGES, stagesOf, summarizeStages } from '../../bench/stage-probe.js';

describe('stage probe', () => {
  it('splits a read into stages that add up to the frame → write span', () => {
    const s = stagesOf({ message: 10, append: 10.03, appendEnd: 10.04, hold: 10.14, batchEnd: 10.145, committed: 10.195, write: 10.215 });
    expect(s).not.toBeNull();
    if (s === null) return;
    expect(s['decode + route']).toBeCloseTo(30, 6);
    expect(s.append).toBeCloseTo(10, 6);
    expect(s['machine + desk']).toBeCloseTo(100, 6);
    expect(s['to batch end']).toBeCloseTo(5, 6);
    expect(s.commit).toBeCloseTo(50, 6);
    expect(s['order build']).toBeCloseTo(20, 6);
    expect(STAGES.reduce((a, k) => a + s[k], 0)).toBeCloseTo(215, 6);
  });

  it('counts a batch that committed nothing as a commit of 0, and the build from the batch end', () => {
    const s = stagesOf({ message: 1, append: 1.01, appendEnd: 1.02, hold: 1.03, batchEnd: 1.04, write: 1.06 });
    expect(s?.commit).toBe(0);
    expect(s?.['order build']).toBeCloseTo(20, 6);
  });

  it('gives no row for a read whose write never started', () => {
    expect(stagesOf({ message: 1, append: 1.01, appendEnd: 1.02, hold: 1.03, batchEnd: 1.04, committed: 1.05 })).toBeNull();
  });

  it('summarizes each stage and the sum by its own percentiles', () => {
    const rows = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => ({
      'decode + route': i,
      append: 1,
      'machine + desk': 10 * i,
      'to batch end': 0,
      commit: 100 - i,
      'order build': 2,
    }));
    const s = summarizeStages(rows);
    expect(s.n).toBe(10);
    expect(s.p50['decode + route']).toBe(6);
    expect(s.p90['machine + desk']).toBe(100);
    expect(s.p50.commit).toBe(95);
    // Row i sums to 103 + 10i; the p50 is the 6th of ten.
    expect(s.p50.sum).toBe(103 + 10 * 6);
  });
});
