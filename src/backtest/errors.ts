/** The backtest's input error: a request that cannot run, told apart from a bug. */
/** Why a request cannot run (bad input, not a bug): the command prints `message` and exits 2. */
export class BacktestInputError extends Error {
  override readonly name = 'BacktestInputError';
  constructor(
    /** The request field at fault: `market`, `fromMs`, `toMs`, `overrides.<market>.step`, `series`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
