/**
 * One bench session: one bot at N markets against a fresh simulator in the server process; the
 * reaction latency and the bot's CPU per fill at each rate, optionally the `burst` (every market
 * fills at once) after the lowest rate, then memory. See bench/README.md for what each number means.
 *
 * Entry point: `runSession`. Invariant: it never throws; whatever fails (the bot's start, a
 * command the server never answers, a bot that stopped) becomes rows with `status: 'failed: …'`
 * for everything the session had still to measure, the bot is stopped and the server reset.
 */
import { BareBot } from './bare-bot.js';
import { SkeletonBot } from './skeleton-bot.js';
import { BaselineBot } from './baseline-bot.js';
import { type MemSample, cpuUs, memory, reasonOf, sleep, within } from './common.js';
import { startOurs } from './ours.js';
import type { LatencyProbe, LatencyResult, Summary } from './probe.js';
import { summarize } from './probe.js';
import { armStages, reportStages } from './stage-probe.js';
import { armTail, reportTail } from './tail-probe.js';
import { type WindowGc, startWindowGc, stopWindowGc } from './window-gc.js';
import { startWindowProfile, stopWindowProfile, writeWindowMarks } from './window-profile.js';
import { GRID, type ServerReply, marketNames } from './protocol.js';
import type { BenchServer } from './server-client.js';

/**
 * `ours`: as `gridbot run` (pino at info + market log + journal), with markets.yaml's default
 * `orderEntry` (ws on the simulator); `ours-rest`: the same with `orderEntry: rest` (issue 15's
 * comparison); `ours-quiet`: none of logger, log, journal; `baseline`: baseline-bot.ts; `bare`:
 * bare-bot.ts, ours's wire and nothing else (the floor under `cpuUsPerFill`); `bare-own`: the bare
 * bot with its counter-orders on a second connection of their own (issue 15: shared or own);
 * `skeleton` / `skeleton-rest`: skeleton-bot.ts, the bare bot plus what this design requires of any bot (a
 * write-ahead write, an XState actor per market, a desk actor), its counter-orders over the socket or
 * through our REST client (issue 15: the best ws ÷ rest ratio this machine allows such a bot).
 */
export type Bot = 'ours' | 'ours-rest' | 'ours-quiet' | 'baseline' | 'bare' | 'bare-own' | 'skeleton' | 'skeleton-rest';
/** The bots a run without `--bots` measures. */
export const BOTS: readonly Bot[] = ['ours', 'ours-rest', 'ours-quiet', 'baseline', 'bare'];
/** Every bot `--bots` accepts: `BOTS` and those only run on request (`bare-own`, `skeleton`, `skeleton-rest`). */
export const ALL_BOTS: readonly Bot[] = [...BOTS, 'bare-own', 'skeleton', 'skeleton-rest'];

/** The `orderEntry` each of our bots runs with (null: the baseline, bare and skeleton bots, which are not ours). */
export function orderEntryOf(bot: Bot): 'ws' | 'rest' | null {
  return bot === 'ours' || bot === 'ours-quiet' ? 'ws' : bot === 'ours-rest' ? 'rest' : null;
}

export type Failed = `failed: ${string}`;

export interface SessionOptions {
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly minSamples: number;
  readonly warmupSeconds: number;
  /**
   * Fills sent, unmeasured, at the session's highest rate before its first rate: the first session of a
   * bot in this process runs its code cold, and V8 spends its first seconds compiling it on helper threads
   * that take the core the bot's main thread waits for (bench/README.md). 0 for later sessions.
   */
  readonly jitWarmupFills: number;
  /** Depth changes per market per second during the session. */
  readonly churnHz: number;
  /** Also measure the burst (one fill on every market at once) after the rates. */
  readonly burst: boolean;
  /** Bursts measured one after the other, each a row (grids full again before each); default 1. */
  readonly burstReps?: number;
  /** The server holds every answer to a WebSocket order this long (0: off; bench/server.ts). */
  readonly orderReplyDelayMs: number;
}

