/**
 * The simulated clock a backtest's market actor runs on (XState's `clock` option): time moves only
 * when the engine says so, and timers fire at their own due time, one at a time, so the engine can
 * let the IO a timer started settle before the next fires (a kill-switch refresh must reach the
 * exchange before the exchange's timer is checked).
 *
 * Why not XState's SimulatedClock: its `set(t)` fires every timer due by t at once, with the clock
 * already at t, so a refresh due at 20 s but fired at 35 s would re-arm 15 s late.
 */

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class StepClock {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = this.seq++;
    this.timers.set(id, { due: this.current + Math.max(0, timeout), seq: id, fn: () => fn() });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  /** Returns the earliest due time, or null when no timer waits. */
  nextDue(): number | null {
    let best: number | null = null;
    for (const t of this.timers.values()) if (best === null || t.due < best) best = t.due;
    return best;
  }

  /** Moves to the earliest timer due at or before `limitMs` and runs it (ties in scheduling order); false when none is. */
  fireNext(limitMs: number): boolean {
    let next: [number, Timer] | undefined;
    for (const e of this.timers) {
      const t = e[1];
      if (t.due <= limitMs && (next === undefined || t.due < next[1].due || (t.due === next[1].due && t.seq < next[1].seq))) next = e;
    }
    if (next === undefined) return false;
    this.timers.delete(next[0]);
    this.current = Math.max(this.current, next[1].due);
    next[1].fn();
    return true;
  }

  /** Moves time to `ms` without running timers (call `fireNext` up to `ms` first). */
  moveTo(ms: number): void {
    this.current = Math.max(this.current, ms);
  }
}
