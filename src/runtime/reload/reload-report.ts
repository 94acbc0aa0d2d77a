/**
 * A reload said in one line, for the log, the status pane's notable events and `gridbot run` off a
 * terminal: `reload: added X, removed Y (cancelled N), changed Z (restarted), unchanged K`. A refusal
 * is said as `validate` says problems (`file:line:col field: problem`, one per line) plus a summary.
 */
import { formatIssue } from '../config/index.js';
import type { ConfigIssue } from '../config/index.js';
import type { ReloadResult, RemovedGrid } from './apply-reload.js';

const names = (list: readonly string[]): string => list.join(' ');

function removedText(r: RemovedGrid): string {
  if (r.cancelFailed) return `${r.market} (its cancel-all failed: orders may rest until the kill-switch fires)`;
  return r.onStop === 'cancel' ? `${r.market} (cancelled ${r.orders})` : `${r.market} (left ${r.orders} resting)`;
}

/** Returns the one line of an applied reload. */
export function reloadLine(result: Extract<ReloadResult, { kind: 'applied' }>): string {
  const { plan, removed } = result;
  const parts = [
    ...(plan.added.length > 0 ? [`added ${names(plan.added.map((m) => m.market))}`] : []),
    ...(removed.length > 0 ? [`removed ${removed.map(removedText).join(' ')}`] : []),
    ...(plan.changed.length > 0 ? [`changed ${names(plan.changed.map((m) => m.market))} (restarted)`] : []),
    ...(plan.unchanged.length > 0 ? [`unchanged ${names(plan.unchanged)}`] : []),
  ];
  const nothing = plan.added.length + removed.length + plan.changed.length === 0;
  return `reload: ${nothing ? 'nothing changed; ' : ''}${parts.join(', ') || 'no grids'}`;
}

/** Returns the lines of a refused reload (or of a file that failed validation): the problems, then one summary. */
export function refusalLines(file: string, reasons: readonly string[], issues: readonly ConfigIssue[]): string[] {
  const n = issues.length + reasons.length;
  return [
    ...issues.map(formatIssue),
    ...reasons.map((r) => `${file}: ${r}`),
    `reload refused: ${n} problem${n === 1 ? '' : 's'} in ${file}; the running grids are untouched`,
  ];
}
