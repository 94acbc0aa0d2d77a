/** The lost-frame window: a burst of unreadable private frames tells each concerned market once. */
import { describe, expect, it } from 'vitest';
import { LostFrames } from '../../../src/runtime/exchange/lost-frames.js';
import { ManualClock } from '../../adapters/whitebit/support/manual-clock.js';

function setup(markets: string[]) {
  const told: string[] = [];
  const windows: (readonly string[])[] = [];
  const router = {
    markets: () => markets,
    lost: (m: string) => {
      if (!markets.includes(m)) return false;
      told.push(m);
      return true;
    },
  };
  const clock = new ManualClock();
  const lost = new LostFrames(router, clock, (ms) => windows.push(ms), 250);
  return { told, windows, clock, lost };
}

describe('LostFrames', () => {
  it('tells each noted market once when the window closes, however many frames it lost', async () => {
    const { told, windows, clock, lost } = setup(['A_B', 'C_D', 'E_F']);
    for (let i = 0; i < 5; i++) lost.note('A_B');
    lost.note('C_D');
    expect(told).toEqual([]);
    await clock.advance(250);
    expect(told).toEqual(['A_B', 'C_D']);
    expect(windows).toEqual([['A_B', 'C_D']]);
    // A later burst opens a new window.
    lost.note('C_D');
    await clock.advance(250);
    expect(told).toEqual(['A_B', 'C_D', 'C_D']);
  });

  it('tells every listening market when a frame names none, or names one nobody listens to', async () => {
    const a = setup(['A_B', 'C_D']);
    a.lost.note(null);
    await a.clock.advance(250);
    expect(a.told).toEqual(['A_B', 'C_D']);

    const b = setup(['A_B', 'C_D']);
    b.lost.note('X_Y');
    await b.clock.advance(250);
    expect(b.told).toEqual(['A_B', 'C_D']);
  });

  it('forgets what it noted when disposed (the socket closed: the reconnect reconciles)', async () => {
    const { told, clock, lost } = setup(['A_B']);
    lost.note('A_B');
    lost.dispose();
    await clock.advance(1_000);
    expect(told).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
