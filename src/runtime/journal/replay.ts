/**
 * Pure replay of one run of one market: the checkpointed input, then the journaled events in order,
 * through the market machine's own transition function.
 *
 * Why this is the real state and not an approximation: the machine's context changes only through
 * the events it receives, and `initialTransition` / `transition` (xstate ≥ 5.19) compute the same
 * next snapshot the live actor computes: guards and `assign`s run, `always` and entry actions
 * resolve, invoke done/error events (`xstate.done.actor.placeBatch`, …) and delayed events
 * (`xstate.after.*`) are matched by their type. Nothing is executed: no actor starts, no request is
 * sent, `sendTo('desk')` is returned as an action and dropped.
 *
 * Entry point: `replayMarket`.
 */
import { type AnyEventObject, type SnapshotFrom, initialTransition, transition } from 'xstate';
import { marketMachine } from '../../machines/market/market.machine.js';
import type { MarketEvent, MarketInput } from '../../machines/market/market.types.js';

export type MarketSnapshot = SnapshotFrom<typeof marketMachine>;

/**
 * Returns the market's snapshot after `events`, starting from `input`. Events after the machine
 * finished (or failed) are ignored, as the live actor ignores them.
 */
export function replayMarket(input: MarketInput, events: Iterable<AnyEventObject>): MarketSnapshot {
  let [snapshot] = initialTransition(marketMachine, input);
  for (const event of events) {
    if (snapshot.status !== 'active') break;
    try {
      [snapshot] = transition(marketMachine, snapshot, event as MarketEvent);
    } catch {
      // The live actor, failing on this event, kept its last context (status 'error'): so do we.
      break;
    }
  }
  return snapshot;
}