interface RowKey {
  readonly bot: Bot;
  readonly markets: number;
}

export type LatencyRow = (RowKey & { readonly rate: number; readonly status: Failed }) | LatencyMeasured;

export interface LatencyMeasured extends RowKey {
  readonly status: 'ok';
  readonly rate: number;
  /** Fills/s the server achieved. */
  readonly achievedRate: number;
  /** Every sample (level waits included). */
  readonly latencyUs: Summary;
  /** The reaction samples: `latencyUs` without the level waits (bench/level-wait.ts). Targets are judged on these. */
  readonly reactionUs: Summary;
  /** Samples that are level waits: the counter-order's level was held by another order until that order filled. */
  readonly levelWaits: number;
  /** What held each level wait's level: a reaction sample's counter-order (left before the fill or not), a level wait's, none (bench/probe.ts). */
  readonly levelWaitHolders: LatencyResult['levelWaitHolders'];
  readonly dispatchUs: Summary;
  readonly headersUs: Summary;
  /** Frame in → a REST counter-order's write returned (undici `bodySent`): the reaction before 2026-12-04; empty for ws. */
  readonly bodySentUs: Summary;
  /**
   * The bot process's CPU (user + system) from arming the window to its last counter-order, per fill
   * made. Meaningful when the bot keeps up; a queueing bot's window ends before its work does.
   */
  readonly cpuUsPerFill: number;
  /**
   * The bench server's CPU over its fills, per fill: the simulated exchange shares the machine, so
   * bot + server per fill × fills/s is how much of the cores the row asked for (a p99 with both near
   * a core each includes the bot waiting for a core).
   */
  readonly serverCpuUsPerFill: number;
  /** Order requests the bot sent in the window (one per fill when it keeps up). */
  readonly counterOrders: number;
  readonly fills: number;
  readonly unmatchedFills: number;
  readonly strayRequests: number;
  readonly skippedFills: number;
  readonly depthChangesPerSec: number;
  readonly firstFrame: LatencyResult['firstFrame'];
  readonly trigger: LatencyResult['trigger'];
  /** Samples by the way their counter-order went (a `ws` bot whose orders all went over REST did not use the socket). */
  readonly via: LatencyResult['via'];
  /** Samples sent on a deal that came before its order's answer (WebSocket order entry; see `--order-reply-delay`). */
  readonly dealsBeforeAnswer: number;
  /** Ours: market states and connection state after the window (a market that left `running` is a finding). */
  readonly botState: string;
  /** The garbage collections of the window (bench/window-gc.ts): this process, bot and probe together. */
  readonly gc: WindowGc;
}

export type BurstRow = (RowKey & { readonly status: Failed }) | BurstMeasured;

export interface BurstMeasured extends RowKey {
  readonly status: 'ok';
  /** Fills the server made in one turn (one per market), and markets it found nothing to take on. */
  readonly fills: number;
  readonly skippedFills: number;
  /** The bot's resting orders before the burst (of levels × markets). */
  readonly restingBefore: number;
  /** The server's time from its first to its last taker order. */
  readonly serverMs: number;
  /** First fill frame received → last fill frame received: how long the socket took to bring the burst in. */
  readonly framesSpreadMs: number;
  /** The reaction to the fill whose frame came first. */
  readonly firstReactionMs: number;
  readonly medianReactionMs: number;
  /** Last fill frame received → last counter-order's write start (the probe's t1). */
  readonly lastReactionMs: number;
  readonly unmatchedFills: number;
  readonly cpuUsPerFill: number;
  readonly botState: string;
}

export type StartupRow = (RowKey & { readonly status: Failed }) | StartupMeasured;

export interface StartupMeasured extends RowKey {
  readonly status: 'ok';
  readonly msToAllPlaced: number;
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly heapAfterFills: number;
  readonly rssAfterFills: number;
  /** CPU % of a core over 1 s with the depth stream and no fills, before the first rate. */
  readonly depthOnlyCpuPct?: number;
}

