/** Market actors with inert IO for inspector tests: they load forever, so only the events a test sends move them. */
import { type InspectionEvent, createActor, fromCallback, fromPromise } from 'xstate';
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
