/**
 * A count of order requests handed to the REST client, shared by the desks (which count) and the
 * socket actor (which reads it).
 *
 * Why the socket needs it: undici writes a request on an idle keep-alive socket one `setImmediate`
 * later (a safety check, PERF.md), and `ws` hands over every frame of one TCP read before the event
 * loop moves on. A fill's deal frame usually shares its read with the order updates that follow it,
 * so without a yield the counter-order would wait for the market actor to digest those too. After a
 * frame that sent an order, the socket queues the rest of the read and routes it one `setImmediate`
 * later: undici's write was scheduled first, so it goes first.
 */
export class OrderFlow {
  /** Order requests started so far (order/new or order/bulk). */
  sent = 0;
}
