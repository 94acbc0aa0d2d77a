/* global document */
// Draws a machine's chart from the server's layout (/charts/M.layout.json) as SVG, then lights the
// actor's active states and traces its last transitions. The boxes are built once per machine;
// an update only toggles classes and redraws the few trail arrows.

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

/** Builds the static part of the chart into `svg`; returns a handle for updates. */
export function buildChart(svg, layout, chart) {
  svg.replaceChildren();
  const W = layout.width + 20;
  const H = layout.height + 20;
  svg.setAttribute('viewBox', `-10 -10 ${W} ${H}`);
  svg.style.maxWidth = `${W * 1.05}px`;
  const defs = el('defs', {}, svg);
  const marker = el('marker', { id: 'arrowHead', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#2f6fde' }, marker);
  const boxes = new Map();
  const layer = el('g', {}, svg);
  const sorted = [...layout.boxes].sort((a, b) => a.depth - b.depth);
  for (const b of sorted) {
    const container = b.type === 'compound' || b.type === 'parallel';
    const g = el('g', { class: `box ${b.type}`, 'data-id': b.id, transform: `translate(${b.x},${b.y})` }, layer);
    el('rect', { width: b.w, height: b.h, rx: container ? 8 : 14 }, g);
    if (b.type === 'final') el('rect', { class: 'inner', x: 3, y: 3, width: b.w - 6, height: b.h - 6, rx: 11 }, g);
    const label = b.type === 'parallel' ? `${b.label} ∥` : b.label;
    el('text', container ? { x: 10, y: 13 } : { x: b.w / 2, y: b.h / 2 + 1, 'text-anchor': 'middle' }, g).textContent = label;
    if (b.initial) el('circle', { class: 'initdot', cx: -5, cy: container ? 12 : b.h / 2, r: 4 }, g);
    const title = el('title', {}, g);
    title.textContent = b.id;
    boxes.set(b.id, { box: b, g });
  }
  const arrows = el('g', {}, svg);
  return { svg, boxes, arrows, chart };
}

function center(b) {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
}

/** The point where the ray from b's centre towards p leaves b. */
function border(b, p) {
  const c = center(b);
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const sx = dx === 0 ? Infinity : b.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : b.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

function contains(outer, inner) {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}

export function eventLabel(type) {
  let m = /^xstate\.after\.([^.]+)\./.exec(type);
  if (m) return `after ${m[1]}`;
  m = /^xstate\.done\.actor\.(.+)$/.exec(type);
  if (m) return `done: ${m[1]}`;
  m = /^xstate\.error\.actor\.(.+)$/.exec(type);
  if (m) return `error: ${m[1]}`;
  if (type === '') return 'always';
  return type;
}

/** Lights the active states and draws the last transitions (newest = 1). */
export function updateChart(handle, active, trail) {
  const on = new Set(active);
  const leaves = new Set(active.filter((id) => !active.some((o) => o !== id && o.startsWith(`${id}.`))));
  const recent = trail.slice(-8);
  const visited = new Set(recent.flatMap((s) => s.to));
  for (const [id, { g }] of handle.boxes) {
    g.classList.toggle('lit', leaves.has(id));
    g.classList.toggle('act', on.has(id) && !leaves.has(id));
    g.classList.toggle('visited', visited.has(id) && !on.has(id));
  }
  handle.arrows.replaceChildren();
  recent.forEach((step, i) => {
    const n = recent.length - i;
    const from = handle.boxes.get(step.from)?.box;
    for (const toId of step.to) {
      const to = handle.boxes.get(toId)?.box;
      if (!from || !to) continue;
      const opacity = 0.35 + 0.65 * ((i + 1) / recent.length);
      const g = el('g', { opacity }, handle.arrows);
      let d;
      let mid;
      if (from === to) {
        const x = from.x + from.w;
        const y = from.y + from.h / 2;
        d = `M${x},${y - 8} C${x + 40},${y - 34} ${x + 40},${y + 34} ${x},${y + 8}`;
        mid = { x: x + 32, y };
      } else {
        const tc = center(to);
        let a;
        if (contains(from, to)) a = { x: from.x + 14, y: from.y + 24 };
        else if (contains(to, from)) a = border(from, { x: to.x, y: to.y });
        else a = border(from, tc);
        const b = contains(from, to) || !contains(to, from) ? border(to, a) : { x: to.x + 14, y: to.y + 24 };
        const mx = (a.x + b.x) / 2;
        const my = (a.y + b.y) / 2;
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const len = Math.hypot(dx, dy) || 1;
        const bend = Math.min(60, len / 4);
        const cx = mx - (dy / len) * bend;
        const cy = my + (dx / len) * bend;
        d = `M${a.x},${a.y} Q${cx},${cy} ${b.x},${b.y}`;
        mid = { x: (a.x + 2 * cx + b.x) / 4, y: (a.y + 2 * cy + b.y) / 4 };
      }
      el('path', { class: 'arrow', d, 'marker-end': 'url(#arrowHead)' }, g);
      el('circle', { cx: mid.x, cy: mid.y, r: 8, fill: '#2f6fde' }, g);
      el('text', { class: 'arrowNum', x: mid.x, y: mid.y + 4, 'text-anchor': 'middle' }, g).textContent = String(n);
      el('text', { class: 'arrowLabel', x: mid.x + 12, y: mid.y + 4 }, g).textContent = eventLabel(step.type);
    }
  });
}

/** The transitions the actor can take from its active states (targets only), as text lines. */
export function nextTransitions(chart, active) {
  const on = new Set(active);
  // Every active leaf final: the machine is done (each region of a parallel root has finished) and
  // takes no event any more, whatever its ancestors list (a stopped market offered `stop → killed`).
  const node = new Map(chart.nodes.map((n) => [n.id, n]));
  const parents = new Set(chart.nodes.filter((n) => on.has(n.id) && n.parent !== null).map((n) => n.parent));
  const leaves = active.filter((id) => !parents.has(id));
  if (leaves.length > 0 && leaves.every((id) => node.get(id)?.type === 'final')) return [];
  // A region of a parallel state whose active child is final has finished: none of its edges is
  // offered (a stopped lifecycle beside a kill-switch still armed).
  const isRegion = (id) => node.get(node.get(id)?.parent ?? '')?.type === 'parallel';
  const regionOf = (id) => {
    for (let n = node.get(id); n; n = node.get(n.parent)) if (isRegion(n.id)) return n.id;
    return null;
  };
  const finished = new Set(leaves.filter((id) => node.get(id)?.type === 'final' && isRegion(node.get(id)?.parent)).map((id) => node.get(id).parent));
  const within = (id, anc) => id === anc || id.startsWith(`${anc}.`);
  const key = (id) => id.split('.').slice(1).join('.') || id;
  const out = [];
  const seen = new Set();
  for (const e of chart.edges) {
    if (!on.has(e.source) || e.targets.length === 0) continue;
    const region = regionOf(e.source);
    if (region !== null && finished.has(region)) continue;
    // From an enclosing state into the branch already active (`stop → killed` while killed): our
    // machines guard these (notStopping), and the page cannot evaluate guards, so it does not offer them.
    if (e.targets.every((t) => t !== e.source && within(t, e.source) && on.has(t) && parents.has(t))) continue;
    const line = `${key(e.source)} —${e.label}→ ${e.targets.map(key).join(', ')}`;
    if (!seen.has(line)) {
      seen.add(line);
      out.push(line);
    }
  }
  return out;
}
