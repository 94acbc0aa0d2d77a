/* global document */
// Draws a machine's chart from the server's layout (/charts/M.layout.json) as SVG: its states as
// nested boxes and every transition (routed, labels placed apart: edge-layout.ts), dim. An update
// lights the actor's active states and the transitions it took, each region's last ones apart (the
// newest brightest, numbered 1…). A click on a state lists its transitions in a panel under the
// chart; a second click, or one elsewhere, clears it. The drawing is built once per machine; an
// update only toggles classes.

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

const short = (id) => id.split('.').slice(1).join('.') || id;

/** Builds the static part of the chart into `svg`; returns a handle for updates. */
export function buildChart(svg, layout, chart) {
  svg.replaceChildren();
  const W = layout.width + 20;
  const H = layout.height + 20;
  svg.setAttribute('viewBox', `-10 -10 ${W} ${H}`);
  svg.style.maxWidth = `${W * 1.05}px`;
  const defs = el('defs', {}, svg);
  for (const [id, fill] of [
    ['arrowHead', '#2f6fde'],
    ['arrowDim', '#9aa5b5'],
  ]) {
    const marker = el('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill }, marker);
  }
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
    title.textContent = `${b.id} (click: its transitions)`;
    boxes.set(b.id, { box: b, g });
  }
  const edgeLayer = el('g', { class: 'edges' }, svg);
  const edges = (layout.edges ?? []).map((e) => {
    const g = el('g', { class: 'edge', 'data-key': e.key, 'data-source': e.source, 'data-target': e.target }, edgeLayer);
    el('path', { class: 'edgePath', d: e.d, 'marker-end': 'url(#arrowDim)' }, g);
    const box = e.labelBox;
    const cx = box.x + box.w / 2;
    const cy = box.y + box.h / 2;
    // A label moved off its curve keeps a thin line back to it.
    if (Math.hypot(cx - e.anchor.x, cy - e.anchor.y) > 14) el('line', { class: 'leader', x1: e.anchor.x, y1: e.anchor.y, x2: cx, y2: cy }, g);
    el('rect', { class: 'labelBg', x: box.x, y: box.y, width: box.w, height: box.h, rx: 3 }, g);
    el('text', { class: 'edgeLabel', x: cx, y: cy + 0.5, 'text-anchor': 'middle' }, g).textContent = e.label;
    return { edge: e, g };
  });
  const badges = el('g', { class: 'badges' }, svg);
  const handle = { svg, boxes, edges, badges, chart, picked: null, panel: panelFor(svg) };
  for (const [id, { g }] of boxes) {
    g.addEventListener('click', (ev) => {
      ev.stopPropagation();
      pick(handle, handle.picked === id ? null : id);
    });
  }
  svg.addEventListener('click', () => pick(handle, null));
  current = handle;
  pick(handle, null);
  return handle;
}

// The chart on the page now: a click elsewhere on the page clears its panel.
let current = null;
// (No document when tests import this module's pure functions under Node.)
globalThis.document?.addEventListener('click', (ev) => {
  if (!current || current.picked === null) return;
  const t = ev.target;
  if (current.panel.contains(t) || current.svg.contains(t)) return;
  pick(current, null);
});

/** The panel under the chart that lists a clicked state's transitions (made here: the page's markup stays the trader view's). */
function panelFor(svg) {
  let panel = document.getElementById('statePanel');
  if (!panel) {
    panel = document.createElement('div');
    panel.id = 'statePanel';
    panel.setAttribute('aria-live', 'polite');
    (svg.closest('.chartWrap') ?? svg).after(panel);
  }
  return panel;
}

