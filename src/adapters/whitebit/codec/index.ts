/**
 * The pure WhiteBIT wire codec: REST models and decoders, error classification, WS frames.
 * No sockets, timers or node: imports, so the simulator can share it.
 */
export * from './error-body.js';
export * from './errors.js';
export * from './rest-models.js';
export * from './rest-schemas.js';
export * from './rest-validation.js';
export * from './ws-channels.js';
export * from './ws-codec.js';
export type * from './ws-frames.js';
export * from './ws-order-errors.js';
export * from './ws-orders.js';
