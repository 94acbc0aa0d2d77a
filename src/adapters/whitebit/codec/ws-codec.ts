/**
 * Text frames ↔ typed messages. Pure: no sockets, no timers.
 *
 * Entry points: {@link encodeRequest} and {@link decodeFrame}. `decodeFrame` parses each frame once
 * and returns one {@link WbWsMessage}; it never throws, whatever the input, so a hostile or broken
 * frame cannot take down the receive loop.
 * @see whitebit-protocol.md §7.1
 */
import { decodeBalanceSpot, decodeDeal, decodeDepth, decodeLastprice, decodeOrdersPending, type WbWsCall } from './ws-channels.js';
import type { WbWsDecodeError, WbWsMessage } from './ws-frames.js';

const MAX_ERROR_TEXT = 512;

/** Returns the JSON text of a request frame `{id, method, params}`. */
export function encodeRequest(id: number, method: string, params: readonly unknown[] = []): string {
  return JSON.stringify({ id, method, params });
}

/** As {@link encodeRequest}, for a call built by ws-channels. */
export function encodeCall(id: number, call: WbWsCall): string {
  return encodeRequest(id, call.method, call.params);
}

function fail(text: string, method: string | undefined, reason: string): WbWsDecodeError {
  return { kind: 'decodeError', method, reason, text: text.length > MAX_ERROR_TEXT ? text.slice(0, MAX_ERROR_TEXT) : text };
}

/** Returns the typed message for one text frame. Never throws. */
export function decodeFrame(text: string): WbWsMessage {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return fail(text, undefined, 'not JSON');
  }
  try {
    return decodeValue(v, text);
  } catch (e) {
    // Defensive: the decoders do not throw by construction; keep the promise anyway.
    return fail(text, undefined, `decoder threw: ${String(e)}`);
  }
}

function decodeValue(v: unknown, text: string): WbWsMessage {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(text, undefined, 'not a JSON object');
  const f = v as Record<string, unknown>;
  const method = f['method'];
  if (typeof method === 'string' && (f['id'] === null || f['id'] === undefined)) {
    const params = f['params'];
    if (!Array.isArray(params)) return fail(text, method, 'params must be an array');
    let r;
    switch (method) {
      case 'deals_update':
        r = decodeDeal(params);
        break;
      case 'ordersPending_update':
        r = decodeOrdersPending(params);
        break;
      case 'depth_update':
        r = decodeDepth(params);
        break;
      case 'lastprice_update':
        r = decodeLastprice(params);
        break;
      case 'balanceSpot_update':
        r = decodeBalanceSpot(params);
        break;
      default:
        return { kind: 'unknown', method, frame: v };
    }
    return typeof r === 'string' ? fail(text, method, r) : r;
  }
  const id = f['id'];
  if (typeof id === 'number' && Number.isSafeInteger(id)) {
    const error = f['error'];
    if (error !== null && error !== undefined) {
      if (typeof error !== 'object' || Array.isArray(error)) return fail(text, undefined, 'reply error must be an object');
      const e = error as Record<string, unknown>;
      const code = typeof e['code'] === 'number' ? e['code'] : -1;
      const message = typeof e['message'] === 'string' ? e['message'] : '';
      return { kind: 'replyError', id, code, message };
    }
    if (!('result' in f)) return fail(text, undefined, 'reply without result or error');
    if (f['result'] === 'pong') return { kind: 'pong', id };
    return { kind: 'reply', id, result: f['result'] };
  }
  return { kind: 'unknown', method: typeof method === 'string' ? method : undefined, frame: v };
}

/** The channels whose frames carry the account's own orders, fills and balances. */
export type PrivateChannel = 'ordersPending' | 'deals' | 'balanceSpot';

/** What an unreadable frame may have concerned: a private channel (or `unknown`), and its market when readable. */
export interface LostFrameScope {
  readonly channel: PrivateChannel | 'unknown';
  /** A market id found in the text, else null (`balanceSpot` names assets, not markets). */
  readonly market: string | null;
}

const METHOD_IN_TEXT = /"method"\s*:\s*"([A-Za-z]+_update)"/;
const MARKET_IN_TEXT = /"([A-Z0-9]{1,20}_[A-Z0-9]{1,20})"/;
/** A reply starts with a numeric id; a pushed update with `"id":null`. */
const REPLY_IN_TEXT = /^\s*\{\s*"id"\s*:\s*\d/;
const PRIVATE_UPDATES: Readonly<Record<string, PrivateChannel>> = {
  ordersPending_update: 'ordersPending',
  deals_update: 'deals',
  balanceSpot_update: 'balanceSpot',
};

/**
 * Returns the private channel an undecodable frame may have belonged to, or null for a frame that
 * is clearly a reply or a public update. Read from the raw text, since a corrupt frame is often
 * not JSON: `method` is the decoder's when it got that far. A frame whose kind cannot be told at
 * all is `unknown`: it may have been an order's last word, so the caller treats it as private.
 */
export function lostFrameScope(text: string, method: string | undefined): LostFrameScope | null {
  const name = method ?? METHOD_IN_TEXT.exec(text)?.[1];
  if (name === undefined) return REPLY_IN_TEXT.test(text) ? null : { channel: 'unknown', market: MARKET_IN_TEXT.exec(text)?.[1] ?? null };
  const channel = PRIVATE_UPDATES[name];
  if (channel === undefined) return null;
  return { channel, market: channel === 'balanceSpot' ? null : (MARKET_IN_TEXT.exec(text)?.[1] ?? null) };
}
