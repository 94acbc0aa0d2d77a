/**
 * Test helpers for notifications: a local HTTP server that records every request (127.0.0.1, port
 * 0), a log recorder, and fake actors to drive the notifier's observer with.
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SupervisorEmitted } from '../../../src/runtime/supervisor/supervisor.machine.js';
import type { ObservedActors } from '../../../src/runtime/start/observers.js';
import { fakeEmitter, fakeMarket } from '../support/fake-emitter.js';

export interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

export interface Hook {
  readonly url: string;
  readonly received: Received[];
  /** Status to answer with, per request (default 200). */
  status: (r: Received) => number;
  /** Resolves once `n` requests have arrived in all. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHook(): Promise<Hook> {
  const received: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const hook: Hook = {
    url: '',
    received,
    status: () => 200,
    waitFor: (n) => (received.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
      };
      received.push(r);
      res.statusCode = hook.status(r);
      res.end('{}');
      for (const w of waiters.filter((w) => received.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(hook, { url: `http://127.0.0.1:${port}` });
}

export function recorder() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  return {
    lines,
    text: () => lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.obj)}`).join('\n'),
    sink: {
      info: (obj: object, msg: string) => lines.push({ level: 'info', msg, obj: obj as Record<string, unknown> }),
      warn: (obj: object, msg: string) => lines.push({ level: 'warn', msg, obj: obj as Record<string, unknown> }),
    },
  };
}

/** Fake actors: markets by name, a connection whose snapshots the test pushes, a supervisor emitter. */
export function fakeActors(...names: string[]) {
  const markets = new Map(names.map((n) => [n, fakeMarket()]));
  const supervisor = fakeEmitter<SupervisorEmitted>();
  const connectionObservers: ((snap: { value: unknown }) => void)[] = [];
  const actors = {
    markets,
    supervisor: { ...supervisor, id: 'supervisor', getSnapshot: () => ({ value: 'running', status: 'active' }) },
    connection: {
      id: 'connection',
      getSnapshot: () => ({ value: { connection: 'open' } }),
      subscribe: (o: { next?: (snap: { value: unknown }) => void }) => {
        if (o.next) connectionObservers.push(o.next);
        return { unsubscribe: () => undefined };
      },
    },
    inspect: () => ({ unsubscribe: () => undefined }),
    marketStarted: () => ({ unsubscribe: () => undefined }),
  } as unknown as ObservedActors;
  return {
    actors,
    market: (n: string) => markets.get(n) ?? fakeMarket(),
    supervisor,
    connection: (state: string) => {
      for (const next of connectionObservers) next({ value: { connection: state } });
    },
  };
}

/** Resolves once `cond` holds, checking after each round of I/O (no time passes on any clock). */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 200_000; i++) {
    if (cond()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never reached: ${what}`);
}
