/**
 * Credentials never reach our outputs (issue 9). A real `gridbot run` child process trades on a
 * simulator account with a known API key and secret, given the way an operator gives them (the
 * WHITEBIT_API_KEY / WHITEBIT_API_SECRET environment, `--exchange-url`), with every output turned
 * on: trace logging, the journal, a recording, the inspector page and the stand-alone metrics
 * server. The run goes through the paths most likely to print a request: placing, a fill and its
 * counter-order, an order/new whose answer is lost (unknown outcome, reconciling), a dropped socket
 * (a new token, authorize again) and an orderly stop.
 *
 * Then neither the key nor the secret may appear in: any stdout or stderr line (the pino output),
 * the journal's SQLite file, its -wal and -shm (read while the bot runs and after it stopped), the
 * recording, anything the inspector serves (its SSE stream, its JSON endpoints), `/metrics` or
 * `/health`. The key is sent to the exchange as a header, as it must be; only what we write counts.
 *
 * Waits are on conditions, re-checked on every simulator event and child stdout line; no sleeps.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/sim/index.js';
import { sseClient } from '../runtime/inspector/support.js';
import { AMOUNT, LEVEL_PRICE, MARKET, MARKET_SPEC, PLAN, gridYaml, ours, testOrderEntry } from './harness.js';
import { type BotProcess, spawnBot } from './support/bot-process.js';
import { waitUntil } from './support/until.js';

/** Shaped like WhiteBIT's (32 hex digits), and unlike anything else a run writes. */
const API_KEY = '7f3a9c1e5d2b80461c9e7a5f3d8b2046';
const API_SECRET = 'e8d1c6b4a2f09375c1d9e7b5a3f08642';
const ACCOUNT = 'keyed';
const TAKER = 'taker';
/** Child start-up transpiles the sources: a few seconds; generous for a loaded CI box. */
const START_MS = 30_000;

let dir: string;
let sim: Simulator;
let child: BotProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridbot-secrets-'));
  sim = await startSimulator({
    port: 0,
    seed: 5,
    priceProcess: false,
    markets: [MARKET_SPEC],
    accounts: [
      { id: ACCOUNT, apiKey: API_KEY, apiSecret: API_SECRET, balances: { DBTC: '10', DUSDT: '100000' } },
      { id: TAKER, apiKey: 'taker-key', apiSecret: 'taker-secret', balances: { DBTC: '100', DUSDT: '10000000' } },
    ],
  });
});

