/**
 * Runs callback actors under a tiny parent machine that records every event they send back, so a
 * test can drive `feed` / `desk` exactly as the market machine would, without the market machine.
 */
import { type AnyActorLogic, type AnyEventObject, createActor, setup } from 'xstate';

export interface ChildHarness {
  readonly events: AnyEventObject[];
  /** Sends `event` to the child `id` (as the parent's `sendTo` would). */
  send(id: string, event: AnyEventObject): void;
  /** Resolves with the first recorded event (past or future) that satisfies `pred`. */
  waitFor(pred: (e: AnyEventObject) => boolean): Promise<AnyEventObject>;
  stop(): void;
}

export function startChildren(children: Record<string, { logic: AnyActorLogic; input: unknown }>): ChildHarness {
  const events: AnyEventObject[] = [];
  const waiters: { pred: (e: AnyEventObject) => boolean; resolve: (e: AnyEventObject) => void }[] = [];
  const record = (e: AnyEventObject): void => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };
  const actors = Object.fromEntries(Object.entries(children).map(([id, c]) => [id, c.logic]));
  const machine = setup({ actors }).createMachine({
    invoke: Object.entries(children).map(([id, c]) => ({ id, src: id, input: c.input })),
    on: { '*': { actions: ({ event }) => record(event) } },
  });
  const actor = createActor(machine);
  actor.start();
  return {
    events,
    send: (id, event) => {
      const child = actor.getSnapshot().children[id];
      if (!child) throw new Error(`no child ${id}`);
      child.send(event);
    },
    waitFor: (pred) => {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    stop: () => actor.stop(),
  };
}
