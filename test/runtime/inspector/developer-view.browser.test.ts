/**
 * Issue 17, the developer's view, in a real browser (Debian's chromium through playwright-core) on
 * a run on the simulator: every transition of the market chart drawn, dim, the ones taken lit; no
 * two transition labels overlapping on screen; a click on a state shows its transitions as text,
 * a second click or one elsewhere clears them; and a replay of the session, stepped through a
 * socket drop, shows the connection and the markets agreeing at every step.
 *
 * Artefact: test-artifacts/inspector-developer.png. Waits on page conditions only, never sleeps.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartJson } from '../../../src/machines/chart-export.js';
import { marketMachine } from '../../../src/machines/market/market.machine.js';
import { parseConfig } from '../../../src/runtime/config/index.js';
import { type Inspector, type Replay, startInspector, startReplay } from '../../../src/runtime/inspector/inspector.js';
import { type Runtime, startRuntime } from '../../../src/runtime/runtime.js';
import { disagreement } from './agreement.js';
import { simFleetYaml } from './sim-fleet.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const MARKETS = ['market:DBTC_DUSDT', 'market:BTC_USDT'];
const WAIT = { timeout: 15_000 };
const TRANSITIONS = chartJson(marketMachine).edges.reduce((n, e) => n + e.targets.length, 0);

/** What the tests start, closed at the end. */
const run: { dir: string; browser?: Browser; inspector?: Inspector; runtime?: Runtime; replay?: Replay } = { dir: '' };
let page: Page;

const rowState = (id: string) => page.locator(`#rows tr[data-id="${id}"] td:nth-child(2)`);
const box = (id: string) => page.locator(`#chart g.box[data-id="${id}"]`);

