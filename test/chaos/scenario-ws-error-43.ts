/**
 * Chaos scenario `ws-error-43` (issue 15): a counter-order is refused with WS error 43, "client order
 * id already exists", because an earlier copy of the very same order already executed: the case of
 * an unknown outcome sent again. The simulator has no such fault, so the scenario forces it at the
 * engine: for the next bot placements with a client id (the socket's counter-orders), it places the
 * order, then lets the same request run again, which the engine refuses as a duplicate (422 code 36,
 * on the socket error 43). The order with that id rests on the exchange: the market must not take
 * the refusal for an empty level (a second order there, or a counter quantity lost), and must not
 * place it again either.
 */
import type { Exchange } from '../../src/sim/exchange.js';
import type { Scenario } from './support/outcome.js';
import { runWsFault } from './support/ws-fault.js';
import { BOT_ACCOUNT } from '../integration/harness.js';

export const wsError43: Scenario = {
  name: 'ws-error-43',
  summary: 'a WS counter-order answered 43 (duplicate client id) while its earlier copy rests; nothing doubled, nothing lost',
  cost: 'cheap',
  run: (seed) => {
    let forced = 0;
    return runWsFault('ws-error-43', seed, {
      what: 'placements answered as duplicates',
      arm: (rig) => {
        const exchange: Exchange = rig.bench.sim.exchange;
        const original = exchange.placeOrder.bind(exchange);
        let left = rig.between(1, 3);
        const chance = rig.pick([0.5, 1]);
        rig.log.push(`the next ${left} bot placement(s) with a client id, each with p ${chance}: placed, then refused as a duplicate`);
        exchange.placeOrder = (accountId, raw, nowMs) => {
          const duplicate =
            left > 0 && accountId === BOT_ACCOUNT && typeof raw.clientOrderId === 'string' && raw.clientOrderId !== '' && rig.rng.chance(chance);
          if (!duplicate) return original(accountId, raw, nowMs);
          const first = original(accountId, raw, nowMs);
          if (!first.ok) return first;
          left -= 1;
          forced += 1;
          rig.log.push(`placed ${String(raw.clientOrderId)}, answering the request as a duplicate`);
          return original(accountId, raw, nowMs);
        };
        // Sometimes the order's pushes trail its reply by a few ms (they may share a read otherwise,
        // and the push then tells the market of the order before the refusal does).
        const lag = rig.rng.chance(0.5) ? rig.between(20, 80) : 0;
        const offLag = lag > 0 ? rig.bench.sim.faults.delayFrames('ordersPending', { probability: 1, delayMs: lag }) : () => undefined;
        if (lag > 0) rig.log.push(`ordersPending frames ${lag} ms late`);
        return () => {
          exchange.placeOrder = original;
          offLag();
        };
      },
      hitsAreWs: false,
      hits: () => forced,
    });
  },
};
