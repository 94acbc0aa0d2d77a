import { describe, expect, it } from 'vitest';
import { afterThisTurn } from '../../src/runtime/after-turn.js';

const turns = (n: number) => new Promise<void>((resolve) => {
  const step = (k: number): void => (k === 0 ? resolve() : void setImmediate(() => step(k - 1)));
  step(n);
});

describe('afterThisTurn', () => {
  it('runs after an Immediate queued later in the same turn (the order write the work was deferred behind)', async () => {
    const order: string[] = [];
    afterThisTurn(() => order.push('deferred work'));
    setImmediate(() => order.push('request written'));
    await turns(3);
    expect(order).toEqual(['request written', 'deferred work']);
  });

  it('hands a throw to onError instead of crashing', async () => {
    const errors: unknown[] = [];
    afterThisTurn(() => {
      throw new Error('journal closed');
    }, (e) => errors.push(e));
    await turns(3);
    expect(String(errors[0])).toContain('journal closed');
  });
});
