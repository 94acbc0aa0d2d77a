/**
 * Issue 15's comparison, read off one bench run: the same runtime with `orderEntry: ws` (`ours`)
 * and `orderEntry: rest` (`ours-rest`), at each markets × fills/s the run measured: p50 / p99 of the
 * reaction, their ratio, CPU µs per fill, and which way the counter-orders really went. The
 * targets: p50 and p99 with ws ≤ 0.5 × with rest at 1 and 50 markets, 100 and 1,000 fills/s, and
 * `cpuUsPerFill` lower with ws.
 *
 * Latency is judged on the reaction samples (level waits apart, bench/level-wait.ts: the grid
 * waiting for its price is not a reaction time), with the all-sample figures and the counts beside
 * them; a row with too few reaction samples for a p99 says so and does not meet the target.
 *
 * A ws row whose counter-orders did not go over the socket (WebSocket order entry not wired or
 * never ready: every order fell back to REST) measured REST twice: its cells and its targets say
 * so instead of a ratio. A failed session is its status. Nothing here throws.
 */
import type { LatencyMeasured, LatencyRow } from './latency.js';
import { tooFewReactions } from './level-wait.js';
import type { TargetCheck } from './targets.js';

const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '—');

/** Why a measured ws row does not show the socket path, or null when it does. */
function wsPathMissing(r: LatencyMeasured): string | null {
  if (r.latencyUs.n === 0) return null;
  if (r.via.ws === 0) return `ws path not used: all ${r.via.rest} counter-orders went over REST (WebSocket order entry not wired or never ready)`;
  return null;
}

type Pair = { readonly ws: LatencyRow | undefined; readonly rest: LatencyRow | undefined };

/**
 * The two bots a comparison sets side by side: the runtime (`ours`, the targets), or the design's
 * skeleton (bench/skeleton-bot.ts: what any bot built this way pays, its best ratio on this machine).
 */
export type OrderEntryPair = 'ours' | 'skeleton';

function pairAt(latency: readonly LatencyRow[], markets: number, rate: number, pair: OrderEntryPair = 'ours'): Pair {
  const at = (bot: string) => latency.find((r) => r.bot === bot && r.markets === markets && r.rate === rate);
  return { ws: at(pair), rest: at(`${pair}-rest`) };
}

/** Both rows measured and the ws one over the socket, or why not. */
function comparable(p: Pair): { ws: LatencyMeasured; rest: LatencyMeasured } | string {
  if (p.ws === undefined || p.rest === undefined) return 'not run';
  if (p.ws.status !== 'ok') return `ws ${p.ws.status}`;
  if (p.rest.status !== 'ok') return `rest ${p.rest.status}`;
  const missing = wsPathMissing(p.ws);
  if (missing !== null) return missing;
  if (p.ws.latencyUs.n === 0 || p.rest.latencyUs.n === 0) return 'no fill got its counter-order in the window';
  return { ws: p.ws, rest: p.rest };
}

/** Why the pair's reaction p99s cannot be compared (a row with too few reaction samples), or null. */
function reactionShortfall(c: { ws: LatencyMeasured; rest: LatencyMeasured }): string | null {
  for (const [name, r] of [
    ['ws', c.ws],
    ['rest', c.rest],
  ] as const) {
    const few = tooFewReactions(r.reactionUs.n, r.latencyUs.n);
    if (few !== null) return `${name}: ${few}`;
  }
  return null;
}

