/**
 * Issue 17: what a reload changes, grid by grid, decided from the running config and the new one;
 * a top-level setting grids inherit counts as a change of each grid that inherits it; what the
 * running fleet cannot take is refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import { type RuntimeConfig, parseConfig } from '../../../src/runtime/config/index.js';
import { planReload } from '../../../src/runtime/reload/reload-plan.js';

const grid = (market: string, extra = '') => `  - market: ${market}
    spacing: arithmetic
    ladder: { lower: "59000", upper: "61000", levels: 5 }
    amountPerLevel: { base: "0.001" }
${extra}`;

function config(grids: string, top = ''): RuntimeConfig {
  const r = parseConfig(`exchange: sim\nbotId: t1\n${top}grids:\n${grids}`, 'markets.yaml');
  if (!r.ok) throw new Error(r.error.message);
  return r.config;
}

const markets = (list: readonly { market: string }[]) => list.map((m) => m.market);

describe('planReload', () => {
  const A = grid('DBTC_DUSDT');
  const B = grid('DETH_DUSDT');

  it('sorts grids into added, removed, changed and unchanged by market', () => {
    const before = config(A + B + grid('DLTC_DUSDT'));
    const after = config(A + grid('DETH_DUSDT', '    onStop: leave\n') + grid('DSOL_DUSDT'));
    const d = planReload(before, after);
    expect(d.kind).toBe('plan');
    if (d.kind !== 'plan') return;
    expect(markets(d.plan.added)).toEqual(['DSOL_DUSDT']);
    expect(d.plan.removed).toEqual(['DLTC_DUSDT']);
    expect(markets(d.plan.changed)).toEqual(['DETH_DUSDT']);
    expect(d.plan.changed[0]?.onStop).toBe('leave');
    expect(d.plan.unchanged).toEqual(['DBTC_DUSDT']);
  });

  it('the same file again changes nothing', () => {
    const d = planReload(config(A + B), config(A + B));
    expect(d).toEqual({ kind: 'plan', plan: { added: [], removed: [], changed: [], unchanged: ['DBTC_DUSDT', 'DETH_DUSDT'] } });
  });

  it('a changed top-level default is a change of every grid that inherits it, not of one that sets its own', () => {
    const own = grid('DETH_DUSDT', '    orderEntry: rest\n');
    const d = planReload(config(A + own, 'orderEntry: ws\n'), config(A + own, 'orderEntry: rest\n'));
    expect(d.kind === 'plan' && markets(d.plan.changed)).toEqual(['DBTC_DUSDT']);
    expect(d.kind === 'plan' && d.plan.unchanged).toEqual(['DETH_DUSDT']);
  });

  it('refuses what a running fleet cannot take, each with its reason', () => {
    const d = planReload(config(A), config(A, 'logLevel: debug\njournal: var/j.db\n'));
    expect(d.kind).toBe('refused');
    expect(d.kind === 'refused' && d.reasons.map((r) => r.split(':')[0])).toEqual(['journal changed', 'logLevel changed']);
    const bot = planReload(config(A), { ...config(A), botId: 'other' });
    expect(bot.kind === 'refused' && bot.reasons[0]).toMatch(/^botId changed: it is part of every client order id/);
  });

  it('refuses a kill-switch timeout shorter than the REST deadline the client started with allows', () => {
    const d = planReload(config(A), config(grid('DBTC_DUSDT', '    killSwitch: { timeout: 6 }\n')));
    expect(d.kind === 'refused' && d.reasons[0]).toMatch(/^killSwitch\.timeout 6 s is shorter than the running grids' allow/);
  });
});
