/**
 * Issue 6, done-when: a real browser (Debian's chromium through playwright-core) on the inspector
 * page of a run on the simulator. It sees three markets reach `running`, a chart with the current
 * state lit, a socket drop (simulator fault injection) go reconnecting → reconciling → running on
 * the page, the disconnected banner when the runtime goes away, and the same page recover into a
 * replay of the session's recording, stepping backwards and forwards on its timeline.
 *
 * Artefacts: test-artifacts/inspector.png (live, after the reconnect) and
 * test-artifacts/inspector-replay.png. Waits on page conditions only, never sleeps.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/runtime/config/index.js';
import { type Inspector, type Replay, startInspector, startReplay } from '../../../src/runtime/inspector/inspector.js';
import { type Runtime, startRuntime } from '../../../src/runtime/runtime.js';
import { CHROMIUM, launchChromium, simFleetYaml } from './browser-support.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const MARKETS = ['DBTC_DUSDT', 'BTC_USDT', 'ETH_USDT'];
const WAIT = { timeout: 15_000 };

const YAML = simFleetYaml('insp');

let browser: Browser | undefined;
let page: Page;
let dir: string;
let inspector: Inspector | undefined;
let runtime: Runtime | undefined;
let replay: Replay | undefined;
const foreign: string[] = [];

const rowState = (id: string) => page.locator(`#rows tr[data-id="${id}"] td:nth-child(2)`);

describe.skipIf(!existsSync(CHROMIUM))('the inspector page in a browser', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gridbot-inspector-'));
    await mkdir(ARTIFACTS, { recursive: true });
    const parsed = parseConfig(YAML, 'inspector-test.yaml');
    if (!parsed.ok) throw new Error(parsed.error.message);
    inspector = await startInspector({ port: 0, record: join(dir, 'session.jsonl'), tickMs: 100 });
    runtime = await startRuntime({ config: parsed.config, env: {}, observers: [inspector.observe], shutdownTimeoutMs: 5_000 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const origin = new URL(inspector.url ?? '').origin;
    page.on('request', (r) => {
      if (new URL(r.url()).origin !== origin) foreign.push(r.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop('test over');
    await inspector?.close();
    await replay?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a live run: markets running, the chart lit, a socket drop and the recovery', async () => {
    await page.goto(inspector?.url ?? '');
    for (const m of MARKETS) await expect.poll(() => rowState(`market:${m}`).textContent(), WAIT).toMatch(/^running/);
    await expect.poll(() => rowState('connection').textContent(), WAIT).toMatch(/^connection\.open/);

    await page.locator('#rows tr[data-id="market:DBTC_DUSDT"]').click();
    await page.locator('#dTitle', { hasText: 'market:DBTC_DUSDT' }).waitFor(WAIT);
    // The chart, drawn from the machine definition, with the current state lit.
    const lit = page.locator('#chart g.box.lit');
    await page.locator('#chart g.box.lit[data-id="market.lifecycle.running.trading"]').waitFor(WAIT);
    expect(await lit.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-id')))).toContain('market.killSwitch.armed.waiting');
    expect(await page.locator('#chart g.box').count()).toBeGreaterThan(30);
    // The ladder: levels with resting buys and sells around the last price.
    await expect.poll(() => page.locator('#ladder tr.buy').count(), WAIT).toBeGreaterThan(0);
    expect(await page.locator('#ladder tr.sell').count()).toBeGreaterThan(0);
    expect(await page.locator('#ladder tr.last').textContent()).toMatch(/last price \d+/);

    // Drop every socket: the connection backs off and reconnects; the market reconciles.
    expect(runtime?.sim?.faults.closeSockets('all')).toBe(1);
    const log = page.locator('#log');
    await log.locator('td', { hasText: 'running.trading → reconnecting' }).first().waitFor(WAIT);
    await log.locator('td', { hasText: 'reconnecting → reconciling.fetching' }).first().waitFor(WAIT);
    await page.locator('#chart g.box.lit[data-id="market.lifecycle.running.trading"]').waitFor(WAIT);
    await log
      .locator('td', { hasText: /placing\.\w+ → running\.trading/ })
      .first()
      .waitFor(WAIT);
    await expect.poll(() => rowState('market:DBTC_DUSDT').textContent(), WAIT).toMatch(/^running/);
    const trail = await page.locator('#trail').textContent();
    expect(trail).toMatch(/connection\.up: lifecycle\.reconnecting → lifecycle\.reconciling/);
    for (const m of MARKETS) await expect.poll(() => rowState(`market:${m}`).textContent(), WAIT).toMatch(/^running/);
    await page.screenshot({ path: join(ARTIFACTS, 'inspector.png'), fullPage: true });
    expect(foreign).toEqual([]);
  });

  it("hides the market's ladder and price chart once another actor is selected", async () => {
    await page.locator('#rows tr[data-id="market:DBTC_DUSDT"]').click();
    await page.locator('#dTitle', { hasText: 'market:DBTC_DUSDT' }).waitFor(WAIT);
    await page.locator('#ladder').waitFor({ state: 'visible', ...WAIT });
    // Regression: `.cols { display: grid }` outranked the `hidden` attribute, so the previous market's
    // panels stayed on screen under the connection's detail.
    await page.locator('#rows tr[data-id="connection"]').click();
    await page.locator('#dTitle', { hasText: 'connection' }).waitFor(WAIT);
    await page.locator('#ladder').waitFor({ state: 'hidden', ...WAIT });
    expect(await page.locator('#marketPanels').isVisible()).toBe(false);
    expect(await page.getByText(/last price \d+/).isVisible()).toBe(false);
    await page.locator('#rows tr[data-id="market:DBTC_DUSDT"]').click();
    await page.locator('#ladder').waitFor({ state: 'visible', ...WAIT });
  });

  it('shows a banner when the runtime goes away, then recovers into a replay of the session', async () => {
    const port = new URL(inspector?.url ?? '').port;
    await runtime?.stop('test: end of the live part');
    await inspector?.close();
    await page.locator('.banner.down', { hasText: 'Disconnected from the gridbot runtime' }).waitFor(WAIT);

    // The same page, not reloaded: a server on the same port (a restarted runtime) resyncs it.
    replay = await startReplay({ file: join(dir, 'session.jsonl'), port: Number(port) });
    await page.locator('#mode', { hasText: 'replay' }).waitFor(WAIT);
    await page.locator('#timeline').waitFor({ state: 'visible', ...WAIT });
    expect(await page.locator('.banner.down').count()).toBe(0);
    const info = page.locator('#tInfo');
    await expect.poll(() => info.textContent(), WAIT).toMatch(/^record (\d+)\/\1 /);
    await expect.poll(() => rowState('market:DBTC_DUSDT').textContent(), WAIT).toMatch(/^stopped/);

    // Step backwards through the selected market's state changes, then forwards again.
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const before = await info.textContent();
      await page.locator('#tPrev').click();
      await expect.poll(() => info.textContent(), WAIT).not.toBe(before);
      seen.push((await rowState('market:DBTC_DUSDT').textContent()) ?? '');
    }
    expect(seen.some((s) => s.startsWith('killed'))).toBe(true);
    await page.locator('#tFirst').click();
    await expect.poll(() => info.textContent(), WAIT).toMatch(/^record 0\//);
    await page.locator('#emptyRows', { hasText: 'no actors yet' }).waitFor(WAIT);
    const states: string[] = [];
    for (let i = 0; i < 40 && !states.includes('running.trading'); i++) {
      const before = await info.textContent();
      await page.locator('#tNext').click();
      await expect.poll(() => info.textContent(), WAIT).not.toBe(before);
      const s = (await rowState('market:DBTC_DUSDT').count()) ? await rowState('market:DBTC_DUSDT').textContent() : '';
      if (s && states[states.length - 1] !== s) states.push(s);
    }
    expect(states[0]).toBe('init.loading');
    expect(states).toContain('running.trading');
    await page.locator('#chart g.box.lit[data-id="market.lifecycle.running.trading"]').waitFor(WAIT);
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-replay.png'), fullPage: true });
  });
});
