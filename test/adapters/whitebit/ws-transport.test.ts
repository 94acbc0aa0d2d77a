import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { WhitebitError } from '../../../src/adapters/whitebit/codec/errors.js';
import { WsTransport } from '../../../src/adapters/whitebit/ws-transport.js';
import { countClientWrites as countWrites } from '../../support/socket-writes.js';

let wss: WebSocketServer;
let url: string;
let serverSockets: WebSocket[];
let upgradeHeaders: Record<string, string | string[] | undefined>[];
/** What the server received: each frame's text and whether it came as a binary frame. */
let received: { text: string; isBinary: boolean }[];

beforeEach(async () => {
  serverSockets = [];
  upgradeHeaders = [];
  received = [];
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  wss.on('connection', (s, req) => {
    serverSockets.push(s);
    upgradeHeaders.push(req.headers);
    s.on('message', (data, isBinary) => {
      const text = data.toString();
      received.push({ text, isBinary });
      if (text.includes('"ping"')) s.send('{"id":0,"result":"pong","error":null}');
    });
  });
  await new Promise<void>((r) => wss.once('listening', r));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of serverSockets) s.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
});

describe('WsTransport', () => {
  it('connects with permessage-deflate off, sends, and emits text frames in order', async () => {
    const t = await WsTransport.connect(url);
    expect(t.isOpen).toBe(true);
    expect(upgradeHeaders[0]?.['sec-websocket-extensions']).toBeUndefined();
    const got = firstValueFrom(t.messages$.pipe(toArray()));
    expect(t.send('{"id":0,"method":"ping","params":[]}')).toBe(true);
    await new Promise<void>((r) => serverSockets[0]!.once('message', () => r()));
    serverSockets[0]!.send('{"id":null,"method":"lastprice_update","params":["BTC_USDT","1"]}');
    serverSockets[0]!.send(Buffer.from([1, 2, 3]), { binary: true });
    serverSockets[0]!.close(1000, 'bye');
    expect(await got).toEqual(['{"id":0,"result":"pong","error":null}', '{"id":null,"method":"lastprice_update","params":["BTC_USDT","1"]}']);
    expect(await firstValueFrom(t.closed$)).toEqual({ code: 1000, reason: 'bye', error: undefined });
    expect(t.send('late')).toBe(false);
  });

  // Issue 13: sent from a Buffer (one write), still a text frame, byte for byte the string's UTF-8.
  it('sends each frame as a text frame carrying the UTF-8 of the string', async () => {
    const t = await WsTransport.connect(url);
    const frame = '{"id":1099511627776,"method":"order_limit_place","params":[{"market":"BTC_USDT","client_order_id":"g-é€"}]}';
    const arrived = new Promise<void>((r) => serverSockets[0]!.once('message', () => r()));
    expect(t.send(frame)).toBe(true);
    await arrived;
    expect(received).toEqual([{ text: frame, isBinary: false }]);
    t.close();
  });

  const countClientWrites = () => countWrites((wss.address() as AddressInfo).port);

  function arrivals(n: number): Promise<void> {
    return new Promise<void>((r) => {
      const check = (): void => {
        if (received.length < n) return;
        serverSockets[0]!.off('message', check);
        r();
      };
      serverSockets[0]!.on('message', check);
    });
  }

  // Issue 13: the counter-orders a batch releases together are sent between cork and uncork.
  it('writes the frames sent while corked in one socket write, intact and in order', async () => {
    const t = await WsTransport.connect(url);
    const count = countClientWrites();
    const frames = Array.from({ length: 5 }, (_, i) => `{"id":${i + 1},"method":"order_limit_place","params":[{"market":"BTC_USDT","amount":"0.${i}é"}]}`);
    const arrived = arrivals(frames.length);
    t.cork();
    t.cork(); // nested, as Writable.cork
    for (const f of frames) expect(t.send(f)).toBe(true);
    t.uncork();
    expect(count.writes()).toBe(0); // still corked once
    t.uncork();
    expect(count.writes()).toBe(1);
    await arrived;
    expect(received).toEqual(frames.map((text) => ({ text, isBinary: false })));
    t.close();
  });

  it('writes an uncorked frame at once, in its own write', async () => {
    const t = await WsTransport.connect(url);
    const count = countClientWrites();
    const arrived = arrivals(2);
    t.send('{"id":1,"method":"ping","params":[]}');
    expect(count.writes()).toBe(1);
    t.send('{"id":2,"method":"ping","params":[]}');
    expect(count.writes()).toBe(2);
    await arrived;
    t.close();
  });

  it('close() completes messages$ and replays closed$ to late subscribers', async () => {
    const t = await WsTransport.connect(url);
    let completed = false;
    t.messages$.subscribe({ complete: () => (completed = true) });
    t.close(4000, 'done');
    const info = await firstValueFrom(t.closed$);
    expect(info.code).toBe(4000);
    expect(completed).toBe(true);
    expect(await firstValueFrom(t.closed$)).toEqual(info);
  });

  it('reports an abrupt server-side loss as a close with code 1006', async () => {
    const t = await WsTransport.connect(url);
    serverSockets[0]!.terminate();
    expect((await firstValueFrom(t.closed$)).code).toBe(1006);
  });

  it('rejects with transport when the connection is refused', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((r) => s.close(() => r()));
    const e = await WsTransport.connect(`ws://127.0.0.1:${port}/ws`).catch((x: unknown) => x);
    expect(WhitebitError.is(e) && e.kind).toBe('transport');
  });

  it('rejects with transport when the handshake does not finish in time', async () => {
    // A TCP server that accepts and never answers the upgrade.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    try {
      const e = await WsTransport.connect(`ws://127.0.0.1:${port}/ws`, { timeoutMs: 50 }).catch((x: unknown) => x);
      expect(WhitebitError.is(e) && e.kind).toBe('transport');
      expect(String((e as Error).message)).toMatch(/timed out|closed/i);
    } finally {
      silent.close();
    }
  });

  it('rejects with aborted when the signal aborts', async () => {
    const e = await WsTransport.connect(url, { signal: AbortSignal.abort() }).catch((x: unknown) => x);
    expect(WhitebitError.is(e) && e.kind).toBe('aborted');
    const ac = new AbortController();
    const p = WsTransport.connect(url, { signal: ac.signal }).catch((x: unknown) => x);
    ac.abort();
    expect(WhitebitError.is(await p) && ((await p) as WhitebitError).kind).toBe('aborted');
  });
});
