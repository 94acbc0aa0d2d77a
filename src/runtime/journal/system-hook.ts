/**
 * Attaches the journal hook (inspect-hook.ts) to an actor system without making it an XState
 * `inspect` observer, because an observer is paid for by every inspection event of the system.
 *
 * Why: with any observer, XState's `sendInspectionEvent` copies every inspection event (events,
 * snapshots, microsteps, actions, of every actor: `{ ...event, rootId }`) and hands it to every
 * observer. The journal reads two kinds only, `@xstate.event` and `@xstate.snapshot`; at a thousand
 * fills a second the copies and calls were about 26 µs of main-thread CPU per fill. With the hook
 * installed here and no observer, XState's own function returns at once (`inspectionObservers` is
 * empty) and the inspector's and a caller's `inspect` observers still get everything as before.
 *
 * How, and why it is safe: this wraps the system's `_sendInspectionEvent`, a private XState member
 * (checked against xstate 5.33). XState looks it up on the system object at every call (the actor's
 * `this.system._sendInspectionEvent(...)`, `system._relay`, the machine's microsteps), so the wrapper
 * sees exactly what an observer would, in the same order and at the same moment (`@xstate.event`
 * inside `_relay`, before the event enters the target's mailbox: the write-ahead point). The hook is
 * called before XState's own function, i.e. before any observer: where the `inspect` option put it
 * (first observer), and a throw still leaves `_relay` before delivery (fail-stop).
 *
 * When: right after `createActor` and before `start`. The system exists only from the root actor's
 * constructor on; what it sends during construction (`@xstate.actor`, the initial microsteps of the
 * root and its spawned children) is neither an event nor a snapshot: the first of those is the
 * `xstate.init` event of `start`. test/runtime/journal/system-hook.test.ts fails if an XState
 * upgrade changes either (the hook sees less than an observer would).
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';

/** The private part of XState's actor system this relies on. */
interface InspectableSystem {
  _sendInspectionEvent?: unknown;
}

type Send = (event: InspectionEvent) => void;

/**
 * Calls `hook` with every `@xstate.event` and `@xstate.snapshot` inspection event of `actor`'s
 * system (without `rootId`, which is added only for observers). Call before `actor.start()`.
 * @throws Error when the system has no `_sendInspectionEvent` (an XState upgrade changed it)
 */
export function attachSystemHook(actor: AnyActorRef, hook: (event: InspectionEvent) => void): void {
  const system = actor.system as unknown as InspectableSystem;
  const original = system._sendInspectionEvent;
  if (typeof original !== 'function')
    throw new Error('xstate: the actor system has no _sendInspectionEvent (an upgrade changed it); the journal hook cannot be attached');
  const send = original as Send;
  system._sendInspectionEvent = (event: InspectionEvent): void => {
    if (event.type === '@xstate.event' || event.type === '@xstate.snapshot') hook(event);
    send(event);
  };
}