export interface SessionRows {
  readonly latency: LatencyRow[];
  readonly burst: BurstRow[];
  readonly startup: StartupRow[];
}

interface RunningBot {
  readonly msToAllPlaced: number;
  state(): string;
  stop(): Promise<void>;
}

async function startBot(bot: Bot, started: Extract<ServerReply, { op: 'started' }>, markets: number): Promise<RunningBot> {
  const names = marketNames(markets);
  const orderEntry = orderEntryOf(bot);
  if (orderEntry !== null) {
    const ours = await startOurs({ restUrl: started.restUrl, wsUrl: started.wsUrl, markets: names, grid: GRID, logging: bot !== 'ours-quiet', orderEntry });
    ours.subscribeDepth();
    return {
      msToAllPlaced: ours.msToAllRunning,
      state: () => {
        const counts = new Map<string, number>();
        for (const st of ours.runtime.statuses()) counts.set(st.state, (counts.get(st.state) ?? 0) + 1);
        return `${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}; connection ${ours.runtime.connectionState()}`;
      },
      stop: () => ours.stop(),
    };
  }
  const t0 = performance.now();
  const options = { restUrl: started.restUrl, wsUrl: started.wsUrl, apiKey: started.apiKey, apiSecret: started.apiSecret, markets: names, grid: GRID };
  const b =
    bot === 'baseline'
      ? new BaselineBot(options)
      : bot === 'skeleton' || bot === 'skeleton-rest'
        ? new SkeletonBot({ ...options, orderEntry: bot === 'skeleton' ? 'ws' : 'rest' })
        : new BareBot({ ...options, orderSocket: bot === 'bare-own' ? 'own' : 'shared' });
  try {
    await b.start();
  } catch (e) {
    b.close();
    throw e;
  }
  return {
    msToAllPlaced: performance.now() - t0,
    state: () => `placed ${b.placed}, failed ${b.errors}${b.lastError === null ? '' : ` (last: ${b.lastError.slice(0, 200)})`}`,
    stop: async () => {
      b.close();
      if (b.errors > 0) console.warn(`${bot}: ${b.errors} counter-orders failed`);
    },
  };
}

/**
 * Waits until the bot has sent no order for 300 ms (at most `maxMs`) and returns the process CPU at
 * the last poll that saw a new order: the end of the window's work, to 100 ms.
 */
async function settle(probe: LatencyProbe, maxMs: number): Promise<number> {
  let cpuAtLast = cpuUs();
  for (let last = -1, quiet = 0, waited = 0; quiet < 300 && waited < maxMs; waited += 100) {
    await sleep(100);
    if (probe.sentCount === last) quiet += 100;
    else {
      quiet = 0;
      cpuAtLast = cpuUs();
    }
    last = probe.sentCount;
  }
  return cpuAtLast;
}

