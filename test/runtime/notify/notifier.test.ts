import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/sim/clock.js';
import { parseConfig } from '../../../src/runtime/config/index.js';
import type { NotifyConfig } from '../../../src/runtime/config/notify-schema.js';
import type { MarketStatus } from '../../../src/runtime/status/market-status.js';
import { type Notifier, createNotifier, resolveTargets } from '../../../src/runtime/notify/index.js';
import { stateEvent } from '../support/fake-emitter.js';
import { type Hook, fakeActors, recorder, startHook, until } from './support.js';

const TOKEN = '123456:SECRET-telegram-token';
const DISCORD_PATH = '/api/webhooks/42/SECRET-discord-part';
const AUTH = 'Bearer SECRET-webhook-auth';
// 2026-12-03 10:00:00 UTC
const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);

function notifyConfig(hook: Hook, extra = ''): NotifyConfig {
  const yaml = `
botId: ops1
notify:
  targets:
    - kind: webhook
      url: ${hook.url}/hook
      authHeaderEnv: HOOK_AUTH
    - kind: telegram
      tokenEnv: TG_TOKEN
      chatId: -1001234
      apiBase: ${hook.url}/tg/
    - kind: discord
      urlEnv: DISCORD_URL
  minIntervalSec: 0
  waitingForPriceAfterSec: 600
  reconnectStorm: { reconnects: 3, withinMin: 10 }
  dailySummaryAt: "18:00"
${extra}grids:
  - market: BTC_USDT
    spacing: arithmetic
    ladder: { lower: 100, upper: 200, levels: 5 }
    amountPerLevel: { base: 1 }
`;
  const r = parseConfig(yaml, 'markets.yaml');
  if (!r.ok) throw r.error;
  if (r.config.notify === null) throw new Error('no notify');
  return r.config.notify;
}

const status = (market: string, over: Partial<MarketStatus> = {}): MarketStatus =>
  ({
    market,
    state: 'running',
    liveOrders: 4,
    pendingOrders: 0,
    fills: 12,
    realisedPnl: '3.25',
    fees: '0.4',
    inventory: '0.002',
    quoteAsset: 'USDT',
    allTime: {} as never,
    killSwitchSeconds: 50,
    stopReason: null,
    waitingForPrice: 0,
    reason: null,
    ...over,
  }) as MarketStatus;

