/**
 * Issue 9: `gridbot --help` lists the exit codes and an example per command; every command's own
 * `--help` carries an example; no command prints ANSI colour (stdout here is not a terminal).
 */
import { describe, expect, it } from 'vitest';
import { cli } from './support.js';

const COMMANDS = ['run', 'validate', 'plan', 'doctor', 'reload', 'status', 'backtest', 'chart', 'replay', 'history', 'sim'];
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

describe('gridbot --help', () => {
  it('lists every command with an example, the exit codes and --json', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('exit codes: 0 ok, 1 runtime failure, 2 bad input or config');
    expect(r.out).toContain('--json (validate, plan, doctor, status, backtest): one JSON document on stdout, logs on stderr');
    const examples = r.out.slice(r.out.indexOf('examples:'));
    for (const c of COMMANDS) {
      expect(r.out).toMatch(new RegExp(`^  ${c} `, 'm'));
      expect(examples).toMatch(new RegExp(`^  gridbot ${c}\\b`, 'm'));
    }
    expect(r.out).not.toMatch(ANSI);
  });

  it.each(COMMANDS)('gridbot %s --help shows its usage with an example and no colour', async (c) => {
    const r = await cli(c, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`usage: gridbot ${c}`);
    expect(r.out).toMatch(/^example: gridbot /m);
    expect(r.out + r.err).not.toMatch(ANSI);
  });

  it('prints the version', async () => {
    const r = await cli('--version');
    expect(r.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
