/**
 * The conformance harness: our adapter (WhitebitRestClient, WsTransport + codec) wired to a
 * simulator on 127.0.0.1 port 0, so every test exercises both halves over real sockets.
 *
 * Time: the simulator runs on a manual clock by default. The REST client reads the same clock
 * (window-mode nonces must stay within ±5 s of the server's time, however far a test advances
 * it); its timers (backoff pauses, rate-limit waits) either fire at once (`timers: 'instant'`,
 * the requested delays are recorded) or run on the simulator's clock (`timers: 'sim'`, driven by
 * `sim.advance`). Nothing here sleeps.
 *
 * Requests reaching the simulator are counted on the server side through Node's
 * `http.server.request.start` diagnostics channel, filtered by the simulator's port.
 */
import dc from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import {
  type Clock,
  type WbWsCall,
  type WbWsMessage,
  type WhitebitRestClientOptions,
  type WsCloseInfo,
  WhitebitError,
  WhitebitRestClient,
  WsTransport,
  authorizeCall,
  decodeFrame,
  encodeCall,
  pingCall,
} from '../../../src/adapters/whitebit/index.js';
import { type SimulatorOptions, type Simulator, startSimulator } from '../../../src/sim/index.js';

export interface ClientClock extends Clock {
  /** Delays the client asked for (backoff pauses, rate-limit waits), in order. */
  readonly delays: number[];
}

/**
 * A client clock that reads the simulator's time. `instant`: timers fire on the next macrotask
 * (time does not move); `sim`: timers are simulator timers, fired by `sim.advance`.
 */
export function clientClock(sim: Simulator, timers: 'instant' | 'sim'): ClientClock {
  const delays: number[] = [];
  if (timers === 'sim') {
    return {
      delays,
      now: () => sim.clock.now(),
      setTimeout: (fn, ms) => {
        delays.push(ms);
        return sim.clock.setTimer(ms, fn);
      },
      clearTimeout: (h) => (h as () => void)(),
    };
  }
  return {
    delays,
    now: () => sim.clock.now(),
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return setImmediate(fn);
    },
    clearTimeout: (h) => clearImmediate(h as NodeJS.Immediate),
  };
}

/** Paths of the HTTP requests that reached one simulator, in arrival order. */
export class RequestLog {
  readonly paths: string[] = [];
  private readonly listener = (message: unknown): void => {
    const req = (message as { request: IncomingMessage }).request;
    if (req.socket.localPort === this.port) this.paths.push(new URL(req.url ?? '/', 'http://sim').pathname);
  };

  constructor(private readonly port: number) {
    dc.subscribe('http.server.request.start', this.listener);
  }

  count(path: string): number {
    return this.paths.filter((p) => p === path).length;
  }

  stop(): void {
    dc.unsubscribe('http.server.request.start', this.listener);
  }
}

export interface Conformance {
  readonly sim: Simulator;
  readonly client: WhitebitRestClient;
  readonly clock: ClientClock;
  readonly requests: RequestLog;
  /** Another client on the same simulator (same clock, own nonce counter and pool). */
  newClient(options?: Partial<WhitebitRestClientOptions>): WhitebitRestClient;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  readonly sim?: SimulatorOptions;
  readonly client?: Partial<WhitebitRestClientOptions>;
  readonly timers?: 'instant' | 'sim';
}

/** Starts a simulator (manual clock, no automatic ticks) and a REST client for its demo account. */
export async function startConformance(options: ConformanceOptions = {}): Promise<Conformance> {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1', seed: 7, clock: 'manual', tickMs: 0, ...options.sim });
  const clock = clientClock(sim, options.timers ?? 'instant');
  const requests = new RequestLog(sim.port);
  const clients: WhitebitRestClient[] = [];
  const newClient = (o: Partial<WhitebitRestClientOptions> = {}): WhitebitRestClient => {
    const c = new WhitebitRestClient({
      baseUrl: sim.restUrl,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      clock,
      random: () => 0.5,
      ...options.client,
      ...o,
    });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    sim,
    client,
    clock,
    requests,
    newClient,
    close: async () => {
      requests.stop();
      await Promise.all(clients.map((c) => c.close()));
      await sim.close();
    },
  };
}

/**
 * Drives the simulator's manual clock until `promise` settles: each round advances `stepMs` and
 * yields one macrotask turn so sockets can move. Returns the promise's outcome.
 */
