/**
 * How far back a reconcile fetches the executed history after a private frame was lost unread.
 *
 * Why: a reconcile normally fetches from the newest deal the book knows (`lastDealSec`). A lost
 * `deals` frame is told to the market a little later (runtime/exchange/lost-frames.ts batches them),
 * and frames read fine meanwhile may carry later deals: by then `lastDealSec` is past the lost
 * deal, which a fetch from there never returns (the journal then has one fill fewer than the
 * exchange for good). So each `feed.lost` notes a floor a margin below the newest deal known *at
 * that moment*; the margin covers the deals read between the lost frame and its notice. Floors of
 * several losses keep the lowest; one is dropped only once a fetch begun after it has answered.
 *
 * Entry points: `lostFloor` (a loss noted), `fetchFloor` (a reconcile begins), `sinceWithFloor`.
 */

/** The margin below the newest known deal that a lost frame's reconcile reaches back (seconds). */
export const LOST_DEAL_MARGIN_SEC = 60;

/**
 * Where the executed history must start for the frames lost so far: `null` when nothing is lost,
 * `{ sec: null }` to fetch it all (no deal was known when a frame was lost), else `{ sec }`.
 */
export type DealFloor = { readonly sec: number | null } | null;

/** The floor after one more lost frame, with the book's newest deal time now. */
export function lostFloor(floor: DealFloor, lastDealSec: number | null): DealFloor {
  return lowest(floor, { sec: lastDealSec === null ? null : lastDealSec - LOST_DEAL_MARGIN_SEC });
}

/** The lower of two floors (null: none). */
export function lowest(a: DealFloor, b: DealFloor): DealFloor {
  if (a === null) return b;
  if (b === null) return a;
  if (a.sec === null || b.sec === null) return { sec: null };
  return a.sec <= b.sec ? a : b;
}

/** Where a fetch starts: the newest deal known, lowered to the floor of lost frames (null: everything). */
export function sinceWithFloor(lastDealSec: number | null, floor: DealFloor): number | null {
  if (lastDealSec === null || floor === null) return lastDealSec;
  return floor.sec === null ? null : Math.min(lastDealSec, floor.sec);
}
