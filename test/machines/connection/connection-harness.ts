import { type InspectionEvent, SimulatedClock, createActor, fromCallback, fromPromise } from 'xstate';
import { connectionMachine } from '../../../src/machines/connection/connection.machine.js';
import type { ConnectionInput, SocketEvent, SocketSend } from '../../../src/machines/connection/connection.types.js';

/** A socket the test plays the server for: it sees what the machine sends and answers by hand. */
export interface FakeSocket {
  readonly sent: SocketSend[];
  readonly emit: (event: SocketEvent) => void;
  closed: boolean;
}

export interface TokenControl {
  calls: number;
  fail: boolean;
  /** With `manualToken`, the token request in flight; the test settles it. */
  pending: { resolve: (token: string) => void; reject: (error: Error) => void } | null;
}

export interface HarnessOptions {
  readonly manualToken?: boolean;
  readonly inspect?: (event: InspectionEvent) => void;
}

export function startConnection(input: Partial<ConnectionInput> = {}, options: HarnessOptions = {}) {
  const clock = new SimulatedClock();
  const sockets: FakeSocket[] = [];
  const token: TokenControl = { calls: 0, fail: false, pending: null };
  const crash = { next: false };
  const machine = connectionMachine.provide({
    actors: {
      socket: fromCallback<SocketSend>(({ sendBack, receive }) => {
        if (crash.next) {
          crash.next = false;
          throw new Error('socket provider failed');
        }
        const socket: FakeSocket = { sent: [], emit: (e) => sendBack(e), closed: false };
        receive((e) => socket.sent.push(e));
        sockets.push(socket);
        return () => {
          socket.closed = true;
        };
      }),
      fetchToken: fromPromise(async () => {
        token.calls += 1;
        if (options.manualToken) {
          return new Promise<string>((resolve, reject) => {
            token.pending = { resolve, reject };
          });
        }
        if (token.fail) throw new Error('401 Unauthorized request.');
        return `token-${token.calls}`;
      }),
    },
  });
  const actor = createActor(machine, {
    input: { authenticate: true, seed: 7, ...input },
    clock,
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  const statuses: string[] = [];
  const subscriptionErrors: string[] = [];
  actor.on('status', (e) => statuses.push(e.status));
  actor.on('subscriptionError', (e) => subscriptionErrors.push(`${e.method}:${e.error.code}`));
  actor.start();
  const current = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error('no socket was opened');
    return s;
  };
  /** Answers every request on the current socket that has no reply yet, successfully. */
  const answered = new WeakMap<FakeSocket, number>();
  const replyAll = () => {
    const s = current();
    const from = answered.get(s) ?? 0;
    const pending = s.sent.slice(from);
    answered.set(s, s.sent.length);
    for (const req of pending) {
      const result = req.method === 'ping' ? 'pong' : { status: 'success' };
      s.emit({ type: 'socket.reply', id: req.id, result, error: null });
    }
    return pending;
  };
  const state = () => JSON.stringify(actor.getSnapshot().value);
  return { actor, machine, clock, sockets, current, token, crash, statuses, subscriptionErrors, replyAll, state };
}
