/**
 * markets.yaml `orderEntry` (issue 15): the default per exchange, the file-wide value and the
 * per-grid override, and the refusal of `ws` where the exchange has no WebSocket order entry, named
 * `file:line:col orderEntry: …` like every config error.
 */
import { describe, expect, it } from 'vitest';
import { formatIssue, parseConfig, type RuntimeConfig } from '../../../src/runtime/config/index.js';
import { ORDER_ENTRY_SUPPORT, defaultOrderEntry, orderEntryRefusal, venueOf } from '../../../src/runtime/exchange/order-entry-support.js';

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