/** Runs one bot at `markets` markets; appends its rows to `rows` (see the module comment: never throws). */
export async function runSession(server: BenchServer, probe: LatencyProbe, bot: Bot, markets: number, o: SessionOptions, rows: SessionRows): Promise<void> {
  const key: RowKey = { bot, markets };
  const pendingRates = [...o.rates];
  let burstPending = o.burst;
  let startupDone = false;
  let running: RunningBot | null = null;
  try {
    const started = await server.call({ op: 'start', markets, orderReplyDelayMs: o.orderReplyDelayMs }, 'started');
    const before = await memory();
    running = await within(120_000 + markets * 200, `${bot} start`, () => startBot(bot, started, markets));
    const resting = await server.call({ op: 'restingOrders' }, 'resting');
    const expected = markets * GRID.levelsPerSide * 2;
    if (resting.count !== expected) throw new Error(`${resting.count} resting orders after the start, expected ${expected}`);
    // Depth snapshots for every market arrive now; start the churn and let it settle.
    await sleep(300);
    await server.call({ op: 'churn', perMarketHz: o.churnHz }, 'ok');
    await sleep(500);
    // What the process spends with the depth stream alone (no fills): the floor under every CPU-per-fill
    // figure. Before the forced GC below, whose sweeping in helper threads would count here.
    const idle0 = cpuUs();
    await sleep(1000);
    const depthOnlyCpuPct = (cpuUs() - idle0) / 1e4;
    const after = await memory();

    // The burst after the lowest rate (the fill path is warm, the grids still whole), before a rate
    // the bot may not hold leaves it behind with grids half empty.
    const rates = [...o.rates].sort((a, b) => a - b);
    const top = rates.at(-1);
    if (o.jitWarmupFills > 0 && top !== undefined)
      await server.call({ op: 'fills', rate: top, count: o.jitWarmupFills, markets }, 'fillsDone', 60_000 + (o.jitWarmupFills / top) * 3000);
    for (let i = 0; i <= rates.length; i += 1) {
      if (burstPending && (i === 1 || rates.length === 0)) {
        for (let rep = 0; rep < (o.burstReps ?? 1); rep += 1) rows.burst.push(await measureBurst(server, probe, key, running, rep));
        burstPending = false;
      }
      const rate = rates[i];
      if (rate === undefined) break;
      rows.latency.push(await measureRate(server, probe, key, rate, o, running));
      pendingRates.splice(pendingRates.indexOf(rate), 1);
    }
    await server.call({ op: 'churn', perMarketHz: 0 }, 'ok');
    const afterFills = await memory();
    rows.startup.push({ ...startupRow(key, running.msToAllPlaced, before, after, afterFills), depthOnlyCpuPct });
    startupDone = true;
  } catch (e) {
    const status: Failed = `failed: ${reasonOf(e)}`;
    console.warn(`  ${bot} ${markets} markets: ${status}`);
    for (const rate of pendingRates) rows.latency.push({ ...key, rate, status });
    if (burstPending) rows.burst.push({ ...key, status });
    if (!startupDone) rows.startup.push({ ...key, status });
  } finally {
    probe.disarm();
    if (running)
      await within(60_000, `${bot} stop`, () => running?.stop() ?? Promise.resolve()).catch((e: unknown) => console.warn(`  ${bot} stop: ${reasonOf(e)}`));
    await server.call({ op: 'stop' }, 'ok', 30_000).catch(() => server.reset());
    await sleep(200);
  }
}

function startupRow(key: RowKey, msToAllPlaced: number, before: MemSample, after: MemSample, afterFills: MemSample): StartupMeasured {
  return {
    ...key,
    status: 'ok',
    msToAllPlaced,
    heapBefore: before.heapUsed,
    heapAfter: after.heapUsed,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapAfterFills: afterFills.heapUsed,
    rssAfterFills: afterFills.rss,
  };
}

