/**
 * GET /api/v1/public/ticker?market= — one market's 24 h ticker in the v1 envelope, which ccxt's
 * fetchTicker still reads. Figures come from the engine's rolling stats (exchange.tickerOf), bid and
 * ask from the top of the book ("0" for an empty side).
 *
 * v1 errors answer HTTP 200 with `success: false` and a field map in `message`. The unknown-market
 * text has no final period: ccxt maps exactly `Market is not available` to BadSymbol (protocol-2
 * §2.3; the status and the form are the document's simulator default, unconfirmed).
 *
 * @see whitebit-protocol-2.md §2.3
 */
import type { PublicHandler } from '../public-routes.js';
import { json } from './reply.js';

const v1Failure = (field: string, text: string) => json({ success: false, message: { [field]: [text] }, result: [] });

export const v1Ticker: PublicHandler = (ctx, query) => {
  const name = query.get('market');
  if (name === null || name === '') return v1Failure('market', 'Market field is required.');
  const m = ctx.exchange.market(name);
  if (!m) return v1Failure('market', 'Market is not available');
  const s = ctx.exchange.tickerOf(m.name, ctx.nowMs);
  const top = ctx.exchange.depth(m.name, 1);
  return json({
    success: true,
    message: null,
    result: {
      open: s.open,
      bid: top.bids[0]?.[0] ?? '0',
      ask: top.asks[0]?.[0] ?? '0',
      low: s.low,
      high: s.high,
      last: s.last_price,
      volume: s.base_volume,
      deal: s.quote_volume,
      change: s.change,
    },
  });
};
