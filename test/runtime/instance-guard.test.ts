import { describe, expect, it } from 'vitest';
import { foreignTimers, foreignTimersMessage } from '../../src/runtime/instance-guard.js';

const timer = (market: string, startTime: number, cancellationTime: number) => ({ market, startTime, cancellationTime, types: ['spot'] });

describe('foreign kill-switch timers', () => {
  it('reports an active timer on a configured market that our journal does not know', () => {
    const found = foreignTimers([timer('BTC_USDT', 993, 1053)], ['BTC_USDT'], () => null, 1000);
    expect(found).toEqual([{ market: 'BTC_USDT', armedSecAgo: 7, firesInSec: 53 }]);
    expect(foreignTimersMessage(found)).toMatch(/BTC_USDT: a kill-switch timer this bot did not set is active \(re-armed 7 s ago, fires in 53 s\)/);
  });

  it('passes the timer our last journaled run received (a crashed run of ours), a lapsed timer, and other markets', () => {
    const ours = (m: string) => (m === 'BTC_USDT' ? 1_053_000 : null);
    expect(foreignTimers([timer('BTC_USDT', 993, 1053)], ['BTC_USDT'], ours, 1000)).toEqual([]);
    expect(foreignTimers([timer('ETH_USDT', 900, 960)], ['ETH_USDT'], () => null, 1000)).toEqual([]);
    expect(foreignTimers([timer('XRP_USDT', 993, 1053)], ['BTC_USDT'], () => null, 1000)).toEqual([]);
  });

  it('does not take a timer re-armed after our last journaled answer for ours', () => {
    const ours = () => 1_040_000; // our run's last timer; someone re-armed it since
    expect(foreignTimers([timer('BTC_USDT', 995, 1055)], ['BTC_USDT'], ours, 1000)).toHaveLength(1);
  });
});
