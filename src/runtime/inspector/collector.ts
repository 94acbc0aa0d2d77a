/**
 * Turns what the actors do into inspector records, in two halves.
 *
 * On the actors' path, three cheap inputs, each a push of references onto the buffer (nothing is
 * read, copied or serialised there; PERF.md: the inspector stays off the hot path):
 * - `inspect(event)`: XState's inspection stream, for the chart (actors, state changes with the
 *   active state nodes, transitions, delivered events). The inspector subscribes it only while
 *   someone looks (a page client, a recording): see inspector.ts;
 * - `emitted(market, event)`: what a market emits (market.emitted.ts): fills, orders sent, answers,
 *   a failed batch, noted for the log by their typed fields;
 * - `seed(actor, parent)`: an actor met when the inspector starts looking, mid-run: its row and state
 *   are read from its snapshot at the next flush.
 *
 * `flush()` runs on the inspector's timer (every 100–250 ms): it walks the batch in order and keeps
 * only what the page needs, and turns each market touched in the tick into at most one `market`
 * record, read from its actor's current snapshot, with the ladder only when the level book's change
 * stamp moved. So 500 busy markets cost one record per market per tick, however many prices arrive.
 *
 * Cascades: XState runs a transition's effects (an `emit`, a `sendTo`) before it reports the actor's
 * new snapshot, and a receiver that is idle processes the event at once, inside. So when the
 * connection goes down, the markets' `reconnecting` comes before the connection's own `backoff` in
 * the stream. Such a synchronous run, from an actor's first microstep until every actor it drew in
 * has reported its snapshot, is one cascade: its records carry the same `c`, and a replay shows a
 * cascade whole or not at all (replay-steps.ts). A cascade never spans two flushes: a flush runs on
 * a timer, outside every actor's processing.
 *
 * Why the market record is read at flush time, not from the snapshot an event carried: the level
 * book is mutated in place by its actor, so an older snapshot's book is the current one anyway; the
 * book's `version` (its identity for an immutable book) says whether the ladder changed.
 */
import type { ActorRefLike, InspectionEvent } from 'xstate';
import { edgeKeyOf } from '../../machines/chart-edges.js';
import type { MarketEmitted } from '../../machines/market/market.emitted.js';
import type { MarketContext } from '../../machines/market/market.types.js';
import type { MarketSnapshot, SnapshotSource } from '../start/observers.js';
import { marketStatus, statePath } from '../status/market-status.js';
import { roundTripsOf, unrealisedFigure } from '../report/fleet-figures.js';
import { ladderOf } from './ladder.js';
import { counterOf } from './trade-history.js';
import { type EventRecord, type FillNote, type InspectorRecord, type MarketRecord, type MarketRow, type StateRecord, jsonSafe } from './records.js';

export interface CollectorOptions {
  readonly now?: () => number;
  /** Keep every event's payload (for `--record`): frames and REST results as the actors saw them. */
  readonly payloads?: boolean;
  /** Events buffered between two flushes before new ones are dropped (and counted). */
  readonly maxBuffered?: number;
}

interface ActorInfo {
  readonly id: string;
  readonly machine: string;
  state: string;
  status: string;
  /** The level book, and its `version`, when the ladder was last recorded (undefined: never). */
  book: unknown;
  version: unknown;
}

/** An actor whose snapshot the collector may read (the same object XState's inspection events name). */
export type ActorSource = SnapshotSource<unknown>;

/** One buffered input: an inspection event, a market's emitted event, or an actor to seed (with its snapshot then). */
type Input =
  | { readonly kind: 'inspect'; readonly event: InspectionEvent }
  | { readonly kind: 'emitted'; readonly actor: ActorSource; readonly event: MarketEmitted }
  | { readonly kind: 'seed'; readonly actor: ActorSource; readonly parent: ActorSource | null; readonly snapshot: unknown };

/** The `ev` of a state record read from a snapshot when the inspector started looking, not caused by an event seen. */
export const RESYNC = 'inspector.resync';

interface MachineLogic {
  readonly root: { readonly id: string };
}

interface NodeLike {
  readonly id: string;
  readonly type?: string;
  readonly parent?: NodeLike | undefined;
}

interface TransitionLike {
  readonly eventType: string;
  readonly source: NodeLike;
  readonly target?: readonly { readonly id: string }[] | undefined;
}

interface MachineSnapshotLike {
  readonly status: StateRecord['status'];
  readonly value: unknown;
  readonly context: unknown;
  readonly _nodes?: readonly { readonly id: string; readonly type: string }[];
}

