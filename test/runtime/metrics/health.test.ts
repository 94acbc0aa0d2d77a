/** `/health`'s rules (issue 9), on plain inputs. */
import { describe, expect, it } from 'vitest';
import { type HealthInput, type HealthMarketInput, evaluateHealth, marketHealthy } from '../../../src/runtime/metrics/health.js';

const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);
const running = (market: string): HealthMarketInput => ({ market, state: 'running.trading', since: T0, reason: null, stopCause: null });

function input(o: Partial<HealthInput> = {}): HealthInput {
  return {
    now: T0 + 12_000,
    starting: false,
    shuttingDown: false,
    connection: { state: 'open', since: T0 },
    markets: [running('BTC_USDT'), running('ETH_USDT')],
    ...o,
  };
}

describe('health', () => {
  it('is ok when the connection is open and every market runs', () => {
    const r = evaluateHealth(input());
    expect(r).toEqual({
      status: 'ok',
      problems: [],
      checkedAt: '2025-01-01T10:00:12.000Z',
      connection: { state: 'open', since: '2025-01-01T10:00:00.000Z', ok: true },
      markets: [
        { market: 'BTC_USDT', state: 'running.trading', since: '2025-01-01T10:00:00.000Z', ok: true, reason: null },
        { market: 'ETH_USDT', state: 'running.trading', since: '2025-01-01T10:00:00.000Z', ok: true, reason: null },
      ],
    });
  });

  it('names the connection, its state and since when, while it is down', () => {
    const r = evaluateHealth(
      input({ connection: { state: 'backoff', since: T0 + 2_000 }, markets: [{ ...running('BTC_USDT'), state: 'reconnecting', since: T0 + 2_000 }] }),
    );
    expect(r.status).toBe('unhealthy');
    expect(r.problems).toEqual(['connection: backoff since 2025-01-01T10:00:02.000Z (10 s)', 'BTC_USDT: reconnecting since 2025-01-01T10:00:02.000Z (10 s)']);
    expect(r.connection.ok).toBe(false);
  });

  it('is unhealthy while a market starts, reconciles, or stopped on a fault, with its reason', () => {
    const r = evaluateHealth(
      input({
        markets: [
          { market: 'A_USDT', state: 'placing.sending', since: T0, reason: null, stopCause: null },
          { market: 'B_USDT', state: 'reconciling.fetching', since: null, reason: null, stopCause: null },
          { market: 'C_USDT', state: 'stopped', since: T0, reason: 'placing: HTTP 401 unauthorized', stopCause: 'error' },
          { market: 'D_USDT', state: 'failed', since: T0, reason: 'boom', stopCause: 'requested' },
        ],
      }),
    );
    expect(r.problems).toEqual([
      'A_USDT: placing.sending since 2025-01-01T10:00:00.000Z (12 s)',
      'B_USDT: reconciling.fetching',
      'C_USDT: stopped since 2025-01-01T10:00:00.000Z (12 s): placing: HTTP 401 unauthorized',
      'D_USDT: failed since 2025-01-01T10:00:00.000Z (12 s): boom',
    ]);
  });

  it('keeps a market stopped on purpose (asked to, or by its own risk rule) healthy', () => {
    const r = evaluateHealth(
      input({
        markets: [
          running('A_USDT'),
          { market: 'B_USDT', state: 'stopped', since: T0, reason: 'range exit: price 70000 above 63000', stopCause: 'risk' },
          { market: 'C_USDT', state: 'killed.cancelling', since: T0, reason: 'operator', stopCause: 'requested' },
        ],
      }),
    );
    expect(r.status).toBe('ok');
    expect(r.markets.map((m) => m.ok)).toEqual([true, true, true]);
  });

  it('is unhealthy while starting and while shutting down', () => {
    expect(evaluateHealth(input({ starting: true, connection: { state: 'starting', since: null }, markets: [] })).problems).toEqual([
      'starting: the runtime is not up yet',
    ]);
    expect(evaluateHealth(input({ shuttingDown: true })).problems).toEqual(['shutting down']);
  });

  it.each([
    ['running', null, true],
    ['running.cooling', null, true],
    ['reconnecting', null, false],
    ['init.loading', null, false],
    ['killed.cancelling', 'error', false],
    ['killed.cancelling', 'risk', true],
    ['stopped', null, false],
    ['stopped', 'requested', true],
    ['failed', 'risk', false],
  ] as const)('a market %s (stop cause %s) is healthy: %s', (state, cause, ok) => {
    expect(marketHealthy(state, cause)).toBe(ok);
  });

  it('keeps a periodic reconcile healthy, unless it is stuck in a phase for a minute', () => {
    expect(marketHealthy('reconciling.fetching', null, true, 200)).toBe(true);
    expect(marketHealthy('placing.arming', null, true, 200)).toBe(true);
    expect(marketHealthy('reconciling.fetching', null, false, 200)).toBe(false);
    expect(marketHealthy('reconciling.waiting', null, true, 61_000)).toBe(false);
    expect(marketHealthy('reconnecting', null, true, 200)).toBe(false);
  });
});
