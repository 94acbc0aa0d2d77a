/** `--sweep` specs (issue 18): exact decimal steps, integer levels, the cartesian product, clear refusals. */
import { describe, expect, it } from 'vitest';
import { SweepSpecError, parseSweepSpec, sweepCombinations } from '../../src/sweep/spec.js';

describe('parseSweepSpec', () => {
  it('reads step=A..B:S and levelsPerSide=X..Y into exact values, and their product step-major', () => {
    const spec = parseSweepSpec('step=0.1..0.3:0.1,levelsPerSide=5..6');
    // 0.1 + 0.1 + 0.1 is 0.3 here, not 0.30000000000000004.
    expect(spec).toEqual({ step: ['0.1', '0.2', '0.3'], levelsPerSide: [5, 6] });
    expect(sweepCombinations(spec)).toEqual([
      { step: '0.1', levelsPerSide: 5 },
      { step: '0.1', levelsPerSide: 6 },
      { step: '0.2', levelsPerSide: 5 },
      { step: '0.2', levelsPerSide: 6 },
      { step: '0.3', levelsPerSide: 5 },
      { step: '0.3', levelsPerSide: 6 },
    ]);
  });

  it('takes one axis alone, single values, a levels increment, and a range that does not end on a step', () => {
    expect(sweepCombinations(parseSweepSpec('step=100..200:40'))).toEqual([{ step: '100' }, { step: '140' }, { step: '180' }]);
    expect(sweepCombinations(parseSweepSpec('levelsPerSide=2..8:3'))).toEqual([{ levelsPerSide: 2 }, { levelsPerSide: 5 }, { levelsPerSide: 8 }]);
    expect(sweepCombinations(parseSweepSpec('levelsPerSide=4, step=150'))).toEqual([{ step: '150', levelsPerSide: 4 }]);
  });

  it.each([
    ['', "'': expected name=values"],
    ['step', "'step': expected name=values"],
    ['spacing=1..2:1', "'spacing' cannot be swept: the axes are step, levelsPerSide"],
    ['step=1..2:1,step=3', 'step is given twice'],
    ['step=100..200', 'step=100..200: a step range needs an increment, e.g. step=100..200:25'],
    ['step=200..100:10', 'step=200..100:10: from 200 is above to 100'],
    ['step=0..10:5', "step=0..10:5: from '0' is not a positive decimal"],
    ['step=1e2..2e2:10', "step=1e2..2e2:10: from '1e2' is not a positive decimal"],
    ['step=1..2:0', "step=1..2:0: increment '0' is not a positive decimal"],
    ['step=1..', 'step=1..: expected a value or from..to[:by]'],
    ['levelsPerSide=2.5..4', "levelsPerSide=2.5..4: from '2.5' is not a whole number from 1 to 1000"],
    ['levelsPerSide=0..4', "levelsPerSide=0..4: from '0' is not a whole number"],
    ['levelsPerSide=6..4', 'levelsPerSide=6..4: from 6 is above to 4'],
    ['step=1..2000:1', 'step=1..2000:1: 2000 values, more than 1000'],
    ['step=1..100:1,levelsPerSide=1..20', '2000 combinations, more than 1000'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseSweepSpec(text)).toThrow(SweepSpecError);
    expect(() => parseSweepSpec(text)).toThrow(message);
  });
});
