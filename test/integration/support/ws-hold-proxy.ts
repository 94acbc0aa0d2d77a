/**
 * A loopback WebSocket proxy in front of the simulator that can hold the client's requests of one
 * method (e.g. `order_limit_place`) until the test releases them: the way to make a socket order
 * reach the exchange *after* a later REST call (a stop's cancel-all), which loopback timing alone
 * never does. Every other frame, both ways, is forwarded as it comes, in order per direction.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

export interface WsHoldProxy {
  /** `ws://127.0.0.1:<port>`: hand this to the runtime as its WebSocket URL. */
  readonly url: string;
  /** Holds every client frame whose `method` is `method`, from now on, until `release`. */
  hold(method: string): void;
  /** Frames held so far and not yet released. */
  held(): number;
  /** Stops holding and forwards every held frame, in arrival order (to a socket still open). */
  release(): void;
  close(): Promise<void>;
}

const methodOf = (data: RawData): string | null => {
  try {
    const msg = JSON.parse(data.toString()) as { method?: unknown };
    return typeof msg.method === 'string' ? msg.method : null;
  } catch {
    return null;
  }
};

/** Starts the proxy on 127.0.0.1, port 0, in front of `upstreamUrl`. */
export async function startWsHoldProxy(upstreamUrl: string, onFrame: () => void = () => {}): Promise<WsHoldProxy> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  let holding: string | null = null;
  const heldFrames: { readonly upstream: WebSocket; readonly data: RawData; readonly binary: boolean }[] = [];
  const sockets = new Set<WebSocket>();

  server.on('connection', (client) => {
    const upstream = new WebSocket(upstreamUrl);
    sockets.add(client).add(upstream);
    // Frames the client sends before the upstream is open wait here, in order.
    const early: { data: RawData; binary: boolean }[] = [];
    const toUpstream = (data: RawData, binary: boolean): void => {
      if (holding !== null && methodOf(data) === holding) {
        heldFrames.push({ upstream, data, binary });
        onFrame();
        return;
      }
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
      else early.push({ data, binary });
    };
    upstream.on('open', () => {
      for (const f of early.splice(0)) upstream.send(f.data, { binary: f.binary });
    });
    client.on('message', toUpstream);
    upstream.on('message', (data, binary) => {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
      onFrame();
    });
    const closeBoth = (): void => {
      client.close();
      upstream.close();
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });

  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: (method) => {
      holding = method;
    },
    held: () => heldFrames.length,
    release: () => {
      holding = null;
      for (const f of heldFrames.splice(0)) if (f.upstream.readyState === WebSocket.OPEN) f.upstream.send(f.data, { binary: f.binary });
    },
    close: async () => {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
