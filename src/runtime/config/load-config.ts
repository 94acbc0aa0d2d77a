/**
 * Loads markets.yaml: read, parse with positions, validate as a whole, freeze.
 *
 * Entry points: `parseConfig(text, file)` (pure, never throws) and `loadConfig(file)` (reads the
 * file; throws ConfigError). Either every problem is reported, each as
 * `file:line:col field: problem`, or a deeply frozen RuntimeConfig comes back; nothing is sent to
 * an exchange before this succeeds.
 *
 * Order of checks: YAML syntax first (a broken document has no reliable tree, so nothing else is
 * reported with it); then, together, secret-named keys, the schema and the cross-entry checks.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, sortIssues, type ConfigIssue } from './config-error.js';
import { type VenueOf, crossCheck } from './cross-checks.js';
import { venueOf } from '../exchange/order-entry-support.js';
import { fieldName, translateIssue } from './issues.js';
import { toRuntimeConfig, type RuntimeConfig } from './runtime-config.js';
import { configSchema } from './schema.js';
import { NOTIFY_SECRET_MESSAGE, SECRET_MESSAGE, findSecretKeys } from './secret-keys.js';
import { parseYaml } from './yaml-tree.js';

export type ConfigResult = { readonly ok: true; readonly config: RuntimeConfig } | { readonly ok: false; readonly error: ConfigError };

export interface ParseOptions {
  /** The platform `exchange:` means (default order-entry-support.ts `venueOf`: whitebit is global). */
  readonly venueOf?: VenueOf;
}

/** Returns the validated config of a markets.yaml text, or a ConfigError with every issue. Never throws. */
export function parseConfig(text: string, file: string, options: ParseOptions = {}): ConfigResult {
  const venue = options.venueOf ?? venueOf;
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    const issues = parsed.errors.map((e): ConfigIssue => ({ file, line: e.position.line, column: e.position.column, field: '(yaml)', message: e.message }));
    return { ok: false, error: new ConfigError(issues) };
  }
  const { tree, locate } = parsed;
  const issues: ConfigIssue[] = [];
  const at = (path: readonly PropertyKey[], message: string, which: 'key' | 'value' = 'value'): ConfigIssue => {
    const { line, column } = locate(path, which);
    return { file, line, column, field: fieldName(path), message };
  };
  for (const path of findSecretKeys(tree)) issues.push(at(path, path[0] === 'notify' ? NOTIFY_SECRET_MESSAGE : SECRET_MESSAGE, 'key'));
  for (const c of crossCheck(tree, venue)) issues.push(at(c.path, c.message));
  const result = configSchema.safeParse(tree);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(...translateIssue(issue, tree, locate, file));
  }
  if (issues.length > 0 || !result.success) return { ok: false, error: new ConfigError(dedupe(issues)) };
  const locations = {
    journal: result.data.journal === undefined ? null : locate(['journal'], 'key'),
    grids: result.data.grids.map((_, i) => locate(['grids', i])),
    notifyTargets: (result.data.notify?.targets ?? []).map((_, i) => locate(['notify', 'targets', i])),
  };
  return { ok: true, config: toRuntimeConfig(result.data, file, locations, venue(result.data.exchange)) };
}

/**
 * Returns the validated config in `file`.
 * @throws ConfigError when the file cannot be read or any check fails (all issues listed).
 */
export async function loadConfig(file: string): Promise<RuntimeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : String(e);
    throw new ConfigError([{ file, line: null, column: null, field: '(file)', message: `cannot be read (${reason})` }]);
  }
  const result = parseConfig(text, file);
  if (!result.ok) throw result.error;
  return result.config;
}

function dedupe(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return sortIssues(issues).filter((i) => {
    const k = `${i.line}:${i.column}:${i.field}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
