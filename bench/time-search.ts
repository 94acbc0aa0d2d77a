/**
 * `lastAtOrBefore`: the index of the last item stamped at or before `t` in a list in time order
 * (-1 when none), by binary search. The probes look up "what had happened by then" this way in
 * lists of thousands of stamps per window.
 */
export function lastAtOrBefore<T>(items: readonly T[], t: bigint, timeOf: (item: T) => bigint): number {
  let lo = 0;
  let hi = items.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (timeOf(items[mid] as T) <= t) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at;
}