async function measureRate(server: BenchServer, probe: LatencyProbe, key: RowKey, rate: number, o: SessionOptions, bot: RunningBot): Promise<LatencyRow> {
  const warm = Math.max(50, Math.round(rate * o.warmupSeconds));
  const count = Math.max(o.minSamples, Math.round(rate * o.seconds));
  await server.call({ op: 'fills', rate, count: warm, markets: key.markets }, 'fillsDone', 60_000 + (warm / rate) * 3000);
  await sleep(300);
  probe.arm();
  armTail();
  armStages();
  await startWindowProfile();
  startWindowGc();
  const cpu0 = cpuUs();
  const done = await server.call({ op: 'fills', rate, count, markets: key.markets }, 'fillsDone', 60_000 + (count / rate) * 3000);
  const cpuAtDone = cpuUs();
  // The last counter-orders leave: wait until none has gone out for 300 ms (at most 5 s).
  const cpuAtLastSend = await settle(probe, 5000);
  const counterOrders = probe.sentCount;
  probe.disarm();
  const gc = stopWindowGc();
  await stopWindowProfile(`${key.bot}-${key.markets}x${rate}`);
  const r = probe.analyze(done.fills, GRID.step);
  reportTail(`${key.bot} ${key.markets}x${rate}`, r.pairs, probe.messages);
  reportStages(`${key.bot} ${key.markets}x${rate}`);
  probe.arm();
  probe.disarm(); // drop the window's frames before anything else is measured
  const row: LatencyMeasured = {
    ...key,
    status: 'ok',
    rate,
    achievedRate: (done.fills.length + done.skipped) / (done.elapsedMs / 1000),
    latencyUs: summarize(r.latencyUs),
    reactionUs: summarize(r.reactionUs),
    levelWaits: r.levelWaits,
    levelWaitHolders: r.levelWaitHolders,
    dispatchUs: summarize(r.dispatchUs),
    headersUs: summarize(r.headersUs),
    bodySentUs: summarize(r.bodySentUs),
    cpuUsPerFill: (Math.max(cpuAtDone, cpuAtLastSend) - cpu0) / Math.max(1, done.fills.length),
    serverCpuUsPerFill: done.cpuUs / Math.max(1, done.fills.length),
    counterOrders,
    fills: r.fills,
    unmatchedFills: r.unmatchedFills,
    strayRequests: r.strayRequests,
    skippedFills: done.skipped,
    depthChangesPerSec: done.churnOps / (done.elapsedMs / 1000),
    firstFrame: r.firstFrame,
    trigger: r.trigger,
    via: r.via,
    dealsBeforeAnswer: r.dealsBeforeAnswer,
    botState: bot.state(),
    gc,
  };
  const L = row.latencyUs;
  const R = row.reactionUs;
  const H = row.levelWaitHolders;
  const perK = 1000 / Math.max(1, done.fills.length);
  const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '—');
  console.log(
    `  ${key.bot.padEnd(10)} ${String(key.markets).padStart(3)} markets ${String(rate).padStart(4)} fills/s: p50 ${f(L.p50)} µs, p99 ${f(L.p99)} µs, max ${f(L.max)} µs, ` +
      `reaction (${row.levelWaits} level waits apart; their level held by a reaction sample's counter-order ${H.reaction}, ${H.leftBeforeFill} of them gone before the fill, a level wait's ${H.levelWait}, none ${H.none}) ` +
      `p50 ${f(R.p50)} µs, p99 ${f(R.p99)} µs, max ${f(R.max)} µs, ` +
      `CPU ${f(row.cpuUsPerFill)} µs/fill (server ${f(row.serverCpuUsPerFill)}: ${(((row.cpuUsPerFill + row.serverCpuUsPerFill) * row.achievedRate) / 1e6).toFixed(2)} cores together) (n=${L.n}, unmatched ${row.unmatchedFills}, skipped ${row.skippedFills}, achieved ${row.achievedRate.toFixed(0)}/s; ` +
      `via ws ${r.via.ws}, rest ${r.via.rest}; on a deal before its order's answer ${r.dealsBeforeAnswer}; request() after: fill's first frame ${r.trigger.firstFrame}, its second frame ${r.trigger.otherFrameOfFill}, other ${r.trigger.unrelated}; ${row.botState})`,
  );
  console.log(
    `    GC: ${gc.scavenges} scavenges (${(gc.scavenges * perK).toFixed(2)} per 1,000 fills; mean ${gc.scavengeMeanMs.toFixed(2)} ms, max ${gc.scavengeMaxMs.toFixed(2)} ms), ` +
      `survived ${(gc.survivedMeanBytes / 2 ** 20).toFixed(2)} MiB per scavenge, promoted ${(gc.promotedBytes / 2 ** 20).toFixed(1)} MiB (${((gc.promotedBytes * perK) / 1000 / 1024).toFixed(1)} KiB/fill), ` +
      `young allocated ${(gc.youngAllocatedBytes / 2 ** 20).toFixed(1)} MiB (${((gc.youngAllocatedBytes * perK) / 1000 / 1024).toFixed(1)} KiB/fill), ` +
      `${gc.markCompacts} mark-compacts (max ${gc.markCompactMaxMs.toFixed(1)} ms)`,
  );
  return row;
}

