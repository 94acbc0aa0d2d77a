/**
 * A journal that cannot be used, said one way by `run` and `validate`: an issue at markets.yaml's
 * `journal:` key (`file:line:col journal: <path> is a directory, …`), like a config error.
 *
 * Entry points: {@link journalIssue}, {@link journalPathIssue} (the offline check of the path).
 */
import type { ConfigIssue } from '../config/index.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { type JournalFileState, SCHEMA_VERSION, inspectJournalFile } from '../journal/index.js';

/** Returns `message` as an issue at the `journal:` key (the file alone when positions are unknown). */
export function journalIssue(config: RuntimeConfig, message: string): ConfigIssue {
  const at = config.locations?.journal;
  return { file: config.file, line: at?.line ?? null, column: at?.column ?? null, field: 'journal', message };
}

/** Returns what stands at the config's journal path (read only), with the issue when it is refused. */
export function journalPathIssue(config: RuntimeConfig, path: string): { readonly found: JournalFileState; readonly issue: ConfigIssue | null } {
  const found = inspectJournalFile(path, SCHEMA_VERSION);
  return { found, issue: found.kind === 'refused' ? journalIssue(config, `${path} ${found.reason}`) : null };
}