describe.skipIf(!existsSync(CHROMIUM))("the inspector's developer view in a browser", () => {
  beforeAll(async () => {
    run.dir = await mkdtemp(join(tmpdir(), 'gridbot-devview-'));
    await mkdir(ARTIFACTS, { recursive: true });
    const parsed = parseConfig(
      simFleetYaml('devview', [
        ['DBTC_DUSDT', '150'],
        ['BTC_USDT', '160'],
      ]),
      'devview-test.yaml',
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    run.inspector = await startInspector({ port: 0, record: join(run.dir, 'session.jsonl'), tickMs: 100 });
    run.runtime = await startRuntime({ config: parsed.config, env: {}, observers: [run.inspector.observe], shutdownTimeoutMs: 5_000 });
    run.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync'],
    });
    page = await run.browser.newPage({ viewport: { width: 1500, height: 1100 } });
  });

  afterAll(async () => {
    const closing = [() => run.browser?.close(), () => run.runtime?.stop('test over'), () => run.inspector?.close(), () => run.replay?.close()];
    for (const close of closing) await close();
    await rm(run.dir, { recursive: true, force: true });
  });

  it('draws every transition, dim, with the ones taken lit, and no two labels overlapping', async () => {
    await page.goto(run.inspector?.url ?? '');
    for (const m of MARKETS) await expect.poll(() => rowState(m).textContent(), WAIT).toMatch(/^running/);
    await page.locator('#rows tr[data-id="market:DBTC_DUSDT"]').click();
    await page.locator('#chart g.box.lit[data-id="market.lifecycle.running.trading"]').waitFor(WAIT);

    const paths = page.locator('#chart g.edge path');
    await expect.poll(() => paths.count(), WAIT).toBeGreaterThanOrEqual(TRANSITIONS);
    const visible = await paths.evaluateAll((ps) => ps.filter((p) => p.getBoundingClientRect().width + p.getBoundingClientRect().height > 0).length);
    expect(visible).toBe(TRANSITIONS);
    // Lit: the way the market came (loading → … → running), drawn in the trail colour; the rest dim grey.
    const lit = page.locator('#chart g.edge.lit');
    await expect.poll(() => lit.count(), WAIT).toBeGreaterThan(3);
    const colours = await paths.evaluateAll((ps) => ps.map((p) => `${getComputedStyle(p).stroke} ${getComputedStyle(p).strokeWidth}`));
    const counts = new Map<string, number>();
    for (const c of colours) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBeGreaterThanOrEqual(2);
    const litStyle = await lit
      .first()
      .locator('path')
      .evaluate((p) => `${getComputedStyle(p).stroke} ${getComputedStyle(p).strokeWidth}`);
    expect(counts.get(litStyle)).toBe(await lit.count());
    // The lit transitions read as text too: `done: loadMarket` took the market from loading.
    expect(await lit.locator('text').allTextContents()).toContain('done: loadMarket');
    expect(await lit.first().locator('text').isVisible()).toBe(true);

    // Every transition's label on screen, and no two of them overlapping.
    const labels = await page
      .locator('#chart text.edgeLabel, #chart text.arrowLabel')
      .evaluateAll((ts) => ts.map((t) => ({ text: t.textContent ?? '', ...JSON.parse(JSON.stringify(t.getBoundingClientRect())) })));
    expect(labels).toHaveLength(TRANSITIONS);
    const clash: string[] = [];
    labels.forEach((a, i) => {
      for (const b of labels.slice(i + 1)) {
        const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
        if (!apart) clash.push(`${a.text} / ${b.text}`);
      }
    });
    expect(clash).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-developer.png'), fullPage: true });
  });

  it("shows a clicked state's transitions as text; a second click or one elsewhere clears them", async () => {
    const panel = page.locator('#statePanel');
    expect(await panel.isVisible()).toBe(false);
    await box('market.lifecycle.reconnecting').click();
    await panel.waitFor({ state: 'visible', ...WAIT });
    const text = (await panel.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('lifecycle.reconnecting: its transitions');
    expect(text).toContain('lifecycle.reconnecting —connection.up→ lifecycle.reconciling');
    expect(text).toContain('lifecycle.running —connection.down→ lifecycle.reconnecting');
    expect(text).toContain('lifecycle.running —always [disconnected]→ lifecycle.reconnecting');
    await box('market.lifecycle.reconnecting').click();
    await panel.waitFor({ state: 'hidden', ...WAIT });

    await box('market.lifecycle.placing.sending').click();
    await panel.waitFor({ state: 'visible', ...WAIT });
    expect(await panel.innerText()).toContain('error: placeBatch [isFatalOrRejected]');
    await page.locator('#trail').click();
    await panel.waitFor({ state: 'hidden', ...WAIT });
  });

  it('replays a socket drop with the connection and the markets agreeing at every step', async () => {
    expect(run.runtime?.sim?.faults.closeSockets('all')).toBe(1);
    await page.locator('#log td', { hasText: 'running.trading → reconnecting' }).first().waitFor(WAIT);
    for (const m of MARKETS) await expect.poll(() => rowState(m).textContent(), WAIT).toMatch(/^running/);
    await run.runtime?.stop('test: end of the live part');
    await run.inspector?.close();

    run.replay = await startReplay({ file: join(run.dir, 'session.jsonl'), port: 0 });
    await page.goto(`${run.replay.url}#${encodeURIComponent('market:DBTC_DUSDT')}`);
    const info = page.locator('#tInfo');
    await expect.poll(() => info.textContent(), WAIT).toMatch(/^record (\d+)\/\1 /);
    await page.locator('#tFirst').click();
    await expect.poll(() => info.textContent(), WAIT).toMatch(/^record 0\//);

    const read = async () => {
      const conn = (await rowState('connection').count()) ? await rowState('connection').textContent() : null;
      const markets: [string, string][] = [];
      for (const m of MARKETS) if (await rowState(m).count()) markets.push([m, (await rowState(m).textContent()) ?? '']);
      return { conn, markets };
    };
    const bad: string[] = [];
    let sawDrop = false;
    for (let i = 0; i < 80; i++) {
      const before = await info.textContent();
      if (/^record (\d+)\/\1 /.test(before ?? '')) break;
      await page.locator('#tNext').click();
      await expect.poll(() => info.textContent(), WAIT).not.toBe(before);
      const { conn, markets } = await read();
      const d = disagreement(conn, markets);
      if (d) bad.push(`${await info.textContent()}: ${d}`);
      if (conn !== null && !conn.startsWith('connection.open') && markets.some(([, s]) => s === 'reconnecting')) sawDrop = true;
    }
    expect(bad).toEqual([]);
    expect(sawDrop).toBe(true);
  });
});
