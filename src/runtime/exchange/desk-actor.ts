/**
 * The market actor's order `desk`: places the intents of each `desk.place` and answers with exactly
 * one `desk.result` (one outcome per intent, in order; `fatal` set when the account or signing is
 * broken).
 *
 * Why a callback actor and not a promise per placement: counter-orders are placed from `running`
 * on each fill, several may be in flight, and their answers must land whatever state the market is
 * in by then. The HTTP request is started inside the `receive` handler, synchronously: the machine's
 * `sendTo('desk')` runs in the tick of the fill, so the request leaves in that tick too (PERF.md),
 * once the fill is committed: inside a frame batch the runtime's `rest` holds it until then
 * (runtime/turn/held-requests.ts).
 * A stopped desk drops late answers (XState ignores `sendBack` after stop).
 */
import { fromCallback } from 'xstate';
import type { DeskPlace, MarketEvent } from '../../machines/market/market.types.js';
import { type PlacementOptions, type PlacementRest, fatalReason, placeIntents } from './order-placement.js';

export function createDeskActor(rest: PlacementRest, options: Pick<PlacementOptions, 'postOnly'> = {}) {
  return fromCallback<DeskPlace, { market: string }>(({ sendBack, receive }) => {
    const tell = (e: MarketEvent): void => sendBack(e);
    receive((event) => {
      if (event.type !== 'desk.place') return;
      // placeIntents never rejects: every failure is already an outcome.
      void placeIntents(rest, event.intents, options).then((report) => tell({ type: 'desk.result', outcomes: report.outcomes, fatal: fatalReason(report) }));
    });
  });
}
