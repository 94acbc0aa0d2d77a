/**
 * The connection's up/down status as an RxJS stream, for the market feeds.
 *
 * The connection actor only emits `status` on a change; a market started later must still learn the
 * current state, so the stream starts with the actor's present status and then follows its events.
 */
import { Observable, distinctUntilChanged } from 'rxjs';
import type { ConnectionEmitted, ConnectionStatus } from '../../machines/connection/connection.types.js';

/** The part of a connection actor this needs (an `Actor<ConnectionMachine>` fits). */
export interface StatusSource {
  getSnapshot(): { readonly context: { readonly status: ConnectionStatus } };
  on(type: 'status', handler: (event: Extract<ConnectionEmitted, { type: 'status' }>) => void): { unsubscribe(): void };
}

/** Returns the current status, then every change. */
export function connectionStatus$(actor: StatusSource): Observable<ConnectionStatus> {
  return new Observable<ConnectionStatus>((subscriber) => {
    subscriber.next(actor.getSnapshot().context.status);
    const sub = actor.on('status', (e) => subscriber.next(e.status));
    return () => sub.unsubscribe();
  }).pipe(distinctUntilChanged());
}