/** The region (a child of a parallel state) a node lies in, or null: each region keeps its own trail (model.ts). */
function regionOf(node: NodeLike): string | null {
  for (let n: NodeLike | undefined = node; n; n = n.parent) if (n.parent?.type === 'parallel') return n.id;
  return null;
}

function machineOf(ref: ActorRefLike): string | null {
  const logic = (ref as unknown as { logic?: Partial<MachineLogic> }).logic;
  const id = logic?.root?.id;
  return typeof id === 'string' ? id : null;
}

function idOf(ref: ActorRefLike): string {
  return String((ref as { id?: unknown }).id);
}

function isRoot(ref: ActorRefLike): boolean {
  return (ref as unknown as { _parent?: unknown })._parent === undefined;
}

/** Returns the row id of a machine actor: its id; a root actor without an explicit id (`x:0`) is named by its machine. */
function rowIdOf(ref: ActorRefLike, machine: string): string {
  const id = idOf(ref);
  return isRoot(ref) && id === (ref as { sessionId?: string }).sessionId ? machine : id;
}

/** Returns a short note for the delivered events a trader reads in the log (fills and orders come as emitted notes). */
function noteOf(event: { type: string } & Record<string, unknown>): Pick<EventRecord, 'note'> {
  const type = event.type;
  const s = (x: unknown) => (x === undefined || x === null ? '' : String(x as string));
  switch (type) {
    case 'feed.price':
      return { note: s(event['price']) };
    case 'feed.order': {
      const u = event['update'] as Record<string, unknown>;
      return { note: `${s(u['side'])} ${s(u['amount'])} @ ${s(u['price'])}, left ${s(u['left'])}${u['final'] ? ', final' : ''}` };
    }
    case 'stop':
    case 'ks.fatal':
    case 'shutdown':
      return { note: s(event['reason']) };
    default:
      if (type.startsWith('xstate.error.')) {
        const e = event['error'];
        return { note: e instanceof Error ? e.message : s(e) };
      }
      return {};
  }
}

