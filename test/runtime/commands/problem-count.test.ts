import { describe, expect, it } from 'vitest';
import { problems, problemsIn } from '../../../src/runtime/commands/problem-count.js';

describe('problem count wording', () => {
  it('says "problem" for one and "problems" otherwise', () => {
    expect(problems(1)).toBe('1 problem');
    expect(problems(2)).toBe('2 problems');
    expect(problems(0)).toBe('0 problems');
  });

  it('names the file', () => {
    expect(problemsIn(1, 'markets.yaml')).toBe('1 problem in markets.yaml');
    expect(problemsIn(3, 'a/b.yaml')).toBe('3 problems in a/b.yaml');
  });
});
