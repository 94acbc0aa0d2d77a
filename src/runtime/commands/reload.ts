/**
 * `gridbot reload [--config FILE]`: asks the `gridbot run` that runs FILE to reload it, by sending
 * SIGHUP to the process that holds FILE's journal (its lock row: journal/instance-lock.ts names the
 * pid). The running bot validates the file as a whole and applies it, or refuses it with the fleet
 * untouched; its log and status pane say which (reload/run-reloads.ts).
 *
 * The file is validated here first, exactly as `validate` loads it: a file with problems is reported
 * (file:line:col) and the bot is not signalled. Exit codes: 0 signalled, 2 bad arguments, a file
 * with problems, no journal to find the bot by, or no bot running on it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatIssue, isConfigError, loadConfig } from '../config/index.js';
import { readJournalReport } from '../journal/index.js';
import { notifyEnvIssues } from '../notify/index.js';
import { problemsIn } from './problem-count.js';

export const RELOAD_USAGE = `usage: gridbot reload [--config FILE]

Asks the running \`gridbot run\` of FILE to reload it (SIGHUP to the pid that holds FILE's journal).
The bot validates the whole file: added grids start, removed ones stop per their onStop (cancel or
leave), changed ones are stopped and started again with the new settings, untouched ones are left
alone. A file with any problem is refused whole and the running grids are untouched; so is a change
the running bot cannot take (exchange, botId, journal, inspector, logLevel, health, notify: restart).
The bot's log (and its status pane) says what changed: reload: added …, removed …, changed …

  --config FILE   the markets.yaml the bot runs (default: markets.yaml); it needs a journal: to be found
                  (without one: kill -HUP <pid of gridbot run>)

exit codes: 0 the bot was signalled, 2 a problem in FILE (nothing signalled), or no bot runs on it

example: gridbot reload --config markets.yaml
`;

/** Runs the command; resolves to the exit code. */
export async function reloadCommand(args: readonly string[]): Promise<number> {
  let file: string;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(RELOAD_USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
    file = values.config ?? 'markets.yaml';
  } catch (e) {
    process.stderr.write(`gridbot reload: ${e instanceof Error ? e.message : String(e)}\n${RELOAD_USAGE}`);
    return 2;
  }
  const fail = (line: string): number => {
    process.stderr.write(`gridbot reload: ${line}\n`);
    return 2;
  };
  let config;
  try {
    config = await loadConfig(file);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    for (const issue of e.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    return fail(`${problemsIn(e.issues.length, file)}; the running bot was not signalled`);
  }
  const missing = notifyEnvIssues(config, process.env);
  if (missing.length > 0) {
    for (const issue of missing) process.stderr.write(`${formatIssue(issue)}\n`);
    return fail(`${problemsIn(missing.length, file)}; the running bot was not signalled`);
  }
  if (config.journal === null) {
    return fail(`${file} has no journal:, so the running bot cannot be found: send it SIGHUP yourself (kill -HUP <pid of gridbot run>)`);
  }
  const path = config.journal.path;
  if (!existsSync(path)) return fail(`no gridbot is running on ${file} (its journal ${path} does not exist)`);
  let lock;
  try {
    lock = readJournalReport(path).lock;
  } catch (e) {
    return fail(`cannot read the journal ${path} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (lock.kind === 'free' || lock.kind === 'stale') return fail(`no gridbot is running on ${file} (no running process holds its journal ${path})`);
  const { pid, host } = lock.holder;
  if (lock.kind === 'elsewhere') return fail(`the bot of ${file} runs on another host (${host}, pid ${pid}): run gridbot reload there`);
  const name = commandLine(pid);
  if (name !== null && !/node|gridbot/.test(name))
    return fail(`pid ${pid}, which holds ${path}, is not a gridbot (${name}): a pid reused after a crash? nothing signalled`);
  try {
    process.kill(pid, 'SIGHUP');
  } catch (e) {
    return fail(`cannot signal pid ${pid} (${String((e as NodeJS.ErrnoException).code ?? e)})`);
  }
  process.stdout.write(`gridbot reload: asked gridbot (pid ${pid}) to reload ${file}; its log says what changed (reload: …) or why it refused\n`);
  return 0;
}

/** The process's command line where the system shows it (Linux /proc), else null: checked before a signal. */
function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}
