/**
 * The time source of the adapter, injected so tests are exact and never sleep. Production uses
 * {@link systemClock}; tests pass a manual clock that advances only when told.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Schedules `fn` after `ms`; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Resolves after `ms` on `clock`, or rejects with the signal's reason when it aborts first.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer: { handle?: unknown } = {};
    const onAbort = (): void => {
      clock.clearTimeout(timer.handle);
      reject(signal?.reason as Error);
    };
    // Listen before scheduling: a clock may run code synchronously inside setTimeout.
    signal?.addEventListener('abort', onAbort, { once: true });
    timer.handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
  });
}
