/**
 * Runs work after the current event-loop turn's I/O: in the check phase after the next one.
 *
 * Why two `setImmediate`s: work deferred from the fill path (log lines, reporting rows) is often
 * scheduled before the counter-order's request exists, so one Immediate would be queued ahead of
 * undici's deferred write of that request; an Immediate queued from inside the check phase runs in
 * the next one, after the write. A throw is handed to `onError` rather than crashing the process
 * from a timer callback.
 */
export function afterThisTurn(work: () => void, onError: (error: unknown) => void = rethrow): void {
  setImmediate(() =>
    setImmediate(() => {
      try {
        work();
      } catch (error) {
        onError(error);
      }
    }),
  );
}

function rethrow(error: unknown): never {
  throw error;
}
