/**
 * `loadPriceSeries`: reads a price file and picks its format by content (the first character that
 * is not blank): `[` on a line of its own row → klines JSONL; `[[` or `{"success"…` spanning the
 * document → klines JSON; `{` → trades JSONL; anything else → trades CSV with a header line.
 *
 * @throws PriceDataError for a missing or unreadable file or the first bad row (file:line:col field).
 */
import { readFile } from 'node:fs/promises';
import { PriceDataError } from './data-error.js';
import { parseKlinesJson, parseKlinesJsonl } from './klines.js';
import type { PriceFileFormat, PriceSeries } from './series.js';
import { parseTradesCsv, parseTradesJsonl } from './trades.js';

/** Returns the format of a price file's text (see the module comment). */
export function detectFormat(text: string): PriceFileFormat {
  const body = text.trimStart();
  if (body.startsWith('[')) {
    // A JSONL row is an array of scalars; a document starts with an array of arrays.
    return /^\[\s*[[\]]/.test(body) ? 'klines-json' : 'klines-jsonl';
  }
  if (body.startsWith('{')) return /^\{\s*"(?:success|message|result)"/.test(body) ? 'klines-json' : 'trades-jsonl';
  return 'trades-csv';
}

/** Parses a price file's text in the given (or detected) format. */
export function parsePriceText(text: string, file: string, format: PriceFileFormat = detectFormat(text)): PriceSeries {
  switch (format) {
    case 'klines-jsonl':
      return parseKlinesJsonl(text, file);
    case 'klines-json':
      return parseKlinesJson(text, file);
    case 'trades-jsonl':
      return parseTradesJsonl(text, file);
    case 'trades-csv':
      return parseTradesCsv(text, file);
  }
}

/** Reads and parses a price file. */
export async function loadPriceSeries(file: string): Promise<PriceSeries> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PriceDataError(file, null, null, null, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(e)})`);
  }
  if (text.trim() === '') throw new PriceDataError(file, null, null, null, 'is empty');
  return parsePriceText(text, file);
}
