/**
 * markets.yaml `orderEntry` (issue 15): the default per exchange, the file-wide value and the
 * per-grid override, and the refusal of `ws` where the exchange has no WebSocket order entry, named
 * `file:line:col orderEntry: …` like every config error. The CLI part: what `validate` and `plan`
 * say of a file with `rest` at the top and `ws` on one grid, and that `validate`, `plan` and `run`
 * refuse a bad value with file:line:col, exit 2, nothing sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue, parseConfig, type RuntimeConfig } from '../../../src/runtime/config/index.js';
import { ORDER_ENTRY_SUPPORT, defaultOrderEntry, orderEntryRefusal, venueOf } from '../../../src/runtime/exchange/order-entry-support.js';
import { type Simulator, startSimulator } from '../../../src/sim/index.js';
import { type CountingProxy, startCountingProxy } from '../../integration/counting-proxy.js';
import { cli, tempDir } from '../commands/support.js';

const grid = (market: string, ...extra: string[]) => [
  `  - market: ${market}`,
  '    spacing: arithmetic',
  '    ladder: { lower: "60000", upper: "68000", levels: 9 }',
  '    amountPerLevel: { base: "0.001" }',
  ...extra,
];
const file = (...lines: string[]) => [...lines, ''].join('\n');

function ok(text: string): RuntimeConfig {
  const r = parseConfig(text, 'markets.yaml');
  if (!r.ok) throw new Error(`expected a valid config:\n${r.error.message}`);
  return r.config;
}

/** The lines of the refusal when `exchange: whitebit` meant the EU platform. */
function refusedOnEu(text: string): string[] {
  const r = parseConfig(text, 'markets.yaml', { venueOf: (e) => (e === 'sim' ? 'sim' : 'whitebit-eu') });
  if (r.ok) throw new Error('expected a ConfigError');
  return r.error.issues.map(formatIssue);
}

