/**
 * POST /api/v4/market/fee and /api/v4/market/fee/single: the account's trading fees, which in the
 * simulator are the markets' own maker/taker fees (percent strings, as /public/markets shows them).
 *
 * `market/fee` ignores `market` (as the real endpoint does) and answers the default pair plus a
 * `custom_fee` entry for every market that charges something else. The default is the pair most
 * markets charge (the first such market on a tie). The simulator has one fee schedule and no
 * futures, so `futures_*` repeat the spot default and the RPI premiums are null.
 *
 * `market/fee/single` answers `{error, taker, maker}` of one market (shape from go-sdk; whether the
 * real values are percent or fractions is unconfirmed — percent here, like market/fee).
 *
 * @see whitebit-protocol-2.md §2.7
 */
import { validationError } from '../errors.js';
import type { Market } from '../markets.js';
import type { PrivateHandler } from '../private-routes.js';
import { errorReply, json, present } from './reply.js';

const feeKey = (m: Market): string => `${m.makerFee}\u0000${m.takerFee}`;

/** The maker/taker pair most markets charge. */
function defaultFees(markets: readonly Market[]): { maker: string; taker: string } {
  const counts = new Map<string, number>();
  for (const m of markets) counts.set(feeKey(m), (counts.get(feeKey(m)) ?? 0) + 1);
  let best: Market | undefined;
  for (const m of markets) if (!best || (counts.get(feeKey(m)) ?? 0) > (counts.get(feeKey(best)) ?? 0)) best = m;
  return best ? { maker: best.makerFee, taker: best.takerFee } : { maker: '0', taker: '0' };
}

export const marketFee: PrivateHandler = (ctx) => {
  const markets = [...ctx.exchange.markets.values()];
  const { maker, taker } = defaultFees(markets);
  const custom: Record<string, { taker: string; maker: string }> = {};
  for (const m of markets) if (m.makerFee !== maker || m.takerFee !== taker) custom[m.name] = { taker: m.takerFee, maker: m.makerFee };
  return json({
    error: null,
    taker,
    maker,
    futures_taker: taker,
    futures_maker: maker,
    rpi_maker_fee_premium: null,
    futures_rpi_maker_fee_premium: null,
    custom_fee: custom,
  });
};

export const marketFeeSingle: PrivateHandler = (ctx, _accountId, body) => {
  if (!present(body.market)) return errorReply(validationError(30, { market: ['Market field is required.'] }));
  const m = typeof body.market === 'string' ? ctx.exchange.market(body.market) : undefined;
  if (!m) return errorReply(validationError(31, { market: ['Market is not available.'] }));
  return json({ error: null, taker: m.takerFee, maker: m.makerFee });
};
