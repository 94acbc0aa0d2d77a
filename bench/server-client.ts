/**
 * The bench runner's handle on the bench server process (bench/server.ts, forked): one command at
 * a time over IPC, each answered once by `seq` (bench/protocol.ts).
 *
 * Why the timeouts and the exit handling: a scenario that fails must become a row that says so,
 * never the end of the run. A command the server never answers (it died, or hung) is rejected
 * after `timeoutMs`; a server that exited rejects every pending command at once, and `ensure()`
 * forks a fresh one for the next scenario.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerCommand, ServerReply } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type Command = DistributiveOmit<ServerCommand, 'seq'>;

interface Waiting {
  readonly done: (r: ServerReply) => void;
  readonly fail: (e: Error) => void;
}

/**
 * BENCH_SERVER_NICE=n: the exchange's process runs at nice n (Linux), a model of an exchange on other
 * machines that never takes a core from the bot. Off by default: the rows measure the bot beside its
 * exchange on one 2-core machine (bench/README.md, "The exchange beside the bot").
 */
const SERVER_NICE = Number(process.env.BENCH_SERVER_NICE ?? 0);

/** Every thread of `pid` at nice `n` (Linux: a priority is per thread); where there is no /proc, a warning. */
function renice(pid: number, n: number): void {
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) setPriority(Number(t), n);
  } catch (e) {
    console.warn(`  BENCH_SERVER_NICE: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export class BenchServer {
  private child: ChildProcess | null = null;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();

  /** Forks the server process unless one is running. */
  ensure(): void {
    if (this.child !== null) return;
    const child = fork(join(here, 'server.js'), [], {
      // BENCH_SERVER_ARGS: e.g. `--cpu-prof` to profile the exchange's side of a run.
      execArgv: (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter((a) => a !== ''),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    if (SERVER_NICE !== 0 && child.pid !== undefined) renice(child.pid, SERVER_NICE);
    child.on('message', (m: unknown) => {
      const r = m as ServerReply;
      const w = this.waiting.get(r.seq);
      this.waiting.delete(r.seq);
      w?.done(r);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      const error = new Error(`bench server exited (${signal ?? `code ${code}`})`);
      for (const w of this.waiting.values()) w.fail(error);
      this.waiting.clear();
    });
  }

  /** Sends `cmd` and resolves with its `want` reply; rejects on an error reply, a timeout or the server's exit. */
  call<Op extends ServerReply['op']>(cmd: Command, want: Op, timeoutMs = 120_000): Promise<Extract<ServerReply, { op: Op }>> {
    this.ensure();
    const child = this.child;
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`bench server: no answer to ${cmd.op} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(seq, {
        done: (r) => {
          clearTimeout(timer);
          if (r.op === want) resolve(r as Extract<ServerReply, { op: Op }>);
          else reject(new Error(`bench server: ${r.op === 'error' ? r.message : `unexpected ${r.op}`}`));
        },
        fail: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child?.send({ ...cmd, seq });
    });
  }

  /** Kills a server that does not answer (after a failed scenario), so the next `call` starts afresh. */
  async reset(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    const stopped = await this.call({ op: 'stop' }, 'ok', 15_000).then(
      () => true,
      () => false,
    );
    if (stopped || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }

  async exit(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    await this.call({ op: 'exit' }, 'ok', 15_000).catch(() => undefined);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  }
}
