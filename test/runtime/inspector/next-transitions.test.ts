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
});
