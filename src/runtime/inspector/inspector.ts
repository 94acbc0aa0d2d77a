/**
 * Entry points of the inspector: `startInspector` for a live run (collector → model → page, and
 * optionally a recording), `startReplay` for `gridbot replay FILE.jsonl` (the same page over a
 * recording, with a timeline).
 *
 * Live, the inspector is a runtime observer (`observe`, for `startRuntime({ observers })`) that
 * listens only while someone looks: a page client connected (or a one-off `/api/state`), or a
 * recording. Then it subscribes XState's inspection stream and each market's emitted events (two
 * array pushes per event, collector.ts); with nobody looking it is subscribed to nothing, so the
 * actors pay nothing for it. When looking starts mid-run, every actor's row and state are read from
 * its snapshot (the page may have missed what happened meanwhile, never the current state).
 * A timer every `tickMs` flushes the batch into records, applies them to the model, appends them
 * to the recording and broadcasts one delta. The timer is `unref`ed: the inspector never keeps a
 * finished run alive.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyStateMachine, Subscription } from 'xstate';
import { connectionMachine } from '../../machines/connection/connection.machine.js';
import { marketMachine } from '../../machines/market/market.machine.js';
import { type ObservedActors, type ObservedMarket, type RuntimeObserver, eachMarket } from '../start/observers.js';
import { supervisorMachine } from '../supervisor/supervisor.machine.js';
import { pollBalances } from './balance-feed.js';
import { InspectionCollector } from './collector.js';
import { InspectorModel } from './model.js';
import type { InspectorRecord } from './records.js';
import { openRecording, readRecording, type RecordingWriter } from './recording.js';
import { settle, stepFrom } from './replay-steps.js';
import { type InspectorServer, type InspectorView, startInspectorServer } from './server.js';

export const MACHINES: Readonly<Record<string, AnyStateMachine>> = {
  supervisor: supervisorMachine,
  connection: connectionMachine,
  market: marketMachine,
};

export const DEFAULT_TICK_MS = 200;

export interface InspectorOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The page's port (0: any free one); null: no page (record only). */
  readonly port: number | null;
  /** Write every inspection record (with payloads) to this JSONL file. */
  readonly record?: string | null;
  readonly tickMs?: number;
  readonly now?: () => number;
  /** Extra routes on the page's server: `/metrics` and `/health` (metrics/http-routes.ts). */
  readonly route?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
  /** Shown in the page's header beside the title (a paper run says PAPER there). */
  readonly headerNote?: string;
}

export interface Inspector {
  /** The page's address, or null without a page. */
  readonly url: string | null;
  /** Pass to `startRuntime({ observers })`. */
  readonly observe: RuntimeObserver;
  /** Whether it listens to the actors now (a page client, a recording). */
  looking(): boolean;
  readonly model: InspectorModel;
  /** Processes what is buffered now (the timer does this every tick). */
  flush(): void;
  /** Flushes, ends the recording and closes the page's server. */
  close(): Promise<void>;
}

