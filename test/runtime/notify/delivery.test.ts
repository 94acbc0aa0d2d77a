import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/runtime/config/credentials.js';
import { type ResolvedTarget, TargetDelivery, type SendResult, buildRequest } from '../../../src/runtime/notify/index.js';
import { ManualClock } from '../../../src/sim/clock.js';
import { type Hook, recorder, startHook, until } from './support.js';

const TOKEN = '999:SECRET-token-value';
const stopped = (market: string) => ({ kind: 'stopped', market, reason: 'HTTP 401 unauthorized' }) as const;

describe('delivery to one target', () => {
  let hook: Hook;
  beforeEach(async () => {
    hook = await startHook();
  });
  afterEach(async () => {
    await hook.close();
  });

  const telegram = (): ResolvedTarget => ({ kind: 'telegram', label: 'telegram#1', token: new Secret(TOKEN), chatId: '-1', apiBase: `${hook.url}/tg` });

  it('keeps at least minIntervalSec between two messages to a target', async () => {
    const clock = new ManualClock(0);
    const log = recorder();
    const sentAt: number[] = [];
    const target = telegram();
    const d = new TargetDelivery(target, {
      clock,
      log: log.sink,
      minIntervalMs: 2_000,
      send: () => {
        sentAt.push(clock.now());
        return Promise.resolve({ status: 200, retryAfterSec: null });
      },
    });
    for (const m of ['A_USDT', 'B_USDT', 'C_USDT']) d.push(buildRequest(target, 'gb', stopped(m)), `stopped ${m}`);
    await until(() => sentAt.length === 1);
    clock.advance(1_999);
    await until(() => d.pending === 2, 'the first delivered');
    expect(sentAt).toEqual([0]);
    clock.advance(1);
    await until(() => sentAt.length === 2);
    clock.advance(2_000);
    await until(() => d.delivered === 3);
    expect(sentAt).toEqual([0, 2_000, 4_000]);
  });

  it('retries a failing target with backoff, then gives up with a warning; the next message still goes; no secret logged', async () => {
    const clock = new ManualClock(0);
    const log = recorder();
    const target = telegram();
    hook.status = (r) => ((r.body.text as string).includes('A_USDT') ? 500 : 200);
    const d = new TargetDelivery(target, { clock, log: log.sink, minIntervalMs: 0, maxAttempts: 3, baseMs: 1_000, maxMs: 60_000 });
    d.push(buildRequest(target, 'gb', stopped('A_USDT')), 'stopped A_USDT');
    d.push(buildRequest(target, 'gb', stopped('B_USDT')), 'stopped B_USDT');
    await hook.waitFor(1);
    await until(() => log.lines.length === 1, 'first failure logged');
    clock.advance(999);
    expect(hook.received).toHaveLength(1);
    clock.advance(1);
    await hook.waitFor(2);
    await until(() => log.lines.length === 2, 'second failure logged');
    clock.advance(2_000);
    await hook.waitFor(4);
    await until(() => d.pending === 0);
    expect(hook.received.map((r) => r.body.text)).toEqual([
      'gridbot gb: A_USDT stopped: HTTP 401 unauthorized',
      'gridbot gb: A_USDT stopped: HTTP 401 unauthorized',
      'gridbot gb: A_USDT stopped: HTTP 401 unauthorized',
      'gridbot gb: B_USDT stopped: HTTP 401 unauthorized',
    ]);
    expect(log.lines.map((l) => l.msg)).toEqual([
      'notify telegram#1: stopped A_USDT failed (HTTP 500); retrying',
      'notify telegram#1: stopped A_USDT failed (HTTP 500); retrying',
      'notify telegram#1: stopped A_USDT not delivered (HTTP 500); giving up after 3 attempts',
    ]);
    expect(d.delivered).toBe(1);
    expect(log.text()).not.toContain(TOKEN);
    expect(log.text()).not.toContain('SECRET');
  });

  it('gives up at once on a 4xx other than 429, and on a refused connection logs the error code only', async () => {
    const clock = new ManualClock(0);
    const log = recorder();
    hook.status = () => 401;
    const target = telegram();
    const d = new TargetDelivery(target, { clock, log: log.sink, minIntervalMs: 0 });
    d.push(buildRequest(target, 'gb', stopped('A_USDT')), 'stopped A_USDT');
    await until(() => d.pending === 0);
    expect(log.lines.map((l) => l.msg)).toEqual(['notify telegram#1: stopped A_USDT not delivered (HTTP 401); giving up after 1 attempt']);

    // A closed port: the secret-bearing URL is never in the log line.
    const closed = await startHook();
    const deadUrl = closed.url;
    await closed.close();
    const dead: ResolvedTarget = { kind: 'discord', label: 'discord#1', url: new Secret(`${deadUrl}/api/webhooks/1/SECRET-discord`) };
    const log2 = recorder();
    const d2 = new TargetDelivery(dead, { clock, log: log2.sink, minIntervalMs: 0, maxAttempts: 2, baseMs: 1_000 });
    d2.push(buildRequest(dead, 'gb', stopped('A_USDT')), 'stopped A_USDT');
    await until(() => log2.lines.length === 1, 'first failure');
    clock.advance(1_000);
    await until(() => d2.pending === 0);
    expect(log2.lines.map((l) => l.msg)).toEqual([
      'notify discord#1: stopped A_USDT failed (ECONNREFUSED); retrying',
      'notify discord#1: stopped A_USDT not delivered (ECONNREFUSED); giving up after 2 attempts',
    ]);
    expect(log2.text()).not.toContain('SECRET');
    expect(log2.text()).not.toContain(deadUrl);
  });

  it('drops the oldest message when the queue is full, counted, and flushes what is left at close', async () => {
    const clock = new ManualClock(0);
    const log = recorder();
    const target = telegram();
    const d = new TargetDelivery(target, { clock, log: log.sink, minIntervalMs: 60_000, maxQueue: 3 });
    for (const m of ['A', 'B', 'C', 'D', 'E']) d.push(buildRequest(target, 'gb', stopped(`${m}_USDT`)), `stopped ${m}_USDT`);
    await hook.waitFor(1);
    expect(log.lines.map((l) => l.msg)).toEqual([
      'notify telegram#1: queue full (3), oldest message dropped (1 so far)',
      'notify telegram#1: queue full (3), oldest message dropped (2 so far)',
    ]);
    expect(log.lines.map((l) => l.obj.message)).toEqual(['stopped B_USDT', 'stopped C_USDT']);
    // The rate limit holds D and E back; close sends them without waiting for it.
    await until(() => d.delivered === 1);
    await d.close(5_000);
    expect(hook.received.map((r) => (r.body.text as string).split(':')[1]?.trim())).toEqual(['A_USDT stopped', 'D_USDT stopped', 'E_USDT stopped']);
    expect(d.pending).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('never rejects: a send that throws counts as a failure', async () => {
    const clock = new ManualClock(0);
    const log = recorder();
    const target = telegram();
    const send = (): Promise<SendResult> => Promise.reject(new TypeError(`fetch failed for ${TOKEN}`));
    const d = new TargetDelivery(target, { clock, log: log.sink, minIntervalMs: 0, maxAttempts: 1, send });
    d.push(buildRequest(target, 'gb', stopped('A_USDT')), 'stopped A_USDT');
    await until(() => d.pending === 0);
    await d.close(1_000);
    expect(log.lines.map((l) => l.msg)).toEqual(['notify telegram#1: stopped A_USDT not delivered (TypeError); giving up after 1 attempt']);
    expect(log.text()).not.toContain('SECRET');
  });
});
