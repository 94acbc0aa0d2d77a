/** Counting what a client's TCP socket hands the kernel, for tests of corked writes. */
import { Socket } from 'node:net';
import { vi } from 'vitest';

/**
 * Counts the writes of every client socket connected to `port`: each `_write` (one chunk) or
 * `_writev` (every chunk buffered while corked) is one write; the server's sockets are left out.
 */
export function countClientWrites(port: number): { writes: () => number } {
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    const original = Socket.prototype[name] as (this: Socket, ...a: unknown[]) => void;
    vi.spyOn(Socket.prototype, name).mockImplementation(function (this: Socket, ...a: unknown[]) {
      if (this.remotePort === port) writes += 1;
      original.apply(this, a);
    } as never);
  }
  return { writes: () => writes };
}
