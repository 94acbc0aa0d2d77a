/**
 * `gridbot validate [FILE] [--json]`: checks a markets.yaml without touching any exchange: the file
 * itself, the `journal:` path (journal-file.ts: a directory, a parent that cannot be made, a file
 * that is not a gridbot journal), every `notify:` secret's variable in the environment (named, never
 * shown; notify/env-check.ts), and with `exchange: sim` each grid against the embedded
 * simulator's rules (started in-process on 127.0.0.1, as `run` and `plan` start it), refused in
 * `run`'s words (start/grid-refusal.ts). WhiteBIT's rules need the network: `plan --live` reads them.
 *
 * Exit codes: 0 valid (one summary line on stdout), 2 invalid or bad arguments (every issue on
 * stderr, one per line, `file:line:col field: problem`). With `--json`, stdout carries exactly one
 * JSON document either way: `{ ok: true, file, config }` or `{ ok: false, file, errors: [...] }`.
 */
import { formatIssue, isConfigError, loadConfig, type ConfigIssue, type RuntimeConfig } from '../config/index.js';
import type { JournalFileState } from '../journal/index.js';
import { notifyEnvIssues } from '../notify/index.js';
import { journalPathIssue } from '../start/journal-issue.js';
import { openExchangeSource } from './exchange-source.js';
import { planConfig, planRefusals } from './plan.js';

export const VALIDATE_USAGE = 'usage: gridbot validate [FILE] [--json]   (FILE defaults to markets.yaml)\n\nexample: gridbot validate markets.yaml --json\n';

/** Runs the command; resolves to the exit code. */
export async function validateCommand(args: readonly string[]): Promise<number> {
  const json = args.includes('--json');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(VALIDATE_USAGE);
    return 0;
  }
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--json');
  const files = args.filter((a) => !a.startsWith('-'));
  if (unknown.length > 0 || files.length > 1) {
    const what = unknown.length > 0 ? `unknown option ${unknown.join(' ')}` : 'give at most one file';
    process.stderr.write(`gridbot validate: ${what}\n${VALIDATE_USAGE}`);
    return 2;
  }
  const file = files[0] ?? 'markets.yaml';
  let config: RuntimeConfig;
  try {
    config = await loadConfig(file);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    report(file, e.issues, json);
    return 2;
  }
  const journal = config.journal ? journalPathIssue(config, config.journal.path) : null;
  // A `notify:` secret missing from the environment: `run` refuses to start, so it is an error here too.
  const issues = [...(journal?.issue ? [journal.issue] : []), ...notifyEnvIssues(config, process.env), ...(await simRefusals(config))];
  if (issues.length > 0) {
    report(file, issues, json);
    return 2;
  }
  process.stdout.write(
    json
      ? `${JSON.stringify({ ok: true, file, config })}\n`
      : `${[summary(config), rulesNote(config), ...(journal ? [journalNote(journal.found)] : [])].join('; ')}\n`,
  );
  return 0;
}

/** Returns the refusal of each grid the embedded simulator's rules refuse (`exchange: sim` only). */
async function simRefusals(config: RuntimeConfig): Promise<ConfigIssue[]> {
  if (config.exchange !== 'sim') return [];
  const source = await openExchangeSource(config, { exchangeUrl: null, live: false });
  try {
    return planRefusals(config, await planConfig(config, source));
  } finally {
    await source.close();
  }
}

/** What stands at the journal path, for the OK line. */
function journalNote(found: JournalFileState): string {
  switch (found.kind) {
    case 'missing':
      return found.createsDir === null ? 'journal: a new file' : `journal: a new file (run creates ${found.createsDir})`;
    case 'empty':
      return 'journal: an empty file (run makes it a journal)';
    case 'journal':
      return `journal: a gridbot journal (schema ${found.version})`;
    case 'refused':
      return `journal: refused`;
  }
}

/** What was checked of the exchange's rules, and what was not. */
function rulesNote(config: RuntimeConfig): string {
  if (config.exchange === 'paper')
    return "paper trading: the markets' rules (fee, minimums, budget) are read from live WhiteBIT at start; gridbot plan reads them now";
  return config.exchange === 'sim'
    ? `every grid placeable on the embedded simulator (seed ${config.sim?.seed ?? 1})`
    : "WhiteBIT's rules (fee, minimums, budget) are not checked offline: gridbot plan --live reads them";
}

/** One line: the file, the exchange and each grid. */
export function summary(config: RuntimeConfig): string {
  const grids = config.markets.map(
    (m) => `${m.market} (${m.spec.spacing}, ${ladderText(m.spec.ladder, m.spec.spacing)}, order entry ${config.orderEntry[m.market] ?? 'rest'})`,
  );
  const n = grids.length;
  return `${config.file}: OK, exchange ${config.exchange}, bot id ${config.botId}, ${n} grid${n === 1 ? '' : 's'}: ${grids.join(', ')}`;
}

type Spec = RuntimeConfig['markets'][number]['spec'];

/** The ladder in a few characters; a geometric step is a percent (grid/levels.ts). */
function ladderText(l: Spec['ladder'], spacing: Spec['spacing']): string {
  const unit = spacing === 'geometric' ? ' %' : '';
  switch (l.kind) {
    case 'range':
      return `${String(l.lower)}..${String(l.upper)} × ${l.levels}`;
    case 'range-step':
      return `${String(l.lower)}..${String(l.upper)} step ${String(l.step)}${unit}`;
    case 'centered':
      return `${l.center === undefined ? 'last price' : String(l.center)} ± ${l.levelsPerSide} × ${String(l.step)}${unit}`;
  }
}

function report(file: string, issues: readonly ConfigIssue[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: false, file, errors: issues })}\n`);
    return;
  }
  const n = issues.length;
  process.stderr.write(`${issues.map(formatIssue).join('\n')}\n${file}: ${n} error${n === 1 ? '' : 's'}\n`);
}
