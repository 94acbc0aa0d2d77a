/**
 * The sweep's HTML report: a heatmap of PnL over step (columns) × levels per side (rows), each cell
 * coloured (green gain, red loss, stronger further from zero) AND carrying its value as text, so it
 * reads without colour; then the ranked table. One self-contained page: no script, no network.
 */
import { D } from '../grid/index.js';
import type { GridOverride } from '../backtest/api.js';
import type { SweepRow } from './results.js';

export interface SweepPage {
  readonly title: string;
  /** Lines under the title: data file, window, ladder. */
  readonly lines: readonly string[];
  readonly quoteAsset: string;
  readonly rows: readonly SweepRow[];
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const key = (o: GridOverride): string => `${o.step ?? ''}|${o.levelsPerSide ?? ''}`;

/** Returns the cell colour for `pnl` when the largest |PnL| of the sweep is `scale` (> 0). */
export function heatColour(pnl: string, scale: string): string {
  const s = new D(scale);
  const v = new D(pnl);
  if (s.isZero() || v.isZero()) return 'rgb(255,255,255)';
  // Light at zero, saturated at the extreme; computed for the colour only, never shown.
  const t = Math.min(1, v.abs().div(s).toNumber());
  const fade = Math.round(255 - 155 * t);
  return v.gt(0) ? `rgb(${fade},255,${fade})` : `rgb(255,${fade},${fade})`;
}

/** Returns the heatmap table: one row per levels per side, one column per step. */
export function heatmapTable(rows: readonly SweepRow[], quoteAsset: string): string {
  const steps = [...new Set(rows.map((r) => r.override.step ?? ''))].sort((a, b) => (a === '' || b === '' ? 0 : new D(a).comparedTo(b)));
  const levels = [...new Set(rows.map((r) => r.override.levelsPerSide ?? -1))].sort((a, b) => a - b);
  const byKey = new Map(rows.map((r) => [key(r.override), r]));
  const ran = rows.filter((r): r is Extract<SweepRow, { ok: true }> => r.ok);
  const scale = ran.reduce((m, r) => D.max(m, new D(r.grid.pnlQuote).abs()), new D(0)).toString();
  const head = steps.map((s) => `<th scope="col">${esc(s === '' ? 'config step' : `step ${s}`)}</th>`).join('');
  const body = levels
    .map((l) => {
      const cells = steps
        .map((s) => {
          const r = byKey.get(key({ ...(s !== '' ? { step: s } : {}), ...(l !== -1 ? { levelsPerSide: l } : {}) }));
          if (!r) return '<td class="none">-</td>';
          if (!r.ok) return `<td class="failed" title="${esc(r.message)}">failed</td>`;
          const best = r.rank === 1 ? ' best' : '';
          return `<td class="cell${best}" style="background:${heatColour(r.grid.pnlQuote, scale)}">${esc(r.grid.pnlQuote)}<small>#${r.rank} · ${r.grid.fills} fills</small></td>`;
        })
        .join('');
      return `<tr><th scope="row">${esc(l === -1 ? 'config levels' : `${l} per side`)}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<table class="heatmap"><caption>PnL in ${esc(quoteAsset)} by step and levels per side (green gain, red loss; #rank)</caption>
<thead><tr><th></th>${head}</tr></thead>
<tbody>
${body}
</tbody></table>`;
}

/** Returns the whole report page. */
export function sweepReportHtml(page: SweepPage, tableText: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(page.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111}
table.heatmap{border-collapse:collapse;margin:16px 0}
.heatmap th,.heatmap td{border:1px solid #999;padding:6px 10px;text-align:right}
.heatmap td small{display:block;color:#333;font-size:11px}
.heatmap td.best{outline:3px solid #000;outline-offset:-3px;font-weight:bold}
.heatmap caption{text-align:left;font-weight:bold;padding-bottom:6px}
pre{background:#f4f4f4;padding:12px;overflow:auto}
</style></head>
<body>
<h1>${esc(page.title)}</h1>
${page.lines.map((l) => `<p>${esc(l)}</p>`).join('\n')}
${heatmapTable(page.rows, page.quoteAsset)}
<h2>All combinations, best PnL first</h2>
<pre>${esc(tableText)}</pre>
</body></html>
`;
}
