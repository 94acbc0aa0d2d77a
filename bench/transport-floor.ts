/**
 * `floor`: what one order request costs the client process in CPU here, before any bot logic, so
 * that `cpuUsPerFill` can be read against it. Two ways an order can leave:
 * - `rest`: an undici `Pool` request (keep-alive, the way src/adapters/whitebit/rest-client.ts
 *   sends), a body signed with HMAC-SHA512 under a key imported once, the JSON answer read;
 * - `ws`: one JSON frame on an open `ws` socket and its JSON reply, correlated by id (WhiteBIT's
 *   WebSocket order entry, whitebit-protocol-2.md §1).
 * The server is this file in a child process (a bare node:http / ws server answering an order
 * shaped body), so its CPU is not counted. Requests are paced at `rate` per second in groups every
 * 10 ms, as fills arrive, after a warm-up; the row is the client's CPU (user + system) per request
 * and the round-trip p50/p99.
 *
 * Entry point: `measureTransportFloor`. It never throws: a transport that fails is a row with
 * `status: 'failed: …'`.
 */
import { fork } from 'node:child_process';
import { createHmac, createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import { cpuUs, reasonOf, within } from './common.js';

export type Transport = 'rest' | 'ws';

export type FloorRow =
  | {
      readonly via: Transport;
      readonly status: 'ok';
      readonly rate: number;
      readonly requests: number;
      /** Client process CPU (user + system) per request, µs. */
      readonly cpuUsPerRequest: number;
      readonly roundTripUs: { readonly p50: number; readonly p99: number };
    }
  | { readonly via: Transport; readonly status: `failed: ${string}` };

/** An order's answer as WhiteBIT shapes it (rest-models' order), so the client parses a real-sized body. */
const ANSWER = {
  orderId: 4180284841,
  clientOrderId: 'g1-BTC_USDT-000001',
  market: 'BTC_USDT',
  side: 'buy',
  type: 'limit',
  timestamp: 1595792396.165973,
  dealMoney: '0',
  dealStock: '0',
  amount: '0.001',
  left: '0.001',
  dealFee: '0',
  price: '40000.5',
  postOnly: true,
  ioc: false,
  status: 'NEW',
};

interface Ports {
  readonly http: number;
  readonly ws: number;
}

/** The child: a bare HTTP and WebSocket server answering every order at once. */
function serve(): void {
  const body = JSON.stringify(ANSWER);
  const http = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  http.keepAliveTimeout = 120_000;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (s) =>
    s.on('message', (m) => {
      const { id } = JSON.parse(m.toString()) as { id: number };
      s.send(JSON.stringify({ id, result: ANSWER, error: null }));
    }),
  );
  http.listen(0, '127.0.0.1', () => {
    const ports: Ports = { http: (http.address() as AddressInfo).port, ws: (wss.address() as AddressInfo).port };
    process.send?.(ports);
  });
}

type Sender = (i: number) => Promise<void>;

function restSender(port: number): { send: Sender; close: () => Promise<void> } {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 8 });
  const key = createSecretKey(Buffer.from('bench-secret-bench-secret'));
  const send: Sender = async (i) => {
    const body = JSON.stringify({
      request: '/api/v4/order/new',
      nonce: Date.now() + i,
      market: 'BTC_USDT',
      side: 'buy',
      amount: '0.001',
      price: '40000.5',
      postOnly: true,
      clientOrderId: `g1-BTC_USDT-${i}`,
    });
    const payload = Buffer.from(body).toString('base64');
    const signature = createHmac('sha512', key).update(payload).digest('hex');
    const res = await pool.request({
      path: '/api/v4/order/new',
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-txc-apikey': 'bench', 'x-txc-payload': payload, 'x-txc-signature': signature },
    });
    await res.body.json();
  };
  return { send, close: () => pool.close() };
}

async function wsSender(port: number): Promise<{ send: Sender; close: () => Promise<void> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waiting = new Map<number, () => void>();
  socket.on('message', (data) => {
    const { id } = JSON.parse(data.toString()) as { id: number };
    waiting.get(id)?.();
    waiting.delete(id);
  });
  let nextId = 0;
  const send: Sender = (i) =>
    new Promise<void>((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      const params = { market: 'BTC_USDT', side: 'buy', amount: '0.001', price: '40000.5', post_only: true, client_order_id: `g1-BTC_USDT-${i}` };
      socket.send(JSON.stringify({ id, method: 'order_limit_place', params }));
    });
  return {
    send,
    close: async () => {
      socket.close();
      await new Promise((r) => socket.once('close', r));
    },
  };
}

/** Sends `count` requests, `rate` per second in groups every 10 ms; resolves with each request's round trip, µs. */
function paced(send: Sender, rate: number, count: number, offset: number): Promise<number[]> {
  const perTick = Math.max(1, Math.round(rate / 100));
  const trips: number[] = [];
  return new Promise((resolve, reject) => {
    let sent = 0;
    const timer = setInterval(() => {
      for (let k = 0; k < perTick && sent < count; k++, sent++) {
        const t0 = performance.now();
        send(offset + sent).then(() => {
          trips.push((performance.now() - t0) * 1000);
          if (trips.length === count) resolve(trips);
        }, reject);
      }
      if (sent >= count) clearInterval(timer);
    }, 10);
  });
}

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

async function measure(via: Transport, ports: Ports, rate: number, count: number): Promise<FloorRow> {
  const sender = via === 'rest' ? restSender(ports.http) : await wsSender(ports.ws);
  try {
    await paced(sender.send, rate, Math.max(200, count / 4), 0);
    const cpu0 = cpuUs();
    const trips = await paced(sender.send, rate, count, count);
    const cpuUsPerRequest = (cpuUs() - cpu0) / count;
    const sorted = [...trips].sort((a, b) => a - b);
    return { via, status: 'ok', rate, requests: count, cpuUsPerRequest, roundTripUs: { p50: pct(sorted, 0.5), p99: pct(sorted, 0.99) } };
  } finally {
    await sender.close();
  }
}

/** Both transports at `rate` requests/s, `count` each, against a server in a child process. Never throws. */
export async function measureTransportFloor(rate: number, count: number): Promise<FloorRow[]> {
  const child = fork(fileURLToPath(import.meta.url), ['serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const ports = await within(10_000, 'floor server start', () => new Promise<Ports>((resolve) => child.once('message', (m) => resolve(m as Ports))));
    const rows: FloorRow[] = [];
    for (const via of ['rest', 'ws'] as const) {
      rows.push(
        await within(60_000, `floor ${via}`, () => measure(via, ports, rate, count)).catch((e: unknown): FloorRow => ({
          via,
          status: `failed: ${reasonOf(e)}`,
        })),
      );
    }
    return rows;
  } catch (e) {
    return (['rest', 'ws'] as const).map((via) => ({ via, status: `failed: ${reasonOf(e)}` }));
  } finally {
    child.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'serve') serve();
