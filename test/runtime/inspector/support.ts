/** Market actors with inert IO for inspector tests: they load forever, so only the events a test sends move them. */
import { type InspectionEvent, createActor, fromCallback, fromPromise } from 'xstate';
import type { ObservedActors, RuntimeObserver } from '../../../src/runtime/start/observers.js';
import { marketMachine } from '../../../src/machines/market/market.machine.js';
import { settings } from '../../machines/market/market-harness.js';

const never = fromPromise(() => new Promise<never>(() => {}));
const inert = marketMachine.provide({
  actors: {
    loadMarket: never as never,
    cancelAll: never as never,
    armKillSwitch: never as never,
    disarmKillSwitch: never as never,
    placeBatch: never as never,
    fetchExchange: never as never,
    cancelOrders: never as never,
    feed: fromCallback(() => {}),
    desk: fromCallback(() => {}),
  },
});

/** Starts `n` market actors named M0_USDT… with `inspect`; returns them. */
export function startInertMarkets(n: number, inspect: (e: InspectionEvent) => void) {
  return Array.from({ length: n }, (_, i) => {
    const market = `M${i}_USDT`;
    return createActor(inert, { id: `market:${market}`, input: settings({ market }), inspect }).start();
  });
}

/**
 * Creates `n` inert market actors, tells `observe` about them the way `startRuntime` does (before
 * they start, with the inspection stream of all of them), then starts them. Returns the actors and
 * how many inspection observers and emitted-event listeners are subscribed now.
 */
export function observedInertMarkets(n: number, observe: RuntimeObserver) {
  const inspectors = new Set<(e: InspectionEvent) => void>();
  const inspect = (e: InspectionEvent) => {
    for (const fn of inspectors) fn(e);
  };
  const actors = Array.from({ length: n }, (_, i) => {
    const market = `M${i}_USDT`;
    return createActor(inert, { id: `market:${market}`, input: settings({ market }), inspect });
  });
  // Not machines: the collector draws no row for them.
  const none = { id: 'none', getSnapshot: () => ({}), on: () => ({ unsubscribe: () => {} }) };
  observe({
    markets: new Map(actors.map((a) => [a.id.replace(/^market:/, ''), a])),
    connection: none,
    supervisor: none,
    inspect: (fn: (e: InspectionEvent) => void) => {
      inspectors.add(fn);
      return { unsubscribe: () => void inspectors.delete(fn) };
    },
    marketStarted: () => ({ unsubscribe: () => {} }),
  } as unknown as ObservedActors);
  for (const a of actors) a.start();
  // XState keeps an actor's `on` handlers in its `eventListeners` map.
  const listeners = () =>
    actors.reduce(
      (k, a) => k + [...(a as unknown as { eventListeners: Map<string, Set<unknown>> }).eventListeners.values()].reduce((j, s) => j + s.size, 0),
      0,
    );
  return { actors, inspectors: () => inspectors.size, listeners };
}

/** Reads Server-Sent Events from `url` until `stop()`; collects (event, data) pairs. */
export async function sseClient(url: string) {
  const messages: { event: string; data: string }[] = [];
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const waiters: (() => void)[] = [];
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(chunk)?.[1];
          const data = /^data: (.*)$/m.exec(chunk)?.[1];
          if (event && data !== undefined) messages.push({ event, data });
          for (const w of waiters.splice(0)) w();
        }
      }
    } catch {
      // aborted
    }
  })();
  const until = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} SSE messages, got ${messages.length}`)), 5_000);
      const check = () => {
        if (messages.length >= n) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  return { messages, until, stop: () => controller.abort() };
}
