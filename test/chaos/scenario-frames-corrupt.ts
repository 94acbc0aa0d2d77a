/**
 * Chaos scenario `frames-corrupt` (issue 14): private frames (`ordersPending`, `deals`,
 * `balanceSpot`) arrive cut short or as binary frames while fills come in, and the socket stays up.
 * Nothing reconnects and the periodic reconcile is minutes away: only the market's reconcile on an
 * unreadable private frame can bring its book, the journal and the counter-orders back in line
 * with the exchange, which the rig's settle and end checks demand.
 */
import type { FrameChannel } from '../../src/sim/index.js';
import type { Scenario } from './support/outcome.js';
import { runInProcess } from './support/rig.js';

const PRIVATE: readonly Exclude<FrameChannel, '*'>[] = ['ordersPending', 'deals', 'balanceSpot'];

export const framesCorrupt: Scenario = {
  name: 'frames-corrupt',
  summary: 'private frames cut short or sent binary while fills land, the socket up; the market reconciles at once',
  cost: 'cheap',
  run: (seed) =>
    runInProcess('frames-corrupt', seed, {}, async (rig) => {
      await rig.planPlaced();
      const { faults } = rig.bench.sim;
      for (let round = 0, n = rig.between(1, 3); round < n; round++) {
        const rules: (() => void)[] = [];
        for (const ch of PRIVATE) {
          const p = Math.round(rig.rng.next() * 60) / 100;
          rules.push(rig.rng.chance(0.5) ? faults.corruptFrames(ch, { probability: p }) : faults.binaryFrames(ch, { probability: p }));
          rig.log.push(`round ${round + 1}: ${ch} unreadable with p ${p}`);
        }
        const { frames } = rig.bench.runtime;
        const sentBad = (): number => faults.stats.framesCorrupted + faults.stats.framesBinary;
        const [bad0, errors0, asked0, mark] = [sentBad(), frames.decodeErrors, frames.lostReconciles, rig.bench.path.length];
        rig.burst(rig.between(1, 3));
        for (const off of rules) off();
        const bad = sentBad() - bad0;
        if (bad > 0) {
          // A quiet market is not yet a settled one: the reconcile the unreadable frames asked for must have run.
          await rig.bench.until('every unreadable frame counted', () => frames.decodeErrors - errors0 >= bad, 10_000);
          await rig.bench.until('a reconcile asked and begun', () => frames.lostReconciles > asked0 && rig.visited('reconciling', mark), 10_000);
        }
        await rig.settle(`round ${round + 1}`, 15_000);
      }
      rig.log.push(`frames corrupted ${faults.stats.framesCorrupted}, binary ${faults.stats.framesBinary}`);
    }),
};
