/**
 * Base URLs per exchange kind. REST clients take an origin; the WS transport takes a full URL.
 * @see whitebit-protocol.md §1
 */

export interface WhitebitUrls {
  /** REST origin, no path. */
  readonly rest: string;
  /** WebSocket URL. */
  readonly ws: string;
}

export const WHITEBIT_LIVE: WhitebitUrls = { rest: 'https://whitebit.com', ws: 'wss://api.whitebit.com/ws' };
export const WHITEBIT_EU: WhitebitUrls = { rest: 'https://whitebit.eu', ws: 'wss://api.whitebit.eu/ws' };

/** Returns the URLs of the embedded simulator listening on loopback. */
export function simUrls(port: number, host = '127.0.0.1', wsPath = '/ws'): WhitebitUrls {
  return { rest: `http://${host}:${port}`, ws: `ws://${host}:${port}${wsPath}` };
}
