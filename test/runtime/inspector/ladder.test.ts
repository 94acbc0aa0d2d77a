/** The inspector's ladder shows a level waiting for price (issue 14): before, a refused level was just empty. */
import { describe, expect, it } from 'vitest';
import { applyPlacement, createLevelBook, takeIntents } from '../../../src/grid/index.js';
import { ladderOf } from '../../../src/runtime/inspector/ladder.js';
import { BTC_USDT } from '../../grid/fixtures.js';
import { plan, scope } from '../../grid/ledger-support.js';

describe('inspector ladder', () => {
  it('shows the side and amount waiting for price at a refused level, and nothing at the others', () => {
    const t = takeIntents(createLevelBook(plan, scope, BTC_USDT), 20);
    const sell6 = t.intents.find((i) => i.level === 6);
    const book = applyPlacement(t.book, { kind: 'rejected', clientOrderId: sell6?.clientOrderId ?? '', reason: 'post-only', wouldTake: true });
    const ladder = ladderOf({ plan, book, rules: BTC_USDT });
    expect(ladder?.levels[6]).toMatchObject({ order: null, waiting: [{ side: 'sell', amount: '0.001' }] });
    expect(ladder?.levels[7]?.waiting).toBeUndefined();
  });
});
