import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { marketRulesFrom, planGrid } from '../../../src/grid/index.js';
import { ConfigError, formatIssue, loadConfig, parseConfig, type ConfigIssue, type RuntimeConfig } from '../../../src/runtime/config/index.js';
import { DEFAULT_MARKETS, resolveMarket } from '../../../src/sim/markets.js';

const EXAMPLE = readFileSync(new URL('../../../markets.yaml', import.meta.url), 'utf8');

function ok(text: string): RuntimeConfig {
  const r = parseConfig(text, 'markets.yaml');
  if (!r.ok) throw new Error(`expected a valid config:\n${r.error.message}`);
  return r.config;
}

function issuesOf(text: string): ConfigIssue[] {
  const r = parseConfig(text, 'markets.yaml');
  if (r.ok) throw new Error('expected a ConfigError');
  return [...r.error.issues];
}

/** A minimal valid grid entry, indented under `grids:`; `extra` lines are added to it. */
function doc(...gridLines: string[]): string {
  return [
    'grids:',
    '  - market: BTC_USDT',
    '    spacing: arithmetic',
    '    ladder: { lower: "60000", upper: "68000", levels: 9 }',
    '    amountPerLevel: { base: "0.001" }',
    ...gridLines,
    '',
  ].join('\n');
}

describe('the example markets.yaml', () => {
  it('validates into three markets on the simulator', () => {
    const config = ok(EXAMPLE);
    expect(config.exchange).toBe('sim');
    expect(config.botId).toBe('gb');
    expect(config.markets.map((m) => m.market)).toEqual(['DBTC_DUSDT', 'BTC_USDT', 'ETH_USDT']);
    expect(config.sim?.balances?.['DUSDT']).toBe('100000');
  });

  it('plans every grid against the simulator markets at their start prices', () => {
    const config = ok(EXAMPLE);
    for (const settings of config.markets) {
      const spec = DEFAULT_MARKETS.find((m) => m.name === settings.market);
      if (!spec) throw new Error(`the simulator has no ${settings.market}`);
      const m = resolveMarket(spec);
      const rules = marketRulesFrom({
        market: m.name,
        baseAsset: m.stock,
        quoteAsset: m.money,
        pricePrecision: m.moneyPrec,
        amountPrecision: m.stockPrec,
        minAmount: m.minAmount,
        minTotal: m.minTotal,
        maxTotal: m.maxTotal,
        makerFeePercent: m.makerFee,
        takerFeePercent: m.takerFee,
      });
      if (!rules.ok) throw new Error(JSON.stringify(rules.issues));
      const plan = planGrid(settings.spec, rules.rules, m.startPrice);
      expect(
        plan.issues.filter((i) => i.severity === 'error'),
        settings.market,
      ).toEqual([]);
      expect(plan.ok).toBe(true);
    }
  });
});

