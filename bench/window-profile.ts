/**
 * Window profile (BENCH_WINDOW_PROF=dir): a CPU profile of this process's main thread over each
 * latency row's measured window only, written as `<dir>/<bot>-<markets>x<rate>.cpuprofile`. A
 * whole-run `--cpu-prof` is dominated by start-up, module loading and the idle waits between rows,
 * so the per-fill cost of one piece cannot be read from it. Leave it off for the figures themselves.
 */
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = process.env.BENCH_WINDOW_PROF;
let session: Session | null = null;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session?.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

export async function startWindowProfile(): Promise<void> {
  if (!DIR) return;
  if (!session) {
    session = new Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
  }
  await post('Profiler.start');
}

export async function stopWindowProfile(label: string): Promise<void> {
  if (!DIR || !session) return;
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${label}.cpuprofile`), JSON.stringify(profile));
}