describe('notifier: every event kind in each of the three formats, against a local HTTP server', () => {
  let hook: Hook;
  let notifier: Notifier | null = null;
  beforeEach(async () => {
    hook = await startHook();
  });
  afterEach(async () => {
    await notifier?.close(1000);
    await hook.close();
  });

  function start() {
    const clock = new ManualClock(T0);
    const log = recorder();
    const config = notifyConfig(hook);
    const env = { HOOK_AUTH: AUTH, TG_TOKEN: TOKEN, DISCORD_URL: `${hook.url}${DISCORD_PATH}` };
    const resolved = resolveTargets(config, env, 'markets.yaml');
    if (!resolved.ok) throw new Error('targets');
    const n = createNotifier({ config, botId: 'ops1', targets: resolved.targets, clock, log: log.sink, defer: (w) => w() });
    notifier = n;
    const fake = fakeActors('BTC_USDT', 'ETH_USDT', 'SOL_USDT');
    n.observe(fake.actors);
    return { n, clock, log, fake };
  }

  /** The three requests of the last event: webhook, telegram, discord (in target order). */
  async function nextThree(count: number) {
    await hook.waitFor(count);
    const last = hook.received.slice(count - 3, count);
    const by = (p: string) => last.find((r) => r.path.startsWith(p));
    return { webhook: by('/hook'), telegram: by('/tg/'), discord: by('/api/webhooks/') };
  }

  it('tells a stop, a risk limit, levels waiting, a reconnect storm and the daily summary, each as a person reads it', async () => {
    const { n, clock, log, fake } = start();
    const btc = fake.market('BTC_USDT');

    // A market stopped (an exchange fault), with why.
    btc.emit(stateEvent('killed.cancelling', 'running.trading', 'ks.fatal', 'HTTP 401 unauthorized'));
    let got = await nextThree(3);
    expect(got.webhook?.body).toMatchObject({ source: 'gridbot', botId: 'ops1', event: 'stopped', market: 'BTC_USDT', reason: 'HTTP 401 unauthorized' });
    expect(got.webhook?.body.text).toBe('gridbot ops1: BTC_USDT stopped: HTTP 401 unauthorized');
    expect(got.webhook?.headers.authorization).toBe(AUTH);
    expect(got.telegram?.path).toBe(`/tg/bot${TOKEN}/sendMessage`);
    expect(got.telegram?.body).toMatchObject({ chat_id: '-1001234', text: 'gridbot ops1: BTC_USDT stopped: HTTP 401 unauthorized' });
    expect(got.discord?.path).toBe(DISCORD_PATH);
    expect(got.discord?.body).toEqual({ content: 'gridbot ops1: BTC_USDT stopped: HTTP 401 unauthorized' });
    // Its next sub-state is the same stop: not told twice.
    btc.emit(stateEvent('killed.disarming', 'killed.cancelling', 'x', 'HTTP 401 unauthorized'));

    // A risk limit hit (the market's own risk rule, on a price).
    const eth = fake.market('ETH_USDT');
    eth.emit(stateEvent('killed.cancelling', 'running.trading', 'feed.price', 'risk limit: price 1500 below the range exit 1800'));
    got = await nextThree(6);
    const riskText = 'gridbot ops1: ETH_USDT hit a risk limit and stops: risk limit: price 1500 below the range exit 1800';
    expect(got.webhook?.body).toMatchObject({ event: 'risk', market: 'ETH_USDT', text: riskText });
    expect(got.telegram?.body.text).toBe(riskText);
    expect(got.discord?.body.content).toBe(riskText);

    // Levels waiting for price: told once they have waited 600 s, not before, once per episode.
    await until(() => n.deliveries.every((d) => d.pending === 0), 'the risk message delivered');
    const sol = fake.market('SOL_USDT');
    sol.emit({ type: 'market.waiting', waiting: 1 });
    sol.emit({ type: 'market.waiting', waiting: 2 });
    clock.advance(599_000);
    expect(n.deliveries.map((d) => d.pending)).toEqual([0, 0, 0]);
    clock.advance(1_000);
    expect(n.deliveries.map((d) => d.pending)).toEqual([1, 1, 1]);
    got = await nextThree(9);
    const waitText = 'gridbot ops1: SOL_USDT has 2 levels waiting for price for 10 min (since 2026-12-03T10:00:00.000Z)';
    expect(got.webhook?.body).toMatchObject({ event: 'waiting', market: 'SOL_USDT', levels: 2, forSec: 600, text: waitText });
    expect(got.telegram?.body.text).toBe(waitText);
    expect(got.discord?.body.content).toBe(waitText);
    clock.advance(3_600_000);
    // Healed, then waiting again but healed within the 600 s: nothing told.
    sol.emit({ type: 'market.waiting', waiting: 0 });
    sol.emit({ type: 'market.waiting', waiting: 1 });
    clock.advance(300_000);
    sol.emit({ type: 'market.waiting', waiting: 0 });
    clock.advance(600_000);

    // A reconnect storm: 3 reconnects within 10 minutes (open → backoff), told once.
    for (let i = 0; i < 3; i++) {
      fake.connection('open');
      fake.connection('backoff');
      clock.advance(60_000);
    }
    got = await nextThree(12);
    const stormText = 'gridbot ops1: reconnect storm: 3 reconnects within 10 min';
    expect(got.webhook?.body).toMatchObject({ event: 'reconnectStorm', reconnects: 3, withinMin: 10, text: stormText });
    expect(got.telegram?.body.text).toBe(stormText);
    expect(got.discord?.body.content).toBe(stormText);

    // The daily summary at 18:00 UTC, a line per grid with fills, realised PnL net of fees, fees and inventory.
    n.attach({ statuses: () => [status('BTC_USDT'), status('ETH_USDT', { state: 'stopped', fills: 1, realisedPnl: '-0.1', fees: '0.02', inventory: '0' })] });
    clock.advance(Date.UTC(2026, 11, 3, 18, 0, 0) - clock.now());
    got = await nextThree(15);
    const summary = [
      'gridbot ops1: daily summary 2026-12-03 (UTC)',
      'BTC_USDT (running): 12 fills, realised 3.25 USDT net of fees, fees 0.4 USDT, inventory 0.002',
      'ETH_USDT (stopped): 1 fill, realised -0.1 USDT net of fees, fees 0.02 USDT, inventory 0',
    ].join('\n');
    expect(got.webhook?.body).toMatchObject({ event: 'dailySummary', date: '2026-12-03', text: summary });
    expect((got.webhook?.body.grids as unknown[])[0]).toEqual({
      market: 'BTC_USDT',
      state: 'running',
      fills: 12,
      realisedPnl: '3.25',
      fees: '0.4',
      inventory: '0.002',
      quoteAsset: 'USDT',
    });
    expect(got.telegram?.body.text).toBe(summary);
    expect(got.discord?.body.content).toBe(summary);
    // And again the next day.
    clock.advance(86_400_000);
    await hook.waitFor(18);

    expect(hook.received).toHaveLength(18);
    // No secret in any log line.
    for (const secret of [TOKEN, 'SECRET', AUTH]) expect(log.text()).not.toContain(secret);
  });

  it('does not tell stops of the shutdown the operator asked for, but tells a market whose actor failed', async () => {
    const { n, clock, fake } = start();
    fake.market('BTC_USDT').emit({ type: 'market.waiting', waiting: 2 });
    fake.supervisor.emit({ type: 'shutdown', reason: 'SIGINT' });
    fake.market('BTC_USDT').emit(stateEvent('killed.cancelling', 'running.trading', 'stop', 'SIGINT'));
    fake.supervisor.emit({ type: 'market.outcome', market: 'ETH_USDT', outcome: 'failed', reason: 'boom' });
    // The stopped market's waiting levels went with it: nothing told of them.
    clock.advance(3_600_000);
    expect(n.deliveries.map((d) => d.pending)).toEqual([1, 1, 1]);
    await hook.waitFor(3);
    expect(hook.received.map((r) => r.body.text ?? r.body.content)).toEqual([
      'gridbot ops1: ETH_USDT stopped: failed: boom',
      'gridbot ops1: ETH_USDT stopped: failed: boom',
      'gridbot ops1: ETH_USDT stopped: failed: boom',
    ]);
  });
});
