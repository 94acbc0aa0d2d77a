/**
 * The backtest report as one self-contained HTML page: per grid the figures, the equity curve (and
 * inventory), and the price with our fills marked, drawn by uPlot. uPlot's script and stylesheet are
 * inlined from node_modules/uplot, so the page opens offline and from a file:// URL; no CDN.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BacktestReport, GridBacktest } from '../api.js';
import { reportText, utcText } from './text.js';

const require = createRequire(import.meta.url);

/** uPlot's files, read once. */
function uplotAssets(): { js: string; css: string } {
  return {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** JSON inside a <script>: `<` escaped so no `</script>` can close it. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/** The chart data of one grid: seconds on x; numbers only for drawing (the figures stay decimal text). */
function chartData(g: GridBacktest) {
  return {
    market: g.market,
    quote: g.quoteAsset,
    base: g.baseAsset,
    samples: g.samples.map((s) => [s.timeMs / 1000, Number(s.price), Number(s.equityQuote), Number(s.inventoryBase)]),
    fills: g.fillList.map((f) => [f.timeMs / 1000, Number(f.price), f.side === 'buy' ? 1 : -1]),
  };
}

/** Returns the page. */
export function reportHtml(r: BacktestReport): string {
  const { js, css } = uplotAssets();
  const grids = r.grids.map((g, i) => `<section><h2>${escapeHtml(g.market)}</h2><div id="equity-${i}"></div><div id="price-${i}"></div></section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gridbot backtest: ${escapeHtml(r.data.file)}</title>
<style>${css}
body{font:14px system-ui,sans-serif;margin:1.5rem;color:#222}pre{background:#f6f6f6;padding:.8rem;overflow:auto}section{margin:1.5rem 0}
</style></head><body>
<h1>gridbot backtest</h1>
<p>${escapeHtml(r.data.file)}: ${utcText(r.data.fromMs)} to ${utcText(r.data.toMs)}</p>
<pre>${escapeHtml(reportText(r))}</pre>
${grids}
<script>${js}</script>
<script>
const GRIDS = ${scriptJson(r.grids.map(chartData))};
const width = () => Math.max(480, Math.min(1100, document.body.clientWidth - 20));
GRIDS.forEach((g, i) => {
  const t = g.samples.map((s) => s[0]);
  new uPlot({ title: 'Equity (' + g.quote + ', from the start) and inventory (' + g.base + ')', width: width(), height: 260,
    series: [{}, { label: 'equity ' + g.quote, stroke: '#1f6feb', width: 1.5 }, { label: 'inventory ' + g.base, stroke: '#999', scale: 'inv' }],
    axes: [{}, { label: g.quote }, { side: 1, scale: 'inv', label: g.base, grid: { show: false } }] },
    [t, g.samples.map((s) => s[2]), g.samples.map((s) => s[3])], document.getElementById('equity-' + i));
  // Price and fills on one x: the samples' times and the fills' times merged, nulls where a series has no point.
  const xs = [...new Set([...t, ...g.fills.map((f) => f[0])])].sort((a, b) => a - b);
  const at = new Map(xs.map((x, k) => [x, k]));
  const price = xs.map(() => null), buys = xs.map(() => null), sells = xs.map(() => null);
  g.samples.forEach((s) => { price[at.get(s[0])] = s[1]; });
  g.fills.forEach((f) => { (f[2] > 0 ? buys : sells)[at.get(f[0])] = f[1]; });
  const dots = (stroke) => ({ stroke, fill: stroke, width: 0, paths: () => null, points: { show: true, size: 7, stroke, fill: stroke } });
  new uPlot({ title: 'Price (' + g.quote + ') with our fills', width: width(), height: 300,
    series: [{}, { label: 'price', stroke: '#444', width: 1, spanGaps: true }, { label: 'buy fills', ...dots('#1a7f37') }, { label: 'sell fills', ...dots('#cf222e') }] },
    [xs, price, buys, sells], document.getElementById('price-' + i));
});
</script>
</body></html>
`;
}
