/**
 * The one error a price file loader throws: where (file, line, column when known) and which field
 * is wrong, so the command prints one line a person can act on (`file:line:col field: problem`).
 */
export class PriceDataError extends Error {
  override readonly name = 'PriceDataError';
  constructor(
    readonly file: string,
    /** 1-based; null when the problem is the whole file (missing, empty). */
    readonly line: number | null,
    /** 1-based; null when not known. */
    readonly col: number | null,
    /** The field at fault (`open`, `time`, `row[3]`…), or null. */
    readonly field: string | null,
    readonly problem: string,
  ) {
    super(`${file}${line !== null ? `:${line}` : ''}${line !== null && col !== null ? `:${col}` : ''}${field !== null ? ` ${field}` : ''}: ${problem}`);
  }
}

export function isPriceDataError(e: unknown): e is PriceDataError {
  return e instanceof PriceDataError;
}
