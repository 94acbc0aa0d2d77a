/**
 * The public surface of the WhiteBIT adapter: the REST client, the WS transport and codec, the
 * signer and nonce source, the error type with its retry classes, the rate limiter and backoff.
 */
export * from './codec/index.js';
export { type Clock, sleep, systemClock } from './clock.js';
export { ENDPOINTS, type Endpoint, PUBLISHED_LIMITS, type RateGroup, type RateLimit } from './endpoints.js';
export { NONCE_WINDOW, NonceSource } from './nonce.js';
export { RateLimiter, type RateLimiterOptions, TokenBucket } from './rate-limiter.js';
export {
  type CallOptions,
  DEFAULT_REST_DEADLINE_MS,
  type RestObserver,
  type WbBulkResult,
  WhitebitRestClient,
  type WhitebitRestClientOptions,
} from './rest-client.js';
export { DEFAULT_RETRY_POLICY, type RetryDecision, type RetryPolicy, type RetryState, backoffDelayMs, decideRetry } from './retry.js';
export { RequestSigner, type SignedRequest, buildBody, encodePayload, importSecret, signPayload } from './signer.js';
export { WHITEBIT_EU, WHITEBIT_LIVE, type WhitebitUrls, simUrls } from './urls.js';
export { type WsCloseInfo, type WsConnectOptions, WsTransport } from './ws-transport.js';
export { DEFAULT_WS_ORDER_DEADLINE_MS, WS_ORDER_ID_BASE, WsRequests, type WsRequestSpec, type WsRequestStats, type WsRequestsOptions } from './ws-requests.js';