async function measureBurst(server: BenchServer, probe: LatencyProbe, key: RowKey, bot: RunningBot, rep: number): Promise<BurstRow> {
  // Every grid full again first (after a rate the bot could not hold, its counter-orders are still arriving), for at most 30 s.
  const full = key.markets * GRID.levelsPerSide * 2;
  let resting = 0;
  for (let waited = 0; waited < 30_000; waited += 200) {
    resting = (await server.call({ op: 'restingOrders' }, 'resting')).count;
    if (resting >= full) break;
    await sleep(200);
  }
  await sleep(300);
  probe.arm();
  await startWindowProfile();
  startWindowGc();
  const cpu0 = cpuUs();
  const done = await server.call({ op: 'burst', markets: key.markets }, 'burstDone');
  const cpuAtLastSend = await settle(probe, 10_000);
  probe.disarm();
  const gc = stopWindowGc();
  const label = `${key.bot}-${key.markets}-burst${rep === 0 ? '' : `-${rep}`}`;
  await stopWindowProfile(label);
  const r = probe.analyze(done.fills, GRID.step);
  probe.arm();
  probe.disarm();
  const ms = (ns: bigint): number => Number(ns) / 1e6;
  const pairs = r.pairs;
  let firstPair = pairs[0];
  let lastFrame = 0n;
  let lastSent = 0n;
  for (const p of pairs) {
    if (firstPair === undefined || p.t0 < firstPair.t0) firstPair = p;
    if (p.t0 > lastFrame) lastFrame = p.t0;
    if (p.t1 > lastSent) lastSent = p.t1;
  }
  if (firstPair !== undefined) writeWindowMarks(label, { firstFrame: firstPair.t0, lastFrame, lastSent });
  if (firstPair === undefined) {
    return {
      ...key,
      status: `failed: no counter-order seen for any of ${done.fills.length} fills (${done.skipped} markets had no resting order; ${resting} of ${full} orders rested)`,
    };
  }
  const row: BurstMeasured = {
    ...key,
    status: 'ok',
    fills: done.fills.length,
    skippedFills: done.skipped,
    restingBefore: resting,
    serverMs: done.elapsedMs,
    framesSpreadMs: ms(lastFrame - firstPair.t0),
    firstReactionMs: ms(firstPair.t1 - firstPair.t0),
    medianReactionMs: summarize(r.latencyUs).p50 / 1000,
    lastReactionMs: ms(lastSent - lastFrame),
    unmatchedFills: r.unmatchedFills,
    cpuUsPerFill: (cpuAtLastSend - cpu0) / Math.max(1, done.fills.length),
    botState: bot.state(),
  };
  console.log(
    `  ${key.bot.padEnd(10)} ${String(key.markets).padStart(3)} markets burst: ${row.fills} fills in ${row.serverMs.toFixed(1)} ms (server); frames over ${row.framesSpreadMs.toFixed(1)} ms; ` +
      `reaction first ${row.firstReactionMs.toFixed(2)} ms, median ${row.medianReactionMs.toFixed(2)} ms, last frame → last order ${row.lastReactionMs.toFixed(2)} ms ` +
      `(unmatched ${row.unmatchedFills}, skipped ${row.skippedFills}; ${row.botState}); CPU ${row.cpuUsPerFill.toFixed(0)} µs/fill; ` +
      `GC ${gc.scavenges} scavenges (mean ${gc.scavengeMeanMs.toFixed(2)} ms, max ${gc.scavengeMaxMs.toFixed(2)} ms), ${gc.markCompacts} mark-compacts (max ${gc.markCompactMaxMs.toFixed(1)} ms)`,
  );
  return row;
}
