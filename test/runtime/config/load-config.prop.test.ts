import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError, parseConfig, type ConfigResult } from '../../../src/runtime/config/index.js';

const EXAMPLE = readFileSync(new URL('../../../markets.yaml', import.meta.url), 'utf8');

/** The loader's contract: a frozen config, or a ConfigError whose every issue has a position and a field. */
function expectWellFormed(r: ConfigResult): void {
  if (r.ok) {
    expect(Object.isFrozen(r.config)).toBe(true);
    return;
  }
  expect(r.error).toBeInstanceOf(ConfigError);
  expect(r.error.issues.length).toBeGreaterThan(0);
  for (const i of r.error.issues) {
    expect(i.line).toBeGreaterThanOrEqual(1);
    expect(i.column).toBeGreaterThanOrEqual(1);
    expect(i.field.length).toBeGreaterThan(0);
    expect(i.message.length).toBeGreaterThan(0);
  }
}

const keys = fc.constantFrom(
  'grids',
  'market',
  'ladder',
  'lower',
  'upper',
  'levels',
  'step',
  'center',
  'levelsPerSide',
  'killSwitch',
  'timeout',
  'refresh',
  'sim',
  'balances',
  'apiKey',
  '__proto__',
  'constructor',
  'toString',
  'exchange',
  'x',
);
const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom('last', 'sim', 'BTC_USDT', '0.1', '1e5', '-1', '', 'cancel-all'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(keys, fc.string()), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('the loader never crashes', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => expectWellFormed(parseConfig(text, 'f.yaml'))),
      {
        numRuns: 500,
      },
    );
  });

  it('on arbitrary YAML-looking text', () => {
    const token = fc.constantFrom(
      'a:',
      ' ',
      '\n',
      '- ',
      '[',
      ']',
      '{',
      '}',
      ',',
      '&x ',
      '*x',
      '"',
      "'",
      '0.1',
      'grids:',
      '? ',
      '!!str ',
      '#',
      '|',
      '>',
      '---\n',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (parts) => expectWellFormed(parseConfig(parts.join(''), 'f.yaml'))),
      { numRuns: 500 },
    );
  });

  it('on arbitrary documents', () => {
    fc.assert(
      fc.property(values, (v) => expectWellFormed(parseConfig(stringify(v), 'f.yaml'))),
      { numRuns: 500 },
    );
  });

  it('on the example with any value replaced by anything', () => {
    const base: unknown = parse(EXAMPLE);
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, p: (string | number)[]) => {
      paths.push(p);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    };
    walk(base, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), values, (path, replacement) => {
        const copy = structuredClone(base) as Record<string | number, unknown>;
        if (path.length === 0) return expectWellFormed(parseConfig(stringify(replacement), 'f.yaml'));
        let parent: Record<string | number, unknown> = copy;
        for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
        parent[path.at(-1) as string | number] = replacement;
        expectWellFormed(parseConfig(stringify(copy), 'f.yaml'));
      }),
      { numRuns: 500 },
    );
  });
});

describe('decimals keep their text', () => {
  it('a bare or quoted plain decimal arrives exactly as written', () => {
    const decimal = fc.tuple(fc.stringMatching(/^[1-9]\d{0,15}$/), fc.stringMatching(/^\d{1,30}$/)).map(([i, f]) => `${i}.${f}`);
    fc.assert(
      fc.property(decimal, fc.boolean(), (d, quoted) => {
        const text = [
          'grids:',
          '  - market: BTC_USDT',
          '    spacing: arithmetic',
          '    ladder: { center: last, levelsPerSide: 2, step: "1" }',
          `    amountPerLevel: { base: ${quoted ? `"${d}"` : d} }`,
        ].join('\n');
        const r = parseConfig(text, 'f.yaml');
        expect(r.ok && r.config.markets[0]?.spec.amountPerLevel.value).toBe(d);
      }),
      { numRuns: 300 },
    );
  });
});
