/**
 * Turns XState's inspection stream into inspector records, in two halves.
 *
 * `inspect(event)` runs inside every actor's transition (synchronously, on the order path): it
 * pushes the event's reference and the time onto two arrays and returns. Nothing is read, copied
 * or serialised there (PERF.md: the inspector stays off the hot path).
 *
 * `flush()` runs on the inspector's timer (every 100–250 ms): it walks the batch in order, keeps
 * only what the page needs (actor ids, state changes with the active state nodes, transitions with
 * a target, event types and a short note) and coalesces each market's context into at most one
 * `market` record per tick, computed from its latest snapshot only, the ladder only when the level
 * book changed. So 500 busy markets cost one record per market per tick, however many prices arrive.
 *
 * Why holding references is safe: XState snapshots and contexts are immutable values; reading them
 * a tick later reads what the actor had then. The level book is the exception (the actor changes it
 * in place, bumping its `version`): a tick later it shows the latest book, which is what is drawn.
 */
import type { ActorRefLike, InspectionEvent } from 'xstate';
import type { MarketContext } from '../../machines/market/market.types.js';
import { marketStatus, statePath } from '../status/market-status.js';
import { ladderOf } from './ladder.js';
import { type EventRecord, type InspectorRecord, type MarketRecord, type StateRecord, jsonSafe } from './records.js';

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
  /** The last market context turned into a record, and its book. */
  context: unknown;
  book: unknown;
}

interface MachineLogic {
  readonly root: { readonly id: string };
}

interface TransitionLike {
  readonly eventType: string;
  readonly source: { readonly id: string };
  readonly target?: readonly { readonly id: string }[] | undefined;
}

