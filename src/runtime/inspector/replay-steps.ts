/**
 * Where a replay may stop. A position is a number of records applied; the page may show it only
 * when it does not split a cascade (records.ts `c`): the records one actor's transition made, with
 * what its effects made other actors do at once. Split, a replay would show the markets
 * `reconnecting` while the connection that told them so still reads `open` (its own snapshot comes
 * last in the stream), or a market `running` while the connection is already down.
 *
 * Recordings made before cascades were recorded have no `c`: every position is settled there, as before.
 */
import type { InspectorRecord } from './records.js';

const cascadeOf = (r: InspectorRecord | undefined): number | undefined => (r !== undefined && 'c' in r ? r.c : undefined);

/** Whether showing the first `p` records splits no cascade. */
export function settled(records: readonly InspectorRecord[], p: number): boolean {
  if (p <= 0 || p >= records.length) return true;
  const before = cascadeOf(records[p - 1]);
  return before === undefined || before !== cascadeOf(records[p]);
}

/** The first settled position at or after `p` (clamped to 0..records.length). */
export function settle(records: readonly InspectorRecord[], p: number): number {
  let i = Math.max(0, Math.min(records.length, p));
  while (!settled(records, i)) i += 1;
  return i;
}

/**
 * The positions the timeline's prev/next stop at, ascending: after each state change (of `focus`,
 * if given), moved to the end of its cascade.
 */
export function stepPositions(records: readonly InspectorRecord[], focus: string | null): number[] {
  const out: number[] = [];
  records.forEach((r, i) => {
    if (r.k !== 'state' || (focus !== null && r.id !== focus)) return;
    const p = settle(records, i + 1);
    if (out[out.length - 1] !== p) out.push(p);
  });
  return out;
}

/**
 * The position one step from `position`: next, the first stop after it (or the end); prev, the stop
 * before the one that produced what is shown now (or the start).
 */
export function stepFrom(records: readonly InspectorRecord[], position: number, dir: 'next' | 'prev', focus: string | null): number {
  const stops = stepPositions(records, focus);
  if (dir === 'next') return stops.find((s) => s > position) ?? records.length;
  const current = stops.filter((s) => s <= position).pop() ?? 0;
  return stops.filter((s) => s < current).pop() ?? 0;
}