describe('RuntimeConfig', () => {
  it('maps an entry exactly onto MarketSettings, with the fixed parts filled', () => {
    const [m] = ok(doc()).markets;
    expect(m).toEqual({
      botId: 'gb',
      market: 'BTC_USDT',
      spec: {
        market: 'BTC_USDT',
        spacing: 'arithmetic',
        ladder: { kind: 'range', lower: '60000', upper: '68000', levels: 9 },
        amountPerLevel: { unit: 'base', value: '0.001' },
        budget: {},
      },
      onStart: 'cancel-all',
      onStop: 'cancel',
      killSwitch: { timeoutSec: 60, refreshSec: 20, retrySec: 5 },
      risk: { rangeExitMarginPercent: null, stopLossQuote: null, maxInventoryBase: null },
      batchSize: 20,
      retry: { baseMs: 1000, maxMs: 30000 },
      restore: null,
      reconcileEverySec: 300,
    });
  });

  it('reconcileEvery: seconds between reconciles while running, 0 for only after reconnects', () => {
    expect(ok(doc('    reconcileEvery: 600')).markets[0]?.reconcileEverySec).toBe(600);
    expect(ok(doc('    reconcileEvery: 0')).markets[0]?.reconcileEverySec).toBeNull();
    expect(ok(doc()).markets[0]?.reconcileEverySec).toBe(300);
  });

  it('health.missingLevelsAfter: seconds a grid may have levels waiting for price before /health says so (issue 14)', () => {
    expect(ok(doc()).health).toEqual({ missingLevelsAfterSec: 600 });
    expect(ok(`health:\n  missingLevelsAfter: 120\n${doc()}`).health).toEqual({ missingLevelsAfterSec: 120 });
    const bad = issuesOf(`health:\n  missingLevelsAfter: 5\n${doc()}`);
    expect(bad.map(formatIssue)).toEqual(['markets.yaml:2:23 health.missingLevelsAfter: must be an integer from 10 to 86400, got 5']);
    expect(issuesOf(`health:\n  missingAfter: 60\n${doc()}`).map((i) => i.field)).toEqual(['health.missingAfter']);
  });

  it('fills the top-level defaults; absent optional blocks are off', () => {
    const c = ok(doc());
    expect(c).toMatchObject({ exchange: 'sim', botId: 'gb', logLevel: 'info', journal: null, inspector: null });
    expect(c.sim).toEqual({ seed: 1, balances: null });
    expect(ok(`exchange: whitebit\n${doc()}`).sim).toBeNull();
    expect(ok(`inspector: {}\n${doc()}`).inspector).toEqual({ host: '127.0.0.1', port: 8787 });
  });

  it('resolves the journal path against the config file directory', () => {
    const r = parseConfig(`journal: var/j.db\n${doc()}`, '/etc/gridbot/markets.yaml');
    expect(r.ok && r.config.journal).toEqual({ path: '/etc/gridbot/var/j.db' });
  });

  it('maps the three ladder shapes and both amount units', () => {
    const ladderOf = (line: string) => ok(doc().replace(/ {4}ladder: .*/, `    ladder: ${line}`)).markets[0]?.spec.ladder;
    expect(ladderOf('{ lower: "1", upper: "2", step: "0.1" }')).toEqual({ kind: 'range-step', lower: '1', upper: '2', step: '0.1' });
    expect(ladderOf('{ center: last, levelsPerSide: 3, step: "10" }')).toEqual({ kind: 'centered', levelsPerSide: 3, step: '10' });
    expect(ladderOf('{ center: "64000", levelsPerSide: 3, step: "10" }')).toEqual({
      kind: 'centered',
      center: '64000',
      levelsPerSide: 3,
      step: '10',
    });
    const quote = ok(doc().replace('{ base: "0.001" }', '{ quote: "50" }')).markets[0]?.spec.amountPerLevel;
    expect(quote).toEqual({ unit: 'quote', value: '50' });
  });

  it('defaults refresh to a third of the timeout', () => {
    expect(ok(doc('    killSwitch: { timeout: 30 }')).markets[0]?.killSwitch).toEqual({ timeoutSec: 30, refreshSec: 10, retrySec: 5 });
  });

  it('is deeply frozen', () => {
    const c = ok(EXAMPLE);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.markets)).toBe(true);
    expect(Object.isFrozen(c.markets[0]?.spec.ladder)).toBe(true);
    expect(Object.isFrozen(c.markets[0]?.killSwitch)).toBe(true);
    expect(Object.isFrozen(c.sim?.balances)).toBe(true);
    expect(() => {
      (c.markets[0]?.killSwitch as { timeoutSec: number }).timeoutSec = 1;
    }).toThrow(TypeError);
  });
});

describe('decimals never pass through a JS float (documented choice: bare numbers keep their source text)', () => {
  it('takes `amount: 0.1` as exactly "0.1", and quoted strings as written', () => {
    const bare = ok(doc().replace('{ base: "0.001" }', '{ base: 0.1 }'));
    expect(bare.markets[0]?.spec.amountPerLevel.value).toBe('0.1');
  });

  it('keeps digits a float would lose', () => {
    const c = ok(doc().replace('{ base: "0.001" }', '{ base: 0.1000000000000000000001 }').replace('upper: "68000"', 'upper: 68000.000000000000000000001'));
    expect(c.markets[0]?.spec.amountPerLevel.value).toBe('0.1000000000000000000001');
    expect(c.markets[0]?.spec.ladder).toMatchObject({ upper: '68000.000000000000000000001' });
  });

  it('keeps trailing zeros of a bare number (0.10 is not 0.1 as text)', () => {
    expect(ok(doc().replace('{ base: "0.001" }', '{ base: 0.10 }')).markets[0]?.spec.amountPerLevel.value).toBe('0.10');
  });

  it.each([
    ['1e-3', '1e-3'],
    ['0x10', '0x10'],
    ['"+1"', '"+1"'],
    ['.inf', '.inf'],
    ['"0"', '"0"'],
  ])('refuses %s as an amount', (written, got) => {
    const [issue] = issuesOf(doc().replace('{ base: "0.001" }', `{ base: ${written} }`));
    expect(issue?.field).toBe('grids[0].amountPerLevel.base');
    expect(issue?.message).toContain('positive decimal written as plain digits');
    expect(issue?.message).toContain(`got ${got}`);
  });
});

