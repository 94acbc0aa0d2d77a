/**
 * The one error the config loader throws: every problem found in a markets.yaml, each with the
 * file, line, column and field it concerns, so a user fixes them all in one pass.
 *
 * Format of one issue: `markets.yaml:12:5 grids[1].killSwitch.timeout: must be an integer from 5 to 600, got 900`.
 * Line and column are 1-based; they are null only when the file itself could not be read.
 */

/** One problem in a config file. */
export interface ConfigIssue {
  readonly file: string;
  /** 1-based; null when no position applies (unreadable file). */
  readonly line: number | null;
  readonly column: number | null;
  /** The field path as written in the YAML (`grids[1].killSwitch.timeout`), `(yaml)` for syntax errors, `(root)` for the document. */
  readonly field: string;
  /** What is wrong and what is expected; never contains a secret's value. */
  readonly message: string;
}

/** Returns the one-line text of an issue: `file:line:col field: message`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where} ${issue.field}: ${issue.message}`;
}

/** Orders issues by position so the report reads top to bottom. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** A markets.yaml that cannot be used; `issues` lists every problem found, in file order. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const sorted = sortIssues(issues);
    super(`${sorted.length} config error${sorted.length === 1 ? '' : 's'}:\n${sorted.map(formatIssue).join('\n')}`);
    this.issues = Object.freeze(sorted);
  }
}

/** True for a ConfigError, also across module copies (branded by name, as undici does for its errors). */
export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError || (e instanceof Error && e.name === 'ConfigError' && Array.isArray((e as ConfigError).issues));
}
