import { afterEach, describe, expect, it } from 'vitest';
import { type WbNewOrderRequest, WhitebitError } from '../../../src/adapters/whitebit/index.js';
import type { DeskPlace } from '../../../src/machines/market/market.types.js';
import { createDeskActor } from '../../../src/runtime/exchange/desk-actor.js';
import { createOrderRouter } from '../../../src/runtime/exchange/order-router.js';
import { type ChildHarness, startChildren } from './support/child-harness.js';
import { intentsOf, restingOrder, stubPlacementRest } from './support/stub-rest.js';

let h: ChildHarness | undefined;
afterEach(() => h?.stop());

const place = (n: number): DeskPlace => ({ type: 'desk.place', market: 'BTC_USDT', intents: intentsOf(n) });

describe('desk actor', () => {
  it('starts the HTTP request inside the receive handler and answers with one desk.result', async () => {
    const answers: ((v: unknown) => void)[] = [];
    const rest = stubPlacementRest(() => new Promise((resolve) => answers.push(resolve)));
    h = startChildren({ desk: { logic: createDeskActor(createOrderRouter({ rest, socket: null })), input: { market: 'BTC_USDT' } } });
    h.send('desk', place(1));
    expect(rest.calls).toHaveLength(1); // same tick as the send
    expect(h.events).toEqual([]);
    answers[0]?.(restingOrder(rest.calls[0]?.body as WbNewOrderRequest));
    const result = await h.waitFor((e) => e.type === 'desk.result');
    expect(result).toEqual({
      type: 'desk.result',
      outcomes: [{ kind: 'placed', clientOrderId: 'g-0', orderId: expect.any(Number), dealStock: '0', left: '0.5', via: 'rest' }],
      fatal: null,
    });
  });

  it('answers every desk.place separately, several in flight at once', async () => {
    const answers: (() => void)[] = [];
    const rest = stubPlacementRest((c) => new Promise((resolve) => answers.push(() => resolve(restingOrder(c.body as WbNewOrderRequest)))));
    h = startChildren({ desk: { logic: createDeskActor(createOrderRouter({ rest, socket: null })), input: { market: 'BTC_USDT' } } });
    h.send('desk', { type: 'desk.place', market: 'BTC_USDT', intents: [intentsOf(2)[0]!] });
    h.send('desk', { type: 'desk.place', market: 'BTC_USDT', intents: [intentsOf(2)[1]!] });
    expect(rest.calls).toHaveLength(2);
    answers[1]?.();
    answers[0]?.();
    await h.waitFor((e) => e.type === 'desk.result' && h!.events.filter((x) => x.type === 'desk.result').length === 2);
    const ids = h.events.map((e) => (e as unknown as { outcomes: { clientOrderId: string }[] }).outcomes[0]?.clientOrderId);
    expect(ids).toEqual(['g-1', 'g-0']);
  });

  it('flags an auth failure as fatal', async () => {
    const denied = new WhitebitError({ kind: 'unauthorized', status: 401, message: 'HTTP 401 unauthorized', idempotent: false, sent: true });
    const rest = stubPlacementRest(() => Promise.reject(denied));
    h = startChildren({ desk: { logic: createDeskActor(createOrderRouter({ rest, socket: null })), input: { market: 'BTC_USDT' } } });
    h.send('desk', place(3));
    const result = (await h.waitFor((e) => e.type === 'desk.result')) as unknown as { outcomes: { kind: string }[]; fatal: string | null };
    expect(result.outcomes.map((o) => o.kind)).toEqual(['notSent', 'notSent', 'notSent']);
    expect(result.fatal).toMatch(/unauthorized/);
  });

  it('sends postOnly false when configured so', () => {
    const rest = stubPlacementRest(() => new Promise(() => {}));
    h = startChildren({ desk: { logic: createDeskActor(createOrderRouter({ rest, socket: null }), { postOnly: false }), input: { market: 'BTC_USDT' } } });
    h.send('desk', place(1));
    expect((rest.calls[0]?.body as WbNewOrderRequest).postOnly).toBe(false);
  });
});
