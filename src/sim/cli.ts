/**
 * `gridbot sim`: runs the simulator in the foreground. Prints one line with the REST and WS URLs and
 * the API key/secret, then one short line per trade that involves a non-house account (all trades
 * with --all-trades). SIGINT/SIGTERM (or the `signal` option) stops it cleanly.
 *
 * Fault flags take CHANNEL:PROBABILITY (channels: depth, deals, ordersPending, balanceSpot,
 * lastprice, market, trades, candles, bookTicker, ordersExecuted, reply, orderReply, *), e.g. `--drop-frames depth:0.05`; `--fail-requests
 * COUNT:STATUS[:PATH]`; `--trickle-responses COUNT:MS[:PATH]`. WS order-entry faults take a
 * probability per order request, e.g. `--drop-order-replies 0.1`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { fmt } from './decimal.js';
import type { FrameAction, FrameChannel, RequestFailureSpec, TrickleSpec } from './faults.js';
import { DEMO_ACCOUNT, HOUSE_ACCOUNT, startSimulator, type MarketSpec, type Simulator } from './index.js';
import { listenErrorText } from './listen-error.js';
import type { PublicTrade } from './order.js';
import { PAPER_DEFAULT_MARKETS, PaperUpstreamError, WHITEBIT_PUBLIC_UPSTREAM, startPaperExchange, type PaperExchange } from './paper/index.js';

export interface SimCommandIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** Stops the simulator when aborted (tests); SIGINT/SIGTERM always do. */
  readonly signal?: AbortSignal;
  /** Called once the simulator listens (tests). */
  readonly onReady?: (sim: Simulator) => void;
}

const USAGE = `usage: gridbot sim [--port N] [--host H] [--seed N] [--api-key K --api-secret S] [--markets FILE]
                   [--tick-ms N] [--idle-timeout-ms N] [--no-rate-limits] [--all-trades]
                   [--ws-place-budget N[:MS]] [--ws-request-budget N[:MS]] [--ws-requests-per-minute N]
                   [--drop-frames CH:P] [--duplicate-frames CH:P] [--reorder-frames CH:P] [--delay-frames CH:P:MS]
                   [--corrupt-frames CH:P] [--binary-frames CH:P]
                   [--drop-order-replies P] [--duplicate-order-replies P] [--pushes-before-reply P]
                   [--drop-connection-after-order P] [--exhaust-place-budget P]
                   [--fail-requests COUNT:STATUS[:PATH]] [--trickle-responses COUNT:MS[:PATH]]
                   [--rest-latency MS] [--close-sockets-every MS] [--pause-prices]
                   [--paper [--paper-markets A_B,C_D] [--paper-upstream-rest URL] [--paper-upstream-ws URL]]

frame faults (CH: reply, orderReply, lastprice, depth, deals, ordersPending, balanceSpot, market, trades, candles,
bookTicker, ordersExecuted or *; P: chance per frame;
a reply rule also hits order replies, an orderReply rule only those):
  --drop-frames / --duplicate-frames / --reorder-frames CH:P   lose, send twice, swap with the channel's next frame
  --delay-frames CH:P:MS                                     hold frames MS ms
  --corrupt-frames CH:P                                      cut frames to a prefix (not JSON)
  --binary-frames CH:P                                       send frames as binary WebSocket frames
WS order entry (P: chance per order request):
  --drop-order-replies P            the order executes, its reply is lost
  --duplicate-order-replies P       the reply is sent twice
  --pushes-before-reply P           the ordersPending/deals/balanceSpot pushes go out before the reply
  --drop-connection-after-order P   the order executes, then the connection drops (no reply)
  --exhaust-place-budget P          a placement answers 7 too many requests and does not execute
  --ws-place-budget N[:MS]          *_place requests per connection per MS ms (default 10000:10000; error 7)
  --ws-request-budget N[:MS]        other requests per connection per MS ms (default 12000:10000)
  --ws-requests-per-minute N        the legacy single budget for every request instead of both
REST:
  --fail-requests COUNT:STATUS[:PATH]    the next COUNT requests answer STATUS (429, 500, 502, 503, 504)
  --trickle-responses COUNT:MS[:PATH]    the next COUNT requests execute, then answer one body byte every MS ms
  --rest-latency MS                      hold every request MS ms

paper trading (live prices, local balances and orders; public data only, no keys sent upstream):
  --paper                        markets, book, ticker and public trades from live WhiteBIT instead of the
                                 seeded price process; REST answers 503 and WS closes while the live feed is down
  --paper-markets A_B,C_D        the markets to mirror (default ${PAPER_DEFAULT_MARKETS.join(',')})
  --paper-upstream-rest URL      where to read them (default ${WHITEBIT_PUBLIC_UPSTREAM.rest})
  --paper-upstream-ws URL        (default ${WHITEBIT_PUBLIC_UPSTREAM.ws})

example: gridbot sim --port 8080 --seed 7   (then: gridbot run --exchange-url http://127.0.0.1:8080)`;

const marketSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9]+_[A-Za-z0-9]+$/),
  stock: z.string().optional(),
  money: z.string().optional(),
  stockPrec: z.int().min(0).max(18).optional(),
  moneyPrec: z.int().min(0).max(18).optional(),
  feePrec: z.int().min(0).max(18).optional(),
  minAmount: z.string().optional(),
  minTotal: z.string().optional(),
  maxTotal: z.string().optional(),
  makerFee: z.string().optional(),
  takerFee: z.string().optional(),
  isCollateral: z.boolean().optional(),
  startPrice: z.string().optional(),
  volatility: z.number().positive().optional(),
  houseNotional: z.string().optional(),
});
const marketsFileSchema = z.union([z.array(marketSchema), z.strictObject({ markets: z.array(marketSchema) })]);

/** Reads a YAML or JSON markets file: a list of markets or `{ markets: [...] }`. */
export function loadMarketsFile(file: string): MarketSpec[] {
  const parsed = marketsFileSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.markets;
  // Drop absent keys so exactOptionalPropertyTypes holds for MarketSpec.
  return list.map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as MarketSpec);
}

const CHANNELS: readonly FrameChannel[] = [
  'reply',
  'orderReply',
  'lastprice',
  'depth',
  'deals',
  'ordersPending',
  'balanceSpot',
  'market',
  'trades',
  'candles',
  'bookTicker',
  'ordersExecuted',
  '*',
];

function frameRule(action: FrameAction, spec: string): { channel: FrameChannel; probability: number; delayMs: number } {
  const [channel, p, ms] = spec.split(':');
  const probability = Number(p);
  if (!CHANNELS.includes(channel as FrameChannel) || !(probability > 0 && probability <= 1)) {
    throw new Error(`--${action}-frames wants CHANNEL:PROBABILITY (channel one of ${CHANNELS.join(', ')}), got '${spec}'`);
  }
  const delayMs = Number(ms ?? 0);
  if (action === 'delay' && !(delayMs > 0)) throw new Error(`--delay-frames wants CHANNEL:PROBABILITY:MS, got '${spec}'`);
  return { channel: channel as FrameChannel, probability, delayMs };
}

function failureRule(spec: string): RequestFailureSpec {
  const [count, status, ...path] = spec.split(':');
  const s = Number(status);
  if (!(Number(count) > 0) || ![429, 500, 502, 503, 504].includes(s)) throw new Error(`--fail-requests wants COUNT:STATUS[:PATH], got '${spec}'`);
  const out = { count: Number(count), status: s as RequestFailureSpec['status'] };
  return path.length > 0 ? { ...out, path: path.join(':') } : out;
}

function trickleRule(spec: string): TrickleSpec {
  const [count, ms, ...path] = spec.split(':');
  if (!(Number.isInteger(Number(count)) && Number(count) > 0 && Number(ms) > 0)) throw new Error(`--trickle-responses wants COUNT:MS[:PATH], got '${spec}'`);
  const out = { count: Number(count), byteEveryMs: Number(ms) };
  return path.length > 0 ? { ...out, path: path.join(':') } : out;
}

function probability(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const p = Number(v);
  if (!(p > 0 && p <= 1)) throw new Error(`--${name} wants a probability in (0, 1], got '${v}'`);
  return p;
}

