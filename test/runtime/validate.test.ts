import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';

const EXAMPLE = new URL('../../markets.yaml', import.meta.url).pathname;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

function tempFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gridbot-validate-')), 'markets.yaml');
  writeFileSync(file, text);
  return file;
}

const BROKEN = [
  'botId: NOPE_',
  'grids:',
  '  - market: BTC_USDT',
  '    spacing: arithmetic',
  '    ladder: { lower: "1", upper: "2", levels: 3 }',
  '    amountPerLevel: { base: "1" }',
  '    killSwitch: { timeout: 900 }',
  '',
].join('\n');

afterEach(() => vi.restoreAllMocks());

describe('gridbot validate', () => {
  it('accepts the example with exit 0 and one OK line listing the grids', async () => {
    const io = capture();
    expect(await main(['validate', EXAMPLE])).toBe(0);
    const lines = io.out().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${EXAMPLE}: OK, exchange sim, bot id gb, 3 grids: DBTC_DUSDT (arithmetic, last price ± 10 × 150, order entry ws)`);
    expect(lines[0]).toContain('BTC_USDT (geometric, last price ± 8 × 0.25 %, order entry ws)');
    expect(lines[0]).toContain('ETH_USDT (arithmetic, 2800..3600 × 17, order entry ws)');
    expect(io.err()).toBe('');
  });

  it('prints every error as file:line:col field: problem and exits 2', async () => {
    const file = tempFile(BROKEN);
    const io = capture();
    expect(await main(['validate', file])).toBe(2);
    expect(io.err()).toBe(
      [
        `${file}:1:8 botId: must be 1 to 8 characters of [a-z0-9] (it is embedded in client order ids), got "NOPE_"`,
        `${file}:7:28 grids[0].killSwitch.timeout: must be an integer from 5 to 600, got 900`,
        `${file}: 2 errors`,
        '',
      ].join('\n'),
    );
    expect(io.out()).toBe('');
  });

  it('--json prints one JSON document with the config on success', async () => {
    const io = capture();
    expect(await main(['validate', EXAMPLE, '--json'])).toBe(0);
    const doc = JSON.parse(io.out()) as { ok: boolean; file: string; config: { markets: { market: string; batchSize: number }[] } };
    expect(doc.ok).toBe(true);
    expect(doc.file).toBe(EXAMPLE);
    expect(doc.config.markets.map((m) => m.market)).toEqual(['DBTC_DUSDT', 'BTC_USDT', 'ETH_USDT']);
    expect(doc.config.markets[0]?.batchSize).toBe(20);
  });

  it('--json prints one JSON document with the errors and exits 2', async () => {
    const file = tempFile(BROKEN);
    const io = capture();
    expect(await main(['validate', '--json', file])).toBe(2);
    expect(JSON.parse(io.out())).toEqual({
      ok: false,
      file,
      errors: [
        expect.objectContaining({ file, line: 1, column: 8, field: 'botId' }),
        {
          file,
          line: 7,
          column: 28,
          field: 'grids[0].killSwitch.timeout',
          message: 'must be an integer from 5 to 600, got 900',
        },
      ],
    });
    expect(io.err()).toBe('');
  });

  it('reports a missing file with exit 2', async () => {
    const io = capture();
    expect(await main(['validate', '/nonexistent/markets.yaml'])).toBe(2);
    expect(io.err()).toContain('/nonexistent/markets.yaml (file): cannot be read (ENOENT)');
  });

  it('reads markets.yaml in the working directory by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridbot-validate-'));
    writeFileSync(join(dir, 'markets.yaml'), BROKEN);
    const io = capture();
    const home = process.cwd();
    try {
      process.chdir(dir);
      expect(await main(['validate'])).toBe(2);
    } finally {
      process.chdir(home);
    }
    expect(io.err()).toContain('markets.yaml:1:8 botId:');
  });

  it('refuses unknown options and extra files with exit 2', async () => {
    const io = capture();
    expect(await main(['validate', '--strict'])).toBe(2);
    expect(await main(['validate', 'a.yaml', 'b.yaml'])).toBe(2);
    expect(io.err()).toContain('unknown option --strict');
    expect(io.err()).toContain('usage: gridbot validate');
  });

  it('is listed in the usage', async () => {
    const io = capture();
    expect(await main(['--help'])).toBe(0);
    expect(io.out()).toContain('validate');
  });
});
