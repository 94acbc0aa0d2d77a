/**
 * Helpers the bench sections share: sleeping, memory after a forced GC, the bot process's CPU,
 * number formats and markdown tables. Nothing here measures by itself.
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface MemSample {
  readonly heapUsed: number;
  readonly rss: number;
}

/** `heapUsed` and RSS after a forced GC (twice, a turn apart, so weak refs and finalizers settle); rough without `--expose-gc`. */
export async function memory(): Promise<MemSample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    await sleep(50);
    gc();
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

/** This process's CPU (user + system, every thread) in µs since some fixed point. */
export function cpuUs(): number {
  const c = process.cpuUsage();
  return c.user + c.system;
}

export const MiB = 2 ** 20;

export const f1 = (n: number): string => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(1)) : '—');
export const fk = (n: number): string => (Number.isFinite(n) ? `${(n / 1000).toFixed(0)}k` : '—');
export const kib = (n: number): string => `${(n / 1024).toFixed(1)}`;
export const mib = (n: number): string => `${(n / MiB).toFixed(1)}`;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? (s[(n - 1) / 2] ?? NaN) : ((s[n / 2 - 1] ?? 0) + (s[n / 2] ?? 0)) / 2;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The first line of an error's message, for a `failed: …` row. */
export function reasonOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (text.split('\n')[0] ?? text).slice(0, 300);
}

/** Runs `f` with a time limit; rejects with `what` timed out after `ms`. The work itself is not cancelled. */
export async function within<T>(ms: number, what: string, f: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result in ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([f(), limit]);
  } finally {
    clearTimeout(timer);
  }
}