describe('orderEntry', () => {
  it('defaults to ws on the simulator and on WhiteBIT (global), for every grid', () => {
    expect(ok(file('grids:', ...grid('BTC_USDT'), ...grid('ETH_USDT'))).orderEntry).toEqual({ BTC_USDT: 'ws', ETH_USDT: 'ws' });
    expect(ok(file('exchange: whitebit', 'grids:', ...grid('BTC_USDT'))).orderEntry).toEqual({ BTC_USDT: 'ws' });
  });

  it('a top-level value applies to every grid; a grid overrides it', () => {
    const c = ok(file('orderEntry: rest', 'grids:', ...grid('BTC_USDT'), ...grid('ETH_USDT', '    orderEntry: ws')));
    expect(c.orderEntry).toEqual({ BTC_USDT: 'rest', ETH_USDT: 'ws' });
  });

  it('refuses an unknown value with file:line:col', () => {
    const r = parseConfig(file('orderEntry: websocket', 'grids:', ...grid('BTC_USDT')), 'markets.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues.map(formatIssue)).toEqual(['markets.yaml:1:13 orderEntry: must be one of ws | rest, got "websocket"']);
  });

  it('refuses ws where the exchange has no WebSocket order entry (WhiteBIT EU), at the key that asks for it', () => {
    const top = refusedOnEu(file('exchange: whitebit', 'orderEntry: ws', 'grids:', ...grid('BTC_USDT')));
    expect(top).toEqual([
      expect.stringMatching(/^markets\.yaml:2:13 orderEntry: ws is not available on whitebit-eu: .*global platform only.*; set orderEntry: rest$/),
    ]);
    const perGrid = refusedOnEu(file('exchange: whitebit', 'grids:', ...grid('BTC_USDT', '    orderEntry: ws')));
    expect(perGrid).toEqual([expect.stringMatching(/^markets\.yaml:7:17 grids\[0\]\.orderEntry: ws is not available on whitebit-eu/)]);
  });

  it('on WhiteBIT EU the default is rest, and rest is accepted', () => {
    const r = parseConfig(file('exchange: whitebit', 'grids:', ...grid('BTC_USDT'), ...grid('ETH_USDT', '    orderEntry: rest')), 'markets.yaml', {
      venueOf: () => 'whitebit-eu',
    });
    expect(r.ok && r.config.orderEntry).toEqual({ BTC_USDT: 'rest', ETH_USDT: 'rest' });
  });

  it('the capability table: ws on the simulator and WhiteBIT global, not on WhiteBIT EU', () => {
    expect(ORDER_ENTRY_SUPPORT.sim.ws && ORDER_ENTRY_SUPPORT['whitebit-global'].ws).toBe(true);
    expect(ORDER_ENTRY_SUPPORT['whitebit-eu'].ws).toBe(false);
    expect([venueOf('sim'), venueOf('whitebit')]).toEqual(['sim', 'whitebit-global']);
    expect(defaultOrderEntry('whitebit-eu')).toBe('rest');
    expect(orderEntryRefusal('whitebit-eu', 'rest')).toBeNull();
  });
});

describe('orderEntry on the command line', () => {
  const center = (market: string, step: string, amount: string, ...extra: string[]) => [
    `  - market: ${market}`,
    '    spacing: arithmetic',
    `    ladder: { center: last, levelsPerSide: 2, step: "${step}" }`,
    `    amountPerLevel: { base: "${amount}" }`,
    ...extra,
  ];
  // Line 14, column 17: the per-grid value of the second grid.
  const MIXED = file(
    'exchange: sim',
    'botId: oe',
    'logLevel: silent',
    'orderEntry: rest',
    'grids:',
    ...center('DBTC_DUSDT', '200', '0.002'),
    ...center('BTC_USDT', '200', '0.001', '    orderEntry: ws'),
  );
  const BAD = MIXED.replace('    orderEntry: ws', '    orderEntry: socket');
  // `run` reaches the simulator through a counting proxy, so the test sees that nothing was sent.
  let sim: Simulator;
  let proxy: CountingProxy;
  const tmp = tempDir();
  beforeAll(async () => {
    [sim, proxy] = await startSimulator({ port: 0, seed: 3, tickMs: 0 }).then(async (s) => [s, await startCountingProxy(s.restUrl)] as const);
  });
  afterAll(() => Promise.all([proxy.close(), sim.close()]).finally(tmp.cleanup));

  it('validate and plan show rest for the grid that inherits the top level and ws for the one that overrides it', async () => {
    const path = tmp.file('mixed.yaml', MIXED);
    const v = await cli('validate', path);
    expect(v.code).toBe(0);
    expect(v.out).toContain('DBTC_DUSDT (arithmetic, last price ± 2 × 200, order entry rest), BTC_USDT (arithmetic, last price ± 2 × 200, order entry ws)');
    const p = await cli('plan', '--config', path, '--exchange-url', sim.restUrl);
    expect(p.code).toBe(0);
    const entries = p.out.split('\n').filter((l) => l.startsWith('  order entry '));
    expect(entries).toEqual([
      '  order entry rest: every order and cancel over REST',
      '  order entry ws: counter-orders and cancels over the WebSocket (REST while the socket is down or its budget spent); the initial ladder over REST order/bulk',
    ]);
    const json = await cli('plan', '--config', path, '--exchange-url', sim.restUrl, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, orderEntry: { DBTC_DUSDT: 'rest', BTC_USDT: 'ws' } });
  });

  it('validate, plan and run refuse a bad value with file:line:col and exit 2; run sends nothing', async () => {
    const path = tmp.file('bad.yaml', BAD);
    const line = `${path}:14:17 grids[1].orderEntry: must be one of ws | rest, got "socket"`;
    const v = await cli('validate', path);
    expect([v.code, v.err.split('\n')[0]]).toEqual([2, line]);
    const vj = await cli('validate', path, '--json');
    expect(vj.code).toBe(2);
    expect(JSON.parse(vj.out)).toMatchObject({ ok: false, errors: [{ line: 14, column: 17, field: 'grids[1].orderEntry' }] });
    const p = await cli('plan', '--config', path, '--exchange-url', sim.restUrl);
    expect([p.code, p.err.split('\n')[0]]).toEqual([2, line]);
    const r = await cli('run', '--config', path, '--exchange-url', proxy.url, '--duration', '5');
    expect([r.code, r.err.split('\n')[0]]).toEqual([2, line]);
    expect(r.err).toContain('nothing was sent');
    expect(proxy.privateRequests()).toEqual([]);
    expect(proxy.upgrades()).toBe(0);
    expect(sim.state.orders(sim.accountId)).toEqual([]);
  });
});
