import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/grid/decimal.js';
import { checkOrderSize } from '../../src/grid/market-rules.js';
import { assignSides, planGrid, plannedOrders, type GridSpec } from '../../src/grid/plan.js';
import { BTC_USDT, DBTC_DUSDT, TOY_USDT } from './fixtures.js';

const base: GridSpec = {
  market: 'BTC_USDT',
  spacing: 'arithmetic',
  ladder: { kind: 'range', lower: '60000', upper: '70000', levels: 11 },
  amountPerLevel: { unit: 'base', value: '0.001' },
  budget: {},
};

const sidesOf = (prices: string[], last: string) => {
  const r = assignSides(prices.map(dec), dec(last));
  return { sides: r.sides.map((s) => s ?? '-').join(' '), gap: r.gapLevel };
};

describe('assignSides (the gap rule)', () => {
  const ladder = ['100', '110', '120', '130'];
  it('leaves the level exactly at the price empty', () => {
    expect(sidesOf(ladder, '110')).toEqual({ sides: 'buy - sell sell', gap: 1 });
  });
  it('leaves the nearest level within half a step empty', () => {
    expect(sidesOf(ladder, '113')).toEqual({ sides: 'buy - sell sell', gap: 1 });
    expect(sidesOf(ladder, '117')).toEqual({ sides: 'buy buy - sell', gap: 2 });
  });
  it('gives a tie between two levels to the upper one', () => {
    expect(sidesOf(ladder, '115')).toEqual({ sides: 'buy buy - sell', gap: 2 });
  });
  it('has no gap when the price is beyond an end by more than half a step', () => {
    expect(sidesOf(ladder, '94')).toEqual({ sides: 'sell sell sell sell', gap: null });
    expect(sidesOf(ladder, '96')).toEqual({ sides: '- sell sell sell', gap: 0 });
    expect(sidesOf(ladder, '140')).toEqual({ sides: 'buy buy buy buy', gap: null });
    expect(sidesOf(ladder, '135')).toEqual({ sides: 'buy buy buy -', gap: 3 });
  });
});

describe('planGrid', () => {
  it('plans BTC_USDT 60000..70000 × 11 around 65000 (hand-checked)', () => {
    const r = planGrid(base, BTC_USDT, '65000');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { plan } = r;
    expect(plan.gapLevel).toBe(5);
    expect(plan.levels.map((l) => `${l.index}:${l.side ?? '-'}@${l.price.toFixed()}`)).toEqual([
      '0:buy@60000',
      '1:buy@61000',
      '2:buy@62000',
      '3:buy@63000',
      '4:buy@64000',
      '5:-@65000',
      '6:sell@66000',
      '7:sell@67000',
      '8:sell@68000',
      '9:sell@69000',
      '10:sell@70000',
    ]);
    // 0.001 × (60000 + 61000 + 62000 + 63000 + 64000) = 310; 5 sells × 0.001 = 0.005
    expect(plan.quoteRequired.toFixed()).toBe('310');
    expect(plan.baseRequired.toFixed()).toBe('0.005');
    expect(plannedOrders(plan)).toHaveLength(10);
    expect(r.issues).toEqual([]);
  });

  it('converts a quote amount per level to base, truncated at each price', () => {
    const r = planGrid({ ...base, amountPerLevel: { unit: 'quote', value: '10' } }, BTC_USDT, '65000');
    expect(r.ok).toBe(true);
    // 10/60000 = 0.00016666 → 0.000166; 10/61000 = 0.00016393 → 0.000163; 10/70000 = 0.00014285 → 0.000142
    expect(r.plan?.levels[0]?.amount.toFixed()).toBe('0.000166');
    expect(r.plan?.levels[1]?.amount.toFixed()).toBe('0.000163');
    expect(r.plan?.levels[10]?.amount.toFixed()).toBe('0.000142');
  });

  it('reports each level below minTotal with a readable reason', () => {
    // 0.00008 × 60000 = 4.8, × 61000 = 4.88, × 62000 = 4.96: below 5; × 63000 = 5.04 passes.
    const r = planGrid({ ...base, amountPerLevel: { unit: 'base', value: '0.00008' } }, BTC_USDT, '65000');
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => [i.code, i.level])).toEqual([
      ['below-min-total', 0],
      ['below-min-total', 1],
      ['below-min-total', 2],
    ]);
    expect(r.issues[0]?.message).toBe('level 0 buy at 60000: total 4.8 (0.00008 × 60000) is below minTotal 5');
    expect(r.plan).not.toBeNull();
  });

  it('reports a counter-order that would fall below minTotal one level lower', () => {
    // Levels 100, 150, 200; price 140 → gap at 150. The sell at 200 holds 5.5/200 = 0.0275;
    // its counter buy at 150 would total 0.0275 × 150 = 4.125 < 5.
    const r = planGrid(
      {
        market: 'TOY_USDT',
        spacing: 'arithmetic',
        ladder: { kind: 'range-step', lower: '100', upper: '200', step: '50' },
        amountPerLevel: { unit: 'quote', value: '5.5' },
        budget: {},
      },
      TOY_USDT,
      '140',
    );
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => [i.code, i.level])).toEqual([['counter-below-minimum', 2]]);
    expect(r.issues[0]?.message).toContain('counter buy at level 1 (150)');
  });

  it('checks the quote budget from the price outward and the base budget upward', () => {
    // buys from level 4 down: 64, 127, 189, 250 (> 200), 310 (> 200)
    // sells from level 6 up: 0.001 … 0.003 fit, 0.004 and 0.005 do not
    const r = planGrid({ ...base, budget: { quote: '200', base: '0.003' } }, BTC_USDT, '65000');
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => [i.code, i.level])).toEqual([
      ['budget-quote', 1],
      ['budget-quote', 0],
      ['budget-base', 9],
      ['budget-base', 10],
    ]);
    expect(r.issues[0]?.message).toBe('level 1 buy at 61000: the buys down to here need 250 quote, budget is 200');
  });

  it('flags a step that does not beat the round-trip maker fee', () => {
    // step 0.1 on ~100 is ≈ 0.1 %, the round trip costs 2 × 0.1 %; the worst step is the top one.
    const r = planGrid(
      {
        market: 'DBTC_DUSDT',
        spacing: 'arithmetic',
        ladder: { kind: 'range', lower: '100', upper: '101', levels: 11 },
        amountPerLevel: { unit: 'base', value: '0.1' },
        budget: {},
      },
      DBTC_DUSDT,
      '100.5',
    );
    expect(r.ok).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: 'step-below-fees', level: 9, severity: 'error' });
    expect(r.issues[0]?.message).toContain('10 of 10 steps lose money');
  });

  it('warns (not fails) when the price is outside the ladder', () => {
    const r = planGrid(base, BTC_USDT, '50000');
    expect(r.ok).toBe(true);
    expect(r.issues.map((i) => [i.code, i.severity])).toEqual([['price-outside-range', 'warning']]);
    expect(r.plan?.levels.every((l) => l.side === 'sell')).toBe(true);
  });

  it('plans a centered geometric grid from the last price', () => {
    const r = planGrid({ ...base, spacing: 'geometric', ladder: { kind: 'centered', levelsPerSide: 3, step: '1' } }, BTC_USDT, '65000.004');
    expect(r.ok).toBe(true);
    expect(r.plan?.gapLevel).toBe(3);
    expect(r.plan?.levels[3]?.price.toFixed()).toBe('65000');
    expect(r.plan?.levels[4]?.price.toFixed()).toBe('65650');
    expect(r.plan?.levels.map((l) => l.side ?? '-').join(' ')).toBe('buy buy buy - sell sell sell');
  });

  it('returns issues, never throws, for bad input', () => {
    expect(planGrid(base, BTC_USDT, 'abc').issues.map((i) => i.code)).toEqual(['invalid-last-price']);
    expect(planGrid(base, BTC_USDT, '0').issues.map((i) => i.code)).toEqual(['invalid-last-price']);
    const r = planGrid({ ...base, market: 'ETH_USDT', amountPerLevel: { unit: 'base', value: '-1' }, budget: { quote: 'x' } }, BTC_USDT, '1');
    expect(r.issues.map((i) => i.field)).toEqual(['market', 'amountPerLevel.value', 'budget.quote']);
  });
});

