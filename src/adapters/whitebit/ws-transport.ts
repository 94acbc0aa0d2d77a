/**
 * A thin `ws` client: connect with a timeout, send text, close, and the socket's messages and
 * close as RxJS Observables. It never parses frames (the codec does) and never reconnects (the
 * connection actor owns that policy, with backoff and re-subscription).
 *
 * `messages$` emits each text frame synchronously from the socket's `message` event: no buffering
 * and no scheduler between the socket and the subscriber (PERF.md). It completes when the socket
 * closes; `closed$` then emits one {@link WsCloseInfo} (replayed to late subscribers). WhiteBIT sends
 * text only: a binary frame is not a message, but it is not silence either (a relay mangling frames),
 * so `binary$` reports it, decoded as UTF-8, for the caller to count.
 * permessage-deflate is off: WhiteBIT frames are small and inflating costs more than it saves.
 * Frames are sent as text frames made from one UTF-8 Buffer (see {@link WsTransport.send}); those
 * sent between {@link WsTransport.cork} and {@link WsTransport.uncork} reach the kernel in one write.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Observable, ReplaySubject, Subject } from 'rxjs';
import WebSocket from 'ws';
import { WhitebitError } from './codec/errors.js';

/** `ws` sends a Buffer as a binary frame unless told otherwise; WhiteBIT reads text frames. */
const TEXT_FRAME = { binary: false } as const;

export interface WsConnectOptions {
  /** Handshake deadline (default 10 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Extra HTTP headers for the upgrade request. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface WsCloseInfo {
  readonly code: number;
  readonly reason: string;
  /** The socket error that preceded the close, if any. */
  readonly error: Error | undefined;
}

export class WsTransport {
  /** Text frames as received. Completes on close. */
  readonly messages$: Observable<string>;
  /** Binary frames (not messages of the protocol), as UTF-8 text. Completes on close. */
  readonly binary$: Observable<string>;
  /** Emits once when the socket has closed, then completes. */
  readonly closed$: Observable<WsCloseInfo>;
  private readonly messages = new Subject<string>();
  private readonly binary = new Subject<string>();
  private readonly closed = new ReplaySubject<WsCloseInfo>(1);
  private lastError: Error | undefined;

  private constructor(
    private readonly socket: WebSocket,
    /** The TCP (or TLS) socket `ws` writes to: {@link cork} holds its writes. */
    private readonly raw: Duplex | null,
  ) {
    this.messages$ = this.messages.asObservable();
    this.closed$ = this.closed.asObservable();
    this.binary$ = this.binary.asObservable();
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8');
      (isBinary ? this.binary : this.messages).next(text);
    });
    socket.on('error', (err: Error) => {
      this.lastError = err;
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.messages.complete();
      this.binary.complete();
      this.closed.next({ code, reason: reason.toString('utf8'), error: this.lastError });
      this.closed.complete();
    });
  }

  /**
   * Opens a socket to `url` and resolves once it is open.
   * @throws WhitebitError `transport` (refused, handshake failed or timed out) or `aborted`
   */
  static connect(url: string, options: WsConnectOptions = {}): Promise<WsTransport> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<WsTransport>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new WhitebitError({ kind: 'aborted', message: 'ws connect aborted', endpoint: url, cause: options.signal.reason }));
        return;
      }
      const socket = new WebSocket(url, {
        perMessageDeflate: false,
        handshakeTimeout: timeoutMs,
        headers: { ...options.headers },
      });
      let settled = false;
      // The socket `ws` writes to, from the documented 'upgrade' event (ws keeps its own private).
      let raw: Duplex | null = null;
      socket.once('upgrade', (res: IncomingMessage) => {
        raw = res.socket;
      });
      const cleanup = (): void => {
        socket.off('open', onOpen);
        socket.off('error', onError);
        socket.off('close', onClose);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const fail = (e: WhitebitError): void => {
        if (settled) return;
        settled = true;
        cleanup();
        // Terminating a socket that is still connecting makes ws emit 'error'; it is already reported.
        socket.on('error', () => {});
        socket.terminate();
        reject(e);
      };
      const onOpen = (): void => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve(new WsTransport(socket, raw));
      };
      const onError = (err: Error): void =>
        fail(new WhitebitError({ kind: 'transport', message: `ws connect failed: ${err.message}`, endpoint: url, cause: err }));
      const onClose = (code: number): void => fail(new WhitebitError({ kind: 'transport', message: `ws closed during connect (${code})`, endpoint: url }));
      const onAbort = (): void => fail(new WhitebitError({ kind: 'aborted', message: 'ws connect aborted', endpoint: url, cause: options.signal?.reason }));
      socket.on('open', onOpen);
      socket.on('error', onError);
      socket.on('close', onClose);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Whether frames can be sent now. */
  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Sends one text frame. Returns false (and sends nothing) when the socket is not open; the
   * connection actor learns of the loss from `closed$`.
   *
   * Why a Buffer: handed a string, `ws` measures its UTF-8 length, encodes it, masks it in place and
   * writes the header and the payload as two chunks (a cork, two writes and a `writev`); handed a
   * Buffer it masks the payload into the header's buffer and makes one `write`. Measured on a
   * loopback socket, one counter-order frame per turn: ~16.4 -> ~14.4 µs of CPU per send.
   */
  send(text: string): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(Buffer.from(text, 'utf8'), TEXT_FRAME);
    return true;
  }

  /**
   * Holds the frames sent from now on in the socket until the matching {@link uncork} (calls nest,
   * as `Writable.cork` does), which hands them all to the kernel in one `writev`.
   *
   * Why: a write is a syscall, and on loopback the delivery to the peer runs inside it (~70 µs of
   * CPU per counter-order frame at 50 markets x 1,000 fills/s). A batch that releases several
   * counter-orders together (turn-order.ts rule 1) corks around their release. A lone frame is not
   * corked: deferring it to a tick measured +1.5 µs of CPU per send for nothing.
   */
  cork(): void {
    this.raw?.cork();
  }

  /** Ends one {@link cork}: at the outermost, what was held is written, in the order it was sent. */
  uncork(): void {
    this.raw?.uncork();
  }

  /** Starts the closing handshake; `closed$` emits when it is done. */
  close(code = 1000, reason = ''): void {
    if (this.socket.readyState === WebSocket.CLOSED || this.socket.readyState === WebSocket.CLOSING) return;
    this.socket.close(code, reason);
  }

  /** Destroys the socket at once (no closing handshake), e.g. after a missed pong. */
  terminate(): void {
    this.socket.terminate();
  }
}
