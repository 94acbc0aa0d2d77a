/**
 * The inspector's HTTP server (node:http, loopback by default):
 *
 *   GET  /                          the page (static files from ./page, no CDN, works offline)
 *   GET  /events?focus=ACTOR        Server-Sent Events: a full `snapshot` on connect, then `delta`s
 *   GET  /api/state?focus=ACTOR     the same snapshot as JSON (scripts, debugging)
 *   GET  /charts/MACHINE.json       the machine's chart (`chartJson`), /charts/MACHINE.layout.json its layout
 *   GET  /vendor/mermaid.min.js     Mermaid from node_modules (the page's "Mermaid source" view)
 *   GET  /vendor/uPlot.iife.min.js, /vendor/uPlot.min.css   uPlot from node_modules (the trader's charts)
 *   POST /replay/seek?to=N          replay only: move the timeline (also ?step=next|prev&focus=ACTOR)
 *   GET  /metrics, /health          live only, when given a `route` (metrics/http-routes.ts)
 *
 * A live client is what makes the inspector listen to the actors (`view.watch`, inspector.ts): from
 * its connect, which brings the model up to date first, until it leaves.
 * A snapshot on every (re)connect is what makes the page recover from a reload, a dropped
 * connection or a restarted runtime: EventSource reconnects by itself and the page resyncs.
 * A client that cannot keep up (its socket buffer is full) gets no deltas until it drains, then one
 * snapshot, so one slow tab cannot make the runtime buffer without bound.
 * Every request whose `Host` is not the configured host or a loopback name is refused with 421
 * (DNS rebinding: metrics/host-check.ts).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { chartJson, chartMermaid } from '../../machines/chart-export.js';
import { refuseForeignHost } from '../metrics/host-check.js';
import { layoutChart } from './chart-layout.js';
import type { Detail, FleetView, InspectorModel, Row } from './model.js';

export interface ReplayInfo {
  /** Records applied (0..count). */
  readonly position: number;
  readonly count: number;
  readonly t: number;
  readonly t0: number;
  readonly t1: number;
  readonly file: string;
}

/** What the server shows: the live model, or a replay positioned on its timeline. */
export interface InspectorView {
  readonly mode: 'live' | 'replay';
  readonly runId: string;
  model(): InspectorModel;
  /** Events the collector had to drop (live). */
  dropped(): number;
  /**
   * Live: starts listening to the actors (if nobody did) and brings the model up to date; returns
   * the release, called when the client leaves. Without it the model is served as it is.
   */
  watch?(): () => void;
  replay?: {
    info(): ReplayInfo;
    seek(to: number): void;
    step(dir: 'next' | 'prev', focus: string | null): void;
  };
}

export interface SnapshotMessage {
  readonly mode: 'live' | 'replay';
  readonly runId: string;
  readonly now: number;
  readonly rows: readonly Row[];
  readonly focus: Detail | null;
  readonly replay: ReplayInfo | null;
  readonly dropped: number;
  /** The trader's view of the whole fleet: totals per quote asset, balances, fills, profit lines. */
  readonly fleet: FleetView;
}

export interface DeltaMessage {
  readonly now: number;
  readonly rows: readonly Row[];
  readonly focus?: Detail;
  readonly dropped: number;
  /** Present when the fleet view changed since the last delta. */
  readonly fleet?: FleetView;
}

export interface InspectorServer {
  readonly url: string;
  /** Sends one delta (rows of the changed actors, the focused actor's detail, the fleet view when `fleetChanged`) to every client. */
  broadcast(changed: ReadonlySet<string>, fleetChanged?: boolean): void;
  /** Sends every client a full snapshot (after a replay seek). */
  resync(): void;
  clients(): number;
  close(): Promise<void>;
}

