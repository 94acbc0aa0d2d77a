/** The runtime's REST deadline: the adapter's default, cut to a sixth of the shortest kill-switch timeout. */
import { describe, expect, it } from 'vitest';
import { restDeadlineMs } from '../../../src/runtime/exchange/rest-deadline.js';

describe('restDeadlineMs', () => {
  it('keeps the 10 s default under the default 60 s kill-switch', () => {
    expect(restDeadlineMs([60])).toBe(10_000);
  });

  it('follows the shortest kill-switch timeout below that', () => {
    expect(restDeadlineMs([60, 30, 120])).toBe(5_000);
    expect(restDeadlineMs([12])).toBe(2_000);
  });
});
