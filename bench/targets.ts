/**
 * Issue 13's targets, checked against one bench run: each is a row with the target, what this run
 * measured, and `met` (true, false, or null when the run did not measure it). `npm run bench`
 * prints them first and stores them in results.json as `targets`.
 *
 * A row that failed to measure counts as not met: a bench that cannot run the scenario has not
 * shown the target.
 */
import type { BacktestBenchRow } from './backtest.js';
import type { HistoryRow } from './history.js';
import type { Bot, BurstRow, LatencyRow, StartupRow } from './latency.js';
import { tooFewReactions } from './level-wait.js';
import type { SoakResult } from './soak.js';
import type { FloorRow } from './transport-floor.js';

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

export interface RunRows {
  readonly latency: readonly LatencyRow[];
  readonly burst: readonly BurstRow[];
  readonly startup: readonly StartupRow[];
  readonly history: readonly HistoryRow[];
  readonly soak: SoakResult | null;
  readonly floor?: readonly FloorRow[];
  readonly backtest?: BacktestBenchRow | null;
}

const notRun = (target: string): TargetCheck => ({ target, measured: 'not run', met: null });
const failed = (target: string, status: string): TargetCheck => ({ target, measured: status, met: false });
const ms = (us: number): string => `${(us / 1000).toFixed(2)} ms`;

function latencyOf(rows: RunRows, bot: Bot, markets: number, rate: number): LatencyRow | undefined {
  return rows.latency.find((r) => r.bot === bot && r.markets === markets && r.rate === rate);
}

