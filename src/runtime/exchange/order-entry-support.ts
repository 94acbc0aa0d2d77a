/**
 * Where WebSocket order entry exists, and so what `orderEntry` (markets.yaml) defaults to and when
 * it is refused. The one place that decides it: config validation, `validate`, `plan` and the
 * wiring all ask here.
 *
 * WhiteBIT accepts spot orders on the authorized socket since 2026-09-02 on its global platform
 * only; the EU platform does not have it yet (whitebit-protocol-2.md §1.1). The embedded simulator
 * implements it. The runtime targets WhiteBIT global today, so `exchange: whitebit` is the global
 * platform; the EU row is here so that the refusal has one place to come from once it is targeted.
 * @see whitebit-protocol-2.md §1.1, §1.9, §1.14
 */
import type { OrderWay } from '../../grid/index.js';

/** A platform the runtime may talk to. */
export type Venue = 'sim' | 'whitebit-global' | 'whitebit-eu';

/** What each venue supports; `ws: false` refuses `orderEntry: ws`. */
export type OrderEntrySupport = Readonly<Record<Venue, { readonly ws: boolean; readonly why: string }>>;

export const ORDER_ENTRY_SUPPORT: OrderEntrySupport = {
  sim: { ws: true, why: 'the embedded simulator implements WebSocket order entry' },
  'whitebit-global': { ws: true, why: 'WhiteBIT global accepts spot orders on the authorized WebSocket since 2026-09-02' },
  'whitebit-eu': { ws: false, why: 'WhiteBIT EU does not offer WebSocket order entry (global platform only, whitebit-protocol-2.md §1.1)' },
};

/** The venue of a markets.yaml `exchange:`; `whitebit` is the global platform (the only one targeted); paper runs the embedded engine. */
export function venueOf(exchange: 'sim' | 'whitebit' | 'paper'): Venue {
  return exchange === 'whitebit' ? 'whitebit-global' : 'sim';
}

/** The order entry of a grid that sets none (nor does the file): `ws` where the venue has it. */
export function defaultOrderEntry(venue: Venue, support: OrderEntrySupport = ORDER_ENTRY_SUPPORT): OrderWay {
  return support[venue].ws ? 'ws' : 'rest';
}

/** Returns why `entry` cannot be used on `venue`, or null when it can. */
export function orderEntryRefusal(venue: Venue, entry: OrderWay, support: OrderEntrySupport = ORDER_ENTRY_SUPPORT): string | null {
  if (entry === 'rest' || support[venue].ws) return null;
  return `ws is not available on ${venue}: ${support[venue].why}; set orderEntry: rest`;
}

/** What `orderEntry` means for a grid, in one line (`plan`). */
export function orderEntryText(entry: OrderWay): string {
  return entry === 'ws'
    ? 'order entry ws: counter-orders and cancels over the WebSocket (REST while the socket is down or its budget spent); the initial ladder over REST order/bulk'
    : 'order entry rest: every order and cancel over REST';
}
