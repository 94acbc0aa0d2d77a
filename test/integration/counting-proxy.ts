/**
 * A loopback HTTP proxy in front of the simulator that records every request and WebSocket upgrade
 * it sees, so a test can prove that a command sent nothing (or nothing private) to the exchange.
 * REST requests are forwarded; upgrades are counted and refused (a run that must not trade has no
 * business opening the socket; point the WebSocket at the simulator directly when it should).
 *
 * It can also hold the requests to one path until the test releases them: the way to make one
 * request reach the exchange *after* a later one, which loopback timing alone never does; and
 * answer one path itself with a status the simulator never gives (a 401 on cancel-all only).
 * With `forwardUpgrades`, WebSocket upgrades are piped through to the simulator (a bot that trades
 * through the proxy, `--exchange-url` naming both).
 */
import { createServer, request } from 'node:http';
import { type AddressInfo, type Socket, connect } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
}

export interface CountingProxy {
  readonly url: string;
  /** Every REST request, in arrival order. */
  readonly requests: readonly SeenRequest[];
  /** Signed (POST) requests: everything private on WhiteBIT v4. */
  privateRequests(): SeenRequest[];
  upgrades(): number;
  /** Holds every request to `path` from now on, until `release`. */
  hold(path: string): void;
  /** Requests held so far and not yet released. */
  held(): number;
  /** Stops holding and forwards every held request, in arrival order. */
  release(): void;
  /** Answers every request to `path` from now on with `status` and `body` (JSON), without forwarding it. */
  refuse(path: string, status: number, body: unknown): void;
  close(): Promise<void>;
}

/** `onRequest` runs after each request is recorded (and held or forwarded): a hook for waiters. */
export async function startCountingProxy(
  targetUrl: string,
  onRequest: () => void = () => {},
  options: { readonly forwardUpgrades?: boolean } = {},
): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const requests: SeenRequest[] = [];
  let upgrades = 0;
  let holding: string | null = null;
  let queue: (() => void)[] = [];
  let refusal: { path: string; status: number; body: string } | null = null;
  /** Upgraded sockets leave the server's keeping: destroyed by `close` itself. */
  const piped = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '' });
    const forward = (body: Buffer): void => {
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const pathname = new URL(req.url ?? '/', 'http://proxy').pathname;
      if (refusal !== null && pathname === refusal.path) res.writeHead(refusal.status, { 'content-type': 'application/json' }).end(refusal.body);
      else if (holding !== null && pathname === holding) queue.push(() => forward(body));
      else forward(body);
      onRequest();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    upgrades += 1;
    if (!options.forwardUpgrades) {
      socket.destroy();
      return;
    }
    // The upgrade request replayed upstream as it came, then the two sockets piped together.
    const upstream = connect(Number(target.port), target.hostname, () => {
      const headers = Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${v ?? ''}`]));
      upstream.write(`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    for (const s of [upstream, socket as Socket]) {
      piped.add(s);
      s.once('close', () => piped.delete(s));
    }
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    privateRequests: () => requests.filter((r) => r.method !== 'GET'),
    upgrades: () => upgrades,
    hold: (path) => {
      holding = path;
    },
    held: () => queue.length,
    release: () => {
      holding = null;
      const q = queue;
      queue = [];
      for (const f of q) f();
    },
    refuse: (path, status, body) => {
      refusal = { path, status, body: JSON.stringify(body) };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const s of piped) s.destroy();
        server.close(() => resolve());
      }),
  };
}
