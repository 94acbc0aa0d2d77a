import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SMALL_GRID, cli, configYaml, tempDir } from './support.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Pretends stdout is a terminal of `columns`×`rows` for the duration of a test. */
function fakeTerminal(columns: number, rows: number): () => void {
  const saved = { isTTY: process.stdout.isTTY, columns: process.stdout.columns, rows: process.stdout.rows };
  Object.assign(process.stdout, { isTTY: true, columns, rows });
  return () => Object.assign(process.stdout, saved);
}

describe('gridbot run on a terminal', () => {
  let dir: ReturnType<typeof tempDir>;
  let restore: () => void;
  beforeEach(() => {
    dir = tempDir();
    restore = fakeTerminal(80, 24);
  });
  afterEach(() => {
    restore();
    dir.cleanup();
  });

  it('draws the status pane in place at 80×24, logs to the file it names, and ends with the summary', async () => {
    const config = dir.file('markets.yaml', configYaml(SMALL_GRID).replace('logLevel: silent', 'logLevel: info'));
    const logFile = join(dir.dir, 'logs', 'bot.log');
    const r = await cli('run', '--config', config, '--duration', '2', '--log-file', logFile);
    expect(r.code).toBe(0);
    const text = r.out.replace(ANSI, '');
    const lines = text.split('\n').filter((l) => l !== '');
    // The pane: totals on top, the market's row, where the log is; every line inside 80 columns.
    expect(text).toMatch(/gridbot \(sim\) · connection \w+ · 1 markets/);
    expect(text).toContain(`log: ${logFile}`);
    // (The final summary line may wrap: it is printed once, after the pane is gone.)
    for (const l of lines.slice(0, -1)) expect(l.length, l).toBeLessThan(80);
    // Redrawn in place: erase sequences between frames, never a log line on the screen.
    expect(r.out).toContain('\x1b[2K');
    expect(text).not.toContain('"level"');
    // The summary is the last thing printed.
    expect(lines.at(-1)).toMatch(/^gridbot: stopped\. connection stopped; 1 markets: 1 stopped/);
    expect(lines.at(-2)).toBe(`log: ${logFile}`);
    // The log went to the file, as JSON lines, through to the stop.
    const log = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(log.some((l) => l.msg.startsWith('gridbot running'))).toBe(true);
    expect(log.some((l) => l.msg === 'DBTC_DUSDT stopped')).toBe(true);
  });

  it('prints the log instead of the pane with --log-stdout', async () => {
    const config = dir.file('markets.yaml', configYaml(SMALL_GRID).replace('logLevel: silent', 'logLevel: info'));
    const r = await cli('run', '--config', config, '--duration', '1', '--log-stdout');
    expect(r.code).toBe(0);
    expect(r.out.replace(ANSI, '')).not.toContain('gridbot (sim) ·');
    expect(r.out.replace(ANSI, '').trim().split('\n').at(-1)).toMatch(/^gridbot: stopped\./);
  });
});
