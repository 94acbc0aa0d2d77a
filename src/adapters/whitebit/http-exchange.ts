/**
 * One HTTP request over an undici dispatcher, collected into `{status, headers, body}`, with the
 * one fact retries depend on: whether request bytes may have reached the server.
 *
 * Why a dispatch handler and not `pool.request()`: undici calls `onRequestStart` right before it
 * writes the request on a connected socket. An error before that point (connect refused, DNS, TLS,
 * aborted while queued) means nothing was sent (`transport`, safe to repeat); an error after it
 * (socket reset, headers/body timeout) means the server may have acted (`unknownOutcome`).
 * `pool.request()` reports both the same way. The handler also skips the body stream: chunks are
 * concatenated once at the end.
 *
 * Why a deadline of our own: undici's headers and body timeouts bound the silence between bytes, so
 * an answer that trickles one byte every few seconds never ends. `deadlineMs` bounds the whole
 * exchange, headers and body; past it the request is abandoned as if its socket had died.
 */
import type { Dispatcher } from 'undici';
import { WhitebitError } from './codec/errors.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface ExchangeContext {
  readonly endpoint: string;
  readonly idempotent: boolean;
  /** Bodies above this size abort the request (a misbehaving server must not exhaust memory). */
  readonly maxResponseBytes: number;
  /** Time the whole answer may take from now; later, the request is abandoned. */
  readonly deadlineMs?: number;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect reports an AggregateError whose parts carry the code.
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) ? errorCode(inner[0]) : undefined;
}

class CollectingHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private started = false;
  private done = false;
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly onAbort = (): void => this.abort();
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly resolve: (r: HttpResponse) => void,
    private readonly reject: (e: WhitebitError) => void,
    private readonly signal: AbortSignal | undefined,
    private readonly ctx: ExchangeContext,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
    // A real timer, not the client's clock: it bounds real bytes on a real socket.
    if (ctx.deadlineMs !== undefined) this.deadlineTimer = setTimeout(() => this.expire(), Math.max(0, ctx.deadlineMs));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.done) {
      // Aborted (or failed) while queued: never write it.
      controller.abort(new Error('request abandoned before it was sent'));
      return;
    }
    this.started = true;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    this.size += chunk.length;
    if (this.size > this.ctx.maxResponseBytes) {
      this.fail(
        new WhitebitError({
          kind: 'decode',
          message: `response body exceeds ${this.ctx.maxResponseBytes} bytes`,
          status: this.status,
          endpoint: this.ctx.endpoint,
          idempotent: this.ctx.idempotent,
          sent: true,
        }),
      );
      controller.abort(new Error('response too large'));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.finish();
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer).toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.done) return;
    const code = errorCode(err) ?? err.name;
    const common = { endpoint: this.ctx.endpoint, idempotent: this.ctx.idempotent, cause: err };
    this.fail(
      this.started
        ? new WhitebitError({
            ...common,
            kind: 'unknownOutcome',
            sent: true,
            message: `request sent, outcome unknown (${code}: ${err.message})`,
          })
        : new WhitebitError({ ...common, kind: 'transport', sent: false, message: `not sent (${code}: ${err.message})` }),
    );
  }

  private abort(): void {
    if (this.done) return;
    const reason: unknown = this.signal?.reason;
    this.fail(
      new WhitebitError({
        kind: 'aborted',
        message: this.started ? 'aborted after the request was sent' : 'aborted before the request was sent',
        endpoint: this.ctx.endpoint,
        idempotent: this.ctx.idempotent,
        sent: this.started,
        cause: reason,
      }),
    );
    this.controller?.abort(reason instanceof Error ? reason : new Error('aborted'));
  }

  /** The deadline passed: sent means the server may have acted (unknown outcome), else nothing was. */
  private expire(): void {
    if (this.done) return;
    const message = `no complete answer before the deadline`;
    const common = { endpoint: this.ctx.endpoint, idempotent: this.ctx.idempotent };
    this.fail(
      this.started
        ? new WhitebitError({ ...common, kind: 'unknownOutcome', sent: true, message: `request sent, outcome unknown (${message})` })
        : new WhitebitError({ ...common, kind: 'transport', sent: false, message: `not sent (${message})` }),
    );
    this.controller?.abort(new Error('deadline passed'));
  }

  private finish(): void {
    this.done = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    clearTimeout(this.deadlineTimer);
  }

  private fail(e: WhitebitError): void {
    if (this.done) return;
    this.finish();
    this.reject(e);
  }
}

/**
 * Dispatches one request and resolves with the full response, whatever its status. Rejects with a
 * `WhitebitError` of kind `transport` (nothing sent), `unknownOutcome` (sent, then lost), `aborted`
 * or `decode` (oversized body). The request is handed to the dispatcher synchronously.
 */
export function exchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: AbortSignal | undefined,
  ctx: ExchangeContext,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    if (signal?.aborted) {
      reject(
        new WhitebitError({
          kind: 'aborted',
          message: 'aborted before the request was sent',
          endpoint: ctx.endpoint,
          idempotent: ctx.idempotent,
          cause: signal.reason,
        }),
      );
      return;
    }
    const handler = new CollectingHandler(resolve, reject, signal, ctx);
    dispatcher.dispatch(options, handler);
  });
}
