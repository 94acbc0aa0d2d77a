/**
 * Frame routing throughput: frames/s through our decode + `FrameRouter.route` against bare
 * `JSON.parse`, on the same pre-generated stream (bench/frames.ts), two ways:
 * - in memory: the frames as Buffers (what `ws` hands over), looped in one tick: the CPU cost only;
 * - over loopback `ws`: the bench server sends the stream as fast as it can, this process handles
 *   each `message`; frames/s from the first to the last frame.
 * The contenders get the same frames and each ends with the frame delivered to its market:
 * - `bare`: `JSON.parse(data.toString())`, nothing else (the floor);
 * - `ours`: `decodeFrame(data.toString())` + `FrameRouter.route` to one subscriber per market;
 * - `baseline`: `JSON.parse` + the array of per-market handlers that check `params` (baseline-bot.ts).
 */
import WebSocket from 'ws';
import { decodeFrame } from '../src/adapters/whitebit/index.js';
import { FrameRouter } from '../src/machines/connection/frame-router.js';
import { marketNames } from './protocol.js';

export type Contender = 'bare' | 'ours' | 'baseline';
export const CONTENDERS: readonly Contender[] = ['bare', 'ours', 'baseline'];

/** Returns a frame handler for `contender` over `markets` markets, and a counter of what reached a market. */
export function handlerFor(contender: Contender, markets: number): { handle: (data: Buffer) => void; delivered: () => number } {
  let delivered = 0;
  const names = marketNames(markets);
  switch (contender) {
    case 'bare':
      return {
        handle: (data) => {
          const msg = JSON.parse(data.toString()) as unknown;
          if (msg !== null) delivered += 1;
        },
        delivered: () => delivered,
      };
    case 'ours': {
      const router = new FrameRouter(() => {});
      for (const m of names) router.market(m).subscribe(() => (delivered += 1));
      return {
        handle: (data) => {
          const m = decodeFrame(data.toString());
          switch (m.kind) {
            case 'deals_update':
            case 'ordersPending_update':
            case 'lastprice_update':
            case 'depth_update':
            case 'balanceSpot_update':
              router.route(m);
              return;
            default:
              throw new Error(`frame not decoded as an update: ${m.kind}`);
          }
        },
        delivered: () => delivered,
      };
    }
    case 'baseline': {
      const handlers = names.map((market) => (msg: { method?: string; params?: unknown[] }): void => {
        const p = msg.params;
        if (!p) return;
        if (msg.method === 'ordersPending_update') {
          if ((p[1] as { market?: string } | undefined)?.market === market) delivered += 1;
        } else if (msg.method === 'lastprice_update') {
          if (p[0] === market) delivered += 1;
        } else if (p[2] === market) delivered += 1;
      });
      return {
        handle: (data) => {
          const msg = JSON.parse(data.toString()) as { method?: string; params?: unknown[] };
          for (const h of handlers) h(msg);
        },
        delivered: () => delivered,
      };
    }
  }
}

export interface ThroughputRun {
  readonly contender: Contender;
  readonly framesPerSec: number;
  readonly delivered: number;
}

/** In-memory: one pass over `frames` per contender, `reps` rounds interleaved; returns every run. */
export function inMemory(frames: readonly Buffer[], markets: number, reps: number): ThroughputRun[] {
  const runs: ThroughputRun[] = [];
  // One untimed pass each to warm the JIT.
  for (const c of CONTENDERS) {
    const h = handlerFor(c, markets);
    for (const f of frames) h.handle(f);
  }
  for (let r = 0; r < reps; r++) {
    for (const c of CONTENDERS) {
      const h = handlerFor(c, markets);
      const t0 = performance.now();
      for (const f of frames) h.handle(f);
      const ms = performance.now() - t0;
      runs.push({ contender: c, framesPerSec: frames.length / (ms / 1000), delivered: h.delivered() });
    }
  }
  return runs;
}

/** Over loopback ws: connects to the blast server once per contender and round; returns every run. */
export async function overWs(url: string, markets: number, expected: number, reps: number): Promise<ThroughputRun[]> {
  const runs: ThroughputRun[] = [];
  const once = (c: Contender): Promise<ThroughputRun> =>
    new Promise((resolve, reject) => {
      const h = handlerFor(c, markets);
      const ws = new WebSocket(url, { perMessageDeflate: false });
      let n = 0;
      let t0 = 0;
      let t1 = 0;
      ws.on('message', (data: Buffer) => {
        if (n === 0) t0 = performance.now();
        h.handle(data);
        n += 1;
        t1 = performance.now();
      });
      ws.on('error', reject);
      ws.on('close', () => {
        if (n !== expected) reject(new Error(`${c}: got ${n} of ${expected} frames`));
        // n - 1 intervals between the first and the last frame.
        else resolve({ contender: c, framesPerSec: (n - 1) / ((t1 - t0) / 1000), delivered: h.delivered() });
      });
    });
  await once('ours'); // warm-up
  for (let r = 0; r < reps; r++) for (const c of CONTENDERS) runs.push(await once(c));
  return runs;
}
