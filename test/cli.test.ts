import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('gridbot cli', () => {
  it('prints the package version', async () => {
    const { out } = capture();
    expect(await main(['--version'])).toBe(0);
    expect(out.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('answers an unknown command with usage and exit code 2', async () => {
    const { err } = capture();
    expect(await main(['frobnicate'])).toBe(2);
    expect(err.join('')).toContain("unknown command 'frobnicate'");
    expect(err.join('')).toContain('usage: gridbot');
  });
});

describe('gridbot chart', () => {
  it('prints each machine as Mermaid by default and as DOT or JSON on request', async () => {
    const { out } = capture();
    expect(await main(['chart', 'market'])).toBe(0);
    expect(out.join('')).toMatch(/^stateDiagram-v2\n/);
    expect(out.join('')).toContain('state "reconciling" as market_lifecycle_reconciling');
    out.length = 0;
    expect(await main(['chart', 'connection', '--format', 'dot'])).toBe(0);
    expect(out.join('')).toMatch(/^digraph "connection" \{/);
    out.length = 0;
    expect(await main(['chart', 'supervisor', '--format', 'json'])).toBe(0);
    expect(JSON.parse(out.join('')).id).toBe('supervisor');
  });

  it('refuses an unknown machine or format with exit code 2', async () => {
    const { err } = capture();
    expect(await main(['chart', 'nope'])).toBe(2);
    expect(await main(['chart', 'market', '--format', 'png'])).toBe(2);
    expect(err.join('')).toContain('usage: gridbot chart');
  });
});
