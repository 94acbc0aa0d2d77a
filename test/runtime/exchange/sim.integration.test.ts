/**
 * Connection + feed + desk (+ the REST IO actors) against the embedded simulator, over real loopback
 * sockets: an order placed through the desk shows up on the market's feed as ordersPending / deals
 * events, mapped to the grid's domain types.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, type AnyEventObject, createActor, toPromise, waitFor } from 'xstate';
import { WhitebitRestClient } from '../../../src/adapters/whitebit/index.js';
import { D, type OrderIntent } from '../../../src/grid/index.js';
import { type ConnectionMachine, connectionMachine } from '../../../src/machines/connection/connection.machine.js';
import {
  createOrderRouter,
  connectionStatus$,
  createDeskActor,
  createFrameRouting,
  createMarketActors,
  createSocketActor,
  createTokenActor,
} from '../../../src/runtime/exchange/index.js';
import { type Simulator, startSimulator } from '../../../src/sim/index.js';
import { type ChildHarness, startChildren } from './support/child-harness.js';

const MARKET = 'BTC_USDT';
let sim: Simulator;
let rest: WhitebitRestClient;
let conn: Actor<ConnectionMachine>;
let h: ChildHarness | undefined;
let actors: ReturnType<typeof createMarketActors>;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 11, tickMs: 0 });
  rest = new WhitebitRestClient({ baseUrl: sim.restUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret });
  const routing = createFrameRouting();
  conn = createActor(
    connectionMachine.provide({
      actors: {
        socket: createSocketActor({ wsUrl: sim.wsUrl, router: routing.router, depthGaps: routing.depthGaps }),
        fetchToken: createTokenActor(rest),
      },
    }),
    { input: { authenticate: true, seed: 1 } },
  );
  conn.start();
  actors = createMarketActors({ rest, router: routing.router, connection: conn, status$: connectionStatus$(conn) });
});

afterEach(() => {
  h?.stop();
  h = undefined;
});

afterAll(async () => {
  conn.send({ type: 'stop' });
  await rest.close();
  await sim.close();
});

/** Starts feed + desk as the market machine invokes them, and waits until the feed's channels are live. */
async function startMarket(desk = actors.desk): Promise<ChildHarness> {
  const harness = startChildren({
    feed: { logic: actors.feed, input: { market: MARKET } },
    desk: { logic: desk, input: { market: MARKET } },
  });
  await waitFor(conn, (s) => s.hasTag('live') && s.context.registry.ordersPending.includes(MARKET) && Object.keys(s.context.inflight).length === 0);
  return harness;
}

function intent(clientOrderId: string, side: 'buy' | 'sell', price: string, amount = '0.001'): OrderIntent {
  return { market: MARKET, clientOrderId, level: 1, side, price, amount, origin: 'plan' };
}

const forOrder = (cid: string, final: boolean) => (e: AnyEventObject) =>
  e.type === 'feed.order' && e['update'].clientOrderId === cid && e['update'].final === final;

describe('exchange providers against the simulator', () => {
  it('loads the market rules and a last price', async () => {
    const loaded = await toPromise(createActor(actors.loadMarket, { input: { market: MARKET } }).start());
    expect(loaded.rules).toMatchObject({ market: MARKET, pricePrecision: 2, amountPrecision: 6 });
    expect(Number(loaded.lastPrice)).toBeGreaterThan(0);
  });

  it('a post-only order placed through the desk rests and arrives on the feed; cancel-all finishes it', async () => {
    h = await startMarket();
    // Well below the market, a whole number so the exchange echoes it as sent.
    const price = new D(sim.state.lastPrice(MARKET)).times('0.9').toDecimalPlaces(0).toFixed();
    h.send('desk', { type: 'desk.place', market: MARKET, intents: [intent('it-rest-1', 'buy', price)] });
    const result = await h.waitFor((e) => e.type === 'desk.result');
    expect(result).toMatchObject({ fatal: null, outcomes: [{ kind: 'placed', clientOrderId: 'it-rest-1', left: '0.001' }] });
    const opened = await h.waitFor(forOrder('it-rest-1', false));
    expect(opened['update']).toMatchObject({ side: 'buy', price, amount: '0.001', left: '0.001', dealStock: '0' });

    await toPromise(createActor(actors.cancelAll, { input: { market: MARKET } }).start());
    const finished = await h.waitFor(forOrder('it-rest-1', true));
    expect(finished['update']).toMatchObject({ left: '0.001', final: true }); // cancelled, not filled
    expect(sim.state.orders(sim.accountId).filter((o) => o.market === MARKET)).toEqual([]);
  });

  it('a post-only order that would cross is rejected with that reason', async () => {
    h = await startMarket();
    const ask = sim.state.book(MARKET, 1).asks[0]?.[0];
    expect(ask).toBeDefined();
    h.send('desk', { type: 'desk.place', market: MARKET, intents: [intent('it-cross-1', 'buy', ask as string)] });
    const result = await h.waitFor((e) => e.type === 'desk.result');
    expect(result['outcomes'][0]).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/post-only/) });
  });

  it('a marketable order fills: the deal and the final order update arrive on the feed', async () => {
    h = await startMarket(createDeskActor(createOrderRouter({ rest, socket: null }), { postOnly: false }));
    const ask = sim.state.book(MARKET, 1).asks[0]?.[0] as string;
    h.send('desk', { type: 'desk.place', market: MARKET, intents: [intent('it-take-1', 'buy', ask)] });
    const result = await h.waitFor((e) => e.type === 'desk.result');
    expect(result['outcomes'][0]).toMatchObject({ kind: 'placed', clientOrderId: 'it-take-1', left: '0', dealStock: '0.001' });
    const deal = await h.waitFor((e) => e.type === 'feed.deal' && e['deal'].clientOrderId === 'it-take-1');
    expect(deal['deal']).toMatchObject({ side: 'buy', amount: '0.001', price: ask, feeAsset: expect.any(String) });
    const done = await h.waitFor(forOrder('it-take-1', true));
    expect(done['update']).toMatchObject({ left: '0', dealStock: '0.001' });

    // Reconciling would see the same execution in the REST history.
    const snap = await toPromise(createActor(actors.fetchExchange, { input: { market: MARKET, sinceSec: null } }).start());
    expect(snap.deals.map((d) => d.dealId)).toContain(deal['deal'].dealId);
  });

  it('arms and disarms the market kill-switch (spot only)', async () => {
    const armed = await toPromise(createActor(actors.armKillSwitch, { input: { market: MARKET, timeoutSec: 60 } }).start());
    expect(armed.cancellationTimeMs).toBeGreaterThan(Date.now());
    expect(sim.state.killSwitches(sim.accountId).map((k) => k.market)).toEqual([MARKET]);
    await toPromise(createActor(actors.disarmKillSwitch, { input: { market: MARKET } }).start());
    expect(sim.state.killSwitches(sim.accountId)).toEqual([]);
  });
});
