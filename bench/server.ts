/**
 * The bench server: runs in its own process (forked by bench/run.ts) so that the exchange's work
 * never shares an event loop with the bot under test. It starts the embedded simulator with the
 * price process off, then on command:
 * - `fills`: takes the bot's resting orders at a fixed rate (an IOC taker order at the maker's
 *   price and amount, markets round-robin, alternating best bid / best ask per market so the grid
 *   stays balanced) and reports every fill it made;
 * - `burst`: takes one resting order of every market at once (a market-wide move);
 * - `churn`: changes every market's visible book at a fixed rate (orders of a third account far
 *   from the grid), so the bot's socket carries depth deltas for every market;
 * - `blastServer`: a plain ws server that sends a pre-generated frame stream as fast as it can.
 *
 * `start` with `orderReplyDelayMs` holds every answer to a WebSocket order that long (the simulator's
 * own fault, `orderReply` frames delayed): the order rests and its pushes go out at once, so a fill
 * taken meanwhile reaches the bot before the order's answer (issue 15: the counter-order to such a
 * deal leaves without waiting for the answer).
 */
import { WebSocketServer } from 'ws';
import { DEMO_ACCOUNT, type Simulator, startSimulator } from '../src/sim/index.js';
import { generateFrames } from './frames.js';
import { type FillRecord, GRID, type ServerCommand, type ServerReply, marketNames } from './protocol.js';

const TAKER = 'bench-taker';
const CHURN = 'bench-churn';
const BIG = '1000000000000';

let sim: Simulator | null = null;
let names: string[] = [];
let churnStop: (() => void) | null = null;
let churnOps = 0;
const blasts: WebSocketServer[] = [];

function reply(r: ServerReply): void {
  process.send?.(r);
}

async function start(markets: number, orderReplyDelayMs: number): Promise<ServerReply> {
  await stop();
  names = marketNames(markets);
  wantBid = new Map();
  const balances: Record<string, string> = { USDT: BIG };
  const big: Record<string, string> = { USDT: BIG };
  for (const m of names) {
    const base = m.split('_')[0] ?? m;
    balances[base] = '1000000';
    big[base] = BIG;
  }
  sim = await startSimulator({
    port: 0,
    seed: 1,
    priceProcess: false,
    tickMs: 0,
    rateLimits: false,
    wsRequestsPerMinute: 10_000_000,
    idleTimeoutMs: 3_600_000,
    markets: names.map((name) => ({ name, stockPrec: 4, moneyPrec: 2, minAmount: '0.0001', minTotal: '0', startPrice: GRID.center })),
    accounts: [
      { ...DEMO_ACCOUNT, balances },
      { id: TAKER, apiKey: 'bench-taker-key', apiSecret: 'bench-taker-secret', balances: { ...big } },
      { id: CHURN, apiKey: 'bench-churn-key', apiSecret: 'bench-churn-secret', balances: { ...big } },
    ],
  });
  if (orderReplyDelayMs > 0) sim.faults.delayFrames('orderReply', { delayMs: orderReplyDelayMs, probability: 1 });
  return { seq: 0, op: 'started', restUrl: sim.restUrl, wsUrl: sim.wsUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret };
}

async function stop(): Promise<void> {
  churnStop?.();
  churnStop = null;
  const s = sim;
  sim = null;
  await s?.close();
}

/** A small seeded PRNG for churn prices (runs repeat). */
let seedState = 12345;
function rand(): number {
  seedState = (seedState * 1103515245 + 12345) % 2147483648;
  return seedState / 2147483648;
}

function churn(perMarketHz: number): void {
  churnStop?.();
  churnStop = null;
  const s = sim;
  if (!s || perMarketHz <= 0 || names.length === 0) return;
  const live = new Map<string, number[]>();
  const total = perMarketHz * names.length;
  const t0 = performance.now();
  let done = 0;
  let next = 0;
  const step = (): void => {
    const due = Math.floor(((performance.now() - t0) / 1000) * total);
    // Never burst more than 50 ms worth after a stall.
    if (due - done > total / 20) done = due - Math.ceil(total / 20);
    for (; done < due; done++) {
      const market = names[next % names.length] ?? '';
      next += 1;
      const ids = live.get(market) ?? [];
      live.set(market, ids);
      const now = s.clock.now();
      if (ids.length >= 6) {
        const old = ids.shift();
        if (old !== undefined) s.exchange.cancelOrder(CHURN, market, { orderId: old }, now);
      }
      const buy = rand() < 0.5;
      // Far from the grid (centre 100, a few levels of 1): bids 80–90, asks 110–120.
      const price = (buy ? 80 + rand() * 10 : 110 + rand() * 10).toFixed(2);
      const amount = (0.1 + rand() * 2).toFixed(4);
      const r = s.exchange.placeOrder(CHURN, { market, side: buy ? 'buy' : 'sell', amount, price }, now);
      if (r.ok) ids.push(r.value.id);
      churnOps += 1;
    }
  };
  const timer = setInterval(step, 5);
  churnStop = () => clearInterval(timer);
}

interface Target {
  readonly market: string;
  readonly id: number;
  readonly clientOrderId: string;
  readonly side: 'buy' | 'sell';
  readonly price: string;
  readonly amount: string;
}

/**
 * The bot's best resting order of one market on the side `wantBid` says (the other side when that
 * one is empty), and flips that market's side, so the grid stays balanced. Reads the top of the
 * market's book (the churn's orders rest far outside the grid, so the best level is the bot's when
 * it has one there). Null when the bot has no resting order on the market.
 */
