/**
 * Shared set-up for the market-data tests: a simulator without the house on a manual clock that
 * starts at a known Monday midnight, two accounts that trade with each other on demand, and raw
 * `ws` clients that are closed after each test.
 */
import { expect } from 'vitest';
import { ManualClock, startSimulator, type Simulator, type SimulatorOptions } from '../../../src/sim/index.js';
import { post, WsClient } from '../helpers.js';

/** Monday 2026-01-05 00:00 UTC. */
export const T0_MS = Date.UTC(2026, 0, 5);
export const T0 = T0_MS / 1000;

export const ALICE = {
  id: 'alice',
  apiKey: 'key-a',
  apiSecret: 'secret-a',
  balances: { BTC: '100', USDT: '10000000', ETH: '100', DBTC: '10', DUSDT: '1000000' },
};
export const BOB = { id: 'bob', apiKey: 'key-b', apiSecret: 'secret-b', balances: { BTC: '100', USDT: '10000000', ETH: '100', DBTC: '10', DUSDT: '1000000' } };

export interface Fixture {
  sim: Simulator;
  clock: ManualClock;
  connect(): Promise<WsClient>;
  /** A WS client authorized as `acct`. */
  authorized(acct?: typeof ALICE): Promise<WsClient>;
  close(): Promise<void>;
}

export async function startFixture(extra: SimulatorOptions = {}): Promise<Fixture> {
  const clock = new ManualClock(T0_MS);
  const sim = await startSimulator({ port: 0, seed: 7, priceProcess: false, clock, accounts: [ALICE, BOB], idleTimeoutMs: 3_600_000, ...extra });
  const clients: WsClient[] = [];
  const connect = async (): Promise<WsClient> => {
    const c = await WsClient.connect(sim.wsUrl);
    clients.push(c);
    return c;
  };
  return {
    sim,
    clock,
    connect,
    authorized: async (acct = ALICE) => {
      const c = await connect();
      const reply = await post(sim.restUrl, '/api/v4/profile/websocket_token', {}, { apiKey: acct.apiKey, apiSecret: acct.apiSecret });
      const token = (reply.body as { websocket_token: string }).websocket_token;
      expect((await c.request('authorize', [token, 'public'])).error).toBeNull();
      return c;
    },
    close: async () => {
      for (const c of clients.splice(0)) c.close();
      await sim.close();
    },
  };
}

/** Places a limit order straight on the engine at the clock's time; throws when refused. */
export function place(sim: Simulator, accountId: string, side: 'buy' | 'sell', price: string, amount: string, market = 'BTC_USDT'): number {
  const r = sim.exchange.placeOrder(accountId, { market, side, price, amount }, sim.clock.now());
  if (!r.ok) throw new Error(`order refused: ${JSON.stringify(r.error.body)}`);
  return r.value.id;
}

/** One public trade: alice rests, bob takes (taker side `side`). */
export function trade(sim: Simulator, price: string, amount: string, side: 'buy' | 'sell' = 'buy', market = 'BTC_USDT'): void {
  place(sim, 'alice', side === 'buy' ? 'sell' : 'buy', price, amount, market);
  place(sim, 'bob', side, price, amount, market);
}

/** A ping round trip: every frame the server sent before the pong has arrived. */
export async function barrier(c: WsClient): Promise<void> {
  expect((await c.request('ping')).result).toBe('pong');
}
