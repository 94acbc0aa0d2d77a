/** Issue 6: the page's chart layout: every state drawn, inside its parent, siblings never overlapping. */
import { describe, expect, it } from 'vitest';
import { chartJson } from '../../../src/machines/chart-export.js';
import { layoutChart, type LayoutBox } from '../../../src/runtime/inspector/chart-layout.js';
import { overlaps } from '../../../src/runtime/inspector/edge-layout.js';
import { MACHINES } from '../../../src/runtime/inspector/inspector.js';

const inside = (a: LayoutBox, b: LayoutBox) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a: LayoutBox, b: LayoutBox) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('layoutChart', () => {
  for (const [name, machine] of Object.entries(MACHINES)) {
    it(`lays out the ${name} chart as nested boxes`, () => {
      const chart = chartJson(machine);
      const layout = layoutChart(chart);
      expect(layout.boxes.map((b) => b.id).sort()).toEqual(
        chart.nodes
          .filter((n) => n.parent !== null)
          .map((n) => n.id)
          .sort(),
      );
      const byId = new Map(layout.boxes.map((b) => [b.id, b]));
      for (const n of chart.nodes) {
        const box = byId.get(n.id);
        const parent = n.parent === null ? undefined : byId.get(n.parent);
        if (box && parent) expect(inside(box, parent), `${n.id} inside ${n.parent}`).toBe(true);
        if (box) expect(box.x + box.w <= layout.width && box.y + box.h <= layout.height).toBe(true);
      }
      for (const a of layout.boxes) {
        for (const b of layout.boxes) {
          const siblings = a !== b && chart.nodes.find((n) => n.id === a.id)?.parent === chart.nodes.find((n) => n.id === b.id)?.parent;
          if (siblings) expect(overlap(a, b), `${a.id} overlaps ${b.id}`).toBe(false);
        }
      }
    });
  }

  it('keeps the market chart readable: at most ~1500 px wide at 13 px text', () => {
    const layout = layoutChart(chartJson(MACHINES['market']!));
    expect(layout.width).toBeLessThanOrEqual(1500);
    expect(layout.boxes.find((b) => b.id === 'market.lifecycle.running.trading')?.initial).toBe(true);
  });

  // Issue 17: every transition drawn, and no two transition labels overlapping.
  for (const [name, machine] of Object.entries(MACHINES)) {
    it(`routes every transition of the ${name} chart, no two labels overlapping`, () => {
      const chart = chartJson(machine);
      const layout = layoutChart(chart);
      const expected = chart.edges.flatMap((e) => e.targets.map((t) => `${e.key} -> ${t}`)).sort();
      expect(layout.edges.map((e) => `${e.key} -> ${e.target}`).sort()).toEqual(expected);
      const clash: string[] = [];
      layout.edges.forEach((a, i) => {
        for (const b of layout.edges.slice(i + 1)) if (overlaps(a.labelBox, b.labelBox)) clash.push(`${a.label} / ${b.label}`);
      });
      expect(clash).toEqual([]);
      for (const e of layout.edges) {
        expect(e.labelBox.w).toBeGreaterThanOrEqual(e.label.length * 6.6);
        expect(e.labelBox.x + e.labelBox.w <= layout.width && e.labelBox.y + e.labelBox.h <= layout.height, e.label).toBe(true);
      }
    });
  }

  it('puts most market labels on or beside their own curve', () => {
    const layout = layoutChart(chartJson(MACHINES['market']!));
    const near = layout.edges.filter((e) => {
      const c = { x: e.labelBox.x + e.labelBox.w / 2, y: e.labelBox.y + e.labelBox.h / 2 };
      return Math.hypot(c.x - e.anchor.x, c.y - e.anchor.y) < 120;
    });
    expect(near.length / layout.edges.length).toBeGreaterThan(0.9);
  });
});
