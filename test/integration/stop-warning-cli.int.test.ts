/**
 * Issue 14, "Truth at start and exit", at the command line: `gridbot run` in its own process,
 * trading a simulator through a proxy that, once the plan rests, answers every cancel-all with 401
 * (a refusal waiting cannot mend). One Ctrl-C: the stop cannot cancel, so it leaves the kill-switch
 * armed, and the command warns on stderr naming every order that may rest and when the kill-switch
 * cancels them, and exits 1, never a quiet 0.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/sim/index.js';
import { SMALL_GRID, configYaml } from '../runtime/commands/support.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';
import { type BotProcess, spawnBot } from './support/bot-process.js';
import { waitUntil } from './support/until.js';

let dir = '';
let sim: Simulator | undefined;
let proxy: CountingProxy | undefined;
let child: BotProcess | undefined;

afterEach(async () => {
  if (child && !child.hasExited()) await child.signal('SIGKILL');
  child = undefined;
  await proxy?.close();
  proxy = undefined;
  await sim?.close();
  sim = undefined;
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('gridbot run: a stop whose cancel-all is refused', () => {
  it('warns on stderr naming the orders left and the kill-switch, and exits 1', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gridbot-stopwarn-'));
    const s = (sim = await startSimulator({ port: 0, seed: 5, priceProcess: false }));
    proxy = await startCountingProxy(s.restUrl, () => {}, { forwardUpgrades: true });
    const file = join(dir, 'markets.yaml');
    await writeFile(file, configYaml(SMALL_GRID));
    const bot = (child = spawnBot(['run', '--config', file, '--exchange-url', proxy.url]));
    // Four orders rest (the plan) under an armed kill-switch: the stop now has something to cancel.
    await waitUntil('the plan resting', () => s.state.orders(s.accountId).length === 4 && s.state.killSwitches(s.accountId).length === 1, {
      sources: [(f) => s.onEvent(f)],
      timeoutMs: 20_000,
      describe: () => `stdout:\n${bot.lines().join('\n')}\nstderr:\n${bot.stderr()}`,
    });
    const resting = s.state.orders(s.accountId).map((o) => o.clientOrderId);
    proxy.refuse('/api/v4/order/cancel/all', 401, { code: 0, message: 'Unauthorized request.' });

    expect(await bot.signal('SIGINT')).toBe(1);

    const warning = bot
      .stderr()
      .split('\n')
      .find((l) => l.startsWith('gridbot: WARNING DBTC_DUSDT: the cancel-all on stop did not go through'));
    expect(warning, bot.stderr()).toBeDefined();
    expect(warning).toContain(`orders that may rest: ${resting.length}: `);
    for (const id of resting) expect(warning).toContain(id);
    expect(warning).toMatch(/the kill-switch was left armed and cancels them in \d+ s$/);
    // What the warning says is what the exchange has: the orders rest, guarded by the timer.
    expect(
      s.state
        .orders(s.accountId)
        .map((o) => o.clientOrderId)
        .sort(),
    ).toEqual([...resting].sort());
    expect(s.state.killSwitches(s.accountId).map((k) => k.market)).toEqual(['DBTC_DUSDT']);
    expect(bot.lines().some((l) => l.startsWith('gridbot: stopped.'))).toBe(true);
  });
});