interface Client {
  readonly res: ServerResponse;
  readonly focus: string | null;
  /** The last write did not fit the socket buffer: skip deltas, resync on drain. */
  blocked: boolean;
}

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
const PAGE_FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/chart.js': 'chart.js',
  '/chart.css': 'chart.css',
  '/trader.js': 'trader.js',
  '/charts.js': 'charts.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
const HEARTBEAT_MS = 10_000;
/** Bytes queued for one client beyond which it gets no deltas until it drained (then a snapshot). */
const MAX_BACKLOG = 8 * 1024 * 1024;

/**
 * Charting library files served from the installed package (never a CDN: the page works offline),
 * resolved at run time, so the same route works from src and from dist.
 */
const VENDOR_FILES: Readonly<Record<string, { readonly module: string; readonly type: string }>> = {
  '/vendor/uPlot.iife.min.js': { module: 'uplot/dist/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  '/vendor/uPlot.min.css': { module: 'uplot/dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
};

/** Returns the path of a file of an installed package, or null when it is not installed. */
function packageFile(module: string): string | null {
  try {
    return createRequire(import.meta.url).resolve(module);
  } catch {
    return null;
  }
}

function mermaidPath(): string | null {
  return packageFile('mermaid/dist/mermaid.min.js');
}

export function snapshotOf(view: InspectorView, focus: string | null): SnapshotMessage {
  const model = view.model();
  return {
    mode: view.mode,
    runId: view.runId,
    now: view.mode === 'live' ? Date.now() : model.now,
    rows: model.rows(),
    focus: focus === null ? null : model.detail(focus),
    replay: view.replay?.info() ?? null,
    dropped: view.dropped(),
    fleet: model.fleet(),
  };
}

/** The page with `note` after its title (the page's own markup: `<h1>gridbot <span>inspector</span></h1>`). */
function withHeaderNote(html: string, note: string): string {
  const text = note.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return html.replace('<span>inspector</span></h1>', `<span>inspector</span> <span class="badge" id="headerNote">${text}</span></h1>`);
}

/** Returns the SSE frame of a message. */
function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

export async function startInspectorServer(options: {
  readonly host: string;
  readonly port: number;
  readonly view: InspectorView;
  readonly machines: Readonly<Record<string, AnyStateMachine>>;
  /** Extra routes tried before the inspector's own (`/metrics`, `/health`); true when handled. */
  readonly route?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
  /** Text put in the page's header beside the title (HTML-escaped): a paper run says PAPER there. */
  readonly headerNote?: string;
}): Promise<InspectorServer> {
  const { view, machines } = options;
  const clients = new Set<Client>();
  const charts = new Map<string, string>();
  const chartFile = (name: string): string | null => {
    const m = /^([a-z]+)\.(json|layout\.json|mmd)$/.exec(name);
    const machine = m ? machines[m[1] ?? ''] : undefined;
    if (!m || !machine) return null;
    let text = charts.get(name);
    if (text === undefined) {
      const chart = chartJson(machine);
      text = m[2] === 'json' ? JSON.stringify(chart) : m[2] === 'mmd' ? chartMermaid(machine) : JSON.stringify(layoutChart(chart));
      charts.set(name, text);
    }
    return text;
  };

  const send = (c: Client, text: string): void => {
    if (c.blocked) return;
    c.res.write(text);
    // A large snapshot alone exceeds the stream's high-water mark; only a backlog means a slow client.
    if (c.res.writableLength > MAX_BACKLOG) {
      c.blocked = true;
      c.res.once('drain', () => {
        c.blocked = false;
        send(c, frame('snapshot', JSON.stringify(snapshotOf(view, c.focus))));
      });
    }
  };

  const openEvents = (req: IncomingMessage, res: ServerResponse, focus: string | null): void => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const release = view.watch?.();
    const client: Client = { res, focus, blocked: false };
    clients.add(client);
    res.write('retry: 1000\n\n');
    send(client, frame('snapshot', JSON.stringify(snapshotOf(view, focus))));
    req.on('close', () => {
      clients.delete(client);
      release?.();
    });
  };

  // Known once listening (port 0 picks one); read here, not from server.address(), which is null once closed.
  let boundPort = options.port;
  const server: Server = createServer((req, res) => {
    if (refuseForeignHost(req, res, options.host, boundPort)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const focus = url.searchParams.get('focus') || null;
    const fail = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    if (req.method === 'POST' && path === '/replay/seek') {
      if (!view.replay) return fail(404, 'not a replay');
      const step = url.searchParams.get('step');
      if (step === 'next' || step === 'prev') view.replay.step(step, focus);
      else {
        const to = Number(url.searchParams.get('to'));
        if (!Number.isInteger(to)) return fail(400, 'to must be an integer');
        view.replay.seek(to);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(view.replay.info()));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    if (options.route?.(req, res, path)) return;
    if (path === '/events') return openEvents(req, res, focus);
    if (path === '/api/state') {
      const release = view.watch?.();
      const body = JSON.stringify(snapshotOf(view, focus));
      release?.();
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(body);
    }
    const page = PAGE_FILES[path];
    if (page !== undefined) {
      readFile(`${PAGE_DIR}${page}`).then(
        (file) => {
          const body = page === 'index.html' && options.headerNote !== undefined ? withHeaderNote(file.toString('utf8'), options.headerNote) : file;
          res.writeHead(200, { 'content-type': TYPES[page.split('.').pop() ?? ''] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
          res.end(body);
        },
        () => fail(500, `inspector page file missing: ${page} (was the build's copy step run?)`),
      );
      return;
    }
    if (path.startsWith('/charts/')) {
      const text = chartFile(path.slice('/charts/'.length));
      if (text === null) return fail(404, `no chart ${path}`);
      res.writeHead(200, { 'content-type': path.endsWith('.mmd') ? 'text/plain; charset=utf-8' : 'application/json', 'cache-control': 'max-age=3600' });
      return res.end(text);
    }
    const vendored = VENDOR_FILES[path];
    if (vendored !== undefined) {
      const file = packageFile(vendored.module);
      if (file === null) return fail(404, `${vendored.module} is not installed`);
      res.writeHead(200, { 'content-type': vendored.type, 'cache-control': 'max-age=86400' });
      createReadStream(file).pipe(res);
      return;
    }
    if (path === '/vendor/mermaid.min.js') {
      const file = mermaidPath();
      if (file === null) return fail(404, 'mermaid is not installed');
      res.writeHead(200, { 'content-type': TYPES['js'] ?? '', 'cache-control': 'max-age=86400' });
      createReadStream(file).pipe(res);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204);
      return res.end();
    }
    fail(404, 'not found');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      boundPort = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  const heartbeat = setInterval(() => {
    for (const c of clients) send(c, ': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}/`,
    broadcast(changed, fleetChanged = false) {
      if (clients.size === 0 || (changed.size === 0 && !fleetChanged)) return;
      const model = view.model();
      const rows: Row[] = [];
      for (const id of changed) {
        const r = model.row(id);
        if (r) rows.push(r);
      }
      const now = view.mode === 'live' ? Date.now() : model.now;
      const dropped = view.dropped();
      const fleet = fleetChanged ? { fleet: model.fleet() } : {};
      const plain = frame('delta', JSON.stringify({ now, rows, dropped, ...fleet } satisfies DeltaMessage));
      for (const c of clients) {
        const detail = c.focus !== null && changed.has(c.focus) ? model.detail(c.focus) : null;
        send(c, detail ? frame('delta', JSON.stringify({ now, rows, focus: detail, dropped, ...fleet } satisfies DeltaMessage)) : plain);
      }
    },
    resync() {
      for (const c of clients) {
        c.blocked = false;
        send(c, frame('snapshot', JSON.stringify(snapshotOf(view, c.focus))));
      }
    },
    clients: () => clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        for (const c of clients) c.res.end();
        clients.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
