/** Spawns journal-child.ts in a real `node` process and follows its stdout line by line. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export interface JournalChild {
  readonly proc: ChildProcess;
  /** Resolves with the first stdout line that `match` accepts. */
  waitFor(match: (line: string) => boolean): Promise<string>;
  lines(): readonly string[];
  /** SIGKILLs the child and resolves once it has exited (and been reaped). */
  kill(): Promise<void>;
}

export function spawnJournalChild(path: string, mode: 'append' | 'hold', tail = false): JournalChild {
  const proc = spawn(process.execPath, ['--import', here('./register-ts.mjs'), here('./journal-child.ts'), path, mode, ...(tail ? ['tail'] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: string[] = [];
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    seen.push(line);
    for (const w of waiters.splice(0)) {
      if (w.match(line)) w.resolve(line);
      else waiters.push(w);
    }
  });
  return {
    proc,
    lines: () => seen,
    waitFor: (match) =>
      new Promise((resolve, reject) => {
        const found = seen.find(match);
        if (found !== undefined) return resolve(found);
        waiters.push({ match, resolve });
        void exited.then(() => reject(new Error(`child exited (${String(proc.exitCode)}) before the expected line: ${stderr}`)));
      }),
    kill: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