describe('planGrid properties', () => {
  const specArb = fc.record({
    lowerCents: fc.integer({ min: 1000, max: 10_000_000 }),
    widthBp: fc.integer({ min: 50, max: 20_000 }),
    levels: fc.integer({ min: 2, max: 40 }),
    spacing: fc.constantFrom('arithmetic' as const, 'geometric' as const),
    unit: fc.constantFrom('base' as const, 'quote' as const),
    amountMicros: fc.integer({ min: 1, max: 2_000_000 }),
    lastBp: fc.integer({ min: -2000, max: 12_000 }),
  });

  it('prices are on the tick and strictly increasing; buys below, sells above; min-rule breaches are reported', () => {
    fc.assert(
      fc.property(specArb, (s) => {
        const lower = dec(String(s.lowerCents)).div(100);
        const upper = lower.times(dec(String(s.widthBp)).div(10_000).plus(1));
        const last = lower.plus(upper.minus(lower).times(s.lastBp).div(10_000)).toDecimalPlaces(4);
        if (!last.gt(0)) return;
        const amount = s.unit === 'base' ? dec(String(s.amountMicros)).div(1_000_000) : dec(String(s.amountMicros)).div(1000);
        const r = planGrid(
          {
            market: 'BTC_USDT',
            spacing: s.spacing,
            ladder: { kind: 'range', lower: lower.toFixed(), upper: upper.toFixed(), levels: s.levels },
            amountPerLevel: { unit: s.unit, value: amount.toFixed() },
            budget: {},
          },
          BTC_USDT,
          last.toFixed(),
        );
        if (r.plan === null) return;
        const levels = r.plan.levels;
        levels.forEach((l, i) => {
          expect(l.index).toBe(i);
          expect(l.price.decimalPlaces()).toBeLessThanOrEqual(BTC_USDT.pricePrecision);
          expect(l.amount.decimalPlaces()).toBeLessThanOrEqual(BTC_USDT.amountPrecision);
          const prev = levels[i - 1];
          if (prev !== undefined) expect(prev.price.lt(l.price)).toBe(true);
          if (l.side === 'buy') expect(l.price.lt(last)).toBe(true);
          if (l.side === 'sell') expect(l.price.gt(last)).toBe(true);
          if (l.side !== null && checkOrderSize(BTC_USDT, l.price, l.amount).length > 0) {
            expect(r.ok).toBe(false);
            expect(r.issues.some((x) => x.level === i && x.severity === 'error')).toBe(true);
          }
        });
        // at most one empty level, and it is the nearest to the price
        const empty = levels.filter((l) => l.side === null);
        expect(empty.length).toBeLessThanOrEqual(1);
        if (last.gt(levels[0]?.price ?? last) && last.lt(levels[levels.length - 1]?.price ?? last)) expect(empty).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });
});
