/**
 * Chaos scenario `ws-budget-exhausted` (issue 15): the simulator's per-connection budget of WS
 * placements is tiny (1..3 per minute), so after the first counter-orders the socket answers error 7
 * without executing. The router must send those over REST at once with the same client id (the
 * exchange saw nothing), and every invariant must hold; both ways must have carried orders.
 */
import type { Scenario } from './support/outcome.js';
import { runWsFault } from './support/ws-fault.js';

export const wsBudgetExhausted: Scenario = {
  name: 'ws-budget-exhausted',
  summary: 'a tiny WS placement budget runs out; the counter-orders beyond it go over REST, nothing lost or doubled',
  cost: 'cheap',
  run: (seed) => {
    const limit = 1 + (seed % 3);
    return runWsFault(
      'ws-budget-exhausted',
      seed,
      {
        what: 'counter-orders over REST (the socket budget spent)',
        arm: (rig) => {
          rig.log.push(`WS place budget ${limit} per minute per connection`);
          return () => undefined;
        },
        hitsAreWs: false,
        hits: (rig) => rig.bench.via.rest,
        rounds: [3, 5],
      },
      { simulator: { wsPlaceBudget: { limit, windowMs: 60_000 } } },
    );
  },
};
