/** Shared by the command tests: stdout/stderr capture around `main`, and markets.yaml files in a temp dir. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../../src/cli.js';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `gridbot ...args` in-process and returns its exit code, stdout and stderr. */
export async function cli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    const code = await main(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** A temp directory for config files and journals; `cleanup()` removes it. */
export function tempDir(): { readonly dir: string; file(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gridbot-cmd-'));
  return {
    dir,
    file: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A markets.yaml with the given `grids:` entries (YAML text, indented by two). */
export function configYaml(grids: string, extra = ''): string {
  return `exchange: sim\nbotId: t1\nlogLevel: silent\n${extra}grids:\n${grids}`;
}

/** One grid entry on DBTC_DUSDT (the simulator opens it at 60000): 59000..61000 in 5 levels, 0.001 each. */
export const SMALL_GRID = `  - market: DBTC_DUSDT
    spacing: arithmetic
    ladder:
      lower: "59000"
      upper: "61000"
      levels: 5
    amountPerLevel:
      base: "0.001"
    budget:
      quote: "1000"
      base: "0.01"
    risk:
      rangeExitMarginPercent: "5"
      stopLossQuote: "100"
`;
