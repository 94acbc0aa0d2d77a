/**
 * The WebSocket side of the simulator: a `ws` server on the HTTP server's port at `/ws`. It owns
 * the sessions, fans exchange events out to them, and closes sockets on request (faults, shutdown).
 */
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import type { Exchange } from './exchange.js';
import { WsSession, type WsSessionDeps } from './ws-session.js';

export class WsGateway {
  private readonly wss: WebSocketServer;
  private readonly sessions: WsSession[] = [];
  private serial = 0;
  private readonly unsubscribe: () => void;

  constructor(server: Server, exchange: Exchange, deps: WsSessionDeps) {
    this.wss = new WebSocketServer({ server, path: '/ws' });
    // ws re-emits the HTTP server's errors (a failed listen) here; startSimulator already rejects with them.
    this.wss.on('error', () => {});
    this.wss.on('connection', (ws) => {
      // 1013 "try again later": the paper exchange does not serve while its live feed is down.
      if (deps.available?.() === false) return ws.close(1013, 'live feed down');
      const session = new WsSession(this.serial++, ws, deps);
      session.onClose = () => {
        const i = this.sessions.indexOf(session);
        if (i >= 0) this.sessions.splice(i, 1);
      };
      this.sessions.push(session);
    });
    this.unsubscribe = exchange.on((event) => {
      for (const session of [...this.sessions]) session.onEvent(event);
    });
  }

  /** Open connections, oldest first: serial (connection number since start) and account. */
  connections(): { serial: number; accountId: string | null }[] {
    return this.sessions.map((s) => ({ serial: s.serial, accountId: s.accountId }));
  }

  /** Closes all open connections, or the one at `index` among the open ones (oldest = 0). */
  closeSockets(which: 'all' | number): number {
    const targets = which === 'all' ? [...this.sessions] : this.sessions.slice(which, which + 1);
    for (const s of targets) s.close(1012, 'fault: socket closed');
    return targets.length;
  }

  /**
   * Sends every client a 1001 close, then waits for the handshakes. A client that does not answer
   * within `graceMs` (real time: this is socket hygiene, not simulated behaviour) is terminated, so
   * shutdown never hangs on ws's 30 s close timeout.
   */
  close(graceMs = 500): Promise<void> {
    this.unsubscribe();
    for (const s of [...this.sessions]) s.close(1001, 'server shutting down');
    const force = setTimeout(() => {
      for (const client of this.wss.clients) client.terminate();
    }, graceMs);
    force.unref();
    return new Promise((resolve) =>
      this.wss.close(() => {
        clearTimeout(force);
        resolve();
      }),
    );
  }
}
