/** What the inspector's browser tests share: Debian's chromium through playwright-core, and a three-grid fleet on the simulator. */
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const grid = (market: string, step: string) => [
  `  - market: ${market}`,
  '    spacing: arithmetic',
  '    ladder:',
  '      center: last',
  '      levelsPerSide: 4',
  `      step: "${step}"`,
  '    amountPerLevel:',
  '      quote: "60"',
  '    killSwitch:',
  '      timeout: 30',
];

/** markets.yaml of three grids on the simulator (seed 7): DBTC_DUSDT, BTC_USDT and ETH_USDT. */
export function simFleetYaml(botId: string): string {
  return [
    'exchange: sim',
    `botId: ${botId}`,
    'logLevel: silent',
    'sim:',
    '  seed: 7',
    'grids:',
    ...grid('DBTC_DUSDT', '150'),
    ...grid('BTC_USDT', '160'),
    ...grid('ETH_USDT', '10'),
    '',
  ].join('\n');
}

/** Launches headless chromium, offline (no background networking, no updates). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}
