/**
 * Issue 17, "Inspector, for a trader": a real browser (Debian's chromium through playwright-core)
 * on the inspector page of a fleet trading on the simulator. It checks what a person sees: the
 * fleet totals per quote asset with their currency, the exchange balances, a fill in the trade
 * history with its counter-order, the profit and price charts drawn (uPlot, served by the inspector)
 * with their axis captions and legends, and a long stop reason readable in full.
 *
 * With GRIDBOT_SCREENSHOT=1 it writes docs/inspector.png (the README's screenshot); otherwise it
 * writes only under test-artifacts/. Waits on page conditions only, never sleeps.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/runtime/config/index.js';
import { type Inspector, startInspector } from '../../../src/runtime/inspector/inspector.js';
import { type Runtime, startRuntime } from '../../../src/runtime/runtime.js';
import { CHROMIUM, launchChromium, simFleetYaml } from './browser-support.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const WAIT = { timeout: 30_000 };
const LONG_REASON =
  'risk: the price left the grid range (below the lowest level 2950 for longer than the configured grace period); the grid stopped and cancelled its orders as its onStop says, review markets.yaml before starting it again';

const YAML = simFleetYaml('trader');

let browser: Browser | undefined;
let page: Page;
let inspector: Inspector | undefined;
let runtime: Runtime | undefined;
const foreign: string[] = [];

describe.skipIf(!existsSync(CHROMIUM))("the inspector's trader view in a browser", () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const parsed = parseConfig(YAML, 'trader-test.yaml');
    if (!parsed.ok) throw new Error(parsed.error.message);
    inspector = await startInspector({ port: 0, tickMs: 100 });
    runtime = await startRuntime({ config: parsed.config, env: {}, observers: [inspector.observe], shutdownTimeoutMs: 5_000 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const origin = new URL(inspector.url ?? '').origin;
    page.on('request', (r) => {
      if (new URL(r.url()).origin !== origin) foreign.push(r.url());
    });
    await page.goto(inspector.url ?? '');
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop('test over');
    await inspector?.close();
  });

  it('shows the fleet totals per quote asset, each labelled with its currency, and the balances', async () => {
    const totals = page.locator('#totals');
    // DBTC_DUSDT trades in DUSDT, the two others in USDT: two rows, never one sum.
    await totals.locator('tr', { hasText: /^DUSDT \(1 market\)/ }).waitFor(WAIT);
    await totals.locator('tr', { hasText: /^USDT \(2 markets\)/ }).waitFor(WAIT);
    const usdt = (await totals.locator('tr', { hasText: /^USDT/ }).innerText()).split('\t');
    expect(usdt.slice(1, 6).every((cell) => /^-?\d+(\.\d+)? USDT$/.test(cell.trim()))).toBe(true);
    for (const label of [
      'realised PnL, net of fees · this run',
      'realised PnL, net of fees · all time',
      'unrealised at the last price',
      'fees paid · this run',
    ]) {
      expect(await page.getByRole('columnheader', { name: label }).isVisible()).toBe(true);
    }
    // The simulator's demo account: its assets as the exchange reports them.
    const dusdt = page.locator('#balances tr', { hasText: /^DUSDT/ });
    await dusdt.waitFor(WAIT);
    expect(await dusdt.innerText()).toMatch(/^DUSDT\s+\d+(\.\d+)?\s+\d+(\.\d+)?$/);
    expect(await page.locator('#balanceNote').innerText()).toMatch(/^read \d\d:\d\d:\d\d/);
  });

  it('lists each fill in the trade history with its counter-order, and draws profit and price with labelled axes', async () => {
    await page.locator('#rows tr[data-id="market:DBTC_DUSDT"]').click();
    await page.locator('#dTitle', { hasText: 'market:DBTC_DUSDT' }).waitFor(WAIT);
    // A fill, and the order that answers it one level away: side, amount @ price, client id, state.
    const fill = page.locator('#marketTrades tr').first();
    await fill.waitFor({ state: 'visible', ...WAIT });
    // The table is drawn anew on updates: a read that lands on a row just replaced gets it undrawn (the
    // innerText of a detached row has no line breaks), so read until a drawn row answers.
    let cells: string[] = [];
    await expect
      .poll(async () => {
        cells = await fill.locator('td').allInnerTexts();
        return cells[5];
      }, WAIT)
      .toMatch(/^(buy|sell) [\d.]+ @ [\d.]+ · (owed|sending|live|filled|done|unknown)\n\S+$/);
    expect(cells[1]).toMatch(/^(BUY|SELL)$/);
    expect(cells[5]?.startsWith(cells[1] === 'BUY' ? 'sell' : 'buy')).toBe(true);
    // The same fill fleet-wide, with its market.
    await page
      .locator('#fleetTrades tr', { hasText: 'DBTC_DUSDT' })
      .first()
      .waitFor({ state: 'visible', ...WAIT });

    for (const [chart, caption, legend] of [
      ['#priceChart', /^x: time · y: price in DUSDT/, 'last price (DUSDT)'],
      ['#marketProfit', /^x: time · y: this run's realised PnL net of fees in DUSDT/, 'realised, net of fees (DUSDT)'],
      ['#fleetProfit', /^x: time · y: this run's realised PnL net of fees, per quote asset \(DUSDT, USDT\)/, 'realised, net of fees (USDT)'],
    ] as const) {
      const root = page.locator(`${chart} .uplot canvas`).first();
      await root.waitFor({ state: 'visible', ...WAIT });
      expect((await root.boundingBox())?.height).toBeGreaterThan(100);
      await page
        .locator(`${chart} + p.caption`)
        .getByText(caption)
        .waitFor({ state: 'visible', ...WAIT });
      expect(await page.locator(`${chart} .u-legend`).getByText(legend, { exact: true }).isVisible()).toBe(true);
    }
    if (process.env['GRIDBOT_SCREENSHOT'] === '1') {
      // The README's picture: a fleet that has traded a while.
      await expect.poll(() => page.locator('#fleetTrades tr').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(12);
      await page.locator('#rows tr[data-id="market:BTC_USDT"]').click();
      await expect.poll(() => page.locator('#marketTrades tr').count(), WAIT).toBeGreaterThanOrEqual(3);
      await mkdir(join(process.cwd(), 'docs'), { recursive: true });
      // The page down to the event log: the fleet, the rows, and the selected market's panels.
      const log = await page.getByRole('heading', { name: /^Event log/ }).boundingBox();
      await page.screenshot({ path: join(process.cwd(), 'docs', 'inspector.png'), fullPage: true, clip: { x: 0, y: 0, width: 1500, height: log?.y ?? 2400 } });
    }
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-trader.png'), fullPage: true });
    expect(foreign).toEqual([]);
  });

  it('shows a long stop reason in full', async () => {
    const eth = runtime?.supervisor.system.get('market:ETH_USDT') as { send(e: { type: 'stop'; reason: string }): void } | undefined;
    eth?.send({ type: 'stop', reason: LONG_REASON });
    const cell = page.locator('#rows tr[data-id="market:ETH_USDT"] td:last-child');
    await expect.poll(() => cell.innerText(), WAIT).toBe(LONG_REASON);
    // Inside the visible part of the rows table, not cut off at its right edge.
    const box = await cell.boundingBox();
    const pane = await page.locator('#overview').boundingBox();
    expect(box && pane && box.x + box.width <= pane.x + pane.width).toBe(true);
    expect(await cell.evaluate((td) => td.scrollWidth <= td.clientWidth)).toBe(true);
    // And under the market's title.
    await page.locator('#rows tr[data-id="market:ETH_USDT"]').click();
    await page
      .locator('#dReason')
      .getByText(`Stopped: ${LONG_REASON}`)
      .waitFor({ state: 'visible', ...WAIT });
  });
});