/** Every target of issue 13's "Targets, measured by `npm run bench`", in its order. */
export function checkTargets(rows: RunRows): TargetCheck[] {
  const out: TargetCheck[] = [];

  {
    const target = 'ours, 50 markets, 1000 fills/s: CPU ≤ 100 µs per fill';
    const r = latencyOf(rows, 'ours', 50, 1000);
    if (!r) out.push(notRun(target));
    else if (r.status !== 'ok') out.push(failed(target, r.status));
    else {
      // Floors measured in the same run that no bot logic can go under: the bare bot (ours's wire,
      // nothing else: bench/bare-bot.ts) and one REST request alone.
      const bare = latencyOf(rows, 'bare', 50, 1000);
      const rest = rows.floor?.find((f) => f.via === 'rest');
      const floors = [
        ...(bare?.status === 'ok' ? [`the bare bot on the same wire: ${bare.cpuUsPerFill.toFixed(0)} µs`] : []),
        ...(rest?.status === 'ok' ? [`REST request alone: ${rest.cpuUsPerRequest.toFixed(0)} µs`] : []),
      ];
      const floor = floors.length > 0 ? ` (${floors.join('; ')})` : '';
      out.push({ target, measured: `${r.cpuUsPerFill.toFixed(0)} µs${floor}`, met: r.cpuUsPerFill <= 100 });
    }
  }

  for (const markets of [50, 500]) {
    const target = `ours, ${markets} markets, 1000 fills/s sustained: reaction p99 ≤ 5 ms (level waits apart)`;
    const r = latencyOf(rows, 'ours', markets, 1000);
    if (!r) out.push(notRun(target));
    else if (r.status !== 'ok') out.push(failed(target, r.status));
    else {
      // Sustained: the server kept the rate and (almost) every fill found an order and got its counter-order.
      const lost = r.unmatchedFills + r.skippedFills;
      const kept = r.achievedRate >= 0.95 * r.rate && lost <= 0.01 * r.fills;
      // Judged on the reaction samples (bench/level-wait.ts), the all-sample p99 and the counts beside it.
      const few = r.latencyUs.n === 0 ? 'no fill got its counter-order in the window' : tooFewReactions(r.reactionUs.n, r.latencyUs.n);
      const p99 =
        few ??
        `reaction p99 ${ms(r.reactionUs.p99)} (${r.reactionUs.n} of ${r.latencyUs.n} samples, ${r.levelWaits} level waits; all samples p99 ${ms(r.latencyUs.p99)})`;
      out.push({
        target,
        measured: `${p99}, ${r.achievedRate.toFixed(0)}/s, ${lost} of ${r.fills + r.skippedFills} fills unmatched`,
        met: few === null && kept && r.reactionUs.p99 <= 5000,
      });
    }
  }

  for (const markets of [...new Set(rows.latency.map((r) => r.markets))].sort((a, b) => a - b)) {
    const target = `${markets} market${markets === 1 ? '' : 's'}, 100 fills/s: ours p50 ≤ 0.6 × baseline p50`;
    const a = latencyOf(rows, 'ours', markets, 100);
    const b = latencyOf(rows, 'baseline', markets, 100);
    if (!a || !b) out.push(notRun(target));
    else if (a.status !== 'ok') out.push(failed(target, `ours ${a.status}`));
    else if (b.status !== 'ok') out.push(failed(target, `baseline ${b.status}`));
    else {
      const ratio = a.latencyUs.p50 / b.latencyUs.p50;
      out.push({ target, measured: `${ms(a.latencyUs.p50)} vs ${ms(b.latencyUs.p50)} (${ratio.toFixed(2)}×)`, met: ratio <= 0.6 });
    }
  }

  {
    const r = rows.burst.find((x) => x.bot === 'ours');
    const target = `burst, every one of ${r?.markets ?? 500} markets fills at once: ours last fill frame → last counter-order ≤ 50 ms`;
    if (!r) out.push(notRun(target));
    else if (r.status !== 'ok') out.push(failed(target, r.status));
    else {
      // Every market must have filled (a market without a resting order is a burst that did not happen) and reacted.
      const missing = r.unmatchedFills + r.skippedFills;
      out.push({
        target,
        measured: `${r.lastReactionMs.toFixed(1)} ms (${missing} of ${r.markets} markets without a fill or a counter-order)`,
        met: r.lastReactionMs <= 50 && missing === 0,
      });
    }
  }

  {
    const first = rows.history.find((r) => r.fills === 10_000);
    const last = rows.history.find((r) => r.fills === 1_000_000);
    const heapTarget = 'history: heap after 1M fills ≤ heap after 10k fills + 32 MiB';
    const cpuTarget = 'history: CPU per fill after 1M fills ≤ 1.2 × after 10k fills';
    if (!first || !last) {
      out.push(notRun(heapTarget), notRun(cpuTarget));
    } else if (first.status !== 'ok' || last.status !== 'ok') {
      const why = first.status !== 'ok' ? `10k: ${first.status}` : `1M: ${last.status}`;
      out.push(failed(heapTarget, why), failed(cpuTarget, why));
    } else {
      out.push(
        { target: heapTarget, measured: `${last.heapMiB.toFixed(1)} vs ${first.heapMiB.toFixed(1)} MiB`, met: last.heapMiB - first.heapMiB <= 32 },
        {
          target: cpuTarget,
          measured: `${last.cpuUsPerFill.toFixed(0)} vs ${first.cpuUsPerFill.toFixed(0)} µs (${(last.cpuUsPerFill / first.cpuUsPerFill).toFixed(2)}×)`,
          met: last.cpuUsPerFill <= 1.2 * first.cpuUsPerFill,
        },
      );
    }
  }

  if (rows.soak === null) out.push(notRun('soak (--soak, or npm run soak): 20 markets, 300 fills/s, 5 min'));
  else if (rows.soak.status !== 'ok') out.push(failed('soak', rows.soak.status));
  else {
    const o = rows.soak.options;
    for (const c of rows.soak.checks)
      out.push({ target: `soak (${o.markets} markets, ${o.rate}/s, ${o.minutes} min), ${c.name}: ${c.target}`, measured: c.measured, met: c.met });
  }

  {
    const target = 'backtest: 30 days of 1-minute candles (43 200), one 20-level grid ≤ 10 s';
    const b = rows.backtest ?? null;
    if (b === null) out.push(notRun(target));
    else if (b.status !== 'ok') out.push(failed(target, b.status));
    else out.push({ target, measured: `${b.wallS.toFixed(2)} s (${b.cpuS.toFixed(2)} s CPU, ${b.fills} fills)`, met: b.wallS <= 10 });
  }

  {
    const target = 'ours, 500 markets under depth load: RSS after the fills ≤ 250 MB';
    const r = rows.startup.find((x) => x.bot === 'ours' && x.markets === 500);
    if (!r) out.push(notRun(target));
    else if (r.status !== 'ok') out.push(failed(target, r.status));
    else out.push({ target, measured: `${(r.rssAfterFills / 1e6).toFixed(0)} MB`, met: r.rssAfterFills <= 250e6 });
  }
  return out;
}

/** `PASS`, `FAIL` or `—` (not measured in this run). */
export const verdict = (met: boolean | null): string => (met === null ? '—' : met ? 'PASS' : 'FAIL');
