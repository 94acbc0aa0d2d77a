/**
 * Shared set-up of the WS order-entry conformance tests: a simulator on 127.0.0.1 port 0 under a
 * manual clock with no price process (the books hold only what a test puts there), two accounts,
 * and raw `ws` / undici clients from ../helpers.ts (independent of the adapter's codec).
 */
import { expect } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/sim/index.js';
import { post, WsClient, type Frame } from '../helpers.js';

export const A = { id: 'alice', apiKey: 'key-a', apiSecret: 'secret-a', balances: { BTC: '2', USDT: '100000', ETH: '10' } };
export const B = { id: 'bob', apiKey: 'key-b', apiSecret: 'secret-b', balances: { BTC: '2', USDT: '100000', ETH: '10' } };
export type Account = typeof A;

export class Bench {
  private readonly clients: WsClient[] = [];

  private constructor(readonly sim: Simulator) {}

  static async start(extra: SimulatorOptions = {}): Promise<Bench> {
    return new Bench(await startSimulator({ port: 0, seed: 5, priceProcess: false, clock: 'manual', accounts: [A, B], ...extra }));
  }

  /** A signed REST call of `acct`. */
  rest(acct: Account, path: string, params: Record<string, unknown> = {}): ReturnType<typeof post> {
    return post(this.sim.restUrl, path, params, { apiKey: acct.apiKey, apiSecret: acct.apiSecret });
  }

  /** REST order/new on BTC_USDT (market overridable). */
  restPlace(acct: Account, params: Record<string, unknown>): ReturnType<typeof post> {
    return this.rest(acct, '/api/v4/order/new', { market: 'BTC_USDT', ...params });
  }

  async connect(): Promise<WsClient> {
    const c = await WsClient.connect(this.sim.wsUrl);
    this.clients.push(c);
    return c;
  }

  /** A connection authorized as `acct`, subscribed to its ordersPending, deals and balanceSpot when `subscribe`. */
  async authorized(acct: Account = A, subscribe = false): Promise<WsClient> {
    const c = await this.connect();
    const token = ((await this.rest(acct, '/api/v4/profile/websocket_token')).body as { websocket_token: string }).websocket_token;
    expect((await c.request('authorize', [token, 'public'])).result).toEqual({ status: 'success' });
    if (subscribe) {
      expect((await c.request('ordersPending_subscribe', ['BTC_USDT'])).error).toBeNull();
      expect((await c.request('deals_subscribe', [['BTC_USDT']])).error).toBeNull();
      expect((await c.request('balanceSpot_subscribe', [])).error).toBeNull();
    }
    return c;
  }

  async close(): Promise<void> {
    for (const c of this.clients.splice(0)) c.close();
    await this.sim.close();
  }
}

/** Sends one order method with its single params object. */
export const order = (c: WsClient, method: string, params: Record<string, unknown>): Promise<Frame> => c.request(method, [params]);

/** A ping round trip: every frame the server sent before the pong has arrived once the pong has. */
export const barrier = async (c: WsClient): Promise<void> => {
  expect((await c.request('ping')).result).toBe('pong');
};

/** The error of a reply frame. */
export const errorOf = (f: Frame): { code: number; message: string } | null | undefined => f.error;

/** Replaces engine ids and times so two frames of different orders can be compared field by field. */
export function withoutIds(params: unknown): unknown {
  return JSON.parse(JSON.stringify(params), (key, value: unknown) => {
    if (['id', 'ctime', 'mtime'].includes(key)) return '<id>';
    return value;
  });
}
