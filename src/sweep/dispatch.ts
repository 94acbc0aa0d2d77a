/**
 * How `gridbot backtest` hands a run with `--sweep` to the sweep: `withSweep(backtestCommand)` is
 * the command cli.ts registers, so the single-run command needs no knowledge of the sweep.
 */
import { type SweepDeps, sweepCommand } from './command.js';

type Command = (args: string[]) => Promise<number>;

/** True when the arguments ask for a sweep (`--sweep SPEC` or `--sweep=SPEC`). */
export const asksForSweep = (args: readonly string[]): boolean => args.some((a) => a === '--sweep' || a.startsWith('--sweep='));

/** Returns `command`, with a run that asks for a sweep handed to `sweepCommand` instead. */
export function withSweep(command: Command, deps: SweepDeps = {}): Command {
  return (args) => (asksForSweep(args) ? sweepCommand(args, deps) : command(args));
}