interface MachineSnapshotLike {
  readonly status: StateRecord['status'];
  readonly value: unknown;
  readonly context: unknown;
  readonly _nodes?: readonly { readonly id: string; readonly type: string }[];
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

/** Returns a short note for the events a trader reads in the log. */
function noteOf(event: { type: string } & Record<string, unknown>): Pick<EventRecord, 'note' | 'fill'> {
  const type = event.type;
  const s = (x: unknown) => (x === undefined || x === null ? '' : String(x as string));
  switch (type) {
    case 'feed.deal': {
      const d = event['deal'] as Record<string, unknown>;
      const fill = { side: s(d['side']), price: s(d['price']), amount: s(d['amount']) };
      return { note: `${fill.side} ${fill.amount} @ ${fill.price}`, fill };
    }
    case 'feed.price':
      return { note: s(event['price']) };
    case 'feed.order': {
      const u = event['update'] as Record<string, unknown>;
      return { note: `${s(u['side'])} ${s(u['amount'])} @ ${s(u['price'])}, left ${s(u['left'])}${u['final'] ? ', final' : ''}` };
    }
    case 'desk.place':
      return { note: `${(event['intents'] as unknown[]).length} order(s)` };
    case 'desk.result': {
      const counts = new Map<string, number>();
      for (const o of event['outcomes'] as { kind: string }[]) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
      const parts = [...counts].map(([k, n]) => `${n} ${k}`);
      if (event['fatal']) parts.push(`fatal: ${s(event['fatal'])}`);
      return { note: parts.join(', ') };
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
      if (type.startsWith('xstate.done.actor.') && Array.isArray(event['output'])) return { note: `${event['output'].length} result(s)` };
      return {};
  }
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
  private buffer: InspectionEvent[] = [];
  private times: number[] = [];
  private readonly actors = new WeakMap<ActorRefLike, ActorInfo>();
  private readonly now: () => number;
  private readonly payloads: boolean;
  private readonly maxBuffered: number;
  /** Events dropped because the buffer was full (the page shows it). */
  dropped = 0;

  constructor(options: CollectorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.payloads = options.payloads ?? false;
    this.maxBuffered = options.maxBuffered ?? 200_000;
  }

  /** The `inspect` callback: O(1), two array pushes. */
  readonly inspect = (event: InspectionEvent): void => {
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped += 1;
      return;
    }
    this.buffer.push(event);
    this.times.push(this.now());
  };

  /** Events waiting for the next flush. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Turns the buffered events into records, in order, and empties the buffer. */
  flush(): InspectorRecord[] {
    const batch = this.buffer;
    const times = this.times;
    this.buffer = [];
    this.times = [];
    const out: InspectorRecord[] = [];
    const markets = new Map<ActorInfo, { snap: MachineSnapshotLike; t: number }>();
    for (let i = 0; i < batch.length; i++) {
      const ev = batch[i] as InspectionEvent;
      const t = times[i] as number;
      switch (ev.type) {
        case '@xstate.actor': {
          const machine = machineOf(ev.actorRef);
          if (machine === null) break;
          // A root actor without an explicit id is named by its session (`x:0`): name it by its machine.
          const ref = ev.actorRef as ActorRefLike & { sessionId?: string };
          const id = isRoot(ref) && idOf(ref) === ref.sessionId ? machine : idOf(ref);
          const info: ActorInfo = { id, machine, state: '', status: '', context: undefined, book: undefined };
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
            if (event.type === 'xstate.init' && target.status === '') break;
            const src = ev.sourceRef ? (source?.id ?? idOf(ev.sourceRef)) : null;
            out.push({ k: 'event', t, id: target.id, type: event.type, src, ...noteOf(event), ...payload });
          } else if (source && !event.type.startsWith('xstate.')) {
            // What a machine asks of a child that is not a machine (`desk.place` to the desk).
            out.push({ k: 'event', t, id: source.id, type: event.type, src: source.id, to: idOf(ev.actorRef), ...noteOf(event), ...payload });
          }
          break;
        }
        case '@xstate.microstep': {
          const info = this.actors.get(ev.actorRef);
          if (!info) break;
          for (const tr of ev._transitions as unknown as readonly TransitionLike[]) {
            if (!tr.target || tr.target.length === 0) continue;
            out.push({ k: 'step', t, id: info.id, type: tr.eventType, from: tr.source.id, to: tr.target.map((n) => n.id) });
          }
          break;
        }
        case '@xstate.snapshot': {
          const info = this.actors.get(ev.actorRef);
          if (!info) break;
          const snap = ev.snapshot as unknown as MachineSnapshotLike;
          const state = rowState(info.machine, snap.value);
          if (state !== info.state || snap.status !== info.status) {
            info.state = state;
            info.status = snap.status;
            out.push({ k: 'state', t, id: info.id, state, active: activeOf(info.machine, snap), status: snap.status, ev: ev.event.type });
          }
          if (info.machine === 'market') markets.set(info, { snap, t });
          break;
        }
        default:
          break;
      }
    }
    for (const [info, { snap, t }] of markets) {
      const rec = this.marketRecord(info, snap, t);
      if (rec) out.push(rec);
    }
    return out;
  }

  private marketRecord(info: ActorInfo, snap: MachineSnapshotLike, t: number): MarketRecord | null {
    const c = snap.context as MarketContext;
    // The book changes in place (the context object may stay the same): its version tells whether it changed.
    const bookMark = c.book === null ? null : c.book.version;
    const bookChanged = bookMark !== info.book;
    if (snap.context === info.context && !bookChanged) return null;
    info.context = snap.context;
    info.book = bookMark;
    const s = marketStatus(snap as never, t);
    const row = {
      liveOrders: s.liveOrders,
      pendingOrders: s.pendingOrders,
      fills: s.fills,
      realisedPnl: s.realisedPnl,
      inventory: s.inventory,
      ksDeadline: c.killSwitchDeadline,
      reason: s.reason,
      connected: c.connected,
    };
    return { k: 'market', t, id: info.id, row, price: c.lastPrice, ...(bookChanged ? { ladder: ladderOf(c) } : {}) };
  }
}