/** Each broken document gives exactly this issue: `file:line:col field: message` (message matched by substring). */
const BROKEN: readonly { name: string; text: string; at: string; field: string; says: string }[] = [
  {
    name: 'unknown key',
    text: `colour: blue\n${doc()}`,
    at: '1:1',
    field: 'colour',
    says: 'unknown key (allowed here: exchange, botId, logLevel, orderEntry, journal, inspector, health, sim, paper, notify, grids)',
  },
  {
    name: "typo'd key",
    text: doc('    killSwitch:', '      timout: 30'),
    at: '7:7',
    field: 'grids[0].killSwitch.timout',
    says: 'unknown key; did you mean timeout?',
  },
  {
    name: "typo'd key in another case",
    text: doc('    onstart: adopt'),
    at: '6:5',
    field: 'grids[0].onstart',
    says: 'did you mean onStart?',
  },
  {
    name: 'wrong type',
    text: doc('    killSwitch: { timeout: "sixty" }'),
    at: '6:28',
    field: 'grids[0].killSwitch.timeout',
    says: 'must be an integer from 5 to 600, got "sixty"',
  },
  {
    name: 'wrong type of a block',
    text: doc('    risk: [1, 2]'),
    at: '6:11',
    field: 'grids[0].risk',
    says: 'must be a mapping with the keys rangeExitMarginPercent, stopLossQuote, maxInventoryBase, got a list of 2',
  },
  {
    name: 'out of range timeout',
    text: doc('    killSwitch:', '      timeout: 900'),
    at: '7:16',
    field: 'grids[0].killSwitch.timeout',
    says: 'must be an integer from 5 to 600, got 900',
  },
  {
    name: 'fractional timeout',
    text: doc('    killSwitch: { timeout: 4.5 }'),
    at: '6:28',
    field: 'grids[0].killSwitch.timeout',
    says: 'must be an integer from 5 to 600, got 4.5',
  },
  {
    name: 'refresh ≥ timeout',
    text: doc('    killSwitch: { timeout: 30, refresh: 30 }'),
    at: '6:41',
    field: 'grids[0].killSwitch.refresh',
    says: 'must be below killSwitch.timeout (30 s)',
  },
  {
    name: 'reconcile too often',
    text: doc('    reconcileEvery: 10'),
    at: '6:21',
    field: 'grids[0].reconcileEvery',
    says: 'must be 0 (off) or at least 30 seconds, got 10',
  },
  {
    name: 'missing market',
    text: doc().replace('  - market: BTC_USDT\n    spacing', '  - spacing'),
    at: '2:5',
    field: 'grids[0].market',
    says: 'is missing; expected a WhiteBIT market id like BTC_USDT',
  },
  {
    name: 'malformed market',
    text: doc().replace('market: BTC_USDT', 'market: btc-usdt'),
    at: '2:13',
    field: 'grids[0].market',
    says: 'must be a WhiteBIT market id like BTC_USDT, got "btc-usdt"',
  },
  {
    name: 'lower ≥ upper',
    text: doc().replace('lower: "60000"', 'lower: "70000"'),
    at: '4:22',
    field: 'grids[0].ladder.lower',
    says: 'must be below upper (68000), got 70000',
  },
  {
    name: 'too few levels',
    text: doc().replace('levels: 9', 'levels: 1'),
    at: '4:55',
    field: 'grids[0].ladder.levels',
    says: 'must be an integer from 2 to 1000, got 1',
  },
  {
    name: 'levels and step together',
    text: doc().replace('levels: 9', 'levels: 9, step: "100"'),
    at: '4:64',
    field: 'grids[0].ladder.step',
    says: 'is not allowed with levels',
  },
  {
    name: 'centered ladder without levelsPerSide',
    text: doc().replace('{ lower: "60000", upper: "68000", levels: 9 }', '{ center: last, step: "10" }'),
    at: '4:13',
    field: 'grids[0].ladder.levelsPerSide',
    says: 'is missing; a centered ladder needs levelsPerSide',
  },
  {
    name: 'fixed centered ladder reaching zero',
    text: doc().replace('{ lower: "60000", upper: "68000", levels: 9 }', '{ center: "100", levelsPerSide: 2, step: "50" }'),
    at: '4:54',
    field: 'grids[0].ladder.step',
    says: 'takes the lowest level to 0',
  },
  {
    name: 'both amount units',
    text: doc().replace('{ base: "0.001" }', '{ base: "0.001", quote: "5" }'),
    at: '5:21',
    field: 'grids[0].amountPerLevel',
    says: 'needs exactly one of base',
  },
  {
    name: 'duplicate market',
    text: `${doc()}  - market: BTC_USDT\n    spacing: geometric\n    ladder: { center: last, levelsPerSide: 2, step: "1" }\n    amountPerLevel: { quote: "10" }\n`,
    at: '6:13',
    field: 'grids[1].market',
    says: 'duplicate market BTC_USDT: grids[0] already runs it',
  },
  {
    name: 'bad bot id',
    text: `botId: Grid_Bot_1\n${doc()}`,
    at: '1:8',
    field: 'botId',
    says: 'must be 1 to 8 characters of [a-z0-9] (it is embedded in client order ids), got "Grid_Bot_1"',
  },
  {
    name: 'unknown exchange',
    text: `exchange: binance\n${doc()}`,
    at: '1:11',
    field: 'exchange',
    says: 'must be one of sim | whitebit | paper, got "binance"',
  },
  {
    name: 'sim settings with the live exchange',
    text: `exchange: whitebit\nsim: { seed: 3 }\n${doc()}`,
    at: '2:6',
    field: 'sim',
    says: 'simulator settings apply only to exchange: sim',
  },
  {
    name: 'paper settings with the simulator',
    text: `exchange: sim\npaper: { upstreamRest: "http://127.0.0.1:9" }\n${doc()}`,
    at: '2:8',
    field: 'paper',
    says: 'paper trading settings apply only to exchange: paper',
  },
  {
    name: 'a paper upstream that is not a URL',
    text: `exchange: paper\npaper:\n  upstreamWs: whitebit\n${doc()}`,
    at: '3:15',
    field: 'paper.upstreamWs',
    says: 'must be a ws(s) URL, e.g. wss://api.whitebit.com/ws, got "whitebit"',
  },
  {
    name: 'bad asset name in sim balances',
    text: `sim:\n  balances: { usdt: "5" }\n${doc()}`,
    at: '2:15',
    field: 'sim.balances.usdt',
    says: 'key must be an asset name like USDT',
  },
  {
    name: 'no grids',
    text: 'grids: []\n',
    at: '1:8',
    field: 'grids',
    says: 'must be a list of at least one grid, got an empty list',
  },
  {
    name: 'empty document',
    text: '',
    at: '1:1',
    field: '(root)',
    says: 'must be a mapping with the keys exchange, botId',
  },
  {
    name: 'YAML syntax error',
    text: doc().replace('levels: 9 }', 'levels: 9'),
    at: '5:5',
    field: '(yaml)',
    says: 'Flow map',
  },
  {
    name: 'YAML duplicate key',
    text: doc('    spacing: geometric'),
    at: '6:5',
    field: '(yaml)',
    says: 'Map keys must be unique',
  },
  {
    name: 'secret in YAML',
    text: `apiKey: 0123456789abcdef\n${doc()}`,
    at: '1:1',
    field: 'apiKey',
    says: 'set WHITEBIT_API_KEY / WHITEBIT_API_SECRET in the environment',
  },
  {
    name: 'secret nested in a grid',
    text: doc('    api_secret: hunter2'),
    at: '6:5',
    field: 'grids[0].api_secret',
    says: 'credentials are never read from the config file',
  },
];

