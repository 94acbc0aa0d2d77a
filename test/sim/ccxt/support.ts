/**
 * The ccxt conformance harness: a simulator on 127.0.0.1 port 0 (manual clock, the seeded house
 * quoting as the other sim tests use it, no automatic ticks) and ccxt's own `whitebit` (REST) and
 * `pro.whitebit` (WebSocket) classes pointed at it by their URLs alone. Nothing of ccxt is patched:
 * the only settings are the documented client options (`urls`, `apiKey`, `secret`) and, for the
 * plain-ws URL, `loadHttpProxyAgent()`, the call ccxt itself asks for before a `ws://` connection.
 *
 * ccxt keeps its default throttle (`rateLimit` 20 ms): its nonce is the millisecond clock and
 * WhiteBIT's strict nonce mode rejects a repeated one, so the throttle is what keeps two requests
 * of one client (fetchOrders runs two at once) from sharing a millisecond — as against the real
 * exchange.
 *
 * Waiting: a ccxt `watch*` promise resolves on the next matching push. Tests start the watch, wait
 * until the simulator has acknowledged its subscribe (`FrameSpy`, which listens on ccxt's socket),
 * then cause the event and step the simulator clock past its coalescing interval. No sleeps.
 */
import { Decimal } from 'decimal.js';
import ccxt, { type Exchange } from 'ccxt';
import type WebSocket from 'ws';
import { afterEach, beforeEach } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../../src/sim/index.js';

/** The trader's account: a fresh one with known balances (the house trades on its own account). */
export const TRADER = { id: 'trader', apiKey: 'ccxt-trader-key', apiSecret: 'ccxt-trader-secret' } as const;
export const START_BALANCES = { BTC: '2', USDT: '200000', ETH: '10' } as const;

/** ccxt's `urls.api` for a simulator: every REST version ccxt knows and the WebSocket URL. */
export function simUrls(sim: Simulator): { api: Record<string, unknown> } {
  const base = sim.restUrl;
  return {
    api: {
      v1: { public: `${base}/api/v1/public`, private: `${base}/api/v1` },
      v2: { public: `${base}/api/v2/public` },
      v4: { public: `${base}/api/v4/public`, private: `${base}/api/v4` },
      ws: sim.wsUrl,
    },
  };
}

export interface CcxtHarness {
  readonly sim: Simulator;
  /** ccxt's REST class. */
  readonly rest: Exchange;
  /** ccxt's pro class (REST and WebSocket in one object), created on first use. */
  pro(): Promise<Exchange>;
  /** A further pro instance with extra client options (its own socket). */
  newPro(extra: Record<string, unknown>): Promise<Exchange>;
  close(): Promise<void>;
}

export async function startCcxt(options: SimulatorOptions = {}): Promise<CcxtHarness> {
  const sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    seed: 7,
    clock: 'manual',
    tickMs: 0,
    accounts: [{ ...TRADER, balances: { ...START_BALANCES } }],
    ...options,
  });
  const config = { apiKey: TRADER.apiKey, secret: TRADER.apiSecret, urls: simUrls(sim) };
  const rest = new ccxt.whitebit(config);
  const pros: Exchange[] = [];
  const newPro = async (extra: Record<string, unknown> = {}): Promise<Exchange> => {
    const ex = new ccxt.pro.whitebit({ ...config, ...extra });
    pros.push(ex);
    await ex.loadHttpProxyAgent();
    return ex;
  };
  let pro: Promise<Exchange> | null = null;
  return {
    sim,
    rest,
    pro: () => (pro ??= newPro()),
    newPro,
    close: async () => {
      for (const ex of pros) await ex.close();
      await rest.close();
      await sim.close();
    },
  };
}

/**
 * A fresh harness for every test of the calling file (registered as beforeEach/afterEach): the
 * returned object reads the current test's harness.
 */
