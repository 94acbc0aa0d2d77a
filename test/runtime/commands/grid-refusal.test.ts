/**
 * Issue 14, "Truth at start and exit": a grid whose plan the exchange's rules refuse (here the fee:
 * a step of one tick on ETH_USDT) refuses the whole start, like an unknown market: `run` exits 2
 * before anything private is sent on any market (no cancel, no order, no kill-switch, no socket),
 * naming the grid's entry as file:line:col; `plan` and `validate` print the same line.
 * Before the fix, `run` started the other grid and exited 0.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../src/sim/index.js';
import { openJournal } from '../../../src/runtime/journal/journal.js';
import { type CountingProxy, startCountingProxy } from '../../integration/counting-proxy.js';
import { cli, tempDir } from './support.js';

const CONFIG = [
  'exchange: sim',
  'botId: rf',
  'logLevel: silent',
  'grids:',
  '  - market: DBTC_DUSDT',
  '    spacing: arithmetic',
  '    ladder: { center: last, levelsPerSide: 2, step: "200" }',
  '    amountPerLevel: { base: "0.002" }',
  '  - market: ETH_USDT',
  '    spacing: arithmetic',
  '    ladder: { center: last, levelsPerSide: 2, step: "0.01" }',
  '    amountPerLevel: { base: "0.01" }',
  '',
].join('\n');

let sim: Simulator;
let proxy: CountingProxy;
const tmp = tempDir();

beforeAll(async () => {
  // tickMs 0: the prices stay where the markets open (ETH_USDT 3200), as the embedded simulator starts.
  sim = await startSimulator({ port: 0, seed: 3, tickMs: 0 });
  proxy = await startCountingProxy(sim.restUrl);
});

afterAll(async () => {
  await proxy.close();
  await sim.close();
  tmp.cleanup();
});

describe('a grid the exchange refuses', () => {
  it('refuses the whole run with exit 2 and its entry as file:line:col; nothing private is sent on any market', async () => {
    const file = tmp.file('markets.yaml', CONFIG);
    const r = await cli('run', '--config', file, '--exchange-url', proxy.url, '--duration', '5');
    expect(r.code).toBe(2);
    const refusal = r.err.split('\n')[0];
    expect(refusal).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:9:5 grids\\[1\\]: ETH_USDT is not placeable on this exchange: step .* does not beat the round-trip maker fee`,
      ),
    );
    expect(r.err).toContain('gridbot run: ' + file + ": 1 grid refused by the exchange's rules; nothing was sent");
    expect(proxy.privateRequests()).toEqual([]);
    expect(proxy.upgrades()).toBe(0);
    expect(sim.state.orders(sim.accountId)).toEqual([]);
    expect(sim.state.killSwitches(sim.accountId)).toEqual([]);

    // `plan` (reading the same exchange) and `validate` (the embedded simulator, same rules and price) say the same line.
    const plan = await cli('plan', '--config', file, '--exchange-url', sim.restUrl);
    expect(plan.code).toBe(2);
    expect(plan.out.split('\n')).toContain(refusal);
    const validate = await cli('validate', file);
    expect(validate.code).toBe(2);
    expect(validate.err.split('\n')).toContain(refusal);
    const json = await cli('validate', file, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, errors: [{ line: 9, column: 5, field: 'grids[1]' }] });
  });

  it('leaves the journal unclaimed: a refused start records no exchange that would refuse the next run on another', async () => {
    // Before: the journal was claimed for the embedded simulator before the grids were checked, so
    // the fixed file's first run against another exchange was refused for a journal holding nothing.
    const file = tmp.file('journaled.yaml', CONFIG.replace('logLevel: silent', 'logLevel: silent\njournal: refused.journal'));
    const r = await cli('run', '--config', file, '--duration', '5');
    expect(r.code).toBe(2);
    expect(r.err).toContain("1 grid refused by the exchange's rules; nothing was sent");
    const journal = openJournal({ path: join(tmp.dir, 'refused.journal'), checkpointIntervalMs: 0 });
    try {
      expect(journal.identity()).toBeNull();
    } finally {
      journal.close();
    }
  });

  it('validate passes a placeable file and says what it checked of the exchange rules', async () => {
    const file = tmp.file('ok.yaml', CONFIG.split('  - market: ETH_USDT')[0] ?? '');
    const r = await cli('validate', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/; every grid placeable on the embedded simulator \(seed 1\)\n$/);
    const live = tmp.file('live.yaml', (CONFIG.split('  - market: ETH_USDT')[0] ?? '').replace('exchange: sim', 'exchange: whitebit'));
    const l = await cli('validate', live);
    expect(l.code).toBe(0);
    expect(l.out).toContain("WhiteBIT's rules (fee, minimums, budget) are not checked offline: gridbot plan --live reads them");
  });
});
