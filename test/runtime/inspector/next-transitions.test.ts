import { describe, expect, it } from 'vitest';
import { type ChartJson, chartJson } from '../../../src/machines/chart-export.js';
import { marketMachine } from '../../../src/machines/market/market.machine.js';

// The page's own module (plain ESM without types; no DOM needed for this function).
const PAGE_CHART = '../../../src/runtime/inspector/page/chart.js';
const { nextTransitions } = (await import(PAGE_CHART)) as { nextTransitions: (chart: ChartJson, active: readonly string[]) => string[] };

const chart = chartJson(marketMachine);

/** The ids of the active nodes for a state value, as the collector reports them (`snapshot._nodes`). */
function activeOf(value: Record<string, string>): string[] {
  const out = ['market'];
  for (const [region, path] of Object.entries(value)) {
    let id = `market.${region}`;
    out.push(id);
    for (const key of path.split('.')) {
      id = `${id}.${key}`;
      out.push(id);
    }
  }
  return out;
}

describe("the inspector's 'Can go next'", () => {
  it('offers the lifecycle and kill-switch transitions of a trading market, stop among them', () => {
    const next = nextTransitions(chart, activeOf({ lifecycle: 'running.trading', killSwitch: 'armed.waiting' }));
    expect(next.some((l) => l.startsWith('lifecycle —stop '))).toBe(true);
    expect(next.length).toBeGreaterThan(3);
  });

  it('offers nothing once the market has finished (every region final): no `stop → killed` for a stopped market', () => {
    const active = activeOf({ lifecycle: 'stopped', killSwitch: 'disposed' });
    for (const id of active) expect(chart.nodes.map((n) => n.id)).toContain(id);
    expect(nextTransitions(chart, active)).toEqual([]);
  });

  // Issue 17: every way a market stops or has stopped. `stop` and `ks.fatal` sit on the lifecycle
  // region (guard notStopping): once killed they re-enter nothing; a stopped lifecycle takes no event.
  const KILLED = ['killed.settling', 'killed.cancelling', 'killed.cancelWaiting', 'killed.disarming', 'killed.disarmWaiting'];
  const SWITCH = ['off', 'armed.waiting', 'armed.refreshing', 'disposed'];
  for (const lifecycle of [...KILLED, 'killed.cleaned', 'killed.abandoned', 'stopped']) {
    for (const killSwitch of SWITCH) {
      it(`offers no stop → killed for a market ${lifecycle} (kill-switch ${killSwitch})`, () => {
        const next = nextTransitions(chart, activeOf({ lifecycle, killSwitch }));
        expect(next.filter((l) => /^lifecycle —(stop|ks\.fatal)/.test(l))).toEqual([]);
        if (lifecycle === 'stopped') {
          expect(next.filter((l) => l.startsWith('lifecycle'))).toEqual([]);
        }
      });
    }
  }

  it('still offers a stopping market its own way on, and the kill-switch its refresh', () => {
    const next = nextTransitions(chart, activeOf({ lifecycle: 'killed.cancelling', killSwitch: 'armed.waiting' }));
    expect(next).toContain('lifecycle.killed.cancelling —done: cancelOnStop→ lifecycle.killed.disarming');
    expect(next.some((l) => l.startsWith('killSwitch.armed.waiting —after ksRefresh→'))).toBe(true);
  });
});
