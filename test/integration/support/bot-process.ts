/**
 * A `gridbot` child process (gridbot-child.ts under the TypeScript hooks of the journal tests): the
 * bot runs in its own process, so the test can SIGKILL it mid-trade and start it again, while the
 * simulator lives on in the test process.
 *
 * Its stdout is followed line by line (`gridbot run` writes JSON log lines there when stdout is
 * not a terminal); `onLine` lets a waiter re-check its condition on each one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REGISTER_TS = fileURLToPath(new URL('../../runtime/journal/support/register-ts.mjs', import.meta.url));
const ENTRY = fileURLToPath(new URL('./gridbot-child.ts', import.meta.url));

export interface LogLine {
  readonly msg?: string;
  readonly market?: string;
  readonly [field: string]: unknown;
}

export interface BotProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Every stdout line so far. */
  lines(): readonly string[];
  /** The stdout lines that are JSON log lines, parsed. */
  logs(): LogLine[];
  stderr(): string;
  /** Calls `listener` after each stdout line; returns an unsubscribe. */
  onLine(listener: () => void): () => void;
  /** Resolves with the exit code (null when killed by a signal) once the child has exited. */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** Sends `signal` and resolves with the exit code once the child has exited (and been reaped). */
  signal(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `gridbot <args>` in a child process. WHITEBIT_* credentials of the test process are not
 * passed on; `options.env` is added to the child's environment (e.g. credentials of its own).
 */
export function spawnBot(args: readonly string[], options: { readonly env?: Readonly<Record<string, string>> } = {}): BotProcess {
  const env = { ...process.env };
  delete env.WHITEBIT_API_KEY;
  delete env.WHITEBIT_API_SECRET;
  Object.assign(env, options.env);
  const proc = spawn(process.execPath, ['--import', REGISTER_TS, ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  if (proc.pid === undefined) throw new Error('the gridbot child did not start');
  const seen: string[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let done = false;
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      done = true;
      resolve(code);
      for (const l of [...listeners]) l();
    }),
  );
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    seen.push(line);
    for (const l of [...listeners]) l();
  });
  const logs = (): LogLine[] =>
    seen.flatMap((l) => {
      if (!l.startsWith('{')) return [];
      try {
        return [JSON.parse(l) as LogLine];
      } catch {
        return [];
      }
    });
  return {
    proc,
    pid: proc.pid,
    lines: () => seen,
    logs,
    stderr: () => stderr,
    onLine: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    exited,
    hasExited: () => done,
    signal: async (signal) => {
      if (!done) proc.kill(signal);
      return exited;
    },
  };
}