afterEach(async () => {
  await child?.signal('SIGKILL');
  child = undefined;
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

/** Resolves with `check()`'s first truthy value, re-checked on each simulator event and child stdout line. */
function until<T>(label: string, check: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  return waitUntil(label, check, {
    sources: [(f) => sim.onEvent(f), ...(child ? [(f: () => void) => child!.onLine(f)] : [])],
    timeoutMs,
    describe: () => `child:\n  ${child?.lines().slice(-10).join('\n  ')}\n  stderr: ${child?.stderr().slice(-2000)}`,
  });
}

const botOrders = () => sim.state.orders(ACCOUNT).flatMap((o) => (ours(o) ? [ours(o)!] : []));
const lineWith = (prefix: string): string | undefined =>
  child
    ?.lines()
    .find((l) => l.startsWith(prefix))
    ?.slice(prefix.length)
    .trim();

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

/** The journal's files as they are now (the -wal and -shm exist while the bot has it open). */
async function journalBytes(journal: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const suffix of ['', '-wal', '-shm']) {
    const f = `${journal}${suffix}`;
    if (existsSync(f)) out[`journal${suffix || '.db'}`] = await readFile(f);
  }
  return out;
}

describe('no credentials in any output', () => {
  it('keeps the API key and secret out of logs, the journal, the recording, the inspector and /metrics', async () => {
    const journal = join(dir, 'journal.db');
    const recording = join(dir, 'run.jsonl');
    const config = join(dir, 'markets.yaml');
    await writeFile(config, gridYaml({ logLevel: 'trace', journalPath: journal }));
    child = spawnBot(['run', '--config', config, '--exchange-url', sim.restUrl, '--inspect', '0', '--metrics', '0', '--record', recording], {
      env: { WHITEBIT_API_KEY: API_KEY, WHITEBIT_API_SECRET: API_SECRET },
    });
    const urls = await until(
      'the inspector and metrics URLs printed and the plan resting',
      () => {
        const inspector = lineWith('gridbot: inspector on');
        const metrics = lineWith('gridbot: metrics on');
        return inspector && metrics && botOrders().length === PLAN.length ? { inspector, metrics: metrics.replace(/metrics$/, '') } : null;
      },
      START_MS,
    );
    const artifacts: Record<string, string | Buffer> = {};
    const sse = await sseClient(`${urls.inspector}events?focus=market:${MARKET}`);
    const sseAll = await sseClient(`${urls.inspector}events`);
    const healthy = async () => (await get(`${urls.metrics}health`)).status === 200;
    await until('/health 200', healthy);

    // A fill; its counter-order's answer is lost after the exchange placed it: reconciling finds it.
    // Over REST a 503 after the order/new took effect, over the socket (the default) a lost reply.
    if ((testOrderEntry() ?? 'ws') === 'rest') sim.faults.failRequests({ status: 503, count: 1, path: '/api/v4/order/new', after: true });
    else sim.faults.dropOrderReplies({ next: 1 });
    const r = sim.exchange.placeOrder(TAKER, { market: MARKET, side: 'sell', amount: AMOUNT, price: LEVEL_PRICE[1] as string }, sim.clock.now());
    expect(r.ok).toBe(true);
    await until(
      'the counter-sell at level 2 resting and every market running',
      async () => botOrders().some((o) => o.id.level === 2 && o.id.side === 'sell') && (await healthy()),
    );
    // The unknown outcome reconciled (a lost WS reply only at its deadline) before the drop, which reconciles again.
    const bot = child;
    const reconciled = (): boolean =>
      bot.logs().some((l) => l.msg === 'order outcome unknown: reconciling') && bot.logs().filter((l) => l.msg === `${MARKET} reconciling`).length === 1;
    await until('the unknown outcome reconciled', async () => reconciled() && (await healthy()), 15_000);
    // A dropped socket: a new connection, token and authorize.
    expect(sim.faults.closeSockets('all')).toBe(1);
    await until('connected and running again', async () => sim.connections().length === 1 && (await healthy()), 15_000);

    for (const path of [
      'api/state',
      `api/state?focus=market:${MARKET}`,
      'api/state?focus=connection',
      'api/state?focus=supervisor',
      'charts/market.json',
      'metrics',
      'health',
    ]) {
      const res = await get(`${urls.inspector}${path}`);
      expect(res.status, path).toBe(200);
      artifacts[`inspector /${path}`] = res.text;
    }
    for (const path of ['metrics', 'health']) artifacts[`metrics server /${path}`] = (await get(`${urls.metrics}${path}`)).text;
    for (const [name, bytes] of Object.entries(await journalBytes(journal))) artifacts[`${name} (running)`] = bytes;
    await sse.until(3);
    sse.stop();
    sseAll.stop();
    artifacts['inspector SSE (focused)'] = sse.messages.map((m) => `${m.event} ${m.data}`).join('\n');
    artifacts['inspector SSE'] = sseAll.messages.map((m) => `${m.event} ${m.data}`).join('\n');

    expect(await child.signal('SIGINT')).toBe(0);
    for (const [name, bytes] of Object.entries(await journalBytes(journal))) artifacts[`${name} (stopped)`] = bytes;
    artifacts.recording = await readFile(recording);
    artifacts.stdout = child.lines().join('\n');
    artifacts.stderr = child.stderr();

    // The outputs are real: the run traded and each output saw it.
    const logs = child.logs();
    expect(logs.some((l) => l.msg === 'fill')).toBe(true);
    expect(logs.some((l) => l.msg === 'counter-order sent')).toBe(true);
    expect(logs.some((l) => l.msg === 'order outcome unknown: reconciling')).toBe(true);
    expect(logs.filter((l) => l.msg === `${MARKET} reconciling`)).toHaveLength(2);
    expect(String(artifacts['metrics server /metrics'])).toContain(`gridbot_fills_total{market="${MARKET}"} 1`);
    expect(String(artifacts.recording).split('\n').length).toBeGreaterThan(50);
    expect(String(artifacts['inspector SSE (focused)'])).toContain('snapshot');
    expect(Buffer.byteLength(artifacts['journal.db (stopped)'] ?? '')).toBeGreaterThan(0);
    expect(Buffer.byteLength(artifacts['journal-wal (running)'] ?? '')).toBeGreaterThan(0);
    // …and the key was really in use: the orders rest on the keyed account.
    expect(sim.state.fills(ACCOUNT).length).toBeGreaterThan(0);

    const leaks = Object.entries(artifacts).flatMap(([name, content]) => {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      return [API_KEY, API_SECRET]
        .filter((s) => bytes.includes(s) || bytes.includes(Buffer.from(s, 'utf16le')))
        .map((s) => `${name} contains the ${s === API_KEY ? 'API key' : 'API secret'}`);
    });
    expect(leaks).toEqual([]);
  }, 90_000);
});