describe('a broken markets.yaml', () => {
  it.each(BROKEN)('$name → file:line:col field: expectation', ({ text, at, field, says }) => {
    const issues = issuesOf(text);
    expect(issues.map(formatIssue)).toHaveLength(1);
    const [issue] = issues;
    expect(formatIssue(issue as ConfigIssue)).toContain(`markets.yaml:${at} ${field}: `);
    expect(issue?.message).toContain(says);
  });

  it('never echoes a secret value', () => {
    const r = parseConfig(`secret: s3cr3t-value\nexchange: whitebit\n${doc('    key: also-s3cr3t')}`, 'markets.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.issues.map((i) => i.field)).toEqual(['secret', 'grids[0].key']);
      expect(r.error.message).not.toContain('s3cr3t');
    }
  });

  it('reports every issue of a file at once, in file order', () => {
    const text = [
      'exchange: whitebit',
      'botId: BAD!',
      'apiSecret: x',
      'grids:',
      '  - market: BTC_USDT',
      '    spacing: geo',
      '    ladder: { lower: "70000", upper: "60000", levels: 9 }',
      '    amountPerLevel: { base: 1e-3 }',
      '    killSwitch: { timeout: 900, refersh: 3 }',
      '  - market: BTC_USDT',
      '    spacing: arithmetic',
      '    ladder: { center: last, levelsPerSide: 2, step: "1" }',
      '    amountPerLevel: { quote: "5" }',
      '    killSwitch: { timeout: 30, refresh: 45 }',
      '',
    ].join('\n');
    const lines = issuesOf(text).map(formatIssue);
    expect(lines).toEqual([
      'markets.yaml:2:8 botId: must be 1 to 8 characters of [a-z0-9] (it is embedded in client order ids), got "BAD!"',
      expect.stringMatching(/^markets\.yaml:3:1 apiSecret: credentials are never read/),
      'markets.yaml:6:14 grids[0].spacing: must be one of arithmetic | geometric, got "geo"',
      'markets.yaml:7:22 grids[0].ladder.lower: must be below upper (60000), got 70000',
      'markets.yaml:8:29 grids[0].amountPerLevel.base: must be a positive decimal written as plain digits, e.g. "0.1" (no exponent, no sign), got 1e-3',
      'markets.yaml:9:28 grids[0].killSwitch.timeout: must be an integer from 5 to 600, got 900',
      'markets.yaml:9:33 grids[0].killSwitch.refersh: unknown key; did you mean refresh? (allowed here: timeout, refresh)',
      expect.stringMatching(/^markets\.yaml:10:13 grids\[1\]\.market: duplicate market BTC_USDT/),
      expect.stringMatching(/^markets\.yaml:14:41 grids\[1\]\.killSwitch\.refresh: must be below killSwitch\.timeout \(30 s\)/),
    ]);
  });
});

