/**
 * Lays out a chart (from `chartJson`) as nested boxes for the inspector page: atomic states as
 * labelled boxes, compound states as titled frames around their children, parallel regions side by
 * side. Children keep definition order, which for our machines is the order of the happy path, so
 * the lifecycle reads left to right, top to bottom. Every transition is then routed over the boxes,
 * its label placed clear of every other label (edge-layout.ts); the page draws them dim and lights
 * the ones the actor took.
 *
 * Text widths are estimated for the page's 13 px monospace font, so the layout needs no browser.
 */
import type { ChartJson, ChartNode } from '../../machines/chart-export.js';
import { type LayoutEdge, layoutEdges } from './edge-layout.js';

export interface LayoutBox {
  readonly id: string;
  readonly label: string;
  readonly type: ChartNode['type'];
  /** True when the box is its parent's initial state. */
  readonly initial: boolean;
  readonly depth: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface ChartLayout {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly LayoutBox[];
  /** Every transition with a target, one per target, labels never overlapping. */
  readonly edges: readonly LayoutEdge[];
}

const CHAR_W = 7.9;
const ATOM_H = 30;
const TITLE_H = 24;
const PAD = 10;
const GAP = 30;
/** Widest row a compound state's children wrap at, by depth (the root's regions first). */
const MAX_ROW = [1500, 1020, 640, 420];

interface Sized {
  readonly node: ChartNode;
  readonly w: number;
  readonly h: number;
  /** Children with offsets relative to this box. */
  readonly kids: readonly { readonly s: Sized; readonly x: number; readonly y: number }[];
}

function size(node: ChartNode, children: ReadonlyMap<string, ChartNode[]>, depth: number, isRoot: boolean): Sized {
  const kids = children.get(node.id) ?? [];
  if (kids.length === 0) {
    return { node, w: Math.max(70, Math.ceil(node.key.length * CHAR_W) + 26), h: ATOM_H, kids: [] };
  }
  const sized = kids.map((k) => size(k, children, depth + 1, false));
  const top = isRoot ? 0 : TITLE_H;
  const pad = isRoot ? 0 : PAD;
  const placed: { s: Sized; x: number; y: number }[] = [];
  let w = 0;
  let h = 0;
  if (sized.every((s) => s.kids.length === 0)) {
    // Only atomic children: one column, read top-down.
    let y = top + 4;
    for (const s of sized) {
      placed.push({ s, x: pad, y });
      y += s.h + GAP + 2;
    }
    w = Math.max(...sized.map((s) => s.w)) + 2 * pad;
    h = y - GAP - 2 + pad;
    // Centre the column.
    for (const p of placed) p.x = (w - p.s.w) / 2;
  } else {
    const maxRow = MAX_ROW[Math.min(depth, MAX_ROW.length - 1)] ?? 420;
    let x = pad;
    let y = top + 4;
    let rowH = 0;
    for (const s of sized) {
      if (x > pad && x + s.w > maxRow) {
        x = pad;
        y += rowH + GAP;
        rowH = 0;
      }
      placed.push({ s, x, y });
      x += s.w + GAP;
      rowH = Math.max(rowH, s.h);
      w = Math.max(w, x - GAP + pad);
    }
    h = y + rowH + pad;
    // Rows align at the top; stretch nothing.
  }
  const titleW = Math.ceil(node.key.length * CHAR_W) + 2 * PAD + 20;
  return { node, w: Math.max(w, titleW), h, kids: placed };
}

/** Returns the nested-box layout of a chart. */
export function layoutChart(chart: ChartJson): ChartLayout {
  const children = new Map<string, ChartNode[]>();
  const byId = new Map<string, ChartNode>();
  for (const n of chart.nodes) {
    byId.set(n.id, n);
    if (n.parent !== null) children.set(n.parent, [...(children.get(n.parent) ?? []), n]);
  }
  const root = chart.nodes.find((n) => n.parent === null);
  if (!root) return { id: chart.id, width: 0, height: 0, boxes: [], edges: [] };
  const sized = size(root, children, 0, true);
  const boxes: LayoutBox[] = [];
  const emit = (s: Sized, x: number, y: number, depth: number) => {
    const parent = s.node.parent === null ? undefined : byId.get(s.node.parent);
    if (s.node.parent !== null) {
      boxes.push({
        id: s.node.id,
        label: s.node.key,
        type: s.node.type,
        initial: parent?.initial === s.node.id,
        depth,
        x: Math.round(x),
        y: Math.round(y),
        w: Math.round(s.w),
        h: Math.round(s.h),
      });
    }
    for (const k of s.kids) emit(k.s, x + k.x, y + k.y, depth + 1);
  };
  emit(sized, 0, 0, 0);
  const routed = layoutEdges(chart, boxes, { width: Math.round(sized.w), height: Math.round(sized.h) });
  return { id: chart.id, width: routed.width, height: routed.height, boxes, edges: routed.edges };
}