/** Shows the transitions of state `id` in the panel (null: clears it). */
function pick(handle, id) {
  handle.picked = id;
  const panel = handle.panel;
  for (const [bid, { g }] of handle.boxes) g.classList.toggle('picked', bid === id);
  for (const { edge, g } of handle.edges) g.classList.toggle('picked', id !== null && (edge.source === id || edge.target === id));
  panel.hidden = id === null;
  panel.replaceChildren();
  if (id === null) return;
  const { outgoing, incoming, staying } = transitionsOf(handle.chart, id);
  const h = document.createElement('h3');
  h.textContent = `${short(id)}: its transitions`;
  const close = document.createElement('button');
  close.textContent = '×';
  close.title = 'close';
  close.addEventListener('click', () => pick(handle, null));
  h.appendChild(close);
  panel.appendChild(h);
  const section = (title, lines) => {
    const d = document.createElement('div');
    const t = document.createElement('h4');
    t.textContent = title;
    const ul = document.createElement('ul');
    ul.className = 'plain';
    for (const line of lines.length ? lines : ['(none)']) {
      const li = document.createElement('li');
      li.textContent = line;
      ul.appendChild(li);
    }
    d.append(t, ul);
    panel.appendChild(d);
  };
  section('Leaves by', outgoing);
  section('Entered by', incoming);
  section('Handles without leaving', staying);
}

/** The transitions of a state as text lines: out of it, into it, and those that keep it (no target). */
export function transitionsOf(chart, id) {
  const outgoing = [];
  const incoming = [];
  const staying = [];
  for (const e of chart.edges) {
    if (e.source === id) {
      if (e.targets.length === 0) staying.push(e.label);
      else outgoing.push(`${short(id)} —${e.label}→ ${e.targets.map(short).join(', ')}`);
    }
    if (e.targets.includes(id)) incoming.push(`${short(e.source)} —${e.label}→ ${short(id)}`);
  }
  return { outgoing, incoming, staying };
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

/** Whether a traced step took drawn edge `e` (by its key when the recording has it). */
function took(step, e) {
  if (!step.to.includes(e.target)) return false;
  if (step.edge) return step.edge === e.key;
  return step.from === e.source && (step.type === e.event || (step.type === '' && e.event === 'always'));
}

/** Lights the active states and the transitions taken: per region, the newest brightest and numbered 1. */
export function updateChart(handle, active, trail) {
  const on = new Set(active);
  const leaves = new Set(active.filter((id) => !active.some((o) => o !== id && o.startsWith(`${id}.`))));
  const visited = new Set(trail.flatMap((s) => s.to));
  for (const [id, { g }] of handle.boxes) {
    g.classList.toggle('lit', leaves.has(id));
    g.classList.toggle('act', on.has(id) && !leaves.has(id));
    g.classList.toggle('visited', visited.has(id) && !on.has(id));
  }
  const regions = new Map();
  for (const step of trail) regions.set(step.region ?? '', [...(regions.get(step.region ?? '') ?? []), step]);
  // Edge → rank of the newest step that took it (0: the region's latest).
  const rank = new Map();
  for (const steps of regions.values()) {
    steps.forEach((step, i) => {
      const n = steps.length - 1 - i;
      for (const x of handle.edges) if (took(step, x.edge)) rank.set(x, { n, of: steps.length });
    });
  }
  handle.badges.replaceChildren();
  for (const x of handle.edges) {
    const r = rank.get(x);
    x.g.classList.toggle('lit', r !== undefined);
    x.g.querySelector('path').setAttribute('marker-end', r !== undefined ? 'url(#arrowHead)' : 'url(#arrowDim)');
    if (r === undefined) {
      x.g.removeAttribute('opacity');
      continue;
    }
    x.g.setAttribute('opacity', String(1 - (0.55 * r.n) / Math.max(1, r.of)));
    const b = el('g', { class: 'badge', opacity: x.g.getAttribute('opacity') }, handle.badges);
    el('circle', { cx: x.edge.anchor.x, cy: x.edge.anchor.y, r: 7 }, b);
    el('text', { class: 'arrowNum', x: x.edge.anchor.x, y: x.edge.anchor.y + 3.5, 'text-anchor': 'middle' }, b).textContent = String(r.n + 1);
  }
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