describe('found by the property tests', () => {
  it('a non-decimal bound is reported, not compared (zod refines objects whose children failed a refinement)', () => {
    const lines = issuesOf(doc().replace('upper: "68000"', 'upper: last')).map(formatIssue);
    expect(lines).toEqual([expect.stringContaining('markets.yaml:4:38 grids[0].ladder.upper: must be a positive decimal')]);
  });

  it('an exchange that is a mapping with a toString key is reported, not stringified', () => {
    const lines = issuesOf(`exchange: { toString: 0 }\nsim: { seed: 1 }\n${doc()}`).map(formatIssue);
    expect(lines).toEqual(['markets.yaml:1:11 exchange: must be one of sim | whitebit | paper, got a mapping']);
  });
});

describe('loadConfig', () => {
  it('reads a file and names it in every issue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridbot-config-'));
    const file = join(dir, 'markets.yaml');
    writeFileSync(file, doc('    onStart: maybe'));
    const error = await loadConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`${file}:6:14 grids[0].onStart: must be one of cancel-all | adopt, got "maybe"`);
    writeFileSync(file, EXAMPLE);
    expect((await loadConfig(file)).markets).toHaveLength(3);
  });

  it('reports an unreadable file as a ConfigError without a position', async () => {
    const error = await loadConfig('/nonexistent/markets.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(formatIssue((error as ConfigError).issues[0] as ConfigIssue)).toBe('/nonexistent/markets.yaml (file): cannot be read (ENOENT)');
  });
});
