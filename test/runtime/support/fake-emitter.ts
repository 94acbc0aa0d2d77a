/**
 * A stand-in for an actor's emitter (`on(type, handler)`, XState's shape): tests drive observers
 * with synthetic emitted events, and can count who still listens.
 */
import type { Subscription } from 'xstate';
import type { MarketEmitted } from '../../../src/machines/market/market.emitted.js';

export interface FakeEmitter<E extends { readonly type: string }> {
  on(type: string, handler: (event: never) => void): Subscription;
  emit(event: E): void;
  /** Handlers subscribed now. */
  listeners(): number;
}

export function fakeEmitter<E extends { readonly type: string }>(): FakeEmitter<E> {
  const handlers = new Map<string, Set<(event: E) => void>>();
  return {
    on(type, handler) {
      let set = handlers.get(type);
      if (!set) handlers.set(type, (set = new Set()));
      const h = handler as (event: E) => void;
      set.add(h);
      return { unsubscribe: () => void set.delete(h) };
    },
    emit(event) {
      for (const h of [...(handlers.get(event.type) ?? []), ...(handlers.get('*') ?? [])]) h(event);
    },
    listeners: () => [...handlers.values()].reduce((n, s) => n + s.size, 0),
  };
}

/** A fake market actor: its emitter and a snapshot to read on demand. */
export function fakeMarket(snapshot: () => unknown = () => ({ status: 'active', value: { lifecycle: 'init' }, context: {} })) {
  const emitter = fakeEmitter<MarketEmitted>();
  return { ...emitter, id: 'market', getSnapshot: snapshot as () => never };
}

export const intent = (clientOrderId: string, origin: string, level = 1, side: 'buy' | 'sell' = 'buy') =>
  ({ market: 'BTC_USDT', clientOrderId, level, side, price: '100', amount: '1', origin }) as never;

export const stateEvent = (state: string, from: string | null, cause = 'e', stopReason: string | null = null): MarketEmitted => ({
  type: 'market.state',
  state,
  from,
  cause,
  stopReason,
});
