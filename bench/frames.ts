/**
 * A deterministic stream of WhiteBIT update frames for the routing-throughput measurement, the
 * same text for every contender: per market a depth snapshot first, then a mix of depth deltas
 * (chained update ids, so the router's gap check passes), deals, order updates and last prices,
 * in the proportions a grid connection sees (depth dominates).
 */
import { marketName } from './protocol.js';

/** A small seeded PRNG (mulberry32), so every run generates the same stream. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const px = (r: () => number, base: number): string => (base + Math.floor(r() * 1000) / 100).toFixed(2);

/** Returns `count` frames over `markets` markets (at least one snapshot per market first). */
export function generateFrames(count: number, markets: number, seed = 7): string[] {
  const r = rng(seed);
  const out: string[] = [];
  const lastId: number[] = [];
  const t = 1_750_000_000;
  for (let i = 0; i < markets && out.length < count; i++) {
    const m = marketName(i);
    lastId[i] = 1;
    const asks = Array.from({ length: 20 }, (_, k) => [(101 + k * 0.5).toFixed(2), '1.5']);
    const bids = Array.from({ length: 20 }, (_, k) => [(99 - k * 0.5).toFixed(2), '1.5']);
    out.push(JSON.stringify({ id: null, method: 'depth_update', params: [true, { timestamp: t, update_id: 1, asks, bids, event_time: t }, m] }));
  }
  let deal = 1;
  while (out.length < count) {
    const i = Math.floor(r() * markets);
    const m = marketName(i);
    const k = r();
    if (k < 0.7) {
      const past = lastId[i] ?? 1;
      const id = past + 1 + Math.floor(r() * 3);
      lastId[i] = id;
      const data: Record<string, unknown> = { timestamp: t, update_id: id, past_update_id: past };
      if (r() < 0.5) data.asks = [[px(r, 110), r() < 0.2 ? '0' : '2.25']];
      else data.bids = [[px(r, 80), r() < 0.2 ? '0' : '2.25']];
      data.event_time = t;
      out.push(JSON.stringify({ id: null, method: 'depth_update', params: [false, data, m] }));
    } else if (k < 0.8) {
      const side = r() < 0.5 ? 1 : 2;
      out.push(
        JSON.stringify({
          id: null,
          method: 'deals_update',
          params: [deal, t, m, 1000 + deal, px(r, 95), '1', '0.1', `g1.bench.abc123.b${deal % 7}.${deal.toString(36)}`, side, 1, 'USDT'],
        }),
      );
      deal += 1;
    } else if (k < 0.9) {
      const id = 5000 + deal;
      deal += 1;
      out.push(
        JSON.stringify({
          id: null,
          method: 'ordersPending_update',
          params: [
            3,
            {
              id,
              market: m,
              type: 1,
              side: 2,
              post_only: true,
              ioc: false,
              ctime: t,
              mtime: t,
              price: px(r, 95),
              amount: '1',
              left: '0',
              deal_stock: '1',
              deal_money: '95',
              deal_fee: '0.095',
              client_order_id: `g1.bench.abc123.b${id % 7}.${id.toString(36)}`,
              stp: 'no',
              status: 'FILLED',
              position_side: 'BOTH',
              rpi: false,
              reduce_only: false,
            },
          ],
        }),
      );
    } else {
      out.push(JSON.stringify({ id: null, method: 'lastprice_update', params: [m, px(r, 95)] }));
    }
  }
  return out;
}
