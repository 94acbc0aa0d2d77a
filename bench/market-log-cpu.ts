/**
 * What the market log costs per fill, in process: the three lines `gridbot run` writes for a fill
 * on the desk path ("fill", "counter-order sent", "order placed via ws"), from the market's emitted
 * events through the market log (market-log.ts), the deferred sink (deferred-log.ts, one flush per
 * fill as the after-turn phase has) and the logger to an async file destination (logger.ts), as
 * run.ts wires them. Prints CPU µs and young-generation KiB allocated per fill (window-gc.ts),
 * medians of `runs` runs after a warm-up run (the events and their deferral alone, no line
 * built: `MARKET_LOG_SINK=none`).
 *
 *   node --expose-gc dist-bench/bench/market-log-cpu.js [fills=20000] [runs=3]
 */
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { MarketEmitted } from '../src/machines/market/market.emitted.js';
import { deferredSink } from '../src/runtime/deferred-log.js';
import { asyncDestination, createLogger, fixedShapeLogger, lineGatherer } from '../src/runtime/logger.js';
import { watchMarketLog } from '../src/runtime/market-log.js';
import type { MarketEvents } from '../src/runtime/start/observers.js';
import { cpuUs, median } from './common.js';
import { startWindowGc, stopWindowGc } from './window-gc.js';

/** A market's emitter: the market log's handlers, by event type. */
function emitter(): MarketEvents & { emit(e: MarketEmitted): void } {
  const handlers = new Map<string, (e: never) => void>();
  return {
    on: (type, handler) => {
      handlers.set(type, handler as (e: never) => void);
      return { unsubscribe: () => void handlers.delete(type) };
    },
    emit: (e) => handlers.get(e.type)?.(e as never),
  };
}

function runOnce(fills: number, markets: number): { cpu: number; kib: number } {
  const dir = mkdtempSync(join(tmpdir(), 'gridbot-market-log-'));
  // An open descriptor (left open: a write may still be under way): the destination is ready at once.
  const fd = openSync(join(dir, 'bot.log'), 'a');
  const logger = createLogger({ level: 'info', destination: asyncDestination(fd) });
  let due: (() => void) | null = null;
  const sink = deferredSink(
    process.env.MARKET_LOG_SINK === 'none' ? { info: () => {}, warn: () => {} } : fixedShapeLogger(logger),
    (f) => void (due = f),
    lineGatherer(logger),
  );
  const emitters = Array.from({ length: markets }, (_, m) => {
    const e = emitter();
    watchMarketLog(`M${m}_USDT`, e, sink);
    return e;
  });
  const fill = (n: number): void => {
    const e = emitters[n % markets] as ReturnType<typeof emitter>;
    const market = `M${n % markets}_USDT`;
    const side = n % 2 === 0 ? 'buy' : 'sell';
    const clientOrderId = `g1.bench.r88h2z.${side[0]}${n % 6}.${(1000 + n).toString(36)}`;
    const counterId = `g1.bench.r88h2z.${side[0]}${(n + 1) % 6}.${(1001 + n).toString(36)}`;
    e.emit({
      type: 'market.fill',
      dealId: 10_000_000_000 + n,
      orderId: 1_200_000_000_000 + n,
      clientOrderId,
      level: n % 6,
      side,
      price: '99',
      amount: '1',
      fee: '0.001',
      feeAsset: 'B0000',
    });
    e.emit({
      type: 'market.ordersSent',
      via: 'desk',
      intents: [
        { market, clientOrderId: counterId, level: (n + 1) % 6, side: side === 'buy' ? 'sell' : 'buy', price: '100', amount: '1', origin: 'counter' } as never,
      ],
    });
    e.emit({
      type: 'market.ordersAnswered',
      via: 'desk',
      fatal: null,
      outcomes: [{ kind: 'placed', clientOrderId: counterId, orderId: 1_200_000_000_001 + n, dealStock: '0', left: '1', via: 'ws' } as never],
    });
    const f = due as (() => void) | null;
    due = null;
    f?.();
  };
  for (let n = 0; n < 2_000; n += 1) fill(n);
  (globalThis as { gc?: () => void }).gc?.();
  startWindowGc();
  const before = cpuUs();
  for (let n = 0; n < fills; n += 1) fill(n);
  const used = cpuUs() - before;
  const census = stopWindowGc();
  sink.flush();
  (logger as unknown as Record<symbol, { flushSync(): void }>)[pino.symbols.streamSym]?.flushSync();
  rmSync(dir, { recursive: true, force: true });
  return { cpu: used / fills, kib: census.youngAllocatedBytes / fills / 1024 };
}

function main(): void {
  const fills = Number(process.argv[2] ?? 20_000);
  const runs = Number(process.argv[3] ?? 3);
  const cpu: number[] = [];
  const kib: number[] = [];
  for (let r = 0; r <= runs; r += 1) {
    const m = runOnce(fills, 50);
    if (r === 0) continue;
    cpu.push(m.cpu);
    kib.push(m.kib);
  }
  console.log(`market log, ${fills} fills x ${runs} runs (3 lines a fill, 50 markets), median [runs]`);
  console.log(`allocated ${median(kib).toFixed(1)} KiB/fill  [${kib.map((x) => x.toFixed(1)).join(' ')}]`);
  console.log(`CPU       ${median(cpu).toFixed(1)} µs/fill   [${cpu.map((x) => x.toFixed(1)).join(' ')}]`);
}

main();
