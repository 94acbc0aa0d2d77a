/** Price files for backtests: the series type, its loaders and their one error. */
export { PriceDataError, isPriceDataError } from './data-error.js';
export { DEFAULT_INTERVAL_MS, KLINE_FIELDS, klineLine, parseKlinesJson, parseKlinesJsonl, type KlineRow } from './klines.js';
export { detectFormat, loadPriceSeries, parsePriceText } from './load.js';
export { seriesSpan, sliceSeries, type PriceCandle, type PriceFileFormat, type PriceSeries, type PriceTrade } from './series.js';
export { MS_THRESHOLD, TIME_FORMS, parseTime } from './time-text.js';
export { parseTradesCsv, parseTradesJsonl } from './trades.js';
