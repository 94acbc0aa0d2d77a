import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { createTokenActor } from '../../../src/runtime/exchange/connection-providers.js';
import { WsTokenCache } from '../../../src/runtime/exchange/ws-token-cache.js';

function source() {
  const s = { calls: 0, fail: false };
  return Object.assign(s, {
    websocketToken: () => {
      s.calls += 1;
      if (s.fail) return Promise.reject(new Error('429'));
      return Promise.resolve(`t${s.calls}`);
    },
  });
}

describe('websocket token cache', () => {
  it('reuses a token younger than 50 s and fetches a new one after', async () => {
    const clock = { t: 0, now: () => clock.t };
    const src = source();
    const cache = new WsTokenCache(src, { clock });
    expect(await cache.get()).toBe('t1');
    clock.t = 49_999;
    expect(await cache.get()).toBe('t1');
    clock.t = 50_000;
    expect(await cache.get()).toBe('t2');
    expect(src.calls).toBe(2);
  });

  it('shares one fetch between concurrent requests (a reconnect storm makes one call)', async () => {
    const src = source();
    const cache = new WsTokenCache(src);
    const all = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(all).toEqual(['t1', 't1', 't1']);
    expect(src.calls).toBe(1);
  });

  it('caches nothing on failure and fetches again next time', async () => {
    const src = source();
    const cache = new WsTokenCache(src);
    src.fail = true;
    await expect(cache.get()).rejects.toThrow('429');
    src.fail = false;
    expect(await cache.get()).toBe('t2');
  });

  it('fetches a fresh token after invalidate (the server refused the cached one)', async () => {
    const src = source();
    const cache = new WsTokenCache(src);
    await cache.get();
    cache.invalidate();
    expect(await cache.get()).toBe('t2');
  });

  it('serves the machine fetchToken actor from the cache', async () => {
    const src = source();
    const cache = new WsTokenCache(src);
    const logic = createTokenActor(cache);
    const run = () => toPromise(createActor(logic).start());
    expect(await run()).toBe('t1');
    expect(await run()).toBe('t1');
    expect(src.calls).toBe(1);
  });
});