function pick(s: Simulator, market: string, wantBid: Map<string, boolean>): Target | null {
  const book = s.exchange.bookOf(market);
  let bid = wantBid.get(market) ?? true;
  for (let attempt = 0; attempt < 2; attempt++, bid = !bid) {
    const level = (bid ? book.bids : book.asks).best();
    const o = level?.orders.find((x) => x.accountId === DEMO_ACCOUNT.id);
    if (o === undefined) continue;
    wantBid.set(market, !bid);
    return { market, id: o.id, clientOrderId: o.clientOrderId, side: o.side, price: o.price, amount: o.left.toFixed() };
  }
  return null;
}

/** Takes `t` with an IOC taker order at its price and full amount; the fill, or null when refused. */
function take(s: Simulator, t: Target): FillRecord | null {
  const r = s.exchange.placeOrder(
    TAKER,
    { market: t.market, side: t.side === 'buy' ? 'sell' : 'buy', amount: t.amount, price: t.price, ioc: true },
    s.clock.now(),
  );
  return r.ok ? { market: t.market, orderId: t.id, clientOrderId: t.clientOrderId, side: t.side, price: t.price, amount: t.amount } : null;
}

function takeOne(s: Simulator, market: string, wantBid: Map<string, boolean>): FillRecord | null {
  const t = pick(s, market, wantBid);
  return t === null ? null : take(s, t);
}

/** Which side each market's next taken order is on; kept across `fills` and `burst` commands of one start. */
let wantBid = new Map<string, boolean>();

function fills(seq: number, rate: number, count: number, markets: number, countOnly: boolean): void {
  const s = sim;
  if (!s) {
    reply({ seq, op: 'error', message: 'not started' });
    return;
  }
  const list = names.slice(0, Math.max(1, Math.min(markets, names.length)));
  const out: FillRecord[] = [];
  let made = 0;
  let skipped = 0;
  let k = 0;
  const churnAtStart = churnOps;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const fillOne = (): void => {
    const market = list[k % list.length] ?? '';
    k += 1;
    const fill = takeOne(s, market, wantBid);
    if (fill === null) skipped += 1;
    else {
      made += 1;
      if (!countOnly) out.push(fill);
    }
  };
  const tick = (): void => {
    const due = Math.min(count, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    while (k < due) fillOne();
    if (k >= count) {
      const cpu = process.cpuUsage(cpu0);
      reply({
        seq,
        op: 'fillsDone',
        fills: out,
        made,
        skipped,
        elapsedMs: performance.now() - t0,
        churnOps: churnOps - churnAtStart,
        cpuUs: cpu.user + cpu.system,
      });
      return;
    }
    // The next fill's due time; timers fire no sooner than 1 ms.
    const wait = (k / rate) * 1000 - (performance.now() - t0);
    setTimeout(tick, Math.max(0, Math.floor(wait)));
  };
  tick();
}

/**
 * One fill on every market in a single turn: the orders are chosen first, then taken in one tight
 * loop, so the frames of all of them leave together (`elapsedMs` is that loop).
 */
function burst(seq: number, markets: number): void {
  const s = sim;
  if (!s) {
    reply({ seq, op: 'error', message: 'not started' });
    return;
  }
  const targets: Target[] = [];
  let skipped = 0;
  for (const market of names.slice(0, Math.max(1, Math.min(markets, names.length)))) {
    const t = pick(s, market, wantBid);
    if (t === null) skipped += 1;
    else targets.push(t);
  }
  const out: FillRecord[] = [];
  const t0 = performance.now();
  for (const t of targets) {
    const fill = take(s, t);
    if (fill === null) skipped += 1;
    else out.push(fill);
  }
  reply({ seq, op: 'burstDone', fills: out, skipped, elapsedMs: performance.now() - t0 });
}

function blastServer(seq: number, frames: number, markets: number): void {
  const stream = generateFrames(frames, markets);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  blasts.push(wss);
  wss.on('connection', (ws) => {
    let i = 0;
    const pump = (): void => {
      // Keep a few hundred KiB queued so the client never waits on us, without unbounded buffering.
      while (i < stream.length && ws.bufferedAmount < 512 * 1024) ws.send(stream[i++] ?? '');
      if (i < stream.length) setImmediate(pump);
      else ws.close(1000, 'done');
    };
    pump();
  });
  wss.on('listening', () => {
    const addr = wss.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    reply({ seq, op: 'blastReady', url: `ws://127.0.0.1:${port}` });
  });
}

process.on('message', (raw: unknown) => {
  const cmd = raw as ServerCommand;
  const fail = (e: unknown): void => reply({ seq: cmd.seq, op: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  try {
    switch (cmd.op) {
      case 'start':
        start(cmd.markets, cmd.orderReplyDelayMs ?? 0).then((r) => reply({ ...r, seq: cmd.seq }), fail);
        return;
      case 'churn':
        churn(cmd.perMarketHz);
        reply({ seq: cmd.seq, op: 'ok' });
        return;
      case 'fills':
        fills(cmd.seq, cmd.rate, cmd.count, cmd.markets, cmd.countOnly === true);
        return;
      case 'burst':
        burst(cmd.seq, cmd.markets);
        return;
      case 'restingOrders':
        reply({ seq: cmd.seq, op: 'resting', count: sim?.exchange.activeOrders(DEMO_ACCOUNT.id).length ?? 0 });
        return;
      case 'blastServer':
        blastServer(cmd.seq, cmd.frames, cmd.markets);
        return;
      case 'stop':
        stop().then(() => reply({ seq: cmd.seq, op: 'ok' }), fail);
        return;
      case 'exit':
        for (const w of blasts) w.close();
        stop().then(() => {
          reply({ seq: cmd.seq, op: 'ok' });
          process.disconnect?.();
        }, fail);
        return;
    }
  } catch (e) {
    fail(e);
  }
});
process.on('disconnect', () => {
  void stop().finally(() => process.exit(0));
});
