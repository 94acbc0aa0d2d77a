/**
 * Raw clients for the simulator tests: a signing REST client on undici and a frame-queue WS client
 * on `ws`. Signing is done here with node:crypto on purpose, independent of the adapter's signer.
 */
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import WebSocket from 'ws';

export interface RestReply {
  status: number;
  body: unknown;
  text: string;
  contentType: string | undefined;
}

export interface SignOptions {
  apiKey: string;
  apiSecret: string;
  nonce?: number | string;
  nonceWindow?: boolean;
  /** Send this body instead of the signed one (payload mismatch tests). */
  bodyOverride?: string;
  /** Replace or drop (undefined) headers. */
  headers?: Record<string, string | undefined>;
  /** Sign for this `request` field instead of the path. */
  requestField?: string;
}

let lastNonce = 0;
/** Strictly increasing nonces shared by every test in the file. */
export function nextNonce(): number {
  lastNonce = Math.max(Date.now(), lastNonce + 1);
  return lastNonce;
}

export async function post(baseUrl: string, path: string, params: Record<string, unknown>, opts: SignOptions): Promise<RestReply> {
  const obj: Record<string, unknown> = { ...params, request: opts.requestField ?? path, nonce: opts.nonce ?? nextNonce() };
  if (opts.nonceWindow !== undefined) obj.nonceWindow = opts.nonceWindow;
  const body = JSON.stringify(obj);
  const payload = Buffer.from(body, 'utf8').toString('base64');
  const signature = createHmac('sha512', opts.apiSecret).update(payload).digest('hex');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-txc-apikey': opts.apiKey,
    'x-txc-payload': payload,
    'x-txc-signature': signature,
  };
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const res = await request(baseUrl + path, { method: 'POST', headers, body: opts.bodyOverride ?? body });
  return decode(res);
}

export async function get(baseUrl: string, pathAndQuery: string): Promise<RestReply> {
  return decode(await request(baseUrl + pathAndQuery, { method: 'GET' }));
}

async function decode(res: Awaited<ReturnType<typeof request>>): Promise<RestReply> {
  const text = await res.body.text();
  const ct = res.headers['content-type'];
  const contentType = Array.isArray(ct) ? ct[0] : ct;
  let body: unknown = undefined;
  if (contentType?.includes('application/json')) body = JSON.parse(text);
  return { status: res.statusCode, body, text, contentType };
}

export interface Frame {
  id?: number | null;
  method?: string;
  params?: unknown[];
  result?: unknown;
  error?: { code: number; message: string } | null;
}

/** A ws client that queues every frame so tests can await the one they expect. */
export class WsClient {
  private readonly queue: Frame[] = [];
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private nextId = 1;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Every frame ever received, in order (for sequence assertions). */
  readonly log: Frame[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.log.push(frame);
      const w = this.waiters.find((x) => x.pred(frame));
      if (w) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(frame);
      } else this.queue.push(frame);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static connect(url: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new WsClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** Sends a request and resolves with its reply. */
  request(method: string, params: unknown[] = []): Promise<Frame> {
    const id = this.nextId++;
    const reply = this.next((f) => f.id === id);
    this.send({ id, method, params });
    return reply;
  }

  /** Resolves with (and consumes) the first queued or future frame matching `pred`. */
  next(pred: (f: Frame) => boolean = () => true): Promise<Frame> {
    const i = this.queue.findIndex(pred);
    if (i >= 0) {
      const [f] = this.queue.splice(i, 1);
      return Promise.resolve(f as Frame);
    }
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  /** Frames of one update method still queued (not consumed). */
  queued(method?: string): Frame[] {
    return this.queue.filter((f) => method === undefined || f.method === method);
  }

  /** Drops queued frames (keeps the log). */
  drain(): void {
    this.queue.length = 0;
  }

  close(): void {
    this.ws.close();
  }
}

export const isUpdate =
  (method: string) =>
  (f: Frame): boolean =>
    f.method === method;