export function ccxtPerTest(options: SimulatorOptions = {}): Omit<CcxtHarness, 'close'> {
  let current: CcxtHarness | null = null;
  const get = (): CcxtHarness => {
    if (!current) throw new Error('the ccxt harness exists only inside a test');
    return current;
  };
  beforeEach(async () => {
    current = await startCcxt(options);
  });
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  return {
    get sim() {
      return get().sim;
    },
    get rest() {
      return get().rest;
    },
    pro: () => get().pro(),
    newPro: (extra) => get().newPro(extra),
  };
}

/** Exact decimal of a number ccxt returns (its unified structures hold JS numbers). */
export const dec = (n: number | string | undefined): Decimal => {
  if (n === undefined) throw new Error('expected a number, got undefined');
  return new Decimal(String(n));
};

/** The REST body of a ccxt result (`info`), as the simulator sent it. */
export const info = (x: { info?: unknown }): Record<string, unknown> => x.info as Record<string, unknown>;

/**
 * Resolves with `promise`'s outcome, or rejects naming `what` after `ms` of real time: a bound on a
 * hang (clearer than the test timeout), never a pause the test relies on.
 */
export function within<T>(promise: Promise<T>, what: string, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting for ${what}`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** Resolves once `condition()` holds, checking once per event-loop turn (bounded as {@link within}). */
export function until(condition: () => boolean, what: string): Promise<void> {
  const check = (resolve: () => void): void => {
    if (condition()) resolve();
    else setImmediate(() => check(resolve));
  };
  return within(new Promise<void>(check), what);
}

/**
 * Reads the frames the simulator sends to ccxt's WebSocket client (a listener on ccxt's own
 * socket: observation only). `nextSuccess()` resolves at the next `{"result":{"status":"success"}}`
 * reply, i.e. once the simulator has processed the subscribe a watch call just sent.
 */
export class FrameSpy {
  private waiters: { pred: (frame: SpiedFrame) => boolean; resolve: () => void }[] = [];

  private constructor(socket: WebSocket) {
    socket.on('message', (data: unknown) => {
      const frame = JSON.parse(String(data)) as SpiedFrame;
      const ready = this.waiters.filter((w) => w.pred(frame));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve();
    });
  }

  /** Attaches to the open socket of `ex` (call after a first watch has connected). */
  static attach(ex: Exchange, sim: Simulator): FrameSpy {
    const client = (ex.clients as Record<string, { connection?: WebSocket }>)[sim.wsUrl];
    if (!client?.connection) throw new Error('ccxt has no open socket to the simulator yet');
    return new FrameSpy(client.connection);
  }

  /** Resolves at the next frame that satisfies `pred`. */
  next(pred: (frame: SpiedFrame) => boolean): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  nextSuccess(): Promise<void> {
    return this.next((f) => typeof f.result === 'object' && f.result !== null && (f.result as { status?: unknown }).status === 'success');
  }
}

/** A frame as the simulator sent it. */
export interface SpiedFrame {
  id?: number | null;
  method?: string;
  result?: unknown;
  error?: unknown;
}

/**
 * Starts `watch` and resolves (with its still pending promise) once the simulator has
 * acknowledged the subscribe it sent.
 */
export async function subscribed<T>(spy: FrameSpy, watch: () => Promise<T>, what: string): Promise<{ next: Promise<T> }> {
  const ack = spy.nextSuccess();
  const next = watch();
  next.catch(() => {});
  await within(ack, `the subscribe of ${what}`);
  return { next };
}

/** The id of an order ccxt returned (ccxt types it as possibly undefined). */
export function idOf(o: { id?: string | undefined }): string {
  if (o.id === undefined) throw new Error('ccxt returned an order without an id');
  return o.id;
}

/** Steps the simulator clock to the start of the next minute, so trades that follow share a 1m candle. */
export function alignToMinute(sim: Simulator): void {
  sim.advance(60_000 - (sim.clock.now() % 60_000));
}
