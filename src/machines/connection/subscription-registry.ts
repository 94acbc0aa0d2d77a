/**
 * Which markets want which WebSocket channel, and the subscribe requests that express it.
 *
 * Why this exists: on one WhiteBIT connection a second `X_subscribe` for a channel *replaces* the
 * first (whitebit-protocol.md §7.5), so a multi-market runtime that let each market subscribe on its
 * own would keep only the last market's stream. The registry is the single owner: every change
 * yields the channel's whole set again. `depth` is the exception: one market per request, added with
 * the 4th param `true` and dropped with `depth_unsubscribe [market]`.
 *
 * Pure data in, data out, so the connection machine can keep it in context and the inspector can
 * serialise it. The requests themselves (method names, param shapes) are the codec's builders
 * (adapters/whitebit/codec/ws-channels.ts): this module only decides which to send.
 */
import {
  type WbDepthLimit,
  type WbWsCall,
  balanceSpotSubscribeCall,
  dealsSubscribeCall,
  depthSubscribeCall,
  lastpriceSubscribeCall,
  ordersPendingSubscribeCall,
  unsubscribeCall,
} from '../../adapters/whitebit/codec/index.js';

export type ReplaceChannel = 'lastprice' | 'ordersPending' | 'deals' | 'balanceSpot';
export type Channel = ReplaceChannel | 'depth';

/** One JSON-RPC request body without its id (a codec-built call); the transport numbers it. */
export type SubscribeRequest = WbWsCall;

/** Sorted, duplicate-free key lists per channel (arrays rather than Sets so snapshots serialise). */
export type SubscriptionRegistry = Readonly<Record<Channel, readonly string[]>>;

/** Depth subscription parameters sent with every `depth_subscribe`. */
export interface DepthParams {
  readonly limit: WbDepthLimit;
  /** Price aggregation interval; "0" means none. */
  readonly interval: string;
}

export const DEFAULT_DEPTH: DepthParams = { limit: 20, interval: '0' };

export const emptyRegistry: SubscriptionRegistry = {
  lastprice: [],
  ordersPending: [],
  deals: [],
  balanceSpot: [],
  depth: [],
};

const SUBSCRIBE_CALLS: Readonly<Record<ReplaceChannel, (keys: readonly string[]) => WbWsCall>> = {
  lastprice: lastpriceSubscribeCall,
  ordersPending: ordersPendingSubscribeCall,
  deals: dealsSubscribeCall,
  balanceSpot: balanceSpotSubscribeCall,
};

/** The subscribe request that carries a replace-channel's whole set; `[]` unsubscribes it. */
export function channelRequest(channel: ReplaceChannel, keys: readonly string[]): SubscribeRequest {
  return keys.length === 0 ? unsubscribeCall(channel) : SUBSCRIBE_CALLS[channel](keys);
}

/** Adds one market's book to the others on the connection. */
export function depthSubscribe(market: string, depth: DepthParams = DEFAULT_DEPTH): SubscribeRequest {
  return depthSubscribeCall(market, depth.limit, depth.interval, true);
}

/** Drops one market's book. */
export function depthUnsubscribe(market: string): SubscribeRequest {
  return unsubscribeCall('depth', [market]);
}

export interface RegistryChange {
  readonly registry: SubscriptionRegistry;
  /** What must be sent now for the server to match the new registry; empty when nothing changed. */
  readonly requests: readonly SubscribeRequest[];
}

/** Adds `key` to `channel`; a key already present changes nothing and sends nothing. */
export function subscribe(registry: SubscriptionRegistry, channel: Channel, key: string, depth: DepthParams = DEFAULT_DEPTH): RegistryChange {
  const current = registry[channel];
  if (current.includes(key)) return { registry, requests: [] };
  const keys = [...current, key].sort();
  const next = { ...registry, [channel]: keys };
  const request = channel === 'depth' ? depthSubscribe(key, depth) : channelRequest(channel, keys);
  return { registry: next, requests: [request] };
}

/** Removes `key` from `channel`; an absent key changes nothing and sends nothing. */
export function unsubscribe(registry: SubscriptionRegistry, channel: Channel, key: string): RegistryChange {
  const current = registry[channel];
  if (!current.includes(key)) return { registry, requests: [] };
  const keys = current.filter((k) => k !== key);
  const next = { ...registry, [channel]: keys };
  const request = channel === 'depth' ? depthUnsubscribe(key) : channelRequest(channel, keys);
  return { registry: next, requests: [request] };
}

const REPLACE_CHANNELS: readonly ReplaceChannel[] = ['lastprice', 'ordersPending', 'deals', 'balanceSpot'];

/**
 * Every request that rebuilds the registry on a fresh connection (the server keeps nothing across a
 * reconnect): one per non-empty replace-channel, one per depth market.
 */
export function resubscribeAll(registry: SubscriptionRegistry, depth: DepthParams = DEFAULT_DEPTH): SubscribeRequest[] {
  const requests: SubscribeRequest[] = [];
  for (const channel of REPLACE_CHANNELS) {
    const keys = registry[channel];
    if (keys.length > 0) requests.push(channelRequest(channel, keys));
  }
  for (const market of registry.depth) requests.push(depthSubscribe(market, depth));
  return requests;
}

/** True when `method` is a private channel that needs `authorize` first. */
export function isPrivateChannel(channel: Channel): boolean {
  return channel === 'ordersPending' || channel === 'deals' || channel === 'balanceSpot';
}
