/**
 * How `run` names the exchange it trades on, for humans: the start line, the status table, the
 * inspector's header. Paper trading says so on every one of them, so a paper run is never mistaken
 * for a live one (nor the other way round).
 */
import type { RuntimeConfig } from './config/runtime-config.js';

/** `sim`, `whitebit`, or the paper line naming where its prices come from. */
export function exchangeLabel(config: Pick<RuntimeConfig, 'exchange' | 'paper'>): string {
  if (config.exchange !== 'paper') return config.exchange;
  return `PAPER trading on live prices from ${config.paper?.upstream.rest ?? 'WhiteBIT'}; balances, orders and fills are local`;
}

/** The short note the inspector's header and the status table carry for a paper run; null otherwise. */
export function paperNote(config: Pick<RuntimeConfig, 'exchange'>): string | null {
  return config.exchange === 'paper' ? 'PAPER trading (live prices, local fills)' : null;
}