/** The markdown rows of the comparison table (header first). */
export function orderEntryRows(
  latency: readonly LatencyRow[],
  markets: readonly number[],
  rates: readonly number[],
  pair: OrderEntryPair = 'ours',
): string[][] {
  const rows: string[][] = [
    [
      'markets',
      'fills/s',
      'ws reaction p50 / p99 / max',
      'rest reaction p50 / p99 / max',
      'ws ÷ rest, reaction (p50 / p99)',
      'level waits / samples (ws; rest)',
      'all samples p50 / p99 / max (ws; rest)',
      'CPU µs/fill (ws / rest)',
      'counter-orders via ws / rest (ws bot); on a deal before its answer',
    ],
  ];
  const cell = (r: LatencyRow | undefined): string =>
    r === undefined ? '—' : r.status !== 'ok' ? r.status : `${f0(r.reactionUs.p50)} / ${f0(r.reactionUs.p99)} / ${f0(r.reactionUs.max)}`;
  const both = (p: Pair, f: (r: LatencyMeasured) => string): string => [p.ws, p.rest].map((r) => (r?.status === 'ok' ? f(r) : '—')).join('; ');
  for (const m of markets) {
    for (const rate of rates) {
      const p = pairAt(latency, m, rate, pair);
      if (p.ws === undefined && p.rest === undefined) continue;
      const c = comparable(p);
      const ratio =
        typeof c === 'string'
          ? c
          : (reactionShortfall(c) ??
            `${(c.ws.reactionUs.p50 / c.rest.reactionUs.p50).toFixed(2)}x / ${(c.ws.reactionUs.p99 / c.rest.reactionUs.p99).toFixed(2)}x`);
      const waits = both(p, (r) => `${r.levelWaits} / ${r.latencyUs.n}`);
      const all = both(p, (r) => `${f0(r.latencyUs.p50)} / ${f0(r.latencyUs.p99)} / ${f0(r.latencyUs.max)}`);
      const cpu = [p.ws, p.rest].map((r) => (r?.status === 'ok' ? f0(r.cpuUsPerFill) : '—')).join(' / ');
      const via = p.ws?.status === 'ok' ? `${p.ws.via.ws} / ${p.ws.via.rest}; ${p.ws.dealsBeforeAnswer}` : '—';
      rows.push([String(m), String(rate), cell(p.ws), cell(p.rest), ratio, waits, all, cpu, via]);
    }
  }
  return rows;
}

/** Issue 15's targets: at 1 and 50 markets, 100 and 1,000 fills/s, ws p50 and p99 ≤ 0.5 × rest, CPU per fill lower. */
export function checkOrderEntryTargets(latency: readonly LatencyRow[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const markets of [1, 50]) {
    for (const rate of [100, 1000]) {
      const where = `${markets} market${markets === 1 ? '' : 's'}, ${rate} fills/s`;
      const latencyTarget = `${where}: orderEntry ws reaction p50 and p99 ≤ 0.5 × orderEntry rest (level waits apart)`;
      const cpuTarget = `${where}: orderEntry ws CPU per fill < orderEntry rest`;
      const c = comparable(pairAt(latency, markets, rate));
      if (c === 'not run') out.push({ target: latencyTarget, measured: 'not run', met: null }, { target: cpuTarget, measured: 'not run', met: null });
      else if (typeof c === 'string') out.push({ target: latencyTarget, measured: c, met: false }, { target: cpuTarget, measured: c, met: false });
      else {
        const few = reactionShortfall(c);
        const cpu = { target: cpuTarget, measured: `${f0(c.ws.cpuUsPerFill)} vs ${f0(c.rest.cpuUsPerFill)} µs`, met: c.ws.cpuUsPerFill < c.rest.cpuUsPerFill };
        if (few !== null) {
          out.push({ target: latencyTarget, measured: few, met: false }, cpu);
          continue;
        }
        const p50 = c.ws.reactionUs.p50 / c.rest.reactionUs.p50;
        const p99 = c.ws.reactionUs.p99 / c.rest.reactionUs.p99;
        const allP99 = c.ws.latencyUs.p99 / c.rest.latencyUs.p99;
        const counts = (r: LatencyMeasured): string => `${r.reactionUs.n} of ${r.latencyUs.n}`;
        out.push(
          {
            target: latencyTarget,
            measured:
              `reaction p50 ${f0(c.ws.reactionUs.p50)} vs ${f0(c.rest.reactionUs.p50)} µs (${p50.toFixed(2)}×), ` +
              `p99 ${f0(c.ws.reactionUs.p99)} vs ${f0(c.rest.reactionUs.p99)} µs (${p99.toFixed(2)}×) ` +
              `(reaction samples ${counts(c.ws)} vs ${counts(c.rest)}, the rest level waits; ` +
              `all samples p99 ${f0(c.ws.latencyUs.p99)} vs ${f0(c.rest.latencyUs.p99)} µs, ${allP99.toFixed(2)}×)`,
            met: p50 <= 0.5 && p99 <= 0.5,
          },
          cpu,
        );
      }
    }
  }
  return out;
}
