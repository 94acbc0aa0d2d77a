/**
 * Starts our runtime the way `gridbot run` does with the example markets.yaml (pino at info to an
 * async file destination, the market log with its lines deferred a turn, the SQLite
 * journal), against an external simulator, with one grid per market, and subscribes every market's
 * depth on the shared connection so the socket carries the depth stream while fills are measured.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from 'xstate';
import type { connectionMachine } from '../src/machines/connection/connection.machine.js';
import { parseConfig } from '../src/runtime/config/index.js';
import { deferredSink } from '../src/runtime/deferred-log.js';
import { asyncDestination, createLogger, fixedShapeLogger } from '../src/runtime/logger.js';
import { openJournal } from '../src/runtime/journal/index.js';
import { marketLogObserver } from '../src/runtime/market-log.js';
import { type Runtime, startRuntime } from '../src/runtime/runtime.js';
import { statePath } from '../src/runtime/status/market-status.js';
import { CONNECTION_ID, marketActorId } from '../src/runtime/supervisor/supervisor.machine.js';
import type { GridShape } from './protocol.js';
import { tailWrapGather } from './tail-probe.js';

export interface OursOptions {
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly markets: readonly string[];
  readonly grid: GridShape;
  /** true: pino at info + market log + the journal, as `gridbot run` with the example markets.yaml; false: none of them. */
  readonly logging: boolean;
  /** markets.yaml `orderEntry` (issue 15); absent: the file sets none (the default: ws on the simulator). */
  readonly orderEntry?: 'ws' | 'rest';
}

export interface OursBot {
  readonly runtime: Runtime;
  /** ms from calling startRuntime to every market `running`. */
  readonly msToAllRunning: number;
  /** Subscribes depth for every market on the shared connection. */
  subscribeDepth(): void;
  stop(): Promise<void>;
}

function configYaml(markets: readonly string[], grid: GridShape, orderEntry: 'ws' | 'rest' | undefined): string {
  const lines = ['exchange: sim', 'botId: bench', 'logLevel: info', ...(orderEntry ? [`orderEntry: ${orderEntry}`] : []), 'grids:'];
  for (const m of markets) {
    lines.push(
      `  - market: ${m}`,
      '    spacing: arithmetic',
      `    ladder: { center: "${grid.center}", levelsPerSide: ${grid.levelsPerSide}, step: "${grid.step}" }`,
      `    amountPerLevel: { base: "${grid.amount}" }`,
    );
  }
  return lines.join('\n') + '\n';
}

const topState = (r: Runtime, market: string): string => {
  const ref = r.supervisor.system.get(marketActorId(market)) as Actor<never> | undefined;
  if (!ref) return 'stopped';
  const v = (ref.getSnapshot() as { value?: { lifecycle?: unknown } }).value;
  return statePath(v?.lifecycle).split('.')[0] ?? '';
};

export async function startOurs(options: OursOptions): Promise<OursBot> {
  const parsed = parseConfig(configYaml(options.markets, options.grid, options.orderEntry), 'bench.yaml');
  if (!parsed.ok) throw parsed.error;
  const dir = mkdtempSync(join(tmpdir(), 'gridbot-bench-'));
  const dest = options.logging ? tailWrapGather(asyncDestination(join(dir, 'bot.log'))) : null;
  const logger = dest ? createLogger({ level: 'info', destination: dest }) : null;
  // As the example markets.yaml runs: every market event committed to the journal before the actor sees it.
  const journal = options.logging ? openJournal({ path: join(dir, 'bench.journal'), checkpointIn: 'worker', tail: true }) : null;
  const marketLog = logger ? deferredSink(fixedShapeLogger(logger), undefined, dest) : null;
  const t0 = performance.now();
  const runtime = await startRuntime({
    config: parsed.config,
    exchangeUrl: { restUrl: options.restUrl, wsUrl: options.wsUrl },
    env: {},
    ...(logger && marketLog ? { logger, observers: [marketLogObserver(marketLog)] } : {}),
    ...(journal ? { journal } : {}),
  });
  // Every market running (or one ended, which is a failed bench).
  await new Promise<void>((resolve, reject) => {
    const poll = (): void => {
      let running = 0;
      for (const m of options.markets) {
        const s = topState(runtime, m);
        if (s === 'running') running += 1;
        else if (s === 'killed' || s === 'stopped') {
          reject(new Error(`${m} ${s}: ${JSON.stringify(runtime.statuses().find((x) => x.market === m))}`));
          return;
        }
      }
      if (running === options.markets.length) resolve();
      else setTimeout(poll, 2);
    };
    poll();
  });
  const msToAllRunning = performance.now() - t0;
  return {
    runtime,
    msToAllRunning,
    subscribeDepth: () => {
      const conn = runtime.supervisor.system.get(CONNECTION_ID) as Actor<typeof connectionMachine> | undefined;
      for (const m of options.markets) conn?.send({ type: 'subscribe', channel: 'depth', key: m });
    },
    stop: async () => {
      await runtime.stop('bench done');
      // BENCH_KEEP_JOURNAL=dir: the journal and its WAL as the run left them, for bench/wal-frames.ts (closing checkpoints the WAL away).
      const keep = process.env.BENCH_KEEP_JOURNAL;
      if (journal && keep) {
        mkdirSync(keep, { recursive: true });
        const kept = join(keep, `ours-${options.markets.length}m.journal`);
        copyFileSync(join(dir, 'bench.journal'), kept);
        copyFileSync(join(dir, 'bench.journal-wal'), `${kept}-wal`);
      }
      journal?.close();
      marketLog?.flush();
      if (dest) await new Promise<void>((resolve) => dest.flush(() => resolve()));
      dest?.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
