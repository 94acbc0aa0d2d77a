/**
 * `gridbot status --journal FILE [flags]`, run in-process: returns what it wrote on stdout and
 * expects exit 0.
 */
import { expect, vi } from 'vitest';
import { main } from '../../../src/cli.js';

export async function statusOutput(journal: string, ...flags: string[]): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    expect(await main(['status', '--journal', journal, ...flags])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}
