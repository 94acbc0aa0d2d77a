/**
 * Client order ids that carry bot, market, level, side and a sequence, so that a fill, an open
 * order or an adopted order maps back to its grid level from the id alone (after a restart too).
 *
 * Format (version 1), at most 32 characters, all within WhiteBIT's `[A-Za-z0-9._-]`, ≤ 64:
 *
 *     g1.<bot>.<mkt>.<side><level>.<seq>
 *     g1.alpha.0k3x9q.b12.1z
 *
 * - `g1`    format tag and version;
 * - `bot`   the bot id, 1–8 of `[a-z0-9]` (the caller picks it; config validates it);
 * - `mkt`   6 base-36 chars: FNV-1a 32-bit of the market id, modulo 36^6. Market ids can be long
 *           (`1000SHIB_USDT`), so a stable hash keeps the length fixed. Deals and orders also carry
 *           the market, so a hash collision between two markets of one bot cannot misroute a fill;
 *           the tag only tells "ours on this market" from "ours on another market";
 * - `side`  `b` or `s`, the side the order was placed with;
 * - `level` the grid level index, decimal 0–999, no leading zeros;
 * - `seq`   a placement sequence in base 36, 0 – 36^8−1, no leading zeros. The caller keeps it
 *           increasing per market, so a late event of a finished order is never mistaken for its
 *           successor at the same level (ids are unique only among *open* orders, §8.3).
 *
 * Decoding accepts only the canonical form above, so decode∘encode is the identity and
 * encode∘decode returns the same string. Anything else decodes to a typed `foreign` result.
 * @see whitebit-protocol.md §8.3
 */
import type { Side } from './market-rules.js';

/** The longest id this module produces. */
export const CLIENT_ORDER_ID_MAX_LENGTH = 32;
/** WhiteBIT's hard limit. */
export const WHITEBIT_CLIENT_ORDER_ID_LIMIT = 64;
/** WhiteBIT's allowed characters. */
export const WHITEBIT_CLIENT_ORDER_ID_CHARSET = /^[A-Za-z0-9._-]+$/;

const BOT_ID = /^[a-z0-9]{1,8}$/;
const MAX_LEVEL = 999;
const MAX_SEQ = 36 ** 8 - 1;
const TAG_SPACE = 36 ** 6;
const ID = /^g1\.([a-z0-9]{1,8})\.([0-9a-z]{6})\.([bs])(0|[1-9][0-9]{0,2})\.(0|[1-9a-z][0-9a-z]{0,7})$/;

/** Who owns an id: a bot on a market. */
export interface ClientIdScope {
  readonly botId: string;
  readonly market: string;
}

/** What an id of ours says. */
export interface ClientOrderIdParts {
  readonly level: number;
  readonly side: Side;
  readonly seq: number;
}

/** A decoded id of ours. */
export interface OwnClientOrderId extends ClientOrderIdParts {
  readonly kind: 'ours';
  readonly botId: string;
  readonly marketTag: string;
}

/** Why an id is not ours. */
export type ForeignReason = 'empty' | 'not-grid-format' | 'other-bot' | 'other-market';

/** An id that is not ours (manual orders, other bots, other markets). */
export interface ForeignClientOrderId {
  readonly kind: 'foreign';
  readonly reason: ForeignReason;
}

export type DecodedClientOrderId = OwnClientOrderId | ForeignClientOrderId;

export type EncodeResult = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly reason: string };

/** Returns the 6-char base-36 tag of a market id (FNV-1a 32-bit modulo 36^6). */
export function marketTag(market: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < market.length; i++) {
    h ^= market.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return ((h >>> 0) % TAG_SPACE).toString(36).padStart(6, '0');
}

/** True when `botId` can be embedded in an id (1–8 of `[a-z0-9]`). */
export function isValidBotId(botId: string): boolean {
  return BOT_ID.test(botId);
}

/**
 * The id prefix (`g1.<bot>.<mkt>.`) of a scope, or why it cannot be built, remembered per scope
 * object with the fields it was built from: every counter-order encodes an id, and the bot id check
 * and the market hash are the same for the scope's life.
 */
const prefixes = new WeakMap<ClientIdScope, { readonly botId: string; readonly market: string; readonly prefix: EncodeResult }>();

function scopePrefix(scope: ClientIdScope): EncodeResult {
  const known = prefixes.get(scope);
  if (known !== undefined && known.botId === scope.botId && known.market === scope.market) return known.prefix;
  const prefix: EncodeResult = isValidBotId(scope.botId)
    ? { ok: true, id: `g1.${scope.botId}.${marketTag(scope.market)}.` }
    : { ok: false, reason: `bot id ${JSON.stringify(scope.botId)} must be 1-8 of [a-z0-9]` };
  prefixes.set(scope, { botId: scope.botId, market: scope.market, prefix });
  return prefix;
}

/** Returns the client order id for an order at `level` of the scope's grid, or why it cannot be built. */
export function encodeClientOrderId(scope: ClientIdScope, parts: ClientOrderIdParts): EncodeResult {
  const prefix = scopePrefix(scope);
  if (!prefix.ok) return prefix;
  if (!Number.isInteger(parts.level) || parts.level < 0 || parts.level > MAX_LEVEL) {
    return { ok: false, reason: `level ${parts.level} must be an integer 0..${MAX_LEVEL}` };
  }
  if (!Number.isInteger(parts.seq) || parts.seq < 0 || parts.seq > MAX_SEQ) {
    return { ok: false, reason: `seq ${parts.seq} must be an integer 0..${MAX_SEQ}` };
  }
  const side = parts.side === 'buy' ? 'b' : 's';
  return { ok: true, id: `${prefix.id}${side}${parts.level}.${parts.seq.toString(36)}` };
}

/**
 * Returns what an id says when it is ours, or a `foreign` result; never throws. With a `scope`, an
 * id of ours from another bot or another market is `foreign` too (with that reason).
 */
export function decodeClientOrderId(id: string, scope?: ClientIdScope): DecodedClientOrderId {
  if (id.length === 0) return { kind: 'foreign', reason: 'empty' };
  const m = id.length <= CLIENT_ORDER_ID_MAX_LENGTH ? ID.exec(id) : null;
  const [, botId, tag, side, level, seq] = m ?? [];
  if (botId === undefined || tag === undefined || side === undefined || level === undefined || seq === undefined) {
    return { kind: 'foreign', reason: 'not-grid-format' };
  }
  const seqNumber = parseInt(seq, 36);
  if (seqNumber > MAX_SEQ) return { kind: 'foreign', reason: 'not-grid-format' };
  if (scope !== undefined) {
    if (botId !== scope.botId) return { kind: 'foreign', reason: 'other-bot' };
    if (tag !== marketTag(scope.market)) return { kind: 'foreign', reason: 'other-market' };
  }
  return { kind: 'ours', botId, marketTag: tag, side: side === 'b' ? 'buy' : 'sell', level: Number(level), seq: seqNumber };
}

/** Returns the decoded id when it belongs to `scope`, else `null`. */
export function ownIdIn(scope: ClientIdScope, id: string): OwnClientOrderId | null {
  const d = decodeClientOrderId(id, scope);
  return d.kind === 'ours' ? d : null;
}
