/**
 * Test clocks. `ManualClock` moves only when told, so timer-driven code is exact and nothing
 * sleeps; `InstantClock` fires every timer on the next microtask and records the requested delays
 * (for code that sleeps between real network calls, such as retries).
 */
import type { Clock } from '../../../../src/adapters/whitebit/clock.js';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: ++this.seq, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  /** Moves time without firing timers (to observe state between a deadline and its timer). */
  set(t: number): void {
    this.t = t;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Advances time by `ms`, firing due timers in time order and letting promise callbacks run after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await flushMicrotasks();
    }
    this.t = end;
    await flushMicrotasks();
  }
}

/** Lets queued promise reactions run (several hops deep). */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

export class InstantClock implements Clock {
  readonly delays: number[] = [];
  private t = 1_700_000_000_000;

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    this.t += ms;
    queueMicrotask(fn);
    return this.delays.length;
  }

  clearTimeout(): void {}
}
