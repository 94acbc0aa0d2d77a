/**
 * Issue 17: a market's kill-switch refreshes no longer push its lifecycle history off the chart:
 * the model keeps the last transitions of each region apart, and each traced step names its chart
 * edge and region, so the page lights the very edge taken.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { chartJson } from '../../../src/machines/chart-export.js';
import { marketMachine } from '../../../src/machines/market/market.machine.js';
import { InspectionCollector } from '../../../src/runtime/inspector/collector.js';
import { InspectorModel, TRAIL_CAP } from '../../../src/runtime/inspector/model.js';
import type { InspectorRecord } from '../../../src/runtime/inspector/records.js';
import { startInertMarkets } from './support.js';

let actors: AnyActorRef[] = [];
afterEach(() => {
  for (const a of actors) a.stop();
  actors = [];
});

const step = (t: number, from: string, to: string, r: string): InspectorRecord => ({ k: 'step', t, id: 'm', type: 'x', from, to: [to], r });

describe('the trail, per region', () => {
  it('keeps the lifecycle steps however many kill-switch refreshes follow', () => {
    const model = new InspectorModel();
    model.apply({ k: 'actor', t: 0, id: 'm', machine: 'market', parent: null });
    model.apply(step(1, 'market.lifecycle.init.loading', 'market.lifecycle.init.planned', 'market.lifecycle'));
    model.apply(step(2, 'market.lifecycle.placing.sending', 'market.lifecycle.running', 'market.lifecycle'));
    for (let i = 0; i < 3 * TRAIL_CAP; i++)
      model.apply(step(10 + i, 'market.killSwitch.armed.waiting', 'market.killSwitch.armed.refreshing', 'market.killSwitch'));
    const trail = model.detail('m')?.trail ?? [];
    expect(trail.filter((s) => s.region === 'market.lifecycle').map((s) => s.t)).toEqual([1, 2]);
    expect(trail.filter((s) => s.region === 'market.killSwitch')).toHaveLength(TRAIL_CAP);
    // Oldest first, in the order taken.
    expect(trail.map((s) => s.t)).toEqual([...trail.map((s) => s.t)].sort((a, b) => a - b));
  });

  it('records the chart edge and the region of each step', () => {
    const c = new InspectionCollector({ now: () => 1 });
    actors = startInertMarkets(1, c.inspect);
    c.flush();
    actors[0]?.send({ type: 'ks.armed' } as never);
    actors[0]?.send({ type: 'stop', reason: 'test' });
    const steps = c.flush().filter((r) => r.k === 'step');
    const keys = new Set(chartJson(marketMachine).edges.map((e) => e.key));
    expect(steps.find((s) => s.from === 'market.killSwitch.off')).toMatchObject({
      r: 'market.killSwitch',
      e: 'market.killSwitch.off --ks.armed--> market.killSwitch.armed',
    });
    expect(steps.find((s) => s.from === 'market.lifecycle')).toMatchObject({ r: 'market.lifecycle' });
    for (const s of steps) expect(keys.has((s as { e?: string }).e ?? ''), JSON.stringify(s)).toBe(true);
  });
});
