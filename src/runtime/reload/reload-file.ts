/**
 * A reload from a markets.yaml on disk: the file is loaded and validated as a whole exactly as
 * `gridbot validate` loads it (loadConfig: every problem at file:line:col) and its `notify:` secrets
 * checked as `run` checks them; any problem refuses the reload before the running fleet is asked
 * anything. Then the runtime applies it (apply-reload.ts). Used by every trigger of `gridbot run`
 * (SIGHUP, the file watch) and so by `gridbot reload`.
 */
import { isConfigError, loadConfig } from '../config/index.js';
import { notifyEnvIssues } from '../notify/index.js';
import type { Runtime } from '../runtime.js';
import type { ReloadResult } from './apply-reload.js';

/** Loads `file` and applies it to `runtime`; a file with problems is refused with them, nothing sent. */
export async function reloadFromFile(runtime: Pick<Runtime, 'reload'>, file: string, env: NodeJS.ProcessEnv = process.env): Promise<ReloadResult> {
  let next;
  try {
    next = await loadConfig(file);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    return { kind: 'refused', reasons: [], issues: e.issues };
  }
  const missing = notifyEnvIssues(next, env);
  if (missing.length > 0) return { kind: 'refused', reasons: [], issues: missing };
  return runtime.reload(next);
}
