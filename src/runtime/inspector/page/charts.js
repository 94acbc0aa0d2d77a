/* global window, ResizeObserver */
// The trader's charts, drawn with uPlot (served by the inspector from the installed package at
// /vendor/uPlot.iife.min.js, loaded before the modules: the global `uPlot`; never a CDN). One
// chart per container, built once and fed new data; its width follows the container's.
// Charts plot display numbers (Number of the decimal strings): pictures, never money arithmetic.

const HEIGHT = 240;
const charts = new WeakMap();

/** Returns the uPlot of `el`, creating it with `opts` (and re-creating it when `key` changes). */
function chartIn(el, key, opts, data) {
  const had = charts.get(el);
  if (had && had.key === key) return had.u;
  if (had) had.u.destroy();
  el.replaceChildren();
  const width = Math.max(240, el.clientWidth || 480);
  const u = new window.uPlot({ width, height: HEIGHT, ...opts }, data, el);
  charts.set(el, { key, u });
  if (!el.dataset.sized) {
    el.dataset.sized = '1';
    new ResizeObserver(() => {
      const c = charts.get(el);
      if (c && el.clientWidth > 0) c.u.setSize({ width: el.clientWidth, height: HEIGHT });
    }).observe(el);
  }
  return u;
}

const seconds = (t) => t / 1000;

/**
 * Draws profit lines over time in `el`: `lines` is `[{ label, points: [[ms, '1.5'], …] }]`, one per
 * market or quote asset, each drawn as steps (PnL moves at fills only) carried to `nowMs`.
 */
export function drawProfit(el, lines, nowMs, yLabel) {
  const xs = [...new Set(lines.flatMap((l) => l.points.map((p) => seconds(p[0]))).concat(seconds(nowMs)))].sort((a, b) => a - b);
  const ys = lines.map((l) => {
    let i = 0;
    let v = null;
    return xs.map((x) => {
      while (i < l.points.length && seconds(l.points[i][0]) <= x) v = Number(l.points[i++][1]);
      return v;
    });
  });
  const key = `profit:${yLabel}:${lines.map((l) => l.label).join(',')}`;
  const palette = ['#2f6fde', '#17803d', '#c2362f', '#8a5cd1', '#c27a00'];
  const u = chartIn(
    el,
    key,
    {
      series: [
        { label: 'time' },
        ...lines.map((l, i) => ({
          label: l.label,
          stroke: palette[i % palette.length],
          width: 2,
          paths: window.uPlot.paths.stepped({ align: 1 }),
          spanGaps: true,
        })),
      ],
      axes: [{ label: 'time' }, { label: yLabel, size: 70 }],
      scales: { x: { time: true } },
    },
    [xs, ...ys],
  );
  u.setData([xs, ...ys]);
}

/**
 * Draws a market's price over time in `el`, with its fills as dots (green buys, red sells) and its
 * grid levels as horizontal lines (green: resting buy, red: resting sell, grey: empty).
 */
export function drawPrice(el, detail, nowMs, quote) {
  const pts = detail.prices;
  const fills = detail.fills;
  const xs = [
    ...new Set(
      pts
        .map((p) => seconds(p[0]))
        .concat(
          fills.map((f) => seconds(f.t)),
          [seconds(nowMs)],
        ),
    ),
  ].sort((a, b) => a - b);
  let i = 0;
  let last = null;
  const price = xs.map((x) => {
    while (i < pts.length && seconds(pts[i][0]) <= x) last = pts[i++][1];
    return last;
  });
  const at = (side) => {
    const by = new Map(fills.filter((f) => f.side === side).map((f) => [seconds(f.t), Number(f.price)]));
    return xs.map((x) => by.get(x) ?? null);
  };
  const levels = detail.ladder ? detail.ladder.levels : [];
  const data = [xs, price, at('buy'), at('sell')];
  const dots = (stroke) => ({ stroke, fill: stroke, width: 0, points: { show: true, size: 9, fill: stroke, stroke: '#fff' }, paths: () => null });
  const u = chartIn(
    el,
    `price:${quote}`,
    {
      series: [
        { label: 'time' },
        { label: `last price (${quote})`, stroke: '#1d2430', width: 2, spanGaps: true },
        { label: 'buy fill', ...dots('#17803d') },
        { label: 'sell fill', ...dots('#c2362f') },
      ],
      axes: [{ label: 'time' }, { label: `price (${quote})`, size: 80 }],
      scales: {
        x: { time: true },
        // The grid's levels stay in view, not only the prices seen.
        y: {
          range: (self, lo, hi) => {
            const ps = levelsOf(self).map((l) => Number(l.price));
            const a = Math.min(lo ?? Infinity, ...ps);
            const b = Math.max(hi ?? -Infinity, ...ps);
            const pad = (b - a || Math.abs(a) || 1) * 0.06;
            return [a - pad, b + pad];
          },
        },
      },
      hooks: {
        drawClear: [
          (self) => {
            const ctx = self.ctx;
            ctx.save();
            for (const l of levelsOf(self)) {
              const y = Math.round(self.valToPos(Number(l.price), 'y', true));
              ctx.strokeStyle = l.order ? (l.order.side === 'buy' ? '#17803d' : '#c2362f') : '#b8c0cc';
              ctx.setLineDash(l.order ? [] : [4, 3]);
              ctx.lineWidth = 1;
              ctx.beginPath();
              ctx.moveTo(self.bbox.left, y);
              ctx.lineTo(self.bbox.left + self.bbox.width, y);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
      },
    },
    data,
  );
  u.levels = levels;
  u.setData(data);
}

function levelsOf(u) {
  return u.levels ?? [];
}
