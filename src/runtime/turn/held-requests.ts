/**
 * A REST client whose requests go through {@link TurnOrder.hold}: started at once outside a frame
 * batch, after the batch's commit inside one (rule 3 of turn-order.ts). The market actors get one
 * (market-providers.ts), so neither the desk nor a promise actor can send anything an event of the
 * current batch caused before that event is on disk.
 */
import type { TurnOrder } from './turn-order.js';

/** Returns `rest` with each of `methods` held by `turn`; every other member is `rest`'s own. */
export function heldRequests<T extends object>(rest: T, turn: Pick<TurnOrder, 'hold'>, methods: readonly (keyof T & string)[]): T {
  const held = Object.create(rest) as Record<string, unknown>;
  for (const name of methods) {
    const method = rest[name] as unknown;
    if (typeof method !== 'function') continue;
    held[name] = (...args: unknown[]) => turn.hold(() => (method as (...a: unknown[]) => Promise<unknown>).apply(rest, args));
  }
  return held as T;
}