/** Starts the live inspector. @throws the listen error (EADDRINUSE…) or the recording's open error. */
export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const recording: RecordingWriter | null = options.record ? await openRecording(options.record) : null;
  const now = options.now ?? Date.now;
  const collector = new InspectionCollector({ now, payloads: recording !== null });
  const model = new InspectorModel();
  const hello: InspectorRecord = { k: 'hello', v: 1, t: now(), machines: Object.keys(MACHINES) };
  model.apply(hello);
  recording?.write([hello]);
  let actors: ObservedActors | null = null;
  let subscriptions: Subscription[] = [];
  // Records of the inspector's own reads (balances), taken in by the next flush.
  let own: InspectorRecord[] = [];
  let stopBalances: (() => void) | null = null;
  // A recording looks for the whole run; each page client (or one-off read) while it is connected.
  let watchers = recording ? 1 : 0;
  const attach = (): void => {
    if (actors === null || subscriptions.length > 0) return;
    const { supervisor, connection } = actors;
    subscriptions.push(actors.inspect(collector.inspect));
    collector.seed(supervisor, null);
    collector.seed(connection, supervisor);
    for (const market of live.values()) watchMarket(market);
    if (actors.balances) stopBalances = pollBalances(actors.balances, (r) => own.push(r), now);
  };
  // The markets running now: a reload replaces and adds actors (start/observers.ts `marketStarted`).
  const live = new Map<string, ObservedMarket>();
  const watchMarket = (market: ObservedMarket): void => {
    if (actors === null) return;
    collector.seed(market, actors.supervisor);
    subscriptions.push(market.on('*', (e) => collector.emitted(market, e)));
  };
  const detach = (): void => {
    stopBalances?.();
    stopBalances = null;
    for (const s of subscriptions) s.unsubscribe();
    subscriptions = [];
  };
  const watch = (): (() => void) => {
    watchers += 1;
    if (watchers === 1) {
      attach();
      // The client's first snapshot is drawn from the model: bring it up to date now.
      flush();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      watchers -= 1;
      if (watchers === 0) detach();
    };
  };
  const view: InspectorView = { mode: 'live', runId: randomUUID(), model: () => model, dropped: () => collector.dropped, watch };
  let server: InspectorServer | null = null;
  if (options.port !== null) {
    try {
      server = await startInspectorServer({
        host: options.host ?? '127.0.0.1',
        port: options.port,
        view,
        machines: MACHINES,
        ...(options.route ? { route: options.route } : {}),
        ...(options.headerNote === undefined ? {} : { headerNote: options.headerNote }),
      });
    } catch (e) {
      await recording?.close();
      throw e;
    }
  }
  function flush(): void {
    const records = collector.flush();
    if (own.length > 0) {
      records.push(...own);
      own = [];
    }
    if (records.length === 0) return;
    for (const r of records) model.apply(r);
    recording?.write(records);
    server?.broadcast(model.takeChanges(), model.takeFleetChange());
  }
  const timer = setInterval(flush, options.tickMs ?? DEFAULT_TICK_MS);
  timer.unref();
  let closing: Promise<void> | null = null;
  return {
    url: server?.url ?? null,
    observe: (observed) => {
      actors = observed;
      eachMarket(observed, (name, market) => {
        live.set(name, market);
        if (subscriptions.length > 0) watchMarket(market);
      });
      if (watchers > 0) attach();
    },
    looking: () => subscriptions.length > 0,
    model,
    flush,
    close: () => {
      closing ??= (async () => {
        clearInterval(timer);
        flush();
        detach();
        await server?.close();
        await recording?.close();
      })();
      return closing;
    },
  };
}

export interface Replay {
  readonly url: string;
  readonly count: number;
  seek(to: number): void;
  readonly model: () => InspectorModel;
  close(): Promise<void>;
}

/** Serves a recording with a timeline. @throws RecordingError for a file that is not a recording. */
export async function startReplay(options: { readonly file: string; readonly host?: string; readonly port: number }): Promise<Replay> {
  const records = await readRecording(options.file);
  const t0 = records[0]?.t ?? 0;
  const t1 = records[records.length - 1]?.t ?? t0;
  let model = new InspectorModel();
  let position = 0;
  const seek = (to: number): void => {
    // Never inside a cascade: the page shows an actor's change together with the reactions it caused.
    const target = settle(records, to);
    if (target < position) {
      model = new InspectorModel();
      position = 0;
    }
    while (position < target) model.apply(records[position++] as InspectorRecord);
    model.takeChanges();
    model.takeFleetChange();
  };
  const view: InspectorView = {
    mode: 'replay',
    runId: `replay:${options.file}`,
    model: () => model,
    dropped: () => 0,
    replay: {
      info: () => ({ position, count: records.length, t: model.now || t0, t0, t1, file: options.file }),
      seek: (to) => {
        seek(to);
        server.resync();
      },
      step: (dir, focus) => {
        seek(stepFrom(records, position, dir, focus));
        server.resync();
      },
    },
  };
  seek(records.length);
  const server = await startInspectorServer({ host: options.host ?? '127.0.0.1', port: options.port, view, machines: MACHINES });
  return { url: server.url, count: records.length, seek, model: () => model, close: () => server.close() };
}
