/**
 * Issue 17, live reconfiguration: a fleet of three grids runs on the simulator; markets.yaml is
 * edited and reloaded with one grid added, one changed and one removed. The added grid trades, the
 * removed one's orders are cancelled (`onStop: cancel`), the changed one runs with its new
 * parameters, and the untouched grid sends no cancel and no new order during the reload: counted on
 * the simulator's own order events for its market, whatever way (REST or WebSocket) they came, and
 * its actor is the same one. A file with an error is refused with the errors at file:line:col and
 * nothing reaches the exchange.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/runtime/config/index.js';
import { type Journal, openJournal } from '../../src/runtime/journal/index.js';
import { reloadLine } from '../../src/runtime/reload/reload-report.js';
import { reloadFromFile } from '../../src/runtime/reload/reload-file.js';
import { marketActorId } from '../../src/runtime/supervisor/supervisor.machine.js';
import type { SimEvent } from '../../src/sim/index.js';
import { AMOUNT, BOT_ACCOUNT, type Bench, MARKET, MARKET_B, MARKET_SPEC, PLAN, gridYaml, startBench } from './harness.js';

const MARKET_C = 'DLTC_DUSDT';
const MARKET_D = 'DSOL_DUSDT';
const dir = mkdtempSync(join(tmpdir(), 'gridbot-reload-'));
const benches: Bench[] = [];
afterEach(async () => {
  for (const b of benches.splice(0).reverse()) await b.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fleet(options: Parameters<typeof startBench>[0] = {}): Promise<Bench> {
  const b = await startBench({
    ...options,
    markets: [MARKET, MARKET_B, MARKET_C],
    proxy: true,
    botBalances: { DBTC: '10', DETH: '10', DLTC: '10', DSOL: '10', DUSDT: '100000' },
    simulator: { markets: [MARKET_SPEC, ...[MARKET_B, MARKET_C, MARKET_D].map((name) => ({ ...MARKET_SPEC, name }))] },
  });
  benches.push(b);
  for (const m of [MARKET, MARKET_B, MARKET_C]) await b.until(`${m} places its grid`, () => b.openOrders(m).length === PLAN.length);
  return b;
}

/** The simulator's order events of the bot's account on `market` from now on (a new order, a cancel, a fill). */
function orderEvents(b: Bench, market: string): { readonly events: SimEvent[]; stop(): void } {
  const events: SimEvent[] = [];
  const stop = b.sim.onEvent((e) => {
    if (e.type === 'order' && e.accountId === BOT_ACCOUNT && e.order.market === market) events.push(e);
  });
  return { events, stop };
}

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('live reconfiguration', () => {
  it('adds, changes and removes grids under a running fleet; the untouched grid sends nothing', async () => {
    const b = await fleet();
    const untouchedActor = b.runtime.supervisor.system.get(marketActorId(MARKET));
    const untouched = orderEvents(b, MARKET);
    const requestsBefore = b.proxy?.requests.length ?? 0;
    // A and D as the harness writes them, B with a bigger amount per level, C gone.
    const text = gridYaml({ markets: [MARKET, MARKET_B, MARKET_D] }).replace(new RegExp(`(- market: ${MARKET_B}[\\s\\S]*?base: )"${AMOUNT}"`), '$1"0.003"');
    expect(text).toContain('"0.003"');
    const file = writeConfig('reload.yaml', text);

    const result = await reloadFromFile(b.runtime, file);
    expect(result.kind).toBe('applied');
    if (result.kind !== 'applied') return;
    expect(reloadLine(result)).toBe(
      `reload: added ${MARKET_D}, removed ${MARKET_C} (cancelled ${PLAN.length}), changed ${MARKET_B} (restarted), unchanged ${MARKET}`,
    );

    // Removed: its orders cancelled, its actor gone.
    expect(b.openOrders(MARKET_C)).toEqual([]);
    expect(b.runtime.supervisor.system.get(marketActorId(MARKET_C))).toBeUndefined();
    // Changed: the new amount on every level.
    await b.until(`${MARKET_B} places its new grid`, () => {
      const open = b.openOrders(MARKET_B);
      return open.length === PLAN.length && open.every((o) => o.order.amount.toFixed() === '0.003');
    });
    // Added: it places its grid and trades (a fill at its first sell level brings its counter-buy).
    await b.until(`${MARKET_D} places its grid`, () => b.openOrders(MARKET_D).length === PLAN.length);
    b.take('buy', AMOUNT, '60200', MARKET_D);
    await b.until(`${MARKET_D} places the counter-buy at 60000`, () =>
      b.openOrders(MARKET_D).some((o) => o.order.side === 'buy' && String(o.order.price) === '60000'),
    );
    // Untouched: not one order placed or cancelled, the same actor, still trading its four orders.
    untouched.stop();
    expect(untouched.events).toEqual([]);
    expect(b.runtime.supervisor.system.get(marketActorId(MARKET))).toBe(untouchedActor);
    expect(b.state(MARKET)).toMatch(/^running/);
    expect(b.openOrders(MARKET)).toHaveLength(PLAN.length);
    expect((b.proxy?.requests.length ?? 0) > requestsBefore).toBe(true);
    // The status rows follow the file.
    expect(b.runtime.statuses().map((s) => s.market)).toEqual([MARKET, MARKET_B, MARKET_D]);
    expect(b.violations).toEqual([]);
  }, 30_000);

  it('a changed grid that keeps its orders (onStop: leave, onStart: adopt) adopts them from the journal: nothing cancelled, nothing placed twice', async () => {
    const journal: Journal = openJournal({ path: join(dir, 'adopt.journal') });
    let reloading = false;
    try {
      const b = await fleet({ journal, onStart: 'adopt', onStop: 'leave', killSwitchExempt: () => reloading });
      const before = b
        .openOrders(MARKET_B)
        .map((o) => o.order.clientOrderId)
        .sort();
      const events = orderEvents(b, MARKET_B);
      const old = b.runtime.supervisor.system.get(marketActorId(MARKET_B));
      // Only B's kill-switch timeout changes (its grid is the same): B is restarted and must adopt what rests.
      const text = gridYaml({ markets: [MARKET, MARKET_B, MARKET_C], onStart: 'adopt', onStop: 'leave' }).replace(
        new RegExp(`(- market: ${MARKET_B}[\\s\\S]*?timeout: )30`),
        '$140',
      );
      expect(text).toContain('timeout: 40');
      reloading = true;
      const result = await reloadFromFile(b.runtime, writeConfig('adopt.yaml', text));
      expect(result.kind === 'applied' && reloadLine(result)).toBe(`reload: changed ${MARKET_B} (restarted), unchanged ${MARKET} ${MARKET_C}`);
      await b.until(`${MARKET_B} runs again`, () => {
        const snap = b.market(MARKET_B);
        return (
          b.runtime.supervisor.system.get(marketActorId(MARKET_B)) !== old &&
          snap?.context.settings.killSwitch.timeoutSec === 40 &&
          /^running/.test(b.state(MARKET_B))
        );
      });
      await b.until(`${MARKET_B}'s kill-switch is armed again`, () => b.sim.state.killSwitches(BOT_ACCOUNT).some((k) => k.market === MARKET_B));
      reloading = false;
      events.stop();
      // The same orders rest: none cancelled, none placed.
      expect(
        b
          .openOrders(MARKET_B)
          .map((o) => o.order.clientOrderId)
          .sort(),
      ).toEqual(before);
      expect(events.events).toEqual([]);
      expect(b.violations).toEqual([]);
    } finally {
      reloading = false;
      for (const b of benches.splice(0).reverse()) await b.close();
      journal.close();
    }
  }, 30_000);

  it('refuses a file with an error: the errors at file:line:col, the fleet untouched, no request sent', async () => {
    const b = await fleet();
    const watched = [MARKET, MARKET_B, MARKET_C].map((m) => orderEvents(b, m));
    const requestsBefore = b.proxy?.requests.length ?? 0;
    const file = writeConfig('broken.yaml', gridYaml({ markets: [MARKET, MARKET_D] }).replace('spacing: arithmetic', 'spacing: sideways'));
    const result = await reloadFromFile(b.runtime, file);
    expect(result.kind).toBe('refused');
    if (result.kind !== 'refused') return;
    expect(result.issues.map(formatIssue)).toEqual([expect.stringMatching(new RegExp(`^${file}:\\d+:\\d+ grids\\[0\\]\\.spacing: `))]);
    // Kill-switch refreshes run on their own timer; nothing else may reach the exchange.
    const sent = (b.proxy?.requests ?? []).slice(requestsBefore).filter((r) => !r.path.includes('kill-switch'));
    expect(sent).toEqual([]);
    for (const w of watched) {
      w.stop();
      expect(w.events).toEqual([]);
    }
    expect(b.runtime.statuses().map((s) => s.market)).toEqual([MARKET, MARKET_B, MARKET_C]);
    for (const m of [MARKET, MARKET_B, MARKET_C]) expect(b.openOrders(m)).toHaveLength(PLAN.length);
  }, 30_000);

  it('refuses a change the running fleet cannot take (the bot id), naming it, with nothing sent', async () => {
    const b = await fleet();
    const watched = [MARKET, MARKET_B, MARKET_C].map((m) => orderEvents(b, m));
    const file = writeConfig('botid.yaml', gridYaml({ markets: [MARKET, MARKET_B], botId: 'other' }));
    const result = await reloadFromFile(b.runtime, file);
    expect(result).toMatchObject({ kind: 'refused', reasons: [expect.stringMatching(/^botId changed: .*restart gridbot to apply it$/)] });
    for (const w of watched) {
      w.stop();
      expect(w.events).toEqual([]);
    }
    expect(b.runtime.statuses().map((s) => s.market)).toEqual([MARKET, MARKET_B, MARKET_C]);
  }, 30_000);
});
