import { describe, expect, it } from 'vitest';
import { formatIssue, parseConfig } from '../../../src/runtime/config/index.js';
import { resolveTargets } from '../../../src/runtime/notify/index.js';

const GRIDS = `grids:
  - market: BTC_USDT
    spacing: arithmetic
    ladder: { lower: 100, upper: 200, levels: 5 }
    amountPerLevel: { base: 1 }
`;

function errors(notify: string): string[] {
  const r = parseConfig(`${notify}${GRIDS}`, 'markets.yaml');
  if (r.ok) throw new Error('expected errors');
  return r.error.issues.map(formatIssue);
}

describe('markets.yaml notify:', () => {
  it('reads the three kinds of target with their defaults; secrets only by the name of their variable', () => {
    const r = parseConfig(
      `notify:
  targets:
    - { kind: webhook, url: "https://hooks.example/gridbot" }
    - { kind: telegram, tokenEnv: GRIDBOT_TELEGRAM_TOKEN, chatId: -1001234 }
    - { kind: discord, urlEnv: GRIDBOT_DISCORD_WEBHOOK }
  dailySummaryAt: "07:30"
${GRIDS}`,
      'markets.yaml',
    );
    if (!r.ok) throw r.error;
    expect(r.config.notify).toEqual({
      targets: [
        { kind: 'webhook', url: 'https://hooks.example/gridbot', authHeaderEnv: null },
        { kind: 'telegram', tokenEnv: 'GRIDBOT_TELEGRAM_TOKEN', chatId: '-1001234', apiBase: 'https://api.telegram.org' },
        { kind: 'discord', urlEnv: 'GRIDBOT_DISCORD_WEBHOOK' },
      ],
      waitingForPriceAfterSec: 600,
      reconnectStorm: { reconnects: 5, withinMin: 10 },
      dailySummaryAtMin: 450,
      minIntervalSec: 2,
    });
    const none = parseConfig(GRIDS, 'markets.yaml');
    expect(none.ok && none.config.notify).toBe(null);
  });

  it('names file:line:col and the field of every mistake, and refuses a secret written in the file', () => {
    expect(
      errors(`notify:
  targets:
    - kind: telegram
      token: "123:abc"
      chatId: "-100"
    - kind: discord
      url: "https://discord.com/api/webhooks/1/x"
    - kind: slack
  waitingForPriceAfterSec: 5
  reconnectStorm: { reconnects: 1 }
  dailySummaryAt: "25:00"
`),
    ).toEqual([
      'markets.yaml:3:7 notify.targets[0].tokenEnv: is missing; a telegram target needs the name of the environment variable holding the bot token, e.g. GRIDBOT_TELEGRAM_TOKEN',
      'markets.yaml:4:7 notify.targets[0].token: secrets are never read from the config file; remove this key and name the environment variable that holds it (tokenEnv, urlEnv, authHeaderEnv)',
      'markets.yaml:6:7 notify.targets[1].urlEnv: is missing; a discord target needs the name of the environment variable holding the Discord webhook URL, e.g. GRIDBOT_DISCORD_WEBHOOK',
      'markets.yaml:7:12 notify.targets[1].url: is not a key of a discord target (it takes urlEnv)',
      'markets.yaml:8:13 notify.targets[2].kind: must be one of webhook | telegram | discord, got "slack"',
      'markets.yaml:9:28 notify.waitingForPriceAfterSec: must be an integer from 10 to 86400, got 5',
      'markets.yaml:10:33 notify.reconnectStorm.reconnects: must be an integer from 2 to 1000, got 1',
      'markets.yaml:11:19 notify.dailySummaryAt: must be a UTC time of day as "HH:MM", e.g. "00:00", got "25:00"',
    ]);
  });

  it('refuses to start when a named variable is not set, naming the target and the variable, never a value', () => {
    const r = parseConfig(
      `notify:
  targets:
    - { kind: webhook, url: "https://hooks.example/x", authHeaderEnv: HOOK_AUTH }
    - { kind: telegram, tokenEnv: TG_TOKEN, chatId: "@ops_chan" }
${GRIDS}`,
      'markets.yaml',
    );
    if (!r.ok || r.config.notify === null) throw new Error('config');
    const missing = resolveTargets(r.config.notify, { HOOK_AUTH: 'Bearer s3cret-value', TG_TOKEN: '  ' }, r.config.file, r.config.locations?.notifyTargets);
    expect(missing.ok ? [] : missing.issues.map(formatIssue)).toEqual([
      'markets.yaml:4:7 notify.targets[1].tokenEnv: names TG_TOKEN, which is not set in the environment (secrets are never read from markets.yaml)',
    ]);
    const ok = resolveTargets(r.config.notify, { HOOK_AUTH: 'Bearer s3cret-value', TG_TOKEN: '1:x' }, r.config.file);
    expect(ok.ok).toBe(true);
    // The resolved targets print no secret.
    expect(JSON.stringify(ok)).not.toContain('s3cret');
  });
});
