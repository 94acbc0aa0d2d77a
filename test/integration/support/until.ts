/**
 * Waits for a condition without sleeping: `check()` is re-run whenever one of `sources` reports a
 * change (a simulator event, a child's stdout line), one run at a time, and resolves with its first
 * truthy value (awaited when it is a promise). A timeout rejects with `label` and `describe()`.
 */
export type ChangeSource = (onChange: () => void) => () => void;

export interface UntilOptions {
  readonly sources: readonly ChangeSource[];
  readonly timeoutMs: number;
  /** What to add to the timeout error (child output, what rests…). */
  readonly describe?: () => string;
}

export function waitUntil<T>(
  label: string,
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  options: UntilOptions,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let running = false;
    let again = false;
    let finished = false;
    const run = async (): Promise<void> => {
      if (finished) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const v = await check();
        if (!finished && v !== null && v !== undefined && v !== false) {
          finish();
          resolve(v);
        }
      } catch (e) {
        finish();
        reject(e as Error);
      } finally {
        running = false;
      }
      if (again) {
        again = false;
        poke();
      }
    };
    let scheduled = false;
    const poke = (): void => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        void run();
      });
    };
    const offs = options.sources.map((s) => s(poke));
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${options.timeoutMs} ms waiting for: ${label}${options.describe ? `\n${options.describe()}` : ''}`));
    }, options.timeoutMs);
    const finish = (): void => {
      finished = true;
      clearTimeout(timer);
      for (const off of offs) off();
    };
    void run();
  });
}
