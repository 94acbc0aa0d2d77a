import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli.js';
import { EMBEDDED, keyFingerprint, openJournal } from '../../../src/runtime/journal/index.js';

const SAMPLE = 'examples/backtest/DBTC_DUSDT-1m.jsonl';
const dir = mkdtempSync(join(tmpdir(), 'bt-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

/** The committed sample's first day, for speed. */
const DAY = ['--from', '2026-01-05', '--to', '2026-01-06'];

describe('gridbot backtest', () => {
  it('prints the report for the committed sample and exits 0', async () => {
    const io = capture();
    expect(await main(['backtest', '--config', 'markets.yaml', '--data', SAMPLE, '--market', 'DBTC_DUSDT', ...DAY])).toBe(0);
    const text = io.out();
    expect(text).toContain(`${SAMPLE}: 1440 candles, 2026-01-05 00:00 UTC to 2026-01-06 00:00 UTC`);
    expect(text).toMatch(/DBTC_DUSDT {2}arithmetic, center last, 10 per side, step 150 DUSDT, 21 levels/);
    expect(text).toMatch(/ {2}PnL +[+-]?\d+(\.\d+)? DUSDT \(realised /);
    expect(text).toMatch(/ {2}fills +\d+ \(\d+ round trips\)/);
    expect(io.err()).toBe('');
  });

  it("runs only the grid of the market the file's name names, and says so", async () => {
    const io = capture();
    expect(await main(['backtest', '--config', 'markets.yaml', '--data', SAMPLE, ...DAY])).toBe(0);
    expect(io.err()).toContain("DBTC_DUSDT's grid only, the market named in the file name");
    expect(io.out()).toMatch(/^DBTC_DUSDT {2}/m);
    expect(io.out()).not.toMatch(/^(BTC|ETH)_USDT {2}/m);
  });

  it('runs every grid over a file that names no market, with a warning', async () => {
    const unnamed = join(dir, 'prices.jsonl');
    writeFileSync(unnamed, readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 120).join('\n'));
    const io = capture();
    expect(await main(['backtest', '--config', 'markets.yaml', '--data', unnamed])).toBe(0);
    expect(io.err()).toContain('names no market: every grid runs over the same prices');
    expect(io.out()).toMatch(/^DBTC_DUSDT {2}/m);
    expect(io.out()).toMatch(/^ETH_USDT {2}arithmetic, 2800\.\.3600, 17 levels\n/m);
  });

  it('keeps the journal run writes with --journal: status reads the same fills and PnL; a run journal is refused untouched', async () => {
    const file = join(dir, 'bt.journal');
    let io = capture();
    expect(await main(['backtest', '--config', 'markets.yaml', '--data', SAMPLE, '--market', 'DBTC_DUSDT', ...DAY, '--json', '--journal', file])).toBe(0);
    const grid = (JSON.parse(io.out()) as { grids: { fills: number; realisedQuote: string; feesQuote: string }[] }).grids[0];
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['status', '--journal', file, '--json'])).toBe(0);
    const status = JSON.parse(io.out()) as {
      markets: { market: string; allTime: { fills: number; realisedQuote: string; feesQuote: string } }[];
      identity: { endpoint: string };
    };
    expect(status.identity.endpoint).toBe(`backtest over ${SAMPLE}`);
    expect(status.markets[0]?.market).toBe('DBTC_DUSDT');
    expect(status.markets[0]?.allTime).toMatchObject({ fills: grid?.fills, realisedQuote: grid?.realisedQuote, feesQuote: grid?.feesQuote });
    expect(grid?.fills).toBeGreaterThan(0);

    // A journal of another exchange (here: this backtest's, claimed for the embedded simulator first) is refused before anything is written.
    const other = join(dir, 'run.journal');
    const j = openJournal({ path: other });
    j.claimIdentity({ exchange: 'sim', endpoint: EMBEDDED, account: 'demo', keyFingerprint: keyFingerprint('k') });
    j.close();
    const before = readFileSync(other);
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['backtest', '--config', 'markets.yaml', '--data', SAMPLE, '--market', 'DBTC_DUSDT', ...DAY, '--journal', other])).toBe(2);
    expect(io.err()).toContain('is the journal of the embedded simulator');
    expect(io.err()).toContain('nothing was written');
    expect(readFileSync(other).equals(before)).toBe(true);
  });

  it('writes one JSON document with --json and a self-contained page with --report', async () => {
    const io = capture();
    const page = join(dir, 'r.html');
    expect(await main(['backtest', '--data', SAMPLE, '--market', 'DBTC_DUSDT', ...DAY, '--json', '--report', page])).toBe(0);
    const doc = JSON.parse(io.out()) as { grids: { market: string; fillList: unknown[]; samples: unknown[] }[] };
    expect(doc.grids.map((g) => g.market)).toEqual(['DBTC_DUSDT']);
    expect(doc.grids[0]?.samples.length).toBeGreaterThan(100);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('uPlot');
    expect(html.includes(') with our fills')).toBe(true);
    expect(html.includes('"quote":"DUSDT"')).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it.each([
    ['no --data', ['backtest'], /--data FILE is required/],
    ['a missing file', ['backtest', '--data', 'nope.jsonl'], /^gridbot backtest: nope\.jsonl: no such file$/m],
    ['an unknown market', ['backtest', '--data', SAMPLE, '--market', 'NOPE_USDT'], /market NOPE_USDT has no grid in markets\.yaml/],
    ['from after to', ['backtest', '--data', SAMPLE, '--from', '2026-01-06', '--to', '2026-01-05'], /--from 2026-01-06 is not before --to 2026-01-05/],
    ['a bad time', ['backtest', '--data', SAMPLE, '--from', 'monday'], /--from "monday" is not a time/],
    ['a window without data', ['backtest', '--data', SAMPLE, '--market', 'DBTC_DUSDT', '--from', '2027-01-01'], /no candles between --from and --to/],
    ['an unknown option', ['backtest', '--data', SAMPLE, '--fast'], /Unknown option '--fast'/],
  ])('exits 2 on %s, with one clear line', async (_what, args, message) => {
    const io = capture();
    expect(await main(args)).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.out()).toBe('');
  });

  it('names file:line and the field of a bad row', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '[1767571200,"1","1","1","1","0","0"]\n[1767571260,"2","2","1","2","0","0"]\n');
    const io = capture();
    expect(await main(['backtest', '--data', bad])).toBe(2);
    expect(io.err()).toBe(`gridbot backtest: ${bad}:2 high: 1 is below the candle's open, close or low\n`);
  });
});
