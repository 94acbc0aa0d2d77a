/**
 * The REST side of the simulator on node:http. Per request, in this order: route (unknown → 404,
 * empty body) → injected latency → injected failure → per-IP rate limit (non-JSON 429) → for
 * private routes, authentication (auth.ts) → the endpoint → the answer, trickled byte by byte when a
 * trickle fault applies (the request took effect). Every JSON answer is application/json.
 *
 * Why the order: faults and rate limits model the gateway in front of the exchange, so they answer
 * before anything is authenticated or executed; an `after` failure models the gateway losing the
 * answer of a request the exchange did execute.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { authenticate, type ApiCredentials, type NonceBook } from './auth.js';
import type { SimClock } from './clock.js';
import type { Exchange } from './exchange.js';
import type { Faults } from './faults.js';
import { PRIVATE_ROUTES, type Reply } from './private-routes.js';
import { matchPublicRoute } from './public-routes.js';
import type { RateLimiter } from './rate-limit.js';
import type { WsTokens } from './ws-tokens.js';

export interface HttpDeps {
  readonly exchange: Exchange;
  readonly clock: SimClock;
  readonly faults: Faults;
  readonly nonces: NonceBook;
  /** null disables rate limiting. */
  readonly limiter: RateLimiter | null;
  readonly tokens: WsTokens;
  readonly credentials: (apiKey: string) => ApiCredentials | undefined;
  readonly legacyOrderShape: boolean;
  /** False: every request answers 503 (the paper exchange's live feed is down). */
  readonly available?: () => boolean;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** A gateway error as nginx renders it: HTML, not JSON (500 is JSON, as the public API documents it). */
export function gatewayReply(status: number): Reply {
  if (status === 500) return { status, body: { error: ['Internal server error.'] } };
  const text = `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
  return {
    status,
    text: `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

/** The status, headers and body text `write` sends for `reply`. */
function rendered(reply: Reply): { headers: Record<string, string | number>; text: string } {
  if (reply.text !== undefined) return { headers: { 'content-type': 'text/html', 'content-length': Buffer.byteLength(reply.text) }, text: reply.text };
  if (reply.body === undefined) return { headers: { 'content-length': 0 }, text: '' };
  const text = JSON.stringify(reply.body);
  return { headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, text };
}

/** Writes `reply` one body byte every `everyMs` on the simulator clock (the trickle fault). */
function trickle(res: ServerResponse, reply: Reply, everyMs: number, clock: SimClock): void {
  if (res.destroyed || res.headersSent) return;
  const { headers, text } = rendered(reply);
  const bytes = Buffer.from(text, 'utf8');
  res.writeHead(reply.status, headers);
  let at = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (at >= bytes.length) {
      res.end();
      return;
    }
    res.write(bytes.subarray(at, at + 1));
    at += 1;
    clock.setTimer(everyMs, next);
  };
  next();
}

function write(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const { headers, text } = rendered(reply);
  res.writeHead(reply.status, headers);
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Returns the node:http request listener of the simulator's REST API. */
export function createRequestListener(deps: HttpDeps): RequestListener {
  const handle = (req: IncomingMessage, path: string, query: URLSearchParams, rawBody: Buffer): Reply => {
    if (deps.available?.() === false) return gatewayReply(503);
    const failure = deps.faults.takeRequestFailure(path);
    if (failure && !failure.after) return gatewayReply(failure.status);
    if (deps.limiter && !deps.limiter.allow(req.socket.remoteAddress ?? 'local', path)) return gatewayReply(429);
    const nowMs = deps.clock.now();
    let reply: Reply;
    const publicRoute = req.method === 'GET' ? matchPublicRoute(path) : undefined;
    if (publicRoute) {
      reply = publicRoute.handler({ exchange: deps.exchange, nowMs }, query, publicRoute.param);
    } else {
      const handler = PRIVATE_ROUTES.get(path);
      if (!handler) return { status: 404 };
      const auth = authenticate({ path, headers: req.headers, rawBody }, deps.credentials, deps.nonces, nowMs);
      reply = auth.ok
        ? handler({ exchange: deps.exchange, tokens: deps.tokens, legacyOrderShape: deps.legacyOrderShape, nowMs }, auth.value.accountId, auth.value.body)
        : { status: auth.error.status, body: auth.error.body };
    }
    return failure?.after ? gatewayReply(failure.status) : reply;
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const known = (req.method === 'GET' && matchPublicRoute(path)) || (req.method === 'POST' && PRIVATE_ROUTES.has(path));
    readBody(req).then(
      (rawBody) => {
        if (!known) return write(res, { status: 404 });
        const run = (): void => {
          try {
            const reply = handle(req, path, url.searchParams, rawBody);
            const everyMs = deps.faults.takeTrickle(path);
            if (everyMs === null) write(res, reply);
            else trickle(res, reply, everyMs, deps.clock);
          } catch (err) {
            // An engine invariant broke: answer like the real API's internal error and keep serving.
            process.emitWarning(`sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
            write(res, gatewayReply(500));
          }
        };
        const latency = deps.faults.restLatencyMs;
        if (latency > 0) deps.clock.setTimer(latency, run);
        else run();
      },
      () => res.destroy(),
    );
  };
}
