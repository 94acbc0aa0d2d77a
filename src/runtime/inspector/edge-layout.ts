/**
 * Routes every transition of a chart over its box layout (chart-layout.ts) and places each label
 * where no other label is: the page draws them all dim and lights the ones the actor took.
 *
 * A transition is drawn once per target (action-only transitions, without a target, change no
 * state: the page lists them when their state is clicked). The path is a quadratic curve from the
 * source's border to the target's, bent to one side, further for each sibling between the same
 * pair, so parallel transitions stay apart. A label goes on its curve if it fits there, else on
 * the nearest free spot around it (with a leader line back), else in a row under the chart; the
 * last resort always fits, so no two labels ever overlap.
 *
 * Label widths are estimated for the page's 11 px monospace edge labels (chart.css), generously,
 * so the layout needs no browser.
 */
import type { ChartJson } from '../../machines/chart-export.js';
import type { LayoutBox } from './chart-layout.js';

export interface LayoutEdge {
  /** The chart edge's key (chart-edges.ts); with several targets, one drawn edge per target. */
  readonly key: string;
  readonly source: string;
  readonly target: string;
  /** The machine's event type (`xstate.after.…`, `always`). */
  readonly event: string;
  readonly label: string;
  /** SVG path data of the curve. */
  readonly d: string;
  /** The label's box (top-left, size) and the point of the curve it belongs to. */
  readonly labelBox: Rect;
  readonly anchor: Point;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

interface Point {
  readonly x: number;
  readonly y: number;
}

/** Width of one character of the 11 px monospace label font, rounded up (DejaVu/Liberation Mono: 6.6 px). */
const LABEL_CHAR_W = 7;
const LABEL_PAD = 6;
const LABEL_H = 15;
const SPIRAL_RINGS = 30;

export function labelSize(label: string): { w: number; h: number } {
  return { w: Math.ceil(label.length * LABEL_CHAR_W) + LABEL_PAD, h: LABEL_H };
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

const center = (b: Rect): Point => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });
const contains = (o: Rect, i: Rect) => i.x >= o.x && i.y >= o.y && i.x + i.w <= o.x + o.w && i.y + i.h <= o.y + o.h;

