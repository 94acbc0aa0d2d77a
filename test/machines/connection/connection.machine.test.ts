import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/machines/shared/backoff.js';
import { flushPromises } from '../../support/flush.js';
import { startConnection } from './connection-harness.js';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

async function openConnection(h: ReturnType<typeof startConnection>) {
  h.current().emit({ type: 'socket.open' });
  await flushPromises();
  h.replyAll(); // authorize
  h.replyAll(); // the subscribe round
}

describe('connection actor', () => {
  it('authorizes with a fresh token, then subscribes the whole registry, then is up', async () => {
    const h = startConnection();
    stop = () => h.actor.stop();
    h.actor.send({ type: 'subscribe', channel: 'ordersPending', key: 'BTC_USDT' });
    h.actor.send({ type: 'subscribe', channel: 'ordersPending', key: 'ETH_USDT' });
    h.actor.send({ type: 'subscribe', channel: 'depth', key: 'BTC_USDT' });
    expect(h.current().sent).toEqual([]); // nothing goes out before the socket is open
    h.current().emit({ type: 'socket.open' });
    await flushPromises();
    expect(h.current().sent.map((s) => [s.method, s.params])).toEqual([['authorize', ['token-1', 'public']]]);
    h.replyAll();
    expect(h.state()).toContain('subscribing');
    const round = h.replyAll();
    expect(round.map((s) => [s.method, s.params])).toEqual([
      ['ordersPending_subscribe', ['BTC_USDT', 'ETH_USDT']],
      ['depth_subscribe', ['BTC_USDT', 20, '0', true]],
    ]);
    expect(h.state()).toContain('open');
    expect(h.statuses).toEqual(['up']);
  });

  it('re-sends the whole channel set when a market joins while open', async () => {
    const h = startConnection();
    stop = () => h.actor.stop();
    h.actor.send({ type: 'subscribe', channel: 'deals', key: 'BTC_USDT' });
    await openConnection(h);
    h.actor.send({ type: 'subscribe', channel: 'deals', key: 'ETH_USDT' });
    expect(h.current().sent.at(-1)).toMatchObject({ method: 'deals_subscribe', params: [['BTC_USDT', 'ETH_USDT']] });
  });

  it('pings after the interval and treats a missing pong as a lost connection', async () => {
    const h = startConnection({ timing: { pingIntervalMs: 50_000, pongTimeoutMs: 10_000 } });
    stop = () => h.actor.stop();
    await openConnection(h);
    h.clock.increment(49_999);
    expect(h.current().sent.some((s) => s.method === 'ping')).toBe(false);
    h.clock.increment(1);
    expect(h.current().sent.at(-1)?.method).toBe('ping');
    h.replyAll(); // pong in time
    expect(h.state()).toContain('idle');
    h.clock.increment(50_000);
    expect(h.current().sent.at(-1)?.method).toBe('ping');
    h.clock.increment(10_000); // no pong
    expect(h.state()).toBe('"backoff"');
    expect(h.sockets[0]?.closed).toBe(true);
    expect(h.statuses).toEqual(['up', 'down']);
    expect(h.actor.getSnapshot().context.lastError).toBe('no pong');
  });

  it('reconnects after a jittered backoff and rebuilds auth and every subscription', async () => {
    const h = startConnection({ backoff: { baseMs: 1_000, maxMs: 30_000 } });
    stop = () => h.actor.stop();
    h.actor.send({ type: 'subscribe', channel: 'lastprice', key: 'BTC_USDT' });
    await openConnection(h);
    h.current().emit({ type: 'socket.closed', code: 1006, reason: '' });
    expect(h.state()).toBe('"backoff"');
    const { attempt, jitter } = h.actor.getSnapshot().context;
    expect(attempt).toBe(1);
    const delay = backoffDelay(0, jitter, { baseMs: 1_000, maxMs: 30_000 });
    // The first retry waits between half and all of the base delay.
    expect(delay).toBeGreaterThanOrEqual(500);
    expect(delay).toBeLessThanOrEqual(1_000);
    h.clock.increment(delay - 1);
    expect(h.sockets).toHaveLength(1);
    h.clock.increment(1);
    expect(h.sockets).toHaveLength(2);
    await openConnection(h);
    expect(h.token.calls).toBe(2);
    expect(h.current().sent.map((s) => s.method)).toEqual(['authorize', 'lastprice_subscribe']);
    expect(h.statuses).toEqual(['up', 'down', 'up']);
    expect(h.actor.getSnapshot().context.attempt).toBe(0);
  });

  it('backs off exponentially while the token cannot be had', async () => {
    const h = startConnection({ backoff: { baseMs: 1_000, maxMs: 4_000 } });
    stop = () => h.actor.stop();
    h.token.fail = true;
    const attempts: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      h.current().emit({ type: 'socket.open' });
      await flushPromises();
      expect(h.state()).toBe('"backoff"');
      attempts.push(h.actor.getSnapshot().context.attempt);
      h.clock.increment(4_000); // the cap: every delay fits
    }
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(h.actor.getSnapshot().context.lastError).toContain('401');
  });

  it('answers a depth gap with a fresh depth subscription for that market only', async () => {
    const h = startConnection();
    stop = () => h.actor.stop();
    h.actor.send({ type: 'subscribe', channel: 'depth', key: 'BTC_USDT' });
    h.actor.send({ type: 'subscribe', channel: 'depth', key: 'ETH_USDT' });
    await openConnection(h);
    h.current().emit({ type: 'socket.depthGap', market: 'ETH_USDT' });
    expect(
      h
        .current()
        .sent.slice(-2)
        .map((s) => [s.method, s.params]),
    ).toEqual([
      ['depth_unsubscribe', ['ETH_USDT']],
      ['depth_subscribe', ['ETH_USDT', 20, '0', true]],
    ]);
  });

  it('reports a subscribe the server refuses, and still opens', async () => {
    const h = startConnection();
    stop = () => h.actor.stop();
    h.actor.send({ type: 'subscribe', channel: 'depth', key: 'NOPE_USDT' });
    h.current().emit({ type: 'socket.open' });
    await flushPromises();
    h.replyAll();
    const [req] = h.current().sent.slice(-1);
    h.current().emit({ type: 'socket.reply', id: req!.id, result: null, error: { code: 9, message: 'market NOPE_USDT does not exist' } });
    expect(h.subscriptionErrors).toEqual(['depth_subscribe:9']);
    expect(h.state()).toContain('open');
  });

  it('gives up a connect that never opens and a subscribe round never answered', async () => {
    const h = startConnection({ timing: { connectTimeoutMs: 5_000, replyTimeoutMs: 3_000 } });
    stop = () => h.actor.stop();
    h.clock.increment(5_000);
    expect(h.actor.getSnapshot().context.lastError).toBe('connect timeout');
    h.clock.increment(30_000);
    h.actor.send({ type: 'subscribe', channel: 'lastprice', key: 'BTC_USDT' });
    h.current().emit({ type: 'socket.open' });
    await flushPromises();
    h.replyAll();
    h.clock.increment(3_000);
    expect(h.actor.getSnapshot().context.lastError).toBe('subscribe timed out');
  });

  it('stops for good on stop, closing the socket', async () => {
    const h = startConnection();
    await openConnection(h);
    h.actor.send({ type: 'stop' });
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.current().closed).toBe(true);
    expect(h.statuses).toEqual(['up', 'down']);
  });
});