export async function driveUntil<T>(sim: Simulator, promise: Promise<T>, stepMs: number, maxRounds = 10_000): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => {});
  for (let i = 0; i < maxRounds && !settled; i++) {
    sim.advance(stepMs);
    await new Promise<void>((r) => setImmediate(r));
  }
  return watched;
}

/**
 * A WebSocket client built from our adapter: `WsTransport` for the socket, `decodeFrame` for every
 * text frame, `encodeCall` for requests. Decoded messages are queued so tests await the one they
 * expect instead of sleeping.
 */
export class WsProbe {
  /** Every decoded message, in arrival order. */
  readonly log: WbWsMessage[] = [];
  readonly closed: Promise<WsCloseInfo>;
  private readonly queue: WbWsMessage[] = [];
  private waiters: { pred: (m: WbWsMessage) => boolean; resolve: (m: WbWsMessage) => void; reject: (e: Error) => void }[] = [];
  private nextId = 1;
  private ended = false;

  private constructor(readonly transport: WsTransport) {
    transport.messages$.subscribe({
      next: (text) => {
        const m = decodeFrame(text);
        this.log.push(m);
        const w = this.waiters.find((x) => x.pred(m));
        if (w) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(m);
        } else this.queue.push(m);
      },
      // A closed socket fails every wait at once instead of letting the test time out.
      complete: () => {
        this.ended = true;
        for (const w of this.waiters.splice(0)) w.reject(new Error('socket closed while waiting for a frame'));
      },
    });
    this.closed = new Promise((resolve) => transport.closed$.subscribe((info) => resolve(info)));
  }

  static async open(sim: Simulator): Promise<WsProbe> {
    return new WsProbe(await WsTransport.connect(sim.wsUrl));
  }

  /** Sends a request built by ws-channels; resolves with its reply (reply, replyError or pong). */
  call(call: WbWsCall): Promise<WbWsMessage> {
    const id = this.nextId++;
    const reply = this.next((m) => (m.kind === 'reply' || m.kind === 'replyError' || m.kind === 'pong') && m.id === id);
    this.transport.send(encodeCall(id, call));
    return reply;
  }

  /** As {@link call}, and fails unless the reply is `{status: "success"}`. */
  async ok(call: WbWsCall): Promise<void> {
    const r = await this.call(call);
    if (r.kind !== 'reply' || JSON.stringify(r.result) !== '{"status":"success"}') {
      throw new Error(`${call.method} failed: ${JSON.stringify(r)}`);
    }
  }

  /**
   * A ping round trip. The server answers in order on one socket, so once the pong is here every
   * frame the server sent before it has been received too.
   */
  async barrier(): Promise<void> {
    const r = await this.call(pingCall());
    if (r.kind !== 'pong') throw new Error(`expected pong, got ${JSON.stringify(r)}`);
  }

  /** Resolves with (and consumes) the first queued or future message matching `pred`. */
  next<M extends WbWsMessage>(pred: (m: WbWsMessage) => m is M): Promise<M>;
  next(pred?: (m: WbWsMessage) => boolean): Promise<WbWsMessage>;
  next(pred: (m: WbWsMessage) => boolean = () => true): Promise<WbWsMessage> {
    const i = this.queue.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0] as WbWsMessage);
    if (this.ended) return Promise.reject(new Error('socket closed while waiting for a frame'));
    return new Promise((resolve, reject) => this.waiters.push({ pred, resolve, reject }));
  }

  /** Removes and returns every queued message of one kind. */
  take<K extends WbWsMessage['kind']>(kind: K): Extract<WbWsMessage, { kind: K }>[] {
    const out = this.queue.filter((m): m is Extract<WbWsMessage, { kind: K }> => m.kind === kind);
    for (const m of out) this.queue.splice(this.queue.indexOf(m), 1);
    return out;
  }

  /** Messages still queued (not consumed). */
  get pending(): readonly WbWsMessage[] {
    return this.queue;
  }

  close(): void {
    this.transport.close();
  }
}

/** Opens a probe and authorizes it with a token fetched by the REST client. */
export async function authorizedProbe(h: Conformance): Promise<WsProbe> {
  const probe = await WsProbe.open(h.sim);
  await probe.ok(authorizeCall(await h.client.websocketToken()));
  return probe;
}

/** Resolves with the WhitebitError `p` rejects with; fails if it resolves or rejects otherwise. */
export async function rejection(p: Promise<unknown>): Promise<WhitebitError> {
  try {
    await p;
  } catch (e) {
    if (WhitebitError.is(e)) return e;
    throw e;
  }
  throw new Error('expected the call to reject with a WhitebitError');
}