function budget(name: string, v: string | undefined): { limit: number; windowMs: number } | undefined {
  if (v === undefined) return undefined;
  const [n, ms] = v.split(':');
  const limit = Number(n);
  const windowMs = Number(ms ?? 10_000);
  if (!(Number.isInteger(limit) && limit > 0 && Number.isInteger(windowMs) && windowMs > 0))
    throw new Error(`--${name} wants N[:MS] (positive integers), got '${v}'`);
  return { limit, windowMs };
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a non-negative integer, got '${v}'`);
  return n;
}

/** Runs `gridbot sim`; resolves to the exit code once stopped. */
export async function simCommand(args: string[], io: SimCommandIo = defaultIo()): Promise<number> {
  let sim: Simulator;
  let paper: PaperExchange | null = null;
  let allTrades = false;
  let closeEvery: number | undefined;
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'api-key': { type: 'string' },
        'api-secret': { type: 'string' },
        markets: { type: 'string' },
        'tick-ms': { type: 'string' },
        'idle-timeout-ms': { type: 'string' },
        'no-rate-limits': { type: 'boolean' },
        'all-trades': { type: 'boolean' },
        'drop-frames': { type: 'string', multiple: true },
        'duplicate-frames': { type: 'string', multiple: true },
        'reorder-frames': { type: 'string', multiple: true },
        'delay-frames': { type: 'string', multiple: true },
        'corrupt-frames': { type: 'string', multiple: true },
        'binary-frames': { type: 'string', multiple: true },
        'drop-order-replies': { type: 'string' },
        'duplicate-order-replies': { type: 'string' },
        'pushes-before-reply': { type: 'string' },
        'drop-connection-after-order': { type: 'string' },
        'exhaust-place-budget': { type: 'string' },
        'ws-place-budget': { type: 'string' },
        'ws-request-budget': { type: 'string' },
        'ws-requests-per-minute': { type: 'string' },
        'trickle-responses': { type: 'string', multiple: true },
        'fail-requests': { type: 'string', multiple: true },
        'rest-latency': { type: 'string' },
        'close-sockets-every': { type: 'string' },
        'pause-prices': { type: 'boolean' },
        paper: { type: 'boolean' },
        'paper-markets': { type: 'string' },
        'paper-upstream-rest': { type: 'string' },
        'paper-upstream-ws': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if ((values['api-key'] === undefined) !== (values['api-secret'] === undefined)) throw new Error('--api-key and --api-secret go together');
    allTrades = values['all-trades'] ?? false;
    closeEvery = int('close-sockets-every', values['close-sockets-every']);
    const port = int('port', values.port);
    const seed = int('seed', values.seed);
    const tickMs = int('tick-ms', values['tick-ms']);
    const idleTimeoutMs = int('idle-timeout-ms', values['idle-timeout-ms']);
    const latency = int('rest-latency', values['rest-latency']);
    const markets = values.markets === undefined ? undefined : loadMarketsFile(values.markets);
    const rules = [
      ...(values['drop-frames'] ?? []).map((s) => ({ action: 'drop' as const, ...frameRule('drop', s) })),
      ...(values['duplicate-frames'] ?? []).map((s) => ({ action: 'duplicate' as const, ...frameRule('duplicate', s) })),
      ...(values['reorder-frames'] ?? []).map((s) => ({ action: 'reorder' as const, ...frameRule('reorder', s) })),
      ...(values['delay-frames'] ?? []).map((s) => ({ action: 'delay' as const, ...frameRule('delay', s) })),
      ...(values['corrupt-frames'] ?? []).map((s) => ({ action: 'corrupt' as const, ...frameRule('corrupt', s) })),
      ...(values['binary-frames'] ?? []).map((s) => ({ action: 'binary' as const, ...frameRule('binary', s) })),
    ];
    const orderReplies = [
      { action: 'drop' as const, probability: probability('drop-order-replies', values['drop-order-replies']) },
      { action: 'duplicate' as const, probability: probability('duplicate-order-replies', values['duplicate-order-replies']) },
    ];
    const orderRules = [
      { action: 'pushesFirst' as const, probability: probability('pushes-before-reply', values['pushes-before-reply']) },
      { action: 'dropConnection' as const, probability: probability('drop-connection-after-order', values['drop-connection-after-order']) },
      { action: 'placeBudgetSpent' as const, probability: probability('exhaust-place-budget', values['exhaust-place-budget']) },
    ];
    const wsPlaceBudget = budget('ws-place-budget', values['ws-place-budget']);
    const wsRequestBudget = budget('ws-request-budget', values['ws-request-budget']);
    const wsRequestsPerMinute = int('ws-requests-per-minute', values['ws-requests-per-minute']);
    if (wsRequestsPerMinute === 0) throw new Error('--ws-requests-per-minute wants a positive integer');
    const failures = (values['fail-requests'] ?? []).map(failureRule);
    const trickles = (values['trickle-responses'] ?? []).map(trickleRule);

    const local = {
      port: port ?? 0,
      host: values.host ?? '127.0.0.1',
      seed: seed ?? 1,
      accounts: [
        values['api-key'] !== undefined && values['api-secret'] !== undefined
          ? { ...DEMO_ACCOUNT, apiKey: values['api-key'], apiSecret: values['api-secret'] }
          : DEMO_ACCOUNT,
      ],
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
      ...(values['no-rate-limits'] ? { rateLimits: false as const } : {}),
      ...(wsPlaceBudget ? { wsPlaceBudget } : {}),
      ...(wsRequestBudget ? { wsRequestBudget } : {}),
      ...(wsRequestsPerMinute === undefined ? {} : { wsRequestsPerMinute }),
    };
    if (values.paper) {
      if (markets) throw new Error('--paper takes its markets from upstream: name them with --paper-markets, not --markets');
      paper = await startPaperExchange({ ...paperOptions(values), simulator: local });
      sim = paper;
    } else {
      if (values['paper-markets'] ?? values['paper-upstream-rest'] ?? values['paper-upstream-ws']) throw new Error('the --paper-* flags go with --paper');
      sim = await startSimulator({ ...local, ...(markets ? { markets } : {}), ...(tickMs === undefined ? {} : { tickMs }) });
    }
    for (const r of rules) sim.faults.addFrameRule(r);
    for (const r of orderReplies)
      if (r.probability !== undefined) sim.faults.addFrameRule({ channel: 'orderReply', action: r.action, probability: r.probability });
    for (const r of orderRules) if (r.probability !== undefined) sim.faults.addOrderRule({ action: r.action, probability: r.probability });
    for (const t of trickles) sim.faults.trickleResponses(t);
    for (const f of failures) sim.faults.failRequests(f);
    if (latency) sim.faults.setRestLatency(latency);
    if (values['pause-prices']) sim.faults.pausePrices();
  } catch (err) {
    if (err instanceof PaperUpstreamError) {
      io.stderr(`gridbot sim: paper: ${err.message}`);
      return 2;
    }
    const listen = listenErrorText(err, '--port PORT (0: any free port)');
    if (listen !== null) {
      io.stderr(`gridbot sim: ${listen}`);
      return 2;
    }
    io.stderr(`gridbot sim: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }

  if (paper) io.stdout(paperLine(paper));
  io.stdout(`gridbot sim: rest=${sim.restUrl} ws=${sim.wsUrl} api-key=${sim.apiKey} api-secret=${sim.apiSecret}`);
  paper?.onFeedState((state) => {
    if (state === 'down') io.stdout(`gridbot sim: PAPER live feed lost (${paper?.lastLoss() ?? '?'}): trading stopped, clients disconnected`);
    if (state === 'live') io.stdout('gridbot sim: PAPER live feed back, books resynced: trading');
  });
  sim.onEvent((e) => {
    if (e.type !== 'trade') return;
    const t = e.trade;
    if (!allTrades && t.makerAccountId === HOUSE_ACCOUNT && t.takerAccountId === HOUSE_ACCOUNT) return;
    io.stdout(tradeLine(t));
  });
  const closer = closeEvery ? setInterval(() => sim.faults.closeSockets('all'), closeEvery) : undefined;
  io.onReady?.(sim);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop);
  });
  if (closer) clearInterval(closer);
  await sim.close();
  io.stdout('gridbot sim: stopped');
  return 0;
}

