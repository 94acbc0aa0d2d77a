/**
 * Trades files: one trade per row, in time order (equal times allowed), each a point of the path.
 *
 * - `trades-csv`: a header line naming the columns, then one trade per line. Columns `time` and
 *   `price` are required; `amount` and `market` are read when present; any other column (id, side…)
 *   is ignored. Example: `time,price,amount` / `1700000000,60012.5,0.01`.
 * - `trades-jsonl`: one object per line, `{"time":1700000000,"price":"60012.5","amount":"0.01"}`;
 *   WhiteBIT's v4 public-trades names are accepted too (`trade_timestamp`, `base_volume`), so a
 *   capture of /api/v4/public/trades can be used as is, one trade per line.
 *
 * Times: see time-text.ts (seconds, milliseconds or ISO 8601). Prices: positive decimal text; in
 * JSONL a JSON string (a JSON number would pass through a float).
 *
 * Entry points: `parseTradesCsv`, `parseTradesJsonl`.
 * @throws PriceDataError naming file, line, column (CSV) and field for the first bad row.
 */
import { PriceDataError } from './data-error.js';
import { isPlainDecimal } from './decimal-text.js';
import type { PriceSeries, PriceTrade } from './series.js';
import { TIME_FORMS, parseTime } from './time-text.js';

/** Parses a `trades-csv` file's text. */
export function parseTradesCsv(text: string, file: string): PriceSeries {
  const lines = text.split('\n');
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw new PriceDataError(file, null, null, null, 'holds no trades');
  const header = (lines[headerAt] ?? '')
    .trim()
    .split(',')
    .map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const [iTime, iPrice, iAmount, iMarket] = [col('time'), col('price'), col('amount'), col('market')];
  for (const [name, i] of [
    ['time', iTime],
    ['price', iPrice],
  ] as const) {
    if (i < 0)
      throw new PriceDataError(
        file,
        headerAt + 1,
        1,
        name,
        `column is missing; the header must name at least time and price (e.g. "time,price,amount"), got "${header.join(',')}"`,
      );
  }
  const trades: PriceTrade[] = [];
  const markets = new Set<string>();
  for (let n = headerAt + 1; n < lines.length; n += 1) {
    const raw = (lines[n] ?? '').replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const cells = raw.split(',');
    const line = n + 1;
    if (cells.length !== header.length) throw new PriceDataError(file, line, 1, null, `has ${cells.length} columns; the header has ${header.length}`);
    // Column of cell i, 1-based: the characters before it plus one comma each.
    const colOf = (i: number): number => cells.slice(0, i).reduce((s, c) => s + c.length + 1, 1);
    const cell = (i: number): string => (cells[i] ?? '').trim();
    const timeMs = parseTime(cell(iTime));
    if (timeMs === null) throw new PriceDataError(file, line, colOf(iTime), 'time', `must be ${TIME_FORMS}, got "${cell(iTime)}"`);
    if (!isPlainDecimal(cell(iPrice), 'positive'))
      throw new PriceDataError(file, line, colOf(iPrice), 'price', `must be a positive decimal like 60012.5, got "${cell(iPrice)}"`);
    let amount: string | null = null;
    if (iAmount >= 0) {
      if (!isPlainDecimal(cell(iAmount), 'non-negative'))
        throw new PriceDataError(file, line, colOf(iAmount), 'amount', `must be a decimal like 0.01, got "${cell(iAmount)}"`);
      amount = cell(iAmount);
    }
    if (iMarket >= 0) markets.add(cell(iMarket));
    trades.push({ timeMs, price: cell(iPrice), amount, line });
  }
  return seriesOf(trades, markets, file);
}

const TIME_KEYS = ['time', 'trade_timestamp', 'timestamp'] as const;
const AMOUNT_KEYS = ['amount', 'base_volume'] as const;

/** Parses a `trades-jsonl` file's text. */
export function parseTradesJsonl(text: string, file: string): PriceSeries {
  const trades: PriceTrade[] = [];
  const markets = new Set<string>();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n += 1) {
    const raw = (lines[n] ?? '').trim();
    if (raw === '') continue;
    const line = n + 1;
    let o: unknown;
    try {
      o = JSON.parse(raw);
    } catch {
      throw new PriceDataError(file, line, 1, null, 'is not a JSON object like {"time":1700000000,"price":"60012.5","amount":"0.01"}');
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new PriceDataError(file, line, 1, null, 'expected one trade object per line');
    const r = o as Record<string, unknown>;
    const timeKey = TIME_KEYS.find((k) => r[k] !== undefined);
    if (timeKey === undefined) throw new PriceDataError(file, line, 1, 'time', 'is missing');
    const timeMs = parseTime(r[timeKey]);
    if (timeMs === null) throw new PriceDataError(file, line, 1, timeKey, `must be ${TIME_FORMS}, got ${JSON.stringify(r[timeKey])}`);
    if (!isPlainDecimal(r.price, 'positive'))
      throw new PriceDataError(file, line, 1, 'price', `must be a positive decimal string like "60012.5", got ${JSON.stringify(r.price)}`);
    const amountKey = AMOUNT_KEYS.find((k) => r[k] !== undefined);
    let amount: string | null = null;
    if (amountKey !== undefined) {
      if (!isPlainDecimal(r[amountKey], 'non-negative'))
        throw new PriceDataError(file, line, 1, amountKey, `must be a decimal string like "0.01", got ${JSON.stringify(r[amountKey])}`);
      amount = r[amountKey];
    }
    if (typeof r.market === 'string') markets.add(r.market);
    trades.push({ timeMs, price: r.price, amount, line });
  }
  return seriesOf(trades, markets, file);
}

function seriesOf(trades: PriceTrade[], markets: ReadonlySet<string>, file: string): PriceSeries {
  if (trades.length === 0) throw new PriceDataError(file, null, null, null, 'holds no trades');
  for (let k = 1; k < trades.length; k += 1) {
    const prev = trades[k - 1] as PriceTrade;
    const t = trades[k] as PriceTrade;
    if (t.timeMs < prev.timeMs) throw new PriceDataError(file, t.line, 1, 'time', `is before the trade on line ${prev.line}; trades must be in time order`);
  }
  if (markets.size > 1)
    throw new PriceDataError(file, null, null, 'market', `names ${markets.size} markets (${[...markets].join(', ')}); a trades file holds one market`);
  return { kind: 'trades', file, market: [...markets][0] ?? null, trades };
}
