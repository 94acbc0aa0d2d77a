/**
 * Time for the simulator. Every timer (price ticks, kill-switch expiry, depth coalescing, WS idle
 * timeouts, REST latency faults) goes through a SimClock so tests can step time instead of sleeping.
 *
 * - `systemClock()` uses Date.now and the global setTimeout, so vitest fake timers drive it too.
 * - `ManualClock` only moves when `advance(ms)` is called; due timers run synchronously, in order.
 */

/** Cancels a scheduled timer; calling it twice is harmless. */
export type Cancel = () => void;

export interface SimClock {
  /** Current time in Unix milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): Cancel;
}

/** Returns a clock backed by Date.now and the global timers (fakeable with vi.useFakeTimers). */
export function systemClock(): SimClock {
  return {
    now: () => Date.now(),
    setTimer: (ms, fn) => {
      const handle = setTimeout(fn, Math.max(0, ms));
      return () => clearTimeout(handle);
    },
  };
}

interface ManualTimer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** A clock that moves only when told to; timers run inside `advance`. */
export class ManualClock implements SimClock {
  private current: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(startMs: number = Date.now()) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): Cancel {
    const timer: ManualTimer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Number of timers waiting to run (for tests that assert cleanup). */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the way in due-time order
   * (ties in scheduling order). Timers scheduled by a running timer run too if they fall inside the step.
   */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.timers) {
        if (t.due <= target && (next === undefined || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      }
      if (next === undefined) break;
      const run = next;
      this.timers = this.timers.filter((t) => t !== run);
      this.current = Math.max(this.current, run.due);
      run.fn();
    }
    this.current = target;
  }
}

/**
 * Tracks the timers one component schedules so that `clearAll()` on close leaves nothing behind.
 */
export class TimerGroup {
  private readonly cancels = new Set<Cancel>();

  constructor(private readonly clock: SimClock) {}

  setTimer(ms: number, fn: () => void): Cancel {
    const cancel = this.clock.setTimer(ms, () => {
      this.cancels.delete(cancel);
      fn();
    });
    this.cancels.add(cancel);
    return () => {
      if (this.cancels.delete(cancel)) cancel();
    };
  }

  /** Runs `fn` every `ms` until the returned Cancel is called. */
  every(ms: number, fn: () => void): Cancel {
    let stop: Cancel = () => undefined;
    let stopped = false;
    const arm = (): void => {
      stop = this.setTimer(ms, () => {
        fn();
        if (!stopped) arm();
      });
    };
    arm();
    return () => {
      stopped = true;
      stop();
    };
  }

  clearAll(): void {
    for (const cancel of [...this.cancels]) cancel();
    this.cancels.clear();
  }
}
