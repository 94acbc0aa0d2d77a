/**
 * Reloads inside `gridbot run`: each trigger (reload-triggers.ts) reloads the file the run started
 * from, one reload after another, and says what happened in the log (one line, `reload: added …`;
 * a refusal: each problem as `validate` prints it, then a summary), and in the status pane's
 * notable events on a terminal.
 *
 * Entry point: {@link runReloads}.
 */
import type { Runtime } from '../runtime.js';
import { reloadFromFile } from './reload-file.js';
import { reloadLine, refusalLines } from './reload-report.js';
import { type ReloadCause, startReloadTriggers } from './reload-triggers.js';

/** Where a reload is told: the log, and the pane's notable events (a no-op off a terminal). */
export interface ReloadSinks {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  note(line: string): void;
}

/** Starts reloading `file` into `runtime` on each trigger; `close` stops the triggers. */
export function runReloads(
  runtime: Pick<Runtime, 'reload'>,
  options: { readonly file: string; readonly watch: boolean },
  sinks: ReloadSinks,
): { close(): void } {
  let queue: Promise<void> = Promise.resolve();
  const once = async (cause: ReloadCause): Promise<void> => {
    sinks.info({ cause, file: options.file }, `reload: ${cause}, reading ${options.file}`);
    try {
      const result = await reloadFromFile(runtime, options.file);
      if (result.kind === 'applied') {
        const line = reloadLine(result);
        sinks.info({ cause, plan: summaryOf(result.plan) }, line);
        sinks.note(line);
        return;
      }
      for (const line of refusalLines(options.file, result.reasons, result.issues)) {
        sinks.error({ cause }, line);
        sinks.note(line);
      }
    } catch (e) {
      const line = `reload failed: ${e instanceof Error ? e.message : String(e)}; the running grids are untouched`;
      sinks.error({ cause }, line);
      sinks.note(line);
    }
  };
  const triggers = startReloadTriggers({
    file: options.file,
    watch: options.watch,
    onTrigger: (cause) => {
      queue = queue.then(() => once(cause));
    },
  });
  return { close: () => triggers.close() };
}

function summaryOf(plan: Parameters<typeof reloadLine>[0]['plan']): Record<string, string[]> {
  return {
    added: plan.added.map((m) => m.market),
    removed: [...plan.removed],
    changed: plan.changed.map((m) => m.market),
    unchanged: [...plan.unchanged],
  };
}
