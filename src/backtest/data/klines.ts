/**
 * WhiteBIT v1 klines: rows `[time s, open, close, high, low, base volume, quote volume]` — close
 * comes BEFORE high and low (whitebit-protocol-2.md §2.4; the simulator's kline route and
 * `candleRow` write the same order).
 *
 * Two file forms, told apart by content:
 * - `klines-jsonl` (what `gridbot history` writes, and the committed sample): one row per line, e.g.
 *   `[1631440800,"45865.62","45958.14","45981.3","45750.23","15.327634","703140.24230131"]`;
 *   blank lines are skipped.
 * - `klines-json`: one JSON document, the v1 response `{"success":true,"result":[rows…]}` as the
 *   endpoint answers it, or a bare array of rows.
 *
 * Entry points: `parseKlinesJsonl`, `parseKlinesJson`, `klineLine` (writes one JSONL line).
 * @throws PriceDataError naming file, line and field for the first bad row.
 * @see whitebit-protocol-2.md §2.4
 */
import { PriceDataError } from './data-error.js';
import { cmpPlain, isPlainDecimal } from './decimal-text.js';
import type { PriceCandle, PriceSeries } from './series.js';

/** One v1 kline row as the endpoint sends it. */
export type KlineRow = readonly [number, string, string, string, string, string, string];

/** Positions of the fields in a v1 kline row (close before high and low). */
export const KLINE_FIELDS = ['time', 'open', 'close', 'high', 'low', 'volume', 'quote volume'] as const;

/** Candle length when a file holds one candle only (the loaders are for 1-minute klines). */
export const DEFAULT_INTERVAL_MS = 60_000;

/** Returns one `klines-jsonl` line (no newline) for a row. */
export function klineLine(row: KlineRow): string {
  return JSON.stringify(row);
}

/** Parses a `klines-jsonl` file's text. */
export function parseKlinesJsonl(text: string, file: string): PriceSeries {
  const candles: PriceCandle[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch {
      throw new PriceDataError(file, i + 1, 1, null, 'is not a JSON kline row like [1631440800,"45865.62","45958.14","45981.3","45750.23","15.3","703140.2"]');
    }
    candles.push(candleOf(row, file, i + 1));
  }
  return seriesOf(candles, file);
}

/** Parses a `klines-json` document: the v1 kline response or a bare array of rows. */
export function parseKlinesJson(text: string, file: string): PriceSeries {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PriceDataError(file, null, null, null, `is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  let rows: unknown = doc;
  let rowsAt = text.indexOf('[');
  if (!Array.isArray(doc)) {
    const env = doc as { success?: unknown; result?: unknown };
    if (doc === null || typeof doc !== 'object' || !Array.isArray(env.result)) {
      throw new PriceDataError(
        file,
        1,
        1,
        'result',
        'expected the v1 kline response {"success":true,"result":[[time,open,close,high,low,volume,quote],…]} or an array of rows',
      );
    }
    if (env.success !== true) throw new PriceDataError(file, 1, 1, 'success', 'is not true: the file holds an error answer, not klines');
    rows = env.result;
    const m = /"result"\s*:\s*\[/.exec(text);
    rowsAt = m ? m.index + m[0].length - 1 : 0;
  }
  const starts = rowStarts(text, rowsAt);
  const lineAt = (k: number): number => lineOf(text, starts[k] ?? 0);
  return seriesOf(
    (rows as unknown[]).map((row, k) => candleOf(row, file, lineAt(k))),
    file,
  );
}

/** Offsets of each element of the array that opens at `at` (the rows), found by a bracket scan that skips strings. */
function rowStarts(text: string, at: number): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let expectElement = true;
  for (let i = at + 1; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    if (depth === 0 && expectElement && ch !== ']') {
      out.push(i);
      expectElement = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth += 1;
    else if (ch === ']' || ch === '}') {
      if (depth === 0) break;
      depth -= 1;
    } else if (ch === ',' && depth === 0) expectElement = true;
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

function candleOf(row: unknown, file: string, line: number): PriceCandle {
  const bad = (field: string | null, problem: string): PriceDataError => new PriceDataError(file, line, null, field, problem);
  if (!Array.isArray(row)) throw bad(null, 'expected a kline row [time, open, close, high, low, volume, quote volume]');
  if (row.length < 5 || row.length > 7) throw bad(null, `has ${row.length} fields; a kline row has 7: [time, open, close, high, low, volume, quote volume]`);
  const [time, open, close, high, low, volume] = row as unknown[];
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) throw bad('time', `must be Unix seconds as an integer, got ${JSON.stringify(time)}`);
  const prices = { open, close, high, low };
  for (const [k, v] of Object.entries(prices)) {
    if (!isPlainDecimal(v, 'positive')) throw bad(k, `must be a positive decimal string like "45865.62", got ${JSON.stringify(v)}`);
  }
  if (volume !== undefined && !isPlainDecimal(volume, 'non-negative')) throw bad('volume', `must be a decimal string, got ${JSON.stringify(volume)}`);
  const c: PriceCandle = {
    timeMs: time * 1000,
    open: open as string,
    high: high as string,
    low: low as string,
    close: close as string,
    volume: (volume as string | undefined) ?? '0',
    line,
  };
  const below = (x: string, y: string): boolean => cmpPlain(x, y) < 0;
  if (below(c.high, c.open) || below(c.high, c.close) || below(c.high, c.low)) throw bad('high', `${c.high} is below the candle's open, close or low`);
  if (below(c.open, c.low) || below(c.close, c.low)) throw bad('low', `${c.low} is above the candle's open or close`);
  return c;
}

function seriesOf(candles: PriceCandle[], file: string): PriceSeries {
  if (candles.length === 0) throw new PriceDataError(file, null, null, null, 'holds no klines');
  let intervalMs = Infinity;
  for (let k = 1; k < candles.length; k += 1) {
    const prev = candles[k - 1] as PriceCandle;
    const c = candles[k] as PriceCandle;
    if (c.timeMs <= prev.timeMs)
      throw new PriceDataError(
        file,
        c.line,
        null,
        'time',
        `${c.timeMs / 1000} is not after the row before (line ${prev.line}); klines must be in ascending time`,
      );
    intervalMs = Math.min(intervalMs, c.timeMs - prev.timeMs);
  }
  return { kind: 'candles', file, market: null, intervalMs: Number.isFinite(intervalMs) ? intervalMs : DEFAULT_INTERVAL_MS, candles };
}
