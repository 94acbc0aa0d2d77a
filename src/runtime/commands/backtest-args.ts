/**
 * The options `gridbot backtest` and its `--sweep` share (--config, --data, --from, --to, --market,
 * --json, --report), parsed and checked in one place so the two cannot drift: the same flag means
 * the same thing and fails with the same line in both.
 */
import { TIME_FORMS, parseTime } from '../../backtest/data/index.js';

/** The shared options' `parseArgs` spec; each command adds its own. */
export const SHARED_BACKTEST_OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  market: { type: 'string' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What the shared options hold once checked. */
export interface SharedBacktestArgs {
  readonly config: string;
  readonly data: string;
  readonly fromMs: number | undefined;
  readonly toMs: number | undefined;
  readonly market: string | undefined;
  readonly json: boolean;
  readonly report: string | undefined;
}

/** The shared options as `parseArgs` returns them. */
export interface SharedBacktestValues {
  readonly config?: string | undefined;
  readonly data?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly market?: string | undefined;
  readonly json?: boolean | undefined;
  readonly report?: string | undefined;
}

/** Checks the shared options; returns them, or the problem as one line. */
export function sharedBacktestArgs(values: SharedBacktestValues): SharedBacktestArgs | string {
  if (values.data === undefined) return '--data FILE is required (a klines or trades file)';
  const time = (flag: string, v: string | undefined): number | undefined | string => {
    if (v === undefined) return undefined;
    return parseTime(v) ?? `${flag} ${JSON.stringify(v)} is not a time (${TIME_FORMS})`;
  };
  const fromMs = time('--from', values.from);
  const toMs = time('--to', values.to);
  if (typeof fromMs === 'string') return fromMs;
  if (typeof toMs === 'string') return toMs;
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) return `--from ${values.from ?? ''} is not before --to ${values.to ?? ''}`;
  return {
    config: values.config ?? 'markets.yaml',
    data: values.data,
    fromMs,
    toMs,
    market: values.market,
    json: values.json ?? false,
    report: values.report,
  };
}