/** The point where the ray from b's centre towards p leaves b. */
function border(b: Rect, p: Point): Point {
  const c = center(b);
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const sx = dx === 0 ? Infinity : b.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : b.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** The curve of one transition: start, control point, end (a self-loop is a cubic on the right). */
function route(from: Rect, to: Rect, nth: number): { d: string; at: (t: number) => Point } {
  if (from === to) {
    const x = from.x + from.w;
    const y = from.y + from.h / 2;
    const reach = 40 + 18 * nth;
    const p0 = { x, y: y - 8 };
    const p1 = { x: x + reach, y: y - 34 - 6 * nth };
    const p2 = { x: x + reach, y: y + 34 + 6 * nth };
    const p3 = { x, y: y + 8 };
    const at = (t: number): Point => {
      const u = 1 - t;
      return {
        x: u * u * u * p0.x + 3 * u * u * t * p1.x + 3 * u * t * t * p2.x + t * t * t * p3.x,
        y: u * u * u * p0.y + 3 * u * u * t * p1.y + 3 * u * t * t * p2.y + t * t * t * p3.y,
      };
    };
    return { d: `M${r1(p0.x)},${r1(p0.y)} C${r1(p1.x)},${r1(p1.y)} ${r1(p2.x)},${r1(p2.y)} ${r1(p3.x)},${r1(p3.y)}`, at };
  }
  let a: Point;
  if (contains(from, to)) a = { x: from.x + 14, y: from.y + 24 };
  else if (contains(to, from)) a = border(from, { x: to.x, y: to.y });
  else a = border(from, center(to));
  const b = contains(from, to) || !contains(to, from) ? border(to, a) : { x: to.x + 14, y: to.y + 24 };
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  // Siblings between the same pair alternate sides and bend further out.
  const side = nth % 2 === 0 ? 1 : -1;
  const bend = side * (Math.min(60, len / 4) + 22 * Math.floor((nth + 1) / 2));
  const c = { x: (a.x + b.x) / 2 - (dy / len) * bend, y: (a.y + b.y) / 2 + (dx / len) * bend };
  const at = (t: number): Point => {
    const u = 1 - t;
    return { x: u * u * a.x + 2 * u * t * c.x + t * t * b.x, y: u * u * a.y + 2 * u * t * c.y + t * t * b.y };
  };
  return { d: `M${r1(a.x)},${r1(a.y)} Q${r1(c.x)},${r1(c.y)} ${r1(b.x)},${r1(b.y)}`, at };
}

/** Returns every drawn transition of `chart` over `boxes`, labels placed apart, and the size they need. */
export function layoutEdges(
  chart: ChartJson,
  boxes: readonly LayoutBox[],
  size: { readonly width: number; readonly height: number },
): { edges: LayoutEdge[]; width: number; height: number } {
  const byId = new Map<string, Rect>(boxes.map((b) => [b.id, b]));
  const rootBox: Rect = { x: 0, y: 0, w: size.width, h: size.height };
  const root = chart.nodes.find((n) => n.parent === null)?.id;
  const boxOf = (id: string) => (id === root ? rootBox : byId.get(id));
  // Labels keep off the state names (atomic boxes, container titles) when they can.
  const soft: Rect[] = boxes.map((b) =>
    b.type === 'compound' || b.type === 'parallel' ? { x: b.x, y: b.y, w: Math.min(b.w, b.label.length * 8 + 30), h: 22 } : b,
  );
  const placed: Rect[] = [];
  const pairs = new Map<string, number>();
  const edges: LayoutEdge[] = [];
  let width = size.width;
  let height = size.height;
  const free = (r: Rect, avoidBoxes: boolean) =>
    r.x >= 0 && r.y >= 0 && !placed.some((p) => overlaps(p, r)) && (!avoidBoxes || !soft.some((s) => overlaps(s, r)));
  const overflow: { edge: LayoutEdge; w: number }[] = [];

  for (const e of chart.edges) {
    for (const target of e.targets) {
      const from = boxOf(e.source);
      const to = boxOf(target);
      if (!from || !to) continue;
      const pair = `${e.source}>${target}`;
      const nth = pairs.get(pair) ?? 0;
      pairs.set(pair, nth + 1);
      const path = route(from, to, nth);
      const label = e.label;
      const { w, h } = labelSize(label);
      const boxAt = (p: Point): Rect => ({ x: Math.round(p.x - w / 2), y: Math.round(p.y - h / 2), w, h });
      let found: { box: Rect; anchor: Point } | null = null;
      // Near its curve clear of the state names first; then near its curve over them; then further out.
      const mid = path.at(0.5);
      for (const [avoidBoxes, rings] of [
        [true, 12],
        [false, SPIRAL_RINGS],
      ] as const) {
        for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
          const p = path.at(t);
          const box = boxAt(p);
          if (free(box, avoidBoxes)) {
            found = { box, anchor: p };
            break;
          }
        }
        for (let ring = 1; ring <= rings && !found; ring++) {
          const n = 8 * ring;
          for (let k = 0; k < n; k++) {
            const angle = (2 * Math.PI * k) / n;
            const box = boxAt({ x: mid.x + Math.cos(angle) * ring * 14, y: mid.y + Math.sin(angle) * ring * 9 });
            if (free(box, avoidBoxes)) {
              found = { box, anchor: mid };
              break;
            }
          }
        }
        if (found) break;
      }
      const edge: LayoutEdge = {
        key: e.key,
        source: e.source,
        target,
        event: e.event,
        label,
        d: path.d,
        labelBox: found?.box ?? { x: 0, y: 0, w, h },
        anchor: found?.anchor ?? path.at(0.5),
      };
      if (found) {
        placed.push(found.box);
        width = Math.max(width, found.box.x + w);
        height = Math.max(height, found.box.y + h);
      } else overflow.push({ edge, w });
      edges.push(edge);
    }
  }
  // Last resort: rows under everything drawn so far.
  let x = 0;
  let y = height + 10;
  for (const o of overflow) {
    if (x > 0 && x + o.w > width) {
      x = 0;
      y += LABEL_H + 4;
    }
    const box = { x, y, w: o.w, h: LABEL_H };
    const i = edges.indexOf(o.edge);
    edges[i] = { ...o.edge, labelBox: box };
    placed.push(box);
    x += o.w + 8;
    height = Math.max(height, y + LABEL_H);
  }
  return { edges, width: Math.ceil(width), height: Math.ceil(height) };
}
