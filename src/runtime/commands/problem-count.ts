/**
 * How a command counts what is wrong with a file it was given ("1 problem in FILE", "3 problems in
 * FILE"): one wording for run, plan, backtest, reload and doctor, so a user sees the same line
 * whichever command found them.
 */

/** `1 problem` / `N problems`. */
export function problems(count: number): string {
  return `${count} problem${count === 1 ? '' : 's'}`;
}

/** `1 problem in FILE` / `N problems in FILE`. */
export function problemsIn(count: number, file: string): string {
  return `${problems(count)} in ${file}`;
}