/** The paper exchange's flags (markets, upstream URLs) as its options. */
function paperOptions(values: { 'paper-markets'?: string | undefined; 'paper-upstream-rest'?: string | undefined; 'paper-upstream-ws'?: string | undefined }) {
  const markets = (values['paper-markets'] ?? PAPER_DEFAULT_MARKETS.join(','))
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  for (const m of markets) if (!/^[A-Z0-9]+_[A-Z0-9]+$/.test(m)) throw new Error(`--paper-markets wants names like BTC_USDT, got '${m}'`);
  for (const flag of ['paper-upstream-rest', 'paper-upstream-ws'] as const) {
    const v = values[flag];
    if (v !== undefined && !URL.canParse(v)) throw new Error(`--${flag} wants a URL, got '${v}'`);
  }
  return {
    markets,
    upstream: { rest: values['paper-upstream-rest'] ?? WHITEBIT_PUBLIC_UPSTREAM.rest, ws: values['paper-upstream-ws'] ?? WHITEBIT_PUBLIC_UPSTREAM.ws },
  };
}

/** The first line of a paper run: what it is, and where its prices come from. */
function paperLine(paper: PaperExchange): string {
  const markets = [...paper.exchange.markets.keys()].join(', ');
  return `gridbot sim: PAPER trading on live prices from ${paper.upstream.ws} (${markets}); balances, orders and fills are local`;
}

/**
 * One trade, e.g. `trade BTC_USDT taker sell 0.01 @ 100 maker=demo taker=house (demo's buy order
 * filled as maker)`. The side a trade is known by is the taker's, while a grid bot resting orders is
 * the maker on the other side: the note says which order of a user account (not the house) filled.
 */
export function tradeLine(t: PublicTrade): string {
  const makerSide = t.takerSide === 'buy' ? 'sell' : 'buy';
  const whose = [
    ...(t.makerAccountId === HOUSE_ACCOUNT ? [] : [`${t.makerAccountId}'s ${makerSide} order filled as maker`]),
    ...(t.takerAccountId === HOUSE_ACCOUNT ? [] : [`${t.takerAccountId}'s ${t.takerSide} order filled as taker`]),
  ];
  const note = whose.length === 0 ? '' : ` (${whose.join('; ')})`;
  return `trade ${t.market} taker ${t.takerSide} ${fmt(t.amount)} @ ${t.price} maker=${t.makerAccountId} taker=${t.takerAccountId}${note}`;
}

function defaultIo(): SimCommandIo {
  return {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  };
}
