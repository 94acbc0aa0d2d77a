/**
 * The market actor's order `desk`: places the intents of each `desk.place` and answers with exactly
 * one `desk.result` (one outcome per intent, in order, each saying `via` which way it went; `fatal`
 * set when the account or signing is broken).
 *
 * Why a callback actor and not a promise per placement: counter-orders are placed from `running`
 * on each fill, several may be in flight, and their answers must land whatever state the market is
 * in by then. The request is started inside the `receive` handler, synchronously: the machine's
 * `sendTo('desk')` runs in the tick of the fill, so the request leaves in that tick too (PERF.md),
 * once the fill is committed: inside a frame batch the order router holds it until then
 * (order-router.ts, runtime/turn/held-requests.ts), then sends it over the socket or REST.
 * A stopped desk drops late answers (XState ignores `sendBack` after stop).
 */
import { fromCallback } from 'xstate';
import type { DeskPlace, MarketEvent } from '../../machines/market/market.types.js';
import type { KillSwitchLeases } from './kill-switch-lease.js';
import { fatalReason } from './order-placement.js';
import type { OrderRouter } from './order-router.js';

export interface DeskOptions {
  readonly postOnly?: boolean;
  /** When given, nothing is placed for a market whose kill-switch lease is ending (kill-switch-lease.ts): `notSent`, retried later. */
  readonly leases?: Pick<KillSwitchLeases, 'refusal'>;
}

export function createDeskActor(router: Pick<OrderRouter, 'place'>, options: DeskOptions = {}) {
  const postOnly = options.postOnly ?? true;
  const leases = options.leases;
  return fromCallback<DeskPlace, { market: string }>(({ sendBack, receive }) => {
    const tell = (e: MarketEvent): void => sendBack(e);
    receive((event) => {
      if (event.type !== 'desk.place') return;
      const refused = leases?.refusal(event.market) ?? null;
      if (refused !== null) {
        // Answered like any other send that did not happen: the market cools down and tries again.
        queueMicrotask(() =>
          tell({
            type: 'desk.result',
            outcomes: event.intents.map((i) => ({ kind: 'notSent', clientOrderId: i.clientOrderId, reason: refused })),
            fatal: null,
          }),
        );
        return;
      }
      // The router never rejects: every failure is already an outcome.
      void router.place(event.intents, { postOnly }).then((report) => tell({ type: 'desk.result', outcomes: report.outcomes, fatal: fatalReason(report) }));
    });
  });
}
