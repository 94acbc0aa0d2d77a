/** `gridbot run` with a `notify:` block: a missing secret refuses the start; a failing target never affects the run. */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../commands/support.js';
import { type Hook, startHook } from './support.js';

const grid = (lower: string, upper: string) => `grids:
  - market: DBTC_DUSDT
    spacing: arithmetic
    ladder: { lower: "${lower}", upper: "${upper}", levels: 5 }
    amountPerLevel: { base: "0.001" }
    risk: { rangeExitMarginPercent: "0" }
`;

describe('gridbot run with notify:', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());
  let hook: Hook | null = null;
  afterEach(async () => {
    await hook?.close();
    hook = null;
  });

  it('exits 2 naming the target and the variable when a secret is not in the environment, nothing sent', async () => {
    const file = dir.file(
      'missing.yaml',
      `exchange: sim\nbotId: t1\nlogLevel: silent\nnotify:\n  targets:\n    - kind: telegram\n      tokenEnv: GRIDBOT_TEST_NO_SUCH_TOKEN\n      chatId: "-1"\n${grid('59000', '61000')}`,
    );
    const r = await cli('run', '--config', file, '--duration', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `${file}:6:7 notify.targets[0].tokenEnv: names GRIDBOT_TEST_NO_SUCH_TOKEN, which is not set in the environment (secrets are never read from markets.yaml)`,
    );
    expect(r.err).toContain('nothing was sent');
  });

  it('tells a risk stop to a target that keeps failing, and the run ends as it would without it', async () => {
    hook = await startHook();
    hook.status = () => 500;
    // Every level below the simulator's 60000 with no exit margin: the first price breaches the range rule.
    const file = dir.file(
      'risk.yaml',
      `exchange: sim\nbotId: t1\nlogLevel: silent\nnotify:\n  targets:\n    - kind: webhook\n      url: ${hook.url}/hook\n${grid('58000', '59000')}`,
    );
    const r = await cli('run', '--config', file, '--duration', '3');
    expect(r.code).toBe(0);
    expect(hook.received.length).toBeGreaterThanOrEqual(1);
    expect(hook.received[0]?.body).toMatchObject({ event: 'risk', market: 'DBTC_DUSDT' });
    expect(String(hook.received[0]?.body.text)).toMatch(/^gridbot t1: DBTC_DUSDT hit a risk limit and stops: risk limit: /);
    expect(r.out).toContain('gridbot: stopped.');
  }, 60_000);
});