/** Returns the log note of what a market emitted, or null for what the log does not show (state, PnL: rows have them). */
function emittedNote(e: MarketEmitted): { note: string; fill?: FillNote } | null {
  switch (e.type) {
    case 'market.fill':
      return { note: `${e.side} ${e.amount} @ ${e.price}`, fill: { side: e.side, price: e.price, amount: e.amount } };
    case 'market.ordersSent':
      return { note: `${e.intents.length} order(s) to the ${e.via === 'desk' ? 'desk' : 'exchange (bulk)'}` };
    case 'market.ordersAnswered': {
      const counts = new Map<string, number>();
      // Each kind by the way it went (ws: WebSocket order entry, rest), when the order router said.
      for (const o of e.outcomes) {
        const key = o.via === undefined ? o.kind : `${o.kind} via ${o.via}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const parts = [...counts].map(([k, n]) => `${n} ${k}`);
      if (e.fatal) parts.push(`fatal: ${e.fatal}`);
      return { note: parts.join(', ') };
    }
    case 'market.batchFailed':
      return { note: `${e.outcome}: ${e.reason}` };
    case 'market.waiting':
      return { note: `${e.waiting} level(s) waiting for price` };
    case 'market.planWaiting':
      return { note: `${e.reason}: nothing placed, waiting for the price` };
    case 'market.reconciled':
      return { note: `reconciled: adopted ${e.adopted}, ${e.strays} strays to cancel, ${e.missedCounterOrders} missed counter-orders` };
    case 'market.state':
    case 'market.pnl':
      return null;
  }
}

/** The level book's change counter, when it has one (a book mutated in place counts its changes). */
function versionOf(book: unknown): unknown {
  return (book as { version?: unknown } | null)?.version;
}

function activeOf(machine: string, snap: MachineSnapshotLike): string[] {
  if (Array.isArray(snap._nodes)) return snap._nodes.map((n) => n.id);
  // Fallback (not expected in XState 5): ids derived from the state value.
  const out: string[] = [machine];
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === 'string') out.push(`${prefix}.${v}`);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out.push(`${prefix}.${k}`);
        walk(`${prefix}.${k}`, x);
      }
    }
  };
  walk(machine, snap.value);
  return out;
}

/** Returns the row state of an actor: a market's lifecycle path, otherwise the whole path. */
function rowState(machine: string, value: unknown): string {
  if (machine === 'market') return statePath((value as { lifecycle?: unknown } | null)?.lifecycle);
  return statePath(value);
}

export class InspectionCollector {
  private buffer: Input[] = [];
  private times: number[] = [];
  private readonly actors = new WeakMap<object, ActorInfo>();
  private readonly now: () => number;
  private readonly payloads: boolean;
  private readonly maxBuffered: number;
  /** Events dropped because the buffer was full (the page shows it). */
  dropped = 0;
  /** The number of the last cascade (records' `c`), increasing over the run. */
  private cascade = 0;

  constructor(options: CollectorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.payloads = options.payloads ?? false;
    this.maxBuffered = options.maxBuffered ?? 200_000;
  }

  private push(input: Input): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped += 1;
      return;
    }
    this.buffer.push(input);
    this.times.push(this.now());
  }

  /** The `inspect` callback: O(1), two array pushes. */
  readonly inspect = (event: InspectionEvent): void => this.push({ kind: 'inspect', event });

  /** A market actor's emitted event: O(1), two array pushes. */
  emitted(actor: ActorSource, event: MarketEmitted): void {
    this.push({ kind: 'emitted', actor, event });
  }

  /** An actor met mid-run: its row (if new) and its current state at the next flush. */
  seed(actor: ActorSource, parent: ActorSource | null): void {
    this.push({ kind: 'seed', actor, parent, snapshot: actor.getSnapshot() });
  }

  /** Events waiting for the next flush. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Turns the buffered inputs into records, in order, and empties the buffer. */
  flush(): InspectorRecord[] {
    const batch = this.buffer;
    const times = this.times;
    this.buffer = [];
    this.times = [];
    const out: InspectorRecord[] = [];
    const markets = new Map<ActorInfo, { actor: ActorSource; t: number }>();
    // Actors between their first microstep and their snapshot: while any is, a cascade runs.
    const open = new Set<unknown>();
    for (let i = 0; i < batch.length; i++) {
      const input = batch[i] as Input;
      const t = times[i] as number;
      const inCascade = open.size > 0;
      const start = out.length;
      this.take(input, t, out, markets, open);
      if (!inCascade && open.size > 0) this.cascade += 1;
      if (inCascade || open.size > 0) {
        for (let j = start; j < out.length; j++) out[j] = { ...(out[j] as InspectorRecord), c: this.cascade } as InspectorRecord;
      }
    }
    for (const [info, { actor, t }] of markets) out.push(this.marketRecord(info, actor.getSnapshot() as MachineSnapshotLike, t));
    return out;
  }

  /** Turns one input into records (appended to `out`); notes the markets touched and the actors mid-macrostep. */
  private take(input: Input, t: number, out: InspectorRecord[], markets: Map<ActorInfo, { actor: ActorSource; t: number }>, open: Set<unknown>): void {
    if (input.kind === 'seed') {
      const info = this.seeded(input, t, out);
      if (info?.machine === 'market') markets.set(info, { actor: input.actor, t });
      return;
    }
    if (input.kind === 'emitted') {
      const info = this.actors.get(input.actor);
      const note = emittedNote(input.event);
      if (!info) return;
      markets.set(info, { actor: input.actor, t });
      if (note?.fill && input.event.type === 'market.fill') {
        // Read now, after the turn: the counter-order the fill released (trade-history.ts).
        const e = input.event;
        const c = (input.actor.getSnapshot() as MachineSnapshotLike).context as MarketContext;
        note.fill = {
          ...note.fill,
          fee: e.fee,
          feeAsset: e.feeAsset,
          clientOrderId: e.clientOrderId,
          level: e.level,
          counter: counterOf(c, e.level, e.side),
        };
      }
      if (note) out.push({ k: 'note', t, id: info.id, type: input.event.type, ...note, ...(this.payloads ? { ev: jsonSafe(input.event) } : {}) });
      return;
    }
    const ev = input.event;
    switch (ev.type) {
      case '@xstate.actor': {
        const machine = machineOf(ev.actorRef);
        if (machine === null || this.actors.has(ev.actorRef)) break;
        const id = rowIdOf(ev.actorRef, machine);
        const info: ActorInfo = { id, machine, state: '', status: '', book: undefined, version: undefined };
        this.actors.set(ev.actorRef, info);
        const parentRef = (ev.actorRef as unknown as { _parent?: ActorRefLike })._parent;
        const parent = parentRef ? (this.actors.get(parentRef)?.id ?? null) : null;
        out.push({ k: 'actor', t, id, machine, parent });
        break;
      }
      case '@xstate.event': {
        const event = ev.event as { type: string } & Record<string, unknown>;
        const target = this.actors.get(ev.actorRef);
        const source = ev.sourceRef ? this.actors.get(ev.sourceRef) : undefined;
        const payload = this.payloads ? { ev: jsonSafe(event) } : {};
        if (target) {
          // An actor's start is its `actor` and `state` records already.
          if (event.type === 'xstate.init') break;
          const src = ev.sourceRef ? (source?.id ?? idOf(ev.sourceRef)) : null;
          out.push({ k: 'event', t, id: target.id, type: event.type, src, ...noteOf(event), ...payload });
        } else if (source && !event.type.startsWith('xstate.')) {
          // What a machine asks of a child that is not a machine (`desk.place` to the desk).
          out.push({ k: 'event', t, id: source.id, type: event.type, src: source.id, to: idOf(ev.actorRef), ...noteOf(event), ...payload });
        }
        break;
      }
      case '@xstate.microstep': {
        open.add(ev.actorRef);
        const info = this.actors.get(ev.actorRef);
        if (!info) break;
        for (const tr of ev._transitions as unknown as readonly TransitionLike[]) {
          if (!tr.target || tr.target.length === 0) continue;
          const edge = edgeKeyOf(tr as unknown as Parameters<typeof edgeKeyOf>[0]);
          const region = regionOf(tr.source);
          out.push({
            k: 'step',
            t,
            id: info.id,
            type: tr.eventType,
            from: tr.source.id,
            to: tr.target.map((n) => n.id),
            ...(edge === null ? {} : { e: edge }),
            ...(region === null ? {} : { r: region }),
          });
        }
        break;
      }
      case '@xstate.snapshot': {
        open.delete(ev.actorRef);
        const info = this.actors.get(ev.actorRef);
        if (!info) break;
        this.stateOf(info, ev.snapshot as unknown as MachineSnapshotLike, ev.event.type, t, out);
        if (info.machine === 'market') markets.set(info, { actor: ev.actorRef as unknown as ActorSource, t });
        break;
      }
      default:
        break;
    }
  }

  /** Returns the info of an actor met mid-run, recording it (when new) and its state now. */
  private seeded({ actor, parent, snapshot }: Extract<Input, { kind: 'seed' }>, t: number, out: InspectorRecord[]): ActorInfo | null {
    let info = this.actors.get(actor);
    if (!info) {
      const ref = actor as unknown as ActorRefLike;
      const machine = machineOf(ref);
      if (machine === null) return null;
      info = { id: rowIdOf(ref, machine), machine, state: '', status: '', book: undefined, version: undefined };
      this.actors.set(actor, info);
      out.push({ k: 'actor', t, id: info.id, machine, parent: parent ? (this.actors.get(parent)?.id ?? null) : null });
    }
    // Whatever changed while nobody looked: the ladder is drawn afresh.
    info.book = undefined;
    this.stateOf(info, snapshot as MachineSnapshotLike, RESYNC, t, out);
    return info;
  }

  /** Records the actor's state when it changed. */
  private stateOf(info: ActorInfo, snap: MachineSnapshotLike, eventType: string, t: number, out: InspectorRecord[]): void {
    const state = rowState(info.machine, snap.value);
    if (state === info.state && snap.status === info.status) return;
    info.state = state;
    info.status = snap.status;
    out.push({ k: 'state', t, id: info.id, state, active: activeOf(info.machine, snap), status: snap.status, ev: eventType });
  }

  private marketRecord(info: ActorInfo, snap: MachineSnapshotLike, t: number): MarketRecord {
    const c = snap.context as MarketContext;
    const s = marketStatus(snap as unknown as MarketSnapshot, t);
    // Absent rather than null (or 0) when unknown: 500 rows a tick, every byte counts.
    const unrealised = unrealisedFigure(c.book, c.lastPrice);
    const roundTrips = roundTripsOf(c);
    const row: MarketRow = {
      ...(unrealised === null ? {} : { unrealisedPnl: unrealised }),
      ...(roundTrips === 0 ? {} : { roundTrips }),
      liveOrders: s.liveOrders,
      pendingOrders: s.pendingOrders,
      fills: s.fills,
      realisedPnl: s.realisedPnl,
      fees: s.fees,
      inventory: s.inventory,
      quoteAsset: s.quoteAsset,
      allTime: s.allTime,
      stopReason: s.stopReason,
      ksDeadline: c.killSwitchDeadline,
      reason: s.reason,
      connected: c.connected,
    };
    const version = versionOf(c.book);
    const bookChanged = c.book !== info.book || version !== info.version || info.book === undefined;
    info.book = c.book;
    info.version = version;
    return { k: 'market', t, id: info.id, row, price: c.lastPrice, ...(bookChanged ? { ladder: ladderOf(c) } : {}) };
  }
}
